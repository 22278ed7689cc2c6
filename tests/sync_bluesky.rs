//! The Bluesky connector and the sync engine against the sandbox PDS: the
//! real HTTP path (sessions, PDS discovery, notifications, threads, records,
//! chat DMs, moderation read back), with only the base URL pointing at
//! 127.0.0.1.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use guichet::model::{Item, ItemId, Kind, Network, Status};
use guichet::networks::bluesky::BlueskyConnector;
use guichet::networks::connector::Connector;
use guichet::networks::error::ErrorKind;
use guichet::sandbox::bluesky::{APP_PASSWORD, Bluesky};
use guichet::sandbox::{Fault, bluesky};
use guichet::store::{SledStore, Store};
use guichet::sync::{SyncError, sync_once};

mod common;

const ME: &str = "atelierlumen.bsky.social";

/// The sandbox server for Bluesky alone, nested as `Sandbox::start` does.
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

fn demo_now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0)
        .single()
        .unwrap()
}

async fn setup() -> (Server, Arc<dyn Store>, BlueskyConnector) {
    let pds = Bluesky::new(ME);
    pds.seed(&guichet::demo::demo_items(demo_now()));
    let server = serve(pds).await;
    let store: Arc<dyn Store> = Arc::new(SledStore::temporary().unwrap());
    let conn = BlueskyConnector::new(&server.base, ME, APP_PASSWORD).unwrap();
    (server, store, conn)
}

fn bluesky_items(store: &Arc<dyn Store>) -> Vec<Item> {
    let rows = store.rows().unwrap();
    rows.rows
        .iter()
        .filter(|r| r.network == Network::Bluesky)
        .map(|r| store.get(r.seq).unwrap().unwrap())
        .collect()
}

fn id(uri: &str) -> ItemId {
    ItemId::new(Network::Bluesky, ME, uri)
}

fn stream() -> String {
    format!("bluesky:{ME}/inbox")
}

#[tokio::test]
async fn first_sync_then_only_what_is_new() {
    let (server, store, conn) = setup().await;
    let first = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert!(first.summary.new >= 5, "{first:?}");
    assert_eq!(first.skipped, 0);
    let items = bluesky_items(&store);
    for kind in [Kind::Reply, Kind::Mention, Kind::Quote, Kind::DirectMessage] {
        assert!(items.iter().any(|i| i.remote.kind == kind), "{kind:?}");
    }
    let mut posts = items
        .iter()
        .filter(|i| i.remote.kind != Kind::DirectMessage);
    assert!(posts.all(|i| {
        i.remote.native_id.starts_with("at://")
            && i.remote.author.handle.starts_with('@')
            && i.remote
                .permalink
                .as_deref()
                .is_some_and(|p| p.starts_with("https://bsky.app/profile/"))
    }));

    // A comment under one of the brand's posts: replying keeps that post as root.
    let brand = "at://did:plc:k4x2mlq7vdn3ra5wz6hye2ob/";
    let comment = items
        .iter()
        .find(|i| {
            i.remote
                .parent_id
                .as_deref()
                .is_some_and(|p| p.starts_with(brand))
        })
        .expect("a demo comment on a brand post");
    let posted = conn.reply(comment, "Merci !", "k").await.unwrap();
    assert!(posted.starts_with(brand), "our records live under our DID");
    let record = server.pds.record(&posted).unwrap();
    assert_eq!(
        record["reply"]["parent"]["uri"],
        comment.remote.native_id.as_str()
    );
    assert_eq!(
        record["reply"]["root"]["uri"],
        comment.remote.thread_id.as_deref().unwrap()
    );

    let again = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert_eq!(
        again.summary.new, 0,
        "nothing fetched twice (our own reply is no notification)"
    );

    let uri = server
        .pds
        .mention("fan.bsky.social", "Vous livrez en Belgique ?", None);
    let third = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert_eq!(third.summary.new, 1);
    let (_, item) = store.find(&id(&uri)).unwrap().unwrap();
    assert_eq!(item.remote.text, "Vous livrez en Belgique ?");
    assert_eq!(item.remote.author.handle, "@fan.bsky.social");
    assert_eq!(item.remote.kind, Kind::Mention);
    assert_eq!(item.remote.thread_id.as_deref(), Some(uri.as_str()));

    // A reply in that thread points at its root and parent.
    let answer = server
        .pds
        .mention("other.bsky.social", "Moi aussi !", Some(&uri));
    sync_once(store.clone(), &conn, 500).await.unwrap();
    let (_, reply) = store.find(&id(&answer)).unwrap().unwrap();
    assert_eq!(reply.remote.kind, Kind::Reply);
    assert_eq!(reply.remote.thread_id.as_deref(), Some(uri.as_str()));
    assert_eq!(reply.remote.parent_id.as_deref(), Some(uri.as_str()));
}

