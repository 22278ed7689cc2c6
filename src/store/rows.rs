//! Compact queue rows: what the queue needs to filter and sort a million
//! items in memory without loading them.
//!
//! Each stored item has a [`RowRecord`] in its `rows` chunk (see
//! [`super::chunks`]). Loading turns records into [`Row`]s (32 bytes each) whose
//! strings (account, assignee, language) and tag sets are interned in an
//! [`Interner`]. The full text stays in the store; the queue reads it only
//! for visible rows.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::change::LocalChange;
use crate::model::{Item, Kind, Network, Priority, Status, StatusKind};

/// What the `rows` chunks keep of an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowRecord {
    pub network: u8,
    pub kind: u8,
    pub status: u8,
    pub priority: u8,
    pub read: bool,
    pub snooze_until: i64,
    pub account: String,
    pub assignee: Option<String>,
    pub tags: Vec<String>,
    pub lang: Option<String>,
}

impl RowRecord {
    pub fn of(item: &Item) -> RowRecord {
        let snooze_until = match item.local.status {
            Status::Snoozed { until } => until.timestamp(),
            _ => 0,
        };
        RowRecord {
            network: item.remote.network.index(),
            kind: item.remote.kind.index(),
            status: item.local.status.kind().index(),
            priority: item.local.priority.index(),
            read: item.local.read,
            snooze_until,
            account: item.remote.account.clone(),
            assignee: item.local.assignee.clone(),
            tags: item.local.tags.clone(),
            lang: item.remote.lang.clone(),
        }
    }
}

/// One queue row in memory: 32 bytes, a million of them in 32 MB. Strings
/// and tag sets are indexes into the [`Interner`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub seq: u32,
    /// When a snoozed item wakes, or when an escalated item's first answer
    /// is due, in seconds since the epoch (0: never; see [`secs`]). The
    /// store fills dues in from `escalations`.
    pub snooze_until: u32,
    pub created: i64,
    /// An interned tag set (0 is no tags): see [`Interner::tag_set`].
    pub tags: u32,
    pub account: u16,
    /// 0 means unassigned; otherwise an interned assignee + 1.
    pub assignee: u16,
    /// 0 means unknown; otherwise an interned language + 1.
    pub lang: u16,
    pub network: Network,
    pub kind: Kind,
    pub status: StatusKind,
    pub priority: Priority,
    pub read: bool,
    /// A `propose` rule flagged it; a person approves or dismisses.
    pub proposed: bool,
}

impl Row {
    /// Status at `now` (an expired snooze is open again).
    pub fn effective_status(&self, now: i64) -> StatusKind {
        if self.status == StatusKind::Snoozed && i64::from(self.snooze_until) <= now {
            StatusKind::Open
        } else {
            self.status
        }
    }

    /// An escalated item whose colleague's answer is overdue: it comes
    /// back to the top of the queue ("boomerang").
    pub fn overdue(&self, now: i64) -> bool {
        self.status == StatusKind::Escalated
            && self.snooze_until > 0
            && i64::from(self.snooze_until) <= now
    }

    /// When an escalated item's answer is due.
    pub fn due(&self) -> Option<i64> {
        (self.status == StatusKind::Escalated && self.snooze_until > 0)
            .then_some(i64::from(self.snooze_until))
    }

    /// When it wakes or is due, in seconds (0: never).
    pub fn wakes(&self) -> i64 {
        i64::from(self.snooze_until)
    }
}

/// A time in seconds as a row keeps it: clamped to what `u32` holds (from
/// 1970 to 2106), so 0 still means "never".
pub fn secs(t: i64) -> u32 {
    u32::try_from(t.max(0)).unwrap_or(u32::MAX)
}

/// Interned strings for rows. Index order is first-seen order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Interner {
    pub accounts: Vec<String>,
    pub tags: Vec<String>,
    pub assignees: Vec<String>,
    pub langs: Vec<String>,
    /// Distinct tag sets; index 0 is the empty set.
    tag_sets: Vec<Box<[u16]>>,
    tag_set_ix: HashMap<Box<[u16]>, u32>,
    account_ix: HashMap<String, u16>,
    tag_ix: HashMap<String, u16>,
    assignee_ix: HashMap<String, u16>,
    lang_ix: HashMap<String, u16>,
}

fn intern(list: &mut Vec<String>, ix: &mut HashMap<String, u16>, s: &str) -> u16 {
    if let Some(i) = ix.get(s) {
        return *i;
    }
    // More than 65,535 distinct accounts or tags would be a data problem;
    // saturating keeps the queue working (filters on the overflow merge).
    let i = u16::try_from(list.len()).unwrap_or(u16::MAX);
    list.push(s.to_string());
    ix.insert(s.to_string(), i);
    i
}

