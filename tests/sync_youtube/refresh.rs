//! A YouTube account as `guichet login youtube` prints it (`client_id`,
//! `client_secret`, `token_url`, and a token command yielding the refresh
//! token): the connector gets its access tokens itself, refreshes on a
//! 401, keeps the access token sealed for the next run, and reports a
//! revoked grant as `AuthRevoked`.

use guichet::config::AccountConfig;
use guichet::config::accounts::NetworkIds;
use guichet::sandbox::youtube::{CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN};
use guichet::sync::engine::{AnyConnector, connector_keeping};

use super::*;

fn refreshing_account(server: &Server, refresh_token: &str) -> AccountConfig {
    AccountConfig {
        network: Network::YouTube,
        handle: ME.to_string(),
        base_url: server.base.clone(),
        token: guichet::config::TokenSource::Fixed(refresh_token.to_string()),
        first_sync_depth: 500,
        meta: None,
        ids: NetworkIds {
            channel_id: Some(CHANNEL_ID.to_string()),
            client_id: Some(CLIENT_ID.to_string()),
            client_secret: Some(CLIENT_SECRET.to_string()),
            token_url: Some(format!("{}/token", server.base)),
            ..Default::default()
        },
    }
}

async fn keeping(account: &AccountConfig, store: &Arc<dyn Store>) -> YouTubeConnector {
    match connector_keeping(account, store.clone()).await.unwrap() {
        AnyConnector::YouTube(c) => c,
        other => panic!("not a YouTube connector: {other:?}"),
    }
}

#[tokio::test]
async fn a_refresh_token_account_refreshes_on_401_and_keeps_the_access_token_sealed() {
    let (server, store, _) = setup().await;
    let account = refreshing_account(&server, REFRESH_TOKEN);
    let conn = keeping(&account, &store).await;
    let report = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(report.summary.new, demo_count());
    assert_eq!(server.yt.refreshes(), 1, "the first call refreshed");

    // A new run reuses the sealed access token: no refresh.
    let again = keeping(&account, &store).await;
    sync_once(store.clone(), &again, 5_000).await.unwrap();
    assert_eq!(server.yt.refreshes(), 1);

    // The access token expires: the 401 brings a refresh and one retry.
    server.yt.expire_access_tokens();
    let video = server.yt.newest_video().unwrap();
    server
        .yt
        .comment(&video, None, FAN, "Encore une question ?", Utc::now());
    let report = sync_once(store.clone(), &again, 5_000).await.unwrap();
    assert_eq!(report.summary.new, 1);
    assert_eq!(server.yt.refreshes(), 2);

    // Nothing of the tokens is kept in clear.
    assert!(!format!("{again:?}").contains("ya29"));
}

#[tokio::test]
async fn a_revoked_refresh_token_is_auth_revoked() {
    let (server, store, _) = setup().await;
    server.yt.revoke();
    let conn = keeping(&refreshing_account(&server, REFRESH_TOKEN), &store).await;
    match sync_once(store.clone(), &conn, 5_000).await {
        Err(SyncError::Connector(e)) => {
            assert_eq!(e.kind, ErrorKind::AuthRevoked);
            assert!(!e.to_string().contains(REFRESH_TOKEN), "never shown");
        }
        other => panic!("expected a revoked grant, got {other:?}"),
    }
    // A wrong refresh token too (Google's `invalid_grant`).
    let wrong = keeping(&refreshing_account(&server, "1//not-it"), &store).await;
    match sync_once(store.clone(), &wrong, 5_000).await {
        Err(SyncError::Connector(e)) => assert_eq!(e.kind, ErrorKind::AuthRevoked),
        other => panic!("expected a refused refresh, got {other:?}"),
    }
}
