#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Bluesky writes through the outbox against the sandbox PDS: likes and
//! unlikes, hiding replies through the root's thread gate (its `allow`
//! rule kept exactly), blocks, mutes, deleting our own post, and chat
//! replies sent with the `atproto-proxy` header (or refused when the app
//! password has no DM access), and a malformed DM skipped by the sync. Every write is read back
//! from the server, and the stored item's moderation is checked.

mod common;

use std::sync::Arc;

use chrono::Utc;
use guichet::model::{Item, ItemId, Kind, Network, Status};
use guichet::networks::bluesky::BlueskyConnector;
use guichet::networks::capabilities::{Capability, Target, capabilities};
use guichet::networks::connector::{Act, Connector};
use guichet::networks::error::ErrorKind;
use guichet::outbox::{OutAction, OutboxEntry, SendState, send_due};
use guichet::sandbox::bluesky::{self, APP_PASSWORD, Bluesky, CHAT_PROXY};
use guichet::store::{SledStore, Store};
use guichet::sync::sync_once;
use serde_json::{Value, json};

const ME: &str = "atelierlumen.bsky.social";

struct Server {
    pds: Bluesky,
    base: String,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn serve(pds: Bluesky) -> Server {
    let app = axum::Router::new().nest("/bluesky", bluesky::router(pds.clone()));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let base = format!("http://{}/bluesky", listener.local_addr().unwrap());
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
        pds,
        base,
        _stop: stop,
    }
}

async fn setup() -> (Server, Arc<dyn Store>, BlueskyConnector) {
    let server = serve(Bluesky::new(ME)).await;
    let store: Arc<dyn Store> = Arc::new(SledStore::temporary().unwrap());
    let conn = BlueskyConnector::new(&server.base, ME, APP_PASSWORD).unwrap();
    (server, store, conn)
}

fn id(native: &str) -> ItemId {
    ItemId::new(Network::Bluesky, ME, native)
}

async fn synced(store: &Arc<dyn Store>, conn: &BlueskyConnector, native: &str) -> Item {
    sync_once(store.clone(), conn, 500).await.unwrap();
    store.find(&id(native)).unwrap().expect("synced").1
}

/// Queues `action` on the item and runs the outbox once.
async fn send(
    store: &Arc<dyn Store>,
    conn: &BlueskyConnector,
    native: &str,
    action: OutAction,
) -> OutboxEntry {
    store.enqueue(&id(native), action, "camille").unwrap();
    let mut done = send_due(store.clone(), conn).await.unwrap();
    assert_eq!(done.len(), 1, "{done:?}");
    done.remove(0)
}

fn sent_id(entry: &OutboxEntry) -> String {
    match &entry.state {
        SendState::Sent { remote_id, .. } => remote_id.clone(),
        other => panic!("expected sent, got {other:?}"),
    }
}

