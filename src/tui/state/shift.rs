//! A shift in progress, as the TUI keeps it: when it started, which items
//! arrived since, the counts so far (the report engine over the shift,
//! recounted after each action and at each live refresh), and when the
//! last refresh was asked.

use chrono::{DateTime, Utc};

use crate::triage::shift::Tally;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShiftState {
    pub started: DateTime<Utc>,
    /// Items stored from this seq on arrived during the shift (seqs are
    /// given in arrival order). Fixed by the first count, which reads how
    /// many items the store held when the shift began.
    pub first_seq: Option<u32>,
    /// Handled, hidden, escalated… by this agent since `started`.
    pub tally: Tally,
    /// When the last live refresh (sync and recount) was asked.
    pub refreshed: DateTime<Utc>,
    /// Seconds between live refreshes.
    pub every: i64,
    /// The summary is being written; a second toggle waits for it.
    pub ending: bool,
    /// Unanswered items, and arrivals not looked at: counted over the rows
    /// when something happened (an outcome), never while drawing.
    pub pending: usize,
    pub unseen: usize,
}

impl ShiftState {
    pub fn new(now: DateTime<Utc>, every: i64) -> ShiftState {
        ShiftState {
            started: now,
            first_seq: None,
            tally: Tally::default(),
            refreshed: now,
            every: every.max(1),
            ending: false,
            pending: 0,
            unseen: 0,
        }
    }

    /// Did item `seq` arrive during the shift?
    pub fn arrived(&self, seq: u32) -> bool {
        self.first_seq.is_some_and(|first| seq >= first)
    }
}

/// The hand-over note shown when a shift ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShiftNote {
    pub markdown: String,
    pub scroll: usize,
}
