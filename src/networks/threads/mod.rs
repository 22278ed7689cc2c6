//! Threads connector (`reference/networks.md` §7): replies under the
//! brand's own posts, and the posts that mention it, through the Threads
//! Graph API (`https://graph.threads.net/v1.0`) with the account's
//! 60-day long-lived token.
//!
//! Reading (`read.rs`): `GET /{user-id}/threads` (own posts, newest
//! first), then each post's `GET /{media-id}/conversation` (all depths,
//! flattened, `reverse=true` = newest first) with `hide_status`,
//! `is_reply`, `replied_to`, `root_post`; and `GET /{user-id}/mentions`.
//! Incremental scheme: Graph's shared `since`-style cursor (`graph.rs`):
//! the Unix time of the newest item seen, re-read with an overlap.
//!
//! Writing (`write.rs`): a reply is a TEXT container then a publish;
//! hide/unhide is `POST /{reply-id}/manage_reply`; delete only our own.
//! What Threads forbids (likes, deleting others' replies, hiding nested
//! replies) is refused by `Capabilities::check` before anything is sent.
//!
//! The token (`token.rs`) is refreshed with `th_refresh_token` when close
//! to expiry and kept sealed in the session vault, so the next run (or a
//! second connector) uses the refreshed one.

mod read;
mod token;
mod write;

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::connector::{Act, Connector, Fetched};
use super::error::{ConnectorError, ErrorKind};
use super::http::{Answer, Http};
use super::vault::SessionVault;
use crate::model::{Item, Network};

/// The Threads API version path guichet is written against (§7).
pub const VERSION: &str = "v1.0";
/// The real host (`graph.threads.com` is documented to work too).
pub const DEFAULT_BASE: &str = "https://graph.threads.net";

/// A secret string whose `Debug` never shows it.
#[derive(Clone)]
struct Secret(String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("…")
    }
}

/// The Threads connector for one brand account.
#[derive(Clone)]
pub struct ThreadsConnector {
    /// The brand's Threads username, used in item ids (`threads:{account}:…`).
    account: String,
    /// The numeric Threads user id (`/{threads-user-id}/…`).
    user_id: String,
    /// `https://graph.threads.net` (or the sandbox's), without the version.
    base: String,
    /// The token from the configuration (also the key the kept token is sealed with).
    configured: Secret,
    /// The token in use, with what we know of its lifetime.
    token: Arc<Mutex<token::Held>>,
    http: Http,
    vault: Option<Arc<dyn SessionVault>>,
}

impl std::fmt::Debug for ThreadsConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ThreadsConnector")
            .field("account", &self.account)
            .field("user_id", &self.user_id)
            .field("base", &self.base)
            .field("token", &"…")
            .finish()
    }
}

impl ThreadsConnector {
    /// `base` is the Threads Graph host ([`DEFAULT_BASE`], or the sandbox's
    /// `http://127.0.0.1:P/threads`); the version path is added here.
    /// `account` is the brand's Threads username (without `@`), `user_id`
    /// its numeric Threads user id, `token` the 60-day long-lived token.
    /// Its expiry is unknown until [`with_token_expiry`](Self::with_token_expiry)
    /// says it or a refresh (tried once at first use) tells it.
    pub fn new(
        base: &str,
        account: &str,
        user_id: &str,
        token: &str,
    ) -> Result<ThreadsConnector, ConnectorError> {
        Ok(ThreadsConnector {
            account: account.trim_start_matches('@').to_string(),
            user_id: user_id.to_string(),
            base: base.trim_end_matches('/').to_string(),
            configured: Secret(token.to_string()),
            token: Arc::new(Mutex::new(token::Held::new(token))),
            http: Http::new(Network::Threads)?,
            vault: None,
        })
    }

    /// When the configured token expires (login knows it from `expires_in`).
    pub fn with_token_expiry(self, expires_at: DateTime<Utc>) -> ThreadsConnector {
        self.held().expires_at = Some(expires_at);
        self
    }

    /// Keeps refreshed tokens in `vault` between runs, sealed with the
    /// configured token (as Bluesky's `with_vault` does with its session).
    pub fn with_vault(mut self, vault: Arc<dyn SessionVault>) -> ThreadsConnector {
        self.vault = Some(vault);
        self.load_kept();
        self
    }

    /// The token currently in use was refreshed by guichet (tests, status).
    pub fn token_refreshed(&self) -> bool {
        self.held().access.0 != self.configured.0
    }

    fn held(&self) -> std::sync::MutexGuard<'_, token::Held> {
        self.token
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn url(&self, path: &str) -> String {
        format!("{}/{VERSION}/{}", self.base, path.trim_start_matches('/'))
    }

    fn err(&self, kind: ErrorKind, msg: impl Into<String>) -> ConnectorError {
        ConnectorError::new(Network::Threads, kind, msg.into())
    }

    /// The token to send, refreshed first when it is close to expiry.
    async fn bearer(&self) -> Result<String, ConnectorError> {
        self.refresh_if_due().await?;
        Ok(self.held().access.0.clone())
    }

    /// A GET that also stops when the usage headers say the budget is spent.
    async fn get(&self, url: &str) -> Result<Value, ConnectorError> {
        let token = self.bearer().await?;
        let answer = self.http.get(url, &token).await?;
        self.pace(&answer)?;
        Ok(answer.body)
    }

    async fn post(&self, path: &str, body: &Value) -> Result<Value, ConnectorError> {
        let token = self.bearer().await?;
        let answer = self
            .http
            .post_json(&self.url(path), &token, body, None)
            .await?;
        Ok(answer.body)
    }

    async fn delete(&self, path: &str) -> Result<Value, ConnectorError> {
        let token = self.bearer().await?;
        Ok(self.http.delete(&self.url(path), &token).await?.body)
    }

    fn pace(&self, answer: &Answer) -> Result<(), ConnectorError> {
        match answer.rate.wait_until(Utc::now()) {
            Some(until) => Err(self.err(
                ErrorKind::RateLimited { until },
                format!(
                    "usage at {}% of the allowance",
                    answer.rate.used_percent.unwrap_or(100)
                ),
            )),
            None => Ok(()),
        }
    }
}

impl Connector for ThreadsConnector {
    fn network(&self) -> Network {
        Network::Threads
    }

    fn account(&self) -> &str {
        &self.account
    }

    async fn fetch_new(
        &self,
        cursor: Option<&str>,
        depth: usize,
    ) -> Result<Fetched, ConnectorError> {
        self.fetch(cursor, depth).await
    }

    async fn reply(&self, item: &Item, text: &str, key: &str) -> Result<String, ConnectorError> {
        self.publish_reply(item, text, key).await
    }

    async fn find_reply(&self, item: &Item, text: &str) -> Result<Option<String>, ConnectorError> {
        self.find_our_reply(item, text).await
    }

    async fn act(&self, item: &Item, act: Act, key: &str) -> Result<String, ConnectorError> {
        self.moderate(item, act, key).await
    }
}
