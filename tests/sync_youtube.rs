//! The YouTube connector against the sandbox channel: the real HTTP path
//! (Google error envelope, `pageToken` paging, replies beyond the inlined
//! ones, moderation statuses, the daily unit quota), with only the base URL
//! pointing at 127.0.0.1. Writes go through the outbox and are read back
//! from the sandbox and from the stored item.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use chrono::{Duration, Utc};
use guichet::model::{Item, ItemId, Kind, Network, Status};
use guichet::networks::connector::{Act, Connector};
use guichet::networks::error::ErrorKind;
use guichet::networks::ratelimit::next_pacific_midnight;
use guichet::networks::youtube::{WRITE_RESERVE, YouTubeConnector};
use guichet::outbox::{OutAction, SendState, send_due};
use guichet::sandbox::Fault;
use guichet::sandbox::youtube::{self, CHANNEL_ID, TOKEN, YouTube};
use guichet::store::{SledStore, Store};
use guichet::sync::{SyncError, sync_once};

mod common;
#[path = "sync_youtube/refresh.rs"]
mod refresh;

const ME: &str = "AtelierLumen";

/// The sandbox for YouTube alone, nested as `Sandbox::start` will; it
/// lives as long as the test's runtime.
struct Server {
    yt: YouTube,
    base: String,
}

async fn serve(yt: YouTube) -> Server {
    let app = axum::Router::new().nest("/youtube", youtube::router(yt.clone()));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let base = format!("http://{}/youtube", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Server { yt, base }
}

fn demo_count() -> usize {
    guichet::demo::demo_items(Utc::now())
        .iter()
        .filter(|i| i.remote.network == Network::YouTube)
        .count()
}

async fn setup() -> (Server, Arc<dyn Store>, YouTubeConnector) {
    let yt = YouTube::new(CHANNEL_ID, ME);
    yt.seed(&guichet::demo::demo_items(Utc::now()));
    let server = serve(yt).await;
    let store: Arc<dyn Store> = Arc::new(SledStore::temporary().unwrap());
    let conn = connector(&server, TOKEN);
    (server, store, conn)
}

fn connector(server: &Server, token: &str) -> YouTubeConnector {
    YouTubeConnector::new(&server.base, ME, CHANNEL_ID, token).unwrap()
}

fn youtube_items(store: &Arc<dyn Store>) -> Vec<Item> {
    let rows = store.rows().unwrap();
    rows.rows
        .iter()
        .filter(|r| r.network == Network::YouTube)
        .map(|r| store.get(r.seq).unwrap().unwrap())
        .collect()
}

/// Drops the day's spending the store recorded (a new day, or a test that
/// sets its own with `with_quota`).
fn forget_quota(store: &Arc<dyn Store>) {
    store
        .set_cursor(&format!("{}#quota", stream()), "")
        .unwrap();
}

fn id(native: &str) -> ItemId {
    ItemId::new(Network::YouTube, ME, native)
}

fn stored(store: &Arc<dyn Store>, native: &str) -> Item {
    store.find(&id(native)).unwrap().unwrap().1
}

fn stream() -> String {
    format!("youtube:{ME}/inbox")
}

const FAN: (&str, &str) = ("UCfan0000000000000000001", "@bougiefan");

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
    let items = youtube_items(&store);
    for kind in [Kind::Comment, Kind::Reply] {
        assert!(items.iter().any(|i| i.remote.kind == kind), "{kind:?}");
    }
    assert!(
        items
            .iter()
            .any(|i| i.remote.from_us && i.remote.author.id == CHANNEL_ID),
        "the channel's own replies are ours"
    );
    let reply = items.iter().find(|i| i.remote.kind == Kind::Reply).unwrap();
    assert!(
        reply
            .remote
            .native_id
            .starts_with(reply.remote.parent_id.as_deref().unwrap())
    );
    assert!(reply.remote.permalink.as_deref().unwrap().contains("&lc="));
    assert_eq!(
        conn.quota_used(),
        server.yt.units_used(),
        "every call is accounted, as the network counts it"
    );

    let again = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(again.summary.new, 0, "nothing fetched twice");

    let video = server.yt.newest_video().unwrap();
    let now = Utc::now();
    let c = server
        .yt
        .comment(&video, None, FAN, "Quelle cire utilisez-vous ?", now);
    let r = server.yt.comment(
        &video,
        Some(&c),
        ("UCfan0000000000000000002", "@lea"),
        "Je me posais la même question",
        now,
    );
    let late = server.yt.comment(
        &video,
        None,
        ("UCfan0000000000000000003", "@sam"),
        "Late but here",
        now - Duration::minutes(2),
    );
    let third = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(third.summary.new, 3, "{third:?}");
    let comment = stored(&store, &c);
    assert_eq!(comment.remote.kind, Kind::Comment);
    assert_eq!(comment.remote.author.display_name, "@bougiefan");
    assert_eq!(comment.remote.thread_id.as_deref(), Some(video.as_str()));
    let reply = stored(&store, &r);
    assert_eq!(reply.remote.kind, Kind::Reply);
    assert_eq!(reply.remote.parent_id.as_deref(), Some(c.as_str()));
    assert_eq!(stored(&store, &late).remote.text, "Late but here");
    assert_eq!(conn.quota_used(), server.yt.units_used());
}

