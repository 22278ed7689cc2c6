//! The accumulators the report engine sums into while items stream by:
//! per author, engagement, per escalation tag or assignee, the tallies of
//! the whole report, each network and each day × network, and the items
//! still waiting for a synced brand reply.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::metrics::{Acc, EngagementSum, Spread};
use crate::model::{Item, ItemId, Network};

#[derive(Default)]
pub(super) struct AuthorAcc {
    pub(super) network: Option<Network>,
    pub(super) handle: String,
    pub(super) items: usize,
    pub(super) negative: usize,
    pub(super) score: i64,
    pub(super) followers: Option<u64>,
}

#[derive(Default)]
pub(super) struct EngAcc {
    pub(super) items: usize,
    pub(super) likes: u64,
    pub(super) replies: u64,
    pub(super) shares: u64,
    pub(super) rated_engagement: u64,
    pub(super) rated_followers: u64,
}

impl EngAcc {
    pub(super) fn add(&mut self, item: &Item) {
        let e = item.remote.engagement;
        if e.likes.is_none() && e.replies.is_none() && e.shares.is_none() {
            return;
        }
        let (l, r, s) = (
            e.likes.unwrap_or(0),
            e.replies.unwrap_or(0),
            e.shares.unwrap_or(0),
        );
        self.items += 1;
        self.likes += l;
        self.replies += r;
        self.shares += s;
        if let Some(f) = item.remote.author.followers.filter(|f| *f > 0) {
            self.rated_engagement += l + r + s;
            self.rated_followers += f;
        }
    }

    pub(super) fn finish(self) -> EngagementSum {
        EngagementSum {
            items: self.items,
            likes: self.likes,
            replies: self.replies,
            shares: self.shares,
            rate: (self.rated_followers > 0)
                .then(|| self.rated_engagement as f64 / self.rated_followers as f64),
        }
    }
}

#[derive(Default)]
pub(super) struct EscAcc {
    pub(super) opened: usize,
    pub(super) resolved: usize,
    pub(super) answered: usize,
    pub(super) open: usize,
    pub(super) times: Vec<i64>,
}

impl EscAcc {
    pub(super) fn finish(self, name: String) -> super::metrics::EscalationRow {
        super::metrics::EscalationRow {
            name,
            opened: self.opened,
            resolved: self.resolved,
            answered: self.answered,
            open: self.open,
            resolution: Spread::of(self.times),
        }
    }
}

/// The whole report's, each network's and each day × network's tallies.
#[derive(Default)]
pub(super) struct Tallies {
    pub(super) total: Acc,
    pub(super) networks: BTreeMap<Network, Acc>,
    pub(super) days: BTreeMap<(NaiveDate, Network), Acc>,
}

impl Tallies {
    /// The tallies an item on `date` and `network` adds to.
    pub(super) fn at(&mut self, date: NaiveDate, network: Network) -> [&mut Acc; 3] {
        [
            &mut self.total,
            self.networks.entry(network).or_default(),
            self.days.entry((date, network)).or_default(),
        ]
    }
}

/// A received item without a logged answer: a brand reply synced from the
/// network may still answer it once every item has been read.
pub(super) struct Waiting {
    pub(super) row: usize,
    pub(super) id: ItemId,
    pub(super) created: DateTime<Utc>,
    pub(super) date: NaiveDate,
    pub(super) network: Network,
}
