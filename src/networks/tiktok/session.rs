//! Keeping the TikTok access token alive (`reference/networks.md` §5
//! "Auth"): access tokens last 24 hours, refresh tokens a year. With a
//! `client_id` (the App ID) and `client_secret`, the account's token is the
//! refresh token, and the connector turns it into access tokens at
//! `tt_user/oauth2/refresh_token/` before its first call and again on the
//! expired-token code (40102, `AuthExpired`), retrying the call once. A
//! refused refresh is `AuthRevoked`: log in again.
//!
//! TikTok may rotate the refresh token: the current access token, its
//! expiry and the current refresh token are kept between runs only sealed
//! (`networks::vault`, under a key derived from the configured refresh
//! token), so the next run reuses them.

use std::sync::Arc;

use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::sync::Mutex;

use super::TikTokConnector;
use super::wire::{Wire, err};
use crate::networks::error::{ConnectorError, ErrorKind};
use crate::networks::vault::{self, SessionVault};

/// The refresh call, under `/open_api/v1.3`.
pub const REFRESH_PATH: &str = "tt_user/oauth2/refresh_token/";

/// What refreshing needs. `Debug` shows no secret.
pub struct Refresher {
    client_id: String,
    client_secret: String,
    /// The configured refresh token: the sealing key.
    configured: String,
    /// The current refresh token (TikTok may rotate it).
    current: std::sync::Mutex<String>,
    vault: Option<Arc<dyn SessionVault>>,
    key: String,
    account: String,
    busy: Mutex<()>,
}

impl std::fmt::Debug for Refresher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Refresher")
            .field("client_id", &self.client_id)
            .field("sealed", &self.vault.is_some())
            .finish_non_exhaustive()
    }
}

/// The tokens kept sealed.
#[derive(Serialize, Deserialize)]
struct Kept {
    access_token: String,
    /// Unix seconds.
    expires_at: i64,
    refresh_token: String,
}

/// What a refresh answered. `Debug` shows no token.
pub struct Refreshed {
    pub access_token: String,
    pub refresh_token: String,
    /// Seconds the access token lasts.
    pub expires_in: i64,
    /// The account holder's `open_id` (the `business_id`).
    pub open_id: String,
}

impl std::fmt::Debug for Refreshed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Refreshed")
            .field("expires_in", &self.expires_in)
            .field("open_id", &self.open_id)
            .finish_non_exhaustive()
    }
}

impl TikTokConnector {
    /// Turns `refresh_token` into access tokens with the app's `client_id`
    /// and `client_secret`, keeping the tokens sealed in `vault` (`None`:
    /// in memory only). An access token an earlier run kept, still valid,
    /// is used at once.
    pub fn with_refresh(
        mut self,
        client_id: &str,
        client_secret: &str,
        refresh_token: &str,
        vault: Option<Arc<dyn SessionVault>>,
    ) -> TikTokConnector {
        let key = format!("tiktok:{}:{}", self.wire.root(), self.account);
        let kept = vault
            .as_ref()
            .and_then(|v| vault::kept::<Kept>(v.as_ref(), &key, refresh_token, &self.account));
        let access = kept
            .as_ref()
            .filter(|k| k.expires_at > Utc::now().timestamp() + 60)
            .map_or("", |k| k.access_token.as_str());
        self.wire.set_token(access);
        let current = kept
            .as_ref()
            .map(|k| k.refresh_token.clone())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| refresh_token.to_string());
        self.wire.refresher = Some(Arc::new(Refresher {
            client_id: client_id.to_string(),
            client_secret: client_secret.to_string(),
            configured: refresh_token.to_string(),
            current: std::sync::Mutex::new(current),
            vault,
            key,
            account: self.account.clone(),
            busy: Mutex::new(()),
        }));
        self
    }
}

/// One refresh against `wire`'s API: a refused refresh token (any
/// non-zero code but a transient or rate-limited one) is `AuthRevoked`.
pub(super) async fn exchange(
    wire: &Wire,
    client_id: &str,
    client_secret: &str,
    refresh_token: &str,
) -> Result<Refreshed, ConnectorError> {
    let body = json!({
        "client_id": client_id,
        "client_secret": client_secret,
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
    });
    let req = wire.client.post(wire.url(REFRESH_PATH)).json(&body);
    let data = match wire.once(req).await {
        Ok(data) => data,
        Err(e) if matches!(e.kind, ErrorKind::Transient | ErrorKind::RateLimited { .. }) => {
            return Err(err(e.kind, format!("refreshing the token: {}", e.message)));
        }
        Err(e) => {
            return Err(err(
                ErrorKind::AuthRevoked,
                format!(
                    "refreshing the token: {}; run `guichet login tiktok` again",
                    e.message
                ),
            ));
        }
    };
    let text = |k: &str| {
        data.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let Some(access_token) = text("access_token") else {
        return Err(err(
            ErrorKind::AuthRevoked,
            "refreshing the token: the answer has no access_token; run `guichet login tiktok` again",
        ));
    };
    Ok(Refreshed {
        access_token,
        refresh_token: text("refresh_token").unwrap_or_else(|| refresh_token.to_string()),
        expires_in: data
            .get("expires_in")
            .and_then(Value::as_i64)
            .unwrap_or(86_400),
        open_id: text("open_id").unwrap_or_default(),
    })
}

/// Gets a new access token unless another call already replaced `used`.
pub(super) async fn refresh(wire: &Wire, used: &str) -> Result<(), ConnectorError> {
    let Some(r) = wire.refresher.clone() else {
        return Ok(());
    };
    let _busy = r.busy.lock().await;
    if wire.token() != used {
        return Ok(());
    }
    let current = r
        .current
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    let got = exchange(wire, &r.client_id, &r.client_secret, &current).await?;
    wire.set_token(&got.access_token);
    *r.current
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = got.refresh_token.clone();
    if let Some(v) = &r.vault {
        let kept = Kept {
            access_token: got.access_token,
            expires_at: Utc::now().timestamp() + got.expires_in,
            refresh_token: got.refresh_token,
        };
        vault::keep(v.as_ref(), &r.key, &r.configured, &r.account, &kept);
    }
    Ok(())
}

/// For `guichet login tiktok`: checks `refresh_token` by refreshing once
/// against `base` (the API host), and says what TikTok answered.
pub async fn check_refresh(
    base: &str,
    client_id: &str,
    client_secret: &str,
    refresh_token: &str,
) -> Result<Refreshed, ConnectorError> {
    let root = format!("{}/{}", base.trim_end_matches('/'), super::API_PATH);
    let wire = Wire::new(&root, "")?;
    exchange(&wire, client_id, client_secret, refresh_token).await
}
