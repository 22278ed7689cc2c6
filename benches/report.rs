//! Speed of a report: a year of items (`GUICHET_BENCH_ITEMS`, default
//! 1,000,000, spread over 365 days by the scale generator) and a year of
//! audit lines (`demo::synthetic_audit`: answers, escalations,
//! moderation), read and summed by `report::compute` for the whole year,
//! and for the last 30 days. The target is under 2 s for the year.
//!
//! The store is built once per run (a few minutes for a million items);
//! point `GUICHET_BENCH_STORE` at a store this bench built before to skip
//! that (it is then reused as it is).

#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

use chrono::{Duration, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use guichet::report::{Period, Query, ReportFilter, Settings, Window, compute};
use guichet::store::{SledStore, Store};
use guichet::triage::tags::Tags;

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

fn items() -> usize {
    std::env::var("GUICHET_BENCH_ITEMS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

fn build_store(dir: &std::path::Path, n: usize) -> SledStore {
    let store = SledStore::open(dir).expect("open bench store");
    if !store.is_empty() {
        return store;
    }
    let start = Instant::now();
    let mut batch = Vec::with_capacity(10_000);
    let mut lines = 0usize;
    let mut flush = |batch: Vec<guichet::model::Item>, seed: u64| {
        let audit = guichet::demo::synthetic_audit(&batch, seed, now());
        lines += audit.len();
        store.import_audit(&audit).expect("audit");
        store.ingest(batch).expect("ingest");
    };
    for (i, item) in guichet::demo::synthetic(n, 7, now()).enumerate() {
        batch.push(item);
        if batch.len() == 10_000 {
            flush(std::mem::take(&mut batch), i as u64);
        }
    }
    flush(batch, 0);
    store.flush().expect("flush");
    eprintln!(
        "built a {n}-item store with {lines} audit lines in {:.1}s",
        start.elapsed().as_secs_f64()
    );
    store
}

fn report(c: &mut Criterion) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = std::env::var("GUICHET_BENCH_STORE")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| tmp.path().join("store"));
    let store = build_store(&dir, items());
    let settings = Settings {
        zone: "Europe/Paris".parse().expect("zone"),
        hours: Some(guichet::report::BusinessHours::default()),
        tags: Arc::new(Tags::example()),
    };
    let year = Query {
        window: Window {
            from: now() - Duration::days(366),
            to: now(),
            zone: settings.zone,
        },
        label: "year".into(),
        as_of: now(),
        filter: ReportFilter::default(),
    };
    let start = Instant::now();
    let r = compute(&store, &settings, &year).expect("report");
    eprintln!(
        "year: {} received, {} answered, {} escalated, {} hidden, in {:.2}s",
        r.totals.received,
        r.totals.answered,
        r.totals.escalated,
        r.totals.hidden,
        start.elapsed().as_secs_f64()
    );
    let month = Query {
        window: Period::Last30Days.window(settings.zone, now()),
        label: "30 days".into(),
        ..year.clone()
    };
    let mut group = c.benchmark_group("report");
    group.sample_size(10);
    group.bench_function("a year of items and audit", |b| {
        b.iter(|| black_box(compute(&store, &settings, &year).expect("report")))
    });
    group.bench_function("last 30 days", |b| {
        b.iter(|| black_box(compute(&store, &settings, &month).expect("report")))
    });
    group.finish();
}

criterion_group!(benches, report);
criterion_main!(benches);
