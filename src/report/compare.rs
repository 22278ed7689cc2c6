//! A report against the period before it: the headline numbers a weekly
//! report is asked for (received, answered and the response rate, the
//! median first response, SLA met) of both periods, and how each moved
//! (`+12%`, `-2.5 pts`, `-3m`). The reports screen and `guichet report
//! --compare` both read them from here.
//!
//! "The period before" is [`Stepped::before`]: the month before for a
//! month, as many days before otherwise. It is computed by the same engine
//! with the same filter, settings and `as_of` as the period on screen, so
//! its numbers are the ones `guichet report` prints for those dates now.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::export::{duration, percent, short_time};
use super::{Query, Report, ReportFilter, Settings, Stepped, compute};
use crate::store::{Store, StoreError};

/// The numbers a comparison is made on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Headline {
    /// What the period is called (`last 7 days (-1)`) and its bounds, as
    /// in the report's header.
    pub label: String,
    pub from: String,
    pub to: String,
    pub received: usize,
    pub answered: usize,
    pub response_rate: Option<f64>,
    pub median_first_response_secs: Option<i64>,
    pub sla_met: usize,
    pub sla_breached: usize,
    /// met / (met + breached).
    pub sla_met_rate: Option<f64>,
}

impl Headline {
    pub fn of(r: &Report) -> Headline {
        let t = &r.totals;
        Headline {
            label: r.header.label.clone(),
            from: r.header.from.clone(),
            to: r.header.to.clone(),
            received: t.received,
            answered: t.answered,
            response_rate: t.response_rate,
            median_first_response_secs: t.first_response.median_secs,
            sla_met: r.sla.met,
            sla_breached: r.sla.breached,
            sla_met_rate: r.sla.ratio(),
        }
    }
}

/// How one number moved.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Change {
    /// A count, shown as a relative change (or `+N` from nothing).
    Count { now: usize, before: usize },
    /// A ratio's change, in percentage points.
    Points(f64),
    /// A duration's change, in seconds.
    Secs(i64),
}

impl Change {
    /// `+12%`, `+5` (from 0), `-2.5 pts`, `+1h 5m`, `=`.
    pub fn words(&self) -> String {
        self.text(" pts")
    }

    /// The same, shorter for a screen column: `-2.5pt`.
    pub fn short(&self) -> String {
        self.text("pt")
    }

    fn text(&self, points: &str) -> String {
        match *self {
            Change::Count { now, before } if now == before => "=".into(),
            Change::Count { now, before: 0 } => format!("+{now}"),
            Change::Count { now, before } => {
                let pct = (now as f64 - before as f64) * 100.0 / before as f64;
                format!("{pct:+.0}%")
            }
            Change::Points(p) if p.abs() < 0.05 => "=".into(),
            Change::Points(p) => format!("{p:+.1}{points}"),
            Change::Secs(0) => "=".into(),
            Change::Secs(s) => {
                let sign = if s < 0 { '-' } else { '+' };
                format!("{sign}{}", duration(Some(s.saturating_abs())))
            }
        }
    }
}

/// The change of each headline number (`None` where one side has no
/// value: nothing received, no answer, no SLA settled).
#[derive(Debug, Clone, PartialEq)]
pub struct Changes {
    pub received: Change,
    pub answered: Change,
    pub response_rate: Option<Change>,
    pub median_first_response: Option<Change>,
    pub sla_met_rate: Option<Change>,
}

/// From `before` to `now`.
pub fn changes(now: &Headline, before: &Headline) -> Changes {
    let points = |a: Option<f64>, b: Option<f64>| Some(Change::Points((a? - b?) * 100.0));
    Changes {
        received: Change::Count {
            now: now.received,
            before: before.received,
        },
        answered: Change::Count {
            now: now.answered,
            before: before.answered,
        },
        response_rate: points(now.response_rate, before.response_rate),
        median_first_response: now
            .median_first_response_secs
            .zip(before.median_first_response_secs)
            .map(|(a, b)| Change::Secs(a - b)),
        sla_met_rate: points(now.sla_met_rate, before.sla_met_rate),
    }
}

/// The question for `shown` at `now`: its window and label in `zone`,
/// everything followed up to `now`.
pub fn query(shown: Stepped, zone: Tz, now: DateTime<Utc>, filter: ReportFilter) -> Query {
    Query {
        window: shown.window(zone, now),
        label: shown.label(zone, now),
        as_of: now,
        filter,
    }
}

