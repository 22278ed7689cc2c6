//! Popups that sit over the queue or the detail view: the text prompt,
//! the filter picker, the command palette and the help overlay. Each one
//! is plain data; `tui::update` edits it and `tui::ui` draws it.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config as MatchConfig, Matcher, Utf32Str};

use crate::action::ACTIONS;

/// What a text prompt is asking for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Search,
    Snooze,
    Tag,
    Untag,
    Assign,
    Note,
    /// "y" confirms a destructive act (delete, block) on the targets.
    Confirm(crate::networks::connector::Act),
    /// A placeholder of the reply being composed (its label in `subject`).
    Fill,
    /// Escalation, step 1: the tag (from tags.toml).
    EscalateTag,
    /// Step 2: who takes it (the tag's route, prefilled).
    EscalateTo,
    /// Step 3: the internal note for the colleague.
    EscalateNote,
    /// A note on the author of the target item.
    AuthorNote,
    /// The colleague's outcome, recorded by hand (`escalation.done`).
    EscalationOutcome,
    /// Report, step 1: the category (the network's own list).
    ReportReason,
    /// Step 2: the comment for the network's moderators.
    ReportComment(crate::networks::report::ReportReason),
    /// The reports screen's period, typed as `--period` takes it.
    ReportsPeriod,
}

impl PromptKind {
    pub fn label(self) -> &'static str {
        match self {
            PromptKind::Search => "Search",
            PromptKind::Snooze => "Snooze until",
            PromptKind::Tag => "Add tag",
            PromptKind::Untag => "Remove tag",
            PromptKind::Assign => "Assign to",
            PromptKind::Note => "Internal note",
            PromptKind::Confirm(crate::networks::connector::Act::Block) => {
                "Block the author on the network? y to confirm"
            }
            PromptKind::Confirm(crate::networks::connector::Act::Spam) => {
                "Mark as spam on the network (a report, or YouTube's reject)? y to confirm"
            }
            PromptKind::Confirm(_) => "Delete on the network, for everyone? y to confirm",
            PromptKind::Fill => "Fill in",
            PromptKind::EscalateTag => "Escalate with tag",
            PromptKind::EscalateTo => "Hand it to",
            PromptKind::EscalateNote => "Internal note for them",
            PromptKind::AuthorNote => "Note on the author",
            PromptKind::EscalationOutcome => "What they did",
            PromptKind::ReportReason => "Report as",
            PromptKind::ReportComment(_) => "Comment for the moderators",
            PromptKind::ReportsPeriod => "Report period",
        }
    }

    pub fn hint(self) -> &'static str {
        match self {
            PromptKind::Search => "words in text, handle or name · enter to search · empty clears",
            PromptKind::Snooze => {
                "2h · 30m · 3d · tomorrow · tomorrow 14:00 · monday · 2026-12-01 09:00"
            }
            PromptKind::Tag | PromptKind::Untag => "tab completes from known tags",
            PromptKind::Assign => "a colleague or team · tab completes · empty unassigns",
            PromptKind::Note => "visible to your team only, never sent",
            PromptKind::Confirm(_) => "y and enter to go ahead · esc or anything else cancels",
            PromptKind::Fill => {
                "enter puts it in the reply and asks for the next · esc leaves the rest"
            }
            PromptKind::EscalateTag => "tab completes from tags.toml · enter goes on",
            PromptKind::EscalateTo => "a person or team of the roster · tab completes",
            PromptKind::EscalateNote => "what they need to know · never sent to the customer",
            PromptKind::AuthorNote => "kept with every item of theirs · never sent",
            PromptKind::EscalationOutcome => {
                "kept as a note · the item goes back to the queue to answer the customer"
            }
            PromptKind::ReportReason => "tab completes the network's categories · enter goes on",
            PromptKind::ReportComment(_) => {
                "optional · read by the network's moderators · enter sends the report"
            }
            PromptKind::ReportsPeriod => {
                "FROM..TO (2026-03-01..2026-03-31, your zone's days) or a preset · tab completes"
            }
        }
    }
}

/// A one-line text field with a cursor (a byte index on a char boundary).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    pub text: String,
    pub cursor: usize,
}

impl LineInput {
    pub fn with(text: &str) -> LineInput {
        LineInput {
            text: text.to_string(),
            cursor: text.len(),
        }
    }

    pub fn insert(&mut self, c: char) {
        self.text.insert(self.cursor, c);
        self.cursor += c.len_utf8();
    }

    pub fn insert_str(&mut self, s: &str) {
        self.text.insert_str(self.cursor, s);
        self.cursor += s.len();
    }

    pub fn backspace(&mut self) {
        if let Some((i, _)) = self.text[..self.cursor].char_indices().next_back() {
            self.text.replace_range(i..self.cursor, "");
            self.cursor = i;
        }
    }

    pub fn delete(&mut self) {
        if let Some(c) = self.text[self.cursor..].chars().next() {
            self.text
                .replace_range(self.cursor..self.cursor + c.len_utf8(), "");
        }
    }

    pub fn left(&mut self) {
        if let Some((i, _)) = self.text[..self.cursor].char_indices().next_back() {
            self.cursor = i;
        }
    }

    pub fn right(&mut self) {
        if let Some(c) = self.text[self.cursor..].chars().next() {
            self.cursor += c.len_utf8();
        }
    }

    pub fn home(&mut self) {
        self.cursor = 0;
    }

    pub fn end(&mut self) {
        self.cursor = self.text.len();
    }

