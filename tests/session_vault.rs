//! A Bluesky session kept between runs: sealed in the store with a key
//! from the app password, reused by the next run instead of a new login,
//! refreshed when it expired, and useless with another password.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use guichet::model::Network;
use guichet::networks::bluesky::BlueskyConnector;
use guichet::networks::connector::Connector;
use guichet::networks::error::ErrorKind;
use guichet::networks::vault::StoreVault;
use guichet::sandbox::Sandbox;
use guichet::sandbox::bluesky::APP_PASSWORD;
use guichet::store::{SledStore, Store};

const ME: &str = "atelierlumen.bsky.social";
const LOGIN: &str = "com.atproto.server.createSession";
const REFRESH: &str = "com.atproto.server.refreshSession";

fn connector(sandbox: &Sandbox, store: &Arc<dyn Store>, password: &str) -> BlueskyConnector {
    BlueskyConnector::new(&sandbox.base_url(Network::Bluesky), ME, password)
        .unwrap()
        .with_vault(Arc::new(StoreVault(store.clone())))
}

#[tokio::test]
async fn the_next_run_reuses_the_sealed_session_instead_of_logging_in() {
    let sandbox = Sandbox::start(&[(Network::Bluesky, ME)], &[])
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(SledStore::open(dir.path()).unwrap());
    connector(&sandbox, &store, APP_PASSWORD)
        .fetch_new(None, 10)
        .await
        .unwrap();
    assert_eq!(sandbox.bluesky.calls(LOGIN), 1);

    // Sealed: the store holds no token in clear.
    let sealed = store
        .sealed(&format!(
            "bluesky:{}:{ME}",
            sandbox.base_url(Network::Bluesky)
        ))
        .unwrap()
        .expect("the session is kept");
    assert!(
        !String::from_utf8_lossy(&sealed).contains("eyJ"),
        "no JWT in clear"
    );
    assert!(!String::from_utf8_lossy(&sealed).contains("accessJwt"));

    // A new run (a new connector) uses it: no second login.
    connector(&sandbox, &store, APP_PASSWORD)
        .fetch_new(None, 10)
        .await
        .unwrap();
    assert_eq!(sandbox.bluesky.calls(LOGIN), 1, "no new login");

    // Expired since: the next run refreshes it, still without logging in,
    // and keeps the refreshed pair.
    sandbox.bluesky.expire_sessions();
    connector(&sandbox, &store, APP_PASSWORD)
        .fetch_new(None, 10)
        .await
        .unwrap();
    assert_eq!(sandbox.bluesky.calls(REFRESH), 1);
    assert_eq!(sandbox.bluesky.calls(LOGIN), 1);
    connector(&sandbox, &store, APP_PASSWORD)
        .fetch_new(None, 10)
        .await
        .unwrap();
    assert_eq!(
        (sandbox.bluesky.calls(REFRESH), sandbox.bluesky.calls(LOGIN)),
        (1, 1),
        "the refreshed session was kept"
    );
}

#[tokio::test]
async fn a_kept_session_is_useless_without_its_app_password() {
    let sandbox = Sandbox::start(&[(Network::Bluesky, ME)], &[])
        .await
        .unwrap();
    let store: Arc<dyn Store> = Arc::new(SledStore::temporary().unwrap());
    connector(&sandbox, &store, APP_PASSWORD)
        .fetch_new(None, 10)
        .await
        .unwrap();
    let err = connector(&sandbox, &store, "wrong-pass-word-xxxx")
        .fetch_new(None, 10)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::AuthRevoked, "{err}");
    assert_eq!(
        sandbox.bluesky.calls(LOGIN),
        2,
        "it had to log in, and failed"
    );
}
