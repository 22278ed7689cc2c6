//! The reports screen's state: the period shown, the report once computed
//! (off the render path, by an effect), and the cursor over its numbers.
//! Every number is a [`Cell`] that knows which items it counts ([`Drill`]),
//! so choosing it opens them in the queue.

use std::sync::Arc;

use crate::report::export::{duration, percent};
use crate::report::{Drill, Period, Report, metrics::BUCKETS};

#[derive(Debug, Clone)]
pub struct ReportsView {
    pub period: Period,
    /// `None` while it is being computed.
    pub report: Option<Arc<Report>>,
    pub error: Option<String>,
    /// Index into [`cells`] of the report.
    pub cursor: usize,
}

// A report is compared by identity: it is replaced, never edited.
impl PartialEq for ReportsView {
    fn eq(&self, other: &Self) -> bool {
        self.period == other.period
            && self.error == other.error
            && self.cursor == other.cursor
            && match (&self.report, &other.report) {
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
    }
}

impl Eq for ReportsView {}

impl ReportsView {
    pub fn new(period: Period) -> ReportsView {
        ReportsView {
            period,
            report: None,
            error: None,
            cursor: 0,
        }
    }
}

/// One selectable number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub label: String,
    pub value: String,
    pub drill: Drill,
}

fn cell(label: impl Into<String>, value: impl ToString, drill: Drill) -> Cell {
    Cell {
        label: label.into(),
        value: value.to_string(),
        drill,
    }
}

/// The report's numbers, in screen order.
pub fn cells(r: &Report) -> Vec<Cell> {
    let t = &r.totals;
    let mut out = vec![
        cell("received", t.received, Drill::Received),
        cell(
            "answered",
            format!("{} ({})", t.answered, percent(t.response_rate)),
            Drill::Answered,
        ),
        cell("unanswered", t.received - t.answered, Drill::Unanswered),
        cell(
            "reply median",
            duration(t.first_response.median_secs),
            Drill::Answered,
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
