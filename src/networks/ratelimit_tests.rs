//! Tests for `ratelimit.rs`, with header values shaped as networks.md shows them.

use super::*;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-09-14T19:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

#[test]
fn meta_app_usage_below_threshold_only_reports_percent() {
    let h = [(
        "X-App-Usage",
        r#"{"call_count":28,"total_cputime":25,"total_time":25}"#,
    )];
    let rl = parse(Network::Facebook, &h, now());
    assert_eq!(rl.used_percent, Some(28));
    assert_eq!(rl.remaining, None);
    assert_eq!(rl.wait_until(now()), None);
}

#[test]
fn meta_app_usage_at_90_backs_off_for_the_cool_down() {
    // The max of the three counters decides: total_time 91 ≥ 90.
    let h = [(
        "x-app-usage",
        r#"{"call_count":40,"total_cputime":12,"total_time":91}"#,
    )];
    let rl = parse(Network::Instagram, &h, now());
    assert_eq!(rl.used_percent, Some(91));
    assert_eq!(rl.remaining, Some(0));
    assert_eq!(rl.wait_until(now()), Some(at("2026-09-14T19:10:00Z")));
}

#[test]
fn meta_buc_estimated_time_is_minutes() {
    let h = [(
        "X-Business-Use-Case-Usage",
        r#"{"104567890123456":[{"type":"pages","call_count":100,"total_cputime":3,"total_time":5,"estimated_time_to_regain_access":17}],
            "17841405822304914":[{"type":"instagram","call_count":12,"total_cputime":3,"total_time":5,"estimated_time_to_regain_access":0}]}"#,
    )];
    let rl = parse(Network::Facebook, &h, now());
    assert_eq!(rl.used_percent, Some(100));
    assert_eq!(rl.reset_at, Some(at("2026-09-14T19:17:00Z")));
}

#[test]
fn meta_absent_or_garbled_headers_mean_unknown() {
    assert_eq!(
        parse(Network::Threads, &[("x-app-usage", "{oops")], now()),
        RateLimit::default()
    );
    let none: [(&str, &str); 0] = [];
    assert_eq!(parse(Network::Facebook, &none, now()), RateLimit::default());
}

#[test]
fn x_headers_are_epoch_seconds() {
    // 1789412400 = 2026-09-14T19:00:00Z; +900 s = the 15-minute window.
    let h = [
        ("x-rate-limit-limit", "300"),
        ("x-rate-limit-remaining", "0"),
        ("x-rate-limit-reset", "1789413300"),
    ];
    let rl = parse(Network::X, &h, now());
    assert_eq!(rl.limit, Some(300));
    assert_eq!(rl.remaining, Some(0));
    assert_eq!(rl.wait_until(now()), Some(at("2026-09-14T19:15:00Z")));
}

#[test]
fn mastodon_reset_is_iso_with_microseconds_or_gotosocial_epoch() {
    let h = [
        ("X-RateLimit-Limit", "300"),
        ("X-RateLimit-Remaining", "0"),
        ("X-RateLimit-Reset", "2026-09-14T19:05:00.000000Z"),
    ];
    let rl = parse(Network::Mastodon, &h, now());
    assert_eq!((rl.limit, rl.remaining), (Some(300), Some(0)));
    assert_eq!(rl.wait_until(now()), Some(at("2026-09-14T19:05:00Z")));
    let gts = [
        ("X-RateLimit-Remaining", "0"),
        ("X-RateLimit-Reset", "1789412700"),
    ];
    assert_eq!(
        parse(Network::Mastodon, &gts, now()).reset_at,
        Some(at("2026-09-14T19:05:00Z"))
    );
}

#[test]
fn mastodon_remaining_left_means_no_wait() {
    let h = [
        ("X-RateLimit-Remaining", "12"),
        ("X-RateLimit-Reset", "2026-09-14T19:05:00.000000Z"),
    ];
    assert_eq!(parse(Network::Mastodon, &h, now()).wait_until(now()), None);
}

#[test]
fn bluesky_reset_epoch_delta_and_policy_window() {
    let epoch = [
        ("RateLimit-Remaining", "0"),
        ("RateLimit-Reset", "1789412460"),
    ];
    assert_eq!(
        parse(Network::Bluesky, &epoch, now()).reset_at,
        Some(at("2026-09-14T19:01:00Z"))
    );
    let delta = [("RateLimit-Remaining", "0"), ("RateLimit-Reset", "90")];
    assert_eq!(
        parse(Network::Bluesky, &delta, now()).reset_at,
        Some(at("2026-09-14T19:01:30Z"))
    );
    let policy = [
        ("RateLimit-Limit", "3000"),
        ("RateLimit-Remaining", "0"),
        ("RateLimit-Policy", "3000;w=300"),
    ];
    let rl = parse(Network::Bluesky, &policy, now());
    assert_eq!(rl.limit, Some(3000));
    assert_eq!(rl.reset_at, Some(at("2026-09-14T19:05:00Z")));
}

