//! The X connector, the sync engine and the outbox against the X sandbox:
//! the real HTTP path, with only the base URL pointing at 127.0.0.1.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use guichet::model::{Item, ItemId, Kind, Network, Status};
use guichet::networks::connector::{Act, Connector};
use guichet::networks::error::ErrorKind;
use guichet::networks::x::XConnector;
use guichet::outbox::{OutAction, SendState, send_due};
use guichet::sandbox::Fault;
use guichet::sandbox::x::{BRAND_ID, TOKEN, X, router};
use guichet::store::{SledStore, Store};
use guichet::sync::{SyncError, sync_once};

mod common;

const ME: &str = "AtelierLumen";
/// The demo's brand post about delivery delays.
const OUR_POST: &str = "1987654321098765432";

struct Server {
    base: String,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn serve(x: X) -> Server {
    let app = axum::Router::new().nest("/x", router(x));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let base = format!("http://{}/x", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
    });
    Server { base, _stop: stop }
}

async fn setup() -> (X, Server, Arc<dyn Store>, XConnector) {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 23, 12, 0, 0)
        .single()
        .unwrap();
    let x = X::new(ME, BRAND_ID);
    x.seed(&guichet::demo::demo_items(now));
    let server = serve(x.clone()).await;
    let store: Arc<dyn Store> = Arc::new(SledStore::temporary().unwrap());
    let conn = XConnector::new(&server.base, ME, BRAND_ID, TOKEN).unwrap();
    (x, server, store, conn)
}

fn id(native: &str) -> ItemId {
    format!("x:{ME}:{native}").parse().unwrap()
}

fn item(store: &Arc<dyn Store>, native: &str) -> Item {
    store.find(&id(native)).unwrap().unwrap().1
}

fn x_items(store: &Arc<dyn Store>) -> Vec<Item> {
    let rows = store.rows().unwrap();
    rows.rows
        .iter()
        .filter(|r| r.network == Network::X)
        .map(|r| store.get(r.seq).unwrap().unwrap())
        .collect()
}

#[tokio::test]
async fn first_sync_then_only_what_is_new() {
    let (x, _server, store, conn) = setup().await;
    let first = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert!(first.summary.new >= 10, "{first:?}");
    assert_eq!(first.skipped, 0);
    let items = x_items(&store);
    let demo: Vec<Item> = guichet::demo::demo_items(
        Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0)
            .single()
            .unwrap(),
    )
    .into_iter()
    .filter(|i| i.remote.network == Network::X)
    .collect();
    let mismatched: Vec<_> = demo
        .iter()
        .filter(|d| {
            !items.iter().any(|i| {
                i.id == d.id
                    && i.remote.kind == d.remote.kind
                    && i.remote.from_us == d.remote.from_us
            })
        })
        .map(|d| (d.remote.kind, d.remote.native_id.clone()))
        .collect();
    assert_eq!(
        mismatched,
        vec![],
        "every demo X item replays with its kind"
    );
    for kind in [Kind::Reply, Kind::Mention, Kind::DirectMessage] {
        assert!(items.iter().any(|i| i.remote.kind == kind), "{kind:?}");
    }
    assert!(
        items.iter().all(|i| !i.remote.author.handle.is_empty()),
        "authors expanded from includes.users"
    );
    let comment = items.iter().find(|i| i.remote.kind == Kind::Reply).unwrap();
    assert!(comment.remote.post.is_some(), "our post is the context");

    let again = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert_eq!(again.summary.new, 0, "nothing fetched twice");

    let m = x.mention("fan_42", "@AtelierLumen vous livrez en Belgique ?");
    let r = x.reply("lecteur", OUR_POST, "@AtelierLumen toujours pas reçu");
    let q = x.quote("critique", OUR_POST, "Encore du retard…");
    let d = x.dm("fan_42", "Bonjour, une question sur ma commande");
    let third = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert_eq!(third.summary.new, 4, "{third:?}");
    assert_eq!(item(&store, &m).remote.kind, Kind::Mention);
    assert_eq!(item(&store, &m).remote.author.handle, "@fan_42");
    let reply = item(&store, &r);
    assert_eq!(reply.remote.kind, Kind::Reply, "answers our post");
    assert_eq!(reply.remote.parent_id.as_deref(), Some(OUR_POST));
    assert_eq!(reply.remote.thread_id.as_deref(), Some(OUR_POST));
    assert_eq!(item(&store, &q).remote.kind, Kind::Quote);
    let dm = item(&store, &d);
    assert_eq!(dm.remote.kind, Kind::DirectMessage);
    // 1:1 conversations are `{smaller id}-{larger id}`.
    let author = dm.remote.author.id.clone();
    let (a, b) = if (author.len(), &author) < (BRAND_ID.len(), &BRAND_ID.to_string()) {
        (author.as_str(), BRAND_ID)
    } else {
        (BRAND_ID, author.as_str())
    };
    assert_eq!(dm.remote.thread_id, Some(format!("{a}-{b}")));
}

