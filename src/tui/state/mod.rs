//! Everything the UI shows, as plain data: the queue, the open item, the
//! popups, the notice line. [`crate::tui::update`] changes it; the views in
//! [`crate::tui::ui`] only read it. No I/O handles live here.

pub mod composer;
pub mod overlay;
pub mod queue;
pub mod reports;
pub mod shift;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::action::Mode;
use crate::model::Item;
use crate::store::{Stored, TagRecord};

pub use composer::{Composer, Seen};
pub use overlay::{
    AttentionEntry, AttentionList, CannedMatch, CannedPicker, Choice, DraftEntry, DraftList,
    FilterField, LineInput, Overlay, Palette, Picker, Prompt, PromptKind,
};
pub use queue::QueueState;
pub use shift::{ShiftNote, ShiftState};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Info,
    Warn,
    Error,
}

/// A message in the status bar, gone after `until`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub level: Level,
    pub text: String,
    pub until: DateTime<Utc>,
}

/// The open item with its context, loaded from the store when opened.
#[derive(Debug, Clone, Default)]
pub struct Detail {
    pub seq: u32,
    pub item: Option<Item>,
    /// The thread around the item, oldest first (the item included): a
    /// window of the thread, not all of it.
    pub thread: Vec<Stored>,
    /// Every seq of the thread when it loaded, oldest first (from the
    /// hash index: what a reply is checked against for new messages).
    pub thread_seqs: Vec<u32>,
    /// How many thread items come before the window.
    pub thread_from: usize,
    /// The author's latest other items, newest first (the item excluded).
    pub author_items: Vec<Stored>,
    /// How many other items the author has in the store.
    pub author_total: usize,
    pub tag_records: Vec<(String, TagRecord)>,
    /// Tags added and removed, assignments, escalations: oldest first.
    pub history: Vec<crate::store::HistoryEvent>,
    /// The colleague the item waits on, if it is escalated.
    pub escalation: Option<crate::store::EscalationRecord>,
    /// What `propose` rules would do to it, waiting for approval.
    pub proposals: Vec<crate::triage::rules::Firing>,
    /// The author panel, once loaded, and whether it is showing.
    pub author: Option<Box<crate::tui::author::AuthorPanel>>,
    pub show_author: bool,
    pub scroll: usize,
}

#[derive(Debug, Clone)]
pub struct AppState {
    pub queue: QueueState,
    pub detail: Option<Detail>,
    pub overlays: Vec<Overlay>,
    /// Whole items of the selected and the opened row (and of rows acted
    /// on), read from the store before drawing.
    pub items: HashMap<u32, Item>,
    /// What the queue lines on screen show, read before drawing: a glance
    /// costs no item read (see `store::glance`).
    pub glances: HashMap<u32, crate::store::glance::Glance>,
    /// Keys typed so far in a multi-key sequence, and what may follow.
    pub pending: String,
    pub which_key: Vec<(String, String)>,
    pub notice: Option<Notice>,
    pub now: DateTime<Utc>,
    pub agent: String,
    pub auto_advance: bool,
    pub sidebar: bool,
    pub quit: bool,
    /// Zone for absolute times on screen (the machine's, fixed in tests).
    pub zone: chrono::FixedOffset,
    /// Each configured account and where its sync stands.
    pub accounts: Vec<(String, crate::sync::engine::SyncState)>,
    /// Outbox entries by item id (every reply to the item, oldest first).
    pub outbox: HashMap<String, Vec<crate::outbox::OutboxEntry>>,
    /// The reply being written, over the open item.
    pub composer: Option<Box<Composer>>,
    /// Open the composer once this item's detail has loaded (drafts view).
    pub compose_on_open: Option<u32>,
    /// Every saved draft, by item seq (read at start, kept in step).
    pub drafts: BTreeMap<u32, crate::store::Draft>,
    /// How often and how recently this agent used each canned reply.
    pub usage: HashMap<String, crate::store::ReplyUsage>,
    /// Canned replies, brand guidelines and reply variables.
    pub kit: Arc<crate::replies::Kit>,
    /// Escalation tags, SLAs and the roster (tags.toml).
    pub tags: Arc<crate::triage::tags::Tags>,
    /// An escalation being set up: its targets, then tag and assignee.
    pub escalation: Option<Escalation>,
    /// Base URL of `guichet serve-callbacks`, put in hand-offs.
    pub handoff_callback: Option<String>,
    /// The shift running (shift mode), if any.
    pub shift: Option<ShiftState>,
    /// Seconds between live refreshes while a shift runs.
    pub shift_refresh: i64,
    /// Zone and business hours of the reports screen (config.toml).
    pub report_clock: crate::report::Clock,
}

/// The escalate flow's answers so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escalation {
    pub targets: Vec<u32>,
    pub tag: String,
    pub to: String,
}

