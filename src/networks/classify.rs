//! Per-network error classification: (HTTP status, headers, JSON body) →
//! [`ErrorKind`], following each network's error envelope in networks.md.
//!
//! Bodies come first where networks put the real answer there (Meta error
//! codes in 400s, TikTok errors inside HTTP 200, Bluesky error names, YouTube
//! `reason`s); the shared status fallback in `error.rs` covers the rest. To
//! support a new code, add an arm to the network's function and a test in
//! `classify_tests.rs` quoting the body networks.md shows.

use chrono::{DateTime, Days, TimeDelta, Utc};
use serde_json::Value;

use super::error::{ErrorKind, classify_status, limited_until};
use super::headers::Headers;
use super::ratelimit::{META_COOL_DOWN, next_pacific_midnight, retry_after};
use crate::model::Network;

/// `None` when the response is a success.
pub fn classify<H: Headers + ?Sized>(
    network: Network,
    status: u16,
    headers: &H,
    body: Option<&Value>,
    now: DateTime<Utc>,
) -> Option<ErrorKind> {
    match network {
        Network::Facebook | Network::Instagram | Network::Threads => {
            meta(network, status, headers, body, now)
        }
        Network::X => x(status, headers, body, now),
        Network::YouTube => youtube(status, headers, body, now),
        Network::TikTok => tiktok(status, headers, body, now),
        Network::LinkedIn => linkedin(status, headers, body, now),
        Network::Mastodon => mastodon(status, headers, now),
        Network::Bluesky => bluesky(status, headers, body, now),
    }
}

/// The network's own explanation, from whichever envelope the body uses.
pub fn message(body: &Value) -> Option<String> {
    let error = body.get("error");
    if let Some(m) = text(error.and_then(|e| e.get("message"))) {
        return Some(m.to_string()); // Meta, YouTube
    }
    if let Some(name) = text(error) {
        // Bluesky {"error","message"}; Mastodon {"error","error_description"}.
        let detail = text(body.get("message")).or(text(body.get("error_description")));
        return Some(detail.map_or(name.to_string(), |d| format!("{name}: {d}")));
    }
    text(body.get("detail")) // X problems
        .or(text(body.get("message"))) // TikTok, LinkedIn
        .or(text(body.get("title")))
        .map(str::to_string)
}

fn text(v: Option<&Value>) -> Option<&str> {
    v.and_then(Value::as_str).filter(|s| !s.is_empty())
}

fn str_at<'a>(body: Option<&'a Value>, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(body?, |v, key| v.get(*key))?.as_str()
}

fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

/// Facebook, Instagram, Threads (§1, §7): the Graph error envelope
/// `{"error":{"code","error_subcode","is_transient",…}}`, usually with 400/403.
pub fn meta<H: Headers + ?Sized>(
    network: Network,
    status: u16,
    headers: &H,
    body: Option<&Value>,
    now: DateTime<Utc>,
) -> Option<ErrorKind> {
    let Some(err) = body.and_then(|b| b.get("error")).filter(|e| e.is_object()) else {
        if is_success(status) {
            // §10.5: Meta sometimes answers 200 {"success":false} (UNCONFIRMED).
            // Only idempotent calls (hide, delete, like) answer with `success`,
            // so retrying is the safe reading.
            let failed =
                body.and_then(|b| b.get("success")).and_then(Value::as_bool) == Some(false);
            return failed.then_some(ErrorKind::Transient);
        }
        return classify_status(network, status, headers, now, META_COOL_DOWN);
    };
    let code = err.get("code").and_then(Value::as_i64).unwrap_or(0);
    let sub = err.get("error_subcode").and_then(Value::as_i64);
    let transient = err.get("is_transient").and_then(Value::as_bool) == Some(true);
    Some(match (code, sub) {
        (190, Some(463)) => ErrorKind::AuthExpired,
        // 458 app not installed, 459 checkpoint, 460 password changed,
        // 464 unconfirmed user, 467 invalid token, or no subcode.
        (190, _) => ErrorKind::AuthRevoked,
        (4 | 17 | 32 | 341 | 613, _) | (80_000..=80_014, _) => ErrorKind::RateLimited {
            until: limited_until(network, headers, now, META_COOL_DOWN),
        },
        // 551 / 2018109: outside the window or person unavailable (UNCONFIRMED).
        (551, _) | (_, Some(2_018_109)) => ErrorKind::OutsideWindow,
        (10 | 200..=299, _) => ErrorKind::PermissionMissing,
        // 10903 = a second private reply to one comment (UNCONFIRMED code).
        (506 | 10_903, _) => ErrorKind::Duplicate,
        // Not in networks.md: Graph's well-known "object does not exist".
        (100, Some(33)) => ErrorKind::NotFound,
        // 368: temporarily blocked for policy; retrying makes it worse.
        (368, _) => ErrorKind::Rejected,
        (1 | 2, _) => ErrorKind::Transient,
        _ if transient => ErrorKind::Transient,
        _ => classify_status(network, status, headers, now, META_COOL_DOWN)
            .unwrap_or(ErrorKind::Rejected),
    })
}

