//! The Threads token's lifetime (`reference/networks.md` §7 "Access and
//! auth"): a long-lived token lasts 60 days and dies if not refreshed;
//! `GET /refresh_access_token?grant_type=th_refresh_token&access_token=…`
//! (on the host, no version path) gives a new 60-day token, once the old
//! one is at least 24 hours old. There is no refresh token: a lapsed token
//! needs a new browser login, so an expired token is reported, never
//! "refreshed".
//!
//! Policy: refresh when fewer than [`REFRESH_MARGIN`] remain, or once at
//! first use when the expiry is unknown (a configured token with no
//! recorded expiry). A refresh that fails for another reason than the
//! token itself (too young, network trouble) is not fatal: the current
//! token still works, and the refresh is tried again after [`RETRY_AFTER`].
//! A refreshed token is sealed in the session vault (`vault.rs`) under a
//! key from the configured token, so the next run reuses it.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Secret, ThreadsConnector};
use crate::networks::error::{ConnectorError, ErrorKind};
use crate::networks::vault;

/// Refresh when the token has less than this left.
pub const REFRESH_MARGIN: TimeDelta = TimeDelta::days(10);
/// After a refresh that did not work, wait this long before the next try.
pub const RETRY_AFTER: TimeDelta = TimeDelta::hours(1);

/// The token in use.
#[derive(Debug, Clone)]
pub(super) struct Held {
    pub(super) access: Secret,
    pub(super) expires_at: Option<DateTime<Utc>>,
    /// No refresh attempt before this (after a failed one).
    next_try: Option<DateTime<Utc>>,
}

impl Held {
    pub(super) fn new(token: &str) -> Held {
        Held {
            access: Secret(token.to_string()),
            expires_at: None,
            next_try: None,
        }
    }

    fn due(&self, now: DateTime<Utc>) -> bool {
        if self.next_try.is_some_and(|t| now < t) {
            return false;
        }
        self.expires_at.is_none_or(|at| at - now <= REFRESH_MARGIN)
    }
}

/// What the vault keeps (sealed).
#[derive(Serialize, Deserialize)]
struct Kept {
    access_token: String,
    expires_at: DateTime<Utc>,
}

impl ThreadsConnector {
    fn vault_key(&self) -> String {
        format!("threads:{}:{}", self.base, self.user_id)
    }

    /// Takes the token a previous run refreshed, if the configured token opens it.
    pub(super) fn load_kept(&self) {
        let Some(vault) = &self.vault else { return };
        let kept = vault::kept::<Kept>(
            vault.as_ref(),
            &self.vault_key(),
            &self.configured.0,
            &self.user_id,
        );
        let Some(kept) = kept else {
            tracing::debug!("threads: the kept token does not open with this token; not used");
            return;
        };
        if kept.expires_at <= Utc::now() {
            return;
        }
        tracing::debug!(account = %self.account, "threads: using the kept token");
        let mut held = self.held();
        held.access = Secret(kept.access_token);
        held.expires_at = Some(kept.expires_at);
    }

    fn keep_sealed(&self, access: &str, expires_at: DateTime<Utc>) {
        let Some(vault) = &self.vault else { return };
        let kept = Kept {
            access_token: access.to_string(),
            expires_at,
        };
        vault::keep(
            vault.as_ref(),
            &self.vault_key(),
            &self.configured.0,
            &self.user_id,
            &kept,
        );
    }

    /// Refreshes the token when it is close to expiry (see the module doc).
    pub(super) async fn refresh_if_due(&self) -> Result<(), ConnectorError> {
        let now = Utc::now();
        let token = {
            let held = self.held();
            if !held.due(now) {
                return Ok(());
            }
            held.access.0.clone()
        };
        let url = reqwest::Url::parse_with_params(
            &format!("{}/refresh_access_token", self.base),
            &[
                ("grant_type", "th_refresh_token"),
                ("access_token", token.as_str()),
            ],
        )
        .map_err(|e| self.err(ErrorKind::Rejected, format!("bad base URL: {e}")))?;
        match self.http.get(url.as_str(), &token).await {
            Ok(answer) => self.take_refreshed(&answer.body, now),
            Err(e) if matches!(e.kind, ErrorKind::AuthExpired | ErrorKind::AuthRevoked) => Err(e),
            Err(e) => {
                tracing::warn!(error = %e, "threads: token refresh failed; the current token is kept");
                self.held().next_try = Some(now + RETRY_AFTER);
                Ok(())
            }
        }
    }

    fn take_refreshed(&self, body: &Value, now: DateTime<Utc>) -> Result<(), ConnectorError> {
        let access = body.get("access_token").and_then(Value::as_str);
        let secs = body.get("expires_in").and_then(Value::as_i64);
        let (Some(access), Some(secs)) = (access, secs) else {
            self.held().next_try = Some(now + RETRY_AFTER);
            return Err(self.err(
                ErrorKind::BadPayload,
                "the refreshed token has no access_token or expires_in",
            ));
        };
        let expires_at = now + TimeDelta::seconds(secs);
        {
            let mut held = self.held();
            held.access = Secret(access.to_string());
            held.expires_at = Some(expires_at);
            held.next_try = None;
        }
        tracing::info!(account = %self.account, %expires_at, "threads: token refreshed");
        self.keep_sealed(access, expires_at);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_due_when_close_to_expiry_or_unknown() {
        let now = Utc::now();
        let mut h = Held::new("t");
        assert!(h.due(now), "unknown expiry: refresh once");
        h.expires_at = Some(now + TimeDelta::days(50));
        assert!(!h.due(now));
        h.expires_at = Some(now + TimeDelta::days(3));
        assert!(h.due(now));
        h.next_try = Some(now + RETRY_AFTER);
        assert!(!h.due(now), "not again right after a failed try");
        let shown = format!("{:?}", Held::new("THAA-secret"));
        assert!(!shown.contains("THAA-secret"), "{shown}");
    }
}
