//! What went wrong talking to a network, in terms the app can act on.
//!
//! [`ErrorKind`] is the small vocabulary the sync engine, the outbox and the
//! account screen share (issue 3: auth expired or revoked, permission
//! missing, rate limited until T, transient, bad payload, plus the few cases
//! that need their own handling). [`ConnectorError`] adds the network and the
//! network's own message. The per-network mapping from status, headers and
//! body lives in `classify.rs`; [`classify_status`] here is the fallback they
//! share. Adding a kind means deciding its retry rule in
//! [`ErrorKind::retry_at`] and its words in [`ErrorKind::summary`].

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::classify;
use super::headers::Headers;
use super::ratelimit::{self, backoff};
use crate::model::Network;

/// First retry delay for transient failures (then doubling, with jitter).
pub const RETRY_BASE: Duration = Duration::from_secs(2);
/// Longest delay between two retries of a transient failure.
pub const RETRY_MAX: Duration = Duration::from_secs(15 * 60);
/// Shortest wait after a 429, even when the reset it names is already past
/// (clock skew), so a confused server is never hammered.
pub const MIN_RATE_WAIT: TimeDelta = TimeDelta::seconds(5);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ErrorKind {
    /// The token is past its lifetime: refresh it, or log in again.
    AuthExpired,
    /// The token was revoked or invalidated (password change, app removed).
    AuthRevoked,
    /// A scope, role or product is missing for this call.
    PermissionMissing,
    /// Wait until `until`, then try again.
    RateLimited { until: DateTime<Utc> },
    /// X pay-per-use credits or the monthly cap are spent: a person must act.
    UsageCapped,
    /// Network or server trouble: retry with backoff.
    Transient,
    /// The network answered something we cannot read.
    BadPayload,
    /// The item (or its parent) no longer exists or is not visible to us.
    NotFound,
    /// The network refused this request as it stands (validation, too long,
    /// policy); retrying the same request will not help.
    Rejected,
    /// The network says this was already done (Meta duplicate post, a second
    /// private reply): the outbox should look for the existing result.
    Duplicate,
    /// Meta's messaging window is closed for this person.
    OutsideWindow,
    /// LinkedIn no longer serves the `LinkedIn-Version` we send (HTTP 426).
    VersionRetired,
}

impl ErrorKind {
    /// Worth retrying without a person stepping in.
    pub fn is_retryable(&self) -> bool {
        matches!(self, ErrorKind::RateLimited { .. } | ErrorKind::Transient)
    }

    /// The account, not the item, is in trouble: show it on the account.
    /// (A connector refreshes an expired token once before reporting it.)
    pub fn affects_account(&self) -> bool {
        matches!(
            self,
            ErrorKind::AuthExpired
                | ErrorKind::AuthRevoked
                | ErrorKind::PermissionMissing
                | ErrorKind::RateLimited { .. }
                | ErrorKind::UsageCapped
                | ErrorKind::VersionRetired
        )
    }

    /// When to try again after failed attempt number `attempt` (0-based),
    /// or `None` when retrying cannot help. `jitter_seed` spreads retries
    /// (use the outbox sequence number).
    pub fn retry_at(
        &self,
        attempt: u32,
        now: DateTime<Utc>,
        jitter_seed: u64,
    ) -> Option<DateTime<Utc>> {
        match self {
            ErrorKind::RateLimited { until } => Some((*until).max(now)),
            ErrorKind::Transient => {
                let delay = backoff(attempt, RETRY_BASE, RETRY_MAX, jitter_seed);
                Some(now + TimeDelta::from_std(delay).unwrap_or(TimeDelta::MAX))
            }
            _ => None,
        }
    }

    /// A short phrase for the status bar and the account list.
    pub fn summary(&self) -> String {
        match self {
            ErrorKind::AuthExpired => "token expired: log in again".into(),
            ErrorKind::AuthRevoked => "access revoked: log in again".into(),
            ErrorKind::PermissionMissing => "permission missing for this action".into(),
            ErrorKind::RateLimited { until } => {
                format!("rate limited until {}", until.format("%Y-%m-%d %H:%M UTC"))
            }
            ErrorKind::UsageCapped => "usage cap reached (credits or monthly cap)".into(),
            ErrorKind::Transient => "temporary failure, will retry".into(),
            ErrorKind::BadPayload => "unreadable response".into(),
            ErrorKind::NotFound => "no longer exists".into(),
            ErrorKind::Rejected => "refused by the network".into(),
            ErrorKind::Duplicate => "already done".into(),
            ErrorKind::OutsideWindow => "messaging window closed".into(),
            ErrorKind::VersionRetired => "API version retired: update guichet".into(),
        }
    }
}

/// A failed call, with the network's own words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{network}: {message}")]
pub struct ConnectorError {
    pub network: Network,
    pub kind: ErrorKind,
    pub message: String,
}

