//! Speed of the auto-moderation rules: the shipped example rules over a
//! synthetic inbox (the scale generator, plus a few spam waves), as
//! `guichet rules test` and sync after an ingest run them: building the
//! [`Snapshot`] context, then evaluating every item.
//!
//! `cargo bench --bench rules`. The batch is `GUICHET_BENCH_ITEMS` items
//! (default 100,000); the target is well under a second for the whole.

#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{FixedOffset, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use guichet::model::Item;
use guichet::triage::rules::{Rules, Snapshot};

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

fn items() -> Vec<Item> {
    let n = std::env::var("GUICHET_BENCH_ITEMS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let mut items: Vec<Item> = guichet::demo::synthetic(n, 7, now()).collect();
    // Spam waves: every 1,000th item becomes one of ten copied pitches.
    let len = items.len();
    for (i, item) in items.iter_mut().enumerate().step_by(1_000) {
        item.remote.text = format!(
            "Turn $100 into $5,000 in 24h with Bitcoin trading, pitch {} 👉 t.me/gains_{}",
            i % 10,
            i % 7
        );
        item.remote.created_at = now() - chrono::Duration::minutes((i % 300) as i64);
    }
    eprintln!("{len} items");
    items
}

fn rules(c: &mut Criterion) {
    let rules = Rules::example();
    let items = items();
    let zone = FixedOffset::east_opt(3_600).expect("zone");
    let evaluate_all = |snap: &Snapshot| {
        items
            .iter()
            .map(|i| rules.evaluate(i, snap, now()).len())
            .sum::<usize>()
    };
    let start = Instant::now();
    let snap = Snapshot::new(&items, now(), zone);
    let built = start.elapsed();
    let firings = evaluate_all(&snap);
    eprintln!(
        "{firings} firings with the example rules; snapshot {built:.0?}, evaluation {:.0?}",
        start.elapsed() - built
    );

    let mut group = c.benchmark_group("rules");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("snapshot", |b| {
        b.iter(|| Snapshot::new(black_box(&items), now(), zone))
    });
    group.bench_function("snapshot_and_evaluate", |b| {
        b.iter(|| evaluate_all(&Snapshot::new(black_box(&items), now(), zone)))
    });
    group.bench_function("evaluate_warm", |b| {
        b.iter(|| evaluate_all(black_box(&snap)))
    });
    group.finish();
}

criterion_group!(benches, rules);
criterion_main!(benches);
