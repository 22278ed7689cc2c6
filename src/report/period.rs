//! Report periods: the presets a community manager reports on (today, this
//! week, the last 7 or 30 days, this month) and custom `FROM..TO` dates,
//! turned into a half-open UTC window `[from, to)` in the user's zone.
//!
//! Items are stored in UTC; days, weeks and months begin at local midnight
//! of the configured zone, so a day across a DST change lasts 23 or 25
//! hours. A midnight that does not exist (a zone that springs forward at
//! 00:00) starts at the first instant after it. To add a preset: a variant,
//! its name in [`Period::NAMES`] and its arm in [`Period::window`].
//!
//! [`Stepped`] is a period moved whole periods back or forward, as the
//! reports screen's previous/next keys and the comparison with the period
//! before use it: a month steps by calendar months, everything else by its
//! own number of days.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// Which stretch of time a report covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Today,
    /// Monday 00:00 to next Monday 00:00.
    ThisWeek,
    /// The 7 local days ending today (today included).
    Last7Days,
    /// The 30 local days ending today (today included).
    Last30Days,
    ThisMonth,
    /// From the first date's midnight to the end of the second date (both included).
    Custom {
        from: NaiveDate,
        to: NaiveDate,
    },
}

/// A resolved period: `[from, to)` in UTC, with the zone its days are cut in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub zone: Tz,
}

impl Period {
    /// The presets in the order the TUI cycles through them.
    pub const PRESETS: [Period; 5] = [
        Period::Today,
        Period::ThisWeek,
        Period::Last7Days,
        Period::Last30Days,
        Period::ThisMonth,
    ];

    pub const NAMES: &'static str =
        "today, this-week, last-7-days, last-30-days, this-month or YYYY-MM-DD..YYYY-MM-DD";

    /// The name `--period` takes for a preset (`last-7-days`); `None` for
    /// custom dates.
    pub fn name(&self) -> Option<&'static str> {
        Some(match self {
            Period::Today => "today",
            Period::ThisWeek => "this-week",
            Period::Last7Days => "last-7-days",
            Period::Last30Days => "last-30-days",
            Period::ThisMonth => "this-month",
            Period::Custom { .. } => return None,
        })
    }

    /// Human label: `last 7 days`, `2026-03-01..2026-03-31`.
    pub fn label(&self) -> String {
        match self {
            Period::Today => "today".into(),
            Period::ThisWeek => "this week".into(),
            Period::Last7Days => "last 7 days".into(),
            Period::Last30Days => "last 30 days".into(),
            Period::ThisMonth => "this month".into(),
            Period::Custom { from, to } => format!("{from}..{to}"),
        }
    }

    /// The first and last local dates the period covers, at `now`.
    pub fn dates(&self, zone: Tz, now: DateTime<Utc>) -> (NaiveDate, NaiveDate) {
        let today = now.with_timezone(&zone).date_naive();
        let back = |days: u64| today - chrono::Days::new(days);
        match *self {
            Period::Today => (today, today),
            Period::ThisWeek => {
                let monday = back(u64::from(today.weekday().num_days_from_monday()));
                (monday, monday + chrono::Days::new(6))
            }
            Period::Last7Days => (back(6), today),
            Period::Last30Days => (back(29), today),
            Period::ThisMonth => {
                let first = today.with_day(1).unwrap_or(today);
                let next = first
                    .checked_add_months(chrono::Months::new(1))
                    .unwrap_or(first);
                (first, next.pred_opt().unwrap_or(first))
            }
            Period::Custom { from, to } => (from, to),
        }
    }

    /// The UTC window of the period in `zone`, at `now`.
    pub fn window(&self, zone: Tz, now: DateTime<Utc>) -> Window {
        let (first, last) = self.dates(zone, now);
        let end = last.succ_opt().unwrap_or(last);
        Window {
            from: local_midnight(zone, first),
            to: local_midnight(zone, end),
            zone,
        }
    }

    /// The next preset (a custom period goes back to the first preset).
    pub fn next(&self) -> Period {
        let at = Period::PRESETS.iter().position(|p| p == self);
        match at {
            Some(i) => Period::PRESETS[(i + 1) % Period::PRESETS.len()],
            None => Period::PRESETS[0],
        }
    }

    /// The preset before this one.
    pub fn prev(&self) -> Period {
        let n = Period::PRESETS.len();
        let at = Period::PRESETS.iter().position(|p| p == self);
        Period::PRESETS[at.map_or(0, |i| (i + n - 1) % n)]
    }
}

