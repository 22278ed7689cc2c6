//! LinkedIn's versioned REST client (`reference/networks.md` §6): every call
//! carries `Authorization: Bearer`, `LinkedIn-Version: YYYYMM` and
//! `X-Restli-Protocol-Version: 2.0.0`, which the shared [`Http`] client
//! cannot add, so this is its own reqwest client with the same policy: a
//! transient failure is retried with jittered backoff, a rate limit that
//! lifts within [`SHORT_WAIT`] is waited out once, anything else comes back
//! at once. Every answer goes through `ratelimit::parse` and
//! [`ConnectorError::from_response`]; a 426 is reworded to name the
//! version we sent. `201 Created` and `204 No Content` may have no body:
//! they read as `null`, with the headers kept (`x-restli-id`).
//!
//! [`Http`]: crate::networks::http::Http

use std::fmt;
use std::time::Duration;

use chrono::Utc;
use reqwest::header::HeaderMap;
use reqwest::{Method, Url};
use serde_json::Value;

use crate::model::Network;
use crate::networks::error::{ConnectorError, ErrorKind};
use crate::networks::http::{MAX_ATTEMPTS, SHORT_WAIT};
use crate::networks::ratelimit;

/// A successful answer: its body (`null` when empty) and headers.
#[derive(Debug)]
pub struct Reply {
    pub body: Value,
    pub headers: HeaderMap,
}

/// One organisation token against one LinkedIn host; `Debug` redacts the token.
#[derive(Clone)]
pub struct Rest {
    /// `https://api.linkedin.com` (or the sandbox's `/linkedin`); paths
    /// start with `/rest/`.
    base: String,
    token: String,
    version: String,
    client: reqwest::Client,
}

impl fmt::Debug for Rest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rest")
            .field("base", &self.base)
            .field("version", &self.version)
            .field("token", &"<redacted>")
            .finish()
    }
}

pub fn err(kind: ErrorKind, message: impl Into<String>) -> ConnectorError {
    ConnectorError::new(Network::LinkedIn, kind, message)
}

/// Percent-encodes a URN (or any value) for a path segment or a query
/// value: everything but unreserved characters, so `urn:li:comment:(a,b)`
/// becomes `urn%3Ali%3Acomment%3A%28a%2Cb%29` (§6 "Encoding gotcha").
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 2);
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b));
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

impl Rest {
    pub fn new(base: &str, token: &str, version: &str) -> Result<Rest, ConnectorError> {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("guichet/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| err(ErrorKind::Transient, format!("HTTP client: {e}")))?;
        Ok(Rest {
            base: base.trim_end_matches('/').to_string(),
            token: token.to_string(),
            version: version.to_string(),
            client,
        })
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    /// `path` (already encoded, starting with `/rest/`) on our host.
    fn url(&self, path: &str) -> Result<Url, ConnectorError> {
        Url::parse(&format!("{}{path}", self.base))
            .map_err(|e| err(ErrorKind::Rejected, format!("bad URL: {e}")))
    }

    pub async fn get(&self, path: &str) -> Result<Reply, ConnectorError> {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Result<Reply, ConnectorError> {
        self.send(Method::POST, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Result<Reply, ConnectorError> {
        self.send(Method::DELETE, path, None).await
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Reply, ConnectorError> {
        let url = self.url(path)?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut req = self
                .client
                .request(method.clone(), url.clone())
                .bearer_auth(&self.token)
                .header("LinkedIn-Version", &self.version)
                .header("X-Restli-Protocol-Version", "2.0.0");
            if let Some(body) = body {
                req = req.json(body);
            }
            let failure = match self.once(req).await {
                Ok(reply) => return Ok(reply),
                Err(e) => e,
            };
            let wait = match &failure.kind {
                ErrorKind::Transient if attempt < MAX_ATTEMPTS => ratelimit::backoff(
                    attempt,
                    Duration::from_millis(250),
                    Duration::from_secs(8),
                    u64::from(attempt) ^ 0x11c7,
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
            tracing::debug!(attempt, ?wait, error = %failure, "linkedin: retrying");
            tokio::time::sleep(wait).await;
        }
    }

    async fn once(&self, req: reqwest::RequestBuilder) -> Result<Reply, ConnectorError> {
        let resp = req.send().await.map_err(|e| {
            err(
                ErrorKind::Transient,
                format!("request failed: {}", e.without_url()),
            )
        })?;
        let (status, headers) = (resp.status().as_u16(), resp.headers().clone());
        let text = resp.text().await.map_err(|e| {
            err(
                ErrorKind::Transient,
                format!("reading the answer: {}", e.without_url()),
            )
        })?;
        crate::networks::progress::record_answer(text.len());
        let body: Option<Value> = serde_json::from_str(&text).ok();
        let now = Utc::now();
        // No documented rate-limit headers (§6): parsed anyway, so a
        // `Retry-After` on a 429 is honoured by the classifier.
        let _ = ratelimit::parse(Network::LinkedIn, &headers, now);
        if let Some(mut e) =
            ConnectorError::from_response(Network::LinkedIn, status, &headers, body.as_ref(), now)
        {
            if e.kind == ErrorKind::VersionRetired {
                e.message = format!(
                    "LinkedIn no longer serves API version {} (HTTP 426; LinkedIn said: {}): update guichet to a newer LinkedIn-Version",
                    self.version, e.message
                );
            }
            return Err(e);
        }
        let body = match body {
            Some(body) => body,
            None if text.trim().is_empty() => Value::Null,
            None => {
                tracing::warn!(status, bytes = text.len(), "linkedin: answer is not JSON");
                return Err(err(ErrorKind::BadPayload, "the answer is not JSON"));
            }
        };
        Ok(Reply { body, headers })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urns_are_encoded_whole() {
        assert_eq!(
            encode("urn:li:comment:(urn:li:activity:1,2)"),
            "urn%3Ali%3Acomment%3A%28urn%3Ali%3Aactivity%3A1%2C2%29"
        );
        assert_eq!(
            encode("urn:li:organization:42"),
            "urn%3Ali%3Aorganization%3A42"
        );
    }

    #[test]
    fn the_token_is_never_shown() {
        let r = Rest::new("https://api.linkedin.com", "AQX-secret", "202607").unwrap();
        assert!(!format!("{r:?}").contains("AQX-secret"));
    }
}
