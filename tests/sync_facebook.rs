//! The Facebook Pages connector against the sandbox: the real HTTP path
//! (Graph envelope, cursors, usage headers, error codes), with only the
//! base URL pointing at 127.0.0.1. Writes go through the outbox and are
//! read back from the sandbox and from the stored item.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use chrono::{Duration, Utc};
use guichet::model::{Item, ItemId, Kind, Network, Status};
use guichet::networks::connector::{Act, Connector};
use guichet::networks::error::ErrorKind;
use guichet::networks::facebook::FacebookConnector;
use guichet::outbox::{OutAction, SendState, send_due};
use guichet::sandbox::facebook::{PAGE_ID, TOKEN};
use guichet::sandbox::{Fault, Sandbox};
use guichet::store::{SledStore, Store};
use guichet::sync::{SyncError, sync_once};

mod common;

const ME: &str = "atelierlumen";

async fn setup() -> (Sandbox, Arc<dyn Store>, FacebookConnector) {
    let demo = guichet::demo::demo_items(Utc::now());
    let sandbox = Sandbox::start(&guichet::demo::accounts(), &demo)
        .await
        .unwrap();
    let store: Arc<dyn Store> = Arc::new(SledStore::temporary().unwrap());
    let conn = connector(&sandbox, TOKEN, true);
    (sandbox, store, conn)
}

fn connector(sandbox: &Sandbox, token: &str, human_agent: bool) -> FacebookConnector {
    FacebookConnector::new(
        &sandbox.base_url(Network::Facebook),
        ME,
        PAGE_ID,
        token,
        human_agent,
    )
    .unwrap()
}

fn facebook_items(store: &Arc<dyn Store>) -> Vec<Item> {
    let rows = store.rows().unwrap();
    rows.rows
        .iter()
        .filter(|r| r.network == Network::Facebook)
        .map(|r| store.get(r.seq).unwrap().unwrap())
        .collect()
}

fn id(native: &str) -> ItemId {
    format!("facebook:{ME}:{native}").parse().unwrap()
}

fn stored(store: &Arc<dyn Store>, native: &str) -> Item {
    store.find(&id(native)).unwrap().unwrap().1
}

fn stream() -> String {
    format!("facebook:{ME}/inbox")
}

#[tokio::test]
async fn first_sync_then_only_what_is_new() {
    let (sandbox, store, conn) = setup().await;
    let demo_count = guichet::demo::demo_items(Utc::now())
        .iter()
        .filter(|i| i.remote.network == Network::Facebook)
        .count();
    let first = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(first.skipped, 0);
    assert_eq!(first.summary.new, demo_count, "every seeded item came back");
    let items = facebook_items(&store);
    for kind in [Kind::Comment, Kind::Reply, Kind::DirectMessage] {
        assert!(items.iter().any(|i| i.remote.kind == kind), "{kind:?}");
    }
    assert!(
        items
            .iter()
            .any(|i| i.remote.from_us && i.remote.author.id == PAGE_ID),
        "the Page's own replies are ours"
    );
    let reply = items.iter().find(|i| i.remote.kind == Kind::Reply).unwrap();
    assert!(reply.remote.parent_id.is_some() && reply.remote.post.is_some());

    let again = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(again.summary.new, 0, "nothing fetched twice");

    let post = sandbox.facebook.newest_post().unwrap();
    let now = Utc::now();
    let c = sandbox.facebook.comment(
        &post,
        None,
        ("6543210987654321", "Dana Ruiz"),
        "La soupe est-elle vegan ?",
        now,
    );
    let r = sandbox.facebook.comment(
        &post,
        Some(&c),
        ("6543210987654322", "Léa Martin"),
        "Je me posais la même question",
        now,
    );
    // Written a little before the last pass's newest item: the overlap
    // still catches it, so nothing is skipped.
    let late = sandbox.facebook.comment(
        &post,
        None,
        ("6543210987654323", "Sam Lee"),
        "Late but here",
        now - Duration::minutes(2),
    );
    let m = sandbox.facebook.message(
        ("2233445566778899", "Nour B."),
        "Bonjour, ma commande ?",
        now,
    );
    let third = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(third.summary.new, 4, "{third:?}");
    let comment = stored(&store, &c);
    assert_eq!(comment.remote.kind, Kind::Comment);
    assert_eq!(comment.remote.author.display_name, "Dana Ruiz");
    assert_eq!(comment.remote.thread_id.as_deref(), Some(post.as_str()));
    let reply = stored(&store, &r);
    assert_eq!(reply.remote.kind, Kind::Reply);
    assert_eq!(reply.remote.parent_id.as_deref(), Some(c.as_str()));
    assert_eq!(stored(&store, &late).remote.text, "Late but here");
    let dm = stored(&store, &m);
    assert_eq!(dm.remote.kind, Kind::DirectMessage);
    assert_eq!(dm.remote.author.id, "2233445566778899");
}

