//! The Instagram connector (Facebook-login flavour) against the sandbox:
//! media comments and replies, DMs through the linked Page, the writes
//! Instagram allows read back from the sandbox and the stored item, and
//! the ones it does not (like, block) refused rather than faked.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use chrono::{Duration, Utc};
use guichet::model::{Item, ItemId, Kind, Network, Status};
use guichet::networks::connector::{Act, Connector};
use guichet::networks::error::ErrorKind;
use guichet::networks::instagram::InstagramConnector;
use guichet::outbox::{OutAction, SendState, send_due};
use guichet::sandbox::instagram::{IG_USER_ID, PAGE_ID, TOKEN};
use guichet::sandbox::{Fault, Sandbox};
use guichet::store::{SledStore, Store};
use guichet::sync::{SyncError, sync_once};

mod common;

const ME: &str = "atelier.lumen";

async fn setup() -> (Sandbox, Arc<dyn Store>, InstagramConnector) {
    let demo = guichet::demo::demo_items(Utc::now());
    let sandbox = Sandbox::start(&guichet::demo::accounts(), &demo)
        .await
        .unwrap();
    let store: Arc<dyn Store> = Arc::new(SledStore::temporary().unwrap());
    let conn = connector(&sandbox, TOKEN, true);
    (sandbox, store, conn)
}

fn connector(sandbox: &Sandbox, token: &str, human_agent: bool) -> InstagramConnector {
    InstagramConnector::new(
        &sandbox.base_url(Network::Instagram),
        ME,
        IG_USER_ID,
        PAGE_ID,
        token,
        human_agent,
    )
    .unwrap()
}

/// Demo Instagram items the API can return (mentions come by webhook only).
fn pollable_demo_count() -> usize {
    guichet::demo::demo_items(Utc::now())
        .iter()
        .filter(|i| i.remote.network == Network::Instagram && i.remote.kind != Kind::Mention)
        .count()
}

fn instagram_items(store: &Arc<dyn Store>) -> Vec<Item> {
    let rows = store.rows().unwrap();
    rows.rows
        .iter()
        .filter(|r| r.network == Network::Instagram)
        .map(|r| store.get(r.seq).unwrap().unwrap())
        .collect()
}

fn id(native: &str) -> ItemId {
    format!("instagram:{ME}:{native}").parse().unwrap()
}

fn stored(store: &Arc<dyn Store>, native: &str) -> Item {
    store.find(&id(native)).unwrap().unwrap().1
}

async fn send(
    store: &Arc<dyn Store>,
    conn: &InstagramConnector,
    native: &str,
    action: OutAction,
) -> SendState {
    store.enqueue(&id(native), action, "camille").unwrap();
    let done = send_due(store.clone(), conn).await.unwrap();
    assert_eq!(done.len(), 1);
    done[0].state.clone()
}

#[tokio::test]
async fn first_sync_then_only_what_is_new() {
    let (sandbox, store, conn) = setup().await;
    let first = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(first.skipped, 0);
    assert_eq!(first.summary.new, pollable_demo_count());
    let items = instagram_items(&store);
    for kind in [Kind::Comment, Kind::Reply, Kind::DirectMessage] {
        assert!(items.iter().any(|i| i.remote.kind == kind), "{kind:?}");
    }
    assert!(
        items.iter().any(|i| i.remote.from_us),
        "our replies are ours"
    );
    assert!(
        items
            .iter()
            .filter(|i| i.remote.kind != Kind::DirectMessage)
            .all(|i| i.remote.permalink.is_some() && i.remote.post.is_some())
    );

    let again = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(again.summary.new, 0, "nothing fetched twice");

    let media = sandbox.instagram.newest_media().unwrap();
    let now = Utc::now();
    let c = sandbox.instagram.comment(
        &media,
        None,
        ("17841400001234567", "maria.k"),
        "Where can I buy this?",
        now,
    );
    let r = sandbox.instagram.comment(
        &media,
        Some(&c),
        ("17841400001234568", "leo.p"),
        "Same question!",
        now,
    );
    let m = sandbox.instagram.message(
        ("17841400001234569", "nina.r"),
        "Hi! Is the shop open?",
        now - Duration::minutes(1),
    );
    let third = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(third.summary.new, 3, "{third:?}");
    let comment = stored(&store, &c);
    assert_eq!(comment.remote.kind, Kind::Comment);
    assert_eq!(comment.remote.author.handle, "maria.k");
    assert_eq!(comment.remote.thread_id.as_deref(), Some(media.as_str()));
    let reply = stored(&store, &r);
    assert_eq!(reply.remote.kind, Kind::Reply);
    assert_eq!(reply.remote.parent_id.as_deref(), Some(c.as_str()));
    assert_eq!(stored(&store, &m).remote.kind, Kind::DirectMessage);
}