/// `2026-03-01..2026-03-31`, or the one date of a single day.
pub fn dates_label((from, to): (NaiveDate, NaiveDate)) -> String {
    if from == to {
        from.to_string()
    } else {
        format!("{from}..{to}")
    }
}

/// A period moved `step` periods of its kind back (negative) or forward:
/// this month −1 is last month, today −1 yesterday, last 7 days −1 the 7
/// days before them, a custom range −1 as many days before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stepped {
    pub period: Period,
    pub step: i32,
}

impl Stepped {
    /// The period itself, not moved.
    pub fn at(period: Period) -> Stepped {
        Stepped { period, step: 0 }
    }

    /// One period earlier.
    pub fn before(&self) -> Stepped {
        Stepped {
            period: self.period,
            step: self.step.saturating_sub(1),
        }
    }

    /// One period later.
    pub fn after(&self) -> Stepped {
        Stepped {
            period: self.period,
            step: self.step.saturating_add(1),
        }
    }

    /// The first and last local dates covered, at `now`.
    pub fn dates(&self, zone: Tz, now: DateTime<Utc>) -> (NaiveDate, NaiveDate) {
        let (first, last) = self.period.dates(zone, now);
        if self.step == 0 {
            return (first, last);
        }
        if self.period == Period::ThisMonth {
            let months = chrono::Months::new(self.step.unsigned_abs());
            let moved = if self.step < 0 {
                first.checked_sub_months(months)
            } else {
                first.checked_add_months(months)
            };
            let Some(start) = moved else {
                return (first, last);
            };
            let end = start
                .checked_add_months(chrono::Months::new(1))
                .and_then(|next| next.pred_opt())
                .unwrap_or(start);
            return (start, end);
        }
        let days = (last - first).num_days() + 1;
        let by = Duration::days(days.saturating_mul(i64::from(self.step)));
        match (first.checked_add_signed(by), last.checked_add_signed(by)) {
            (Some(a), Some(b)) => (a, b),
            _ => (first, last),
        }
    }

    /// The UTC window in `zone`, at `now`.
    pub fn window(&self, zone: Tz, now: DateTime<Utc>) -> Window {
        let (first, last) = self.dates(zone, now);
        Period::Custom {
            from: first,
            to: last,
        }
        .window(zone, now)
    }

    /// `last month`, `yesterday`, `last 7 days (-2)`; a custom range is
    /// named by its moved dates.
    pub fn label(&self, zone: Tz, now: DateTime<Utc>) -> String {
        match (self.period, self.step) {
            (p, 0) => p.label(),
            (Period::Today, -1) => "yesterday".into(),
            (Period::ThisWeek, -1) => "last week".into(),
            (Period::ThisMonth, -1) => "last month".into(),
            (Period::Custom { .. }, _) => {
                let (from, to) = self.dates(zone, now);
                Period::Custom { from, to }.label()
            }
            (p, step) => format!("{} ({step:+})", p.label()),
        }
    }
}

/// The first instant of `date` in `zone`, in UTC.
pub fn local_midnight(zone: Tz, date: NaiveDate) -> DateTime<Utc> {
    local_instant(zone, date, NaiveTime::MIN)
}

/// `date` at `time` in `zone`, in UTC. A time skipped by a DST change
/// moves forward to the first valid instant; an ambiguous one takes the
/// earlier of its two instants.
pub fn local_instant(zone: Tz, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let naive = date.and_time(time);
    let mut probe = naive;
    // DST gaps are at most a few hours; probe forward by minutes.
    for _ in 0..(24 * 60) {
        if let Some(t) = zone.from_local_datetime(&probe).earliest() {
            return t.with_timezone(&Utc);
        }
        probe += Duration::minutes(1);
    }
    Utc.from_utc_datetime(&naive)
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

impl FromStr for Period {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        if let Some(p) = Period::PRESETS.iter().find(|p| p.name() == Some(&lower)) {
            return Ok(*p);
        }
        match lower.as_str() {
            "week" => return Ok(Period::ThisWeek),
            "7d" => return Ok(Period::Last7Days),
            "30d" => return Ok(Period::Last30Days),
            "month" => return Ok(Period::ThisMonth),
            _ => {}
        }
        let bad = || format!("'{s}' is not a period (expected {})", Period::NAMES);
        let (a, b) = lower.split_once("..").ok_or_else(bad)?;
        let date = |d: &str| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").map_err(|_| bad());
        let (from, to) = (date(a)?, date(b)?);
        if to < from {
            return Err(format!(
                "'{s}': the period ends ({to}) before it starts ({from})"
            ));
        }
        Ok(Period::Custom { from, to })
    }
}

