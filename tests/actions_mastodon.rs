//! Textless actions through the outbox against the Mastodon sandbox:
//! favourite and unfavourite, block and mute the author, delete our own
//! reply, each read back from the instance's API and from the stored item;
//! what Mastodon cannot do is refused, and an expired token stops the
//! action instead of retrying it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use guichet::model::{Item, ItemId, Network, Status};
use guichet::networks::connector::{Act, Connector};
use guichet::networks::error::ErrorKind;
use guichet::networks::mastodon::MastodonConnector;
use guichet::outbox::{OutAction, OutboxEntry, SendState, send_due};
use guichet::sandbox::{Sandbox, mastodon::TOKEN};
use guichet::store::{SledStore, Store};
use guichet::sync::sync_once;
use serde_json::Value;

const ME: &str = "atelierlumen@piaille.fr";

struct World {
    sandbox: Sandbox,
    store: Arc<dyn Store>,
    conn: MastodonConnector,
}

async fn world() -> World {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 23, 12, 0, 0)
        .single()
        .unwrap();
    let sandbox = Sandbox::start(&[(Network::Mastodon, ME)], &guichet::demo::demo_items(now))
        .await
        .unwrap();
    let store: Arc<dyn Store> = Arc::new(SledStore::temporary().unwrap());
    let conn = MastodonConnector::new(&sandbox.base_url(Network::Mastodon), ME, TOKEN).unwrap();
    World {
        sandbox,
        store,
        conn,
    }
}

impl World {
    /// A public mention from `acct`, synced; its item id.
    async fn mention(&self, acct: &str, text: &str) -> ItemId {
        let native = self.sandbox.mastodon.mention(acct, text, false);
        sync_once(self.store.clone(), &self.conn, 500)
            .await
            .unwrap();
        self.id(&native)
    }

    fn id(&self, native: &str) -> ItemId {
        format!("mastodon:{ME}:{native}").parse().unwrap()
    }

    fn item(&self, id: &ItemId) -> Item {
        self.store.find(id).unwrap().expect("stored").1
    }

    /// Queues `action` on `id` and sends what is due; the entry after.
    async fn send(&self, id: &ItemId, action: OutAction) -> OutboxEntry {
        let entry = self.store.enqueue(id, action, "camille").unwrap();
        let done = send_due(self.store.clone(), &self.conn).await.unwrap();
        done.into_iter()
            .find(|e| e.id == entry.id)
            .expect("the entry was due")
    }

    /// `GET` on the instance's API, as another client reads it back.
    async fn read_back(&self, path: &str) -> (u16, Value) {
        let url = format!("{}{path}", self.sandbox.base_url(Network::Mastodon));
        let resp = reqwest::Client::new()
            .get(&url)
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap();
        let code = resp.status().as_u16();
        (code, resp.json().await.unwrap())
    }
}

fn native(id: &ItemId) -> &str {
    id.as_str().rsplit(':').next().unwrap()
}

fn assert_sent(entry: &OutboxEntry) -> String {
    match &entry.state {
        SendState::Sent { remote_id, .. } => remote_id.clone(),
        other => panic!("expected sent, got {other:?}"),
    }
}