#[tokio::test]
async fn paging_across_page_boundaries() {
    let (x, _server, store, conn) = setup().await;
    sync_once(store.clone(), &conn, 500).await.unwrap();
    for i in 0..230 {
        x.mention("wave", &format!("@AtelierLumen concours {i}"));
    }
    for i in 0..130 {
        x.dm("bavard", &format!("message {i}"));
    }
    let report = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert_eq!(
        report.summary.new, 360,
        "three mention pages and two DM pages of 100"
    );
    let again = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert_eq!(again.summary.new, 0);
}

#[tokio::test]
async fn first_sync_depth_limit() {
    let (x, _server, store, conn) = setup().await;
    let report = sync_once(store.clone(), &conn, 3).await.unwrap();
    assert_eq!(report.summary.new, 3);
    assert!(report.truncated);
    let m = x.mention("later", "@AtelierLumen bonjour");
    let next = sync_once(store.clone(), &conn, 3).await.unwrap();
    assert!(store.find(&id(&m)).unwrap().is_some(), "{next:?}");
}

#[tokio::test]
async fn a_bad_item_is_skipped_and_the_page_kept() {
    let (x, _server, store, conn) = setup().await;
    sync_once(store.clone(), &conn, 500).await.unwrap();
    x.mention("ok1", "@AtelierLumen first");
    x.raw_mention(serde_json::json!({ "id": "1999999999999999999", "text": 42 }));
    x.mention("ok2", "@AtelierLumen second");
    let report = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert_eq!(report.summary.new, 2);
    assert_eq!(report.skipped, 1);
}

#[tokio::test]
async fn rate_limit_is_honoured_without_hammering() {
    let (x, _server, store, conn) = setup().await;
    x.faults.push(Fault::RateLimited { reset_secs: 120 });
    let before = x.requests();
    let result = sync_once(store.clone(), &conn, 500).await;
    common::assert_rate_limited(result, 120);
    assert_eq!(x.requests() - before, 1, "one request, no retry storm");
    // Once it lifts, the pass goes through.
    assert!(sync_once(store.clone(), &conn, 500).await.is_ok());
}

#[tokio::test]
async fn transient_errors_are_retried_and_malformed_answers_reported() {
    let (x, _server, store, conn) = setup().await;
    x.faults.push(Fault::ServerError);
    x.faults.push(Fault::Slow { millis: 50 });
    x.faults.push(Fault::ServerError);
    let report = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert!(report.summary.new > 0);
    x.faults.push(Fault::Malformed);
    match sync_once(store.clone(), &conn, 500).await {
        Err(SyncError::Connector(e)) => assert_eq!(e.kind, ErrorKind::BadPayload),
        other => panic!("expected a bad payload, got {other:?}"),
    }
}

#[tokio::test]
async fn an_expired_token_is_surfaced_and_a_refreshed_one_works() {
    let (x, _server, store, conn) = setup().await;
    x.expire_token(true);
    match sync_once(store.clone(), &conn, 500).await {
        Err(SyncError::Connector(e)) => assert_eq!(e.kind, ErrorKind::AuthExpired),
        other => panic!("expected an expired token, got {other:?}"),
    }
    x.expire_token(false);
    conn.set_token("not-the-token");
    match sync_once(store.clone(), &conn, 500).await {
        Err(SyncError::Connector(e)) => assert_eq!(e.kind, ErrorKind::AuthExpired),
        other => panic!("expected an expired token, got {other:?}"),
    }
    conn.set_token(TOKEN);
    assert!(
        sync_once(store.clone(), &conn, 500)
            .await
            .unwrap()
            .summary
            .new
            > 0
    );
}

async fn send(
    store: &Arc<dyn Store>,
    conn: &XConnector,
    native: &str,
    action: OutAction,
) -> SendState {
    store.enqueue(&id(native), action, "camille").unwrap();
    let done = send_due(store.clone(), conn).await.unwrap();
    assert_eq!(done.len(), 1);
    done[0].state.clone()
}