#[tokio::test]
async fn paging_back_across_many_new_mentions() {
    let (server, store, conn) = setup().await;
    sync_once(store.clone(), &conn, 500).await.unwrap();
    for i in 0..250 {
        server
            .pds
            .mention("wave.bsky.social", &format!("concours {i}"), None);
    }
    let report = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert_eq!(report.summary.new, 250, "three pages of 100 by cursor");
    assert!(!report.truncated);
    let again = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert_eq!(again.summary.new, 0);
}

#[tokio::test]
async fn first_sync_depth_limit() {
    let (_server, store, conn) = setup().await;
    let report = sync_once(store.clone(), &conn, 3).await.unwrap();
    assert_eq!(report.summary.new, 3);
    assert!(report.truncated);
    // The next pass starts from the newest seen, not from the oldest kept.
    let again = sync_once(store.clone(), &conn, 3).await.unwrap();
    assert_eq!(again.summary.new, 0);
}

#[tokio::test]
async fn resync_keeps_local_state() {
    let (server, store, conn) = setup().await;
    let uri = server.pds.mention("typo.bsky.social", "Bonjuor", None);
    sync_once(store.clone(), &conn, 500).await.unwrap();
    let (seq, _) = store.find(&id(&uri)).unwrap().unwrap();
    common::decide_locally(&store, seq);
    // Forget the cursor: everything comes again, local state stays.
    store
        .set_cursor(&stream(), "2000-01-01T00:00:00.000Z")
        .unwrap();
    let report = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert_eq!(report.summary.new, 0);
    let item = store.get(seq).unwrap().unwrap();
    assert_eq!(item.remote.text, "Bonjuor");
    assert_eq!(item.local.status, Status::Done);
    assert_eq!(item.local.tags, vec!["refund"]);
}

#[tokio::test]
async fn a_bad_item_is_skipped_and_the_page_kept() {
    let (server, store, conn) = setup().await;
    sync_once(store.clone(), &conn, 500).await.unwrap();
    server.pds.mention("ok1.bsky.social", "first", None);
    server.pds.raw_notification(serde_json::json!({
        "uri": "at://did:plc:x/app.bsky.feed.post/3lbad", "reason": "mention",
        "indexedAt": Utc::now().to_rfc3339(), "record": { "text": 42 },
    }));
    server.pds.mention("ok2.bsky.social", "second", None);
    let report = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert_eq!(report.summary.new, 2);
    assert_eq!(report.skipped, 1);
}