/// Refused for good, with `words` in the reason.
fn assert_refused(entry: &OutboxEntry, words: &str) {
    match &entry.state {
        SendState::Failed {
            retry: false,
            error,
        } => assert!(error.contains(words), "{error}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn favourite_then_unfavourite_reads_back_on_the_instance_and_the_item() {
    let w = world().await;
    let id = w.mention("fan@mastodon.social", "Superbe bougie !").await;
    let path = format!("/api/v1/statuses/{}", native(&id));
    assert!(!w.item(&id).remote.moderation.liked);

    let remote = assert_sent(&w.send(&id, OutAction::Act(Act::Like)).await);
    assert_eq!(remote, native(&id), "the favourited status");
    let (code, status) = w.read_back(&path).await;
    assert_eq!(code, 200);
    assert_eq!(status["favourited"], true);
    assert_eq!(status["favourites_count"], 1);
    let item = w.item(&id);
    assert!(item.remote.moderation.liked);
    assert!(
        w.store
            .audit(5)
            .unwrap()
            .iter()
            .any(|a| a.what == "like sent"),
        "audited"
    );
    // A second like (an uncertain attempt sent again) changes nothing.
    assert_sent(&w.send(&id, OutAction::Act(Act::Like)).await);
    assert_eq!(w.read_back(&path).await.1["favourites_count"], 1);

    assert_sent(&w.send(&id, OutAction::Act(Act::Unlike)).await);
    let (_, status) = w.read_back(&path).await;
    assert_eq!(status["favourited"], false);
    assert_eq!(status["favourites_count"], 0);
    assert!(!w.item(&id).remote.moderation.liked);
}

#[tokio::test]
async fn block_and_mute_read_back_through_relationships() {
    let w = world().await;
    let troll = w.mention("troll@spam.example", "🔥 followers!!!").await;
    let noisy = w.mention("noisy@mastodon.social", "encore moi").await;
    let troll_account = w.item(&troll).remote.author.id;
    let noisy_account = w.item(&noisy).remote.author.id;
    assert!(!troll_account.is_empty() && troll_account != noisy_account);

    let blocked = assert_sent(&w.send(&troll, OutAction::Act(Act::Block)).await);
    assert_eq!(blocked, troll_account, "the relationship's account");
    assert_sent(&w.send(&noisy, OutAction::Act(Act::Mute)).await);

    let (code, list) = w
        .read_back(&format!(
            "/api/v1/accounts/relationships?id[]={troll_account}&id[]={noisy_account}"
        ))
        .await;
    assert_eq!(code, 200);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    let of = |id: &str| list.iter().find(|r| r["id"] == id).unwrap();
    assert_eq!(of(&troll_account)["blocking"], true);
    assert_eq!(of(&troll_account)["muting"], false);
    assert_eq!(of(&noisy_account)["muting"], true);
    assert_eq!(of(&noisy_account)["muting_notifications"], true);
    assert_eq!(of(&noisy_account)["blocking"], false);

    // What they post next no longer reaches the inbox.
    let m = &w.sandbox.mastodon;
    m.mention("troll@spam.example", "again", false);
    m.mention("noisy@mastodon.social", "again", false);
    let report = sync_once(w.store.clone(), &w.conn, 500).await.unwrap();
    assert_eq!(report.summary.new, 0);
}

#[tokio::test]
async fn deleting_our_own_reply_removes_it_and_marks_the_item() {
    let w = world().await;
    let question = w
        .mention("client@mastodon.social", "Livrez-vous le dimanche ?")
        .await;
    let reply = assert_sent(
        &w.send(
            &question,
            OutAction::Reply {
                text: "Oui, dès 9 h.".into(),
            },
        )
        .await,
    );
    // Our reply as an item (how the app keeps a status of ours).
    let ours = w.conn.status(&reply).await.unwrap();
    assert!(ours.remote.from_us);
    let ours_id = ours.id.clone();
    w.store.ingest(vec![ours]).unwrap();
    let path = format!("/api/v1/statuses/{reply}");
    assert_eq!(w.read_back(&path).await.0, 200);

    let deleted = assert_sent(&w.send(&ours_id, OutAction::Act(Act::Delete)).await);
    assert_eq!(deleted, reply);
    let (code, body) = w.read_back(&path).await;
    assert_eq!(code, 404);
    assert_eq!(body["error"], "Record not found");
    let item = w.item(&ours_id);
    assert!(item.remote.moderation.deleted);
    assert_eq!(item.local.status, Status::Done);
    let (_, context) = w
        .read_back(&format!("/api/v1/statuses/{}/context", native(&question)))
        .await;
    assert_eq!(context["descendants"].as_array().unwrap().len(), 0);
    let (_, parent) = w
        .read_back(&format!("/api/v1/statuses/{}", native(&question)))
        .await;
    assert_eq!(parent["replies_count"], 0);

    // Deleted again (an uncertain attempt): already gone is done.
    assert_sent(&w.send(&ours_id, OutAction::Act(Act::Delete)).await);
}

#[tokio::test]
async fn what_mastodon_cannot_do_is_refused_and_leaves_the_status() {
    let w = world().await;
    let id = w.mention("someone@mastodon.social", "Bonjour").await;
    let path = format!("/api/v1/statuses/{}", native(&id));
    // Someone else's status: Mastodon deletes only ours.
    assert_refused(
        &w.send(&id, OutAction::Act(Act::Delete)).await,
        "only our own",
    );
    assert_eq!(w.read_back(&path).await.0, 200);
    assert!(!w.item(&id).remote.moderation.deleted);
    // No hide on Mastodon.
    for act in [Act::Hide, Act::Unhide] {
        assert_refused(&w.send(&id, OutAction::Act(act)).await, act.as_str());
    }
    assert!(!w.item(&id).remote.moderation.hidden);
    assert!(
        send_due(w.store.clone(), &w.conn).await.unwrap().is_empty(),
        "refusals wait for the user"
    );
}

#[tokio::test]
async fn an_expired_token_during_an_action_is_reported_not_retried() {
    let w = world().await;
    let id = w.mention("fan@mastodon.social", "Merci !").await;
    w.sandbox.mastodon.expire_token(true);

    let direct = w.conn.act(&w.item(&id), Act::Like, "k").await.unwrap_err();
    assert_eq!(direct.kind, ErrorKind::AuthExpired, "{direct}");

    let started = std::time::Instant::now();
    let entry = w.send(&id, OutAction::Act(Act::Like)).await;
    assert_refused(&entry, "expired");
    assert_eq!(entry.attempts, 1, "tried once");
    assert!(started.elapsed().as_secs() < 5);
    assert!(
        send_due(w.store.clone(), &w.conn).await.unwrap().is_empty(),
        "not retried until someone logs in again"
    );
    assert!(!w.item(&id).remote.moderation.liked);

    w.sandbox.mastodon.expire_token(false);
    let (_, status) = w
        .read_back(&format!("/api/v1/statuses/{}", native(&id)))
        .await;
    assert_eq!(status["favourited"], false, "nothing reached the instance");
}
