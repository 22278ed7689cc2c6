//! What the audit log says happened to each item: its lines read into
//! typed events ([`What`]), grouped by item, oldest first.
//!
//! The words come from [`crate::change::LocalChange::describe`] (`status
//! answered`, `tag +refund`, `assign marie`) and from the outbox's confirmed
//! network writes (`hide sent`, `delete sent`, `block sent`). A line whose
//! words change there must change here; the tests build their trails from
//! those functions so a drift fails them.

use rustc_hash::FxHashMap;

use chrono::{DateTime, Utc};

use crate::store::{TrailEvent, TrailRead};

/// One thing done to an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    /// The item got its answer (a confirmed reply, or marked answered).
    Answered,
    Done,
    Escalated,
    TagAdded(String),
    Assigned(String),
    Hidden,
    Deleted,
    Blocked,
}

impl What {
    /// Reads an audit line's words into what a report uses: an escalation
    /// (`escalate marie (refund)`, the `e` flow and the rules) is both an
    /// escalation and an assignment; most lines are one thing or nothing.
    pub fn parse_all(what: &str) -> Vec<What> {
        if let Some(rest) = what.strip_prefix("escalate ") {
            // `NAME (TAG)`: the name may hold spaces, the tag none.
            let who = rest.rsplit_once(" (").map_or(rest, |(who, _)| who);
            return vec![What::Escalated, What::Assigned(who.to_string())];
        }
        What::parse(what).into_iter().collect()
    }

    /// Reads an audit line's words; lines a report does not use are `None`.
    pub fn parse(what: &str) -> Option<What> {
        Some(match what {
            "status answered" => What::Answered,
            "status done" => What::Done,
            "status escalated" => What::Escalated,
            "hide sent" => What::Hidden,
            "delete sent" => What::Deleted,
            "block sent" => What::Blocked,
            _ => {
                if let Some(tag) = what.strip_prefix("tag +") {
                    What::TagAdded(tag.to_string())
                } else if let Some(who) = what.strip_prefix("assign ") {
                    What::Assigned(who.to_string())
                } else {
                    return None;
                }
            }
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub at: DateTime<Utc>,
    /// Who did it: an index into [`Trails::names`].
    pub who: u32,
    pub what: What,
}

/// Every item's events, oldest first, found by the item's id hash. Each
/// item with events is a *group*, numbered from 0, so a caller can keep a
/// flag per group in a plain vector.
#[derive(Debug, Default)]
pub struct Trails {
    /// Who did things (agents, rules, sync).
    pub names: Vec<String>,
    /// Grouped by item, each group oldest first.
    events: Vec<Event>,
    /// Each group's item id hash and its range in `events`.
    groups: Vec<(u64, usize, usize)>,
    /// Item id hash → its group.
    by_item: FxHashMap<u64, usize>,
}

impl Trails {
    /// Groups the events the store read (`Store::trail_between`).
    pub fn from_read(read: TrailRead) -> Trails {
        let TrailRead { names, events } = read;
        // Sort small keys, then move each event once; the index keeps
        // events at the same instant in their written order.
        let mut order: Vec<(u64, i64, u32)> = events
            .iter()
            .zip(0u32..)
            .map(|(e, i)| (e.item, e.at.timestamp_nanos_opt().unwrap_or(i64::MAX), i))
            .collect();
        order.sort_unstable();
        let mut slots: Vec<Option<TrailEvent>> = events.into_iter().map(Some).collect();
        let events: Vec<TrailEvent> = order
            .iter()
            .filter_map(|&(_, _, i)| slots.get_mut(i as usize)?.take())
            .collect();
        let mut groups = Vec::new();
        let mut start = 0;
        for group in events.chunk_by(|a, b| a.item == b.item) {
            if let Some(first) = group.first() {
                groups.push((first.item, start, start + group.len()));
            }
            start += group.len();
        }
        let by_item = groups
            .iter()
            .enumerate()
            .map(|(g, (id, _, _))| (*id, g))
            .collect();
        let events = events
            .into_iter()
            .map(|e| Event {
                at: e.at,
                who: e.who,
                what: e.what,
            })
            .collect();
        Trails {
            names,
            events,
            groups,
            by_item,
        }
    }

    /// The group of the item whose id hashes to `id`, if it has events.
    pub fn group(&self, id: u64) -> Option<usize> {
        self.by_item.get(&id).copied()
    }

    /// How many items have events.
    pub fn groups(&self) -> usize {
        self.groups.len()
    }

    /// A group's item id hash and events.
    pub fn events(&self, group: usize) -> (u64, &[Event]) {
        self.groups.get(group).map_or((0, &[]), |&(id, a, b)| {
            (id, self.events.get(a..b).unwrap_or(&[]))
        })
    }

    /// The events of the item whose id hashes to `id`.
    pub fn of(&self, id: u64) -> &[Event] {
        self.group(id).map_or(&[], |g| self.events(g).1)
    }

    /// The name index of `name`, if it did anything.
    pub fn find(&self, name: &str) -> Option<u32> {
        let i = self.names.iter().position(|n| n == name)?;
        u32::try_from(i).ok()
    }
}

/// The first event after `since` that `pick` accepts.
pub fn first_after(
    events: &[Event],
    since: DateTime<Utc>,
    pick: impl Fn(&What) -> bool,
) -> Option<&Event> {
    events.iter().find(|e| e.at >= since && pick(&e.what))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::change::LocalChange;
    use crate::model::Status;

    #[test]
    fn reads_the_words_local_changes_and_the_outbox_write() {
        let said = |c: LocalChange| What::parse(&c.describe());
        assert_eq!(
            said(LocalChange::SetStatus(Status::Answered)),
            Some(What::Answered)
        );
        assert_eq!(said(LocalChange::SetStatus(Status::Done)), Some(What::Done));
        let escalate = LocalChange::Escalate {
            to: "Marie Dubois".into(),
            tag: "refund".into(),
            due: None,
            note: None,
        };
        assert_eq!(
            What::parse_all(&escalate.describe()),
            vec![What::Escalated, What::Assigned("Marie Dubois".into())]
        );
        assert_eq!(
            said(LocalChange::SetStatus(Status::Escalated)),
            Some(What::Escalated)
        );
        assert_eq!(
            said(LocalChange::AddTag {
                tag: "refund".into(),
                why: None
            }),
            Some(What::TagAdded("refund".into()))
        );
        assert_eq!(
            said(LocalChange::Assign(Some("marie".into()))),
            Some(What::Assigned("marie".into()))
        );
        assert_eq!(said(LocalChange::SetRead(true)), None);
        // The outbox records confirmed writes as "<capability> sent".
        use crate::networks::capabilities::Capability;
        for (cap, what) in [
            (Capability::Hide, What::Hidden),
            (Capability::Delete, What::Deleted),
            (Capability::Block, What::Blocked),
        ] {
            let line = LocalChange::Record(format!("{} sent", cap.as_str())).describe();
            assert_eq!(What::parse(&line), Some(what));
        }
    }
}
