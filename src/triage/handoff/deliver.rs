//! The delivery engine: one attempt to hand a [`Handoff`] over a
//! [`Channel`], classified as delivered (a receipt), worth retrying, or not.
//! It keeps no state and sleeps never: the outbox owns retries and backoff.
//!
//! Secrets stay out of receipts, errors and `Debug`: a webhook URL (Slack's
//! and Discord's carry their secret in the path) is shown as its origin, the
//! SMTP password and a command line are never printed.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{Handoff, command, email};

/// Where a hand-off goes.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Channel {
    /// POST the JSON payload.
    Webhook { url: String },
    /// A plain-text e-mail over [`Smtp`].
    Email { to: String },
    /// `sh -c cmd` with the JSON payload on stdin (`handoff_cmd`).
    Command { cmd: String },
}

impl Channel {
    /// For notices and logs, without secrets: `webhook to https://host`,
    /// `e-mail to marie@example.org`, `command`.
    pub fn describe(&self) -> String {
        match self {
            Channel::Webhook { url } => format!("webhook to {}", origin(url)),
            Channel::Email { to } => format!("e-mail to {to}"),
            Channel::Command { .. } => "command".to_string(),
        }
    }
}

impl fmt::Debug for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Security {
    /// Plain text, no TLS: only for a local relay (or a test listener).
    None,
    /// Plain connection upgraded with STARTTLS (usually port 587); required.
    StartTls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

/// The outgoing mail server.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    /// The sender address, e.g. `guichet <cm@example.org>`.
    pub from: String,
    pub username: Option<String>,
    pub password: Option<String>,
    pub security: Security,
}

impl fmt::Debug for Smtp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Smtp")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("from", &self.from)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("security", &self.security)
            .finish()
    }
}

/// A failed attempt.
///
/// | channel | `retry: true` | `retry: false` |
/// |---|---|---|
/// | webhook | timeout, connection refused/reset, DNS, 408, 429, 5xx | other 4xx, 3xx, bad URL |
/// | e-mail | timeout, connection/network error, SMTP 4xx | SMTP 5xx, bad address, no SMTP configured, TLS error |
/// | command | exit 75 (`EX_TEMPFAIL`), timeout, killed by a signal | any other non-zero exit, `sh` missing |
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct DeliveryError {
    /// Worth another attempt later without the user doing anything.
    pub retry: bool,
    /// What went wrong, for a notice and the log; never holds a secret.
    pub reason: String,
}

impl DeliveryError {
    pub fn retry(reason: impl Into<String>) -> DeliveryError {
        DeliveryError {
            retry: true,
            reason: reason.into(),
        }
    }

    pub fn fatal(reason: impl Into<String>) -> DeliveryError {
        DeliveryError {
            retry: false,
            reason: reason.into(),
        }
    }
}

/// How long one attempt may take, per channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub webhook: Duration,
    pub smtp: Duration,
    pub command: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            webhook: Duration::from_secs(10),
            smtp: Duration::from_secs(30),
            command: Duration::from_secs(30),
        }
    }
}

/// One attempt with the default [`Limits`]. The receipt is what the other
/// side said: `HTTP 200 OK`, the SMTP server's reply, the command's first
/// line of output.
pub async fn deliver(
    channel: &Channel,
    handoff: &Handoff,
    smtp: Option<&Smtp>,
    http: &reqwest::Client,
) -> Result<String, DeliveryError> {
    deliver_with(channel, handoff, smtp, http, &Limits::default()).await
}

