//! X (API v2) connector (`reference/networks.md` §3).
//!
//! - `wire`: the JSON shapes (posts, users, DM events, `meta`) and the
//!   post / DM event → item mapping (kind, thread, our own posts).
//! - `read`: the mentions timeline, replies to our recent posts through a
//!   `conversation_id:` recent search, and `GET /2/dm_events`, each paged
//!   with `next_token`, incremental with `since_id` (DMs: newest first down
//!   to the last seen event id). One saved cursor for the three.
//! - `write`: replies (`POST /2/tweets` with `reply.in_reply_to_tweet_id`,
//!   DM replies in the conversation), the look-up before a resend, hide,
//!   delete, mute, and like/unlike/block for Enterprise accounts. Every
//!   write is checked against X's 2026 rules (`Capabilities::check`)
//!   before anything is sent.
//!
//! Construct with [`XConnector::new`]`(base_url, handle, user_id, token)`;
//! the base URL is `https://api.x.com` for the real network. The OAuth 2.0
//! user token lives 2 hours: [`XConnector::set_token`] swaps in a refreshed
//! one, and [`XConnector::with_refresh`] makes the connector refresh it
//! itself on a 401 (`session`), keeping the rotating pair sealed.

mod read;
mod session;
mod wire;
mod write;

use std::sync::{Arc, RwLock};
use std::time::Duration;

use chrono::Utc;
use serde_json::Value;

use super::connector::{Act, Connector, Fetched};
use super::error::{ConnectorError, ErrorKind};
use super::http::{Answer, Http, MAX_ATTEMPTS};
use super::ratelimit;
use crate::model::{Item, Network};

/// The real API's base URL.
pub const BASE_URL: &str = "https://api.x.com";

#[derive(Clone)]
pub struct XConnector {
    /// `https://api.x.com` (or the sandbox's `http://127.0.0.1:P/x`).
    base: String,
    /// The brand's @username without the `@` (the `account` of item ids).
    handle: String,
    /// The brand's numeric user id (`GET /2/users/me`).
    user_id: String,
    token: Arc<RwLock<String>>,
    /// The account can like and block (Enterprise access, §3).
    enterprise: bool,
    http: Http,
    /// For `PUT` (hide) and the token form, which the shared client
    /// does not send.
    client: reqwest::Client,
    refresher: Option<Arc<session::Refresher>>,
}

impl std::fmt::Debug for XConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XConnector")
            .field("base", &self.base)
            .field("handle", &self.handle)
            .field("user_id", &self.user_id)
            .field("enterprise", &self.enterprise)
            .field("refresher", &self.refresher)
            .finish_non_exhaustive()
    }
}

fn err(kind: ErrorKind, message: impl Into<String>) -> ConnectorError {
    ConnectorError::new(Network::X, kind, message)
}

