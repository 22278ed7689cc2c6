//! The outbox against the Mastodon sandbox: a reply is stored before it is
//! sent, sent once, confirmed with its remote id, retried when the network
//! stumbles, given up when the network refuses, and never duplicated after
//! an uncertain attempt.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use guichet::model::{ItemId, Network, Status};
use guichet::networks::connector::Connector;
use guichet::networks::mastodon::MastodonConnector;
use guichet::outbox::{OutAction, SendState, send_due};
use guichet::sandbox::{Fault, Sandbox, mastodon::TOKEN};
use guichet::store::{SledStore, Store};
use guichet::sync::sync_once;

mod common;

const ME: &str = "atelierlumen@piaille.fr";

async fn setup() -> (Sandbox, Arc<dyn Store>, MastodonConnector, ItemId) {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 23, 12, 0, 0)
        .single()
        .unwrap();
    let sandbox = Sandbox::start(&[(Network::Mastodon, ME)], &guichet::demo::demo_items(now))
        .await
        .unwrap();
    let store: Arc<dyn Store> = Arc::new(SledStore::temporary().unwrap());
    let conn = MastodonConnector::new(&sandbox.base_url(Network::Mastodon), ME, TOKEN).unwrap();
    let native =
        sandbox
            .mastodon
            .mention("client@mastodon.social", "Ma commande est en retard", false);
    sync_once(store.clone(), &conn, 500).await.unwrap();
    let id: ItemId = format!("mastodon:{ME}:{native}").parse().unwrap();
    (sandbox, store, conn, id)
}

fn replies_to(sandbox: &Sandbox, id: &ItemId) -> Vec<String> {
    let native = id.as_str().rsplit(':').next().unwrap().to_string();
    sandbox
        .mastodon
        .posted_by_us()
        .into_iter()
        .filter(|(_, parent, _)| parent.as_deref() == Some(native.as_str()))
        .map(|(_, _, text)| text)
        .collect()
}

#[tokio::test]
async fn a_queued_reply_is_sent_once_and_marks_the_item_answered() {
    let (sandbox, store, conn, id) = setup().await;
    let entry = store
        .enqueue(
            &id,
            OutAction::Reply {
                text: "Bonjour, nous regardons tout de suite.".into(),
            },
            "camille",
        )
        .unwrap();
    assert_eq!(entry.state, SendState::Pending);
    assert_eq!(
        store.outbox().unwrap().len(),
        1,
        "stored before any attempt"
    );

    let done = send_due(store.clone(), &conn).await.unwrap();
    assert!(matches!(&done[0].state, SendState::Sent { remote_id, .. } if !remote_id.is_empty()));
    assert_eq!(
        replies_to(&sandbox, &id),
        vec!["@client@mastodon.social Bonjour, nous regardons tout de suite."]
    );
    let (_, item) = store.find(&id).unwrap().unwrap();
    assert_eq!(item.local.status, Status::Answered);
    let audit: Vec<String> = store
        .audit(5)
        .unwrap()
        .into_iter()
        .map(|a| a.what)
        .collect();
    assert!(
        audit.contains(&"reply queued".to_string())
            && audit.contains(&"status answered".to_string()),
        "{audit:?}"
    );

    assert!(
        send_due(store.clone(), &conn).await.unwrap().is_empty(),
        "a sent entry is not sent again"
    );
    assert_eq!(replies_to(&sandbox, &id).len(), 1);
}

#[tokio::test]
async fn an_uncertain_attempt_is_checked_before_resending() {
    let (sandbox, store, conn, id) = setup().await;
    let mut entry = store
        .enqueue(
            &id,
            OutAction::Reply {
                text: "Merci, c'est noté.".into(),
            },
            "camille",
        )
        .unwrap();
    // The request left, then guichet died before recording the answer.
    let (_, item) = store.find(&id).unwrap().unwrap();
    let posted = conn
        .reply(&item, "Merci, c'est noté.", "another-key")
        .await
        .unwrap();
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
        replies_to(&sandbox, &id).len(),
        1,
        "found on the network, not posted twice"
    );
}

