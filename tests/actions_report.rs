//! Mark spam and report through the outbox against the sandboxes, read
//! back from what each network kept: Mastodon's `POST /api/v1/reports`
//! (spam is the `spam` category), Bluesky's `createReport` sent to the
//! labeler with a strong ref (a DM reports its author's account),
//! Facebook's `MOVE_TO_SPAM` for a Messenger conversation; each sandbox
//! validates as the network does. A confirmed spam marks the item done; a
//! confirmed report is recorded on the item with its category.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use chrono::Utc;
use guichet::demo::account;
use guichet::model::{Item, ItemId, Kind, Network, Status};
use guichet::networks::bluesky::BlueskyConnector;
use guichet::networks::connector::{Act, Connector};
use guichet::networks::facebook::FacebookConnector;
use guichet::networks::mastodon::MastodonConnector;
use guichet::networks::report::{Report, ReportReason};
use guichet::outbox::{OutAction, OutboxEntry, SendState, send_due};
use guichet::sandbox::Sandbox;
use guichet::store::{SledStore, Store};
use guichet::sync::sync_once;
use serde_json::{Value, json};

async fn world() -> (Sandbox, Arc<dyn Store>) {
    let sandbox = Sandbox::start(&guichet::demo::accounts(), &[])
        .await
        .unwrap();
    let store: Arc<dyn Store> = Arc::new(SledStore::temporary().unwrap());
    (sandbox, store)
}

fn mastodon(sandbox: &Sandbox) -> MastodonConnector {
    let base = sandbox.base_url(Network::Mastodon);
    let me = account(Network::Mastodon);
    MastodonConnector::new(&base, me, guichet::sandbox::mastodon::TOKEN).unwrap()
}

fn bluesky(sandbox: &Sandbox) -> BlueskyConnector {
    let base = sandbox.base_url(Network::Bluesky);
    let password = guichet::sandbox::bluesky::APP_PASSWORD;
    BlueskyConnector::new(&base, account(Network::Bluesky), password).unwrap()
}

/// The synced item of `network` whose text is `text`.
async fn synced<C: Connector>(store: &Arc<dyn Store>, conn: &C, text: &str) -> Item {
    sync_once(store.clone(), conn, 500).await.unwrap();
    let rows = store.rows().unwrap();
    rows.rows
        .iter()
        .filter(|r| r.network == conn.network())
        .map(|r| store.get(r.seq).unwrap().unwrap())
        .find(|i| i.remote.text.contains(text))
        .expect("synced")
}

/// Queues `action` on `id`, runs the outbox once; the entry after.
async fn send<C: Connector>(
    store: &Arc<dyn Store>,
    conn: &C,
    id: &ItemId,
    action: OutAction,
) -> OutboxEntry {
    let entry = store.enqueue(id, action, "camille").unwrap();
    let done = send_due(store.clone(), conn).await.unwrap();
    done.into_iter().find(|e| e.id == entry.id).expect("due")
}

fn sent(entry: &OutboxEntry) -> String {
    match &entry.state {
        SendState::Sent { remote_id, .. } => remote_id.clone(),
        other => panic!("expected sent, got {other:?}"),
    }
}

