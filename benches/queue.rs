//! Speed of the queue at scale: ingest, opening the first screen, moving
//! the selection, filtering, searching, and a full row load.
//!
//! The store is built once per run with the scale generator. Its size is
//! `GUICHET_BENCH_ITEMS` (default 1,000,000, the size the README figures
//! are for); set it lower for a quick look: `GUICHET_BENCH_ITEMS=100000
//! cargo bench`, or point `GUICHET_BENCH_STORE` at a store made by
//! `guichet gen`. Resident memory after loading every row is printed too.

#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use guichet::config::Config;
use guichet::filter::{self, Filter, Sort};
use guichet::keymap::Keymap;
use guichet::model::Network;
use guichet::store::{SledStore, Store};
use guichet::theme::Theme;
use guichet::tui::App;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

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

fn rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// A store with `n` synthetic items, built once.
fn build_store(dir: &std::path::Path, n: usize) -> Arc<dyn Store> {
    let store = SledStore::open(dir).expect("open bench store");
    let start = Instant::now();
    let mut batch = Vec::with_capacity(10_000);
    for item in guichet::demo::synthetic(n, 7, now()) {
        batch.push(item);
        if batch.len() == 10_000 {
            store.ingest(std::mem::take(&mut batch)).expect("ingest");
        }
    }
    store.ingest(batch).expect("ingest");
    store.flush().expect("flush");
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "built a {n}-item store in {secs:.1}s ({:.0} items/s)",
        n as f64 / secs
    );
    Arc::new(store)
}

fn app(store: &Arc<dyn Store>) -> App {
    let config = Config::defaults(std::env::temp_dir());
    let keymap = Keymap::load("default", None).expect("keymap");
    App::new(&config, keymap, Theme::default(), store.clone(), now()).expect("app")
}

fn ingest(c: &mut Criterion) {
    let mut group = c.benchmark_group("ingest");
    group.sample_size(10);
    group.throughput(criterion::Throughput::Elements(10_000));
    group.bench_function("10k items into a fresh store", |b| {
        b.iter_batched(
            || {
                (
                    SledStore::temporary().expect("store"),
                    guichet::demo::synthetic(10_000, 3, now()).collect::<Vec<_>>(),
                )
            },
            |(store, items)| store.ingest(items).expect("ingest"),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn at_scale(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    // GUICHET_BENCH_STORE reuses a store made by `guichet gen` (building a
    // million items takes minutes); otherwise one is built here.
    let (store, n): (Arc<dyn Store>, usize) = match std::env::var("GUICHET_BENCH_STORE") {
        Ok(path) => {
            let start = Instant::now();
            let store =
                SledStore::open(std::path::Path::new(&path)).expect("open GUICHET_BENCH_STORE");
            let opened = start.elapsed().as_secs_f64() * 1000.0;
            let rss = rss_mb().unwrap_or(0.0);
            let start = Instant::now();
            let n = store.len();
            eprintln!(
                "opened the store in {opened:.0} ms (resident memory {rss:.0} MB); counted {n} items in {:.0} ms",
                start.elapsed().as_secs_f64() * 1000.0,
            );
            (Arc::new(store), n)
        }
        Err(_) => (build_store(dir.path(), items()), items()),
    };
    let mut group = c.benchmark_group(format!("{n} items"));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));

    group.bench_function("first drawn queue screen", |b| {
        b.iter(|| {
            let mut app = app(&store);
            let mut term = Terminal::new(TestBackend::new(120, 35)).expect("terminal");
            term.draw(|f| app.draw(f)).expect("draw");
            black_box(app.state.queue.visible.len())
        })
    });

    group.bench_function("load every row (background)", |b| {
        b.iter(|| black_box(store.rows().expect("rows").rows.len()))
    });

    let mut loaded = app(&store);
    loaded.settle();
    eprintln!(
        "resident memory with every row loaded: {:.0} MB",
        rss_mb().unwrap_or(0.0)
    );
    let mut term = Terminal::new(TestBackend::new(120, 35)).expect("terminal");
    term.draw(|f| loaded.draw(f)).expect("draw");
    group.bench_function("move selection and redraw", |b| {
        b.iter(|| {
            loaded.on_key(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE));
            term.draw(|f| loaded.draw(f)).expect("draw");
        })
    });

    let set = &loaded.state.queue.set;
    let by_network = Filter {
        networks: vec![Network::Instagram],
        ..Filter::default()
    };
    group.bench_function("switch filter (network)", |b| {
        b.iter(|| {
            black_box(
                filter::view(set, &by_network, None, Sort::OldestFirst, now().timestamp()).len(),
            )
        })
    });
    group.bench_function("text search (two words)", |b| {
        b.iter(|| black_box(store.search("bougie livraison").expect("search").len()))
    });
    group.finish();
    eprintln!(
        "resident memory after the searches: {:.0} MB",
        rss_mb().unwrap_or(0.0)
    );
}

// The store at scale first: the ingest group's throw-away stores would
// otherwise stay in the resident memory measured there.
criterion_group!(benches, at_scale, ingest);
criterion_main!(benches);
