//! The TikTok connector against the TikTok sandbox: the real HTTP path
//! (`Access-Token` header, the `{code,message,request_id,data}` envelope in
//! HTTP 200 answers, `cursor` + `has_more` paging, body error codes), with
//! only the base URL pointing at 127.0.0.1. Writes go through the outbox
//! and are read back from the sandbox and from the stored item.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use chrono::{Duration, Utc};
use guichet::model::{Item, ItemId, Kind, Network, Status};
use guichet::networks::connector::{Act, Connector};
use guichet::networks::error::ErrorKind;
use guichet::networks::tiktok::TikTokConnector;
use guichet::outbox::{OutAction, SendState, send_due};
use guichet::sandbox::Fault;
use guichet::sandbox::tiktok::{self, BUSINESS_ID, TOKEN, TikTok};
use guichet::store::{SledStore, Store};
use guichet::sync::{SyncError, sync_once};

mod common;
#[path = "sync_tiktok/refresh.rs"]
mod refresh;

const ME: &str = "atelierlumen";

struct Server {
    tt: TikTok,
    base: String,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn serve(tt: TikTok) -> Server {
    let app = axum::Router::new().nest("/tiktok", tiktok::router(tt.clone()));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let base = format!("http://{}/tiktok", listener.local_addr().unwrap());
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
        tt,
        base,
        _stop: stop,
    }
}

fn demo_count() -> usize {
    guichet::demo::demo_items(Utc::now())
        .iter()
        .filter(|i| i.remote.network == Network::TikTok)
        .count()
}

async fn setup() -> (Server, Arc<dyn Store>, TikTokConnector) {
    let tt = TikTok::new(BUSINESS_ID, ME);
    tt.seed(&guichet::demo::demo_items(Utc::now()));
    let server = serve(tt).await;
    let store: Arc<dyn Store> = Arc::new(SledStore::temporary().unwrap());
    let conn = connector(&server, TOKEN);
    (server, store, conn)
}

fn connector(server: &Server, token: &str) -> TikTokConnector {
    TikTokConnector::new(&server.base, ME, BUSINESS_ID, token).unwrap()
}

fn tiktok_items(store: &Arc<dyn Store>) -> Vec<Item> {
    let rows = store.rows().unwrap();
    rows.rows
        .iter()
        .filter(|r| r.network == Network::TikTok)
        .map(|r| store.get(r.seq).unwrap().unwrap())
        .collect()
}

fn id(native: &str) -> ItemId {
    format!("tiktok:{ME}:{native}").parse().unwrap()
}

fn stored(store: &Arc<dyn Store>, native: &str) -> Item {
    store.find(&id(native)).unwrap().unwrap().1
}

fn stream() -> String {
    format!("tiktok:{ME}/inbox")
}

const FAN: (&str, &str, &str) = ("MS4wLjABAAAAfan0000000000000001", "dana.ruiz", "Dana Ruiz");

