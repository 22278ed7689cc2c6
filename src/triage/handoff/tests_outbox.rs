//! Hand-offs through the outbox: stored first, delivered by
//! [`send_due`](super::send_due) to a local webhook receiver or SMTP
//! listener, retried with backoff while the failure is retryable, failed
//! for the user otherwise, and still there after a restart.

use std::sync::Arc;

use chrono::Duration;

use super::tests_smtp::{fake_smtp, smtp};
use super::tests_support::{at, http, item, receiver};
use super::{Channel, HandoffOrder, HandoffSender, Limits, backoff, send_due};
use crate::outbox::{OutAction, OutboxEntry, SendState};
use crate::store::{SledStore, Store};

fn sender(smtp: Option<super::Smtp>) -> HandoffSender {
    HandoffSender {
        smtp: smtp.map(Ok),
        http: http(),
        limits: Limits::default(),
    }
}

/// The sample item stored, and its hand-off queued over `channel`.
fn queued(store: &dyn Store, channel: Channel) -> OutboxEntry {
    let item = item("Colis abîmé, je veux un avoir.");
    store.ingest(vec![item.clone()]).unwrap();
    let plan = super::HandoffPlan {
        tag: "refund".into(),
        assignee: "Marie".into(),
        note: Some("client fidèle".into()),
        due: None,
        at: at(),
        channels: vec![channel],
        callback_base: Some("http://cm.test".into()),
    };
    let order = plan.orders(&item, "camille").remove(0);
    store
        .enqueue(&item.id, OutAction::Handoff(Box::new(order)), "camille")
        .unwrap()
}

fn state_of(store: &dyn Store, id: u64) -> SendState {
    store
        .outbox()
        .unwrap()
        .into_iter()
        .find(|e| e.id == id)
        .unwrap()
        .state
}