#[tokio::test]
async fn paging_across_small_pages() {
    let (server, store, conn) = setup().await;
    server.yt.set_max_page(2);
    let first = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(first.summary.new, demo_count(), "followed nextPageToken");
    let calls = server.yt.calls();
    assert!(calls > 10, "many pages of two: {calls}");
    let video = server.yt.newest_video().unwrap();
    for i in 0..7 {
        server
            .yt
            .comment(&video, None, FAN, &format!("concours {i}"), Utc::now());
    }
    let next = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(next.summary.new, 7, "{next:?}");
}

#[tokio::test]
async fn first_sync_depth_limit() {
    let (_server, store, conn) = setup().await;
    let report = sync_once(store.clone(), &conn, 5).await.unwrap();
    assert_eq!(report.summary.new, 5);
    assert!(report.truncated);
}

#[tokio::test]
async fn replies_beyond_the_inlined_ones_come_from_comments_list() {
    let (server, store, conn) = setup().await;
    sync_once(store.clone(), &conn, 5_000).await.unwrap();
    let video = server.yt.newest_video().unwrap();
    let top = server
        .yt
        .comment(&video, None, FAN, "Un long fil", Utc::now());
    for i in 0..8 {
        server.yt.comment(
            &video,
            Some(&top),
            ("UCfan0000000000000000009", "@talkative"),
            &format!("réponse {i}"),
            Utc::now(),
        );
    }
    let report = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(report.summary.new, 9, "{report:?}");

    // Nothing changed: the two lists only, no comments.list call.
    let before = server.yt.calls();
    let quiet = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(quiet.summary.new, 0);
    assert_eq!(server.yt.calls() - before, 2, "published + heldForReview");

    // A new reply on a thread of yesterday: its count changed, it is read.
    let older = server
        .yt
        .comment(&video, None, FAN, "Hier", Utc::now() - Duration::days(1));
    sync_once(store.clone(), &conn, 5_000).await.unwrap();
    let r = server
        .yt
        .comment(&video, Some(&top), FAN, "encore une", Utc::now());
    let r2 = server
        .yt
        .comment(&video, Some(&older), FAN, "sous le fil d'hier", Utc::now());
    let more = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(more.summary.new, 2, "{more:?}");
    assert_eq!(
        stored(&store, &r).remote.parent_id.as_deref(),
        Some(top.as_str())
    );
    assert_eq!(
        stored(&store, &r2).remote.parent_id.as_deref(),
        Some(older.as_str())
    );
}