/// The zone named `name` (`Europe/Paris`), or an error naming the problem.
pub fn parse_zone(name: &str) -> Result<Tz, String> {
    name.trim().parse::<Tz>().map_err(|_| {
        format!("unknown time zone '{name}' (expected an IANA name such as Europe/Paris or UTC)")
    })
}

/// The machine's zone, or UTC when it cannot be told.
pub fn system_zone() -> Tz {
    iana_time_zone::get_timezone()
        .ok()
        .and_then(|name| parse_zone(&name).ok())
        .unwrap_or(Tz::UTC)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn presets_are_cut_at_local_midnight() {
        let paris: Tz = "Europe/Paris".parse().unwrap();
        // Wednesday 2026-03-11 10:00 UTC = 11:00 in Paris (UTC+1 in winter).
        let now = utc("2026-03-11T10:00:00Z");
        let w = Period::Today.window(paris, now);
        // Paris midnight = 23:00 UTC the evening before.
        assert_eq!(w.from, utc("2026-03-10T23:00:00Z"));
        assert_eq!(w.to, utc("2026-03-11T23:00:00Z"));
        let w = Period::ThisWeek.window(paris, now);
        // Monday 9 March to Monday 16 March.
        assert_eq!(w.from, utc("2026-03-08T23:00:00Z"));
        assert_eq!(w.to, utc("2026-03-15T23:00:00Z"));
        let w = Period::Last7Days.window(paris, now);
        // 5 March (11 - 6) through 11 March.
        assert_eq!(w.from, utc("2026-03-04T23:00:00Z"));
        let w = Period::ThisMonth.window(paris, now);
        // 1 March 00:00 (UTC+1) to 1 April 00:00, which is UTC+2 after
        // the change of 29 March: 22:00 UTC.
        assert_eq!(w.from, utc("2026-02-28T23:00:00Z"));
        assert_eq!(w.to, utc("2026-03-31T22:00:00Z"));
    }

    #[test]
    fn a_dst_day_lasts_23_hours() {
        let paris: Tz = "Europe/Paris".parse().unwrap();
        let day: NaiveDate = "2026-03-29".parse().unwrap();
        let p = Period::Custom { from: day, to: day };
        let w = p.window(paris, utc("2026-04-02T00:00:00Z"));
        assert_eq!(w.to - w.from, Duration::hours(23));
    }

    #[test]
    fn parses_names_and_custom_ranges() {
        assert_eq!("last-7-days".parse::<Period>(), Ok(Period::Last7Days));
        assert_eq!(
            "2026-01-01..2026-01-31".parse::<Period>(),
            Ok(Period::Custom {
                from: "2026-01-01".parse().unwrap(),
                to: "2026-01-31".parse().unwrap()
            })
        );
        let err = "yesterday".parse::<Period>().unwrap_err();
        assert!(err.contains("this-week"), "{err}");
        let err = "2026-02-01..2026-01-01".parse::<Period>().unwrap_err();
        assert!(err.contains("before it starts"), "{err}");
        assert!(parse_zone("Mars/Olympus").is_err());
        assert_eq!(Period::Today.next(), Period::ThisWeek);
        assert_eq!(Period::Today.prev(), Period::ThisMonth);
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_month_steps_by_calendar_months() {
        let paris: Tz = "Europe/Paris".parse().unwrap();
        let now = utc("2026-03-31T12:00:00Z");
        let month = Stepped::at(Period::ThisMonth);
        let back = month.before();
        assert_eq!(
            back.dates(paris, now),
            (date("2026-02-01"), date("2026-02-28"))
        );
        assert_eq!(back.label(paris, now), "last month");
        // February in Paris is all UTC+1.
        let w = back.window(paris, now);
        assert_eq!(w.from, utc("2026-01-31T23:00:00Z"));
        assert_eq!(w.to, utc("2026-02-28T23:00:00Z"));
        let two = back.before();
        assert_eq!(
            two.dates(paris, now),
            (date("2026-01-01"), date("2026-01-31"))
        );
        assert_eq!(two.label(paris, now), "this month (-2)");
        assert_eq!(
            month.after().dates(paris, now),
            (date("2026-04-01"), date("2026-04-30"))
        );
        let year = Stepped {
            period: Period::ThisMonth,
            step: -12,
        };
        assert_eq!(
            year.dates(paris, now),
            (date("2025-03-01"), date("2025-03-31"))
        );
        // A leap year's February.
        let leap = utc("2024-03-15T12:00:00Z");
        assert_eq!(
            back.dates(paris, leap),
            (date("2024-02-01"), date("2024-02-29"))
        );
        assert_eq!(back.after(), month, "back and forth");
    }

    #[test]
    fn days_and_weeks_step_by_their_length_across_dst() {
        let paris: Tz = "Europe/Paris".parse().unwrap();
        // Thursday 2 April 2026; Paris went to UTC+2 on Sunday 29 March.
        let now = utc("2026-04-02T10:00:00Z");
        let week = Stepped::at(Period::Last7Days);
        let w = week.window(paris, now);
        assert_eq!(w.from, utc("2026-03-26T23:00:00Z"));
        assert_eq!(w.to - w.from, Duration::hours(167), "the DST week");
        let before = week.before();
        assert_eq!(
            before.dates(paris, now),
            (date("2026-03-20"), date("2026-03-26"))
        );
        let w = before.window(paris, now);
        assert_eq!(w.from, utc("2026-03-19T23:00:00Z"));
        assert_eq!(w.to, utc("2026-03-26T23:00:00Z"));
        assert_eq!(before.label(paris, now), "last 7 days (-1)");

        let monday = Stepped::at(Period::ThisWeek).before();
        assert_eq!(
            monday.dates(paris, now),
            (date("2026-03-23"), date("2026-03-29"))
        );
        assert_eq!(monday.label(paris, now), "last week");
        let w = monday.window(paris, now);
        assert_eq!(w.to, utc("2026-03-29T22:00:00Z"), "Monday 00:00 at UTC+2");

        let spring = Stepped::at(Period::Today).before();
        let w = spring.window(paris, utc("2026-03-30T10:00:00Z"));
        assert_eq!(spring.label(paris, now), "yesterday");
        assert_eq!(w.from, utc("2026-03-28T23:00:00Z"));
        assert_eq!(w.to - w.from, Duration::hours(23));
        let w = spring.window(paris, utc("2026-10-26T10:00:00Z"));
        assert_eq!(w.to - w.from, Duration::hours(25), "25 October 2026");

        let month = Stepped {
            period: Period::Last30Days,
            step: -2,
        };
        assert_eq!(
            month.dates(paris, now),
            (date("2026-01-03"), date("2026-02-01"))
        );
        assert_eq!(month.label(paris, now), "last 30 days (-2)");
    }

    #[test]
    fn a_custom_range_steps_by_its_own_length() {
        let paris: Tz = "Europe/Paris".parse().unwrap();
        let now = utc("2026-04-02T10:00:00Z");
        let march = Stepped::at("2026-03-01..2026-03-31".parse().unwrap());
        // 31 days before, not February.
        let before = march.before();
        assert_eq!(
            before.dates(paris, now),
            (date("2026-01-29"), date("2026-02-28"))
        );
        assert_eq!(before.label(paris, now), "2026-01-29..2026-02-28");
        assert_eq!(
            march.after().dates(paris, now),
            (date("2026-04-01"), date("2026-05-01"))
        );
        let day = Stepped::at("2026-03-29..2026-03-29".parse().unwrap());
        assert_eq!(dates_label(day.before().dates(paris, now)), "2026-03-28");
        assert_eq!(
            dates_label(march.dates(paris, now)),
            "2026-03-01..2026-03-31"
        );
    }
}