#[tokio::test]
async fn paging_across_small_pages() {
    let (sandbox, store, conn) = setup().await;
    sandbox.instagram.gate.set_max_page(2);
    let first = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(first.summary.new, pollable_demo_count());
    assert!(sandbox.instagram.gate.calls() > 20);

    let media = sandbox.instagram.newest_media().unwrap();
    let top = sandbox
        .instagram
        .comment(&media, None, ("1", "a"), "top", Utc::now());
    for i in 0..5 {
        sandbox.instagram.comment(
            &media,
            None,
            ("2", "b"),
            &format!("giveaway {i}"),
            Utc::now(),
        );
    }
    sandbox
        .instagram
        .comment(&media, Some(&top), ("3", "c"), "reply", Utc::now());
    for i in 0..3 {
        sandbox
            .instagram
            .message(("4", "d"), &format!("dm {i}"), Utc::now());
    }
    let next = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(next.summary.new, 10, "{next:?}");
}

async fn fresh_comment(
    sandbox: &Sandbox,
    store: &Arc<dyn Store>,
    conn: &InstagramConnector,
) -> String {
    sync_once(store.clone(), conn, 5_000).await.unwrap();
    let media = sandbox.instagram.newest_media().unwrap();
    let c = sandbox.instagram.comment(
        &media,
        None,
        ("17841400009999999", "julie.m"),
        "C'est dispo en Belgique ?",
        Utc::now(),
    );
    sync_once(store.clone(), conn, 5_000).await.unwrap();
    c
}

#[tokio::test]
async fn reply_hide_and_delete_are_read_back() {
    let (sandbox, store, conn) = setup().await;
    let c = fresh_comment(&sandbox, &store, &conn).await;

    let text = "@julie.m Oui, livraison en 3 jours !";
    let state = send(&store, &conn, &c, OutAction::Reply { text: text.into() }).await;
    let SendState::Sent { remote_id, .. } = state else {
        panic!("{state:?}")
    };
    assert_eq!(
        sandbox.instagram.our_replies(&c),
        vec![(remote_id.clone(), text.to_string())]
    );
    assert_eq!(stored(&store, &c).local.status, Status::Answered);
    sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert!(stored(&store, &remote_id).remote.from_us);

    send(&store, &conn, &c, OutAction::Act(Act::Hide)).await;
    assert_eq!(sandbox.instagram.comment_hidden(&c), Some(true));
    assert!(stored(&store, &c).remote.moderation.hidden);
    store
        .set_cursor(&format!("instagram:{ME}/inbox"), "0")
        .unwrap();
    sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert!(
        stored(&store, &c).remote.moderation.hidden,
        "`hidden` read back"
    );
    send(&store, &conn, &c, OutAction::Act(Act::Unhide)).await;
    assert_eq!(sandbox.instagram.comment_hidden(&c), Some(false));
    assert!(!stored(&store, &c).remote.moderation.hidden);

    // No like and no block in Instagram's API: refused, not faked.
    for act in [Act::Like, Act::Block] {
        let state = send(&store, &conn, &c, OutAction::Act(act)).await;
        assert!(
            matches!(state, SendState::Failed { retry: false, .. }),
            "{state:?}"
        );
    }
    assert!(!stored(&store, &c).remote.moderation.liked);

    send(&store, &conn, &c, OutAction::Act(Act::Delete)).await;
    assert_eq!(sandbox.instagram.comment_hidden(&c), None);
    let item = stored(&store, &c);
    assert!(item.remote.moderation.deleted);
    assert_eq!(item.local.status, Status::Done);
}

#[tokio::test]
async fn private_reply_and_uncertain_replies() {
    let (sandbox, store, conn) = setup().await;
    let c = fresh_comment(&sandbox, &store, &conn).await;
    let state = send(
        &store,
        &conn,
        &c,
        OutAction::PrivateReply {
            text: "Je vous écris en DM".into(),
        },
    )
    .await;
    assert!(matches!(state, SendState::Sent { .. }), "{state:?}");
    let sent = sandbox.instagram.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].recipient["comment_id"], c.as_str());

    let text = "Merci !";
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
    assert_eq!(
        sandbox.instagram.our_replies(&c).len(),
        1,
        "not posted twice"
    );
}