#[tokio::test]
async fn paging_across_small_pages() {
    let (sandbox, store, conn) = setup().await;
    let demo_count = guichet::demo::demo_items(Utc::now())
        .iter()
        .filter(|i| i.remote.network == Network::Facebook)
        .count();
    sandbox.facebook.gate.set_max_page(2);
    let first = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(
        first.summary.new, demo_count,
        "posts, comments, conversations and messages followed through paging.next"
    );
    let calls = sandbox.facebook.gate.calls();
    assert!(calls > 30, "many pages of two: {calls}");

    let post = sandbox.facebook.newest_post().unwrap();
    for i in 0..7 {
        sandbox.facebook.comment(
            &post,
            None,
            ("100000000000001", "Wave"),
            &format!("concours {i}"),
            Utc::now(),
        );
    }
    for i in 0..5 {
        sandbox.facebook.message(
            ("200000000000001", "Talkative"),
            &format!("message {i}"),
            Utc::now(),
        );
    }
    let next = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(next.summary.new, 12, "{next:?}");
}

#[tokio::test]
async fn first_sync_depth_limit() {
    let (_sandbox, store, conn) = setup().await;
    let report = sync_once(store.clone(), &conn, 5).await.unwrap();
    assert_eq!(report.summary.new, 5);
    assert!(report.truncated);
}

/// A fresh customer comment on the newest post, synced into the store.
async fn fresh_comment(
    sandbox: &Sandbox,
    store: &Arc<dyn Store>,
    conn: &FacebookConnector,
) -> String {
    sync_once(store.clone(), conn, 5_000).await.unwrap();
    let post = sandbox.facebook.newest_post().unwrap();
    let c = sandbox.facebook.comment(
        &post,
        None,
        ("7000000000000001", "Camille D."),
        "Livrez-vous en Belgique ?",
        Utc::now(),
    );
    sync_once(store.clone(), conn, 5_000).await.unwrap();
    c
}

async fn send(
    store: &Arc<dyn Store>,
    conn: &FacebookConnector,
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
    let (sandbox, store, conn) = setup().await;
    let c = fresh_comment(&sandbox, &store, &conn).await;

    let text = "Oui, en 3 jours ouvrés.";
    let state = send(&store, &conn, &c, OutAction::Reply { text: text.into() }).await;
    let SendState::Sent { remote_id, .. } = state else {
        panic!("{state:?}")
    };
    assert_eq!(
        sandbox.facebook.page_replies(&c),
        vec![(remote_id.clone(), text.to_string())]
    );
    assert_eq!(stored(&store, &c).local.status, Status::Answered);
    sync_once(store.clone(), &conn, 5_000).await.unwrap();
    let ours = stored(&store, &remote_id);
    assert!(ours.remote.from_us, "our reply is read back as ours");
    assert_eq!(
        (ours.local.status, ours.local.read),
        (Status::Done, true),
        "our own reply is context, not work in the inbox"
    );

    send(&store, &conn, &c, OutAction::Act(Act::Like)).await;
    assert_eq!(sandbox.facebook.comment_state(&c), Some((false, true, 1)));
    assert!(stored(&store, &c).remote.moderation.liked);
    send(&store, &conn, &c, OutAction::Act(Act::Unlike)).await;
    assert_eq!(sandbox.facebook.comment_state(&c), Some((false, false, 0)));
    assert!(!stored(&store, &c).remote.moderation.liked);

    send(&store, &conn, &c, OutAction::Act(Act::Hide)).await;
    assert_eq!(sandbox.facebook.comment_state(&c), Some((true, false, 0)));
    assert!(stored(&store, &c).remote.moderation.hidden);
    // A full re-read fills moderation from the network's own fields.
    store.set_cursor(&stream(), "0").unwrap();
    sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert!(
        stored(&store, &c).remote.moderation.hidden,
        "is_hidden read back"
    );
    send(&store, &conn, &c, OutAction::Act(Act::Unhide)).await;
    assert_eq!(sandbox.facebook.comment_state(&c), Some((false, false, 0)));

    send(&store, &conn, &c, OutAction::Act(Act::Block)).await;
    assert_eq!(sandbox.facebook.blocked(), vec!["7000000000000001"]);
    let muted = send(&store, &conn, &c, OutAction::Act(Act::Mute)).await;
    assert!(
        matches!(muted, SendState::Failed { retry: false, .. }),
        "{muted:?}"
    );

    send(&store, &conn, &c, OutAction::Act(Act::Delete)).await;
    assert_eq!(
        sandbox.facebook.comment_state(&c),
        None,
        "gone from the Page"
    );
    let item = stored(&store, &c);
    assert!(item.remote.moderation.deleted);
    assert_eq!(item.local.status, Status::Done);
}

