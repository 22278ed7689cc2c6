//! The Threads connector against the sandbox: the real HTTP path (Graph
//! envelope under `/v1.0`, cursors, usage header, error codes, token
//! refresh), with only the base URL pointing at 127.0.0.1. Writes go
//! through the outbox and are read back from the sandbox and the store.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use chrono::{Duration, Utc};
use guichet::model::{Item, ItemId, Kind, Network, Status};
use guichet::networks::connector::{Act, Connector};
use guichet::networks::error::ErrorKind;
use guichet::networks::threads::ThreadsConnector;
use guichet::networks::vault::{SessionVault, StoreVault};
use guichet::outbox::{OutAction, SendState, send_due};
use guichet::sandbox::Fault;
use guichet::sandbox::threads::{self, TOKEN, Threads, USER_ID};
use guichet::store::{SledStore, Store};
use guichet::sync::{SyncError, sync_once};

mod common;
/// Replies, hides, deletes and refusals, read back.
#[path = "sync_threads/writes.rs"]
mod writes;

const ME: &str = "atelier.lumen";

/// The sandbox server for Threads alone, nested as the demo sandbox does.
struct Server {
    th: Threads,
    base: String,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn serve(th: Threads) -> Server {
    let app = axum::Router::new().nest("/threads", threads::router(th.clone()));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let base = format!("http://{}/threads", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
    });
    Server {
        th,
        base,
        _stop: stop,
    }
}

fn demo_threads() -> Vec<Item> {
    guichet::demo::demo_items(Utc::now())
        .into_iter()
        .filter(|i| i.remote.network == Network::Threads)
        .collect()
}

/// Demo items the sandbox replays: replies under our posts, mentions, quotes.
fn replayable(items: &[Item]) -> usize {
    items
        .iter()
        .filter(|i| i.remote.post.is_some() || matches!(i.remote.kind, Kind::Mention | Kind::Quote))
        .count()
}

async fn setup() -> (Server, Arc<dyn Store>, ThreadsConnector) {
    let th = Threads::new(USER_ID, ME);
    th.seed(&demo_threads());
    let server = serve(th).await;
    let store: Arc<dyn Store> = Arc::new(SledStore::temporary().unwrap());
    let conn = connector(&server, TOKEN);
    (server, store, conn)
}

/// A connector whose token has 50 days left: no refresh on the way.
fn connector(server: &Server, token: &str) -> ThreadsConnector {
    ThreadsConnector::new(&server.base, ME, USER_ID, token)
        .unwrap()
        .with_token_expiry(Utc::now() + Duration::days(50))
}

fn id(native: &str) -> ItemId {
    format!("threads:{ME}:{native}").parse().unwrap()
}

fn stored(store: &Arc<dyn Store>, native: &str) -> Item {
    store.find(&id(native)).unwrap().unwrap().1
}

fn threads_items(store: &Arc<dyn Store>) -> Vec<Item> {
    let rows = store.rows().unwrap();
    rows.rows
        .iter()
        .filter(|r| r.network == Network::Threads)
        .map(|r| store.get(r.seq).unwrap().unwrap())
        .collect()
}

fn stream() -> String {
    format!("threads:{ME}/inbox")
}

#[tokio::test]
async fn first_sync_then_only_what_is_new() {
    let (server, store, conn) = setup().await;
    let expected = replayable(&demo_threads());
    assert!(expected > 5, "the demo has Threads items: {expected}");
    let first = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(first.skipped, 0);
    assert_eq!(first.summary.new, expected, "every seeded item came back");
    let items = threads_items(&store);
    for kind in [Kind::Reply, Kind::Mention] {
        assert!(items.iter().any(|i| i.remote.kind == kind), "{kind:?}");
    }
    let reply = items.iter().find(|i| i.remote.kind == Kind::Reply).unwrap();
    assert!(reply.remote.post.is_some() && reply.remote.parent_id.is_some());
    assert_eq!(
        reply.remote.thread_id,
        reply.remote.post.as_ref().map(|p| p.id.clone())
    );

    let again = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(again.summary.new, 0, "nothing fetched twice");

    let post = server.th.newest_post().unwrap();
    let now = Utc::now();
    let top = server
        .th
        .reply(&post, "samwise", "Do you do oat milk?", now);
    let nested = server.th.reply(&top, "rosie", "Same question!", now);
    let late = server
        .th
        .reply(&post, "merry", "Late but here", now - Duration::minutes(2));
    let m = server
        .th
        .mention("pippin", "@atelier.lumen vos bougies 😍", now);
    let third = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(third.summary.new, 4, "{third:?}");
    let t = stored(&store, &top);
    assert_eq!(t.remote.kind, Kind::Reply);
    assert_eq!(t.remote.author.handle, "samwise");
    assert_eq!(t.remote.parent_id.as_deref(), Some(post.as_str()));
    assert_eq!(t.remote.thread_id.as_deref(), Some(post.as_str()));
    assert_eq!(t.remote.engagement.replies, Some(1), "has_replies");
    let n = stored(&store, &nested);
    assert_eq!(
        n.remote.parent_id.as_deref(),
        Some(top.as_str()),
        "replied_to"
    );
    assert_eq!(
        n.remote.thread_id.as_deref(),
        Some(post.as_str()),
        "root_post"
    );
    assert_eq!(stored(&store, &late).remote.text, "Late but here");
    assert_eq!(stored(&store, &m).remote.kind, Kind::Mention);
}

