//! Speed of syncing: nine accounts on four networks with 2,000 new items
//! each, synced concurrently from the sandbox through the real connectors
//! into a fresh store; and the UI's answer to a keystroke (update and redraw) while a
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

/// Nine brand accounts over four networks (4 Mastodon, 1 Bluesky,
/// 2 Facebook, 2 Instagram). Accounts of one network read the same
/// sandbox; their item ids differ by handle.
fn accounts(sandbox: &Sandbox) -> Vec<AccountConfig> {
    use guichet::config::accounts::MetaIds;
    use guichet::sandbox::{bluesky, facebook, instagram, mastodon};
    let plan: [(Network, usize, &str); 4] = [
        (Network::Mastodon, 4, mastodon::TOKEN),
        (Network::Bluesky, 1, bluesky::APP_PASSWORD),
        (Network::Facebook, 2, facebook::TOKEN),
        (Network::Instagram, 2, instagram::TOKEN),
    ];
    let mut out = Vec::new();
    for (network, n, token) in plan {
        for i in 0..n {
            let meta = match network {
                Network::Facebook => Some(MetaIds {
                    page_id: facebook::PAGE_ID.to_string(),
                    ig_user_id: None,
                    human_agent: false,
                }),
                Network::Instagram => Some(MetaIds {
                    page_id: instagram::PAGE_ID.to_string(),
                    ig_user_id: Some(instagram::IG_USER_ID.to_string()),
                    human_agent: false,
                }),
                _ => None,
            };
            let handle = match network {
                // The Bluesky login is the sandbox's one brand handle.
                Network::Bluesky => "brand.bsky.social".to_string(),
                _ => format!("brand{i}"),
            };
            out.push(AccountConfig {
                network,
                handle,
                base_url: sandbox.base_url(network),
                token: TokenSource::Fixed(token.to_string()),
                first_sync_depth: PER_ACCOUNT,
                meta,
                ids: Default::default(),
            });
        }
    }
    assert_eq!(out.len(), ACCOUNTS);
    out
}

/// `PER_ACCOUNT` new items waiting on each network, from 700 people.
fn fill(sandbox: &Sandbox) {
    let at =
        |i: usize| now() - chrono::Duration::minutes(i64::try_from(PER_ACCOUNT - i).unwrap_or(0));
    let who = |i: usize| {
        (
            format!("{}", 9_000_000 + i % 700),
            format!("customer{}", i % 700),
        )
    };
    let post = sandbox.facebook.post(
        "Nouvelle collection d'hiver",
        now() - chrono::Duration::days(3),
    );
    let media: Vec<String> = (0..20)
        .map(|m| {
            sandbox
                .instagram
                .media(&format!("Bougie n°{m}"), now() - chrono::Duration::days(3))
        })
        .collect();
    for i in 0..PER_ACCOUNT {
        let text = if i % 2 == 0 {
            format!("Bonjour, une question #{i} sur ma commande")
        } else {
            format!("Hello, a question #{i} about my order")
        };
        let (id, name) = who(i);
        sandbox
            .mastodon
            .mention(&format!("{name}@mastodon.social"), &text, i % 10 == 0);
        sandbox
            .bluesky
            .mention(&format!("{name}.bsky.social"), &text, None);
        sandbox
            .facebook
            .comment(&post, None, (&id, &name), &text, at(i));
        sandbox
            .instagram
            .comment(&media[i % media.len()], None, (&id, &name), &text, at(i));
    }
}

fn nine_accounts(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let sandbox = runtime.block_on(async {
        let sandbox = Sandbox::start(
            &[
                (Network::Mastodon, "brand@piaille.fr"),
                (Network::Bluesky, "brand.bsky.social"),
            ],
            &[],
        )
        .await
        .expect("sandbox");
        fill(&sandbox);
        sandbox
    });
    let accounts = accounts(&sandbox);
    let mut group = c.benchmark_group("sync");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    group.bench_function(
        "9 accounts on 4 networks x 2000 new items, first sync",
        |b| {
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
        },
    );
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