#[tokio::test]
async fn first_sync_then_only_what_is_new() {
    let (server, store, conn) = setup().await;
    let first = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(first.skipped, 0);
    assert_eq!(
        first.summary.new,
        demo_count(),
        "every seeded item came back"
    );
    let items = tiktok_items(&store);
    for kind in [Kind::Comment, Kind::Reply] {
        assert!(items.iter().any(|i| i.remote.kind == kind), "{kind:?}");
    }
    assert!(items.iter().all(|i| i.remote.kind != Kind::DirectMessage));
    let reply = items.iter().find(|i| i.remote.kind == Kind::Reply).unwrap();
    let parent = reply.remote.parent_id.clone().unwrap();
    assert_eq!(stored(&store, &parent).remote.kind, Kind::Comment);
    assert_eq!(
        reply.remote.thread_id,
        reply.remote.post.as_ref().map(|p| p.id.clone())
    );

    let again = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(again.summary.new, 0, "nothing fetched twice");

    let video = server.tt.newest_video().unwrap();
    let now = Utc::now();
    let c = server
        .tt
        .comment(&video, None, FAN, "c'est quoi le parfum ?", now);
    let r = server.tt.comment(
        &video,
        Some(&c),
        ("MS4wLjABAAAAfan0000000000000002", "lea.m", "Léa"),
        "pareil, je veux savoir",
        now,
    );
    // A little before the last pass's newest item: the overlap catches it.
    let late = server.tt.comment(
        &video,
        None,
        FAN,
        "late but here",
        now - Duration::minutes(2),
    );
    let third = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(third.summary.new, 3, "{third:?}");
    let comment = stored(&store, &c);
    assert_eq!(comment.remote.kind, Kind::Comment);
    assert_eq!(comment.remote.author.id, FAN.0);
    assert_eq!(comment.remote.author.handle, "dana.ruiz");
    assert_eq!(comment.remote.author.display_name, "Dana Ruiz");
    assert_eq!(comment.remote.thread_id.as_deref(), Some(video.as_str()));
    assert!(!comment.remote.from_us);
    let reply = stored(&store, &r);
    assert_eq!(reply.remote.kind, Kind::Reply);
    assert_eq!(reply.remote.parent_id.as_deref(), Some(c.as_str()));
    assert_eq!(stored(&store, &late).remote.text, "late but here");
}

#[tokio::test]
async fn ids_beyond_two_to_the_53_keep_every_digit() {
    let (server, store, conn) = setup().await;
    let video = server.tt.video("nouvelle vidéo", Utc::now());
    let c = server.tt.comment(&video, None, FAN, "wow", Utc::now());
    assert_eq!(c.len(), 19);
    let n: u64 = c.parse().unwrap();
    assert!(n > (1u64 << 53));
    assert_ne!((n as f64) as u64, n, "a float would lose digits of this id");
    sync_once(store.clone(), &conn, 5_000).await.unwrap();
    let item = stored(&store, &c);
    assert_eq!(item.remote.native_id, c);
    assert_eq!(item.remote.thread_id.as_deref(), Some(video.as_str()));
    assert_eq!(item.remote.post.unwrap().id, video);
    let remote = conn
        .reply(&stored(&store, &c), "merci !", "k")
        .await
        .unwrap();
    assert_eq!(
        server.tt.our_replies(&c),
        vec![(remote, "merci !".to_string())]
    );
}

#[tokio::test]
async fn paging_across_small_pages_and_the_reply_list() {
    let (server, store, conn) = setup().await;
    server.tt.set_max_page(2);
    server.tt.set_qpm(10_000);
    let first = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(
        first.summary.new,
        demo_count(),
        "videos and comments followed through cursor + has_more"
    );
    let calls = server.tt.calls();
    assert!(calls > 15, "many pages of two: {calls}");

    let video = server.tt.newest_video().unwrap();
    let now = Utc::now();
    let busy = server.tt.comment(&video, None, FAN, "concours !", now);
    for i in 0..6 {
        server.tt.comment(
            &video,
            Some(&busy),
            ("MS4wLjABAAAAwave", "wave", "Wave"),
            &format!("moi {i}"),
            now,
        );
    }
    for i in 0..5 {
        server
            .tt
            .comment(&video, None, FAN, &format!("comment {i}"), now);
    }
    let next = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(
        next.summary.new, 12,
        "six replies: three inlined, the rest through reply/list: {next:?}"
    );
    let replies = tiktok_items(&store)
        .into_iter()
        .filter(|i| i.remote.parent_id.as_deref() == Some(busy.as_str()))
        .count();
    assert_eq!(replies, 6);
}

#[tokio::test]
async fn first_sync_depth_limit() {
    let (_server, store, conn) = setup().await;
    let report = sync_once(store.clone(), &conn, 5).await.unwrap();
    assert_eq!(report.summary.new, 5);
    assert!(report.truncated);
}