/// X (§3): RFC 7807 problems; `type` ends in the problem kind. Partial errors
/// in a 200 belong to single items and are not a failed call.
pub fn x<H: Headers + ?Sized>(
    status: u16,
    headers: &H,
    body: Option<&Value>,
    now: DateTime<Utc>,
) -> Option<ErrorKind> {
    if is_success(status) {
        return None;
    }
    let problem = str_at(body, &["type"])
        .and_then(|t| t.rsplit('/').next())
        .unwrap_or("");
    Some(match (status, problem) {
        (_, "usage-capped") => ErrorKind::UsageCapped,
        (429, _) | (_, "rate-limit-exceeded") => ErrorKind::RateLimited {
            until: limited_until(Network::X, headers, now, TimeDelta::minutes(15)),
        },
        // OAuth 2.0 user tokens live 2 h: refresh before anything else.
        (401, _) => ErrorKind::AuthExpired,
        (_, "client-forbidden" | "not-authorized-for-resource") => ErrorKind::PermissionMissing,
        (_, "resource-not-found") => ErrorKind::NotFound,
        // A plain 403 is X refusing this request, e.g. an unsummoned reply
        // under the 2026 rules (exact body UNCONFIRMED), not a missing scope.
        (403, _) | (_, "invalid-request") => ErrorKind::Rejected,
        _ => classify_status(Network::X, status, headers, now, TimeDelta::minutes(15))?,
    })
}

/// YouTube (§4): Google errors `{"error":{"errors":[{"reason"}]}}`; the daily
/// quota resets at midnight Pacific.
pub fn youtube<H: Headers + ?Sized>(
    status: u16,
    headers: &H,
    body: Option<&Value>,
    now: DateTime<Utc>,
) -> Option<ErrorKind> {
    if is_success(status) {
        return None;
    }
    let reason = body
        .and_then(|b| b.pointer("/error/errors/0/reason"))
        .and_then(Value::as_str)
        .unwrap_or("");
    Some(match (status, reason) {
        // `dailyLimitExceeded` is Google's older name for the same thing.
        (_, "quotaExceeded" | "dailyLimitExceeded") => ErrorKind::RateLimited {
            until: next_pacific_midnight(now),
        },
        (_, "rateLimitExceeded" | "userRateLimitExceeded") => ErrorKind::RateLimited {
            until: limited_until(Network::YouTube, headers, now, TimeDelta::minutes(1)),
        },
        (_, "commentNotFound") => ErrorKind::NotFound,
        (_, "processingFailure") => ErrorKind::Transient,
        (_, "forbidden" | "ineligibleAccount" | "insufficientPermissions") => {
            ErrorKind::PermissionMissing
        }
        (
            _,
            "commentTextRequired"
            | "commentTextTooLong"
            | "parentCommentIsPrivate"
            | "parentIdMissing"
            | "operationNotSupported"
            | "banWithoutReject",
        ) => ErrorKind::Rejected,
        _ => classify_status(
            Network::YouTube,
            status,
            headers,
            now,
            TimeDelta::minutes(1),
        )?,
    })
}

