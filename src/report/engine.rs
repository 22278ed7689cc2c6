//! Computes a [`Report`] from the store: the items created in the window
//! (read once, in batches) and the audit lines from the window's start to
//! the report's `as_of` (one range read).
//!
//! What counts where:
//! - *received*: items created in `[from, to)` not written by the brand;
//! - *answered*: the first `status answered` audit line for it up to
//!   `as_of`, or, when there is none, the first reply of the brand under it
//!   synced from the network (an answer given outside guichet);
//!   the first-response time runs from the item's creation to that;
//! - *hidden / deleted / blocked*: confirmed network writes in the window;
//! - *escalations*: items escalated in the window (`status escalated`, or
//!   a tag that `escalates` in tags.toml), with their outcome at `as_of`;
//!   resolution time runs to `status done`;
//! - *SLA*: each escalation tag applied in the window with a
//!   `first_response` or `resolution` time in tags.toml is a timer, counted
//!   from the tag's time in wall-clock time (as the TUI shows it): met when
//!   answered (or done) before due, breached when done late or not done
//!   and due before `as_of`, else pending;
//! - days, hours and weekdays are the user's zone's.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use rustc_hash::{FxHashMap, FxHashSet};

use super::accum::{AuthorAcc, EngAcc, EscAcc, Tallies, Waiting};
use super::hours::{Clock, Spans};
use super::metrics::{
    Acc, Authors, BUCKETS, Bucket, DayRow, Escalations, Header, NetworkTally, Sla, Spread,
    TagCount, Tally, bucket_of,
};
use super::query::{Query, Settings};
use super::trail::{Event, Trails, What, first_after};
use super::{ItemRow, Report};
use crate::model::Network;
use crate::store::rows::Interner;
use crate::store::{ReportItem, ReportPick, Store, StoreError};

/// Top authors kept per list.
pub const TOP: usize = 10;

fn escalates(tags: &crate::triage::tags::Tags, what: &What) -> bool {
    match what {
        What::Escalated => true,
        What::TagAdded(t) => tags.tags.get(t).is_some_and(|d| d.escalates),
        _ => false,
    }
}

/// Everything being summed while items stream by.
struct Build<'a> {
    settings: &'a Settings,
    query: &'a Query,
    clock: Clock,
    /// Business hours laid out over the report's stretch, when set.
    spans: Option<Spans>,
    trails: &'a Trails,
    /// The agent the report is about, as the trail names them (`None`
    /// inside: they did nothing in the stretch).
    agent: Option<Option<u32>>,
    tallies: Tallies,
    histogram: [usize; BUCKETS.len()],
    heatmap: [[usize; 24]; 7],
    tags: FxHashMap<u16, usize>,
    authors: FxHashMap<u64, AuthorAcc>,
    eng_received: EngAcc,
    eng_brand: EngAcc,
    /// Brand replies synced from the network: parent id hash → earliest.
    brand_replies: FxHashMap<u64, DateTime<Utc>>,
    waiting: Vec<Waiting>,
    rows: Vec<ItemRow>,
    /// Per trail group: the item was read among those created.
    seen: Vec<bool>,
    sla: Sla,
    escalations: Escalations,
    esc_tag: BTreeMap<String, EscAcc>,
    esc_who: BTreeMap<String, EscAcc>,
    esc_times: Vec<i64>,
}