#[tokio::test]
async fn paging_across_small_pages_by_next_links() {
    let (server, store, conn) = setup().await;
    let unpaged: Arc<dyn Store> = Arc::new(SledStore::temporary().unwrap());
    sync_once(unpaged, &conn, 5_000).await.unwrap();
    let one_page_calls = server.th.calls();
    server.th.set_max_page(2);
    let first = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(first.summary.new, replayable(&demo_threads()));
    let calls = server.th.calls() - one_page_calls;
    assert!(
        calls > one_page_calls + 3,
        "pages of two: {calls} calls, {one_page_calls} unpaged"
    );
    let post = server.th.newest_post().unwrap();
    for i in 0..7 {
        server
            .th
            .reply(&post, "wave", &format!("concours {i}"), Utc::now());
    }
    let next = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(next.summary.new, 7, "{next:?}");
}

#[tokio::test]
async fn paging_by_bare_cursors_when_there_is_no_next_link() {
    let (server, store, conn) = setup().await;
    server.th.set_cursors_only(true);
    let old = Utc::now() - Duration::days(20);
    let mut last = String::new();
    for i in 0..30 {
        last = server
            .th
            .post(&format!("archive {i}"), old + Duration::minutes(i));
    }
    for i in 0..130 {
        server.th.reply(
            &last,
            "fan",
            &format!("reply {i}"),
            old + Duration::hours(1) + Duration::seconds(i),
        );
    }
    let first = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(
        first.summary.new,
        replayable(&demo_threads()) + 130,
        "a second page of posts and of a conversation, reached by `after`"
    );
}

#[tokio::test]
async fn first_sync_depth_limit() {
    let (_server, store, conn) = setup().await;
    let report = sync_once(store.clone(), &conn, 3).await.unwrap();
    assert_eq!(report.summary.new, 3);
    assert!(report.truncated);
}

async fn send(
    store: &Arc<dyn Store>,
    conn: &ThreadsConnector,
    native: &str,
    action: OutAction,
) -> SendState {
    store.enqueue(&id(native), action, "camille").unwrap();
    let done = send_due(store.clone(), conn).await.unwrap();
    assert_eq!(done.len(), 1);
    done[0].state.clone()
}

/// A fresh top-level reply and a nested one under it, synced.
async fn fresh_thread(
    server: &Server,
    store: &Arc<dyn Store>,
    conn: &ThreadsConnector,
) -> (String, String) {
    sync_once(store.clone(), conn, 5_000).await.unwrap();
    let post = server.th.newest_post().unwrap();
    let top = server
        .th
        .reply(&post, "camille.d", "Livrez-vous en Belgique ?", Utc::now());
    let nested = server
        .th
        .reply(&top, "troll.account", "lol non", Utc::now());
    sync_once(store.clone(), conn, 5_000).await.unwrap();
    (top, nested)
}

#[tokio::test]
async fn rate_limits_are_honoured_without_hammering() {
    let (server, store, conn) = setup().await;
    server
        .th
        .faults
        .push(Fault::RateLimited { reset_secs: 600 });
    let started = std::time::Instant::now();
    common::assert_rate_limited(sync_once(store.clone(), &conn, 5_000).await, 600);
    assert!(
        started.elapsed().as_secs() < 5,
        "a long limit is not slept through"
    );
    assert_eq!(server.th.calls(), 1, "one call, no retries into the limit");
    assert!(
        store.cursor(&stream()).unwrap().is_none(),
        "nothing half-synced"
    );

    server.th.set_usage(95);
    let before = server.th.calls();
    common::assert_rate_limited(sync_once(store.clone(), &conn, 5_000).await, 600);
    assert_eq!(server.th.calls(), before + 1);
    server.th.set_usage(10);
    assert!(
        sync_once(store.clone(), &conn, 5_000)
            .await
            .unwrap()
            .summary
            .new
            > 0
    );
}

#[tokio::test]
async fn expired_and_invalid_tokens_are_reported_as_such() {
    let (server, store, conn) = setup().await;
    server.th.faults.push(Fault::Unauthorized);
    match sync_once(store.clone(), &conn, 5_000).await {
        Err(SyncError::Connector(e)) => assert_eq!(e.kind, ErrorKind::AuthExpired),
        other => panic!("expected an expired token, got {other:?}"),
    }
    let bad = connector(&server, "not-the-threads-token");
    assert!(
        !format!("{bad:?}").contains("not-the-threads-token"),
        "Debug redacts"
    );
    match sync_once(store.clone(), &bad, 5_000).await {
        Err(SyncError::Connector(e)) => {
            assert_eq!(e.kind, ErrorKind::AuthRevoked);
            assert!(!e.to_string().contains("not-the-threads-token"));
        }
        other => panic!("expected an invalid token, got {other:?}"),
    }
    // A lapsed 60-day token cannot be refreshed: reported, not retried.
    server.th.retire_token(TOKEN);
    let lapsed = ThreadsConnector::new(&server.base, ME, USER_ID, TOKEN).unwrap();
    match sync_once(store.clone(), &lapsed, 5_000).await {
        Err(SyncError::Connector(e)) => assert_eq!(e.kind, ErrorKind::AuthExpired),
        other => panic!("expected an expired token, got {other:?}"),
    }
    assert_eq!(server.th.refreshes(), 0);
}

