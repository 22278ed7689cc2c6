//! Each network's rate-limit signal, read into one [`RateLimit`], plus the
//! retry arithmetic ([`backoff`], [`retry_after`], [`next_pacific_midnight`]).
//!
//! Every network signals differently (networks.md §0 and §10.6): Meta sends
//! JSON usage percentages, X and Mastodon and Bluesky send
//! limit/remaining/reset triples with three different reset formats, and
//! YouTube, LinkedIn and TikTok send nothing (quota or body codes instead).
//! To support a new signal, add a parser and route the network to it in
//! [`parse`]; keep the result in the shared shape so the sync engine and the
//! outbox never need to know which network they are pacing.

use std::time::Duration;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeDelta, Utc, Weekday};
use serde_json::Value;

use super::headers::{Headers, epoch_seconds, number};
use crate::model::Network;

/// Meta usage percentage at which we stop calling (networks.md §1 says Meta
/// throttles at 100; we back off at 90 so the last 10 % stays free for the
/// user's own replies).
pub const META_BACKOFF_PERCENT: u64 = 90;

/// How long to pause when Meta's usage is high but it gives no
/// `estimated_time_to_regain_access`. Our choice, not Meta's: the app window
/// rolls over an hour (§1), so usage decays; we look again after 10 minutes.
pub const META_COOL_DOWN: TimeDelta = TimeDelta::minutes(10);

/// What a response told us about the budget left for this kind of call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RateLimit {
    /// Calls allowed in the current window, when the network says.
    pub limit: Option<u64>,
    /// Calls left in the window. Meta gives percentages instead; we report
    /// `Some(0)` at or above [`META_BACKOFF_PERCENT`] and `None` below it.
    pub remaining: Option<u64>,
    /// When the window resets (or when a throttle lifts).
    pub reset_at: Option<DateTime<Utc>>,
    /// Meta only: the highest usage percentage across its usage headers.
    pub used_percent: Option<u64>,
}

impl RateLimit {
    /// The time to hold the next call until, if the budget is spent now.
    pub fn wait_until(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match (self.remaining, self.reset_at) {
            (Some(0), Some(at)) if at > now => Some(at),
            _ => None,
        }
    }
}

/// Reads `network`'s rate-limit headers, then folds in a generic
/// `Retry-After` (the later of the two times wins: waiting too long costs a
/// little latency, waiting too little costs another 429).
pub fn parse<H: Headers + ?Sized>(network: Network, headers: &H, now: DateTime<Utc>) -> RateLimit {
    let mut limit = match network {
        Network::Facebook | Network::Instagram | Network::Threads => meta(headers, now),
        Network::X => x(headers),
        Network::Mastodon => mastodon(headers),
        Network::Bluesky => bluesky(headers, now),
        // §4, §5, §6: no rate-limit headers documented; only Retry-After.
        Network::YouTube | Network::TikTok | Network::LinkedIn => RateLimit::default(),
    };
    if let Some(at) = retry_after(headers, now) {
        limit.remaining = Some(0);
        limit.reset_at = Some(limit.reset_at.map_or(at, |t| t.max(at)));
    }
    limit
}