/// A fresh customer comment on the newest video, synced into the store.
async fn fresh_comment(server: &Server, store: &Arc<dyn Store>, conn: &YouTubeConnector) -> String {
    sync_once(store.clone(), conn, 5_000).await.unwrap();
    let video = server.yt.newest_video().unwrap();
    let c = server
        .yt
        .comment(&video, None, FAN, "Livrez-vous en Belgique ?", Utc::now());
    sync_once(store.clone(), conn, 5_000).await.unwrap();
    c
}

async fn send(
    store: &Arc<dyn Store>,
    conn: &YouTubeConnector,
    native: &str,
    action: OutAction,
) -> SendState {
    store.enqueue(&id(native), action, "camille").unwrap();
    let done = send_due(store.clone(), conn).await.unwrap();
    assert_eq!(done.len(), 1);
    done[0].state.clone()
}

#[tokio::test]
async fn reply_hide_unhide_and_delete_are_read_back() {
    let (server, store, conn) = setup().await;
    let c = fresh_comment(&server, &store, &conn).await;

    let text = "Oui, en 3 jours ouvrés.";
    let used = server.yt.units_used();
    let state = send(&store, &conn, &c, OutAction::Reply { text: text.into() }).await;
    let SendState::Sent { remote_id, .. } = state else {
        panic!("{state:?}")
    };
    assert_eq!(
        server.yt.units_used() - used,
        50,
        "comments.insert costs 50"
    );
    assert_eq!(
        server.yt.channel_replies(&c),
        vec![(remote_id.clone(), text.to_string())]
    );
    assert_eq!(stored(&store, &c).local.status, Status::Answered);
    sync_once(store.clone(), &conn, 5_000).await.unwrap();
    let ours = stored(&store, &remote_id);
    assert!(ours.remote.from_us, "our reply is read back as ours");
    assert_eq!(ours.remote.parent_id.as_deref(), Some(c.as_str()));

    send(&store, &conn, &c, OutAction::Act(Act::Hide)).await;
    assert_eq!(server.yt.status(&c).as_deref(), Some("heldForReview"));
    assert!(stored(&store, &c).remote.moderation.hidden);
    // A full re-read finds it under moderationStatus=heldForReview.
    store.set_cursor(&stream(), "").unwrap();
    sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert!(
        stored(&store, &c).remote.moderation.hidden,
        "held, read back"
    );
    send(&store, &conn, &c, OutAction::Act(Act::Unhide)).await;
    assert_eq!(server.yt.status(&c).as_deref(), Some("published"));
    store.set_cursor(&stream(), "").unwrap();
    sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert!(
        !stored(&store, &c).remote.moderation.hidden,
        "published again"
    );

    // Our own reply can be deleted; a customer's cannot (refused unsent).
    send(&store, &conn, &remote_id, OutAction::Act(Act::Delete)).await;
    assert!(server.yt.status(&remote_id).is_none(), "gone from YouTube");
    let item = stored(&store, &remote_id);
    assert!(item.remote.moderation.deleted);
    assert_eq!(item.local.status, Status::Done);
    let calls = server.yt.calls();
    let refused = send(&store, &conn, &c, OutAction::Act(Act::Delete)).await;
    assert!(
        matches!(&refused, SendState::Failed { retry: false, error } if error.contains("reject")),
        "{refused:?}"
    );
    for act in [Act::Like, Act::Mute] {
        let no = send(&store, &conn, &c, OutAction::Act(act)).await;
        assert!(
            matches!(no, SendState::Failed { retry: false, .. }),
            "{no:?}"
        );
    }
    assert_eq!(server.yt.calls(), calls, "refused before sending");
    assert_eq!(server.yt.status(&c).as_deref(), Some("published"));
}

