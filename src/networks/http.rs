//! The shared HTTP layer every connector uses: one reqwest client (rustls)
//! with timeouts, retries with exponential backoff and jitter for transient
//! failures, each network's rate-limit signal read on every answer, and
//! failures classified into [`ErrorKind`]s a person can act on.
//!
//! Policy: a 5xx, a timeout or a connection error is retried up to
//! [`MAX_ATTEMPTS`] times; a 429 whose reset is close ([`SHORT_WAIT`]) is
//! waited out once; a longer rate limit, an auth failure or a bad payload
//! is returned at once so the sync engine can show it on the account.

use std::time::Duration;

use chrono::Utc;
use reqwest::header::HeaderMap;
use serde_json::Value;

use super::error::{ConnectorError, ErrorKind};
use super::headers::Headers;
use super::ratelimit::{self, RateLimit};
use crate::model::Network;

pub const MAX_ATTEMPTS: u32 = 4;
/// Rate limits that lift within this are waited out inline.
pub const SHORT_WAIT: Duration = Duration::from_secs(15);
const BASE_BACKOFF: Duration = Duration::from_millis(250);
const MAX_BACKOFF: Duration = Duration::from_secs(8);

impl Headers for HeaderMap {
    fn header(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(|v| v.to_str().ok()).map(str::trim)
    }
}

/// A JSON answer with what it said about the rate limit.
#[derive(Debug)]
pub struct Answer {
    pub body: Value,
    pub headers: HeaderMap,
    pub rate: RateLimit,
}

#[derive(Debug, Clone)]
pub struct Http {
    client: reqwest::Client,
    network: Network,
}

impl Http {
    pub fn new(network: Network) -> Result<Http, ConnectorError> {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("guichet/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                ConnectorError::new(network, ErrorKind::Transient, format!("HTTP client: {e}"))
            })?;
        Ok(Http { client, network })
    }

    /// GET with a bearer token.
    pub async fn get(&self, url: &str, token: &str) -> Result<Answer, ConnectorError> {
        self.send(|| self.client.get(url).bearer_auth(token)).await
    }

    /// POST a JSON body with a bearer token and optional idempotency key.
    pub async fn post_json(
        &self,
        url: &str,
        token: &str,
        body: &Value,
        idempotency: Option<&str>,
    ) -> Result<Answer, ConnectorError> {
        self.send(|| {
            let req = self.client.post(url).bearer_auth(token).json(body);
            match idempotency {
                Some(key) => req.header("Idempotency-Key", key),
                None => req,
            }
        })
        .await
    }

    /// DELETE with a bearer token (Meta: unlike, delete a comment).
    pub async fn delete(&self, url: &str, token: &str) -> Result<Answer, ConnectorError> {
        self.send(|| self.client.delete(url).bearer_auth(token))
            .await
    }

    async fn send(
        &self,
        build: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<Answer, ConnectorError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let err = match self.once(build()).await {
                Ok(answer) => return Ok(answer),
                Err(e) => e,
            };
            let wait = match &err.kind {
                ErrorKind::Transient if attempt < MAX_ATTEMPTS => ratelimit::backoff(
                    attempt,
                    BASE_BACKOFF,
                    MAX_BACKOFF,
                    u64::from(attempt) ^ 0x9e37,
                ),
                ErrorKind::RateLimited { until } if attempt < MAX_ATTEMPTS => {
                    match (*until - Utc::now()).to_std() {
                        Ok(d) if d <= SHORT_WAIT => d + Duration::from_millis(50),
                        Err(_) => Duration::from_millis(50),
                        Ok(_) => return Err(err),
                    }
                }
                _ => return Err(err),
            };
            tracing::debug!(network = %self.network, attempt, ?wait, error = %err, "retrying");
            tokio::time::sleep(wait).await;
        }
    }

    async fn once(&self, req: reqwest::RequestBuilder) -> Result<Answer, ConnectorError> {
        let net = self.network;
        let resp = req.send().await.map_err(|e| {
            // Never echo the URL: query strings can carry tokens.
            ConnectorError::new(
                net,
                ErrorKind::Transient,
                format!("request failed: {}", e.without_url()),
            )
        })?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.map_err(|e| {
            ConnectorError::new(
                net,
                ErrorKind::Transient,
                format!("reading the answer: {}", e.without_url()),
            )
        })?;
        super::progress::record_answer(text.len());
        let body: Option<Value> = serde_json::from_str(&text).ok();
        let now = Utc::now();
        let rate = ratelimit::parse(net, &headers, now);
        if let Some(err) = ConnectorError::from_response(net, status, &headers, body.as_ref(), now)
        {
            return Err(err);
        }
        let Some(body) = body else {
            tracing::warn!(network = %net, status, bytes = text.len(), "answer is not JSON");
            return Err(ConnectorError::new(
                net,
                ErrorKind::BadPayload,
                "the answer is not JSON".to_string(),
            ));
        };
        Ok(Answer {
            body,
            headers,
            rate,
        })
    }
}