#[tokio::test]
async fn dm_replies_follow_the_window() {
    let (sandbox, store, _) = setup().await;
    let now = Utc::now();
    let fresh = sandbox.instagram.message(
        ("17841400000000001", "ana"),
        "hello?",
        now - Duration::hours(1),
    );
    let day_old = sandbox.instagram.message(
        ("17841400000000002", "ben"),
        "allô ?",
        now - Duration::hours(40),
    );
    let week_old = sandbox.instagram.message(
        ("17841400000000003", "chloe"),
        "hi",
        now - Duration::days(9),
    );
    let human = connector(&sandbox, TOKEN, true);
    let plain = connector(&sandbox, TOKEN, false);
    sync_once(store.clone(), &human, 5_000).await.unwrap();

    let ok = send(
        &store,
        &plain,
        &fresh,
        OutAction::Reply {
            text: "Hi Ana".into(),
        },
    )
    .await;
    assert!(matches!(ok, SendState::Sent { .. }), "{ok:?}");
    assert_eq!(sandbox.instagram.sent()[0].messaging_type, "RESPONSE");

    let refused = send(
        &store,
        &plain,
        &day_old,
        OutAction::Reply {
            text: "Hi Ben".into(),
        },
    )
    .await;
    assert!(
        matches!(refused, SendState::Failed { retry: false, .. }),
        "{refused:?}"
    );
    assert_eq!(sandbox.instagram.sent().len(), 1);
    let tagged = send(
        &store,
        &human,
        &day_old,
        OutAction::Reply {
            text: "Hi Ben".into(),
        },
    )
    .await;
    assert!(matches!(tagged, SendState::Sent { .. }), "{tagged:?}");
    let sent = sandbox.instagram.sent();
    assert_eq!(
        (sent[1].messaging_type.as_str(), sent[1].tag.as_deref()),
        ("MESSAGE_TAG", Some("HUMAN_AGENT"))
    );

    let closed = send(
        &store,
        &human,
        &week_old,
        OutAction::Reply {
            text: "Hi Chloé".into(),
        },
    )
    .await;
    assert!(
        matches!(closed, SendState::Failed { retry: false, .. }),
        "{closed:?}"
    );
    assert_eq!(sandbox.instagram.sent().len(), 2, "refused before sending");
}

#[tokio::test]
async fn a_hidden_comment_is_not_replied_to() {
    let (sandbox, store, conn) = setup().await;
    let c = fresh_comment(&sandbox, &store, &conn).await;
    send(&store, &conn, &c, OutAction::Act(Act::Hide)).await;
    let state = send(
        &store,
        &conn,
        &c,
        OutAction::Reply {
            text: "hello".into(),
        },
    )
    .await;
    assert!(
        matches!(&state, SendState::Failed { retry: false, error } if error.contains("unhide")),
        "{state:?}"
    );
    assert!(sandbox.instagram.our_replies(&c).is_empty());
}

#[tokio::test]
async fn rate_limits_and_tokens() {
    let (sandbox, store, conn) = setup().await;
    sandbox
        .instagram
        .gate
        .faults
        .push(Fault::RateLimited { reset_secs: 1200 });
    common::assert_rate_limited(sync_once(store.clone(), &conn, 5_000).await, 1200);
    assert_eq!(sandbox.instagram.gate.calls(), 1, "no hammering");

    sandbox.instagram.gate.faults.push(Fault::Unauthorized);
    match sync_once(store.clone(), &conn, 5_000).await {
        Err(SyncError::Connector(e)) => assert_eq!(e.kind, ErrorKind::AuthExpired),
        other => panic!("expected an expired token, got {other:?}"),
    }
    let bad = connector(&sandbox, "nope", false);
    match sync_once(store.clone(), &bad, 5_000).await {
        Err(SyncError::Connector(e)) => assert_eq!(e.kind, ErrorKind::AuthRevoked),
        other => panic!("expected an invalid token, got {other:?}"),
    }
    sandbox.instagram.gate.faults.push(Fault::ServerError);
    assert!(
        sync_once(store.clone(), &conn, 5_000)
            .await
            .unwrap()
            .summary
            .new
            > 0,
        "a 500 is retried"
    );
}

#[tokio::test]
async fn a_bad_item_is_skipped_and_the_rest_kept() {
    let (sandbox, store, conn) = setup().await;
    sync_once(store.clone(), &conn, 5_000).await.unwrap();
    let media = sandbox.instagram.newest_media().unwrap();
    sandbox
        .instagram
        .comment(&media, None, ("1", "a"), "first", Utc::now());
    sandbox.instagram.raw_comment(
        &media,
        serde_json::json!({ "id": "17999", "timestamp": 12 }),
    );
    sandbox
        .instagram
        .comment(&media, None, ("2", "b"), "second", Utc::now());
    let report = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(report.summary.new, 2);
    assert_eq!(report.skipped, 1);
}