impl Interner {
    pub fn account(&mut self, s: &str) -> u16 {
        intern(&mut self.accounts, &mut self.account_ix, s)
    }

    pub fn tag(&mut self, s: &str) -> u16 {
        intern(&mut self.tags, &mut self.tag_ix, s)
    }

    /// The index of a set of interned tags (rows share them: most rows
    /// carry none or one of a few combinations).
    pub fn tag_set_of(&mut self, tags: &[u16]) -> u32 {
        if tags.is_empty() {
            return 0;
        }
        if let Some(i) = self.tag_set_ix.get(tags) {
            return *i;
        }
        if self.tag_sets.is_empty() {
            self.tag_sets.push(Box::default());
        }
        // Past u32::MAX sets, the last one is reused (never in practice).
        let i = u32::try_from(self.tag_sets.len()).unwrap_or(u32::MAX);
        self.tag_sets.push(tags.into());
        self.tag_set_ix.insert(tags.into(), i);
        i
    }

    /// The tags of an interned set.
    pub fn tag_set(&self, set: u32) -> &[u16] {
        self.tag_sets.get(set as usize).map_or(&[], |s| &**s)
    }

    /// 0 is "nobody"; a name gets its index + 1.
    pub fn assignee(&mut self, s: Option<&str>) -> u16 {
        match s {
            None => 0,
            Some(name) => {
                intern(&mut self.assignees, &mut self.assignee_ix, name).saturating_add(1)
            }
        }
    }

    pub fn lang(&mut self, s: Option<&str>) -> u16 {
        match s {
            None => 0,
            Some(l) => intern(&mut self.langs, &mut self.lang_ix, l).saturating_add(1),
        }
    }

    pub fn find_lang(&self, s: &str) -> Option<u16> {
        self.lang_ix.get(s).map(|i| i.saturating_add(1))
    }

    pub fn find_tag(&self, s: &str) -> Option<u16> {
        self.tag_ix.get(s).copied()
    }

    pub fn find_account(&self, s: &str) -> Option<u16> {
        self.account_ix.get(s).copied()
    }

    pub fn find_assignee(&self, s: &str) -> Option<u16> {
        self.assignee_ix.get(s).map(|i| i.saturating_add(1))
    }

    pub fn tag_name(&self, i: u16) -> &str {
        self.tags.get(usize::from(i)).map_or("?", String::as_str)
    }

    pub fn account_name(&self, i: u16) -> &str {
        self.accounts
            .get(usize::from(i))
            .map_or("?", String::as_str)
    }

    pub fn assignee_name(&self, i: u16) -> Option<&str> {
        let ix = usize::from(i.checked_sub(1)?);
        self.assignees.get(ix).map(String::as_str)
    }
}

/// All rows plus their interned strings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowSet {
    pub rows: Vec<Row>,
    pub names: Interner,
}

impl RowSet {
    pub fn push_record(&mut self, seq: u32, created: i64, rec: &RowRecord) {
        let row = self.make_row(seq, created, rec);
        self.rows.push(row);
    }

    pub fn make_row(&mut self, seq: u32, created: i64, rec: &RowRecord) -> Row {
        let tags: Vec<u16> = rec.tags.iter().map(|t| self.names.tag(t)).collect();
        Row {
            seq,
            created,
            snooze_until: secs(rec.snooze_until),
            tags: self.names.tag_set_of(&tags),
            account: self.names.account(&rec.account),
            assignee: self.names.assignee(rec.assignee.as_deref()),
            lang: self.names.lang(rec.lang.as_deref()),
            network: Network::from_index(rec.network).unwrap_or(Network::Facebook),
            kind: Kind::from_index(rec.kind).unwrap_or(Kind::Comment),
            status: StatusKind::from_index(rec.status).unwrap_or(StatusKind::New),
            priority: Priority::from_index(rec.priority).unwrap_or_default(),
            read: rec.read,
            proposed: false,
        }
    }

    pub fn row_of(&mut self, seq: u32, item: &Item) -> Row {
        self.make_row(
            seq,
            item.remote.created_at.timestamp(),
            &RowRecord::of(item),
        )
    }