#[tokio::test]
async fn transient_failures_retry_and_refusals_stop() {
    let (sandbox, store, conn, id) = setup().await;
    store
        .enqueue(
            &id,
            OutAction::Reply {
                text: "On s'en occupe.".into(),
            },
            "camille",
        )
        .unwrap();
    for _ in 0..4 {
        sandbox.mastodon.faults.push(Fault::ServerError);
    }
    let done = send_due(store.clone(), &conn).await.unwrap();
    assert!(
        matches!(&done[0].state, SendState::Failed { retry: true, .. }),
        "{:?}",
        done[0].state
    );
    let done = send_due(store.clone(), &conn).await.unwrap();
    assert!(
        matches!(&done[0].state, SendState::Sent { .. }),
        "{:?}",
        done[0].state
    );
    assert_eq!(replies_to(&sandbox, &id).len(), 1);

    store
        .enqueue(
            &id,
            OutAction::Reply {
                text: "x".repeat(600),
            },
            "camille",
        )
        .unwrap();
    let done = send_due(store.clone(), &conn).await.unwrap();
    match &done[0].state {
        SendState::Failed {
            retry: false,
            error,
        } => assert!(
            error.contains("500"),
            "the network's reason is kept: {error}"
        ),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(
        send_due(store.clone(), &conn).await.unwrap().is_empty(),
        "a refused reply waits for the user"
    );
}

#[tokio::test]
async fn the_outbox_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let id: ItemId = format!("mastodon:{ME}:123").parse().unwrap();
    {
        let store = common::reopen(dir.path()).unwrap();
        store
            .enqueue(
                &id,
                OutAction::Reply {
                    text: "hello".into(),
                },
                "camille",
            )
            .unwrap();
    }
    let store = common::reopen(dir.path()).unwrap();
    let entries = store.outbox().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].state, SendState::Pending);
    assert!(entries[0].is_due());
}

/// `GET` on the sandbox's API, as another client would read it back.
async fn read_back(sandbox: &Sandbox, path: &str) -> (u16, serde_json::Value) {
    let url = format!("{}{path}", sandbox.base_url(Network::Mastodon));
    let resp = reqwest::Client::new()
        .get(&url)
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

#[tokio::test]
async fn a_direct_reply_reaches_everyone_in_the_conversation() {
    let (sandbox, store, conn, _) = setup().await;
    let m = &sandbox.mastodon;
    // Bo is known to the instance; Ana writes to us and to Bo.
    m.mention("bo@mamot.fr", "bonjour", false);
    let dm = m.dm(
        "ana@framapiaf.org",
        "@atelierlumen @bo@mamot.fr on peut passer samedi ?",
        None,
    );
    sync_once(store.clone(), &conn, 500).await.unwrap();
    let id: ItemId = format!("mastodon:{ME}:{dm}").parse().unwrap();
    let (_, item) = store.find(&id).unwrap().unwrap();
    assert_eq!(item.remote.kind, guichet::model::Kind::DirectMessage);

    let text = "Oui, de 10 h à 18 h.";
    store
        .enqueue(&id, OutAction::Reply { text: text.into() }, "camille")
        .unwrap();
    let done = send_due(store.clone(), &conn).await.unwrap();
    let SendState::Sent { remote_id, .. } = &done[0].state else {
        panic!("{:?}", done[0].state);
    };

    let (code, conversations) = read_back(&sandbox, "/api/v1/conversations").await;
    assert_eq!(code, 200);
    let conversation = conversations
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["last_status"]["id"] == remote_id.as_str())
        .expect("the reply is the conversation's last status");
    let last = &conversation["last_status"];
    assert_eq!(last["visibility"], "direct");
    assert_eq!(last["in_reply_to_id"], dm.as_str());
    let mentioned: Vec<&str> = last["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["acct"].as_str().unwrap())
        .collect();
    assert_eq!(mentioned, vec!["ana@framapiaf.org", "bo@mamot.fr"]);
    let mut participants: Vec<&str> = conversation["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["acct"].as_str().unwrap())
        .collect();
    participants.sort_unstable();
    assert_eq!(
        participants,
        vec!["ana@framapiaf.org", "bo@mamot.fr"],
        "the conversation Ana started, not a new one"
    );
    assert_eq!(
        conversations
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["accounts"].as_array().unwrap().len() == 2)
            .count(),
        1
    );

    let (_, item) = store.find(&id).unwrap().unwrap();
    assert_eq!(item.local.status, Status::Answered);
    // Found again before any resend, and our reply is not an inbox item.
    assert_eq!(
        conn.find_reply(&item, text).await.unwrap().as_deref(),
        Some(remote_id.as_str())
    );
    let report = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert_eq!(report.summary.new, 0, "{report:?}");
}