/// Computes the report `query` asks, reading `store`.
pub fn compute(
    store: &dyn Store,
    settings: &Settings,
    query: &Query,
) -> Result<Report, StoreError> {
    let w = &query.window;
    let end = w.to.max(query.as_of);
    let trails =
        Trails::from_read(store.trail_between(w.from, end + chrono::Duration::nanoseconds(1))?);
    let agent = query.filter.agent.as_deref().map(|a| trails.find(a));
    let mut b = Build {
        settings,
        query,
        clock: settings.clock(),
        spans: settings.hours.as_ref().map(|h| {
            let day = chrono::Duration::days(1);
            Spans::new(h, settings.zone, w.from - day, end + day)
        }),
        trails: &trails,
        agent,
        tallies: Tallies::new(
            w.from.with_timezone(&settings.zone).date_naive(),
            end.with_timezone(&settings.zone).date_naive(),
        ),
        histogram: [0; BUCKETS.len()],
        heatmap: [[0; 24]; 7],
        tags: FxHashMap::default(),
        authors: FxHashMap::default(),
        eng_received: EngAcc::default(),
        eng_brand: EngAcc::default(),
        brand_replies: FxHashMap::default(),
        waiting: Vec::new(),
        rows: Vec::new(),
        seen: vec![false; trails.groups()],
        sla: Sla::default(),
        escalations: Escalations::default(),
        esc_tag: BTreeMap::new(),
        esc_who: BTreeMap::new(),
        esc_times: Vec::new(),
    };
    let mut names = Interner::default();
    let created = ReportPick::Created {
        from: w.from,
        to: end,
    };
    store.report_items(created, &mut names, &mut |names, batch| {
        for it in &batch {
            b.item(it, names);
        }
    })?;
    b.brand_answers();
    // Items acted on in the window but created before it.
    let others: FxHashSet<u64> = (0..trails.groups())
        .filter(|g| !b.seen.get(*g).copied().unwrap_or(true))
        .map(|g| trails.events(g))
        .filter(|(_, events)| events.iter().any(|e| (w.from..w.to).contains(&e.at)))
        .map(|(id, _)| id)
        .collect();
    if !others.is_empty() {
        store.report_items(ReportPick::Ids(&others), &mut names, &mut |names, batch| {
            for it in &batch {
                if query.filter.matches(&it.row, names) {
                    b.acted(it, names, false, trails.of(it.id));
                }
            }
        })?;
    }
    let authors = super::top::authors(std::mem::take(&mut b.authors), store)?;
    Ok(b.finish(&names, authors))
}