#[tokio::test]
async fn an_expired_session_is_refreshed_transparently() {
    let (server, store, conn) = setup().await;
    sync_once(store.clone(), &conn, 500).await.unwrap();
    server.pds.expire_sessions();
    server.pds.mention("late.bsky.social", "still there?", None);
    let logins = server.pds.calls("com.atproto.server.createSession");
    let (_, dm) = server.pds.dm("late.bsky.social", "and in private?");
    let report = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert_eq!(report.summary.new, 2, "refreshed, then retried once");
    assert!(store.find(&id(&dm)).unwrap().is_some(), "chat read too");
    assert_eq!(server.pds.calls("com.atproto.server.refreshSession"), 1);
    assert_eq!(
        server.pds.calls("com.atproto.server.createSession"),
        logins,
        "a refresh, not a new login"
    );
    // The same through the fault queue (400 ExpiredToken on the next call).
    server.pds.faults.push(Fault::Unauthorized);
    server.pds.mention("later.bsky.social", "hello?", None);
    let report = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert_eq!(report.summary.new, 1);

    // The refresh token is refused too: one new login, then the call.
    let refreshes = server.pds.calls("com.atproto.server.refreshSession");
    let logins = server.pds.calls("com.atproto.server.createSession");
    server.pds.faults.push(Fault::Unauthorized);
    server.pds.faults.push(Fault::Unauthorized);
    server.pds.mention("latest.bsky.social", "anyone?", None);
    let report = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert_eq!(report.summary.new, 1);
    assert_eq!(
        server.pds.calls("com.atproto.server.refreshSession"),
        refreshes + 1
    );
    assert_eq!(
        server.pds.calls("com.atproto.server.createSession"),
        logins + 1
    );

    let wrong = BlueskyConnector::new(&server.base, ME, "wrong-pass-word").unwrap();
    match sync_once(store.clone(), &wrong, 500).await {
        Err(SyncError::Connector(e)) => {
            assert_eq!(e.kind, ErrorKind::AuthRevoked);
            assert!(!e.to_string().contains("wrong-pass-word"));
        }
        other => panic!("expected an auth error, got {other:?}"),
    }
}

#[tokio::test]
async fn long_rate_limits_are_reported_not_waited() {
    let (server, store, conn) = setup().await;
    sync_once(store.clone(), &conn, 500).await.unwrap();
    let cursor = store.cursor(&stream()).unwrap();
    server.pds.mention("busy.bsky.social", "ping", None);
    server
        .pds
        .faults
        .push(Fault::RateLimited { reset_secs: 600 });
    let started = std::time::Instant::now();
    common::assert_rate_limited(sync_once(store.clone(), &conn, 500).await, 600);
    assert!(started.elapsed().as_secs() < 5, "not slept through");
    assert_eq!(
        store.cursor(&stream()).unwrap(),
        cursor,
        "nothing half-synced"
    );
    // A short one is waited out inline.
    server.pds.faults.push(Fault::RateLimited { reset_secs: 1 });
    let report = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert_eq!(report.summary.new, 1);
}

#[tokio::test]
async fn a_reply_carries_strong_refs_langs_and_byte_facets() {
    let (server, store, conn) = setup().await;
    let root = server
        .pds
        .mention("zoe.bsky.social", "Vos bougies sont-elles vegan ?", None);
    let parent = server.pds.mention(
        "ana.bsky.social",
        "Et la cire, c'est du soja ?",
        Some(&root),
    );
    sync_once(store.clone(), &conn, 500).await.unwrap();
    let (_, item) = store.find(&id(&parent)).unwrap().unwrap();

    let text = "Merci Zoé 🕯️ ! Oui, soja. @ana.bsky.social voir https://atelierlumen.fr/cire";
    let uri = conn.reply(&item, text, "key-1").await.unwrap();
    let ours = server.pds.posted_by_us();
    assert!(
        ours.iter()
            .any(|(u, p, t)| *u == uri && p.as_deref() == Some(parent.as_str()) && t == text),
        "{ours:?}"
    );
    let record = server.pds.record(&uri).unwrap();
    assert_eq!(record["reply"]["root"]["uri"], root.as_str());
    assert_eq!(record["reply"]["parent"]["uri"], parent.as_str());
    assert!(record["reply"]["root"]["cid"].as_str().is_some());
    let mention_at = text.find("@ana").unwrap();
    assert!(
        mention_at > "Merci Zoé 🕯️ ! Oui, soja. ".chars().count(),
        "bytes, not chars"
    );
    let facets = record["facets"].as_array().unwrap();
    assert_eq!(facets.len(), 2, "{facets:?}");
    assert_eq!(facets[0]["index"]["byteStart"], mention_at);
    assert_eq!(
        facets[0]["index"]["byteEnd"],
        mention_at + "@ana.bsky.social".len()
    );
    assert_eq!(
        facets[0]["features"][0]["$type"],
        "app.bsky.richtext.facet#mention"
    );
    assert!(
        facets[0]["features"][0]["did"]
            .as_str()
            .unwrap()
            .starts_with("did:plc:")
    );
    let link_at = text.find("https://").unwrap();
    assert_eq!(facets[1]["index"]["byteStart"], link_at);
    assert_eq!(facets[1]["index"]["byteEnd"], text.len());
    assert_eq!(
        facets[1]["features"][0]["uri"],
        "https://atelierlumen.fr/cire"
    );
    assert!(record["createdAt"].as_str().is_some());

    // Bluesky has no idempotency key: find_reply is what prevents a duplicate.
    assert_eq!(conn.find_reply(&item, text).await.unwrap(), Some(uri));
    assert_eq!(
        conn.find_reply(&item, "something else").await.unwrap(),
        None
    );
}