#[tokio::test]
async fn a_reply_to_a_mention_and_to_a_dm_read_back() {
    let (x, _server, store, conn) = setup().await;
    let m = x.mention("client", "@AtelierLumen ma commande est en retard");
    let d = x.dm("client", "Vous êtes là ?");
    sync_once(store.clone(), &conn, 500).await.unwrap();

    let text = "Bonjour, nous regardons tout de suite.";
    let state = send(&store, &conn, &m, OutAction::Reply { text: text.into() }).await;
    let SendState::Sent { remote_id, .. } = state else {
        panic!("{state:?}")
    };
    let posted = x.posted_by_us();
    assert!(posted.contains(&(remote_id.clone(), Some(m.clone()), text.to_string())));
    assert_eq!(item(&store, &m).local.status, Status::Answered);
    let found = conn.find_reply(&item(&store, &m), text).await.unwrap();
    assert_eq!(found, Some(remote_id), "found before any resend");

    let state = send(
        &store,
        &conn,
        &d,
        OutAction::Reply {
            text: "Oui !".into(),
        },
    )
    .await;
    assert!(matches!(state, SendState::Sent { .. }), "{state:?}");
    let dms = x.dms_by_us();
    assert_eq!(dms.len(), 1);
    assert_eq!(Some(dms[0].1.clone()), item(&store, &d).remote.thread_id);
    assert_eq!(item(&store, &d).local.status, Status::Answered);
    let found = conn.find_reply(&item(&store, &d), "Oui !").await.unwrap();
    assert_eq!(found, Some(dms[0].0.clone()));
}

#[tokio::test]
async fn hide_unhide_mute_and_delete_read_back() {
    let (x, _server, store, conn) = setup().await;
    let r = x.reply("troll", OUR_POST, "@AtelierLumen nul");
    sync_once(store.clone(), &conn, 500).await.unwrap();

    let state = send(&store, &conn, &r, OutAction::Act(Act::Hide)).await;
    assert!(matches!(state, SendState::Sent { .. }), "{state:?}");
    assert!(x.is_hidden(&r));
    assert!(item(&store, &r).remote.moderation.hidden);
    let state = send(&store, &conn, &r, OutAction::Act(Act::Unhide)).await;
    assert!(matches!(state, SendState::Sent { .. }), "{state:?}");
    assert!(!x.is_hidden(&r));
    assert!(!item(&store, &r).remote.moderation.hidden);

    let state = send(&store, &conn, &r, OutAction::Act(Act::Mute)).await;
    assert!(matches!(state, SendState::Sent { .. }), "{state:?}");
    assert!(x.is_muted(&item(&store, &r).remote.author.id));

    // Our answer, read back by the next sync as ours, then deleted.
    send(
        &store,
        &conn,
        &r,
        OutAction::Reply {
            text: "Désolés.".into(),
        },
    )
    .await;
    sync_once(store.clone(), &conn, 500).await.unwrap();
    let (ours, _, _) = x
        .posted_by_us()
        .into_iter()
        .find(|(_, parent, _)| parent.as_deref() == Some(r.as_str()))
        .unwrap();
    assert!(item(&store, &ours).remote.from_us);
    let state = send(&store, &conn, &ours, OutAction::Act(Act::Delete)).await;
    assert!(matches!(state, SendState::Sent { .. }), "{state:?}");
    assert!(!x.exists(&ours));
    assert!(item(&store, &ours).remote.moderation.deleted);
}

#[tokio::test]
async fn what_x_forbids_is_refused_before_sending() {
    let (x, server, store, conn) = setup().await;
    // A reply to someone else's reply under our post, without naming us.
    let top = x.reply("a_fan", OUR_POST, "@AtelierLumen super");
    let nested = x.reply("other", &top, "@a_fan pas d'accord");
    let stranger = x.mention("stranger", "@AtelierLumen hello");
    sync_once(store.clone(), &conn, 500).await.unwrap();
    assert_eq!(item(&store, &nested).remote.kind, Kind::Reply);

    let before = x.requests();
    let state = send(
        &store,
        &conn,
        &nested,
        OutAction::Reply {
            text: "Merci".into(),
        },
    )
    .await;
    assert!(
        matches!(&state, SendState::Failed { retry: false, error } if error.contains("mentioned or quoted")),
        "{state:?}"
    );
    for act in [Act::Like, Act::Block] {
        let state = send(&store, &conn, &stranger, OutAction::Act(act)).await;
        assert!(
            matches!(state, SendState::Failed { retry: false, .. }),
            "{state:?}"
        );
    }
    let state = send(&store, &conn, &stranger, OutAction::Act(Act::Delete)).await;
    assert!(
        matches!(state, SendState::Failed { retry: false, .. }),
        "not ours: {state:?}"
    );
    assert_eq!(x.requests(), before, "nothing reached the network");
    assert_eq!(item(&store, &nested).local.status, Status::New);

    // The network itself refuses it too, with X's problem body.
    let resp = reqwest::Client::new()
        .post(format!("{}/2/tweets", server.base))
        .bearer_auth(TOKEN)
        .json(&serde_json::json!({ "text": "Merci", "reply": { "in_reply_to_tweet_id": nested } }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 403);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["status"], 403);
    assert!(body["detail"].as_str().unwrap().contains("mentioned"));
}

