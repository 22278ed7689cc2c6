//! Snooze targets: the presets and the times people type.
//!
//! Accepted: `30m`, `2h`, `3d`, `1w`, `tomorrow`, `tomorrow 14:00`, `14:00`
//! (today, or tomorrow if already past), a weekday (`mon`, `lundi` …, next
//! one at 09:00), `2026-12-01`, `2026-12-01 09:30`, and RFC 3339. Times are
//! read in the local zone and returned in UTC. Presets are computed from the
//! same functions so the TUI and CLI agree.

use chrono::{DateTime, Datelike, Duration, Local, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};

/// When snoozed items come back by default in the morning.
const MORNING: (u32, u32) = (9, 0);

fn at_local(date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    Local
        .from_local_datetime(&date.and_time(time))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

fn morning() -> NaiveTime {
    NaiveTime::from_hms_opt(MORNING.0, MORNING.1, 0).unwrap_or_default()
}

/// Tomorrow at 09:00 local time.
pub fn tomorrow_morning(now: DateTime<Utc>) -> DateTime<Utc> {
    let today = now.with_timezone(&Local).date_naive();
    let date = today.succ_opt().unwrap_or(today);
    at_local(date, morning()).unwrap_or(now + Duration::days(1))
}

/// The next given weekday (never today) at 09:00 local time.
pub fn next_weekday(now: DateTime<Utc>, day: Weekday) -> DateTime<Utc> {
    let today = now.with_timezone(&Local).date_naive();
    let mut date = today.succ_opt().unwrap_or(today);
    while date.weekday() != day {
        date = date.succ_opt().unwrap_or(date);
    }
    at_local(date, morning()).unwrap_or(now + Duration::days(7))
}

fn weekday(word: &str) -> Option<Weekday> {
    let w = word.to_lowercase();
    let names: [(&[&str], Weekday); 7] = [
        (&["mon", "monday", "lun", "lundi"], Weekday::Mon),
        (&["tue", "tuesday", "mar", "mardi"], Weekday::Tue),
        (&["wed", "wednesday", "mer", "mercredi"], Weekday::Wed),
        (&["thu", "thursday", "jeu", "jeudi"], Weekday::Thu),
        (&["fri", "friday", "ven", "vendredi"], Weekday::Fri),
        (&["sat", "saturday", "sam", "samedi"], Weekday::Sat),
        (&["sun", "sunday", "dim", "dimanche"], Weekday::Sun),
    ];
    names
        .iter()
        .find(|(n, _)| n.contains(&w.as_str()))
        .map(|(_, d)| *d)
}

fn clock(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s, "%H:%M")
        .ok()
        .or_else(|| NaiveTime::parse_from_str(s, "%Hh%M").ok())
        .or_else(|| {
            let h: u32 = s.strip_suffix('h')?.parse().ok()?;
            NaiveTime::from_hms_opt(h, 0, 0)
        })
}

fn duration(s: &str) -> Option<Duration> {
    let split = s.find(|c: char| !c.is_ascii_digit())?;
    let (num, unit) = s.split_at(split);
    let n: i64 = num.parse().ok()?;
    match unit {
        "m" | "min" => Duration::try_minutes(n),
        "h" => Duration::try_hours(n),
        "d" | "j" => Duration::try_days(n),
        "w" => Duration::try_weeks(n),
        _ => None,
    }
}

/// `2026-12-01` (its morning) or `2026-12-01 09:30`, local time.
fn date_time(lower: &str) -> Option<DateTime<Utc>> {
    let mut parts = lower.split_whitespace();
    let date = parts
        .next()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let time = match parts.next() {
        Some(t) => clock(t),
        None => Some(morning()),
    };
    date.zip(time).and_then(|(d, t)| at_local(d, t))
}