/// Meta (§1): `X-App-Usage` `{"call_count":28,"total_cputime":25,"total_time":25}`
/// and `X-Business-Use-Case-Usage` `{"<id>":[{"type":"pages","call_count":12,…,
/// "estimated_time_to_regain_access":0}]}` (minutes). Absent headers mean
/// "not measured yet", not zero usage, so an empty result stays all-`None`.
pub fn meta<H: Headers + ?Sized>(headers: &H, now: DateTime<Utc>) -> RateLimit {
    let mut percent: Option<u64> = None;
    let mut regain_minutes = 0;
    let mut bump = |v: u64| percent = Some(percent.map_or(v, |p| p.max(v)));
    if let Some(app) = headers.header("x-app-usage").and_then(json) {
        usage_percent(&app).into_iter().for_each(&mut bump);
    }
    if let Some(Value::Object(buc)) = headers.header("x-business-use-case-usage").and_then(json) {
        for entry in buc.values().filter_map(Value::as_array).flatten() {
            usage_percent(entry).into_iter().for_each(&mut bump);
            let eta = entry
                .get("estimated_time_to_regain_access")
                .and_then(lenient_u64);
            regain_minutes = regain_minutes.max(eta.unwrap_or(0));
        }
    }
    let throttled = percent.is_some_and(|p| p >= META_BACKOFF_PERCENT) || regain_minutes > 0;
    let minutes = i64::try_from(regain_minutes).unwrap_or(i64::MAX / 120_000);
    RateLimit {
        limit: None,
        remaining: throttled.then_some(0),
        reset_at: throttled.then(|| {
            if minutes > 0 {
                now + TimeDelta::minutes(minutes)
            } else {
                now + META_COOL_DOWN
            }
        }),
        used_percent: percent,
    }
}

fn json(raw: &str) -> Option<Value> {
    serde_json::from_str(raw).ok()
}