/// The headline numbers of the period before `shown`, asked like
/// `query` (same filter and `as_of`).
pub fn previous(
    store: &dyn Store,
    settings: &Settings,
    shown: Stepped,
    query: &Query,
) -> Result<Headline, StoreError> {
    let before = self::query(
        shown.before(),
        settings.zone,
        query.as_of,
        query.filter.clone(),
    );
    Ok(Headline::of(&compute(store, settings, &before)?))
}

/// The comparison as a Markdown section: both periods' numbers and the
/// change, one row per headline number.
pub fn markdown(report: &Report, before: &Headline) -> String {
    let now = Headline::of(report);
    let c = changes(&now, before);
    let opt = |c: Option<Change>| c.map_or_else(|| "-".to_string(), |c| c.words());
    let sla = |h: &Headline| {
        format!(
            "{} of {} ({})",
            h.sla_met,
            h.sla_met + h.sla_breached,
            percent(h.sla_met_rate)
        )
    };
    let median = |h: &Headline| duration(h.median_first_response_secs);
    let rows = [
        (
            "received",
            now.received.to_string(),
            before.received.to_string(),
            c.received.words(),
        ),
        (
            "answered",
            now.answered.to_string(),
            before.answered.to_string(),
            c.answered.words(),
        ),
        (
            "response rate",
            percent(now.response_rate),
            percent(before.response_rate),
            opt(c.response_rate),
        ),
        (
            "first response (median)",
            median(&now),
            median(before),
            opt(c.median_first_response),
        ),
        ("SLA met", sla(&now), sla(before), opt(c.sla_met_rate)),
    ];
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Compared with {} ({} → {})\n",
        super::export::markdown::escape(&before.label),
        short_time(&before.from),
        short_time(&before.to)
    );
    out.push_str("| | this period | the period before | change |\n|---|---:|---:|---:|\n");
    for (name, a, b, change) in rows {
        let _ = writeln!(out, "| {name} | {a} | {b} | {change} |");
    }
    out
}

/// The report as JSON with the period before's numbers under `previous`.
pub fn json(report: &Report, previous: &Headline) -> Result<String, serde_json::Error> {
    #[derive(Serialize)]
    struct Compared<'a> {
        #[serde(flatten)]
        report: &'a Report,
        previous: &'a Headline,
    }
    serde_json::to_string_pretty(&Compared { report, previous })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headline(received: usize, answered: usize, median: Option<i64>, met: usize) -> Headline {
        Headline {
            label: "p".into(),
            from: "2026-03-02T00:00:00+01:00".into(),
            to: "2026-03-09T00:00:00+01:00".into(),
            received,
            answered,
            response_rate: (received > 0).then(|| answered as f64 / received as f64),
            median_first_response_secs: median,
            sla_met: met,
            sla_breached: 4 - met,
            sla_met_rate: Some(met as f64 / 4.0),
        }
    }

    #[test]
    fn each_number_moves_in_its_own_unit() {
        // 40 → 50 received (+25%), 20 → 30 answered (+50%), rate 50% →
        // 60% (+10 points), median 45 → 42 min (-3m), SLA 1/4 → 3/4.
        let before = headline(40, 20, Some(45 * 60), 1);
        let now = headline(50, 30, Some(42 * 60), 3);
        let c = changes(&now, &before);
        assert_eq!(c.received.words(), "+25%");
        assert_eq!(c.answered.words(), "+50%");
        assert_eq!(c.response_rate.unwrap().words(), "+10.0 pts");
        assert_eq!(c.response_rate.unwrap().short(), "+10.0pt");
        assert_eq!(c.median_first_response.unwrap().words(), "-3m");
        assert_eq!(c.sla_met_rate.unwrap().words(), "+50.0 pts");
        // The other way round.
        let c = changes(&before, &now);
        assert_eq!(c.received.words(), "-20%");
        assert_eq!(c.median_first_response.unwrap().words(), "+3m");
        assert_eq!(c.response_rate.unwrap().words(), "-10.0 pts");
    }

    #[test]
    fn nothing_before_or_no_change() {
        let empty = headline(0, 0, None, 0);
        let now = headline(7, 2, Some(90 * 60), 0);
        let c = changes(&now, &empty);
        assert_eq!(c.received.words(), "+7", "no percentage of nothing");
        assert_eq!(c.response_rate, None, "no rate before");
        assert_eq!(c.median_first_response, None);
        let same = changes(&now, &now);
        assert_eq!(same.received.words(), "=");
        assert_eq!(same.response_rate.unwrap().words(), "=");
        assert_eq!(same.median_first_response.unwrap().words(), "=");
        assert_eq!(
            Change::Secs(-(3_600 + 5 * 60)).words(),
            "-1h 5m",
            "the report's own duration words"
        );
        assert_eq!(Change::Count { now: 0, before: 3 }.words(), "-100%");
    }
}