/// A fresh comment on the newest video, synced into the store.
async fn fresh_comment(server: &Server, store: &Arc<dyn Store>, conn: &TikTokConnector) -> String {
    sync_once(store.clone(), conn, 5_000).await.unwrap();
    let video = server.tt.newest_video().unwrap();
    let c = server
        .tt
        .comment(&video, None, FAN, "vous livrez en Belgique ?", Utc::now());
    sync_once(store.clone(), conn, 5_000).await.unwrap();
    c
}

async fn send(
    store: &Arc<dyn Store>,
    conn: &TikTokConnector,
    native: &str,
    action: OutAction,
) -> SendState {
    store.enqueue(&id(native), action, "camille").unwrap();
    let done = send_due(store.clone(), conn).await.unwrap();
    assert_eq!(done.len(), 1);
    done[0].state.clone()
}

#[tokio::test]
async fn reply_like_hide_and_delete_are_read_back() {
    let (server, store, conn) = setup().await;
    let c = fresh_comment(&server, &store, &conn).await;

    let text = "Oui, en 3 jours ouvrés.";
    let state = send(&store, &conn, &c, OutAction::Reply { text: text.into() }).await;
    let SendState::Sent { remote_id, .. } = state else {
        panic!("{state:?}")
    };
    assert_eq!(
        server.tt.our_replies(&c),
        vec![(remote_id.clone(), text.to_string())]
    );
    assert_eq!(stored(&store, &c).local.status, Status::Answered);
    sync_once(store.clone(), &conn, 5_000).await.unwrap();
    let ours = stored(&store, &remote_id);
    assert!(ours.remote.from_us, "`owner: true` is read as ours");
    assert_eq!(ours.remote.parent_id.as_deref(), Some(c.as_str()));

    send(&store, &conn, &c, OutAction::Act(Act::Like)).await;
    assert_eq!(server.tt.comment_state(&c), Some((false, true, 1)));
    assert!(stored(&store, &c).remote.moderation.liked);
    send(&store, &conn, &c, OutAction::Act(Act::Unlike)).await;
    assert_eq!(server.tt.comment_state(&c), Some((false, false, 0)));
    assert!(!stored(&store, &c).remote.moderation.liked);

    send(&store, &conn, &c, OutAction::Act(Act::Hide)).await;
    assert_eq!(server.tt.comment_state(&c), Some((true, false, 0)));
    assert!(stored(&store, &c).remote.moderation.hidden);
    // A full re-read fills moderation from `status: HIDDEN`, and the
    // replies under the hidden comment still come (inlined).
    store.set_cursor(&stream(), "0").unwrap();
    let report = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(report.skipped, 0);
    assert!(
        stored(&store, &c).remote.moderation.hidden,
        "HIDDEN read back"
    );
    assert!(!stored(&store, &remote_id).remote.moderation.deleted);
    send(&store, &conn, &c, OutAction::Act(Act::Unhide)).await;
    assert_eq!(server.tt.comment_state(&c), Some((false, false, 0)));
    assert!(!stored(&store, &c).remote.moderation.hidden);

    // TikTok has no block; and only our own comments can be deleted.
    let calls = server.tt.calls();
    let blocked = send(&store, &conn, &c, OutAction::Act(Act::Block)).await;
    assert!(
        matches!(blocked, SendState::Failed { retry: false, .. }),
        "{blocked:?}"
    );
    let refused = send(&store, &conn, &c, OutAction::Act(Act::Delete)).await;
    assert!(
        matches!(&refused, SendState::Failed { retry: false, error } if error.contains("own")),
        "{refused:?}"
    );
    assert_eq!(server.tt.calls(), calls, "refused before sending");
    assert!(server.tt.comment_state(&c).is_some());

    send(&store, &conn, &remote_id, OutAction::Act(Act::Delete)).await;
    assert_eq!(
        server.tt.comment_state(&remote_id),
        None,
        "gone from TikTok"
    );
    assert!(server.tt.our_replies(&c).is_empty());
    let item = stored(&store, &remote_id);
    assert!(item.remote.moderation.deleted);
    assert_eq!(item.local.status, Status::Done);
}