/// Meta sends integers, but a float or a numeric string costs nothing to accept.
fn lenient_u64(v: &Value) -> Option<u64> {
    v.as_u64()
        .or_else(|| v.as_f64().filter(|f| *f >= 0.0).map(|f| f.ceil() as u64))
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

/// The highest of the three usage percentages in one usage object.
fn usage_percent(obj: &Value) -> Option<u64> {
    ["call_count", "total_cputime", "total_time"]
        .iter()
        .filter_map(|k| obj.get(*k).and_then(lenient_u64))
        .max()
}

/// X (§3): `x-rate-limit-limit`, `-remaining`, `-reset` (unix epoch seconds).
pub fn x<H: Headers + ?Sized>(headers: &H) -> RateLimit {
    RateLimit {
        limit: number(headers, "x-rate-limit-limit"),
        remaining: number(headers, "x-rate-limit-remaining"),
        reset_at: headers.header("x-rate-limit-reset").and_then(epoch_seconds),
        used_percent: None,
    }
}

/// Mastodon (§8): `X-RateLimit-Reset` is ISO 8601 (`2026-09-14T19:05:00.000000Z`);
/// GoToSocial sends unix seconds there, so both are accepted.
pub fn mastodon<H: Headers + ?Sized>(headers: &H) -> RateLimit {
    let reset_at = headers.header("x-ratelimit-reset").and_then(|v| {
        DateTime::parse_from_rfc3339(v)
            .map(|t| t.with_timezone(&Utc))
            .ok()
            .or_else(|| epoch_seconds(v))
    });
    RateLimit {
        limit: number(headers, "x-ratelimit-limit"),
        remaining: number(headers, "x-ratelimit-remaining"),
        reset_at,
        used_percent: None,
    }
}

/// Values below this are read as delta-seconds rather than epoch seconds.
const EPOCH_FLOOR: i64 = 1_000_000_000;

/// Bluesky (§9): `RateLimit-Limit/Remaining/Reset` with Reset in unix seconds
/// and `RateLimit-Policy: <limit>;w=<window>`. The IETF draft these headers
/// come from defines Reset as delta-seconds; networks.md (read from the PDS
/// source) says epoch. We take epoch and fall back to delta for small values,
/// so either server behaviour is honoured. Without a Reset, an exhausted
/// budget waits one policy window.
pub fn bluesky<H: Headers + ?Sized>(headers: &H, now: DateTime<Utc>) -> RateLimit {
    let remaining = number(headers, "ratelimit-remaining");
    let reset = headers
        .header("ratelimit-reset")
        .and_then(|v| v.parse::<i64>().ok());
    let reset_at = match reset {
        Some(s) if s >= EPOCH_FLOOR => DateTime::from_timestamp(s, 0),
        Some(s) if s >= 0 => Some(now + TimeDelta::seconds(s)),
        _ if remaining == Some(0) => policy_window(headers).map(|w| now + w),
        _ => None,
    };
    RateLimit {
        limit: number(headers, "ratelimit-limit"),
        remaining,
        reset_at,
        used_percent: None,
    }
}

/// `RateLimit-Policy: 3000;w=300` → 300 s.
fn policy_window<H: Headers + ?Sized>(headers: &H) -> Option<TimeDelta> {
    let policy = headers.header("ratelimit-policy")?;
    let w = policy
        .split(';')
        .find_map(|p| p.trim().strip_prefix("w="))?;
    w.trim().parse().ok().map(TimeDelta::seconds)
}

/// `Retry-After` as delay-seconds or as an HTTP-date, in any of the three
/// date forms HTTP/1.1 requires a recipient to accept.
pub fn retry_after<H: Headers + ?Sized>(headers: &H, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let v = headers.header("retry-after")?;
    if let Ok(secs) = v.parse::<u32>() {
        return Some(now + TimeDelta::seconds(i64::from(secs)));
    }
    if let Ok(t) = DateTime::parse_from_rfc2822(v) {
        return Some(t.with_timezone(&Utc));
    }
    ["%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(v, f).ok())
        .map(|t| t.and_utc())
}

/// Exponential backoff with "equal jitter": the ceiling doubles per attempt
/// (`base`, `2·base`, `4·base`… capped at `max`) and the delay is drawn in
/// `[ceiling/2, ceiling]`, so retries never bunch up and never go to zero.
/// The draw is a pure function of `(jitter_seed, attempt)`: tests and replays
/// see the same delays; callers seed it per outbox entry to spread them.
pub fn backoff(attempt: u32, base: Duration, max: Duration, jitter_seed: u64) -> Duration {
    let factor = 1u32.checked_shl(attempt).unwrap_or(u32::MAX);
    let ceiling = base.saturating_mul(factor).min(max);
    let half = ceiling / 2;
    let draw = splitmix64(jitter_seed ^ u64::from(attempt).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    // The top 53 bits give a uniform f64 in [0, 1).
    let unit = (draw >> 11) as f64 / (1u64 << 53) as f64;
    half + (ceiling - half).mul_f64(unit)
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The next midnight in America/Los_Angeles, when YouTube's daily quota
/// resets (§4). US daylight time runs from the second Sunday of March, 02:00
/// PST, to the first Sunday of November, 02:00 PDT; computed here so that we
/// need no time-zone database.
pub fn next_pacific_midnight(now: DateTime<Utc>) -> DateTime<Utc> {
    let local = now + pacific_offset_at(now);
    let tomorrow = local.date_naive().succ_opt().unwrap_or(local.date_naive());
    let midnight = tomorrow.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let dst = pacific_dst_after(local.date_naive());
    midnight + TimeDelta::hours(if dst { 7 } else { 8 })
}

/// UTC → Pacific offset (negative) at instant `t`.
fn pacific_offset_at(t: DateTime<Utc>) -> TimeDelta {
    let year = t.year();
    let start = nth_sunday(year, 3, 2).and_hms_opt(10, 0, 0); // 02:00 PST
    let end = nth_sunday(year, 11, 1).and_hms_opt(9, 0, 0); // 02:00 PDT
    let naive = t.naive_utc();
    let dst = matches!((start, end), (Some(s), Some(e)) if naive >= s && naive < e);
    TimeDelta::hours(if dst { -7 } else { -8 })
}

/// Whether daylight time is in force at the end of local `date`, i.e. at
/// the next local midnight (the switches happen at 02:00, mid-day).
fn pacific_dst_after(date: NaiveDate) -> bool {
    date >= nth_sunday(date.year(), 3, 2) && date < nth_sunday(date.year(), 11, 1)
}

fn nth_sunday(year: i32, month: u32, n: u8) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Sun, n)
        .or_else(|| NaiveDate::from_ymd_opt(year, month, 1))
        .unwrap_or_default()
}

#[cfg(test)]
#[path = "ratelimit_tests.rs"]
mod tests;