    pub fn delete_word(&mut self) {
        let before = &self.text[..self.cursor];
        let trimmed = before.trim_end();
        let start = trimmed.rfind(char::is_whitespace).map_or(0, |i| i + 1);
        self.text.replace_range(start..self.cursor, "");
        self.cursor = start;
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.cursor = 0;
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub input: LineInput,
    /// Known values for tab completion (tags, assignees).
    pub completions: Vec<String>,
    /// Items the answer applies to (empty for search).
    pub targets: Vec<u32>,
    pub error: Option<String>,
    /// What the prompt is about, when the kind alone does not say (the
    /// placeholder being filled).
    pub subject: Option<String>,
}

/// Which dimension a picker filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterField {
    Network,
    Account,
    Kind,
    Status,
    Tag,
    Assignee,
}

impl FilterField {
    pub fn label(self) -> &'static str {
        match self {
            FilterField::Network => "network",
            FilterField::Account => "account",
            FilterField::Kind => "kind",
            FilterField::Status => "status",
            FilterField::Tag => "tag",
            FilterField::Assignee => "assignee",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub count: usize,
    pub chosen: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picker {
    pub field: FilterField,
    pub choices: Vec<Choice>,
    pub query: LineInput,
    pub cursor: usize,
}

impl Picker {
    /// Choices that match the typed text, as indexes into `choices`.
    pub fn shown(&self) -> Vec<usize> {
        let q = crate::text::fold(&self.query.text);
        self.choices
            .iter()
            .enumerate()
            .filter(|(_, c)| q.is_empty() || crate::text::fold(&c.value).contains(&q))
            .map(|(i, _)| i)
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Palette {
    pub query: LineInput,
    /// Indexes into `ACTIONS`, best match first.
    pub matches: Vec<usize>,
    pub cursor: usize,
}

impl Palette {
    pub fn new() -> Palette {
        let mut p = Palette::default();
        p.refresh();
        p
    }

    /// Fuzzy-matches the query against action names and descriptions.
    pub fn refresh(&mut self) {
        self.cursor = 0;
        if self.query.text.trim().is_empty() {
            self.matches = (0..ACTIONS.len()).collect();
            return;
        }
        let mut matcher = Matcher::new(MatchConfig::DEFAULT);
        let pattern = Pattern::parse(&self.query.text, CaseMatching::Ignore, Normalization::Smart);
        let mut buf = Vec::new();
        let mut scored: Vec<(u32, usize)> = ACTIONS
            .iter()
            .enumerate()
            .filter_map(|(i, spec)| {
                let hay = format!("{} {}", spec.name, spec.desc);
                let score = pattern.score(Utf32Str::new(&hay, &mut buf), &mut matcher)?;
                Some((score, i))
            })
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        self.matches = scored.into_iter().map(|(_, i)| i).collect();
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    Prompt(Prompt),
    Picker(Picker),
    Palette(Palette),
    Help {
        scroll: usize,
    },
    /// The canned-reply picker, over the composer.
    Canned(CannedPicker),
    /// The drafts view: every reply being written.
    Drafts(DraftList),
    /// Replies held or refused, waiting for the agent.
    Attention(AttentionList),
    /// The hand-over note of the shift that just ended (scrolls like help).
    Shift(super::ShiftNote),
    /// The reports screen (full screen).
    Reports(Box<super::reports::ReportsView>),
}

/// One outbox entry that needs the agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttentionEntry {
    pub item: crate::model::ItemId,
    /// What it is and why it waits.
    pub label: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttentionList {
    pub entries: Vec<AttentionEntry>,
    pub cursor: usize,
}

/// One canned reply in the picker, ranked for the item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CannedMatch {
    pub name: String,
    pub title: String,
    pub category: String,
    pub lang: String,
    /// "example", "team" or "mine".
    pub scope: String,
    /// Matched char positions in the title, for highlighting.
    pub indices: Vec<u32>,
}

/// The fuzzy canned-reply picker with a live preview for the item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CannedPicker {
    pub query: LineInput,
    pub matches: Vec<CannedMatch>,
    pub cursor: usize,
    /// The selected reply rendered for this item, or why it cannot be.
    pub preview: Result<String, String>,
    /// A wave: the marked items that all get this reply, each worded
    /// differently (empty when the picker serves the composer).
    pub wave: Vec<u32>,
}

/// One draft in the drafts view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftEntry {
    pub seq: u32,
    /// Network badge, author and the draft's first words.
    pub label: String,
    pub updated: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftList {
    pub query: LineInput,
    pub entries: Vec<DraftEntry>,
    pub cursor: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_input_edits_on_char_boundaries() {
        let mut l = LineInput::with("café");
        l.backspace();
        assert_eq!(l.text, "caf");
        l.insert('é');
        l.left();
        l.left();
        l.insert('-');
        assert_eq!(l.text, "ca-fé");
        l.end();
        l.insert_str(" au lait");
        l.delete_word();
        assert_eq!(l.text, "ca-fé au ");
        l.home();
        l.delete();
        assert_eq!(l.text, "a-fé au ");
    }

    #[test]
    fn palette_ranks_fuzzy_matches() {
        let mut p = Palette::new();
        assert_eq!(p.matches.len(), ACTIONS.len());
        p.query = LineInput::with("snz tmrw");
        p.refresh();
        let first = p.matches.first().map(|i| ACTIONS[*i].name);
        assert_eq!(first, Some("item.snooze_tomorrow"));
        p.query = LineInput::with("zzzzqqq");
        p.refresh();
        assert!(p.matches.is_empty());
    }
}