/// [`deliver`] with explicit time limits.
pub async fn deliver_with(
    channel: &Channel,
    handoff: &Handoff,
    smtp: Option<&Smtp>,
    http: &reqwest::Client,
    limits: &Limits,
) -> Result<String, DeliveryError> {
    let result = match channel {
        Channel::Webhook { url } => webhook(url, handoff, http, limits.webhook).await,
        Channel::Email { to } => match smtp {
            Some(smtp) => email::send(smtp, to, handoff, limits.smtp).await,
            None => Err(DeliveryError::fatal(
                "e-mail hand-off needs an [smtp] section in the config",
            )),
        },
        Channel::Command { cmd } => {
            let body = serde_json::to_vec(&handoff.payload())
                .map_err(|e| DeliveryError::fatal(format!("cannot encode the payload: {e}")))?;
            command::run(cmd, body, limits.command).await
        }
    };
    match &result {
        Ok(receipt) => tracing::info!(
            item = %handoff.item_id, channel = ?channel, receipt = %receipt, "hand-off delivered"
        ),
        Err(e) => tracing::warn!(
            item = %handoff.item_id, channel = ?channel, retry = e.retry, error = %e.reason,
            "hand-off not delivered"
        ),
    }
    result
}

/// `scheme://host[:port]`, or `?` when it does not parse: what may be shown
/// of a webhook URL.
pub(crate) fn origin(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(u) => match (u.host_str(), u.port()) {
            (Some(h), Some(p)) => format!("{}://{h}:{p}", u.scheme()),
            (Some(h), None) => format!("{}://{h}", u.scheme()),
            (None, _) => format!("{}:", u.scheme()),
        },
        Err(_) => "?".to_string(),
    }
}

async fn webhook(
    url: &str,
    handoff: &Handoff,
    http: &reqwest::Client,
    timeout: Duration,
) -> Result<String, DeliveryError> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| DeliveryError::fatal(format!("webhook URL does not parse: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(DeliveryError::fatal(format!(
            "webhook URL must be http or https, not {}",
            parsed.scheme()
        )));
    }
    let body = serde_json::to_vec(&handoff.payload())
        .map_err(|e| DeliveryError::fatal(format!("cannot encode the payload: {e}")))?;
    let to = origin(url);
    let response = http
        .post(parsed)
        .timeout(timeout)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(
            reqwest::header::USER_AGENT,
            concat!("guichet/", env!("CARGO_PKG_VERSION")),
        )
        .header("Idempotency-Key", handoff.idempotency_key())
        .body(body)
        .send()
        .await
        .map_err(|e| classify_reqwest(&e, &to))?;
    let status = response.status();
    let receipt = format!("HTTP {status} from {to}");
    if status.is_success() {
        return Ok(receipt);
    }
    // The receiver's explanation, short; it is theirs, never ours to hide.
    let text = response.text().await.unwrap_or_default();
    let detail = super::render::truncate(&super::render::one_line(&text), 200);
    let reason = if detail.is_empty() {
        receipt
    } else {
        format!("{receipt}: {detail}")
    };
    let retry = status.is_server_error()
        || status == reqwest::StatusCode::TOO_MANY_REQUESTS
        || status == reqwest::StatusCode::REQUEST_TIMEOUT;
    Err(DeliveryError { retry, reason })
}

fn classify_reqwest(e: &reqwest::Error, to: &str) -> DeliveryError {
    // The URL is cut out: it may hold the webhook's secret.
    let plain = format!("{}", DisplayChain(e));
    if e.is_timeout() {
        DeliveryError::retry(format!("webhook to {to} timed out"))
    } else if e.is_builder() {
        DeliveryError::fatal(format!("webhook to {to}: {plain}"))
    } else {
        // Connection refused or reset, DNS, TLS handshake, a cut body: the
        // network's problems, worth another try.
        DeliveryError::retry(format!("webhook to {to}: {plain}"))
    }
}

/// An error and its sources, `a: b: c`, with the URL removed.
struct DisplayChain<'a>(&'a reqwest::Error);

impl fmt::Display for DisplayChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut msg = self.0.to_string();
        if let Some(url) = self.0.url() {
            msg = msg
                .replace(&format!(" ({url})"), "")
                .replace(url.as_str(), "");
        }
        f.write_str(&msg)?;
        let mut source = std::error::Error::source(self.0);
        while let Some(s) = source {
            write!(f, ": {s}")?;
            source = s.source();
        }
        Ok(())
    }
}
