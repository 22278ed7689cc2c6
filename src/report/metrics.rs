//! The numbers of a report, as plain serializable data (the JSON export is
//! this struct), and the small statistics they are made with.
//!
//! Times are seconds. Percentiles use the nearest-rank method: the p-th
//! percentile of n sorted values is the value at rank ⌈p·n/100⌉, so every
//! figure is one that occurred and can be checked by hand.

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::Network;

/// Median and 90th percentile of a set of durations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Spread {
    pub count: usize,
    pub median_secs: Option<i64>,
    pub p90_secs: Option<i64>,
}

/// The value at nearest rank ⌈p·n/100⌉ of sorted `values`.
pub fn percentile(sorted: &[i64], p: usize) -> Option<i64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let rank = (p * n).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

impl Spread {
    pub fn of(mut values: Vec<i64>) -> Spread {
        values.sort_unstable();
        Spread {
            count: values.len(),
            median_secs: percentile(&values, 50),
            p90_secs: percentile(&values, 90),
        }
    }
}

/// Counts kept per bucket (the whole report, a network, a day × network).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Tally {
    /// Items received (created in the period, not written by the brand).
    pub received: usize,
    /// Of those, answered by the report's `as_of`.
    pub answered: usize,
    /// answered / received, 0 to 1 (`None` when nothing was received).
    pub response_rate: Option<f64>,
    /// Time to the first answer, under the report's clock.
    pub first_response: Spread,
    /// Moderation done in the period (confirmed on the network).
    pub hidden: usize,
    pub deleted: usize,
    pub blocked: usize,
    /// Escalations opened in the period.
    pub escalated: usize,
}

/// A tally being built: counts and the raw durations.
#[derive(Debug, Clone, Default)]
pub struct Acc {
    pub received: usize,
    pub answered: usize,
    pub times: Vec<i64>,
    pub hidden: usize,
    pub deleted: usize,
    pub blocked: usize,
    pub escalated: usize,
}

impl Acc {
    pub fn finish(self) -> Tally {
        Tally {
            received: self.received,
            answered: self.answered,
            response_rate: (self.received > 0).then(|| self.answered as f64 / self.received as f64),
            first_response: Spread::of(self.times),
            hidden: self.hidden,
            deleted: self.deleted,
            blocked: self.blocked,
            escalated: self.escalated,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetworkTally {
    pub network: Network,
    #[serde(flatten)]
    pub tally: Tally,
}

/// One row of the daily sheet: a local day and a network.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayRow {
    pub date: NaiveDate,
    pub network: Network,
    #[serde(flatten)]
    pub tally: Tally,
}

/// First-response times by range, for the distribution chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bucket {
    pub label: &'static str,
    /// Lower bound in seconds (inclusive); the upper is the next bucket's.
    pub from_secs: i64,
    pub count: usize,
}

/// Bucket bounds: 15 min, 1 h, 4 h, 1 day, 3 days.
pub const BUCKETS: [(&str, i64); 6] = [
    ("<15m", 0),
    ("15m-1h", 15 * 60),
    ("1-4h", 3600),
    ("4-24h", 4 * 3600),
    ("1-3d", 86_400),
    (">3d", 3 * 86_400),
];

/// Which bucket a duration falls in.
pub fn bucket_of(secs: i64) -> usize {
    BUCKETS
        .iter()
        .rposition(|(_, from)| secs >= *from)
        .unwrap_or(0)
}

/// SLA timers (first answer and resolution of escalation tags).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Sla {
    pub met: usize,
    pub breached: usize,
    /// Still running and not yet due at `as_of`.
    pub pending: usize,
}

impl Sla {
    /// met / (met + breached), 0 to 1.
    pub fn ratio(&self) -> Option<f64> {
        let settled = self.met + self.breached;
        (settled > 0).then(|| self.met as f64 / settled as f64)
    }
}

/// Escalations grouped by tag or by assignee, with their outcome at `as_of`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EscalationRow {
    pub name: String,
    pub opened: usize,
    /// Marked done.
    pub resolved: usize,
    /// Answered, not yet done.
    pub answered: usize,
    /// Neither.
    pub open: usize,
    pub resolution: Spread,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Escalations {
    pub by_tag: Vec<EscalationRow>,
    pub by_assignee: Vec<EscalationRow>,
    /// Time from escalation to done, under the report's clock.
    pub resolution: Spread,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthorRow {
    pub network: Network,
    pub handle: String,
    pub items: usize,
    /// Items whose sentiment score is below 0 (see `report::sentiment`).
    pub negative: usize,
    /// Sum of the items' sentiment scores.
    pub score: i64,
    pub followers: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Authors {
    pub most_active: Vec<AuthorRow>,
    pub most_negative: Vec<AuthorRow>,
    pub influencers: Vec<AuthorRow>,
}

/// Likes, replies and shares where the network gives them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EngagementSum {
    /// Items with at least one count.
    pub items: usize,
    pub likes: u64,
    pub replies: u64,
    pub shares: u64,
    /// (likes + replies + shares) / followers, over the items whose
    /// author's follower count is known (and not zero).
    pub rate: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Engagement {
    /// On the items received.
    pub received: EngagementSum,
    /// On the brand's own posts and replies of the period.
    pub brand: EngagementSum,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TagCount {
    pub tag: String,
    pub items: usize,
}

/// The report's header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Header {
    pub label: String,
    pub from: String,
    pub to: String,
    pub as_of: String,
    pub zone: String,
    /// `mon-fri 09:00-18:00`, when response times count business hours only.
    pub business_hours: Option<String>,
    pub filter: String,
}
