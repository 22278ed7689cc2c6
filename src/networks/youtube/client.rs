//! The YouTube connector's HTTP side: its own reqwest client (writes answer
//! `204 No Content`, which the shared [`Http`](crate::networks::http::Http)
//! reads as a bad payload), the same retry policy as the shared layer, and
//! the daily quota: every attempt is charged to the [`QuotaDay`] ledger
//! *before* it leaves (a retry costs again, §4 "every request, even invalid,
//! costs ≥1 unit"), and an attempt that would overspend is never sent.
//! Whether Google charges an answer that failed with a 5xx is UNCONFIRMED:
//! we count it (the safe side of the budget).

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use chrono::Utc;
use reqwest::Method;
use serde_json::Value;

use crate::model::Network;
use crate::networks::error::{ConnectorError, ErrorKind};
use crate::networks::http::{MAX_ATTEMPTS, SHORT_WAIT};
use crate::networks::quota::{QuotaDay, YouTubeCall};
use crate::networks::ratelimit;

/// The OAuth access token; `Debug` never shows it.
#[derive(Clone)]
struct Secret(String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

pub(super) fn err(kind: ErrorKind, message: impl Into<String>) -> ConnectorError {
    ConnectorError::new(Network::YouTube, kind, message)
}

#[derive(Debug, Clone)]
pub(super) struct Client {
    /// `{base}/youtube/v3`.
    root: String,
    /// The access token (replaced when a refresh brings a new one).
    token: Arc<Mutex<Secret>>,
    /// Set when the account's token is a refresh token (`session.rs`).
    pub(super) refresher: Option<Arc<super::session::Refresher>>,
    pub(super) client: reqwest::Client,
    quota: Arc<Mutex<QuotaDay>>,
}

impl Client {
    pub(super) fn new(base: &str, token: &str, daily: u32) -> Result<Client, ConnectorError> {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("guichet/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| err(ErrorKind::Transient, format!("HTTP client: {e}")))?;
        Ok(Client {
            root: format!("{}/youtube/v3", base.trim_end_matches('/')),
            token: Arc::new(Mutex::new(Secret(token.to_string()))),
            refresher: None,
            client,
            quota: Arc::new(Mutex::new(QuotaDay::new(daily, Utc::now()))),
        })
    }

    pub(super) fn root(&self) -> &str {
        &self.root
    }

    pub(super) fn token(&self) -> String {
        self.token
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .0
            .clone()
    }

    pub(super) fn set_token(&self, token: &str) {
        *self.token.lock().unwrap_or_else(PoisonError::into_inner) = Secret(token.to_string());
    }

    pub(super) fn ledger(&self) -> MutexGuard<'_, QuotaDay> {
        self.quota.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Units left today (after the Pacific-midnight reset, if it passed).
    pub(super) fn remaining(&self) -> u32 {
        self.ledger().remaining(Utc::now())
    }

    /// Charges `call` or says, as a rate limit, when the quota comes back.
    fn spend(&self, call: YouTubeCall) -> Result<(), ConnectorError> {
        let mut day = self.ledger();
        day.spend(call, Utc::now()).map_err(|until| {
            err(
                ErrorKind::RateLimited { until },
                format!(
                    "daily quota: {} of {} units used, {} needs {}; waiting for the reset",
                    day.used,
                    day.daily,
                    name(call),
                    call.cost()
                ),
            )
        })
    }

    /// Sends one API call with retries; `Value::Null` for an empty success.
    pub(super) async fn call(
        &self,
        call: YouTubeCall,
        method: Method,
        resource: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Result<Value, ConnectorError> {
        let url = reqwest::Url::parse_with_params(&format!("{}/{resource}", self.root), query)
            .map_err(|e| {
                err(
                    ErrorKind::BadPayload,
                    format!("bad URL for {resource}: {e}"),
                )
            })?;
        if self.refresher.is_some() && self.token().is_empty() {
            super::session::refresh(self, "").await?;
        }
        let mut attempt = 0;
        let mut refreshed = false;
        loop {
            attempt += 1;
            self.spend(call)?;
            let used = self.token();
            let mut req = self
                .client
                .request(method.clone(), url.clone())
                .bearer_auth(&used);
            if let Some(body) = body {
                req = req.json(body);
            }
            let failure = match self.once(req, call).await {
                Ok(v) => return Ok(v),
                Err(e) => e,
            };
            if failure.kind == ErrorKind::AuthExpired && self.refresher.is_some() && !refreshed {
                // Access tokens last about an hour: get a new one, retry once.
                refreshed = true;
                super::session::refresh(self, &used).await?;
                continue;
            }
            let wait = match &failure.kind {
                ErrorKind::Transient if attempt < MAX_ATTEMPTS => ratelimit::backoff(
                    attempt,
                    Duration::from_millis(250),
                    Duration::from_secs(8),
                    u64::from(attempt) ^ 0x7974,
                ),
                ErrorKind::RateLimited { until } if attempt < MAX_ATTEMPTS => {
                    match (*until - Utc::now()).to_std() {
                        Ok(d) if d <= SHORT_WAIT => d + Duration::from_millis(50),
                        Err(_) => Duration::from_millis(50),
                        Ok(_) => return Err(failure),
                    }
                }
                _ => return Err(failure),
            };
            tracing::debug!(call = name(call), attempt, ?wait, error = %failure, "youtube: retrying");
            tokio::time::sleep(wait).await;
        }
    }

    async fn once(
        &self,
        req: reqwest::RequestBuilder,
        call: YouTubeCall,
    ) -> Result<Value, ConnectorError> {
        let what = name(call);
        let resp = req.send().await.map_err(|e| {
            err(
                ErrorKind::Transient,
                format!("{what} failed: {}", e.without_url()),
            )
        })?;
        let (status, headers) = (resp.status().as_u16(), resp.headers().clone());
        let text = resp.text().await.map_err(|e| {
            err(
                ErrorKind::Transient,
                format!("reading {what}: {}", e.without_url()),
            )
        })?;
        crate::networks::progress::record_answer(text.len());
        let body: Option<Value> = serde_json::from_str(&text).ok();
        let now = Utc::now();
        if let Some(e) =
            ConnectorError::from_response(Network::YouTube, status, &headers, body.as_ref(), now)
        {
            let reason = body
                .as_ref()
                .and_then(|b| b.pointer("/error/errors/0/reason"))
                .and_then(Value::as_str);
            if matches!(reason, Some("quotaExceeded" | "dailyLimitExceeded")) {
                // Google says the day is spent, whatever we counted.
                let mut day = self.ledger();
                day.used = day.used.max(day.daily);
            }
            return Err(e);
        }
        match body {
            Some(body) => Ok(body),
            None if text.trim().is_empty() => Ok(Value::Null),
            None => {
                tracing::warn!(
                    status,
                    bytes = text.len(),
                    call = what,
                    "youtube: answer is not JSON"
                );
                Err(err(
                    ErrorKind::BadPayload,
                    format!("{what}: the answer is not JSON"),
                ))
            }
        }
    }
}

/// The method's name as in the API reference, for messages.
pub(super) fn name(call: YouTubeCall) -> &'static str {
    match call {
        YouTubeCall::CommentThreadsList => "commentThreads.list",
        YouTubeCall::CommentsList => "comments.list",
        YouTubeCall::CommentsInsert => "comments.insert",
        YouTubeCall::CommentsUpdate => "comments.update",
        YouTubeCall::SetModerationStatus => "comments.setModerationStatus",
        YouTubeCall::CommentsDelete => "comments.delete",
        YouTubeCall::CommentThreadsInsert => "commentThreads.insert",
        YouTubeCall::ChannelsList => "channels.list",
    }
}