#[tokio::test]
async fn enterprise_accounts_can_like_and_unlike() {
    let (x, _server, store, conn) = setup().await;
    let conn = conn.with_enterprise(true);
    let m = x.mention("fan", "@AtelierLumen bravo");
    sync_once(store.clone(), &conn, 500).await.unwrap();
    // The network refuses likes to self-serve apps.
    let state = send(&store, &conn, &m, OutAction::Act(Act::Like)).await;
    assert!(
        matches!(state, SendState::Failed { retry: false, .. }),
        "{state:?}"
    );
    x.set_enterprise(true);
    let state = send(&store, &conn, &m, OutAction::Act(Act::Like)).await;
    assert!(matches!(state, SendState::Sent { .. }), "{state:?}");
    assert!(x.is_liked(&m));
    assert!(item(&store, &m).remote.moderation.liked);
    let state = send(&store, &conn, &m, OutAction::Act(Act::Unlike)).await;
    assert!(matches!(state, SendState::Sent { .. }), "{state:?}");
    assert!(!x.is_liked(&m));
    assert!(!item(&store, &m).remote.moderation.liked);
}

#[tokio::test]
async fn an_expired_token_is_refreshed_and_the_rotating_pair_kept_sealed() {
    use guichet::networks::vault::{SessionVault, StoreVault};
    use guichet::sandbox::x::{CLIENT_ID, REFRESH_TOKEN};
    let (x, server, store, conn) = setup().await;
    let vault: Arc<dyn SessionVault> = Arc::new(StoreVault(store.clone()));
    let conn = conn.with_refresh(CLIENT_ID, REFRESH_TOKEN, Some(vault.clone()));
    x.expire_token(true);
    let report = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert!(report.summary.new > 0, "refreshed once, then read");
    assert_eq!(x.refreshes(), 1);
    assert!(!format!("{conn:?}").contains(&x.current_refresh_token()));

    // What is kept is sealed: neither token appears in clear.
    let key = format!("x:{}:{ME}", server.base);
    let sealed = vault.load(&key).expect("the pair is kept");
    let rotated = x.current_refresh_token();
    assert!(
        !sealed
            .windows(rotated.len())
            .any(|w| w == rotated.as_bytes())
    );

    // A later run starts from the kept pair: the configured refresh token
    // has rotated away, yet no new refresh or login is needed.
    let next = XConnector::new(&server.base, ME, BRAND_ID, "stale-access-token")
        .unwrap()
        .with_refresh(CLIENT_ID, REFRESH_TOKEN, Some(vault.clone()));
    let m = x.mention("fan", "@AtelierLumen re");
    sync_once(store.clone(), &next, 500).await.unwrap();
    assert!(store.find(&id(&m)).unwrap().is_some());
    assert_eq!(x.refreshes(), 1);

    // A refused refresh (revoked) is reported as such.
    let lost = XConnector::new(&server.base, ME, BRAND_ID, "stale-access-token")
        .unwrap()
        .with_refresh(CLIENT_ID, "revoked-refresh-token", None);
    match sync_once(store.clone(), &lost, 500).await {
        Err(SyncError::Connector(e)) => assert_eq!(e.kind, ErrorKind::AuthRevoked),
        other => panic!("expected a revoked grant, got {other:?}"),
    }
}

/// An account configured as `guichet login x` prints it: `client_id`,
/// and a token command yielding the refresh token.
fn refreshing_account(base: &str, refresh_token: &str) -> guichet::config::AccountConfig {
    guichet::config::AccountConfig {
        network: Network::X,
        handle: ME.to_string(),
        base_url: base.to_string(),
        token: guichet::config::TokenSource::Fixed(refresh_token.to_string()),
        first_sync_depth: 500,
        meta: None,
        ids: guichet::config::accounts::NetworkIds {
            user_id: Some(BRAND_ID.to_string()),
            client_id: Some(guichet::sandbox::x::CLIENT_ID.to_string()),
            ..Default::default()
        },
    }
}