#[tokio::test]
async fn block_bans_the_author_and_reject_is_permanent() {
    let (server, store, conn) = setup().await;
    let c = fresh_comment(&server, &store, &conn).await;
    let state = send(&store, &conn, &c, OutAction::Act(Act::Block)).await;
    assert!(matches!(state, SendState::Sent { .. }), "{state:?}");
    assert_eq!(server.yt.status(&c).as_deref(), Some("rejected"));
    assert!(
        stored(&store, &c).remote.moderation.hidden,
        "a rejected comment shows as hidden"
    );
    assert_eq!(server.yt.banned(), vec![FAN.0.to_string()]);
    let video = server.yt.newest_video().unwrap();
    let again = server.yt.comment(&video, None, FAN, "re-spam", Utc::now());
    assert_eq!(server.yt.status(&again).as_deref(), Some("rejected"));
    let report = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(
        report.summary.new, 0,
        "a banned author's comments never show"
    );

    let other = server.yt.comment(
        &video,
        None,
        ("UCfan0000000000000000004", "@troll"),
        "spam",
        Utc::now(),
    );
    sync_once(store.clone(), &conn, 5_000).await.unwrap();
    let item = stored(&store, &other);
    assert_eq!(conn.reject(&item).await.unwrap(), other);
    assert_eq!(server.yt.status(&other).as_deref(), Some("rejected"));
    // Rejected cannot be published again.
    let back = send(&store, &conn, &other, OutAction::Act(Act::Unhide)).await;
    assert!(
        matches!(back, SendState::Failed { retry: false, .. }),
        "{back:?}"
    );
    assert_eq!(server.yt.status(&other).as_deref(), Some("rejected"));
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
    assert_eq!(server.yt.channel_replies(&c).len(), 1);
}

#[tokio::test]
async fn a_reply_to_a_reply_goes_under_the_top_level_comment() {
    let (server, store, conn) = setup().await;
    let c = fresh_comment(&server, &store, &conn).await;
    let video = server.yt.newest_video().unwrap();
    let r = server
        .yt
        .comment(&video, Some(&c), FAN, "et en Suisse ?", Utc::now());
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
    assert_eq!(server.yt.channel_replies(&c).len(), 1);
    assert_eq!(stored(&store, &r).local.status, Status::Answered);
}

#[tokio::test]
async fn a_pass_stays_inside_the_daily_quota() {
    let (server, store, _) = setup().await;
    // Only the write reserve is left: no read is sent at all.
    let starved = connector(&server, TOKEN).with_quota(10_000, 10_000 - WRITE_RESERVE);
    let result = sync_once(store.clone(), &starved, 5_000).await;
    match result {
        Err(SyncError::Connector(e)) => {
            let ErrorKind::RateLimited { until } = e.kind else {
                panic!("{e:?}")
            };
            assert_eq!(until, next_pacific_midnight(Utc::now()));
            assert!(e.message.contains("quota"), "{e}");
        }
        other => panic!("expected the quota to stop the pass, got {other:?}"),
    }
    assert_eq!(server.yt.calls(), 0, "nothing overspent");
    assert_eq!(starved.quota_used(), 10_000 - WRITE_RESERVE);

    // Three reads left over the reserve: the pass stops early, truncated.
    // (The day the store recorded is forgotten: this run sets its own.)
    forget_quota(&store);
    server.yt.set_max_page(2);
    let tight = connector(&server, TOKEN).with_quota(10_000, 10_000 - WRITE_RESERVE - 3);
    let report = sync_once(store.clone(), &tight, 5_000).await.unwrap();
    assert!(report.truncated);
    assert!(report.summary.new > 0 && report.summary.new < demo_count());
    assert_eq!(server.yt.calls(), 3);
    assert_eq!(tight.quota().remaining(Utc::now()), WRITE_RESERVE);
    // The reserve still serves a reply.
    let any = youtube_items(&store)
        .into_iter()
        .find(|i| !i.remote.from_us)
        .unwrap();
    let native = any.remote.native_id.clone();
    let state = send(
        &store,
        &tight,
        &native,
        OutAction::Reply {
            text: "Merci !".into(),
        },
    )
    .await;
    assert!(matches!(state, SendState::Sent { .. }), "{state:?}");
}