#[tokio::test]
async fn private_reply_opens_a_conversation_once() {
    let (sandbox, store, conn) = setup().await;
    let c = fresh_comment(&sandbox, &store, &conn).await;
    let text = "Bonjour Camille, je vous écris en privé.";
    let state = send(
        &store,
        &conn,
        &c,
        OutAction::PrivateReply { text: text.into() },
    )
    .await;
    assert!(matches!(state, SendState::Sent { .. }), "{state:?}");
    let sent = sandbox.facebook.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].recipient["comment_id"], c.as_str());
    assert_eq!(sent[0].text, text);
    assert_eq!(stored(&store, &c).local.status, Status::Answered);
    // Meta allows one private reply per comment; the repeat is "already done".
    let again = send(
        &store,
        &conn,
        &c,
        OutAction::PrivateReply { text: text.into() },
    )
    .await;
    assert!(matches!(again, SendState::Sent { .. }), "{again:?}");
    assert_eq!(sandbox.facebook.sent().len(), 1, "not sent twice");
}

#[tokio::test]
async fn an_uncertain_reply_is_found_before_resending() {
    let (sandbox, store, conn) = setup().await;
    let c = fresh_comment(&sandbox, &store, &conn).await;
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
    assert_eq!(sandbox.facebook.page_replies(&c).len(), 1);
}

#[tokio::test]
async fn messenger_replies_follow_the_window() {
    let (sandbox, store, _) = setup().await;
    let now = Utc::now();
    let fresh = sandbox.facebook.message(
        ("300000000000001", "Ana"),
        "Bonjour ?",
        now - Duration::hours(2),
    );
    let day_old = sandbox.facebook.message(
        ("300000000000002", "Ben"),
        "Allô ?",
        now - Duration::hours(30),
    );
    let week_old = sandbox.facebook.message(
        ("300000000000003", "Chloé"),
        "Hello",
        now - Duration::days(8),
    );
    let human = connector(&sandbox, TOKEN, true);
    let plain = connector(&sandbox, TOKEN, false);
    sync_once(store.clone(), &human, 5_000).await.unwrap();

    let state = send(
        &store,
        &human,
        &fresh,
        OutAction::Reply {
            text: "Bonjour Ana".into(),
        },
    )
    .await;
    assert!(matches!(state, SendState::Sent { .. }), "{state:?}");
    let sent = sandbox.facebook.sent();
    assert_eq!(sent[0].recipient["id"], "300000000000001");
    assert_eq!(
        (sent[0].messaging_type.as_str(), sent[0].tag.as_deref()),
        ("RESPONSE", None)
    );

    // Past 24 h: only with the Human Agent tag, and only if the Page holds it.
    let refused = send(
        &store,
        &plain,
        &day_old,
        OutAction::Reply {
            text: "Bonjour Ben".into(),
        },
    )
    .await;
    assert!(
        matches!(&refused, SendState::Failed { retry: false, error } if error.contains("24")),
        "{refused:?}"
    );
    assert_eq!(sandbox.facebook.sent().len(), 1, "refused before sending");
    let state = send(
        &store,
        &human,
        &day_old,
        OutAction::Reply {
            text: "Bonjour Ben".into(),
        },
    )
    .await;
    assert!(matches!(state, SendState::Sent { .. }), "{state:?}");
    let sent = sandbox.facebook.sent();
    assert_eq!(
        (sent[1].messaging_type.as_str(), sent[1].tag.as_deref()),
        ("MESSAGE_TAG", Some("HUMAN_AGENT"))
    );
    assert_eq!(stored(&store, &day_old).local.status, Status::Answered);

    // Past 7 days: nothing may be sent.
    let closed = send(
        &store,
        &human,
        &week_old,
        OutAction::Reply {
            text: "Hello".into(),
        },
    )
    .await;
    assert!(
        matches!(closed, SendState::Failed { retry: false, .. }),
        "{closed:?}"
    );
    assert_eq!(sandbox.facebook.sent().len(), 2);
    assert_ne!(stored(&store, &week_old).local.status, Status::Answered);
}