/// Parses what a person typed into a time in the future.
pub fn parse(input: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let s = input.trim();
    let lower = s.to_lowercase();
    let local_now = now.with_timezone(&Local);
    let today = local_now.date_naive();
    let result = if let Some(d) = duration(&lower) {
        now.checked_add_signed(d)
    } else if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        Some(t.with_timezone(&Utc))
    } else if let Some(rest) = lower
        .strip_prefix("tomorrow")
        .or_else(|| lower.strip_prefix("demain"))
    {
        let time = if rest.trim().is_empty() {
            Some(morning())
        } else {
            clock(rest.trim())
        };
        time.and_then(|t| at_local(today.succ_opt()?, t))
    } else if let Some(t) = clock(&lower) {
        at_local(today, t).map(|at| {
            if at <= now {
                at + Duration::days(1)
            } else {
                at
            }
        })
    } else if let Some(day) = weekday(&lower) {
        Some(next_weekday(now, day))
    } else {
        date_time(&lower)
    };
    match result {
        Some(t) if t > now => Ok(t),
        Some(_) => Err(format!("'{s}' is in the past")),
        None => Err(format!(
            "cannot read '{s}': try 2h, 30m, 3d, tomorrow, tomorrow 14:00, 14:00, monday or 2026-12-01 09:00"
        )),
    }
}

/// Parses a time in the past (the start of a report window): `8h` or
/// `30m` ago, `14:00` (today, or yesterday if still ahead), `2026-11-23`
/// (its morning), `2026-11-23 08:00`, or RFC 3339.
pub fn parse_past(input: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let s = input.trim();
    let lower = s.to_lowercase();
    let today = now.with_timezone(&Local).date_naive();
    let result = if let Some(d) = duration(&lower) {
        now.checked_sub_signed(d)
    } else if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        Some(t.with_timezone(&Utc))
    } else if let Some(t) = clock(&lower) {
        at_local(today, t).map(|at| if at > now { at - Duration::days(1) } else { at })
    } else {
        date_time(&lower)
    };
    match result {
        Some(t) if t <= now => Ok(t),
        Some(_) => Err(format!("'{s}' is in the future")),
        None => Err(format!(
            "cannot read '{s}': try 8h (ago), 30m, 14:00, 2026-11-23 08:00 or RFC 3339"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Timelike;

    #[test]
    fn durations_and_presets() {
        let now = Utc::now();
        assert_eq!(parse("2h", now).unwrap(), now + Duration::hours(2));
        assert_eq!(parse("30m", now).unwrap(), now + Duration::minutes(30));
        assert_eq!(parse("3d", now).unwrap(), now + Duration::days(3));
        let t = parse("tomorrow", now).unwrap();
        assert_eq!(t, tomorrow_morning(now));
        assert_eq!(t.with_timezone(&Local).hour(), 9);
        let mon = parse("lundi", now).unwrap();
        assert_eq!(mon.with_timezone(&Local).weekday(), Weekday::Mon);
        assert!(mon > now);
    }

    #[test]
    fn clock_times_are_in_the_future() {
        let now = Utc::now();
        let t = parse("14:00", now).unwrap();
        assert!(t > now && t <= now + Duration::days(1));
        let t = parse("tomorrow 14:30", now).unwrap();
        assert_eq!(t.with_timezone(&Local).minute(), 30);
        assert!(parse("2001-01-01", now).unwrap_err().contains("past"));
        assert!(parse("someday", now).unwrap_err().contains("cannot read"));
        assert!(parse("2099-03-04 10:15", now).is_ok());
        assert!(
            parse("99999999999999h", now).is_err(),
            "huge durations are refused, not a panic"
        );
    }

    #[test]
    fn past_times_for_report_windows() {
        let now = Utc::now();
        assert_eq!(parse_past("8h", now).unwrap(), now - Duration::hours(8));
        let t = parse_past("14:00", now).unwrap();
        assert!(t <= now && t > now - Duration::days(1));
        assert_eq!(t.with_timezone(&Local).hour(), 14);
        let t = parse_past("2026-01-02T03:04:05Z", now).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-01-02T03:04:05+00:00");
        assert!(parse_past("2001-01-01 08:00", now).is_ok());
        assert!(
            parse_past("2999-01-01", now)
                .unwrap_err()
                .contains("future")
        );
        assert!(
            parse_past("whenever", now)
                .unwrap_err()
                .contains("cannot read")
        );
        assert!(parse_past("99999999999999h", now).is_err());
    }
}