fn refused(entry: &OutboxEntry) -> String {
    match &entry.state {
        SendState::Failed {
            retry: false,
            error,
        } => error.clone(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn audited(store: &Arc<dyn Store>, what: &str) -> bool {
    store.audit(20).unwrap().iter().any(|a| a.what == what)
}

fn item(store: &Arc<dyn Store>, id: &ItemId) -> Item {
    store.find(id).unwrap().unwrap().1
}

/// A raw POST with a bearer token and optional extra header.
async fn post(url: &str, token: Option<&str>, header: Option<(&str, &str)>, body: Value) -> u16 {
    let mut req = reqwest::Client::new().post(url).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some((k, v)) = header {
        req = req.header(k, v);
    }
    req.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn mastodon_report_reaches_the_instance_with_its_category_and_comment() {
    let (sandbox, store) = world().await;
    let conn = mastodon(&sandbox);
    let native =
        sandbox
            .mastodon
            .mention("troll@mastodon.social", "Vos bougies sont nulles", false);
    let it = synced(&store, &conn, "bougies sont nulles").await;
    let report = Report::new(ReportReason::Violation, "Harcèlement répété");
    let entry = send(&store, &conn, &it.id, OutAction::Report(report)).await;
    let id = sent(&entry);

    let filed = sandbox.mastodon.reports();
    assert_eq!(filed.len(), 1);
    assert_eq!(filed[0]["id"], id.as_str());
    assert_eq!(filed[0]["category"], "violation");
    assert_eq!(filed[0]["comment"], "Harcèlement répété");
    assert_eq!(filed[0]["status_ids"], json!([native]));
    assert_eq!(filed[0]["target_account"]["acct"], "troll@mastodon.social");
    assert!(audited(
        &store,
        "report sent (violation: \"Harcèlement répété\")"
    ));
    assert_ne!(item(&store, &it.id).local.status, Status::Done);

    // Spam is a report in the spam category, and the item is then done.
    let entry = send(&store, &conn, &it.id, OutAction::Act(Act::Spam)).await;
    sent(&entry);
    let filed = sandbox.mastodon.reports();
    assert_eq!(filed.len(), 2);
    assert_eq!(filed[1]["category"], "spam");
    assert_eq!(item(&store, &it.id).local.status, Status::Done);
    assert!(audited(&store, "spam sent"));

    // Too long for the instance: refused before sending.
    let long = Report::new(ReportReason::Other, &"x".repeat(1001));
    let entry = send(&store, &conn, &it.id, OutAction::Report(long)).await;
    assert!(refused(&entry).contains("at most 1000 characters"));
    assert_eq!(sandbox.mastodon.reports().len(), 2);
}

#[tokio::test]
async fn mastodon_sandbox_validates_reports_as_an_instance_does() {
    let (sandbox, _store) = world().await;
    let token = Some(guichet::sandbox::mastodon::TOKEN);
    let url = format!("{}/api/v1/reports", sandbox.base_url(Network::Mastodon));
    let troll = sandbox
        .mastodon
        .mention("troll@mastodon.social", "spam", false);
    let fan = sandbox
        .mastodon
        .mention("fan@mastodon.social", "merci", false);
    let account = sandbox
        .mastodon
        .account_id("troll@mastodon.social")
        .unwrap();
    let ok = json!({ "account_id": account, "status_ids": [troll], "category": "spam" });
    assert_eq!(post(&url, None, None, ok.clone()).await, 401);
    let unknown = json!({ "account_id": "999999", "category": "spam" });
    assert_eq!(post(&url, token, None, unknown).await, 404);
    let not_theirs = json!({ "account_id": account, "status_ids": [fan] });
    assert_eq!(post(&url, token, None, not_theirs).await, 404);
    let bad = json!({ "account_id": account, "category": "rude" });
    assert_eq!(post(&url, token, None, bad).await, 422);
    let long = json!({ "account_id": account, "comment": "x".repeat(1001) });
    assert_eq!(post(&url, token, None, long).await, 422);
    assert!(sandbox.mastodon.reports().is_empty(), "nothing kept");
    assert_eq!(post(&url, token, None, ok).await, 200);
    assert_eq!(sandbox.mastodon.reports()[0]["category"], "spam");
}

#[tokio::test]
async fn bluesky_report_sends_a_strong_ref_to_the_labeler() {
    let (sandbox, store) = world().await;
    let conn = bluesky(&sandbox);
    let uri = sandbox
        .bluesky
        .mention("faux.bsky.social", "Concours : cliquez ici", None);
    let it = synced(&store, &conn, "Concours").await;
    assert_eq!(it.remote.native_id, uri);
    let report = Report::new(ReportReason::Misleading, "faux concours");
    let id = sent(&send(&store, &conn, &it.id, OutAction::Report(report)).await);

    let filed = sandbox.bluesky.reports();
    assert_eq!(filed.len(), 1);
    assert_eq!(filed[0]["id"].to_string(), id);
    assert_eq!(
        filed[0]["reasonType"],
        "com.atproto.moderation.defs#reasonMisleading"
    );
    assert_eq!(filed[0]["reason"], "faux concours");
    assert_eq!(filed[0]["subject"]["$type"], "com.atproto.repo.strongRef");
    assert_eq!(filed[0]["subject"]["uri"], uri.as_str());
    assert!(
        filed[0]["subject"]["cid"]
            .as_str()
            .is_some_and(|c| !c.is_empty())
    );
    assert_eq!(filed[0]["reportedBy"], sandbox.bluesky.did().as_str());
    assert!(audited(
        &store,
        "report sent (misleading: \"faux concours\")"
    ));

    // Spam: reasonSpam, and the item is done.
    sent(&send(&store, &conn, &it.id, OutAction::Act(Act::Spam)).await);
    let filed = sandbox.bluesky.reports();
    assert_eq!(
        filed[1]["reasonType"],
        "com.atproto.moderation.defs#reasonSpam"
    );
    assert!(filed[1].get("reason").is_none(), "no comment sent");
    assert_eq!(item(&store, &it.id).local.status, Status::Done);
}

#[tokio::test]
async fn bluesky_spam_on_a_dm_reports_the_authors_account() {
    let (sandbox, store) = world().await;
    let conn = bluesky(&sandbox);
    sandbox
        .bluesky
        .dm("promo.bsky.social", "Achetez des abonnés pas chers");
    let it = synced(&store, &conn, "abonnés pas chers").await;
    assert_eq!(it.remote.kind, Kind::DirectMessage);
    sent(&send(&store, &conn, &it.id, OutAction::Act(Act::Spam)).await);
    let filed = sandbox.bluesky.reports();
    assert_eq!(filed.len(), 1);
    assert_eq!(
        filed[0]["subject"]["$type"],
        "com.atproto.admin.defs#repoRef"
    );
    assert_eq!(filed[0]["subject"]["did"], it.remote.author.id.as_str());
    assert!(it.remote.author.id.starts_with("did:"));
}

#[tokio::test]
async fn bluesky_sandbox_validates_reports_as_the_pds_does() {
    let (sandbox, _store) = world().await;
    let base = sandbox.base_url(Network::Bluesky);
    let uri = sandbox.bluesky.mention("x.bsky.social", "hello", None);
    let http = reqwest::Client::new();
    let session: Value = http
        .post(format!("{base}/xrpc/com.atproto.server.createSession"))
        .json(&json!({
            "identifier": account(Network::Bluesky),
            "password": guichet::sandbox::bluesky::APP_PASSWORD,
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = session["accessJwt"].as_str();
    let url = format!("{base}/xrpc/com.atproto.moderation.createReport");
    let labeler = Some(("atproto-proxy", guichet::sandbox::bluesky::LABELER_PROXY));
    let spam = "com.atproto.moderation.defs#reasonSpam";
    let did = json!({ "$type": "com.atproto.admin.defs#repoRef", "did": "did:plc:abc" });
    let body = |reason: &str, subject: Value| json!({ "reasonType": reason, "subject": subject });
    assert_eq!(
        post(&url, None, labeler, body(spam, did.clone())).await,
        401
    );
    let elsewhere = Some(("atproto-proxy", "did:web:example.com#atproto_labeler"));
    assert_eq!(
        post(&url, token, elsewhere, body(spam, did.clone())).await,
        400
    );
    assert_eq!(
        post(&url, token, labeler, body("rude", did.clone())).await,
        400
    );
    let wrong_cid =
        json!({ "$type": "com.atproto.repo.strongRef", "uri": uri, "cid": "bafy-wrong" });
    assert_eq!(post(&url, token, labeler, body(spam, wrong_cid)).await, 400);
    let long = json!({ "reasonType": spam, "subject": did, "reason": "é".repeat(2001) });
    assert_eq!(post(&url, token, labeler, long).await, 400);
    assert_eq!(
        post(&url, token, labeler, json!({ "reasonType": spam })).await,
        400
    );
    assert!(sandbox.bluesky.reports().is_empty(), "nothing kept");
    assert_eq!(post(&url, token, labeler, body(spam, did)).await, 200);
    assert_eq!(sandbox.bluesky.reports().len(), 1);
}

#[tokio::test]
async fn facebook_spam_moves_a_messenger_conversation_to_the_spam_folder() {
    let (sandbox, store) = world().await;
    let base = sandbox.base_url(Network::Facebook);
    let page = guichet::sandbox::facebook::PAGE_ID;
    let token = guichet::sandbox::facebook::TOKEN;
    let conn =
        FacebookConnector::new(&base, account(Network::Facebook), page, token, false).unwrap();
    let psid = "2233445566778899";
    sandbox
        .facebook
        .message((psid, "Promo"), "Gagnez un iPhone ici", Utc::now());
    let it = synced(&store, &conn, "Gagnez un iPhone").await;
    assert_eq!(it.remote.kind, Kind::DirectMessage);
    assert_eq!(
        sent(&send(&store, &conn, &it.id, OutAction::Act(Act::Spam)).await),
        psid
    );
    assert!(sandbox.facebook.moderation(psid).contains("MOVE_TO_SPAM"));
    assert_eq!(item(&store, &it.id).local.status, Status::Done);

    // The inbox folder no longer lists it; the spam folder does.
    let list = |folder: &'static str| {
        let url = format!(
            "{base}/v23.0/{page}/conversations?platform=messenger&folder={folder}&access_token={token}"
        );
        async move {
            let body: Value = reqwest::get(url).await.unwrap().json().await.unwrap();
            body["data"].as_array().map_or(0, Vec::len)
        }
    };
    assert_eq!(list("inbox").await, 0);
    assert_eq!(list("spam").await, 1);

    // Unknown actions are Graph error 100, and nothing changes.
    let url = format!("{base}/v23.0/{page}/moderate_conversations");
    let bad = json!({ "user_ids": ["1"], "actions": ["DELETE_USER"] });
    assert_eq!(post(&url, Some(token), None, bad).await, 400);
    assert!(sandbox.facebook.moderation("1").is_empty());
}
