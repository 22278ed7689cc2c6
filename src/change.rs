//! Local changes: the one way our own state on an item moves (status, read
//! flag, priority, tags, assignee, notes). The TUI applies a change to its
//! in-memory rows at once and hands it to the store, which applies the same
//! function durably and writes the audit line. Adding a change means a
//! variant here, its arm in [`LocalChange::apply`], and a name for the audit.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{LastAction, Local, Note, Priority, Status};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LocalChange {
    SetStatus(Status),
    SetRead(bool),
    SetPriority(Priority),
    AddTag {
        tag: String,
        why: Option<String>,
    },
    RemoveTag {
        tag: String,
        /// Kept in the item's history (why an escalation tag went).
        why: Option<String>,
    },
    Assign(Option<String>),
    /// Hands the item to a colleague: assigns it, sets it escalated and
    /// opens an escalation record (tag, due time, note) in the store.
    Escalate {
        to: String,
        tag: String,
        due: Option<DateTime<Utc>>,
        note: Option<String>,
    },
    AddNote(String),
    /// Records an action done on the network (`hide sent`, `block sent`):
    /// only the last action and the audit line change.
    Record(String),
}

impl LocalChange {
    /// Short audit wording: `status done`, `tag +refund`, …
    pub fn describe(&self) -> String {
        match self {
            LocalChange::SetStatus(s) => format!("status {s}"),
            LocalChange::SetRead(true) => "mark read".to_string(),
            LocalChange::SetRead(false) => "mark unread".to_string(),
            LocalChange::SetPriority(p) => format!("priority {p}"),
            LocalChange::AddTag { tag, .. } => format!("tag +{tag}"),
            LocalChange::RemoveTag { tag, .. } => format!("tag -{tag}"),
            LocalChange::Assign(Some(who)) => format!("assign {who}"),
            LocalChange::Assign(None) => "unassign".to_string(),
            LocalChange::Escalate { to, tag, .. } => format!("escalate {to} ({tag})"),
            LocalChange::AddNote(_) => "note".to_string(),
            LocalChange::Record(what) => what.clone(),
        }
    }

    /// Applies the change. Returns false when it changed nothing (adding a
    /// tag already there, marking read what is read), so callers can skip
    /// the write and the audit line.
    pub fn apply(&self, local: &mut Local, who: &str, now: DateTime<Utc>) -> bool {
        let changed = match self {
            LocalChange::SetStatus(s) => replace(&mut local.status, *s),
            LocalChange::SetRead(r) => replace(&mut local.read, *r),
            LocalChange::SetPriority(p) => replace(&mut local.priority, *p),
            LocalChange::AddTag { tag, .. } => {
                let fresh = !local.tags.iter().any(|t| t == tag);
                if fresh {
                    local.tags.push(tag.clone());
                }
                fresh
            }
            LocalChange::RemoveTag { tag, .. } => {
                let before = local.tags.len();
                local.tags.retain(|t| t != tag);
                before != local.tags.len()
            }
            LocalChange::Assign(who) => replace(&mut local.assignee, who.clone()),
            LocalChange::Escalate { to, .. } => {
                // Always a change: a second escalation opens a new record.
                local.assignee = Some(to.clone());
                local.status = Status::Escalated;
                true
            }
            LocalChange::AddNote(text) => {
                local.notes.push(Note {
                    by: who.to_string(),
                    at: now,
                    text: text.clone(),
                });
                true
            }
            LocalChange::Record(_) => true,
        };
        if changed && !matches!(self, LocalChange::SetRead(_)) {
            local.last_action = Some(LastAction {
                what: self.describe(),
                by: who.to_string(),
                at: now,
            });
        }
        changed
    }
}

fn replace<T: PartialEq>(slot: &mut T, value: T) -> bool {
    if *slot == value {
        return false;
    }
    *slot = value;
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apply_reports_real_changes_only() {
        let now = Utc::now();
        let mut local = Local::default();
        let tag = LocalChange::AddTag {
            tag: "refund".into(),
            why: None,
        };
        assert!(tag.apply(&mut local, "me", now));
        assert!(!tag.apply(&mut local, "me", now));
        assert_eq!(local.tags, vec!["refund"]);
        assert_eq!(
            local.last_action.as_ref().map(|a| a.what.as_str()),
            Some("tag +refund")
        );
        assert!(LocalChange::SetRead(true).apply(&mut local, "me", now));
        assert!(!LocalChange::SetRead(true).apply(&mut local, "me", now));
        let untag = LocalChange::RemoveTag {
            tag: "refund".into(),
            why: Some("customer withdrew".into()),
        };
        assert!(untag.apply(&mut local, "me", now));
        assert!(local.tags.is_empty());
        assert!(LocalChange::AddNote("called back".into()).apply(&mut local, "camille", now));
        assert_eq!(local.notes[0].by, "camille");
        let esc = LocalChange::Escalate {
            to: "marie".into(),
            tag: "refund".into(),
            due: None,
            note: None,
        };
        assert!(esc.apply(&mut local, "me", now));
        assert_eq!(local.status, Status::Escalated);
        assert_eq!(local.assignee.as_deref(), Some("marie"));
        assert_eq!(esc.describe(), "escalate marie (refund)");
    }
}
