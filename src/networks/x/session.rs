//! Keeping the X user token alive (§3): OAuth 2.0 access tokens last 2
//! hours; with `offline.access` a refresh token comes along, and each
//! `POST /2/oauth2/token` (`grant_type=refresh_token`, `client_id`) hands
//! back a new pair (refresh tokens rotate: the old one stops working).
//!
//! The current pair is kept between runs only sealed (`networks::vault`,
//! XChaCha20-Poly1305 under a key derived from the refresh token the user
//! configured), as the Bluesky session is. On a 401 the connector refreshes
//! once and retries the call; a refused refresh is `AuthRevoked` (log in
//! again).

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;

use super::{XConnector, err};
use crate::model::Network;
use crate::networks::error::{ConnectorError, ErrorKind};
use crate::networks::vault::{self, SessionVault};

/// What refreshing needs. `Debug` shows no token.
pub struct Refresher {
    client_id: String,
    /// The refresh token the user configured: the sealing credential.
    configured: String,
    vault: Option<Arc<dyn SessionVault>>,
    /// The newest refresh token (it rotates on every use).
    current: Mutex<String>,
}

impl std::fmt::Debug for Refresher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Refresher")
            .field("client_id", &self.client_id)
            .field("sealed", &self.vault.is_some())
            .finish_non_exhaustive()
    }
}

/// The pair kept sealed.
#[derive(Serialize, Deserialize)]
struct Pair {
    access_token: String,
    refresh_token: String,
}

impl XConnector {
    /// Refreshes the token when it expires: `client_id` of the X app,
    /// the `refresh_token` from login (scope `offline.access`), and where
    /// to keep the rotating pair sealed (`None`: in memory only). A pair
    /// kept by an earlier run is used at once.
    pub fn with_refresh(
        self,
        client_id: &str,
        refresh_token: &str,
        vault: Option<Arc<dyn SessionVault>>,
    ) -> XConnector {
        let mut current = refresh_token.to_string();
        let kept = vault.as_ref().and_then(|v| {
            vault::kept::<Pair>(v.as_ref(), &self.vault_key(), refresh_token, &self.handle)
        });
        if let Some(pair) = kept {
            self.set_token(&pair.access_token);
            current = pair.refresh_token;
        }
        XConnector {
            refresher: Some(Arc::new(Refresher {
                client_id: client_id.to_string(),
                configured: refresh_token.to_string(),
                vault,
                current: Mutex::new(current),
            })),
            ..self
        }
    }

    fn vault_key(&self) -> String {
        format!("{}:{}:{}", Network::X.as_str(), self.base, self.handle)
    }

    /// Gets a new pair; `Ok(false)` when no refresh is configured.
    pub(super) async fn refresh(&self, used: &str) -> Result<bool, ConnectorError> {
        let Some(r) = self.refresher.clone() else {
            return Ok(false);
        };
        let mut current = r.current.lock().await;
        if self.token() != used {
            return Ok(true); // another call refreshed meanwhile
        }
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", current.as_str()),
            ("client_id", r.client_id.as_str()),
        ];
        let resp = self
            .client
            .post(format!("{}/2/oauth2/token", self.base))
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
        let pair: Pair = match serde_json::from_value(body.clone()) {
            Ok(p) if status.is_success() => p,
            _ => {
                let why = body
                    .get("error_description")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or("the refresh token was refused");
                return Err(err(
                    ErrorKind::AuthRevoked,
                    format!("refreshing the token: {why}"),
                ));
            }
        };
        self.set_token(&pair.access_token);
        *current = pair.refresh_token.clone();
        if let Some(v) = &r.vault {
            vault::keep(
                v.as_ref(),
                &self.vault_key(),
                &r.configured,
                &self.handle,
                &pair,
            );
        }
        Ok(true)
    }
}