#[tokio::test]
async fn rate_limits_are_honoured_without_hammering() {
    let (sandbox, store, conn) = setup().await;
    sandbox
        .facebook
        .gate
        .faults
        .push(Fault::RateLimited { reset_secs: 600 });
    let started = std::time::Instant::now();
    common::assert_rate_limited(sync_once(store.clone(), &conn, 5_000).await, 600);
    assert!(
        started.elapsed().as_secs() < 5,
        "a long limit is not slept through"
    );
    assert_eq!(
        sandbox.facebook.gate.calls(),
        1,
        "one call, no retries into the limit"
    );
    assert!(
        store.cursor(&stream()).unwrap().is_none(),
        "nothing half-synced"
    );

    // Usage at 95 % on a good answer: the pass stops at once (Meta throttles
    // at 100), for the cool-down guichet picks when Meta names no time.
    sandbox.facebook.gate.set_usage(95);
    let before = sandbox.facebook.gate.calls();
    common::assert_rate_limited(sync_once(store.clone(), &conn, 5_000).await, 600);
    assert_eq!(sandbox.facebook.gate.calls(), before + 1);
    sandbox.facebook.gate.set_usage(10);
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
    let (sandbox, store, conn) = setup().await;
    sandbox.facebook.gate.faults.push(Fault::Unauthorized);
    match sync_once(store.clone(), &conn, 5_000).await {
        Err(SyncError::Connector(e)) => assert_eq!(e.kind, ErrorKind::AuthExpired),
        other => panic!("expected an expired token, got {other:?}"),
    }
    let bad = connector(&sandbox, "not-the-page-token", false);
    match sync_once(store.clone(), &bad, 5_000).await {
        Err(SyncError::Connector(e)) => {
            assert_eq!(e.kind, ErrorKind::AuthRevoked);
            assert!(
                !e.to_string().contains("not-the-page-token"),
                "tokens never shown"
            );
        }
        other => panic!("expected an invalid token, got {other:?}"),
    }
}

#[tokio::test]
async fn a_bad_item_is_skipped_and_the_rest_kept() {
    let (sandbox, store, conn) = setup().await;
    sync_once(store.clone(), &conn, 5_000).await.unwrap();
    let post = sandbox.facebook.newest_post().unwrap();
    sandbox
        .facebook
        .comment(&post, None, ("1", "A"), "first", Utc::now());
    sandbox
        .facebook
        .raw_comment(&post, serde_json::json!({ "id": 42, "message": ["no"] }));
    sandbox
        .facebook
        .comment(&post, None, ("2", "B"), "second", Utc::now());
    sandbox
        .facebook
        .message(("400000000000001", "Dee"), "coucou", Utc::now());
    sandbox.facebook.raw_message(
        "400000000000001",
        serde_json::json!({ "id": "m_x", "created_time": "yesterday" }),
    );
    let report = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(report.summary.new, 3);
    assert_eq!(report.skipped, 2);
}

#[tokio::test]
async fn transient_errors_are_retried_and_garbage_is_not() {
    let (sandbox, store, conn) = setup().await;
    sandbox.facebook.gate.faults.push(Fault::ServerError);
    sandbox
        .facebook
        .gate
        .faults
        .push(Fault::Slow { millis: 300 });
    assert!(
        sync_once(store.clone(), &conn, 5_000)
            .await
            .unwrap()
            .summary
            .new
            > 0
    );
    sandbox.facebook.gate.faults.push(Fault::Malformed);
    match sync_once(store.clone(), &conn, 5_000).await {
        Err(SyncError::Connector(e)) => assert_eq!(e.kind, ErrorKind::BadPayload),
        other => panic!("expected a bad payload, got {other:?}"),
    }
}

#[tokio::test]
async fn the_engine_builds_it_from_an_account() {
    use guichet::config::accounts::MetaIds;
    use guichet::config::{AccountConfig, TokenSource};
    let (sandbox, store, _) = setup().await;
    let account = AccountConfig {
        network: Network::Facebook,
        handle: ME.into(),
        base_url: sandbox.base_url(Network::Facebook),
        token: TokenSource::Fixed(TOKEN.into()),
        first_sync_depth: 500,
        meta: Some(MetaIds {
            page_id: PAGE_ID.into(),
            ig_user_id: None,
            human_agent: false,
        }),
        ids: Default::default(),
    };
    let conn = guichet::sync::engine::connector_for(&account)
        .await
        .unwrap();
    let report = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert!(report.summary.new > 10);
}
