//! A TikTok account as `guichet login tiktok --client-id … --client-secret …`
//! prints it (`client_id`, `client_secret`, and a token command yielding
//! the refresh token): the connector gets its access tokens itself,
//! refreshes on the expired-token code (40102), keeps the access token and
//! the rotated refresh token sealed for the next run, and reports a
//! refused refresh as `AuthRevoked`.

use guichet::config::AccountConfig;
use guichet::config::accounts::NetworkIds;
use guichet::sandbox::tiktok::{APP_ID, APP_SECRET, REFRESH_TOKEN};
use guichet::sync::engine::{AnyConnector, connector_keeping};

use super::*;

const FAN: (&str, &str, &str) = ("MS4wLjABAAAAfan0Refresh", "fan.refresh", "Fan Refresh");

fn refreshing_account(server: &Server, refresh_token: &str) -> AccountConfig {
    AccountConfig {
        network: Network::TikTok,
        handle: ME.to_string(),
        base_url: server.base.clone(),
        token: guichet::config::TokenSource::Fixed(refresh_token.to_string()),
        first_sync_depth: 500,
        meta: None,
        ids: NetworkIds {
            business_id: Some(BUSINESS_ID.to_string()),
            client_id: Some(APP_ID.to_string()),
            client_secret: Some(APP_SECRET.to_string()),
            ..Default::default()
        },
    }
}

async fn keeping(account: &AccountConfig, store: &Arc<dyn Store>) -> TikTokConnector {
    match connector_keeping(account, store.clone()).await.unwrap() {
        AnyConnector::TikTok(c) => c,
        other => panic!("not a TikTok connector: {other:?}"),
    }
}

#[tokio::test]
async fn a_refresh_token_account_refreshes_when_expired_and_keeps_its_tokens_sealed() {
    let (server, store, _) = setup().await;
    let account = refreshing_account(&server, REFRESH_TOKEN);
    let conn = keeping(&account, &store).await;
    let report = sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert_eq!(report.summary.new, demo_count());
    assert_eq!(server.tt.refreshes(), 1, "the first call refreshed");

    // A new run reuses the sealed access token: no refresh.
    let again = keeping(&account, &store).await;
    sync_once(store.clone(), &again, 5_000).await.unwrap();
    assert_eq!(server.tt.refreshes(), 1);

    // The access token expires: 40102 brings a refresh and one retry.
    server.tt.expire_access_tokens();
    let video = server.tt.newest_video().unwrap();
    server
        .tt
        .comment(&video, None, FAN, "Encore une question ?", Utc::now());
    let report = sync_once(store.clone(), &again, 5_000).await.unwrap();
    assert_eq!(report.summary.new, 1);
    assert_eq!(server.tt.refreshes(), 2);

    // The refresh token was rotated: a later run, whose configured token
    // TikTok no longer takes, refreshes with the sealed rotated one.
    assert_ne!(server.tt.current_refresh_token(), REFRESH_TOKEN);
    server.tt.expire_access_tokens();
    let later = keeping(&account, &store).await;
    sync_once(store.clone(), &later, 5_000).await.unwrap();
    assert_eq!(server.tt.refreshes(), 3);

    // Nothing of the tokens is shown.
    let shown = format!("{later:?}");
    assert!(!shown.contains(TOKEN) && !shown.contains(REFRESH_TOKEN));
    assert!(!shown.contains(APP_SECRET));
}

#[tokio::test]
async fn a_refused_refresh_token_is_auth_revoked() {
    let (server, store, _) = setup().await;
    let wrong = keeping(
        &refreshing_account(&server, "not-the-refresh-token"),
        &store,
    )
    .await;
    match sync_once(store.clone(), &wrong, 5_000).await {
        Err(SyncError::Connector(e)) => {
            assert_eq!(e.kind, ErrorKind::AuthRevoked);
            assert!(
                !e.to_string().contains("not-the-refresh-token"),
                "never shown"
            );
            assert!(e.to_string().contains("guichet login tiktok"), "{e}");
        }
        other => panic!("expected a refused refresh, got {other:?}"),
    }
    assert_eq!(server.tt.refreshes(), 0);
    // A wrong app secret is refused the same way.
    let mut account = refreshing_account(&server, REFRESH_TOKEN);
    account.ids.client_secret = Some("not-the-secret".to_string());
    let bad_app = keeping(&account, &store).await;
    match sync_once(store.clone(), &bad_app, 5_000).await {
        Err(SyncError::Connector(e)) => assert_eq!(e.kind, ErrorKind::AuthRevoked),
        other => panic!("expected a refused refresh, got {other:?}"),
    }
}