fn refused(entry: &OutboxEntry) -> String {
    match &entry.state {
        SendState::Failed {
            error,
            retry: false,
        } => error.clone(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn stored(store: &Arc<dyn Store>, native: &str) -> Item {
    store.find(&id(native)).unwrap().unwrap().1
}

/// A raw XRPC GET with a fresh session, `proxy` as the `atproto-proxy`.
async fn xrpc(
    server: &Server,
    nsid: &str,
    query: &[(&str, &str)],
    proxy: Option<&str>,
) -> (u16, Value) {
    let http = reqwest::Client::new();
    let session: Value = http
        .post(format!(
            "{}/xrpc/com.atproto.server.createSession",
            server.base
        ))
        .json(&json!({ "identifier": ME, "password": APP_PASSWORD }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut req = http
        .get(format!("{}/xrpc/{nsid}", server.base))
        .query(query)
        .bearer_auth(session["accessJwt"].as_str().unwrap());
    if let Some(p) = proxy {
        req = req.header("atproto-proxy", p);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn like_then_unlike_reads_back_and_sets_moderation() {
    let (server, store, conn) = setup().await;
    let uri = server
        .pds
        .mention("fan.bsky.social", "J'adore la bougie Figue", None);
    let item = synced(&store, &conn, &uri).await;
    assert!(!item.remote.moderation.liked);
    assert_eq!(server.pds.like_of(&uri), (None, 0));

    let entry = send(&store, &conn, &uri, OutAction::Act(Act::Like)).await;
    let like = sent_id(&entry);
    assert!(
        like.starts_with(&format!("at://{}/app.bsky.feed.like/", server.pds.did())),
        "{like}"
    );
    assert_eq!(server.pds.like_of(&uri), (Some(like.clone()), 1));
    assert!(stored(&store, &uri).remote.moderation.liked);
    let (status, posts) = xrpc(&server, "app.bsky.feed.getPosts", &[("uris", &uri)], None).await;
    assert_eq!(status, 200);
    assert_eq!(posts["posts"][0]["viewer"]["like"], like.as_str());
    assert_eq!(posts["posts"][0]["likeCount"], 1);

    // A second like is the same like (viewer.like is read first).
    let again = send(&store, &conn, &uri, OutAction::Act(Act::Like)).await;
    assert_eq!(sent_id(&again), like);
    assert_eq!(server.pds.like_of(&uri).1, 1);

    let entry = send(&store, &conn, &uri, OutAction::Act(Act::Unlike)).await;
    assert_eq!(sent_id(&entry), like, "the like record was deleted");
    assert_eq!(server.pds.like_of(&uri), (None, 0));
    assert!(!stored(&store, &uri).remote.moderation.liked);
    let (_, record) = xrpc(
        &server,
        "com.atproto.repo.getRecord",
        &[
            ("repo", &server.pds.did()),
            ("collection", "app.bsky.feed.like"),
            ("rkey", like.rsplit('/').next().unwrap()),
        ],
        None,
    )
    .await;
    assert_eq!(record["error"], "RecordNotFound");
}

/// A root post of ours with one reply from a customer, synced.
async fn reply_under_our_post(
    server: &Server,
    store: &Arc<dyn Store>,
    conn: &BlueskyConnector,
) -> (String, String) {
    let root = server.pds.brand_post("Nouvelle collection d'hiver !");
    let reply = server
        .pds
        .mention("troll.bsky.social", "Nul, et trop cher.", Some(&root));
    let item = synced(store, conn, &reply).await;
    assert_eq!(item.remote.thread_id.as_deref(), Some(root.as_str()));
    (root, reply)
}

#[tokio::test]
async fn hide_then_unhide_keeps_an_existing_allow_rule() {
    let (server, store, conn) = setup().await;
    let (root, reply) = reply_under_our_post(&server, &store, &conn).await;
    let rule = json!([{ "$type": "app.bsky.feed.threadgate#mentionRule" }]);
    server.pds.set_threadgate(&root, Some(rule.clone()), &[]);

    let entry = send(&store, &conn, &reply, OutAction::Act(Act::Hide)).await;
    let rkey = root.rsplit('/').next().unwrap();
    assert_eq!(
        sent_id(&entry),
        format!("at://{}/app.bsky.feed.threadgate/{rkey}", server.pds.did())
    );
    let gate = server.pds.threadgate(&root).unwrap();
    assert_eq!(gate["hiddenReplies"], json!([reply]));
    assert_eq!(gate["allow"], rule, "allow kept exactly");
    assert_eq!(gate["post"], root.as_str());
    assert!(stored(&store, &reply).remote.moderation.hidden);

    // Read back as the AppView and the repo show it.
    let (_, thread) = xrpc(
        &server,
        "app.bsky.feed.getPostThread",
        &[("uri", &root)],
        None,
    )
    .await;
    assert_eq!(
        thread["thread"]["post"]["threadgate"]["record"]["hiddenReplies"],
        json!([reply])
    );
    assert_eq!(thread["threadgate"]["record"]["allow"], rule);
    let (_, record) = xrpc(
        &server,
        "com.atproto.repo.getRecord",
        &[
            ("repo", ME),
            ("collection", "app.bsky.feed.threadgate"),
            ("rkey", rkey),
        ],
        None,
    )
    .await;
    assert_eq!(record["value"]["hiddenReplies"], json!([reply]));
    assert_eq!(record["value"]["allow"], rule);

    let entry = send(&store, &conn, &reply, OutAction::Act(Act::Unhide)).await;
    sent_id(&entry);
    let gate = server.pds.threadgate(&root).unwrap();
    assert_eq!(gate["hiddenReplies"], json!([]));
    assert_eq!(gate["allow"], rule);
    assert!(!stored(&store, &reply).remote.moderation.hidden);
}

#[tokio::test]
async fn hiding_keeps_nobody_as_nobody_and_everyone_as_everyone() {
    let (server, store, conn) = setup().await;
    // `allow: []`: nobody may reply. It must not become "everyone".
    let (root, reply) = reply_under_our_post(&server, &store, &conn).await;
    server.pds.set_threadgate(&root, Some(json!([])), &[]);
    sent_id(&send(&store, &conn, &reply, OutAction::Act(Act::Hide)).await);
    let gate = server.pds.threadgate(&root).unwrap();
    assert_eq!(gate["allow"], json!([]));
    assert_eq!(gate["hiddenReplies"], json!([reply]));

    // No gate yet: the new one has no `allow` (everyone may still reply).
    let (root, reply) = reply_under_our_post(&server, &store, &conn).await;
    assert_eq!(server.pds.threadgate(&root), None);
    sent_id(&send(&store, &conn, &reply, OutAction::Act(Act::Hide)).await);
    let gate = server.pds.threadgate(&root).unwrap();
    assert!(gate.get("allow").is_none(), "{gate}");
    assert_eq!(gate["hiddenReplies"], json!([reply]));
    sent_id(&send(&store, &conn, &reply, OutAction::Act(Act::Unhide)).await);
    let gate = server.pds.threadgate(&root).unwrap();
    assert!(gate.get("allow").is_none(), "{gate}");
    assert_eq!(gate["hiddenReplies"], json!([]));
}

#[tokio::test]
async fn hiding_is_refused_outside_our_own_posts() {
    let (server, store, conn) = setup().await;
    let theirs = server
        .pds
        .mention("ana.bsky.social", "@atelierlumen.bsky.social vu ?", None);
    let reply = server
        .pds
        .mention("bo.bsky.social", "Oui, superbe", Some(&theirs));
    synced(&store, &conn, &reply).await;
    let before = server.pds.calls("com.atproto.repo.putRecord");
    let why = refused(&send(&store, &conn, &reply, OutAction::Act(Act::Hide)).await);
    assert!(why.contains("own posts"), "{why}");
    // A top-level mention has no thread to gate either.
    let why = refused(&send(&store, &conn, &theirs, OutAction::Act(Act::Hide)).await);
    assert!(why.contains("reply"), "{why}");
    assert_eq!(
        server.pds.calls("com.atproto.repo.putRecord"),
        before,
        "nothing sent"
    );
    assert!(!stored(&store, &reply).remote.moderation.hidden);

    // The capability table says the same before anything is tried.
    let caps = capabilities(Network::Bluesky);
    let mut target = Target::new(Kind::Reply, Utc::now());
    target.under_own_post = false;
    assert!(caps.check(Capability::Hide, &target, Utc::now()).is_err());
    target.under_own_post = true;
    assert!(caps.check(Capability::Hide, &target, Utc::now()).is_ok());
}

#[tokio::test]
async fn block_and_mute_read_back_and_a_blocked_account_goes_quiet() {
    let (server, store, conn) = setup().await;
    let uri = server
        .pds
        .mention("spam.bsky.social", "Gagnez un iPhone !!!", None);
    let item = synced(&store, &conn, &uri).await;
    let did = item.remote.author.id.clone();

    let block = sent_id(&send(&store, &conn, &uri, OutAction::Act(Act::Block)).await);
    assert!(block.contains("/app.bsky.graph.block/"), "{block}");
    assert_eq!(server.pds.blocked(), vec![did.clone()]);
    let (_, blocks) = xrpc(&server, "app.bsky.graph.getBlocks", &[], None).await;
    assert_eq!(blocks["blocks"][0]["did"], did.as_str());
    let (_, profile) = xrpc(
        &server,
        "app.bsky.actor.getProfile",
        &[("actor", &did)],
        None,
    )
    .await;
    assert_eq!(profile["viewer"]["blocking"], block.as_str());
    // Blocking again finds the block rather than writing a second one.
    assert_eq!(
        sent_id(&send(&store, &conn, &uri, OutAction::Act(Act::Block)).await),
        block
    );
    assert_eq!(server.pds.blocked().len(), 1);

    server
        .pds
        .mention("spam.bsky.social", "Dernière chance !!!", None);
    let report = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert_eq!(
        report.summary.new, 0,
        "no notifications from a blocked account"
    );

    let other = server.pds.mention("grumpy.bsky.social", "Bof.", None);
    let grumpy = synced(&store, &conn, &other).await.remote.author.id;
    assert_eq!(
        sent_id(&send(&store, &conn, &other, OutAction::Act(Act::Mute)).await),
        grumpy
    );
    assert_eq!(server.pds.muted(), vec![grumpy.clone()]);
    let (_, mutes) = xrpc(&server, "app.bsky.graph.getMutes", &[], None).await;
    assert_eq!(mutes["mutes"][0]["did"], grumpy.as_str());
    let (_, profile) = xrpc(
        &server,
        "app.bsky.actor.getProfile",
        &[("actor", &grumpy)],
        None,
    )
    .await;
    assert_eq!(profile["viewer"]["muted"], true);
}

#[tokio::test]
async fn our_own_reply_is_deleted_and_others_posts_are_refused() {
    let (server, store, conn) = setup().await;
    let uri = server
        .pds
        .mention("client.bsky.social", "Livraison ?", None);
    let item = synced(&store, &conn, &uri).await;
    let ours = conn.reply(&item, "Demain matin.", "k").await.unwrap();
    assert!(server.pds.record(&ours).is_some());
    // Our reply as the store would hold it.
    let mut remote = item.remote.clone();
    remote.native_id = ours.clone();
    remote.from_us = true;
    remote.kind = Kind::Reply;
    remote.parent_id = Some(uri.clone());
    remote.author.id = server.pds.did();
    remote.author.handle = format!("@{ME}");
    remote.text = "Demain matin.".into();
    store.ingest(vec![Item::new(remote)]).unwrap();

    let entry = send(&store, &conn, &ours, OutAction::Act(Act::Delete)).await;
    assert_eq!(sent_id(&entry), ours);
    assert_eq!(server.pds.record(&ours), None, "gone from the repo");
    let deleted = stored(&store, &ours);
    assert!(deleted.remote.moderation.deleted);
    assert_eq!(deleted.local.status, Status::Done);

    let why = refused(&send(&store, &conn, &uri, OutAction::Act(Act::Delete)).await);
    assert!(why.contains("own"), "{why}");
    assert!(server.pds.record(&uri).is_some(), "a customer's post stays");
}

#[tokio::test]
async fn a_chat_reply_is_sent_with_the_proxy_header_and_answers_the_dm() {
    let (server, store, conn) = setup().await;
    let (convo, msg) = server
        .pds
        .dm("maple-gifts.bsky.social", "Do you ship to Ottawa?");
    let item = synced(&store, &conn, &msg).await;
    assert_eq!(item.remote.kind, Kind::DirectMessage);
    assert_eq!(item.remote.thread_id.as_deref(), Some(convo.as_str()));

    // The chat service is only reachable through the PDS proxy header.
    let (status, body) = xrpc(&server, "chat.bsky.convo.listConvos", &[], None).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "InvalidRequest");
    let (status, body) = xrpc(&server, "chat.bsky.convo.listConvos", &[], Some(CHAT_PROXY)).await;
    assert_eq!(status, 200);
    assert_eq!(body["convos"][0]["id"], convo.as_str());

    let text = "Yes! Shipping to Canada takes 5 days: https://atelierlumen.fr/ship";
    let entry = send(&store, &conn, &msg, OutAction::Reply { text: text.into() }).await;
    let sent = sent_id(&entry);
    let messages = server.pds.messages(&convo);
    let last = messages.last().unwrap();
    assert_eq!(last["id"], sent.as_str());
    assert_eq!(last["text"], text);
    assert_eq!(last["sender"]["did"], server.pds.did().as_str());
    assert_eq!(
        last["facets"][0]["features"][0]["uri"],
        "https://atelierlumen.fr/ship"
    );
    assert_eq!(stored(&store, &msg).local.status, Status::Answered);
    assert!(
        server.pds.posted_by_us().is_empty(),
        "a DM answer is no post"
    );

    // After an uncertain attempt the message is found, not sent twice.
    assert_eq!(conn.find_reply(&item, text).await.unwrap(), Some(sent));
    assert_eq!(conn.find_reply(&item, "other").await.unwrap(), None);
    // Our own message is no new item.
    let report = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert_eq!(report.summary.new, 0);
    // Likes and hides do not apply to DMs.
    let why = refused(&send(&store, &conn, &msg, OutAction::Act(Act::Like)).await);
    assert!(why.contains("DM"), "{why}");
}

#[tokio::test]
async fn an_expired_token_during_a_write_is_refreshed_once() {
    let (server, store, conn) = setup().await;
    let uri = server.pds.mention("fan.bsky.social", "Bravo", None);
    synced(&store, &conn, &uri).await;
    server.pds.expire_sessions();
    let logins = server.pds.calls("com.atproto.server.createSession");
    sent_id(&send(&store, &conn, &uri, OutAction::Act(Act::Like)).await);
    assert_eq!(server.pds.calls("com.atproto.server.refreshSession"), 1);
    assert_eq!(
        server.pds.calls("com.atproto.server.createSession"),
        logins,
        "no new login"
    );
    assert!(server.pds.like_of(&uri).0.is_some());
}

#[tokio::test]
async fn an_app_password_without_dm_access_still_syncs_notifications() {
    let (server, store, _) = setup().await;
    let conn = BlueskyConnector::new(&server.base, ME, bluesky::APP_PASSWORD_NO_DM).unwrap();
    let uri = server.pds.mention("fan.bsky.social", "Coucou", None);
    server.pds.dm("private.bsky.social", "hello in private");
    let report = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert_eq!(report.summary.new, 1, "the mention, not the DM");
    // The DM answer is refused with the reason, not retried.
    let (convo, msg) = server.pds.dm("private.bsky.social", "still there?");
    let mut dm = stored(&store, &uri);
    dm.remote.kind = Kind::DirectMessage;
    dm.remote.native_id = msg;
    dm.remote.thread_id = Some(convo.clone());
    let e = conn.reply(&dm, "Oui !", "k").await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::PermissionMissing);
    assert_eq!(server.pds.messages(&convo).len(), 2, "nothing sent");
}

#[tokio::test]
async fn a_malformed_dm_is_skipped_and_the_rest_kept() {
    let (server, store, conn) = setup().await;
    let (convo, first) = server.pds.dm("ok.bsky.social", "first");
    server.pds.raw_message(
        &convo,
        serde_json::json!({
            "$type": "chat.bsky.convo.defs#messageView", "id": "3lbadmsg", "rev": "3lbadmsg",
            "text": 42, "sender": { "did": "did:plc:x" }, "sentAt": Utc::now().to_rfc3339(),
        }),
    );
    let (_, second) = server.pds.dm("ok.bsky.social", "second");
    let report = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert_eq!((report.summary.new, report.skipped), (2, 1));
    assert!(store.find(&id(&first)).unwrap().is_some());
    assert!(store.find(&id(&second)).unwrap().is_some());
    let again = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert_eq!((again.summary.new, again.skipped), (0, 0), "not read twice");
}
