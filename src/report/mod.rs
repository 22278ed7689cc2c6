//! Reports: the numbers a community manager is asked for (daily sheet,
//! weekly and monthly reports), computed from the store's items and its
//! audit log, and written as Markdown, CSV, JSON or a self-contained HTML
//! page.
//!
//! - [`period`]: presets and custom dates → a UTC window in the user's zone;
//! - [`hours`]: business hours and the clock response times run on;
//! - [`query`]: filters and settings; [`trail`]: the audit log as events;
//! - [`sentiment`]: the lexicon behind "most negative authors";
//! - [`engine`]: the computation; [`metrics`]: the numbers it returns;
//! - [`compare`]: the headline numbers against the period before;
//! - [`export`]: the file formats.
//!
//! [`compute`] answers a [`Query`]; [`summary`] is the entry point for a
//! moderation-shift summary (any `from..to` window, one agent).

mod accum;
pub mod compare;
pub mod engine;
pub mod export;
pub mod hours;
pub mod metrics;
pub mod period;
pub mod query;
pub mod sentiment;
mod top;
pub mod trail;

use chrono::{DateTime, Utc};
use serde::Serialize;

pub use engine::compute;
pub use hours::{BusinessHours, Clock};
pub use metrics::{Header, Sla, Spread, Tally};
pub use period::{Period, Stepped, Window};
pub use query::{Query, ReportFilter, Settings};

use crate::model::Network;
use crate::store::{Store, StoreError};

/// Every number of a report. Serialized as is for `--format json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub header: Header,
    pub totals: Tally,
    pub networks: Vec<metrics::NetworkTally>,
    /// One row per local day × network (the daily sheet).
    pub days: Vec<metrics::DayRow>,
    /// First-response times by range.
    pub histogram: Vec<metrics::Bucket>,
    /// Items received by local weekday (Monday first) × hour.
    pub heatmap: [[usize; 24]; 7],
    pub sla: Sla,
    pub escalations: metrics::Escalations,
    pub authors: metrics::Authors,
    pub engagement: metrics::Engagement,
    /// Tags of the received items, most used first.
    pub tags: Vec<metrics::TagCount>,
    /// The items behind the numbers, for `--items` and for opening a
    /// number's items in the queue.
    #[serde(skip)]
    pub rows: Vec<ItemRow>,
}

/// One item the report counted, with what it counted for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRow {
    pub seq: u32,
    pub network: Network,
    pub created: DateTime<Utc>,
    /// Counted as received (else only acted on in the window).
    pub received: bool,
    /// First-response time, when answered.
    pub response_secs: Option<i64>,
    pub negative: bool,
    pub hidden: bool,
    pub deleted: bool,
    pub blocked: bool,
    pub escalated: bool,
    pub sla_breached: bool,
}

/// The metrics of one agent's work over an arbitrary window: what a
/// moderation-shift summary shows at hand-over. `from..to` is the shift
/// (any instants, not whole days); `agent` is who worked it; answers and
/// outcomes are followed up to `to`, so the summary describes the shift as
/// it ended. Days and hours are cut in `settings.zone`.
pub fn summary(
    store: &dyn Store,
    settings: &Settings,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    agent: &str,
) -> Result<Report, StoreError> {
    let query = Query {
        window: Window {
            from,
            to,
            zone: settings.zone,
        },
        label: format!("shift of {agent}"),
        as_of: to,
        filter: ReportFilter {
            agent: Some(agent.to_string()),
            ..ReportFilter::default()
        },
    };
    compute(store, settings, &query)
}

/// `mon-fri 09:00-18:00`.
pub fn hours_label(h: &BusinessHours) -> String {
    let name = |d: &chrono::Weekday| d.to_string().to_lowercase();
    let days = match (h.days.first(), h.days.last()) {
        (Some(a), Some(b)) if h.days.len() > 2 && contiguous(&h.days) => {
            format!("{}-{}", name(a), name(b))
        }
        _ => h.days.iter().map(name).collect::<Vec<_>>().join(","),
    };
    format!(
        "{days} {}-{}",
        h.start.format("%H:%M"),
        h.end.format("%H:%M")
    )
}

fn contiguous(days: &[chrono::Weekday]) -> bool {
    days.windows(2)
        .all(|w| w[0].num_days_from_monday() + 1 == w[1].num_days_from_monday())
}

/// What a number of the report stands for, to open its items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drill {
    Received,
    Answered,
    Unanswered,
    Network(Network),
    Day(chrono::NaiveDate),
    /// Weekday (Monday = 0) and hour, in the report's zone.
    HourOfWeek(u32, u32),
    /// First-response bucket (index into [`metrics::BUCKETS`]).
    Bucket(usize),
    Negative,
    Hidden,
    Deleted,
    Blocked,
    Escalated,
    SlaBreached,
}

impl Report {
    /// The seqs of the items behind a number, in seq order.
    pub fn drill(&self, what: &Drill, zone: chrono_tz::Tz) -> Vec<u32> {
        use chrono::{Datelike, Timelike};
        let mut out: Vec<u32> = self
            .rows
            .iter()
            .filter(|r| match what {
                Drill::Received => r.received,
                Drill::Answered => r.received && r.response_secs.is_some(),
                Drill::Unanswered => r.received && r.response_secs.is_none(),
                Drill::Network(n) => r.received && r.network == *n,
                Drill::Day(d) => r.received && r.created.with_timezone(&zone).date_naive() == *d,
                Drill::HourOfWeek(wd, h) => {
                    let t = r.created.with_timezone(&zone);
                    r.received && t.weekday().num_days_from_monday() == *wd && t.hour() == *h
                }
                Drill::Bucket(b) => r.response_secs.is_some_and(|s| metrics::bucket_of(s) == *b),
                Drill::Negative => r.negative,
                Drill::Hidden => r.hidden,
                Drill::Deleted => r.deleted,
                Drill::Blocked => r.blocked,
                Drill::Escalated => r.escalated,
                Drill::SlaBreached => r.sla_breached,
            })
            .map(|r| r.seq)
            .collect();
        out.sort_unstable();
        out
    }
}