impl AppState {
    pub fn new(
        queue: QueueState,
        agent: String,
        auto_advance: bool,
        now: DateTime<Utc>,
    ) -> AppState {
        AppState {
            queue,
            detail: None,
            overlays: Vec::new(),
            items: HashMap::new(),
            glances: HashMap::new(),
            pending: String::new(),
            which_key: Vec::new(),
            notice: None,
            now,
            agent,
            auto_advance,
            sidebar: true,
            quit: false,
            zone: *chrono::Local::now().offset(),
            accounts: Vec::new(),
            outbox: HashMap::new(),
            composer: None,
            compose_on_open: None,
            drafts: BTreeMap::new(),
            usage: HashMap::new(),
            kit: Arc::new(crate::replies::Kit::example()),
            tags: Arc::new(crate::triage::tags::Tags::example()),
            escalation: None,
            handoff_callback: None,
            shift: None,
            shift_refresh: 20,
            report_clock: crate::report::Clock {
                zone: chrono_tz::Tz::UTC,
                hours: None,
            },
        }
    }

    /// The keymap layer in force: the top popup, else detail, else queue.
    pub fn mode(&self) -> Mode {
        match self.overlays.last() {
            Some(Overlay::Prompt(_)) => Mode::Input,
            Some(
                Overlay::Picker(_)
                | Overlay::Canned(_)
                | Overlay::Drafts(_)
                | Overlay::Attention(_),
            ) => Mode::Picker,
            Some(Overlay::Reports(_)) => Mode::Reports,
            Some(Overlay::Palette(_)) => Mode::Palette,
            Some(Overlay::Help { .. } | Overlay::Shift(_)) => Mode::Help,
            None if self.composer.is_some() => Mode::Compose,
            None if self.detail.is_some() => Mode::Detail,
            None => Mode::Queue,
        }
    }

    /// The mode under the popups (what help and the palette act on).
    pub fn base_mode(&self) -> Mode {
        // The reports screen is a full-screen view: help lists its keys.
        if self
            .overlays
            .iter()
            .any(|o| matches!(o, Overlay::Reports(_)))
        {
            Mode::Reports
        } else if self.composer.is_some() {
            Mode::Compose
        } else if self.detail.is_some() {
            Mode::Detail
        } else {
            Mode::Queue
        }
    }

    pub fn notify(&mut self, level: Level, text: impl Into<String>) {
        let secs = match level {
            Level::Info => 4,
            Level::Warn => 8,
            Level::Error => 15,
        };
        self.notice = Some(Notice {
            level,
            text: text.into(),
            until: self.now + chrono::Duration::seconds(secs),
        });
    }

    /// The item the user sees for `seq`: the open one, or a loaded row.
    pub fn item_seen(&self, seq: u32) -> Option<&Item> {
        self.detail
            .as_ref()
            .filter(|d| d.seq == seq)
            .and_then(|d| d.item.as_ref())
            .or(self.items.get(&seq))
    }

    /// Counts `n` uses of canned reply `name` now (the ranking reads it).
    pub fn count_use(&mut self, name: &str, n: u32) {
        let now = self.now;
        let used = self
            .usage
            .entry(name.to_string())
            .or_insert(crate::store::ReplyUsage {
                count: 0,
                last: now,
            });
        used.count = used.count.saturating_add(n);
        used.last = now;
    }

    /// Replaces the outbox view with `entries`.
    pub fn set_outbox(&mut self, entries: Vec<crate::outbox::OutboxEntry>) {
        self.outbox.clear();
        for e in entries {
            self.add_outbox(e);
        }
    }

    /// Adds one outbox entry to the view, under its item.
    pub fn add_outbox(&mut self, entry: crate::outbox::OutboxEntry) {
        self.outbox
            .entry(entry.item.to_string())
            .or_default()
            .push(entry);
    }

    pub fn now_ts(&self) -> i64 {
        self.now.timestamp()
    }

    /// Seqs whose whole item the keys act on: the selected row, the open
    /// item and the first marked row.
    pub fn in_hand(&self) -> Vec<u32> {
        let q = &self.queue;
        let mut seqs: Vec<u32> = q.selected.into_iter().collect();
        seqs.extend(self.detail.as_ref().map(|d| d.seq));
        seqs.extend(q.marks.first().copied());
        seqs.dedup();
        seqs
    }

    /// Seqs of the rows currently on screen (and the open item).
    pub fn on_screen(&self) -> Vec<u32> {
        let q = &self.queue;
        let end = (q.offset + q.height).min(q.visible.len());
        let mut seqs: Vec<u32> = (q.offset..end).filter_map(|c| q.seq_at_cursor(c)).collect();
        seqs.extend(self.detail.as_ref().map(|d| d.seq));
        seqs
    }
}
