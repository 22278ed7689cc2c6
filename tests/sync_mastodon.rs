//! The Mastodon connector and the sync engine against the sandbox: the
//! real HTTP path, with only the base URL pointing at 127.0.0.1.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use guichet::model::{Kind, Network, Status};
use guichet::networks::error::ErrorKind;
use guichet::networks::mastodon::MastodonConnector;
use guichet::sandbox::{Fault, Sandbox, mastodon::TOKEN};
use guichet::store::{SledStore, Store};
use guichet::sync::{SyncError, sync_once};

mod common;

const ME: &str = "atelierlumen@piaille.fr";

async fn setup() -> (Sandbox, Arc<dyn Store>, MastodonConnector) {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 23, 12, 0, 0)
        .single()
        .unwrap();
    let demo = guichet::demo::demo_items(now);
    let sandbox = Sandbox::start(&[(Network::Mastodon, ME)], &demo)
        .await
        .unwrap();
    let store: Arc<dyn Store> = Arc::new(SledStore::temporary().unwrap());
    let conn = MastodonConnector::new(&sandbox.base_url(Network::Mastodon), ME, TOKEN).unwrap();
    (sandbox, store, conn)
}

fn mastodon_items(store: &Arc<dyn Store>) -> Vec<guichet::model::Item> {
    let rows = store.rows().unwrap();
    rows.rows
        .iter()
        .filter(|r| r.network == Network::Mastodon)
        .map(|r| store.get(r.seq).unwrap().unwrap())
        .collect()
}

#[tokio::test]
async fn first_sync_then_only_what_is_new() {
    let (sandbox, store, conn) = setup().await;
    let first = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert!(first.summary.new >= 5, "{first:?}");
    assert_eq!(first.skipped, 0);
    let items = mastodon_items(&store);
    assert!(
        items.iter().all(|i| !i.remote.text.contains("<p>")),
        "HTML is turned into text"
    );
    assert!(
        items.iter().any(|i| i.remote.kind == Kind::DirectMessage),
        "direct mentions are DMs"
    );

    let again = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert_eq!(again.summary.new, 0, "nothing fetched twice");

    let id = sandbox
        .mastodon
        .mention("fan@mastodon.social", "Vous livrez en Belgique ?", false);
    let third = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert_eq!(third.summary.new, 1);
    let native = format!("mastodon:{ME}:{id}").parse().unwrap();
    let (_, item) = store.find(&native).unwrap().unwrap();
    assert_eq!(item.remote.text, "Vous livrez en Belgique ?");
    assert_eq!(item.remote.author.handle, "@fan@mastodon.social");
}

#[tokio::test]
async fn paging_forward_across_many_new_mentions() {
    let (sandbox, store, conn) = setup().await;
    sync_once(store.clone(), &conn, 500).await.unwrap();
    for i in 0..200 {
        sandbox
            .mastodon
            .mention("wave@mastodon.social", &format!("concours {i}"), false);
    }
    let report = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert_eq!(
        report.summary.new, 200,
        "three pages of 80 followed through Link rel=prev"
    );
}

#[tokio::test]
async fn first_sync_depth_limit() {
    let (_sandbox, store, conn) = setup().await;
    let report = sync_once(store.clone(), &conn, 3).await.unwrap();
    assert_eq!(report.summary.new, 3);
    assert!(report.truncated);
}

#[tokio::test]
async fn resync_keeps_local_state() {
    let (sandbox, store, conn) = setup().await;
    let id = sandbox
        .mastodon
        .mention("typo@mastodon.social", "Bonjuor", false);
    sync_once(store.clone(), &conn, 500).await.unwrap();
    let native = format!("mastodon:{ME}:{id}").parse().unwrap();
    let (seq, _) = store.find(&native).unwrap().unwrap();
    common::decide_locally(&store, seq);
    // The author edits the text; the next page carries it again.
    sandbox.mastodon.edit(&id, "Bonjour");
    store.set_cursor(&conn_stream(), "0").unwrap();
    sync_once(store.clone(), &conn, 500).await.unwrap();
    let item = store.get(seq).unwrap().unwrap();
    assert_eq!(item.remote.text, "Bonjour");
    assert_eq!(item.local.status, Status::Done);
    assert_eq!(item.local.tags, vec!["refund"]);
}