#[tokio::test]
async fn a_token_close_to_expiry_is_refreshed_kept_sealed_and_reused() {
    let (server, store, _) = setup().await;
    let vault = Arc::new(StoreVault(store.clone()));
    let first = ThreadsConnector::new(&server.base, ME, USER_ID, TOKEN)
        .unwrap()
        .with_token_expiry(Utc::now() + Duration::days(2))
        .with_vault(vault.clone());
    assert!(
        sync_once(store.clone(), &first, 5_000)
            .await
            .unwrap()
            .summary
            .new
            > 0
    );
    assert_eq!(
        server.th.refreshes(),
        1,
        "refreshed once, before the first call"
    );
    assert!(first.token_refreshed());
    let sealed = vault
        .load(&format!("threads:{}:{USER_ID}", server.base))
        .expect("the refreshed token is kept");
    assert!(
        !sealed.windows(4).any(|w| w == b"THAA"),
        "kept sealed, never in clear"
    );
    sync_once(store.clone(), &first, 5_000).await.unwrap();
    assert_eq!(server.th.refreshes(), 1, "not again: 60 days left");

    // The old token stops working; a second connector (a new run) with the
    // same configuration opens the sealed token and does not refresh again.
    server.th.retire_token(TOKEN);
    let second = ThreadsConnector::new(&server.base, ME, USER_ID, TOKEN)
        .unwrap()
        .with_vault(vault);
    assert!(second.token_refreshed(), "the kept token is in use");
    sync_once(store.clone(), &second, 5_000).await.unwrap();
    assert_eq!(server.th.refreshes(), 1);
    // After a new login (another configured token) the kept one is not opened.
    let relogged = ThreadsConnector::new(&server.base, ME, USER_ID, "a-new-login-token")
        .unwrap()
        .with_vault(Arc::new(StoreVault(store.clone())));
    assert!(!relogged.token_refreshed());
    let without_vault = connector(&server, TOKEN);
    assert!(matches!(
        sync_once(store.clone(), &without_vault, 5_000).await,
        Err(SyncError::Connector(e)) if e.kind == ErrorKind::AuthExpired
    ));
}

#[tokio::test]
async fn an_unknown_expiry_tries_one_refresh_and_a_young_token_is_kept() {
    let (server, store, _) = setup().await;
    server.th.set_token_age(TOKEN, Duration::hours(2));
    let conn = ThreadsConnector::new(&server.base, ME, USER_ID, TOKEN).unwrap();
    assert!(
        sync_once(store.clone(), &conn, 5_000)
            .await
            .unwrap()
            .summary
            .new
            > 0
    );
    assert_eq!(server.th.refreshes(), 0, "too young: refused, token kept");
    assert!(!conn.token_refreshed());
    let calls = server.th.calls();
    sync_once(store.clone(), &conn, 5_000).await.unwrap();
    let second_pass = server.th.calls() - calls;
    assert!(second_pass < calls, "no refresh attempt on every pass");

    server.th.set_token_age(TOKEN, Duration::days(30));
    let old = ThreadsConnector::new(&server.base, ME, USER_ID, TOKEN).unwrap();
    sync_once(store.clone(), &old, 5_000).await.unwrap();
    assert_eq!(
        server.th.refreshes(),
        1,
        "unknown expiry, old enough: refreshed"
    );
    assert!(old.token_refreshed());
}

#[tokio::test]
async fn a_bad_item_is_skipped_and_the_rest_kept() {
    let (server, store, conn) = setup().await;
    sync_once(store.clone(), &conn, 5_000).await.unwrap();
    let post = server.th.newest_post().unwrap();
    server.th.reply(&post, "a", "first", Utc::now());
    server
        .th
        .raw_reply(&post, serde_json::json!({ "id": 42, "text": ["no"] }));
    server.th.reply(&post, "b", "second", Utc::now());
    let report = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(report.summary.new, 2);
    assert_eq!(report.skipped, 1);
}

#[tokio::test]
async fn transient_errors_are_retried_and_garbage_is_not() {
    let (server, store, conn) = setup().await;
    server.th.faults.push(Fault::ServerError);
    server.th.faults.push(Fault::Slow { millis: 300 });
    assert!(
        sync_once(store.clone(), &conn, 5_000)
            .await
            .unwrap()
            .summary
            .new
            > 0
    );
    server.th.faults.push(Fault::Malformed);
    match sync_once(store.clone(), &conn, 5_000).await {
        Err(SyncError::Connector(e)) => assert_eq!(e.kind, ErrorKind::BadPayload),
        other => panic!("expected a bad payload, got {other:?}"),
    }
}
