//! The accumulators the report engine sums into while items stream by:
//! per author, engagement, per escalation tag or assignee, the tallies of
//! the whole report, each network and each day × network, and the items
//! still waiting for a synced brand reply.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::metrics::{Acc, EngagementSum, Spread};
use crate::model::{Engagement, Network};

#[derive(Default)]
pub(super) struct AuthorAcc {
    pub(super) network: Option<Network>,
    /// The first item seen from them: their handle is read from it for
    /// the few authors a report lists.
    pub(super) first_seq: u32,
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
    pub(super) fn add(&mut self, e: Engagement, followers: Option<u64>) {
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
        if let Some(f) = followers.filter(|f| *f > 0) {
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

const NETWORKS: usize = Network::ALL.len();

/// The whole report's, each network's and each day × network's tallies.
/// Days of the window sit in a flat table (one slot per day and network,
/// found by arithmetic rather than a map lookup per item); a date outside
/// it, which the engine should not produce, still lands in `outside`.
pub(super) struct Tallies {
    pub(super) total: Acc,
    networks: [Option<Acc>; NETWORKS],
    first: NaiveDate,
    days: Vec<Option<Acc>>,
    outside: BTreeMap<(NaiveDate, Network), Acc>,
}

impl Tallies {
    /// Tallies for the local days `first..=last`.
    pub(super) fn new(first: NaiveDate, last: NaiveDate) -> Tallies {
        let n = usize::try_from((last - first).num_days() + 1).unwrap_or(0);
        Tallies {
            total: Acc::default(),
            networks: Default::default(),
            first,
            days: (0..n * NETWORKS).map(|_| None).collect(),
            outside: BTreeMap::new(),
        }
    }

    /// The tallies an item on `date` and `network` adds to.
    pub(super) fn at(&mut self, date: NaiveDate, network: Network) -> [&mut Acc; 3] {
        let net = usize::from(network.index());
        let slot = usize::try_from((date - self.first).num_days())
            .ok()
            .and_then(|d| d.checked_mul(NETWORKS)?.checked_add(net))
            .filter(|i| *i < self.days.len());
        let day = match slot.and_then(|i| self.days.get_mut(i)) {
            Some(day) => day.get_or_insert_with(Acc::default),
            None => self.outside.entry((date, network)).or_default(),
        };
        [
            &mut self.total,
            self.networks[net.min(NETWORKS - 1)].get_or_insert_with(Acc::default),
            day,
        ]
    }

    /// Each network seen, and each day × network, in order.
    #[allow(clippy::type_complexity)]
    pub(super) fn split(
        self,
    ) -> (
        Acc,
        BTreeMap<Network, Acc>,
        BTreeMap<(NaiveDate, Network), Acc>,
    ) {
        let networks = Network::ALL
            .into_iter()
            .zip(self.networks)
            .filter_map(|(n, acc)| Some((n, acc?)))
            .collect();
        let mut days = self.outside;
        for (i, acc) in self.days.into_iter().enumerate() {
            let Some(acc) = acc else { continue };
            let offset = i64::try_from(i / NETWORKS).unwrap_or(0);
            let network = Network::ALL[i % NETWORKS];
            days.insert((self.first + chrono::Duration::days(offset), network), acc);
        }
        (self.total, networks, days)
    }
}

/// A received item without a logged answer: a brand reply synced from the
/// network may still answer it once every item has been read.
pub(super) struct Waiting {
    pub(super) row: usize,
    /// The item's id hash.
    pub(super) id: u64,
    pub(super) created: DateTime<Utc>,
    pub(super) date: NaiveDate,
    pub(super) network: Network,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tallies_land_per_day_and_network_inside_and_outside_the_window() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
        let mut t = Tallies::new(day(1), day(3));
        for acc in t.at(day(1), Network::X) {
            acc.received += 1;
        }
        for acc in t.at(day(3), Network::Bluesky) {
            acc.received += 2;
        }
        // Outside the table: still counted, under its own date.
        for acc in t.at(day(9), Network::X) {
            acc.received += 4;
        }
        let (total, networks, days) = t.split();
        assert_eq!(total.received, 7);
        let by_net: Vec<(Network, usize)> =
            networks.iter().map(|(n, a)| (*n, a.received)).collect();
        assert_eq!(by_net, [(Network::X, 5), (Network::Bluesky, 2)]);
        let by_day: Vec<((NaiveDate, Network), usize)> =
            days.iter().map(|(k, a)| (*k, a.received)).collect();
        assert_eq!(
            by_day,
            [
                ((day(1), Network::X), 1),
                ((day(3), Network::Bluesky), 2),
                ((day(9), Network::X), 4)
            ]
        );
    }
}