#[tokio::test]
async fn an_overlong_reply_is_refused_before_sending() {
    let (server, store, conn) = setup().await;
    let uri = server.pds.mention("long.bsky.social", "Une question", None);
    sync_once(store.clone(), &conn, 500).await.unwrap();
    let (_, item) = store.find(&id(&uri)).unwrap().unwrap();
    let before = server.pds.posted_by_us().len();
    let e = conn.reply(&item, &"é".repeat(301), "k").await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Rejected);
    assert_eq!(server.pds.posted_by_us().len(), before);
    // An unknown handle stays plain text rather than failing the reply.
    let plain = conn
        .reply(&item, "cc @nobody.example.org", "k1")
        .await
        .unwrap();
    assert!(server.pds.record(&plain).unwrap().get("facets").is_none());
    // 300 graphemes of a multi-code-point emoji still fit.
    assert!(conn.reply(&item, &"👍🏽".repeat(300), "k2").await.is_ok());
}

#[tokio::test]
async fn the_outbox_sends_once_and_checks_an_uncertain_attempt() {
    use guichet::outbox::{OutAction, SendState, send_due};
    let (server, store, conn) = setup().await;
    let uri = server
        .pds
        .mention("client.bsky.social", "Commande en retard", None);
    sync_once(store.clone(), &conn, 500).await.unwrap();
    let item_id = id(&uri);
    let ours = |server: &Server| {
        let posted = server.pds.posted_by_us();
        posted
            .into_iter()
            .filter(|(_, p, _)| p.as_deref() == Some(uri.as_str()))
            .count()
    };
    let reply = |text: &str| OutAction::Reply { text: text.into() };
    store
        .enqueue(&item_id, reply("On regarde."), "camille")
        .unwrap();
    let done = send_due(store.clone(), &conn).await.unwrap();
    assert!(
        matches!(&done[0].state, SendState::Sent { remote_id, .. } if remote_id.starts_with("at://"))
    );
    let (_, item) = store.find(&item_id).unwrap().unwrap();
    assert_eq!(item.local.status, Status::Answered);
    assert_eq!(ours(&server), 1);

    // The request left, then guichet died before recording the answer.
    let mut entry = store
        .enqueue(&item_id, reply("C'est noté."), "camille")
        .unwrap();
    let posted = conn.reply(&item, "C'est noté.", "k").await.unwrap();
    entry.state = SendState::Sending { since: Utc::now() };
    entry.attempts = 1;
    store.update_outbox(&entry).unwrap();
    let done = send_due(store.clone(), &conn).await.unwrap();
    assert!(
        matches!(&done[0].state, SendState::Sent { remote_id, .. } if *remote_id == posted),
        "{:?}",
        done[0].state
    );
    assert_eq!(ours(&server), 2, "found on the network, not posted twice");
}

