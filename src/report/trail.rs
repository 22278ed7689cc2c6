//! What the audit log says happened to each item: its lines read into
//! typed events ([`What`]), grouped by item, oldest first.
//!
//! The words come from [`crate::change::LocalChange::describe`] (`status
//! answered`, `tag +refund`, `assign marie`) and from the outbox's confirmed
//! network writes (`hide sent`, `delete sent`, `block sent`). A line whose
//! words change there must change here; the tests build their trails from
//! those functions so a drift fails them.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::model::ItemId;
use crate::store::AuditEntry;

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
    pub who: String,
    pub what: What,
}

/// Every item's events, oldest first.
#[derive(Debug, Default)]
pub struct Trails {
    pub by_item: HashMap<ItemId, Vec<Event>>,
}

impl Trails {
    /// Groups audit lines (in time order, as `Store::audit_between` gives them).
    pub fn from_audit(lines: Vec<AuditEntry>) -> Trails {
        let mut by_item: HashMap<ItemId, Vec<Event>> = HashMap::new();
        for line in lines {
            for what in What::parse_all(&line.what) {
                by_item.entry(line.item.clone()).or_default().push(Event {
                    at: line.at,
                    who: line.who.clone(),
                    what,
                });
            }
        }
        for events in by_item.values_mut() {
            events.sort_by_key(|e| e.at);
        }
        Trails { by_item }
    }

    pub fn of(&self, id: &ItemId) -> &[Event] {
        self.by_item.get(id).map_or(&[], Vec::as_slice)
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