    /// Applies a local change to a row in memory, as the store will.
    pub fn apply(&mut self, row_ix: usize, change: &LocalChange) {
        let tag_ix = match change {
            LocalChange::AddTag { tag, .. } | LocalChange::RemoveTag { tag, .. } => {
                Some(self.names.tag(tag))
            }
            _ => None,
        };
        let assignee_ix = match change {
            LocalChange::Assign(who) => Some(self.names.assignee(who.as_deref())),
            LocalChange::Escalate { to, .. } => Some(self.names.assignee(Some(to))),
            _ => None,
        };
        let Some(old_tags) = self.rows.get(row_ix).map(|r| r.tags) else {
            return;
        };
        let tag_set = match (change, tag_ix) {
            (LocalChange::AddTag { .. }, Some(t)) => {
                let mut tags = self.names.tag_set(old_tags).to_vec();
                if !tags.contains(&t) {
                    tags.push(t);
                }
                self.names.tag_set_of(&tags)
            }
            (LocalChange::RemoveTag { .. }, Some(t)) => {
                let tags: Vec<u16> = self
                    .names
                    .tag_set(old_tags)
                    .iter()
                    .copied()
                    .filter(|x| *x != t)
                    .collect();
                self.names.tag_set_of(&tags)
            }
            _ => old_tags,
        };
        let Some(row) = self.rows.get_mut(row_ix) else {
            return;
        };
        match change {
            LocalChange::SetStatus(s) => {
                row.status = s.kind();
                row.snooze_until = match s {
                    Status::Snoozed { until } => secs(until.timestamp()),
                    _ => 0,
                };
            }
            LocalChange::SetRead(r) => row.read = *r,
            LocalChange::SetPriority(p) => row.priority = *p,
            LocalChange::AddTag { .. } | LocalChange::RemoveTag { .. } => row.tags = tag_set,
            LocalChange::Assign(_) => row.assignee = assignee_ix.unwrap_or(0),
            LocalChange::Escalate { due, .. } => {
                row.status = StatusKind::Escalated;
                row.snooze_until = due.map_or(0, |d| secs(d.timestamp()));
                row.assignee = assignee_ix.unwrap_or(0);
            }
            LocalChange::AddNote(_) | LocalChange::Record(_) => {}
        }
    }
}

/// Seconds since the epoch for a time, used for row comparisons.
pub fn ts(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec() -> RowRecord {
        RowRecord {
            network: Network::X.index(),
            kind: Kind::Mention.index(),
            status: StatusKind::New.index(),
            priority: Priority::Normal.index(),
            read: false,
            snooze_until: 0,
            account: "brand".into(),
            assignee: None,
            tags: vec!["refund".into()],
            lang: Some("fr".into()),
        }
    }

    #[test]
    fn rows_intern_and_apply_changes() {
        let mut set = RowSet::default();
        set.push_record(7, 100, &rec());
        set.push_record(8, 200, &rec());
        assert_eq!(set.names.tags, vec!["refund"]);
        assert_eq!(set.rows[0].network, Network::X);
        set.apply(
            0,
            &LocalChange::AddTag {
                tag: "urgent".into(),
                why: None,
            },
        );
        set.apply(
            0,
            &LocalChange::RemoveTag {
                tag: "refund".into(),
                why: None,
            },
        );
        let urgent = set.names.find_tag("urgent").unwrap();
        assert_eq!(set.names.tag_set(set.rows[0].tags), &[urgent]);
        assert_eq!(set.rows[1].tags, set.names.tag_set_of(&[0]), "shared");
        set.apply(1, &LocalChange::Assign(Some("camille".into())));
        assert_eq!(
            set.names.assignee_name(set.rows[1].assignee),
            Some("camille")
        );
        set.apply(1, &LocalChange::Assign(None));
        assert_eq!(set.rows[1].assignee, 0);
    }

    #[test]
    fn a_row_is_32_bytes() {
        assert_eq!(std::mem::size_of::<Row>(), 32);
    }

    #[test]
    fn times_past_u32_are_clamped_not_wrapped() {
        assert_eq!(secs(-5), 0);
        assert_eq!(secs(1_700_000_000), 1_700_000_000);
        assert_eq!(secs(i64::MAX), u32::MAX);
    }

    #[test]
    fn expired_snooze_is_open() {
        let mut set = RowSet::default();
        let mut r = rec();
        r.status = StatusKind::Snoozed.index();
        r.snooze_until = 1000;
        set.push_record(1, 0, &r);
        assert_eq!(set.rows[0].effective_status(999), StatusKind::Snoozed);
        assert_eq!(set.rows[0].effective_status(1000), StatusKind::Open);
    }
}