#[test]
fn retry_after_seconds_and_all_three_http_date_forms() {
    assert_eq!(
        retry_after(&[("Retry-After", "120")], now()),
        Some(at("2026-09-14T19:02:00Z"))
    );
    let want = Some(at("2026-09-14T19:30:00Z"));
    assert_eq!(
        retry_after(&[("Retry-After", "Mon, 14 Sep 2026 19:30:00 GMT")], now()),
        want
    );
    assert_eq!(
        retry_after(&[("Retry-After", "Monday, 14-Sep-26 19:30:00 GMT")], now()),
        want
    );
    assert_eq!(
        retry_after(&[("Retry-After", "Mon Sep 14 19:30:00 2026")], now()),
        want
    );
    assert_eq!(retry_after(&[("Retry-After", "later")], now()), None);
}

#[test]
fn retry_after_applies_to_networks_without_headers_and_later_time_wins() {
    let rl = parse(Network::LinkedIn, &[("Retry-After", "60")], now());
    assert_eq!(rl.wait_until(now()), Some(at("2026-09-14T19:01:00Z")));
    let both = [
        ("x-rate-limit-remaining", "0"),
        ("x-rate-limit-reset", "1789413300"),
        ("retry-after", "60"),
    ];
    assert_eq!(
        parse(Network::X, &both, now()).reset_at,
        Some(at("2026-09-14T19:15:00Z"))
    );
}

#[test]
fn backoff_doubles_stays_in_equal_jitter_band_and_caps() {
    let base = Duration::from_secs(2);
    let max = Duration::from_secs(60);
    for seed in 0..200u64 {
        for attempt in 0..10 {
            let ceiling = (base * 2u32.pow(attempt)).min(max);
            let d = backoff(attempt, base, max, seed);
            assert!(
                d >= ceiling / 2 && d <= ceiling,
                "attempt {attempt} seed {seed}: {d:?}"
            );
        }
    }
    // Huge attempts saturate instead of overflowing.
    assert!(backoff(u32::MAX, base, max, 1) <= max);
    assert!(backoff(64, Duration::MAX, Duration::MAX, 1) >= Duration::MAX / 2);
}

#[test]
fn backoff_is_deterministic_per_seed_and_spreads_across_seeds() {
    let (base, max) = (Duration::from_secs(1), Duration::from_secs(300));
    assert_eq!(backoff(3, base, max, 42), backoff(3, base, max, 42));
    let distinct: std::collections::BTreeSet<Duration> =
        (0..50).map(|s| backoff(3, base, max, s)).collect();
    assert!(
        distinct.len() > 40,
        "jitter should spread retries: {}",
        distinct.len()
    );
}

#[test]
fn pacific_midnight_in_summer_winter_and_on_switch_days() {
    // 19:00 UTC in September = 12:00 PDT → next midnight 00:00 PDT = 07:00 UTC.
    assert_eq!(next_pacific_midnight(now()), at("2026-09-15T07:00:00Z"));
    // 03:00 UTC on 15 Sep is still 14 Sep 20:00 PDT.
    assert_eq!(
        next_pacific_midnight(at("2026-09-15T03:00:00Z")),
        at("2026-09-15T07:00:00Z")
    );
    // January: PST, midnight = 08:00 UTC.
    assert_eq!(
        next_pacific_midnight(at("2026-01-10T12:00:00Z")),
        at("2026-01-11T08:00:00Z")
    );
    // 2026-03-08 is the second Sunday of March: its 00:00 is PST, the next is PDT.
    assert_eq!(
        next_pacific_midnight(at("2026-03-07T12:00:00Z")),
        at("2026-03-08T08:00:00Z")
    );
    assert_eq!(
        next_pacific_midnight(at("2026-03-08T12:00:00Z")),
        at("2026-03-09T07:00:00Z")
    );
    // 2026-11-01 is the first Sunday of November: its 00:00 is PDT, the next is PST.
    assert_eq!(
        next_pacific_midnight(at("2026-10-31T12:00:00Z")),
        at("2026-11-01T07:00:00Z")
    );
    assert_eq!(
        next_pacific_midnight(at("2026-11-01T12:00:00Z")),
        at("2026-11-02T08:00:00Z")
    );
}
