//! The reports screen's state: the period shown (a preset or custom dates,
//! moved `step` periods back or forward), the report once computed (off
//! the render path, by an effect), the headline numbers of the period
//! before it for the comparison, and the cursor over its numbers. Every
//! number is a [`Cell`] that knows which items it counts ([`Drill`]), so
//! choosing it opens them in the queue.

use std::sync::Arc;

use crate::report::compare::{Change, Headline, changes};
use crate::report::export::{duration, percent};
use crate::report::{Drill, Period, Report, Stepped, metrics::BUCKETS};

#[derive(Debug, Clone)]
pub struct ReportsView {
    pub period: Period,
    /// Periods moved from `period` (`-1`: the one before).
    pub step: i32,
    /// `None` while it is being computed.
    pub report: Option<Arc<Report>>,
    /// The period before's numbers, once computed.
    pub previous: Option<Arc<Headline>>,
    pub error: Option<String>,
    /// Index into [`cells`] of the report.
    pub cursor: usize,
}

fn same<T>(a: &Option<Arc<T>>, b: &Option<Arc<T>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => Arc::ptr_eq(a, b),
        (None, None) => true,
        _ => false,
    }
}

// Reports are compared by identity: they are replaced, never edited.
impl PartialEq for ReportsView {
    fn eq(&self, other: &Self) -> bool {
        self.period == other.period
            && self.step == other.step
            && self.error == other.error
            && self.cursor == other.cursor
            && same(&self.report, &other.report)
            && same(&self.previous, &other.previous)
    }
}

impl Eq for ReportsView {}

impl ReportsView {
    pub fn new(shown: Stepped) -> ReportsView {
        ReportsView {
            period: shown.period,
            step: shown.step,
            report: None,
            previous: None,
            error: None,
            cursor: 0,
        }
    }

    /// What is on screen.
    pub fn shown(&self) -> Stepped {
        Stepped {
            period: self.period,
            step: self.step,
        }
    }
}

/// One selectable number.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub label: String,
    pub value: String,
    pub drill: Drill,
    /// Against the period before (headline numbers only).
    pub change: Option<Change>,
}

fn cell(label: impl Into<String>, value: impl ToString, drill: Drill) -> Cell {
    Cell {
        label: label.into(),
        value: value.to_string(),
        drill,
        change: None,
    }
}

/// The report's numbers, in screen order.
pub fn cells(r: &Report) -> Vec<Cell> {
    cells_compared(r, None)
}

/// The same, the headline numbers with their change since `previous`.
pub fn cells_compared(r: &Report, previous: Option<&Headline>) -> Vec<Cell> {
    let t = &r.totals;
    let c = previous.map(|p| changes(&Headline::of(r), p));
    let c = c.as_ref();
    let with = |mut cell: Cell, change: Option<Change>| {
        cell.change = change;
        cell
    };
    let mut out = vec![
        with(
            cell("received", t.received, Drill::Received),
            c.map(|c| c.received),
        ),
        with(
            cell("answered", t.answered, Drill::Answered),
            c.map(|c| c.answered),
        ),
        with(
            cell("response rate", percent(t.response_rate), Drill::Answered),
            c.and_then(|c| c.response_rate),
        ),
        cell("unanswered", t.received - t.answered, Drill::Unanswered),
        with(
            cell(
                "reply median",
                duration(t.first_response.median_secs),
                Drill::Answered,
            ),
            c.and_then(|c| c.median_first_response),
        ),
        cell(
            "reply p90",
            duration(t.first_response.p90_secs),
            Drill::Answered,
        ),
        cell("escalated", t.escalated, Drill::Escalated),
        cell("SLA breached", r.sla.breached, Drill::SlaBreached),
        cell("hidden", t.hidden, Drill::Hidden),
        cell("deleted", t.deleted, Drill::Deleted),
        cell("blocked", t.blocked, Drill::Blocked),
        cell(
            "negative",
            r.rows.iter().filter(|x| x.negative).count(),
            Drill::Negative,
        ),
    ];
    for n in &r.networks {
        out.push(cell(
            format!("  {}", n.network),
            n.tally.received,
            Drill::Network(n.network),
        ));
    }
    for (i, b) in r.histogram.iter().enumerate().take(BUCKETS.len()) {
        out.push(cell(
            format!("  answered {}", b.label),
            b.count,
            Drill::Bucket(i),
        ));
    }
    out
}
