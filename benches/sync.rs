//! Speed of syncing: nine accounts with 2,000 new items each, synced
//! concurrently from the sandbox through the real connectors into a fresh
//! store; and the UI's answer to a keystroke (update and redraw) while a
//! big sync writes into the same store.
//!
//! `cargo bench --bench sync`. The figures are in the README.

#![allow(clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use guichet::config::{AccountConfig, Config, TokenSource};
use guichet::keymap::Keymap;
use guichet::model::Network;
use guichet::sandbox::Sandbox;
use guichet::store::{SledStore, Store};
use guichet::sync::engine::connector_for;
use guichet::sync::sync_once;
use guichet::theme::Theme;
use guichet::tui::App;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const ACCOUNTS: usize = 9;
const PER_ACCOUNT: usize = 2_000;

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

/// The sandbox with `PER_ACCOUNT` new mentions waiting, and nine brand
/// accounts reading it (their item ids differ by handle).
fn accounts(sandbox: &Sandbox) -> Vec<AccountConfig> {
    (0..ACCOUNTS)
        .map(|i| AccountConfig {
            network: Network::Mastodon,
            handle: format!("brand{i}@piaille.fr"),
            base_url: sandbox.base_url(Network::Mastodon),
            token: TokenSource::Fixed(guichet::sandbox::mastodon::TOKEN.to_string()),
            first_sync_depth: PER_ACCOUNT,
            meta: None,
        })
        .collect()
}

fn nine_accounts(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let sandbox = runtime.block_on(async {
        let sandbox = Sandbox::start(&[(Network::Mastodon, "brand@piaille.fr")], &[])
            .await
            .expect("sandbox");
        for i in 0..PER_ACCOUNT {
            let lang = if i % 2 == 0 {
                "Bonjour, une question"
            } else {
                "Hello, a question"
            };
            sandbox.mastodon.mention(
                &format!("customer{}@mastodon.social", i % 700),
                &format!("{lang} #{i} about my order"),
                i % 10 == 0,
            );
        }
        sandbox
    });
    let accounts = accounts(&sandbox);
    let mut group = c.benchmark_group("sync");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    group.bench_function("9 accounts x 2000 new items, first sync", |b| {
        b.iter(|| {
            let store: Arc<dyn Store> = Arc::new(SledStore::temporary().expect("store"));
            let new = runtime.block_on(async {
                let mut tasks = tokio::task::JoinSet::new();
                for account in accounts.clone() {
                    let store = store.clone();
                    tasks.spawn(async move {
                        let conn = connector_for(&account).await.expect("connector");
                        sync_once(store, &conn, account.first_sync_depth)
                            .await
                            .expect("sync")
                            .summary
                            .new
                    });
                }
                let mut new = 0;
                while let Some(n) = tasks.join_next().await {
                    new += n.expect("task");
                }
                new
            });
            assert_eq!(new, ACCOUNTS * PER_ACCOUNT, "every item arrives");
        });
    });
    group.finish();
}

fn keys_during_sync(c: &mut Criterion) {
    let store: Arc<dyn Store> = Arc::new(SledStore::temporary().expect("store"));
    store
        .ingest(guichet::demo::synthetic(50_000, 3, now()).collect())
        .expect("ingest");
    let config = Config::defaults(std::env::temp_dir());
    let keymap = Keymap::load("default", None).expect("keymap");
    let mut app = App::new(&config, keymap, Theme::default(), store.clone(), now()).expect("app");
    app.settle();
    let mut term = Terminal::new(TestBackend::new(120, 35)).expect("terminal");
    term.draw(|f| app.draw(f)).expect("draw");

    // A sync writing 2,000-item pages into the same store, non-stop.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (store, stop) = (store.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut seed = 100;
            while !stop.load(Ordering::Relaxed) {
                let page: Vec<_> = guichet::demo::synthetic(2_000, seed, now()).collect();
                store.ingest(page).expect("ingest");
                seed += 1;
            }
        })
    };
    let mut group = c.benchmark_group("ui during sync");
    group.bench_function(
        "keystroke and redraw while 2000-item pages are stored",
        |b| {
            let mut down = true;
            b.iter(|| {
                let key = if down { 'j' } else { 'k' };
                down = !down;
                app.on_key(KeyEvent::new(KeyCode::Char(key), KeyModifiers::NONE));
                term.draw(|f| app.draw(f)).expect("draw");
            });
        },
    );
    group.finish();
    stop.store(true, Ordering::Relaxed);
    writer.join().expect("writer");
}

criterion_group!(benches, nine_accounts, keys_during_sync);
criterion_main!(benches);
