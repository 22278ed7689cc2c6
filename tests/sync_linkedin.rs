//! The LinkedIn connector against its sandbox: the real HTTP path
//! (`LinkedIn-Version` and Rest.li headers, percent-encoded URNs,
//! `start`/`count` paging, LinkedIn's error bodies, 426 and 429), with only
//! the base URL pointing at 127.0.0.1. Writes go through the outbox and
//! are read back from the sandbox and from the stored item.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use chrono::{Duration, Utc};
use guichet::model::{Item, ItemId, Kind, Network, Status};
use guichet::networks::connector::{Act, Connector};
use guichet::networks::error::ErrorKind;
use guichet::networks::linkedin::{LinkedInConnector, VERSION};
use guichet::outbox::{OutAction, SendState, send_due};
use guichet::sandbox::Fault;
use guichet::sandbox::linkedin::{self, LinkedIn, ORG_URN, TOKEN};
use guichet::store::{SledStore, Store};
use guichet::sync::{SyncError, sync_once};

mod common;

const ME: &str = "atelier-lumen";
const FAN: &str = "urn:li:person:AbC123dEf";

struct Server {
    org: LinkedIn,
    base: String,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn serve(org: LinkedIn) -> Server {
    let app = axum::Router::new().nest("/linkedin", linkedin::router(org.clone()));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let base = format!("http://{}/linkedin", listener.local_addr().unwrap());
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
        org,
        base,
        _stop: stop,
    }
}

fn demo_linkedin() -> usize {
    guichet::demo::demo_items(Utc::now())
        .iter()
        .filter(|i| i.remote.network == Network::LinkedIn)
        .count()
}

async fn setup() -> (Server, Arc<dyn Store>, LinkedInConnector) {
    let org = LinkedIn::new(ORG_URN);
    org.seed(&guichet::demo::demo_items(Utc::now()));
    let server = serve(org).await;
    let store: Arc<dyn Store> = Arc::new(SledStore::temporary().unwrap());
    let conn = LinkedInConnector::new(&server.base, ME, ORG_URN, TOKEN).unwrap();
    (server, store, conn)
}

fn id(native: &str) -> ItemId {
    format!("linkedin:{ME}:{native}").parse().unwrap()
}

fn stored(store: &Arc<dyn Store>, native: &str) -> Item {
    store.find(&id(native)).unwrap().unwrap().1
}

fn linkedin_items(store: &Arc<dyn Store>) -> Vec<Item> {
    let rows = store.rows().unwrap();
    rows.rows
        .iter()
        .filter(|r| r.network == Network::LinkedIn)
        .map(|r| store.get(r.seq).unwrap().unwrap())
        .collect()
}

fn stream() -> String {
    format!("linkedin:{ME}/inbox")
}

#[tokio::test]
async fn first_sync_then_only_what_is_new() {
    let (s, store, conn) = setup().await;
    let first = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(first.skipped, 0);
    assert_eq!(first.summary.new, demo_linkedin(), "every seeded comment");
    let items = linkedin_items(&store);
    let reply = items.iter().find(|i| i.remote.kind == Kind::Reply).unwrap();
    let parent = reply.remote.parent_id.as_deref().unwrap();
    assert!(parent.starts_with("urn:li:comment:("), "{parent}");
    assert!(items.iter().any(|i| i.remote.native_id == parent));
    assert!(items.iter().any(|i| i.remote.kind == Kind::Comment));
    assert!(
        items
            .iter()
            .all(|i| i.remote.post.is_some() && i.remote.author.id.starts_with("urn:li:")),
        "post and actor URN on every item"
    );

    let again = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(again.summary.new, 0, "nothing fetched twice");

    let now = Utc::now();
    let post = s
        .org
        .post("Nouvelle boutique à Lyon !", now - Duration::hours(1));
    let c = s.org.comment(&post, None, FAN, "Quelle adresse ?", now);
    let r = s.org.comment(
        &post,
        Some(&c),
        "urn:li:person:ZyX987",
        "Rue de la République je crois",
        now,
    );
    // Under an old comment of an old post: nested comments are read too.
    let old = items
        .iter()
        .find(|i| i.remote.kind == Kind::Comment)
        .unwrap();
    let late = s.org.comment(
        old.remote.thread_id.as_deref().unwrap(),
        Some(&old.remote.native_id),
        FAN,
        "Toujours d'actualité ?",
        now - Duration::minutes(2),
    );
    let third = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(third.summary.new, 3, "{third:?}");
    let comment = stored(&store, &c);
    assert_eq!(comment.remote.kind, Kind::Comment);
    assert_eq!(comment.remote.author.id, FAN);
    assert_eq!(comment.remote.thread_id.as_deref(), Some(post.as_str()));
    assert_eq!(
        comment.remote.post.as_ref().unwrap().text,
        "Nouvelle boutique à Lyon !"
    );
    assert!(!comment.remote.from_us);
    let nested = stored(&store, &r);
    assert_eq!(nested.remote.kind, Kind::Reply);
    assert_eq!(nested.remote.parent_id.as_deref(), Some(c.as_str()));
    assert_eq!(
        stored(&store, &late).remote.parent_id.as_deref(),
        Some(old.remote.native_id.as_str())
    );
}