#[tokio::test]
async fn a_reply_to_a_reply_joins_its_thread_and_long_text_is_refused() {
    let (server, store, conn) = setup().await;
    let c = fresh_comment(&server, &store, &conn).await;
    let video = server.tt.newest_video().unwrap();
    let r = server
        .tt
        .comment(&video, Some(&c), FAN, "et au Canada ?", Utc::now());
    sync_once(store.clone(), &conn, 5_000).await.unwrap();
    let state = send(
        &store,
        &conn,
        &r,
        OutAction::Reply {
            text: "Aussi !".into(),
        },
    )
    .await;
    assert!(matches!(state, SendState::Sent { .. }), "{state:?}");
    assert_eq!(
        server.tt.our_replies(&c).len(),
        1,
        "under the top-level comment"
    );

    let calls = server.tt.calls();
    let long = "é".repeat(151);
    let refused = send(&store, &conn, &c, OutAction::Reply { text: long }).await;
    assert!(
        matches!(refused, SendState::Failed { retry: false, .. }),
        "{refused:?}"
    );
    assert_eq!(server.tt.calls(), calls, "refused before sending");
}

#[tokio::test]
async fn an_uncertain_reply_is_found_before_resending() {
    let (server, store, conn) = setup().await;
    let c = fresh_comment(&server, &store, &conn).await;
    let text = "Merci, c'est noté.";
    let mut entry = store
        .enqueue(&id(&c), OutAction::Reply { text: text.into() }, "camille")
        .unwrap();
    let posted = conn.reply(&stored(&store, &c), text, "k").await.unwrap();
    entry.state = SendState::Sending { since: Utc::now() };
    entry.attempts = 1;
    store.update_outbox(&entry).unwrap();
    let done = send_due(store.clone(), &conn).await.unwrap();
    assert!(
        matches!(&done[0].state, SendState::Sent { remote_id, .. } if *remote_id == posted),
        "{:?}",
        done[0].state
    );
    assert_eq!(server.tt.our_replies(&c).len(), 1);
    let other = conn.find_reply(&stored(&store, &c), "autre").await;
    assert_eq!(other.unwrap(), None, "another text is not ours");
    // Under a hidden comment there is no reply list: found through the
    // comment's inlined replies instead.
    let mut item = stored(&store, &c);
    conn.act(&item, Act::Hide, "h").await.unwrap();
    item.remote.moderation.hidden = true;
    assert_eq!(conn.find_reply(&item, text).await.unwrap(), Some(posted));
}

#[tokio::test]
async fn rate_limits_are_honoured_without_hammering() {
    let (server, store, conn) = setup().await;
    server.tt.faults.push(Fault::RateLimited { reset_secs: 60 });
    let started = std::time::Instant::now();
    // Code 40100 names no reset time: the connector waits a minute.
    common::assert_rate_limited(sync_once(store.clone(), &conn, 5_000).await, 60);
    assert!(
        started.elapsed().as_secs() < 5,
        "a minute is not slept through"
    );
    assert_eq!(server.tt.calls(), 1, "one call, no retries into the limit");
    assert!(
        store.cursor(&stream()).unwrap().is_none(),
        "nothing half-synced"
    );

    // The sandbox's own per-endpoint limit (40 a minute) answers the same
    // way; spent here, so the first call is refused and nothing follows.
    server.tt.set_qpm(0);
    let before = server.tt.calls();
    common::assert_rate_limited(sync_once(store.clone(), &conn, 5_000).await, 60);
    assert_eq!(server.tt.calls(), before + 1, "stopped at the first 40100");
}