/// TikTok (§5): always HTTP 200 with `{"code":0,…}`; failure is a non-zero
/// `code`. The code table is UNCONFIRMED; these come from client code and
/// TikTok's Marketing API: 40100 too many requests (per-minute limits),
/// 40102 token expired, 40101–40199 other auth failures (40105 token
/// incorrect or revoked), 40001 no permission, other 400xx bad parameters,
/// 5xxxx TikTok-side errors. Unknown codes are refusals, not retries.
pub fn tiktok<H: Headers + ?Sized>(
    status: u16,
    headers: &H,
    body: Option<&Value>,
    now: DateTime<Utc>,
) -> Option<ErrorKind> {
    if !is_success(status) {
        return classify_status(Network::TikTok, status, headers, now, TimeDelta::minutes(1));
    }
    let Some(code) = body.and_then(|b| b.get("code")).and_then(Value::as_i64) else {
        return Some(ErrorKind::BadPayload); // every TikTok answer has the envelope
    };
    Some(match code {
        0 => return None,
        40_100 => ErrorKind::RateLimited {
            until: limited_until(Network::TikTok, headers, now, TimeDelta::minutes(1)),
        },
        40_102 => ErrorKind::AuthExpired,
        40_101..=40_199 => ErrorKind::AuthRevoked,
        40_001 => ErrorKind::PermissionMissing,
        50_000..=59_999 => ErrorKind::Transient,
        _ => ErrorKind::Rejected,
    })
}

/// LinkedIn (§6): 426 for a sunset `LinkedIn-Version`; 429 on daily quotas
/// with no documented headers, so without `Retry-After` we wait for the next
/// UTC midnight (LinkedIn's quotas are daily; the reset hour is UNCONFIRMED).
pub fn linkedin<H: Headers + ?Sized>(
    status: u16,
    headers: &H,
    body: Option<&Value>,
    now: DateTime<Utc>,
) -> Option<ErrorKind> {
    Some(match status {
        426 => ErrorKind::VersionRetired,
        // Rest.li `code` names are not in networks.md; expiry is the usual
        // 401 (60-day tokens), revocation the explicit one.
        401 if str_at(body, &["code"]) == Some("REVOKED_ACCESS_TOKEN") => ErrorKind::AuthRevoked,
        429 => ErrorKind::RateLimited {
            until: retry_after(headers, now).unwrap_or_else(|| next_utc_midnight(now)),
        },
        _ => classify_status(Network::LinkedIn, status, headers, now, TimeDelta::hours(1))?,
    })
}

fn next_utc_midnight(now: DateTime<Utc>) -> DateTime<Utc> {
    let today = now.date_naive();
    let tomorrow = today.checked_add_days(Days::new(1)).unwrap_or(today);
    tomorrow.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

/// Mastodon (§8): the status is primary; tokens never expire by default, so a
/// 401 means the token was revoked.
pub fn mastodon<H: Headers + ?Sized>(
    status: u16,
    headers: &H,
    now: DateTime<Utc>,
) -> Option<ErrorKind> {
    match status {
        401 => Some(ErrorKind::AuthRevoked),
        // Defaults: 300 requests per 5 minutes.
        _ => classify_status(
            Network::Mastodon,
            status,
            headers,
            now,
            TimeDelta::minutes(5),
        ),
    }
}

/// Bluesky (§9): `{"error":"<Name>","message"}`; an expired access token is a
/// 400 `ExpiredToken`, a DM call with a non-DM app password is
/// `InvalidToken` "Bad token scope".
pub fn bluesky<H: Headers + ?Sized>(
    status: u16,
    headers: &H,
    body: Option<&Value>,
    now: DateTime<Utc>,
) -> Option<ErrorKind> {
    if is_success(status) {
        return None;
    }
    let name = str_at(body, &["error"]).unwrap_or("");
    let scope =
        str_at(body, &["message"]).is_some_and(|m| m.to_ascii_lowercase().contains("scope"));
    Some(match (status, name) {
        (_, "ExpiredToken") => ErrorKind::AuthExpired,
        (_, "InvalidToken") if scope => ErrorKind::PermissionMissing,
        (_, "InvalidToken" | "AuthRequired" | "AuthFactorTokenRequired") | (401, _) => {
            ErrorKind::AuthRevoked
        }
        (_, "RateLimitExceeded") | (429, _) => ErrorKind::RateLimited {
            until: limited_until(Network::Bluesky, headers, now, TimeDelta::minutes(5)),
        },
        (_, "NotFound" | "RecordNotFound") => ErrorKind::NotFound,
        // The thread gate changed under us (swapRecord): re-read and retry.
        (_, "InvalidSwap") => ErrorKind::Transient,
        (_, "InternalServerError" | "UpstreamFailure") => ErrorKind::Transient,
        _ => classify_status(
            Network::Bluesky,
            status,
            headers,
            now,
            TimeDelta::minutes(5),
        )?,
    })
}

#[cfg(test)]
#[path = "classify_tests.rs"]
mod tests;
