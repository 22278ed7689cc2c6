//! Business hours (`[business_hours]` in config.toml) and the time between
//! two instants counted only inside them, in the user's zone.
//!
//! ```toml
//! timezone = "Europe/Paris"
//! [business_hours]
//! days = ["mon", "tue", "wed", "thu", "fri"]
//! start = "09:00"
//! end = "18:00"
//! ```
//!
//! Each open day's `start..end` is placed in the zone first and then
//! converted to UTC, so a DST change moves the UTC hours, not the local
//! ones. Without the section, response times are wall-clock time.

use chrono::{DateTime, Datelike, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use serde::Deserialize;

use super::period::local_instant;

/// When the team answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessHours {
    /// Open days, Monday first.
    pub days: Vec<Weekday>,
    pub start: NaiveTime,
    pub end: NaiveTime,
}

/// `[business_hours]` as written in config.toml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBusinessHours {
    pub days: Option<Vec<String>>,
    pub start: Option<String>,
    pub end: Option<String>,
}

impl Default for BusinessHours {
    fn default() -> Self {
        BusinessHours {
            days: vec![
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ],
            start: NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN),
            end: NaiveTime::from_hms_opt(18, 0, 0).unwrap_or(NaiveTime::MIN),
        }
    }
}

/// `mon`, `monday`, `lundi`… to a weekday.
pub fn parse_weekday(s: &str) -> Result<Weekday, String> {
    let lower = crate::text::fold(s.trim());
    let day = match lower.get(..3).unwrap_or(&lower) {
        "mon" | "lun" => Weekday::Mon,
        "tue" | "mar" => Weekday::Tue,
        "wed" | "mer" => Weekday::Wed,
        "thu" | "jeu" => Weekday::Thu,
        "fri" | "ven" => Weekday::Fri,
        "sat" | "sam" => Weekday::Sat,
        "sun" | "dim" => Weekday::Sun,
        _ => return Err(format!("'{s}' is not a day (mon, tue … sun)")),
    };
    Ok(day)
}

/// `09:00` to a time.
pub fn parse_clock(s: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M")
        .map_err(|_| format!("'{s}' is not a time of day (HH:MM, e.g. 09:00)"))
}

impl RawBusinessHours {
    /// Checks the section; each error is `(key, reason)`.
    pub fn resolve(self) -> Result<BusinessHours, Vec<(&'static str, String)>> {
        let mut out = BusinessHours::default();
        let mut errors = Vec::new();
        if let Some(days) = self.days {
            let parsed: Result<Vec<Weekday>, String> =
                days.iter().map(|d| parse_weekday(d)).collect();
            match parsed {
                Ok(mut d) => {
                    d.sort_by_key(Weekday::num_days_from_monday);
                    d.dedup();
                    if d.is_empty() {
                        errors.push(("days", "needs at least one day".to_string()));
                    }
                    out.days = d;
                }
                Err(e) => errors.push(("days", e)),
            }
        }
        for (key, raw, slot) in [
            ("start", self.start, &mut out.start),
            ("end", self.end, &mut out.end),
        ] {
            if let Some(raw) = raw {
                match parse_clock(&raw) {
                    Ok(t) => *slot = t,
                    Err(e) => errors.push((key, e)),
                }
            }
        }
        if errors.is_empty() && out.end <= out.start {
            errors.push(("end", "must be after start".to_string()));
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }
}

impl BusinessHours {
    /// Seconds of `[a, b)` that fall inside business hours in `zone`.
    pub fn seconds_between(&self, zone: Tz, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
        if b <= a {
            return 0;
        }
        let mut day = a.with_timezone(&zone).date_naive();
        let last = b.with_timezone(&zone).date_naive();
        let mut total = 0i64;
        while day <= last {
            if self.days.contains(&day.weekday()) {
                let open = local_instant(zone, day, self.start).max(a);
                let close = local_instant(zone, day, self.end).min(b);
                total += (close - open).num_seconds().max(0);
            }
            let Some(next) = day.succ_opt() else { break };
            day = next;
        }
        total
    }
}

/// Business hours laid out once over a stretch of time (UTC seconds,
/// sorted), so that a report summing a million response times converts
/// no dates per item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Spans {
    open: Vec<(i64, i64)>,
    from: i64,
    to: i64,
}