fn conn_stream() -> String {
    format!("mastodon:{ME}/inbox")
}

#[tokio::test]
async fn a_bad_item_is_skipped_and_the_page_kept() {
    let (sandbox, store, conn) = setup().await;
    sync_once(store.clone(), &conn, 500).await.unwrap();
    sandbox
        .mastodon
        .mention("ok1@mastodon.social", "first", false);
    sandbox.mastodon.raw_notification(
        serde_json::json!({ "id": "x", "type": "mention", "status": { "id": 42 } }),
    );
    sandbox
        .mastodon
        .mention("ok2@mastodon.social", "second", false);
    let report = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert_eq!(report.summary.new, 2);
    assert_eq!(report.skipped, 1);
}

#[tokio::test]
async fn transient_errors_are_retried() {
    let (sandbox, store, conn) = setup().await;
    sandbox.mastodon.faults.push(Fault::ServerError);
    sandbox.mastodon.faults.push(Fault::Malformed);
    let report = sync_once(store.clone(), &conn, 500).await;
    // A 503 is retried; a malformed body is not (it would come back the same).
    match report {
        Err(SyncError::Connector(e)) => assert_eq!(e.kind, ErrorKind::BadPayload),
        other => panic!("expected a bad payload, got {other:?}"),
    }
    let ok = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert!(ok.summary.new > 0);
}

#[tokio::test]
async fn long_rate_limits_and_bad_tokens_are_reported_not_waited() {
    let (sandbox, store, conn) = setup().await;
    sandbox
        .mastodon
        .faults
        .push(Fault::RateLimited { reset_secs: 600 });
    let started = std::time::Instant::now();
    common::assert_rate_limited(sync_once(store.clone(), &conn, 500).await, 600);
    assert!(
        started.elapsed().as_secs() < 5,
        "a long limit is not slept through"
    );
    assert!(
        store.cursor(&conn_stream()).unwrap().is_none(),
        "nothing half-synced"
    );

    let bad =
        MastodonConnector::new(&sandbox.base_url(Network::Mastodon), ME, "wrong-token").unwrap();
    match sync_once(store.clone(), &bad, 500).await {
        // Mastodon tokens do not expire: an invalid one was revoked.
        Err(SyncError::Connector(e)) => assert_eq!(e.kind, ErrorKind::AuthRevoked),
        other => panic!("expected an auth error, got {other:?}"),
    }
}