#[tokio::test]
async fn quota_exceeded_from_youtube_waits_for_pacific_midnight() {
    let (server, store, conn) = setup().await;
    server.yt.set_quota(10_000, 10_000);
    match sync_once(store.clone(), &conn, 5_000).await {
        Err(SyncError::Connector(e)) => {
            assert_eq!(
                e.kind,
                ErrorKind::RateLimited {
                    until: next_pacific_midnight(Utc::now())
                }
            );
        }
        other => panic!("expected quotaExceeded, got {other:?}"),
    }
    assert_eq!(server.yt.calls(), 1, "no retry into a spent day");
    assert_eq!(conn.quota().remaining(Utc::now()), 0, "the day is spent");
    assert!(
        store.cursor(&stream()).unwrap().is_none(),
        "nothing half-synced"
    );
    let again = sync_once(store.clone(), &conn, 5_000).await;
    assert!(again.is_err());
    assert_eq!(server.yt.calls(), 1, "not asked again today");
}

#[tokio::test]
async fn rate_limits_are_honoured_without_hammering() {
    let (server, store, conn) = setup().await;
    server
        .yt
        .faults
        .push(Fault::RateLimited { reset_secs: 600 });
    let started = std::time::Instant::now();
    common::assert_rate_limited(sync_once(store.clone(), &conn, 5_000).await, 600);
    assert!(
        started.elapsed().as_secs() < 5,
        "a long limit is not slept through"
    );
    assert_eq!(server.yt.calls(), 1, "one call, no retries into the limit");
    assert!(
        store.cursor(&stream()).unwrap().is_none(),
        "nothing half-synced"
    );
}

#[tokio::test]
async fn expired_and_invalid_tokens_are_reported_as_such() {
    let (server, store, conn) = setup().await;
    server.yt.faults.push(Fault::Unauthorized);
    match sync_once(store.clone(), &conn, 5_000).await {
        Err(SyncError::Connector(e)) => assert_eq!(e.kind, ErrorKind::AuthExpired),
        other => panic!("expected an expired token, got {other:?}"),
    }
    let bad = connector(&server, "ya29.not-the-token");
    match sync_once(store.clone(), &bad, 5_000).await {
        Err(SyncError::Connector(e)) => {
            assert_eq!(e.kind, ErrorKind::AuthExpired);
            assert!(!e.to_string().contains("ya29"), "tokens never shown");
        }
        other => panic!("expected an invalid token, got {other:?}"),
    }
}

#[tokio::test]
async fn a_bad_item_is_skipped_and_the_rest_kept() {
    let (server, store, conn) = setup().await;
    sync_once(store.clone(), &conn, 5_000).await.unwrap();
    let video = server.yt.newest_video().unwrap();
    server.yt.comment(&video, None, FAN, "first", Utc::now());
    server
        .yt
        .raw_thread(serde_json::json!({ "kind": "youtube#commentThread", "id": 42, "snippet": { "topLevelComment": { "id": 42 } } }));
    server.yt.comment(&video, None, FAN, "second", Utc::now());
    let report = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(report.summary.new, 2);
    assert_eq!(report.skipped, 1);
}

#[tokio::test]
async fn transient_errors_are_retried_and_garbage_is_not() {
    let (server, store, conn) = setup().await;
    server.yt.faults.push(Fault::ServerError);
    server.yt.faults.push(Fault::Slow { millis: 300 });
    let report = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(report.summary.new, demo_count());
    assert_eq!(
        conn.quota_used(),
        server.yt.units_used() + 1,
        "the failed attempt counted too"
    );
    server.yt.faults.push(Fault::Malformed);
    match sync_once(store.clone(), &conn, 5_000).await {
        Err(SyncError::Connector(e)) => assert_eq!(e.kind, ErrorKind::BadPayload),
        other => panic!("expected a bad payload, got {other:?}"),
    }
}