#[tokio::test]
async fn a_failing_receiver_is_retried_after_its_backoff_until_sent() {
    let store: Arc<dyn Store> = Arc::new(SledStore::temporary().unwrap());
    let (seen, url) = receiver(&[500]).await;
    let entry = queued(store.as_ref(), Channel::Webhook { url });
    let t0 = at();

    let done = send_due(store.clone(), &sender(None), t0).await.unwrap();
    assert_eq!(done.len(), 1);
    assert!(
        matches!(&done[0].state, SendState::Failed { retry: true, error } if error.contains("500")),
        "{:?}",
        done[0].state
    );
    let OutAction::Handoff(order) = &done[0].action else {
        panic!("a hand-off")
    };
    assert_eq!(order.not_before, Some(t0 + backoff(1)));

    let early = send_due(store.clone(), &sender(None), t0 + Duration::seconds(10))
        .await
        .unwrap();
    assert!(early.is_empty(), "not before its backoff");
    assert_eq!(seen.seen().len(), 1);

    let later = t0 + backoff(1) + Duration::seconds(1);
    let done = send_due(store.clone(), &sender(None), later).await.unwrap();
    assert!(
        matches!(&done[0].state, SendState::Sent { remote_id, .. } if remote_id.contains("200"))
    );
    assert_eq!(done[0].attempts, 2);
    assert_eq!(seen.seen().len(), 2, "retried once");
    let body: serde_json::Value = serde_json::from_slice(&seen.seen()[1].body).unwrap();
    assert_eq!(body["handoff"]["tag"], "refund");
    assert_eq!(
        body["handoff"]["callback_url"],
        "http://cm.test/handoff/instagram%3Aatelierlumen%3A17890"
    );
    assert!(matches!(
        state_of(store.as_ref(), entry.id),
        SendState::Sent { .. }
    ));
    let (_, stored) = store.find(&entry.item).unwrap().unwrap();
    let last = stored.local.last_action.unwrap();
    assert!(
        last.what
            .starts_with("hand-off sent: webhook to http://127.0.0.1:"),
        "{}",
        last.what
    );
    assert!(
        !last.what.contains("s3cr3t"),
        "the hook's secret path stays out"
    );
    assert!(
        send_due(store.clone(), &sender(None), later + Duration::hours(2))
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_refusal_is_not_retried_and_stays_failed() {
    let store: Arc<dyn Store> = Arc::new(SledStore::temporary().unwrap());
    let (seen, url) = receiver(&[400]).await;
    let entry = queued(store.as_ref(), Channel::Webhook { url });
    let done = send_due(store.clone(), &sender(None), at()).await.unwrap();
    assert!(
        matches!(&done[0].state, SendState::Failed { retry: false, error } if error.contains("400"))
    );
    let later = at() + Duration::hours(3);
    assert!(
        send_due(store.clone(), &sender(None), later)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(seen.seen().len(), 1, "not retried");
    let stored = store.outbox().unwrap();
    assert!(!stored[0].is_due(), "left for the user");
    assert_eq!(stored[0].id, entry.id);
}

#[tokio::test]
async fn retries_end_after_the_last_attempt() {
    let store: Arc<dyn Store> = Arc::new(SledStore::temporary().unwrap());
    let (seen, url) = receiver(&[503; 20]).await;
    queued(store.as_ref(), Channel::Webhook { url });
    let mut now = at();
    for _ in 0..super::MAX_ATTEMPTS + 2 {
        send_due(store.clone(), &sender(None), now).await.unwrap();
        now += Duration::hours(2);
    }
    assert_eq!(seen.seen().len(), super::MAX_ATTEMPTS as usize);
    assert!(matches!(
        store.outbox().unwrap()[0].state,
        SendState::Failed { retry: false, .. }
    ));
}

#[tokio::test]
async fn an_email_hand_off_goes_through_the_outbox_to_the_smtp_server() {
    let store: Arc<dyn Store> = Arc::new(SledStore::temporary().unwrap());
    let (port, sessions) = fake_smtp("250 OK").await;
    let entry = queued(
        store.as_ref(),
        Channel::Email {
            to: "marie@atelier-lumen.test".into(),
        },
    );
    let done = send_due(store.clone(), &sender(Some(smtp(port))), at())
        .await
        .unwrap();
    assert!(
        matches!(&done[0].state, SendState::Sent { remote_id, .. } if remote_id.starts_with("SMTP 250")),
        "{:?}",
        done[0].state
    );
    let sessions = sessions.lock().unwrap().clone();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].rcpt_to, ["<marie@atelier-lumen.test>"]);
    assert!(
        sessions[0].data.contains("Jean Dupont"),
        "{}",
        sessions[0].data
    );
    assert!(matches!(
        state_of(store.as_ref(), entry.id),
        SendState::Sent { .. }
    ));
}

#[tokio::test]
async fn an_email_hand_off_without_a_usable_smtp_server_says_why() {
    let store: Arc<dyn Store> = Arc::new(SledStore::temporary().unwrap());
    queued(
        store.as_ref(),
        Channel::Email {
            to: "marie@x.test".into(),
        },
    );
    let broken = HandoffSender {
        smtp: Some(Err(
            "SMTP password: the environment variable PW is not set".into()
        )),
        ..sender(None)
    };
    let done = send_due(store.clone(), &broken, at()).await.unwrap();
    assert!(
        matches!(&done[0].state, SendState::Failed { retry: false, error } if error.contains("PW is not set"))
    );
    let done = send_due(store.clone(), &sender(None), at()).await.unwrap();
    assert!(done.is_empty(), "failed for good: the user retries it");
}

#[tokio::test]
async fn a_queued_hand_off_survives_a_restart_and_is_then_delivered() {
    let dir = tempfile::tempdir().unwrap();
    let (seen, url) = receiver(&[]).await;
    let id = {
        let store = SledStore::open(dir.path()).unwrap();
        queued(&store, Channel::Webhook { url }).id
        // Dropped, as at a crash or quit, before any attempt.
    };
    let store: Arc<dyn Store> = Arc::new(SledStore::open(dir.path()).unwrap());
    assert_eq!(state_of(store.as_ref(), id), SendState::Pending);
    let done = send_due(store.clone(), &sender(None), at()).await.unwrap();
    assert!(matches!(&done[0].state, SendState::Sent { .. }));
    assert_eq!(seen.seen().len(), 1);
}

#[tokio::test]
async fn network_sends_leave_hand_offs_alone() {
    let store: Arc<dyn Store> = Arc::new(SledStore::temporary().unwrap());
    let entry = queued(
        store.as_ref(),
        Channel::Webhook {
            url: "http://127.0.0.1:9/x".into(),
        },
    );
    // The item's account matches this connector's, yet it is not its to send.
    let conn = crate::networks::mastodon::MastodonConnector::new(
        "http://127.0.0.1:9",
        "atelierlumen",
        "t",
    )
    .unwrap();
    let sent = crate::outbox::send_one(store.clone(), &conn, entry.clone())
        .await
        .unwrap();
    assert_eq!(sent, entry);
    assert_eq!(state_of(store.as_ref(), entry.id), SendState::Pending);
}

#[test]
fn backoff_doubles_from_thirty_seconds_to_an_hour() {
    assert_eq!(backoff(1), Duration::seconds(30));
    assert_eq!(backoff(2), Duration::seconds(60));
    assert_eq!(backoff(4), Duration::seconds(240));
    assert_eq!(backoff(20), Duration::seconds(3_600));
}

#[test]
fn an_order_keeps_its_channel_and_packet_through_the_store_codec() {
    let order = HandoffOrder {
        handoff: super::tests_support::handoff("x"),
        channel: Channel::Command {
            cmd: "notify".into(),
        },
        not_before: Some(at()),
    };
    let action = OutAction::Handoff(Box::new(order));
    let bytes = crate::store::codec::encode(&action).unwrap();
    let back: OutAction = crate::store::codec::decode(&bytes).unwrap();
    assert_eq!(back, action);
}

/// The outbox entry as stored before hand-offs existed.
#[derive(serde::Serialize)]
enum OldAction {
    Reply { text: String },
    Act(crate::networks::connector::Act),
    PrivateReply { text: String },
}

#[derive(serde::Serialize)]
struct OldEntry {
    id: u64,
    item: crate::model::ItemId,
    action: OldAction,
    state: SendState,
    attempts: u32,
    by: String,
    created_at: chrono::DateTime<chrono::Utc>,
    key: String,
}

#[test]
fn entries_stored_before_hand_offs_still_decode() {
    let old = |action| OldEntry {
        id: 7,
        item: item("x").id,
        action,
        state: SendState::Pending,
        attempts: 1,
        by: "camille".into(),
        created_at: at(),
        key: "guichet-7-1".into(),
    };
    let reply = crate::store::codec::encode(&old(OldAction::Reply {
        text: "merci".into(),
    }))
    .unwrap();
    let back: OutboxEntry = crate::store::codec::decode(&reply).unwrap();
    assert_eq!(
        back.action,
        OutAction::Reply {
            text: "merci".into()
        }
    );
    let private =
        crate::store::codec::encode(&old(OldAction::PrivateReply { text: "dm".into() })).unwrap();
    let back: OutboxEntry = crate::store::codec::decode(&private).unwrap();
    assert_eq!(back.action, OutAction::PrivateReply { text: "dm".into() });
    let hide =
        crate::store::codec::encode(&old(OldAction::Act(crate::networks::connector::Act::Hide)))
            .unwrap();
    let back: OutboxEntry = crate::store::codec::decode(&hide).unwrap();
    assert_eq!(
        back.action,
        OutAction::Act(crate::networks::connector::Act::Hide)
    );
}