#[tokio::test]
async fn an_account_with_a_client_id_syncs_from_its_refresh_token_and_keeps_the_pair() {
    use guichet::sandbox::x::REFRESH_TOKEN;
    use guichet::sync::engine::connector_keeping;
    let (x, server, store, _) = setup().await;
    let account = refreshing_account(&server.base, REFRESH_TOKEN);
    let conn = connector_keeping(&account, store.clone()).await.unwrap();
    let report = sync_once(store.clone(), &conn, 500).await.unwrap();
    assert!(report.summary.new > 0);
    assert_eq!(x.refreshes(), 1, "the first call refreshed");
    assert_ne!(x.current_refresh_token(), REFRESH_TOKEN, "it rotated");

    // The next run reads the same configured (now rotated away) refresh
    // token, and goes on with the sealed pair: no second refresh.
    let m = x.mention("fan", "@AtelierLumen encore");
    let again = connector_keeping(&account, store.clone()).await.unwrap();
    sync_once(store.clone(), &again, 500).await.unwrap();
    assert!(store.find(&id(&m)).unwrap().is_some());
    assert_eq!(x.refreshes(), 1);

    // Without a store to keep the pair, the rotated-away token is refused.
    let forgetful = guichet::sync::engine::connector_for(&account)
        .await
        .unwrap();
    match sync_once(store.clone(), &forgetful, 500).await {
        Err(SyncError::Connector(e)) => assert_eq!(e.kind, ErrorKind::AuthRevoked),
        other => panic!("expected a refused refresh, got {other:?}"),
    }
}

#[tokio::test]
async fn the_authorization_code_grant_checks_the_pkce_verifier() {
    use base64::Engine as _;
    use guichet::sandbox::x::CLIENT_ID;
    let (x, server, _, _) = setup().await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let redirect = "http://127.0.0.1:8765/callback";
    let verifier = "a-verifier-of-more-than-forty-three-characters-0123456789";
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(<sha2::Sha256 as sha2::Digest>::digest(verifier.as_bytes()));
    let authorize = |method: &'static str| {
        let (http, base, challenge) = (http.clone(), server.base.clone(), challenge.clone());
        async move {
            let resp = http
                .get(format!("{base}/i/oauth2/authorize"))
                .query(&[
                    ("response_type", "code"),
                    ("client_id", CLIENT_ID),
                    ("redirect_uri", redirect),
                    ("scope", "tweet.read users.read offline.access"),
                    ("state", "s1"),
                    ("code_challenge", challenge.as_str()),
                    ("code_challenge_method", method),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 302);
            let to = reqwest::Url::parse(resp.headers()["location"].to_str().unwrap()).unwrap();
            assert!(to.as_str().starts_with(redirect), "{to}");
            to.query_pairs()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<std::collections::HashMap<_, _>>()
        }
    };
    let exchange = |code: String, verifier: &'static str| {
        let (http, base) = (http.clone(), server.base.clone());
        async move {
            http.post(format!("{base}/2/oauth2/token"))
                .form(&[
                    ("code", code.as_str()),
                    ("grant_type", "authorization_code"),
                    ("client_id", CLIENT_ID),
                    ("redirect_uri", redirect),
                    ("code_verifier", verifier),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    // Only S256 is accepted.
    let plain = authorize("plain").await;
    assert_eq!(plain["error"], "invalid_request");
    assert_eq!(plain["state"], "s1");

    // A wrong verifier is refused, and the code is spent.
    let code = authorize("S256").await["code"].clone();
    let wrong = exchange(
        code.clone(),
        "another-verifier-of-more-than-forty-three-chars-xyz",
    )
    .await;
    assert_eq!(wrong.status(), 400);
    let body: serde_json::Value = wrong.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("verifier")
    );
    assert_eq!(exchange(code, verifier).await.status(), 400, "used once");
    assert_eq!(x.logins(), 0);

    // The right verifier gets the access and the refresh tokens.
    let code = authorize("S256").await["code"].clone();
    let ok = exchange(code, verifier).await;
    assert_eq!(ok.status(), 200);
    let body: serde_json::Value = ok.json().await.unwrap();
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(
        body["refresh_token"].as_str(),
        Some(x.current_refresh_token().as_str())
    );
    assert!(body["access_token"].as_str().is_some());
    assert_eq!(x.logins(), 1);

    // An unknown client is an error page, not a redirect.
    let resp = http
        .get(format!("{}/i/oauth2/authorize", server.base))
        .query(&[("client_id", "nobody"), ("redirect_uri", redirect)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
}
