//! Keeping the YouTube access token alive (§4): Google access tokens last
//! about an hour; `guichet login youtube` keeps the refresh token (Google
//! does not rotate it), and the connector turns it into access tokens at
//! the token URL (`grant_type=refresh_token`, `client_id`, `client_secret`)
//! before its first call and again on a 401 (the call is retried once).
//! A refused refresh (`invalid_grant`) is `AuthRevoked`: log in again.
//!
//! The current access token and its expiry are kept between runs only
//! sealed (`networks::vault`, under a key derived from the refresh token),
//! so the next run reuses it until it expires.

use std::sync::Arc;

use chrono::Utc;
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;

use super::YouTubeConnector;
use super::client::{Client, err};
use crate::networks::error::{ConnectorError, ErrorKind};
use crate::networks::vault::{self, SessionVault};

/// Google's token endpoint.
pub const DEFAULT_TOKEN_URL: &str = "https://oauth2.googleapis.com/token";

/// What refreshing needs. `Debug` shows no secret.
pub struct Refresher {
    client_id: String,
    client_secret: String,
    refresh_token: String,
    token_url: String,
    vault: Option<Arc<dyn SessionVault>>,
    key: String,
    account: String,
    busy: Mutex<()>,
}

impl std::fmt::Debug for Refresher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Refresher")
            .field("client_id", &self.client_id)
            .field("token_url", &self.token_url)
            .field("sealed", &self.vault.is_some())
            .finish_non_exhaustive()
    }
}

/// The access token kept sealed, with when it stops working.
#[derive(Serialize, Deserialize)]
struct Kept {
    access_token: String,
    /// Unix seconds.
    expires_at: i64,
}

/// The OAuth client of a `guichet login youtube` account.
#[derive(Debug, Clone)]
pub struct OAuthClient {
    pub client_id: String,
    pub client_secret: String,
    /// `None`: [`DEFAULT_TOKEN_URL`].
    pub token_url: Option<String>,
}

impl YouTubeConnector {
    /// Turns `refresh_token` into access tokens with `oauth`, keeping the
    /// current one sealed in `vault` (`None`: in memory only). A token an
    /// earlier run kept, still valid, is used at once.
    pub fn with_refresh(
        mut self,
        oauth: &OAuthClient,
        refresh_token: &str,
        vault: Option<Arc<dyn SessionVault>>,
    ) -> YouTubeConnector {
        let key = format!("youtube:{}:{}", self.client.root(), self.account);
        let kept = vault
            .as_ref()
            .and_then(|v| vault::kept::<Kept>(v.as_ref(), &key, refresh_token, &self.account))
            .filter(|k| k.expires_at > Utc::now().timestamp() + 60);
        self.client
            .set_token(kept.as_ref().map_or("", |k| k.access_token.as_str()));
        self.client.refresher = Some(Arc::new(Refresher {
            client_id: oauth.client_id.clone(),
            client_secret: oauth.client_secret.clone(),
            refresh_token: refresh_token.to_string(),
            token_url: oauth
                .token_url
                .clone()
                .unwrap_or_else(|| DEFAULT_TOKEN_URL.to_string()),
            vault,
            key,
            account: self.account.clone(),
            busy: Mutex::new(()),
        }));
        self
    }
}

/// Gets a new access token unless another call already replaced `used`.
pub(super) async fn refresh(client: &Client, used: &str) -> Result<(), ConnectorError> {
    let Some(r) = client.refresher.clone() else {
        return Ok(());
    };
    let _busy = r.busy.lock().await;
    if client.token() != used {
        return Ok(());
    }
    let mut form = vec![
        ("grant_type", "refresh_token"),
        ("refresh_token", r.refresh_token.as_str()),
        ("client_id", r.client_id.as_str()),
    ];
    if !r.client_secret.is_empty() {
        form.push(("client_secret", r.client_secret.as_str()));
    }
    let resp = client
        .client
        .post(&r.token_url)
        .form(&form)
        .send()
        .await
        .map_err(|e| {
            err(
                ErrorKind::Transient,
                format!("refreshing the token: {}", e.without_url()),
            )
        })?;
    let status = resp.status();
    let body: serde_json::Value = resp.json().await.unwrap_or_default();
    if status.is_server_error() {
        return Err(err(
            ErrorKind::Transient,
            format!("refreshing the token: HTTP {status}"),
        ));
    }
    let access = body
        .get("access_token")
        .and_then(serde_json::Value::as_str)
        .filter(|_| status.is_success());
    let Some(access) = access else {
        let why = body
            .get("error_description")
            .or_else(|| body.get("error"))
            .and_then(serde_json::Value::as_str)
            .unwrap_or("the refresh token was refused");
        return Err(err(
            ErrorKind::AuthRevoked,
            format!("refreshing the token: {why}; run `guichet login youtube` again"),
        ));
    };
    client.set_token(access);
    let expires_in = body
        .get("expires_in")
        .and_then(serde_json::Value::as_i64)
        .unwrap_or(3600);
    if let Some(v) = &r.vault {
        let kept = Kept {
            access_token: access.to_string(),
            expires_at: Utc::now().timestamp() + expires_in,
        };
        vault::keep(v.as_ref(), &r.key, &r.refresh_token, &r.account, &kept);
    }
    Ok(())
}