impl Spans {
    /// The open intervals of the local days from `from` to `to`.
    pub fn new(hours: &BusinessHours, zone: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Spans {
        let mut open = Vec::new();
        let mut day = from.with_timezone(&zone).date_naive();
        let last = to.with_timezone(&zone).date_naive();
        while day <= last {
            if hours.days.contains(&day.weekday()) {
                let a = local_instant(zone, day, hours.start).timestamp();
                let b = local_instant(zone, day, hours.end).timestamp();
                open.push((a, b));
            }
            let Some(next) = day.succ_opt() else { break };
            day = next;
        }
        Spans {
            open,
            from: from.timestamp(),
            to: to.timestamp(),
        }
    }

    /// Open seconds of `[a, b)`, or `None` when it leaves the laid-out stretch.
    pub fn seconds(&self, a: i64, b: i64) -> Option<i64> {
        if a < self.from || b > self.to {
            return None;
        }
        let start = self.open.partition_point(|(_, close)| *close <= a);
        let mut total = 0;
        for (open, close) in self.open.iter().skip(start) {
            if *open >= b {
                break;
            }
            total += (b.min(*close) - a.max(*open)).max(0);
        }
        Some(total)
    }
}

/// How long between two instants counts: wall clock, or business hours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clock {
    pub zone: Tz,
    pub hours: Option<BusinessHours>,
}

impl Clock {
    /// Seconds from `a` to `b` under this clock (never negative).
    pub fn seconds(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
        match &self.hours {
            Some(h) => h.seconds_between(self.zone, a, b),
            None => (b - a).num_seconds().max(0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn counts_only_open_hours_across_a_weekend() {
        let h = BusinessHours::default();
        // Friday 2026-01-09 17:00 UTC to Monday 2026-01-12 10:00 UTC, in UTC:
        // Friday 17:00-18:00 = 1 h, weekend 0, Monday 09:00-10:00 = 1 h.
        let s = h.seconds_between(
            Tz::UTC,
            utc("2026-01-09T17:00:00Z"),
            utc("2026-01-12T10:00:00Z"),
        );
        assert_eq!(s, 2 * 3600);
        // Both ends at night on the same day: nothing.
        let s = h.seconds_between(
            Tz::UTC,
            utc("2026-01-09T19:00:00Z"),
            utc("2026-01-09T23:00:00Z"),
        );
        assert_eq!(s, 0);
    }

    #[test]
    fn local_hours_follow_the_zone_through_dst() {
        let paris: Tz = "Europe/Paris".parse().unwrap();
        let h = BusinessHours::default();
        // Friday 27 March 2026 (UTC+1): open 08:00-17:00 UTC. Monday 30
        // March (UTC+2 since Sunday): open 07:00-16:00 UTC.
        // From Friday 16:00 UTC (17:00 local) to Monday 08:00 UTC (10:00
        // local): Friday 1 h + Monday 1 h = 2 h.
        let s = h.seconds_between(
            paris,
            utc("2026-03-27T16:00:00Z"),
            utc("2026-03-30T08:00:00Z"),
        );
        assert_eq!(s, 2 * 3600);
    }

    #[test]
    fn laid_out_spans_agree_with_the_day_by_day_sum() {
        let paris: Tz = "Europe/Paris".parse().unwrap();
        let h = BusinessHours::default();
        let (from, to) = (utc("2026-03-20T00:00:00Z"), utc("2026-04-10T00:00:00Z"));
        let spans = Spans::new(&h, paris, from, to);
        let mut a = from;
        while a < utc("2026-04-05T00:00:00Z") {
            let b = a + chrono::Duration::minutes(2_000);
            assert_eq!(
                spans.seconds(a.timestamp(), b.timestamp()),
                Some(h.seconds_between(paris, a, b)),
                "{a}"
            );
            a += chrono::Duration::minutes(97);
        }
        assert_eq!(spans.seconds(from.timestamp() - 1, to.timestamp()), None);
    }

    #[test]
    fn the_section_is_checked() {
        let raw = RawBusinessHours {
            days: Some(vec!["lundi".into(), "Tuesday".into()]),
            start: Some("08:30".into()),
            end: Some("12:00".into()),
        };
        let h = raw.resolve().unwrap();
        assert_eq!(h.days, vec![Weekday::Mon, Weekday::Tue]);
        assert_eq!(h.start, NaiveTime::from_hms_opt(8, 30, 0).unwrap());
        let raw = RawBusinessHours {
            days: Some(vec!["someday".into()]),
            start: Some("9h".into()),
            end: None,
        };
        let errs = raw.resolve().unwrap_err();
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].0, "days");
        assert_eq!(errs[1].0, "start");
        let raw = RawBusinessHours {
            days: None,
            start: Some("18:00".into()),
            end: Some("09:00".into()),
        };
        assert_eq!(raw.resolve().unwrap_err()[0].0, "end");
    }
}