#[tokio::test]
async fn the_reference_notification_maps_to_an_item() {
    let (server, store, conn) = setup().await;
    sync_once(store.clone(), &conn, 500).await.unwrap();
    // networks.md §9's example, as the AppView sends it.
    let uri = "at://did:plc:4fdk2a7qu3wjm2b5c6d7e8f9/app.bsky.feed.post/3lrxkq2ma3s2k";
    let root = "at://did:plc:cafelumenxyz/app.bsky.feed.post/3lrxk5abcd22x";
    server.pds.raw_notification(serde_json::json!({
        "uri": uri, "cid": "bafyreib2rxk3rh6kzwq3lq3w5sjk7p2i6r4e4d6vxq7x4pqz5z3q2xwq3a",
        "author": { "did": "did:plc:4fdk2a7qu3wjm2b5c6d7e8f9", "handle": "ana.bsky.social",
            "displayName": "Ana", "viewer": { "muted": false }, "labels": [] },
        "reason": "reply", "reasonSubject": root,
        "record": { "$type": "app.bsky.feed.post", "text": "Is the new blend decaf-friendly?",
            "createdAt": "2026-09-14T18:59:58.120Z", "langs": ["en"],
            "reply": { "root": { "uri": root, "cid": "bafyreia1..." },
                       "parent": { "uri": root, "cid": "bafyreia1..." } } },
        "isRead": false, "indexedAt": Utc::now().to_rfc3339(), "labels": []
    }));
    let report = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert_eq!((report.summary.new, report.skipped), (1, 0));
    let (_, item) = store.find(&id(uri)).unwrap().unwrap();
    let r = &item.remote;
    assert_eq!(r.kind, Kind::Reply);
    assert_eq!(r.thread_id.as_deref(), Some(root));
    assert_eq!(r.parent_id.as_deref(), Some(root));
    assert_eq!(
        (r.author.handle.as_str(), r.author.display_name.as_str()),
        ("@ana.bsky.social", "Ana")
    );
    assert_eq!(r.author.id, "did:plc:4fdk2a7qu3wjm2b5c6d7e8f9");
    assert_eq!(r.text, "Is the new blend decaf-friendly?");
    assert_eq!(r.lang.as_deref(), Some("en"));
    assert_eq!(r.created_at.to_rfc3339(), "2026-09-14T18:59:58.120+00:00");
    assert_eq!(
        r.permalink.as_deref(),
        Some("https://bsky.app/profile/ana.bsky.social/post/3lrxkq2ma3s2k")
    );
    assert!(!r.from_us);
}

fn dms(store: &Arc<dyn Store>) -> Vec<Item> {
    bluesky_items(store)
        .into_iter()
        .filter(|i| i.remote.kind == Kind::DirectMessage)
        .collect()
}

#[tokio::test]
async fn dms_first_sync_then_incremental_and_paged() {
    let (server, store, conn) = setup().await;
    let demo_dms = guichet::demo::demo_items(demo_now())
        .into_iter()
        .filter(|i| i.remote.network == Network::Bluesky)
        .filter(|i| i.remote.kind == Kind::DirectMessage && !i.remote.from_us)
        .count();
    assert!(demo_dms > 0);
    sync_once(store.clone(), &conn, 500).await.unwrap();
    let first = dms(&store);
    assert_eq!(
        first.len(),
        demo_dms,
        "the demo's DMs from customers, not ours"
    );
    for dm in &first {
        let convo = dm.remote.thread_id.as_deref().unwrap();
        assert!(!dm.remote.from_us);
        assert_eq!(
            dm.remote.permalink.as_deref(),
            Some(format!("https://bsky.app/messages/{convo}").as_str())
        );
        assert!(
            dm.remote.author.handle.ends_with(".bsky.social"),
            "{:?}",
            dm.remote.author
        );
    }
    let cursor = store.cursor(&stream()).unwrap().unwrap();
    assert!(cursor.contains("|dm:"), "{cursor}");

    let (convo, msg) = server
        .pds
        .dm("maple.bsky.social", "Any news on the catalogue?");
    let report = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert_eq!(report.summary.new, 1);
    let (_, item) = store.find(&id(&msg)).unwrap().unwrap();
    assert_eq!(item.remote.kind, Kind::DirectMessage);
    assert_eq!(item.remote.text, "Any news on the catalogue?");
    assert_eq!(item.remote.thread_id.as_deref(), Some(convo.as_str()));
    assert_eq!(item.remote.author.handle, "@maple.bsky.social");
    assert_eq!(
        sync_once(store.clone(), &conn, 500)
            .await
            .unwrap()
            .summary
            .new,
        0
    );

    // More convos and messages than one page of each (100).
    for i in 0..120 {
        server
            .pds
            .dm(&format!("client{i}.bsky.social"), &format!("question {i}"));
    }
    for i in 0..230 {
        server.pds.dm("chatty.bsky.social", &format!("message {i}"));
    }
    let report = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert_eq!(report.summary.new, 350);
    assert!(!report.truncated);
    assert!(server.pds.calls("chat.bsky.convo.getMessages") >= 3);
    assert_eq!(
        sync_once(store.clone(), &conn, 500)
            .await
            .unwrap()
            .summary
            .new,
        0
    );
}