#[tokio::test]
async fn a_later_pass_cut_short_by_the_quota_skips_nothing() {
    let (server, store, conn) = setup().await;
    sync_once(store.clone(), &conn, 5_000).await.unwrap();
    let cursor = store.cursor(&stream()).unwrap();
    let video = server.yt.newest_video().unwrap();
    let now = Utc::now();
    let ids: Vec<String> = (0..3)
        .map(|i| {
            server.yt.comment(
                &video,
                None,
                FAN,
                &format!("nouveau {i}"),
                now + Duration::seconds(i),
            )
        })
        .collect();
    server.yt.set_max_page(2);
    // One read over the reserve: the newest page only.
    let tight = connector(&server, TOKEN).with_quota(10_000, 10_000 - WRITE_RESERVE - 1);
    let cut = sync_once(store.clone(), &tight, 5_000).await.unwrap();
    assert!(cut.truncated);
    assert_eq!(cut.summary.new, 2, "{cut:?}");
    assert_eq!(
        store.cursor(&stream()).unwrap(),
        cursor,
        "the cursor waits until the pass can finish"
    );
    // Next day: the quota is back.
    forget_quota(&store);
    let rest = sync_once(store.clone(), &connector(&server, TOKEN), 5_000)
        .await
        .unwrap();
    assert_eq!(rest.summary.new, 1, "the oldest of the three, not skipped");
    for native in &ids {
        assert!(store.find(&id(native)).unwrap().is_some());
    }
}

#[tokio::test]
async fn comments_youtube_held_arrive_hidden() {
    let (server, store, conn) = setup().await;
    sync_once(store.clone(), &conn, 5_000).await.unwrap();
    let video = server.yt.newest_video().unwrap();
    let held = server
        .yt
        .comment(&video, None, FAN, "lien douteux", Utc::now());
    server.yt.hold(&held);
    let shown = server.yt.comment(&video, None, FAN, "merci", Utc::now());
    let report = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(report.summary.new, 2, "{report:?}");
    assert!(stored(&store, &held).remote.moderation.hidden);
    assert!(!stored(&store, &shown).remote.moderation.hidden);
    // Publishing it from guichet reads back as shown.
    send(&store, &conn, &held, OutAction::Act(Act::Unhide)).await;
    assert_eq!(server.yt.status(&held).as_deref(), Some("published"));
    assert!(!stored(&store, &held).remote.moderation.hidden);
}

#[tokio::test]
async fn the_days_quota_carries_over_to_the_next_run() {
    let (server, store, first) = setup().await;
    sync_once(store.clone(), &first, 5_000).await.unwrap();
    let spent = first.quota_used();
    assert!(spent > 0);
    // A new run (a new connector, as `guichet sync` from cron makes) starts
    // from what the store recorded, not from zero.
    let second = connector(&server, TOKEN);
    assert_eq!(second.quota_used(), 0);
    sync_once(store.clone(), &second, 5_000).await.unwrap();
    assert!(
        second.quota_used() > spent,
        "{} then {}",
        spent,
        second.quota_used()
    );
    let record = store
        .cursor(&format!("{}#quota", second.stream()))
        .unwrap()
        .unwrap();
    assert!(
        record.ends_with(&format!(" {} 10000", second.quota_used())),
        "{record}"
    );
}

#[tokio::test]
async fn spam_rejects_without_banning_and_report_is_refused_unsent() {
    let (server, store, conn) = setup().await;
    let c = fresh_comment(&server, &store, &conn).await;
    let state = send(&store, &conn, &c, OutAction::Act(Act::Spam)).await;
    assert!(matches!(state, SendState::Sent { .. }), "{state:?}");
    // markAsSpam is deprecated (§4): spam is the permanent `rejected`.
    assert_eq!(server.yt.status(&c).as_deref(), Some("rejected"));
    assert!(
        server.yt.banned().is_empty(),
        "spam does not ban the author"
    );
    let item = stored(&store, &c);
    assert!(item.remote.moderation.hidden);
    assert_eq!(item.local.status, Status::Done);
    // YouTube has no report call: refused before anything is sent.
    let calls = server.yt.calls();
    let report =
        guichet::networks::report::Report::new(guichet::networks::report::ReportReason::Spam, "");
    let no = send(&store, &conn, &c, OutAction::Report(report)).await;
    assert!(
        matches!(no, SendState::Failed { retry: false, .. }),
        "{no:?}"
    );
    assert_eq!(server.yt.calls(), calls);
}