#[tokio::test]
async fn paging_across_small_pages() {
    let (s, store, conn) = setup().await;
    s.org.set_max_page(2);
    let first = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(first.summary.new, demo_linkedin(), "start/count followed");
    assert!(s.org.calls() > 10, "many pages of two: {}", s.org.calls());
    let post = s.org.newest_post().unwrap();
    for i in 0..7 {
        s.org
            .comment(&post, None, FAN, &format!("concours {i}"), Utc::now());
    }
    let next = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(next.summary.new, 7, "{next:?}");
}

#[tokio::test]
async fn first_sync_depth_limit() {
    let (_s, store, conn) = setup().await;
    let report = sync_once(store.clone(), &conn, 5).await.unwrap();
    assert_eq!(report.summary.new, 5);
    assert!(report.truncated);
}

/// A fresh member comment on the newest post, synced into the store.
async fn fresh_comment(s: &Server, store: &Arc<dyn Store>, conn: &LinkedInConnector) -> String {
    sync_once(store.clone(), conn, 5_000).await.unwrap();
    let post = s.org.newest_post().unwrap();
    let c = s
        .org
        .comment(&post, None, FAN, "Livrez-vous en Belgique ?", Utc::now());
    sync_once(store.clone(), conn, 5_000).await.unwrap();
    c
}

async fn send(
    store: &Arc<dyn Store>,
    conn: &LinkedInConnector,
    native: &str,
    action: OutAction,
) -> SendState {
    store.enqueue(&id(native), action, "camille").unwrap();
    let done = send_due(store.clone(), conn).await.unwrap();
    assert_eq!(done.len(), 1);
    done[0].state.clone()
}

