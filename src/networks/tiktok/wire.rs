//! How the TikTok connector talks to the Accounts API (`reference/networks.md`
//! §5): the token goes in an `Access-Token` header (not `Authorization`),
//! every call carries `business_id`, and every answer is HTTP 200 with the
//! envelope `{"code","message","request_id","data"}` where a non-zero `code`
//! is the failure. The shared [`Http`](crate::networks::http::Http) client
//! only sends bearer tokens, so this is its own reqwest client with the same
//! retry policy (transient failures retried with backoff, a short rate limit
//! waited out once, anything else returned at once) and the shared
//! [`ratelimit::parse`] and [`ConnectorError::from_response`].

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::Utc;
use serde_json::Value;

use crate::model::Network;
use crate::networks::error::{ConnectorError, ErrorKind};
use crate::networks::http::{MAX_ATTEMPTS, SHORT_WAIT};
use crate::networks::ratelimit;

const BASE_BACKOFF: Duration = Duration::from_millis(250);
const MAX_BACKOFF: Duration = Duration::from_secs(8);

/// One account's client (its `Debug` never shows the token).
#[derive(Clone)]
pub struct Wire {
    /// `https://business-api.tiktok.com/open_api/v1.3` (or the sandbox's).
    root: String,
    /// The access token (replaced when a refresh brings a new one).
    token: Arc<Mutex<String>>,
    /// Set when the account's token is a refresh token (`session.rs`).
    pub(super) refresher: Option<Arc<super::session::Refresher>>,
    pub(super) client: reqwest::Client,
}

impl std::fmt::Debug for Wire {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wire")
            .field("root", &self.root)
            .field("token", &"…")
            .field("refresher", &self.refresher)
            .finish()
    }
}

pub fn err(kind: ErrorKind, msg: impl Into<String>) -> ConnectorError {
    ConnectorError::new(Network::TikTok, kind, msg.into())
}

impl Wire {
    pub fn new(root: &str, token: &str) -> Result<Wire, ConnectorError> {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("guichet/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| err(ErrorKind::Transient, format!("HTTP client: {e}")))?;
        Ok(Wire {
            root: root.trim_end_matches('/').to_string(),
            token: Arc::new(Mutex::new(token.to_string())),
            refresher: None,
            client,
        })
    }

    pub(super) fn root(&self) -> &str {
        &self.root
    }

    pub(super) fn token(&self) -> String {
        self.token
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub(super) fn set_token(&self, token: &str) {
        *self.token.lock().unwrap_or_else(PoisonError::into_inner) = token.to_string();
    }

    pub(super) fn url(&self, path: &str) -> String {
        format!("{}/{}", self.root, path.trim_start_matches('/'))
    }

    /// GET `path` with `query`; returns the envelope's `data`.
    pub async fn get(&self, path: &str, query: &[(&str, String)]) -> Result<Value, ConnectorError> {
        let url = reqwest::Url::parse_with_params(&self.url(path), query)
            .map_err(|e| err(ErrorKind::Rejected, format!("bad URL: {e}")))?;
        self.send(|| self.client.get(url.clone())).await
    }

    /// POST a JSON body to `path`; returns the envelope's `data`.
    pub async fn post(&self, path: &str, body: &Value) -> Result<Value, ConnectorError> {
        let url = self.url(path);
        self.send(|| self.client.post(&url).json(body)).await
    }

    async fn send(
        &self,
        build: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<Value, ConnectorError> {
        if self.refresher.is_some() && self.token().is_empty() {
            super::session::refresh(self, "").await?;
        }
        let mut attempt = 0;
        let mut refreshed = false;
        loop {
            attempt += 1;
            let used = self.token();
            let req = build().header("Access-Token", &used);
            let error = match self.once(req).await {
                Ok(data) => return Ok(data),
                Err(e) => e,
            };
            if error.kind == ErrorKind::AuthExpired && self.refresher.is_some() && !refreshed {
                // Access tokens last 24 hours (code 40102): get a new one,
                // retry once.
                refreshed = true;
                super::session::refresh(self, &used).await?;
                continue;
            }
            let wait = match &error.kind {
                ErrorKind::Transient if attempt < MAX_ATTEMPTS => ratelimit::backoff(
                    attempt,
                    BASE_BACKOFF,
                    MAX_BACKOFF,
                    u64::from(attempt) ^ 0x7e57,
                ),
                ErrorKind::RateLimited { until } if attempt < MAX_ATTEMPTS => {
                    match (*until - Utc::now()).to_std() {
                        Ok(d) if d <= SHORT_WAIT => d + Duration::from_millis(50),
                        Err(_) => Duration::from_millis(50),
                        Ok(_) => return Err(error),
                    }
                }
                _ => return Err(error),
            };
            tracing::debug!(network = "tiktok", attempt, ?wait, %error, "retrying");
            tokio::time::sleep(wait).await;
        }
    }

    pub(super) async fn once(&self, req: reqwest::RequestBuilder) -> Result<Value, ConnectorError> {
        let resp = req.send().await.map_err(|e| {
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
        crate::networks::progress::record_answer(text.len());
        let body: Option<Value> = serde_json::from_str(&text).ok();
        let now = Utc::now();
        // TikTok sends no rate-limit headers (§5); parsed for a Retry-After.
        let _rate = ratelimit::parse(Network::TikTok, &headers, now);
        let net = Network::TikTok;
        if let Some(mut e) =
            ConnectorError::from_response(net, status, &headers, body.as_ref(), now)
        {
            let code = body
                .as_ref()
                .and_then(|b| b.get("code"))
                .and_then(Value::as_i64);
            let request = body
                .as_ref()
                .and_then(|b| b.get("request_id"))
                .and_then(Value::as_str);
            if let (Some(code), Some(request)) = (code, request) {
                e.message = format!("{} (code {code}, request_id {request})", e.message);
            }
            return Err(e);
        }
        // A success always has the envelope, so a body is there; `data` is
        // an object (empty for writes that return nothing).
        let data = body
            .and_then(|mut b| b.get_mut("data").map(Value::take))
            .unwrap_or(Value::Null);
        match data {
            Value::Object(_) => Ok(data),
            Value::Null => Ok(Value::Object(Default::default())),
            _ => Err(err(
                ErrorKind::BadPayload,
                "the envelope's data is not an object",
            )),
        }
    }
}