#[tokio::test]
async fn sync_reads_liked_and_hidden_from_the_network() {
    let (server, store, conn) = setup().await;
    let root = server.pds.brand_post("Atelier ouvert samedi");
    let hidden = server
        .pds
        .mention("troll.bsky.social", "Personne n'ira.", Some(&root));
    let shown = server
        .pds
        .mention("fan.bsky.social", "J'y serai !", Some(&root));
    server.pds.set_threadgate(&root, None, &[&hidden]);
    sync_once(store.clone(), &conn, 500).await.unwrap();
    let (_, h) = store.find(&id(&hidden)).unwrap().unwrap();
    let (_, s) = store.find(&id(&shown)).unwrap().unwrap();
    assert!(h.remote.moderation.hidden);
    assert!(!s.remote.moderation.hidden);
    assert!(!s.remote.moderation.liked);

    // Liked elsewhere (another client): a re-sync reads it.
    conn.act(&s, guichet::networks::connector::Act::Like, "k")
        .await
        .unwrap();
    store
        .set_cursor(&stream(), "2000-01-01T00:00:00.000Z")
        .unwrap();
    sync_once(store.clone(), &conn, 500).await.unwrap();
    let (_, s) = store.find(&id(&shown)).unwrap().unwrap();
    assert!(s.remote.moderation.liked);
    assert!(!s.remote.moderation.hidden);
}

#[tokio::test]
async fn calls_go_to_the_pds_the_session_names() {
    use std::sync::Mutex;
    let pds = Bluesky::new(ME);
    let hits: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen = hits.clone();
    let app = axum::Router::new()
        .nest("/entry", bluesky::router(pds.clone()))
        .nest("/pds", bluesky::router(pds.clone()))
        .layer(axum::middleware::from_fn(
            move |req: axum::extract::Request, next: axum::middleware::Next| {
                seen.lock().unwrap().push(req.uri().path().to_string());
                next.run(req)
            },
        ));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    pds.set_pds_endpoint(Some(&format!("http://{addr}/pds")));
    pds.mention("fan.bsky.social", "Bonjour", None);
    pds.dm("fan.bsky.social", "Bonjour en privé");

    let conn = BlueskyConnector::new(&format!("http://{addr}/entry"), ME, APP_PASSWORD).unwrap();
    let store: Arc<dyn Store> = Arc::new(SledStore::temporary().unwrap());
    let report = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert_eq!(report.summary.new, 2);
    let hits = hits.lock().unwrap().clone();
    assert_eq!(
        hits.iter()
            .filter(|h| h.starts_with("/entry/"))
            .collect::<Vec<_>>(),
        vec!["/entry/xrpc/com.atproto.server.createSession"],
        "only the login on the entryway"
    );
    assert!(hits.contains(&"/pds/xrpc/app.bsky.notification.listNotifications".to_string()));
    assert!(hits.contains(&"/pds/xrpc/chat.bsky.convo.listConvos".to_string()));
}
