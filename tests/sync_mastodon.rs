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
    use guichet::sync::engine::{SyncEngine, SyncState};
    let (sandbox, store, _) = setup().await;
    let account = engine_account(&sandbox);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let engine = SyncEngine::start(
        store.clone(),
        vec![account],
        std::time::Duration::from_secs(3600),
        tx,
        None,
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

fn item_of(store: &Arc<dyn Store>, native: &str) -> guichet::model::Item {
    let id = format!("mastodon:{ME}:{native}").parse().unwrap();
    store.find(&id).unwrap().expect("synced").1
}

#[tokio::test]
async fn a_dm_arriving_both_ways_is_one_item_threaded_per_conversation() {
    let (sandbox, store, conn) = setup().await;
    sync_once(store.clone(), &conn, 500).await.unwrap();
    let first = sandbox
        .mastodon
        .dm("nina@piaille.fr", "@atelierlumen bonjour, en privé", None);
    // Both the mention notification and the conversation carry it.
    let report = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert_eq!(report.summary.new, 1, "one item for one status");
    let dm = item_of(&store, &first);
    assert_eq!(dm.remote.kind, Kind::DirectMessage);
    let nina = sandbox.mastodon.account_id("nina@piaille.fr").unwrap();
    assert_eq!(dm.remote.author.id, nina);
    assert_eq!(
        dm.remote.thread_id.as_deref(),
        Some(format!("dm-{nina}").as_str())
    );

    let follow_up = sandbox.mastodon.dm(
        "nina@piaille.fr",
        "@atelierlumen vous êtes là ?",
        Some(&first),
    );
    let other = sandbox
        .mastodon
        .dm("zoe@mamot.fr", "@atelierlumen autre question", None);
    let report = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert_eq!(report.summary.new, 2);
    assert_eq!(
        item_of(&store, &follow_up).remote.thread_id,
        dm.remote.thread_id,
        "same conversation, same thread"
    );
    assert_ne!(
        item_of(&store, &other).remote.thread_id,
        dm.remote.thread_id
    );
    assert_eq!(
        sync_once(store.clone(), &conn, 500)
            .await
            .unwrap()
            .summary
            .new,
        0,
        "nothing fetched twice"
    );
}

#[tokio::test]
async fn dms_only_in_conversations_first_sync_and_incremental_across_pages() {
    let (sandbox, store, conn) = setup().await;
    // Notifications dismissed elsewhere: only GET /api/v1/conversations
    // (40 a page at most) shows these.
    let mut early = Vec::new();
    for i in 0..45 {
        early.push(sandbox.mastodon.dm_without_notification(
            &format!("early{i}@mastodon.social"),
            &format!("@atelierlumen question {i}"),
            None,
        ));
    }
    let first = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert!(!first.truncated);
    for native in &early {
        let item = item_of(&store, native);
        assert_eq!(item.remote.kind, Kind::DirectMessage);
    }
    let cursor = store.cursor(&conn_stream()).unwrap().unwrap();
    assert!(
        cursor.contains('/') && !cursor.ends_with('/'),
        "both halves saved: {cursor}"
    );

    let mut late = Vec::new();
    for i in 0..85 {
        late.push(sandbox.mastodon.dm_without_notification(
            &format!("late{i}@mastodon.social"),
            &format!("@atelierlumen suite {i}"),
            None,
        ));
    }
    // A conversation already seen comes back up with its new last status.
    let again = sandbox.mastodon.dm_without_notification(
        "early3@mastodon.social",
        "@atelierlumen toujours là ?",
        Some(&early[3]),
    );
    let report = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert_eq!(report.summary.new, 86, "three pages through rel=prev");
    assert_eq!(
        item_of(&store, &again).remote.thread_id,
        item_of(&store, &early[3]).remote.thread_id
    );
    for native in &late {
        item_of(&store, native);
    }
    assert_eq!(
        sync_once(store.clone(), &conn, 500)
            .await
            .unwrap()
            .summary
            .new,
        0
    );
}

#[tokio::test]
async fn a_first_sync_pages_back_through_conversations_to_the_depth() {
    let (sandbox, store, conn) = setup().await;
    for i in 0..50 {
        sandbox.mastodon.dm_without_notification(
            &format!("p{i}@mastodon.social"),
            &format!("@atelierlumen n°{i}"),
            None,
        );
    }
    let report = sync_once(store.clone(), &conn, 45).await.unwrap();
    assert_eq!(report.summary.new, 45, "DMs first, across two pages");
    assert!(report.truncated);
    let items = mastodon_items(&store);
    assert!(items.iter().all(|i| i.remote.kind == Kind::DirectMessage));
    // The mentions' first sync follows on the next pass.
    let next = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert!(next.summary.new >= 5, "{next:?}");
    assert!(
        mastodon_items(&store)
            .iter()
            .any(|i| i.remote.kind != Kind::DirectMessage)
    );
}

#[tokio::test]
async fn an_old_plain_cursor_still_reads_mentions_and_starts_the_dms() {
    let (sandbox, store, conn) = setup().await;
    sync_once(store.clone(), &conn, 500).await.unwrap();
    let cursor = store.cursor(&conn_stream()).unwrap().unwrap();
    let (notifications, _) = cursor.split_once('/').unwrap();
    // What an earlier guichet saved: the notification id alone.
    store.set_cursor(&conn_stream(), notifications).unwrap();
    let id = sandbox
        .mastodon
        .mention("after@mastodon.social", "toujours ouverts ?", false);
    let report = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert_eq!(report.summary.new, 1, "{report:?}");
    item_of(&store, &id);
    assert!(store.cursor(&conn_stream()).unwrap().unwrap().contains('/'));
}

#[tokio::test]
async fn sync_reads_favourited_into_moderation() {
    let (sandbox, store, conn) = setup().await;
    let id = sandbox
        .mastodon
        .mention("liked@mastodon.social", "Superbe bougie", false);
    sync_once(store.clone(), &conn, 500).await.unwrap();
    assert!(!item_of(&store, &id).remote.moderation.liked);
    // Favourited from another client; the next page carries it again.
    let http = reqwest::Client::new();
    let url = format!(
        "{}/api/v1/statuses/{id}/favourite",
        sandbox.base_url(Network::Mastodon)
    );
    let resp = http.post(&url).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    store.set_cursor(&conn_stream(), "0").unwrap();
    sync_once(store.clone(), &conn, 500).await.unwrap();
    let item = item_of(&store, &id);
    assert!(item.remote.moderation.liked);
    assert_eq!(item.remote.engagement.likes, Some(1));
}

#[tokio::test]
async fn blocked_and_muted_accounts_stop_notifying() {
    let (sandbox, store, conn) = setup().await;
    sync_once(store.clone(), &conn, 500).await.unwrap();
    let m = &sandbox.mastodon;
    m.mention("troll@spam.example", "first", false);
    m.mention("noisy@mastodon.social", "first", false);
    sync_once(store.clone(), &conn, 500).await.unwrap();
    let http = reqwest::Client::new();
    let base = sandbox.base_url(Network::Mastodon);
    for (acct, verb) in [
        ("troll@spam.example", "block"),
        ("noisy@mastodon.social", "mute"),
    ] {
        let account = m.account_id(acct).unwrap();
        let url = format!("{base}/api/v1/accounts/{account}/{verb}");
        let resp = http.post(&url).bearer_auth(TOKEN).send().await.unwrap();
        assert_eq!(resp.status(), 200);
    }
    m.mention("troll@spam.example", "again", false);
    m.mention("noisy@mastodon.social", "again", false);
    let fine = m.mention("fine@mastodon.social", "bonjour", false);
    let report = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert_eq!(report.summary.new, 1, "only the account we did not silence");
    item_of(&store, &fine);
}

#[tokio::test]
async fn the_engine_runs_the_rules_over_what_each_pass_brings() {
    use guichet::sync::engine::{SyncEngine, SyncState};
    use guichet::triage::auto::AutoModeration;
    let (sandbox, store, _) = setup().await;
    let account = engine_account(&sandbox);
    let rules = guichet::triage::rules::Rules::parse(
        "[[rule]]\nname = \"crypto\"\nwords = [\"crypto\"]\ntag = \"spam\"\n",
        std::path::Path::new("rules.toml"),
    )
    .unwrap();
    let auto = AutoModeration::new(
        rules,
        guichet::triage::tags::Tags::example(),
        chrono::FixedOffset::east_opt(0).unwrap(),
    );
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let engine = SyncEngine::start(
        store.clone(),
        vec![account],
        std::time::Duration::from_secs(3600),
        tx,
        Some(std::sync::Arc::new(auto)),
    );
    assert_eq!(next(&mut rx).await.state, SyncState::Syncing);
    assert!(matches!(next(&mut rx).await.state, SyncState::Ok { .. }));
    let before = store.proposed().unwrap().len();
    sandbox
        .mastodon
        .mention("coin@spam.example", "free crypto for you", false);
    engine.sync_now();
    assert_eq!(next(&mut rx).await.state, SyncState::Syncing);
    assert!(matches!(
        next(&mut rx).await.state,
        SyncState::Ok { new: 1, .. }
    ));
    let proposed = store.proposed().unwrap();
    assert_eq!(proposed.len(), before + 1, "the new mention is flagged");
    let seq = *proposed.iter().max().unwrap();
    let item = store.get(seq).unwrap().unwrap();
    assert!(item.remote.text.contains("free crypto"));
    assert_eq!(store.proposals(seq).unwrap()[0].rule, "crypto");
    engine.stop(std::time::Duration::from_secs(1)).await;
}

/// The sandbox account as `config.toml` would declare it, for the engine.
fn engine_account(sandbox: &Sandbox) -> guichet::config::AccountConfig {
    guichet::config::AccountConfig {
        network: Network::Mastodon,
        handle: ME.into(),
        base_url: sandbox.base_url(Network::Mastodon),
        token: guichet::config::TokenSource::Fixed(TOKEN.into()),
        first_sync_depth: 500,
        meta: None,
        ids: Default::default(),
    }
}
