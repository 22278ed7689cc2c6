//! Tests for `classify.rs`, with bodies and headers shaped as networks.md
//! shows them. Most are tables of (network, status, body) → expected kind.

use serde_json::json;

use super::*;
use crate::networks::error::{ConnectorError, MIN_RATE_WAIT};
use ErrorKind::*;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-09-14T19:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// Rate limited until `hh:mm` (UTC) on 2026-09-14, or a full RFC 3339 time.
fn until(t: &str) -> Option<ErrorKind> {
    let full = if t.len() == 5 {
        format!("2026-09-14T{t}:00Z")
    } else {
        t.to_string()
    };
    let until = DateTime::parse_from_rfc3339(&full)
        .unwrap()
        .with_timezone(&Utc);
    Some(RateLimited { until })
}

const NONE: [(&str, &str); 0] = [];

type Case = (Network, u16, Value, Option<ErrorKind>);

fn check(cases: Vec<Case>) {
    for (network, status, body, want) in cases {
        let got = classify(network, status, &NONE, Some(&body), now());
        assert_eq!(got, want, "{network} {status} {body}");
    }
}

fn graph(code: i64, sub: Option<i64>) -> Value {
    json!({"error": {"message": "m", "type": "OAuthException", "code": code, "error_subcode": sub}})
}

#[test]
fn meta_error_codes() {
    use Network::{Facebook as Fb, Instagram as Ig, Threads as Th};
    check(vec![
        (Fb, 400, graph(190, Some(463)), Some(AuthExpired)),
        (Ig, 400, graph(190, Some(458)), Some(AuthRevoked)),
        (Ig, 400, graph(190, Some(460)), Some(AuthRevoked)),
        (Fb, 400, graph(190, Some(467)), Some(AuthRevoked)),
        (Fb, 400, graph(190, None), Some(AuthRevoked)),
        (Fb, 403, graph(10, None), Some(PermissionMissing)),
        (Fb, 403, graph(200, None), Some(PermissionMissing)),
        (Fb, 400, graph(506, None), Some(Duplicate)),
        (Fb, 400, graph(10_903, None), Some(Duplicate)),
        (Fb, 400, graph(551, None), Some(OutsideWindow)),
        (Ig, 400, graph(10, Some(2_018_109)), Some(OutsideWindow)),
        (Fb, 500, graph(2, None), Some(Transient)),
        (Fb, 400, graph(100, Some(33)), Some(NotFound)),
        (Fb, 400, graph(368, None), Some(Rejected)),
        (
            Th,
            400,
            json!({"error": {"code": 9999, "is_transient": true}}),
            Some(Transient),
        ),
        (Th, 400, graph(9999, None), Some(Rejected)),
        (Fb, 200, json!({"success": true}), None),
        // §10.5: 200 {"success":false} (UNCONFIRMED) is retried.
        (Fb, 200, json!({"success": false}), Some(Transient)),
        (Fb, 502, json!("Bad Gateway"), Some(Transient)),
    ]);
}

#[test]
fn meta_throttles_wait_for_the_buc_estimate_or_the_cool_down() {
    let cases = [4, 17, 32, 613, 80_001, 80_002, 80_006];
    check(
        cases
            .map(|c| (Network::Facebook, 400, graph(c, None), until("19:10")))
            .to_vec(),
    );
    let buc = [(
        "X-Business-Use-Case-Usage",
        r#"{"1":[{"type":"pages","call_count":100,"estimated_time_to_regain_access":42}]}"#,
    )];
    let body = graph(80_001, None);
    let k = classify(Network::Facebook, 400, &buc, Some(&body), now());
    assert_eq!(k, until("19:42"));
}