#[tokio::test]
async fn reply_like_and_delete_are_read_back() {
    let (s, store, conn) = setup().await;
    let c = fresh_comment(&s, &store, &conn).await;

    let text = "Oui, en 3 jours ouvrés.";
    let state = send(&store, &conn, &c, OutAction::Reply { text: text.into() }).await;
    let SendState::Sent { remote_id, .. } = state else {
        panic!("{state:?}")
    };
    assert_eq!(
        s.org.org_replies(&c),
        vec![(remote_id.clone(), text.to_string())]
    );
    assert_eq!(stored(&store, &c).local.status, Status::Answered);
    sync_once(store.clone(), &conn, 5_000).await.unwrap();
    let ours = stored(&store, &remote_id);
    assert!(ours.remote.from_us, "our reply is read back as ours");
    assert_eq!(ours.remote.author.id, ORG_URN);
    assert_eq!(ours.remote.parent_id.as_deref(), Some(c.as_str()));
    assert_eq!((ours.local.status, ours.local.read), (Status::Done, true));

    // Answering a nested comment nests under its top-level comment.
    let post = s.org.newest_post().unwrap();
    let nested = s.org.comment(
        &post,
        Some(&c),
        "urn:li:person:ZyX987",
        "Et en Suisse ?",
        Utc::now(),
    );
    sync_once(store.clone(), &conn, 5_000).await.unwrap();
    let state = send(
        &store,
        &conn,
        &nested,
        OutAction::Reply {
            text: "Pas encore, désolé.".into(),
        },
    )
    .await;
    assert!(matches!(state, SendState::Sent { .. }), "{state:?}");
    assert_eq!(s.org.org_replies(&c).len(), 2);
    assert_eq!(stored(&store, &nested).local.status, Status::Answered);

    send(&store, &conn, &c, OutAction::Act(Act::Like)).await;
    assert_eq!(s.org.comment_state(&c), Some((true, 1)));
    assert_eq!(s.org.reactions(), vec![(ORG_URN.to_string(), c.clone())]);
    assert!(stored(&store, &c).remote.moderation.liked);
    // A full re-read fills moderation from LinkedIn's own field.
    store.set_cursor(&stream(), "0").unwrap();
    sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert!(
        stored(&store, &c).remote.moderation.liked,
        "likedByCurrentUser"
    );

    send(&store, &conn, &c, OutAction::Act(Act::Delete)).await;
    assert_eq!(s.org.comment_state(&c), None, "gone from LinkedIn");
    assert_eq!(
        s.org.comment_state(&nested),
        None,
        "with its nested comments"
    );
    let item = stored(&store, &c);
    assert!(item.remote.moderation.deleted);
    assert_eq!(item.local.status, Status::Done);
    // Deleting again: LinkedIn says 404, which counts as done.
    let again = send(&store, &conn, &c, OutAction::Act(Act::Delete)).await;
    assert!(matches!(again, SendState::Sent { .. }), "{again:?}");
}

#[tokio::test]
async fn what_linkedin_forbids_is_refused_before_sending() {
    let (s, store, conn) = setup().await;
    let c = fresh_comment(&s, &store, &conn).await;
    let writes = s.org.writes();
    for act in [Act::Hide, Act::Unhide, Act::Block, Act::Mute, Act::Unlike] {
        let state = send(&store, &conn, &c, OutAction::Act(act)).await;
        match state {
            SendState::Failed {
                retry: false,
                error,
            } => {
                assert!(error.contains("LinkedIn"), "{act:?}: {error}")
            }
            other => panic!("{act:?}: {other:?}"),
        }
    }
    let private = send(
        &store,
        &conn,
        &c,
        OutAction::PrivateReply {
            text: "en privé".into(),
        },
    )
    .await;
    assert!(
        matches!(&private, SendState::Failed { retry: false, error } if error.contains("organisation messages")),
        "{private:?}"
    );
    let long = send(
        &store,
        &conn,
        &c,
        OutAction::Reply {
            text: "x".repeat(1_251),
        },
    )
    .await;
    assert!(
        matches!(&long, SendState::Failed { retry: false, error } if error.contains("1251/1250")),
        "{long:?}"
    );
    assert_eq!(s.org.writes(), writes, "nothing reached LinkedIn");
    let item = stored(&store, &c);
    assert_eq!(item.remote.moderation, Default::default());
    assert_ne!(item.local.status, Status::Answered);
}

#[tokio::test]
async fn an_uncertain_reply_is_found_before_resending() {
    let (s, store, conn) = setup().await;
    let c = fresh_comment(&s, &store, &conn).await;
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
    assert_eq!(s.org.org_replies(&c).len(), 1, "sent once");
}