impl ConnectorError {
    pub fn new(network: Network, kind: ErrorKind, message: impl Into<String>) -> ConnectorError {
        ConnectorError {
            network,
            kind,
            message: message.into(),
        }
    }

    /// Classifies a response; `None` when it is a success. `body` is `None`
    /// when the body was empty or not JSON.
    pub fn from_response<H: Headers + ?Sized>(
        network: Network,
        status: u16,
        headers: &H,
        body: Option<&Value>,
        now: DateTime<Utc>,
    ) -> Option<ConnectorError> {
        let kind = classify::classify(network, status, headers, body, now)?;
        let message = body
            .and_then(classify::message)
            .unwrap_or_else(|| format!("HTTP {status}: {}", kind.summary()));
        Some(ConnectorError::new(network, kind, message))
    }
}

/// The status-code fallback every network shares. `default_wait` applies to
/// a 429 that names no reset time.
pub fn classify_status<H: Headers + ?Sized>(
    network: Network,
    status: u16,
    headers: &H,
    now: DateTime<Utc>,
    default_wait: TimeDelta,
) -> Option<ErrorKind> {
    Some(match status {
        200..=299 => return None,
        401 => ErrorKind::AuthExpired,
        403 => ErrorKind::PermissionMissing,
        404 | 410 => ErrorKind::NotFound,
        408 | 425 => ErrorKind::Transient,
        426 => ErrorKind::VersionRetired,
        429 => ErrorKind::RateLimited {
            until: limited_until(network, headers, now, default_wait),
        },
        400..=499 => ErrorKind::Rejected,
        500..=599 => ErrorKind::Transient,
        _ => ErrorKind::BadPayload,
    })
}

/// When a rate limit lifts: the network's reset signal or `Retry-After`,
/// else `default_wait` from now; never sooner than [`MIN_RATE_WAIT`].
pub fn limited_until<H: Headers + ?Sized>(
    network: Network,
    headers: &H,
    now: DateTime<Utc>,
    default_wait: TimeDelta,
) -> DateTime<Utc> {
    let signalled = ratelimit::parse(network, headers, now).reset_at;
    signalled
        .unwrap_or(now + default_wait)
        .max(now + MIN_RATE_WAIT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-09-14T19:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn only_rate_limits_and_transients_retry() {
        let until = now() + TimeDelta::minutes(5);
        assert_eq!(
            ErrorKind::RateLimited { until }.retry_at(0, now(), 1),
            Some(until)
        );
        let t = ErrorKind::Transient.retry_at(0, now(), 1).unwrap();
        assert!(t >= now() + TimeDelta::seconds(1) && t <= now() + TimeDelta::seconds(2));
        let late = ErrorKind::Transient.retry_at(30, now(), 1).unwrap();
        assert!(late <= now() + TimeDelta::minutes(15));
        for k in [
            ErrorKind::AuthRevoked,
            ErrorKind::Rejected,
            ErrorKind::Duplicate,
            ErrorKind::BadPayload,
        ] {
            assert_eq!(k.retry_at(0, now(), 1), None, "{k:?}");
            assert!(!k.is_retryable());
        }
    }

    #[test]
    fn a_past_reset_still_waits_a_little() {
        let past = [
            ("x-rate-limit-remaining", "0"),
            ("x-rate-limit-reset", "1000000000"),
        ];
        let until = limited_until(Network::X, &past, now(), TimeDelta::minutes(15));
        assert_eq!(until, now() + MIN_RATE_WAIT);
    }

    #[test]
    fn status_fallback() {
        let none: [(&str, &str); 0] = [];
        let c = |s| classify_status(Network::LinkedIn, s, &none, now(), TimeDelta::minutes(1));
        assert_eq!(c(200), None);
        assert_eq!(c(204), None);
        assert_eq!(c(401), Some(ErrorKind::AuthExpired));
        assert_eq!(c(410), Some(ErrorKind::NotFound));
        assert_eq!(c(422), Some(ErrorKind::Rejected));
        assert_eq!(c(503), Some(ErrorKind::Transient));
        assert_eq!(c(302), Some(ErrorKind::BadPayload));
        assert_eq!(
            c(429),
            Some(ErrorKind::RateLimited {
                until: now() + TimeDelta::minutes(1)
            })
        );
    }

    #[test]
    fn errors_read_well() {
        let e = ConnectorError::new(Network::Mastodon, ErrorKind::Rejected, "Validation failed");
        assert_eq!(e.to_string(), "mastodon: Validation failed");
        let until = now() + TimeDelta::minutes(5);
        assert_eq!(
            ErrorKind::RateLimited { until }.summary(),
            "rate limited until 2026-09-14 19:05 UTC"
        );
        assert!(ErrorKind::VersionRetired.affects_account());
        assert!(!ErrorKind::NotFound.affects_account());
    }
}