#[test]
fn x_problems() {
    let problem =
        |kind: &str| json!({"title": "t", "type": format!("https://api.x.com/2/problems/{kind}")});
    let too_many = json!({"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429});
    let partial = json!({"data": [], "errors": [{"resource_id": "1", "type": "https://api.x.com/2/problems/resource-not-found"}]});
    check(vec![
        // No headers: X's 15-minute window.
        (Network::X, 429, too_many.clone(), until("19:15")),
        (Network::X, 429, problem("usage-capped"), Some(UsageCapped)),
        (
            Network::X,
            401,
            json!({"title": "Unauthorized"}),
            Some(AuthExpired),
        ),
        (
            Network::X,
            403,
            problem("client-forbidden"),
            Some(PermissionMissing),
        ),
        (
            Network::X,
            403,
            json!({"type": "about:blank", "status": 403}),
            Some(Rejected),
        ),
        (Network::X, 400, problem("invalid-request"), Some(Rejected)),
        (
            Network::X,
            404,
            problem("resource-not-found"),
            Some(NotFound),
        ),
        // Partial errors in a 200 belong to single items.
        (Network::X, 200, partial, None),
    ]);
    // 1789413300 = 19:15:00Z.
    let h = [
        ("x-rate-limit-remaining", "0"),
        ("x-rate-limit-reset", "1789413300"),
    ];
    assert_eq!(
        classify(Network::X, 429, &h, Some(&too_many), now()),
        until("19:15")
    );
}

#[test]
fn youtube_reasons() {
    let google = |reason: &str| json!({"error": {"code": 403, "message": "m", "errors": [{"domain": "youtube.quota", "reason": reason}]}});
    let yt = Network::YouTube;
    check(vec![
        // 12:00 PDT → the quota returns at 00:00 PDT = 07:00 UTC.
        (
            yt,
            403,
            google("quotaExceeded"),
            until("2026-09-15T07:00:00Z"),
        ),
        (yt, 403, google("rateLimitExceeded"), until("19:01")),
        (yt, 404, google("commentNotFound"), Some(NotFound)),
        (yt, 400, google("commentTextTooLong"), Some(Rejected)),
        (yt, 400, google("banWithoutReject"), Some(Rejected)),
        (
            yt,
            403,
            google("ineligibleAccount"),
            Some(PermissionMissing),
        ),
        (yt, 403, google("somethingNew"), Some(PermissionMissing)),
        (yt, 401, google("authError"), Some(AuthExpired)),
        (yt, 500, google("processingFailure"), Some(Transient)),
    ]);
    assert_eq!(classify(yt, 204, &NONE, None, now()), None);
}

#[test]
fn tiktok_errors_hide_inside_http_200() {
    let env = |code: i64| json!({"code": code, "message": "msg", "request_id": "r", "data": {}});
    let tt = Network::TikTok;
    check(vec![
        (tt, 200, env(0), None),
        (tt, 200, env(40_100), until("19:01")),
        (tt, 200, env(40_102), Some(AuthExpired)),
        (tt, 200, env(40_105), Some(AuthRevoked)),
        (tt, 200, env(40_001), Some(PermissionMissing)),
        (tt, 200, env(40_002), Some(Rejected)),
        (tt, 200, env(50_000), Some(Transient)),
        (tt, 200, env(12_345), Some(Rejected)),
        (tt, 200, json!({"data": {}}), Some(BadPayload)),
        (tt, 503, json!({}), Some(Transient)),
    ]);
    assert_eq!(classify(tt, 200, &NONE, None, now()), Some(BadPayload));
}

#[test]
fn linkedin_version_quota_and_tokens() {
    let li = Network::LinkedIn;
    let denied = json!({"status":403,"serviceErrorCode":100,"code":"ACCESS_DENIED","message":"Not enough permissions"});
    check(vec![
        (li, 426, json!({"status": 426}), Some(VersionRetired)),
        (li, 403, denied, Some(PermissionMissing)),
        // Daily quota, no headers: wait for the next UTC midnight.
        (
            li,
            429,
            json!({"status": 429}),
            until("2026-09-15T00:00:00Z"),
        ),
        (
            li,
            401,
            json!({"code": "EXPIRED_ACCESS_TOKEN"}),
            Some(AuthExpired),
        ),
        (
            li,
            401,
            json!({"code": "REVOKED_ACCESS_TOKEN"}),
            Some(AuthRevoked),
        ),
    ]);
    let k = classify(li, 429, &[("Retry-After", "3600")], None, now());
    assert_eq!(k, until("20:00"));
}

#[test]
fn mastodon_statuses_and_iso_reset() {
    let ma = Network::Mastodon;
    let too_long = json!({"error": "Validation failed: Text character limit of 500 exceeded"});
    check(vec![
        (
            ma,
            401,
            json!({"error": "The access token is invalid"}),
            Some(AuthRevoked),
        ),
        (
            ma,
            403,
            json!({"error": "This action is not allowed"}),
            Some(PermissionMissing),
        ),
        (
            ma,
            404,
            json!({"error": "Record not found"}),
            Some(NotFound),
        ),
        (ma, 422, too_long, Some(Rejected)),
        // No headers: Mastodon's 5-minute window.
        (
            ma,
            429,
            json!({"error": "Too many requests"}),
            until("19:05"),
        ),
        (ma, 503, json!({}), Some(Transient)),
    ]);
    let h = [
        ("X-RateLimit-Remaining", "0"),
        ("X-RateLimit-Reset", "2026-09-14T19:03:00.000000Z"),
    ];
    assert_eq!(classify(ma, 429, &h, None, now()), until("19:03"));
}

#[test]
fn bluesky_error_names() {
    let b = |name: &str, msg: &str| json!({"error": name, "message": msg});
    let bs = Network::Bluesky;
    check(vec![
        (
            bs,
            400,
            b("ExpiredToken", "Token has expired"),
            Some(AuthExpired),
        ),
        (
            bs,
            400,
            b("InvalidToken", "Bad token scope"),
            Some(PermissionMissing),
        ),
        (
            bs,
            400,
            b("InvalidToken", "Token could not be verified"),
            Some(AuthRevoked),
        ),
        (bs, 401, b("AuthRequired", ""), Some(AuthRevoked)),
        (
            bs,
            429,
            b("RateLimitExceeded", "Rate Limit Exceeded"),
            until("19:05"),
        ),
        (bs, 400, b("InvalidSwap", ""), Some(Transient)),
        (bs, 400, b("ConvoLocked", ""), Some(Rejected)),
        (bs, 400, b("NotFound", ""), Some(NotFound)),
        (bs, 502, b("UpstreamFailure", ""), Some(Transient)),
    ]);
    // 1789412460 = 19:01:00Z.
    let h = [
        ("RateLimit-Remaining", "0"),
        ("RateLimit-Reset", "1789412460"),
    ];
    assert_eq!(classify(bs, 429, &h, None, now()), until("19:01"));
}

#[test]
fn rate_limit_never_shorter_than_the_minimum() {
    let k = classify(Network::Mastodon, 429, &[("Retry-After", "0")], None, now());
    assert_eq!(
        k,
        Some(RateLimited {
            until: now() + MIN_RATE_WAIT
        })
    );
}

#[test]
fn messages_come_from_each_envelope() {
    let cases = [
        (
            json!({"error": {"message": "Invalid OAuth access token.", "code": 190}}),
            "Invalid OAuth access token.",
        ),
        (
            json!({"error": "ExpiredToken", "message": "Token has expired"}),
            "ExpiredToken: Token has expired",
        ),
        (
            json!({"error": "invalid_grant", "error_description": "revoked"}),
            "invalid_grant: revoked",
        ),
        (json!({"error": "Record not found"}), "Record not found"),
        (
            json!({"title": "Too Many Requests", "detail": "Slow down"}),
            "Slow down",
        ),
        (
            json!({"code": 40100, "message": "Too many requests"}),
            "Too many requests",
        ),
    ];
    for (body, want) in cases {
        assert_eq!(message(&body).as_deref(), Some(want));
    }
}

#[test]
fn connector_errors_from_responses() {
    let body = json!({"error": "ExpiredToken", "message": "Token has expired"});
    let e =
        ConnectorError::from_response(Network::Bluesky, 400, &NONE, Some(&body), now()).unwrap();
    assert_eq!(e.kind, AuthExpired);
    assert_eq!(e.to_string(), "bluesky: ExpiredToken: Token has expired");
    let e = ConnectorError::from_response(Network::LinkedIn, 426, &NONE, None, now()).unwrap();
    assert_eq!(e.message, "HTTP 426: API version retired: update guichet");
    assert!(ConnectorError::from_response(Network::X, 201, &NONE, None, now()).is_none());
}