#[tokio::test]
async fn rate_limits_are_honoured_without_hammering() {
    let (s, store, conn) = setup().await;
    // LinkedIn documents no reset header: a daily quota waits for midnight UTC.
    s.org.faults.push(Fault::RateLimited { reset_secs: 600 });
    let started = std::time::Instant::now();
    match sync_once(store.clone(), &conn, 5_000).await {
        Err(SyncError::Connector(e)) => {
            let ErrorKind::RateLimited { until } = e.kind else {
                panic!("{e:?}")
            };
            let midnight = (Utc::now().date_naive() + Duration::days(1))
                .and_hms_opt(0, 0, 0)
                .unwrap()
                .and_utc();
            assert!(until == midnight || until > Utc::now() + Duration::seconds(4));
        }
        other => panic!("expected a rate limit, got {other:?}"),
    }
    assert!(started.elapsed().as_secs() < 5, "not slept through");
    assert_eq!(s.org.calls(), 1, "one call, no retries into the limit");
    assert!(
        store.cursor(&stream()).unwrap().is_none(),
        "nothing half-synced"
    );

    // With a Retry-After, its time is the one kept.
    s.org.set_retry_after(true);
    s.org.faults.push(Fault::RateLimited { reset_secs: 600 });
    common::assert_rate_limited(sync_once(store.clone(), &conn, 5_000).await, 600);
    assert_eq!(s.org.calls(), 2);

    // The quota runs out in the middle of a pass: the pass stops there.
    s.org.set_quota(Some(3));
    assert!(matches!(
        sync_once(store.clone(), &conn, 5_000).await,
        Err(SyncError::Connector(e)) if matches!(e.kind, ErrorKind::RateLimited { .. })
    ));
    assert_eq!(s.org.calls(), 2 + 4, "three good calls, one refused");
    s.org.set_quota(None);
    let report = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(report.summary.new, demo_linkedin());
}

#[tokio::test]
async fn expired_and_invalid_tokens_are_reported_as_such() {
    let (s, store, conn) = setup().await;
    s.org.faults.push(Fault::Unauthorized);
    match sync_once(store.clone(), &conn, 5_000).await {
        Err(SyncError::Connector(e)) => {
            assert_eq!(e.kind, ErrorKind::AuthExpired);
            assert!(e.message.contains("expired"), "{}", e.message);
        }
        other => panic!("expected an expired token, got {other:?}"),
    }
    let bad = LinkedInConnector::new(&s.base, ME, ORG_URN, "not-the-token").unwrap();
    match sync_once(store.clone(), &bad, 5_000).await {
        Err(SyncError::Connector(e)) => {
            assert!(e.kind.affects_account(), "{e:?}");
            assert!(
                !e.to_string().contains("not-the-token"),
                "tokens never shown"
            );
        }
        other => panic!("expected an invalid token, got {other:?}"),
    }
}

#[tokio::test]
async fn a_retired_version_is_named() {
    let (s, store, conn) = setup().await;
    assert!(
        sync_once(store.clone(), &conn, 5_000).await.is_ok(),
        "{VERSION} is served"
    );
    let old = LinkedInConnector::with_version(&s.base, ME, ORG_URN, TOKEN, "202301").unwrap();
    match sync_once(store.clone(), &old, 5_000).await {
        Err(SyncError::Connector(e)) => {
            assert_eq!(e.kind, ErrorKind::VersionRetired);
            assert!(e.message.contains("202301"), "{}", e.message);
            assert!(e.kind.affects_account());
        }
        other => panic!("expected a retired version, got {other:?}"),
    }
    // LinkedIn retires the version guichet sends: the same, with ours named.
    s.org.set_versions("209901", "209912");
    match sync_once(store.clone(), &conn, 5_000).await {
        Err(SyncError::Connector(e)) => {
            assert_eq!(e.kind, ErrorKind::VersionRetired);
            assert!(e.message.contains(VERSION), "{}", e.message);
        }
        other => panic!("expected a retired version, got {other:?}"),
    }
}