impl Build<'_> {
    fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.settings.zone).date_naive()
    }

    /// Every item of `[from, end)`: brand replies feed the answer times,
    /// received ones wait until all replies are known.
    fn item(&mut self, it: &ReportItem, names: &Interner) {
        let f = &it.fact;
        let in_window = f.created_at() < self.query.window.to;
        if f.from_us {
            if f.parent != 0 {
                let at = self.brand_replies.entry(f.parent).or_insert(f.created_at());
                *at = (*at).min(f.created_at());
            }
            if in_window && self.query.filter.matches(&it.row, names) {
                self.eng_brand.add(f.engagement, f.followers);
            }
            return;
        }
        if in_window && self.query.filter.matches(&it.row, names) {
            self.received(it, names);
        }
    }

    /// Time from `a` to `b` under the report's clock.
    fn secs(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
        self.spans
            .as_ref()
            .and_then(|s| s.seconds(a.timestamp(), b.timestamp()))
            .unwrap_or_else(|| self.clock.seconds(a, b))
    }

    /// Counts the answers the brand gave on the network for items no
    /// audit line answered.
    fn brand_answers(&mut self) {
        for w in std::mem::take(&mut self.waiting) {
            let Some(at) = self
                .brand_replies
                .get(&w.id)
                .copied()
                .filter(|at| *at >= w.created && *at <= self.query.as_of)
            else {
                continue;
            };
            let secs = self.secs(w.created, at);
            self.count_answer(w.date, w.network, secs);
            if let Some(row) = self.rows.get_mut(w.row) {
                row.response_secs = Some(secs);
            }
        }
    }

    fn count_answer(&mut self, date: NaiveDate, network: Network, secs: i64) {
        for acc in self.tallies.at(date, network) {
            acc.answered += 1;
            acc.times.push(secs);
        }
        self.histogram[bucket_of(secs)] += 1;
    }

    /// Whether the report's agent (if any) did `e`.
    fn by_agent(&self, e: &Event) -> bool {
        self.agent.is_none_or(|a| a == Some(e.who))
    }

    /// When the audit log says the item got its first answer, if by the
    /// report's agent (or anyone, with no agent asked for).
    fn answered_at(&self, all: &[Event], created: DateTime<Utc>) -> Option<DateTime<Utc>> {
        first_after(all, created, |w| *w == What::Answered)
            .filter(|e| e.at <= self.query.as_of && self.by_agent(e))
            .map(|e| e.at)
    }

    fn in_scope(&self, it: &ReportItem, names: &Interner, all: &[Event]) -> bool {
        match &self.query.filter.agent {
            None => true,
            Some(agent) => {
                names.assignee_name(it.row.assignee) == Some(agent.as_str())
                    || all.iter().any(|e| self.by_agent(e))
            }
        }
    }

    fn received(&mut self, it: &ReportItem, names: &Interner) {
        let trails = self.trails;
        let group = trails.group(it.id);
        let all = group.map_or(&[][..], |g| trails.events(g).1);
        if let Some(seen) = group.and_then(|g| self.seen.get_mut(g)) {
            *seen = true;
        }
        if !self.in_scope(it, names, all) {
            self.acted(it, names, false, all);
            return;
        }
        let (f, network) = (&it.fact, it.row.network);
        let created = f.created_at();
        let local = created.with_timezone(&self.settings.zone);
        let date = local.date_naive();
        let response = self
            .answered_at(all, created)
            .map(|at| self.secs(created, at));
        for acc in self.tallies.at(date, network) {
            acc.received += 1;
        }
        match response {
            Some(secs) => self.count_answer(date, network, secs),
            None => self.waiting.push(Waiting {
                row: self.rows.len(),
                id: it.id,
                created,
                date,
                network,
            }),
        }
        let wd = local.weekday().num_days_from_monday() as usize;
        if let Some(cell) = self
            .heatmap
            .get_mut(wd)
            .and_then(|h| h.get_mut(local.hour() as usize))
        {
            *cell += 1;
        }
        for tag in names.tag_set(it.row.tags) {
            *self.tags.entry(*tag).or_default() += 1;
        }
        let score = i32::from(f.sentiment);
        let author = self.authors.entry(f.author).or_default();
        if author.items == 0 {
            author.network = Some(network);
            author.first_seq = it.row.seq;
        }
        author.items += 1;
        author.score += i64::from(score);
        author.negative += usize::from(score < 0);
        author.followers = author.followers.max(f.followers);
        self.eng_received.add(f.engagement, f.followers);
        let row = self.acted(it, names, true, all);
        row.response_secs = response;
        row.negative = score < 0;
    }

    /// Moderation and escalations done to the item in the window; pushes
    /// and returns its row.
    fn acted(
        &mut self,
        it: &ReportItem,
        names: &Interner,
        received: bool,
        all: &[Event],
    ) -> &mut ItemRow {
        let w = self.query.window;
        let network = it.row.network;
        let events: Vec<&Event> = all
            .iter()
            .filter(|e| (w.from..w.to).contains(&e.at) && self.by_agent(e))
            .collect();
        let mut row = ItemRow {
            seq: it.row.seq,
            network,
            created: it.fact.created_at(),
            received,
            response_secs: None,
            negative: false,
            hidden: false,
            deleted: false,
            blocked: false,
            escalated: false,
            sla_breached: false,
        };
        for e in &events {
            let date = self.local_date(e.at);
            let flag = match e.what {
                What::Hidden => &mut row.hidden,
                What::Deleted => &mut row.deleted,
                What::Blocked => &mut row.blocked,
                _ => continue,
            };
            if *flag {
                continue;
            }
            *flag = true;
            for acc in self.tallies.at(date, network) {
                match e.what {
                    What::Hidden => acc.hidden += 1,
                    What::Deleted => acc.deleted += 1,
                    _ => acc.blocked += 1,
                }
            }
        }
        self.escalation(it, names, &events, &mut row, all);
        self.rows.push(row);
        let last = self.rows.len() - 1;
        &mut self.rows[last]
    }

    fn escalation(
        &mut self,
        it: &ReportItem,
        names: &Interner,
        events: &[&Event],
        row: &mut ItemRow,
        all: &[Event],
    ) {
        let tags_toml = self.settings.tags.as_ref();
        let as_of = self.query.as_of;
        let upto = |e: &&Event| e.at <= as_of;
        // SLA timers of each tag applied in the window.
        for e in events {
            let What::TagAdded(tag) = &e.what else {
                continue;
            };
            let Some(def) = self.settings.tags.tags.get(tag) else {
                continue;
            };
            let timers = [(def.first_response, true), (def.resolution, false)];
            for (sla, first) in timers {
                let Some(sla) = sla else { continue };
                let due = e.at + sla;
                let met = first_after(all, e.at, |w| {
                    *w == What::Done || (first && *w == What::Answered)
                })
                .filter(upto)
                .map(|m| m.at);
                match met {
                    Some(at) if at <= due => self.sla.met += 1,
                    None if due > as_of => self.sla.pending += 1,
                    _ => {
                        self.sla.breached += 1;
                        row.sla_breached = true;
                    }
                }
            }
        }
        let Some(start) = events.iter().find(|e| escalates(tags_toml, &e.what)) else {
            return;
        };
        row.escalated = true;
        let date = self.local_date(start.at);
        for acc in self.tallies.at(date, it.row.network) {
            acc.escalated += 1;
        }
        let mut tags: Vec<String> = all
            .iter()
            .filter(upto)
            .filter_map(|e| match &e.what {
                What::TagAdded(t) if escalates(tags_toml, &e.what) => Some(t.clone()),
                _ => None,
            })
            .collect();
        if tags.is_empty() {
            tags = names
                .tag_set(it.row.tags)
                .iter()
                .map(|t| names.tag_name(*t).to_string())
                .collect();
        }
        if tags.is_empty() {
            tags.push("(untagged)".to_string());
        }
        tags.dedup();
        let assignee = all
            .iter()
            .filter(upto)
            .filter_map(|e| match &e.what {
                What::Assigned(who) => Some(who.clone()),
                _ => None,
            })
            .next_back()
            .or_else(|| names.assignee_name(it.row.assignee).map(str::to_string))
            .unwrap_or_else(|| "(nobody)".to_string());
        let done = first_after(all, start.at, |w| *w == What::Done).filter(upto);
        let answered = first_after(all, start.at, |w| *w == What::Answered).filter(upto);
        let resolution = done.map(|d| match &self.spans {
            Some(spans) => spans
                .seconds(start.at.timestamp(), d.at.timestamp())
                .unwrap_or_else(|| self.clock.seconds(start.at, d.at)),
            None => self.clock.seconds(start.at, d.at),
        });
        if let Some(secs) = resolution {
            self.esc_times.push(secs);
        }
        let accs = tags
            .into_iter()
            .map(|t| (true, t))
            .chain(std::iter::once((false, assignee)));
        for (by_tag, name) in accs {
            let map = if by_tag {
                &mut self.esc_tag
            } else {
                &mut self.esc_who
            };
            let acc = map.entry(name).or_default();
            acc.opened += 1;
            match (resolution, answered) {
                (Some(secs), _) => {
                    acc.resolved += 1;
                    acc.times.push(secs);
                }
                (None, Some(_)) => acc.answered += 1,
                (None, None) => acc.open += 1,
            }
        }
    }

    fn finish(self, names: &Interner, authors: Authors) -> Report {
        let q = self.query;
        let w = q.window;
        let (total, by_network, by_day) = self.tallies.split();
        let days = day_rows(w.from, w.to, self.settings.zone, by_day, &by_network);
        let networks: Vec<NetworkTally> = by_network
            .into_iter()
            .map(|(network, acc)| NetworkTally {
                network,
                tally: acc.finish(),
            })
            .collect();
        let mut tags: Vec<TagCount> = self
            .tags
            .into_iter()
            .map(|(tag, items)| TagCount {
                tag: names.tag_name(tag).to_string(),
                items,
            })
            .collect();
        tags.sort_by(|a, b| b.items.cmp(&a.items).then_with(|| a.tag.cmp(&b.tag)));
        let mut escalations = self.escalations;
        escalations.by_tag = self.esc_tag.into_iter().map(|(k, v)| v.finish(k)).collect();
        escalations.by_assignee = self.esc_who.into_iter().map(|(k, v)| v.finish(k)).collect();
        escalations.resolution = Spread::of(self.esc_times);
        Report {
            header: Header {
                label: q.label.clone(),
                from: w.from.with_timezone(&w.zone).to_rfc3339(),
                to: w.to.with_timezone(&w.zone).to_rfc3339(),
                as_of: q.as_of.with_timezone(&w.zone).to_rfc3339(),
                zone: w.zone.name().to_string(),
                business_hours: self.settings.hours.as_ref().map(super::hours_label),
                filter: q.filter.describe(),
            },
            totals: total.finish(),
            networks,
            days,
            histogram: BUCKETS
                .iter()
                .zip(self.histogram)
                .map(|((label, from), count)| Bucket {
                    label,
                    from_secs: *from,
                    count,
                })
                .collect(),
            heatmap: self.heatmap,
            sla: self.sla,
            escalations,
            authors,
            engagement: super::metrics::Engagement {
                received: self.eng_received.finish(),
                brand: self.eng_brand.finish(),
            },
            tags,
            rows: self.rows,
        }
    }
}

/// One row per local day of the window and per network seen in it.
fn day_rows(
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    zone: chrono_tz::Tz,
    mut days: BTreeMap<(NaiveDate, Network), Acc>,
    networks: &BTreeMap<Network, Acc>,
) -> Vec<DayRow> {
    let mut out = Vec::new();
    let mut date = from.with_timezone(&zone).date_naive();
    let last = (to - chrono::Duration::nanoseconds(1))
        .with_timezone(&zone)
        .date_naive();
    while date <= last {
        for network in networks.keys() {
            let tally: Tally = days.remove(&(date, *network)).unwrap_or_default().finish();
            out.push(DayRow {
                date,
                network: *network,
                tally,
            });
        }
        let Some(next) = date.succ_opt() else { break };
        date = next;
    }
    out
}