#[tokio::test]
async fn expired_and_invalid_tokens_are_reported_as_such() {
    let (server, store, conn) = setup().await;
    server.tt.faults.push(Fault::Unauthorized);
    match sync_once(store.clone(), &conn, 5_000).await {
        Err(SyncError::Connector(e)) => {
            assert_eq!(e.kind, ErrorKind::AuthExpired);
            assert!(
                e.message.contains("40102") && e.message.contains("request_id"),
                "{e}"
            );
        }
        other => panic!("expected an expired token, got {other:?}"),
    }
    let bad = connector(&server, "not-the-access-token");
    match sync_once(store.clone(), &bad, 5_000).await {
        Err(SyncError::Connector(e)) => {
            assert_eq!(e.kind, ErrorKind::AuthRevoked);
            assert!(
                !e.to_string().contains("not-the-access-token"),
                "tokens never shown"
            );
        }
        other => panic!("expected an invalid token, got {other:?}"),
    }
    assert!(!format!("{bad:?}").contains("not-the-access-token"));
}

#[tokio::test]
async fn a_bad_item_is_skipped_and_the_rest_kept() {
    let (server, store, conn) = setup().await;
    sync_once(store.clone(), &conn, 5_000).await.unwrap();
    let video = server.tt.newest_video().unwrap();
    server.tt.comment(&video, None, FAN, "first", Utc::now());
    // An id sent as a number would lose digits: unreadable, not rounded.
    server.tt.raw_comment(
        &video,
        serde_json::json!({ "comment_id": 7414563327102945025u64, "create_time": "1789463921", "text": "n" }),
    );
    server.tt.raw_comment(
        &video,
        serde_json::json!({ "comment_id": "7414563327102945026", "create_time": "yesterday" }),
    );
    server.tt.comment(&video, None, FAN, "second", Utc::now());
    let report = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(report.summary.new, 2);
    assert_eq!(report.skipped, 2);
}

#[tokio::test]
async fn transient_errors_are_retried_and_garbage_is_not() {
    let (server, store, conn) = setup().await;
    server.tt.faults.push(Fault::ServerError);
    server.tt.faults.push(Fault::Slow { millis: 300 });
    let report = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(report.summary.new, demo_count());
    server.tt.faults.push(Fault::Malformed);
    match sync_once(store.clone(), &conn, 5_000).await {
        Err(SyncError::Connector(e)) => assert_eq!(e.kind, ErrorKind::BadPayload),
        other => panic!("expected a bad payload, got {other:?}"),
    }
}

#[tokio::test]
async fn every_answer_is_the_envelope_in_http_200() {
    let (server, _store, _conn) = setup().await;
    let http = reqwest::Client::new();
    let videos = format!(
        "{}/open_api/v1.3/business/video/list/?business_id={BUSINESS_ID}&fields=%5B%22item_id%22%5D",
        server.base
    );
    let ok = http
        .get(&videos)
        .header("Access-Token", TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert!(ok.headers().contains_key("x-tt-logid"));
    let body: serde_json::Value = ok.json().await.unwrap();
    assert_eq!(
        (body["code"].as_i64(), body["message"].as_str()),
        (Some(0), Some("OK"))
    );
    assert!(body["request_id"].is_string() && body["data"]["videos"].is_array());
    assert!(body["data"]["videos"][0]["item_id"].is_string());
    assert!(
        body["data"]["videos"][0].get("caption").is_none(),
        "only the fields asked"
    );

    let bearer = http.get(&videos).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(bearer.status(), 200);
    let body: serde_json::Value = bearer.json().await.unwrap();
    assert_eq!(
        body["code"], 40105,
        "the token goes in Access-Token, not Authorization"
    );
    assert!(body["request_id"].is_string() && body.get("data").is_none());

    server.tt.faults.push(Fault::RateLimited { reset_secs: 60 });
    let limited = http
        .get(&videos)
        .header("Access-Token", TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(limited.status(), 200);
    let body: serde_json::Value = limited.json().await.unwrap();
    assert_eq!(body["code"], 40100);
}