#[tokio::test]
async fn the_sandbox_checks_headers_and_encoding_as_linkedin() {
    let (s, _store, _conn) = setup().await;
    let client = reqwest::Client::new();
    let posts = format!(
        "{}/rest/posts?q=author&author={}",
        s.base,
        guichet::networks::linkedin::encode_urn(ORG_URN)
    );
    let answer = |req: reqwest::RequestBuilder| async move {
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        (status, resp.json::<serde_json::Value>().await.unwrap())
    };
    let (status, body) = answer(
        client
            .get(&posts)
            .bearer_auth(TOKEN)
            .header("X-Restli-Protocol-Version", "2.0.0"),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["code"], "VERSION_MISSING");
    assert_eq!(body["status"], 400);
    let (status, _) = answer(
        client
            .get(&posts)
            .bearer_auth(TOKEN)
            .header("LinkedIn-Version", VERSION),
    )
    .await;
    assert_eq!(status, 400, "Rest.li 2.0.0 header required");
    let full = |url: &str| {
        client
            .get(url)
            .bearer_auth(TOKEN)
            .header("LinkedIn-Version", VERSION)
            .header("X-Restli-Protocol-Version", "2.0.0")
    };
    let (status, body) = answer(full(&posts)).await;
    assert_eq!(status, 200);
    assert!(body["paging"]["total"].as_u64().unwrap() > 0);
    let post = s.org.newest_post().unwrap();
    let raw = format!("{}/rest/socialActions/{post}/comments", s.base);
    let (status, body) = answer(full(&raw)).await;
    assert_eq!(status, 400, "URNs must be encoded in paths");
    assert!(body["message"].as_str().unwrap().contains("path"));
}

#[tokio::test]
async fn a_bad_item_is_skipped_and_the_rest_kept() {
    let (s, store, conn) = setup().await;
    sync_once(store.clone(), &conn, 5_000).await.unwrap();
    let post = s.org.newest_post().unwrap();
    s.org.comment(&post, None, FAN, "first", Utc::now());
    s.org.raw_comment(
        &post,
        serde_json::json!({ "id": 42, "message": { "text": ["no"] } }),
    );
    s.org
        .comment(&post, None, "urn:li:person:Other1", "second", Utc::now());
    let report = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(report.summary.new, 2);
    assert_eq!(report.skipped, 1);
}

#[tokio::test]
async fn transient_errors_are_retried_and_garbage_is_not() {
    let (s, store, conn) = setup().await;
    s.org.faults.push(Fault::ServerError);
    s.org.faults.push(Fault::Slow { millis: 300 });
    let report = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(report.summary.new, demo_linkedin());
    s.org.faults.push(Fault::Malformed);
    match sync_once(store.clone(), &conn, 5_000).await {
        Err(SyncError::Connector(e)) => assert_eq!(e.kind, ErrorKind::BadPayload),
        other => panic!("expected a bad payload, got {other:?}"),
    }
}

#[tokio::test]
async fn the_sandbox_takes_both_nested_comment_forms() {
    let (s, _store, _conn) = setup().await;
    let post = s.org.newest_post().unwrap();
    let c = s.org.comment(&post, None, FAN, "Question ?", Utc::now());
    let enc = guichet::networks::linkedin::encode_urn;
    let client = reqwest::Client::new();
    let activity = c
        .strip_prefix("urn:li:comment:(")
        .and_then(|r| r.rsplit_once(','))
        .map(|(a, _)| a.to_string())
        .unwrap();
    let body = |parent: bool| {
        let mut b = serde_json::json!({
            "actor": ORG_URN, "object": activity, "message": { "text": "Réponse" },
        });
        if parent {
            b["parentComment"] = serde_json::json!(c);
        }
        b
    };
    for (target, parent) in [(&post, true), (&c, false)] {
        let resp = client
            .post(format!(
                "{}/rest/socialActions/{}/comments",
                s.base,
                enc(target)
            ))
            .bearer_auth(TOKEN)
            .header("LinkedIn-Version", VERSION)
            .header("X-Restli-Protocol-Version", "2.0.0")
            .json(&body(parent))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 201);
        assert!(resp.headers().get("x-restli-id").is_some());
    }
    assert_eq!(
        s.org.org_replies(&c).len(),
        2,
        "both nested under the comment"
    );
    // Acting as someone else is refused with LinkedIn's body.
    let mut other = body(false);
    other["actor"] = serde_json::json!("urn:li:organization:1");
    let resp = client
        .post(format!(
            "{}/rest/socialActions/{}/comments",
            s.base,
            enc(&c)
        ))
        .bearer_auth(TOKEN)
        .header("LinkedIn-Version", VERSION)
        .header("X-Restli-Protocol-Version", "2.0.0")
        .json(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 403);
    let err: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(err["serviceErrorCode"], 100);
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("partnerApiSocialActions")
    );
}