#[tokio::test]
async fn the_engine_syncs_on_start_on_demand_and_reports_rate_limits() {
    use guichet::config::{AccountConfig, TokenSource};
    use guichet::sync::engine::{SyncEngine, SyncState};
    let (sandbox, store, _) = setup().await;
    let account = AccountConfig {
        network: Network::Mastodon,
        handle: ME.into(),
        base_url: sandbox.base_url(Network::Mastodon),
        token: TokenSource::Fixed(TOKEN.into()),
        first_sync_depth: 500,
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let engine = SyncEngine::start(
        store.clone(),
        vec![account],
        std::time::Duration::from_secs(3600),
        tx,
    );
    let e = next(&mut rx).await;
    assert_eq!(e.state, SyncState::Syncing);
    let e = next(&mut rx).await;
    assert!(
        matches!(e.state, SyncState::Ok { new, .. } if new > 0),
        "{e:?}"
    );
    assert_eq!(e.account, format!("mastodon:{ME}"));

    sandbox
        .mastodon
        .mention("now@mastodon.social", "sync now please", false);
    sandbox
        .mastodon
        .faults
        .push(Fault::RateLimited { reset_secs: 900 });
    engine.sync_now();
    assert_eq!(next(&mut rx).await.state, SyncState::Syncing);
    assert!(matches!(
        next(&mut rx).await.state,
        SyncState::RateLimited { .. }
    ));
    // Sync now again: the fault is spent, the pass goes through.
    engine.sync_now();
    assert_eq!(next(&mut rx).await.state, SyncState::Syncing);
    let e = next(&mut rx).await;
    assert!(matches!(e.state, SyncState::Ok { new: 1, .. }), "{e:?}");
    engine.stop(std::time::Duration::from_secs(1)).await;
}

async fn next(
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<guichet::sync::engine::SyncEvent>,
) -> guichet::sync::engine::SyncEvent {
    tokio::time::timeout(std::time::Duration::from_secs(10), rx.recv())
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guichet_sync_runs_headless_from_config() {
    let (sandbox, _, _) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    let toml = format!(
        "[[accounts]]\nnetwork = \"mastodon\"\nhandle = \"{ME}\"\nbase_url = \"{}\"\ntoken_env = \"GUICHET_TEST_MASTODON_TOKEN\"\n",
        sandbox.base_url(Network::Mastodon)
    );
    std::fs::write(&config, toml).unwrap();
    let store = dir.path().join("store");
    let run = |token: &'static str| {
        let (config, store) = (config.clone(), store.clone());
        tokio::task::spawn_blocking(move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_guichet"))
                .arg("--config")
                .arg(&config)
                .arg("--store")
                .arg(&store)
                .arg("sync")
                .env("GUICHET_CONFIG_DIR", config.parent().unwrap())
                .env("GUICHET_TEST_MASTODON_TOKEN", token)
                .output()
                .unwrap()
        })
    };
    let out = run(TOKEN).await.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("mastodon:{ME}: ")) && stdout.contains(" new"),
        "{stdout}"
    );
    let again = run(TOKEN).await.unwrap();
    assert!(
        String::from_utf8_lossy(&again.stdout).contains(": 0 new"),
        "nothing twice"
    );

    let bad = run("wrong").await.unwrap();
    assert_eq!(bad.status.code(), Some(1));
    let text = String::from_utf8_lossy(&bad.stdout);
    assert!(text.contains("FAILED"), "{text}");
    assert!(
        !text.contains("wrong") && !String::from_utf8_lossy(&bad.stderr).contains("wrong"),
        "the token is never printed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guichet_reply_queues_then_sends() {
    let (sandbox, _, _) = setup().await;
    let native = sandbox.mastodon.mention(
        "asker@mastodon.social",
        "Vous êtes ouverts dimanche ?",
        false,
    );
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    let toml = format!(
        "agent = \"camille\"\n[[accounts]]\nnetwork = \"mastodon\"\nhandle = \"{ME}\"\nbase_url = \"{}\"\ntoken_env = \"GUICHET_TEST_MASTODON_TOKEN\"\n",
        sandbox.base_url(Network::Mastodon)
    );
    std::fs::write(&config, toml).unwrap();
    let store = dir.path().join("store");
    let guichet = move |args: Vec<String>| {
        let (config, store) = (config.clone(), store.clone());
        tokio::task::spawn_blocking(move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_guichet"))
                .arg("--config")
                .arg(&config)
                .arg("--store")
                .arg(&store)
                .args(args)
                .env("GUICHET_CONFIG_DIR", config.parent().unwrap())
                .env("GUICHET_TEST_MASTODON_TOKEN", TOKEN)
                .output()
                .unwrap()
        })
    };
    let sync = guichet(vec!["sync".into()]).await.unwrap();
    assert!(sync.status.success());
    let id = format!("mastodon:{ME}:{native}");
    let out = guichet(vec![
        "reply".into(),
        id.clone(),
        "Oui,".into(),
        "de 10 h à 18 h.".into(),
    ])
    .await
    .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("reply sent"),
        "{text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ours = sandbox.mastodon.posted_by_us();
    assert!(
        ours.iter()
            .any(|(_, parent, t)| parent.as_deref() == Some(native.as_str())
                && t == "@asker@mastodon.social Oui, de 10 h à 18 h."),
        "{ours:?}"
    );
    let shown = guichet(vec!["show".into(), id, "--format".into(), "json".into()])
        .await
        .unwrap();
    assert!(
        String::from_utf8_lossy(&shown.stdout).contains("Answered"),
        "the item is answered once confirmed"
    );
}