impl XConnector {
    /// `base`: `https://api.x.com` ([`BASE_URL`]) or a sandbox; `handle`:
    /// the brand's username (with or without `@`); `user_id`: its numeric
    /// id; `token`: an OAuth 2.0 user access token (scopes `tweet.read
    /// tweet.write tweet.moderate.write users.read dm.read dm.write
    /// mute.write`, plus `offline.access` to be refreshable).
    pub fn new(
        base: &str,
        handle: &str,
        user_id: &str,
        token: &str,
    ) -> Result<XConnector, ConnectorError> {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("guichet/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| err(ErrorKind::Transient, format!("HTTP client: {e}")))?;
        Ok(XConnector {
            base: base.trim_end_matches('/').to_string(),
            handle: handle.trim_start_matches('@').to_string(),
            user_id: user_id.to_string(),
            token: Arc::new(RwLock::new(token.to_string())),
            enterprise: false,
            http: Http::new(Network::X)?,
            client,
            refresher: None,
        })
    }

    /// The same account with Enterprise access: likes and blocks are
    /// allowed again (self-serve tiers lost them in 2026, §3).
    pub fn with_enterprise(self, enterprise: bool) -> XConnector {
        XConnector { enterprise, ..self }
    }

    /// Replaces the access token (after a refresh: X user tokens last 2 h).
    pub fn set_token(&self, token: &str) {
        let mut t = self
            .token
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *t = token.to_string();
    }

    fn token(&self) -> String {
        self.token
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// Runs `call` with the current token; on an expired token, refreshes
    /// once (when configured) and runs it again.
    async fn authed<T, F, Fut>(&self, call: F) -> Result<T, ConnectorError>
    where
        F: Fn(String) -> Fut,
        Fut: std::future::Future<Output = Result<T, ConnectorError>>,
    {
        let used = self.token();
        match call(used.clone()).await {
            Err(e) if e.kind == ErrorKind::AuthExpired && self.refresh(&used).await? => {
                call(self.token()).await
            }
            other => other,
        }
    }

    async fn get(&self, url: &str) -> Result<Answer, ConnectorError> {
        self.authed(|t| async move { self.http.get(url, &t).await })
            .await
    }

    async fn post(&self, url: &str, body: &Value) -> Result<Answer, ConnectorError> {
        // X has no idempotency key: `find_reply` is what prevents doubles.
        self.authed(|t| async move { self.http.post_json(url, &t, body, None).await })
            .await
    }

    async fn delete(&self, url: &str) -> Result<Answer, ConnectorError> {
        self.authed(|t| async move { self.http.delete(url, &t).await })
            .await
    }

    /// `PUT` with a JSON body, with the shared client's policy: transient
    /// failures retried with backoff, X's rate-limit headers read, the
    /// answer classified by `ConnectorError::from_response`.
    async fn put(&self, url: &str, body: &Value) -> Result<Value, ConnectorError> {
        self.authed(|t| async move { self.put_retrying(url, body, &t).await })
            .await
    }

    async fn put_retrying(
        &self,
        url: &str,
        body: &Value,
        token: &str,
    ) -> Result<Value, ConnectorError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let e = match self.put_once(url, body, token).await {
                Ok(v) => return Ok(v),
                Err(e) => e,
            };
            if e.kind != ErrorKind::Transient || attempt >= MAX_ATTEMPTS {
                return Err(e);
            }
            let wait = ratelimit::backoff(
                attempt,
                Duration::from_millis(250),
                Duration::from_secs(8),
                u64::from(attempt) ^ 0x9e37,
            );
            tokio::time::sleep(wait).await;
        }
    }

    async fn put_once(
        &self,
        url: &str,
        body: &Value,
        token: &str,
    ) -> Result<Value, ConnectorError> {
        let resp = self
            .client
            .put(url)
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .map_err(|e| {
                err(
                    ErrorKind::Transient,
                    format!("request failed: {}", e.without_url()),
                )
            })?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.map_err(|e| {
            err(
                ErrorKind::Transient,
                format!("reading the answer: {}", e.without_url()),
            )
        })?;
        let parsed: Option<Value> = serde_json::from_str(&text).ok();
        let now = Utc::now();
        let _rate = ratelimit::parse(Network::X, &headers, now);
        if let Some(e) =
            ConnectorError::from_response(Network::X, status, &headers, parsed.as_ref(), now)
        {
            return Err(e);
        }
        parsed.ok_or_else(|| err(ErrorKind::BadPayload, "the answer is not JSON"))
    }
}

impl Connector for XConnector {
    fn network(&self) -> Network {
        Network::X
    }

    fn account(&self) -> &str {
        &self.handle
    }

    async fn fetch_new(
        &self,
        cursor: Option<&str>,
        depth: usize,
    ) -> Result<Fetched, ConnectorError> {
        self.fetch(cursor, depth).await
    }

    async fn reply(
        &self,
        item: &Item,
        text: &str,
        _idempotency_key: &str,
    ) -> Result<String, ConnectorError> {
        self.post_reply(item, text).await
    }

    async fn find_reply(&self, item: &Item, text: &str) -> Result<Option<String>, ConnectorError> {
        self.find_posted(item, text).await
    }

    async fn act(
        &self,
        item: &Item,
        act: Act,
        _idempotency_key: &str,
    ) -> Result<String, ConnectorError> {
        self.act_on(item, act).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_token() {
        let c = XConnector::new(BASE_URL, "@brand", "1", "s3cr3t").unwrap();
        assert!(!format!("{c:?}").contains("s3cr3t"));
        c.set_token("n3w");
        assert!(!format!("{c:?}").contains("n3w"));
        assert_eq!(c.account(), "brand");
    }
}
