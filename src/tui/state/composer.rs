//! The reply composer's state: a multi-line draft (ratatui-textarea) for one
//! item, the brand-guideline findings of the current text, its length by
//! the network's rule, and the DM window. Plain data: `tui::update_compose`
//! edits it and `tui::ui::composer` draws it.

use chrono::{DateTime, Utc};
use ratatui_textarea::{CursorMove, TextArea, WrapMode};

use crate::model::{Item, ItemId, Kind, Network};
use crate::networks::Counted;
use crate::replies::lint::Finding;

/// What the agent had in front of them when the composer opened: a
/// reply is held instead of sent when the thread or the status changed
/// since (another window, a colleague's script, a sync).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// The thread's items; `None` until the thread has loaded.
    pub thread: Option<Vec<u32>>,
    pub status: crate::model::Status,
}

#[derive(Debug, Clone)]
pub struct Composer {
    pub seq: u32,
    pub item: ItemId,
    pub network: Network,
    /// What the reply is counted and checked as: the item's kind, or a DM
    /// for a private reply.
    pub kind: Kind,
    /// A private reply: a DM answering a public comment.
    pub private: bool,
    pub editor: TextArea<'static>,
    /// The canned reply the draft started from.
    pub template: Option<String>,
    pub findings: Vec<Finding>,
    /// The finding the fix key applies to.
    pub focus: usize,
    pub counted: Counted,
    /// The agent allowed sending despite guideline errors (audited).
    pub override_errors: bool,
    /// An unsent outbox entry this reply replaces (editing a queued reply).
    pub replaces: Option<u64>,
    /// When the network stops accepting this reply (DM window, private
    /// reply window), and the name of that window.
    pub closes: Option<(DateTime<Utc>, String)>,
    /// Set by every edit; cleared when the draft is saved.
    pub unsaved: bool,
    pub seen: Seen,
}

impl Composer {
    pub fn new(seq: u32, item: &Item, private: bool, text: &str) -> Composer {
        let kind = if private {
            Kind::DirectMessage
        } else {
            item.remote.kind
        };
        let mut composer = Composer {
            seq,
            item: item.id.clone(),
            network: item.remote.network,
            kind,
            private,
            editor: new_editor(),
            template: None,
            findings: Vec::new(),
            focus: 0,
            counted: crate::networks::count_for(item.remote.network, kind, ""),
            override_errors: false,
            replaces: None,
            closes: None,
            unsaved: false,
            seen: Seen {
                thread: None,
                status: item.local.status,
            },
        };
        composer.set_text(text, text.len());
        composer.unsaved = false;
        composer
    }

    /// The draft as one string (lines joined by `\n`).
    pub fn text(&self) -> String {
        self.editor.lines().join("\n")
    }

    /// Replaces the whole text and puts the cursor at byte `cursor`.
    pub fn set_text(&mut self, text: &str, cursor: usize) {
        let lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        let mut editor = new_editor();
        editor.insert_str(lines.join("\n"));
        let (row, col) = row_col(text, cursor);
        editor.move_cursor(CursorMove::Jump(
            u16::try_from(row).unwrap_or(u16::MAX),
            u16::try_from(col).unwrap_or(u16::MAX),
        ));
        // Keep the styles the view set on the old editor.
        editor.set_cursor_line_style(self.editor.cursor_line_style());
        self.editor = editor;
        self.unsaved = true;
    }

    /// Inserts `text` at the cursor.
    pub fn insert(&mut self, text: &str) {
        self.editor.insert_str(text);
        self.unsaved = true;
    }

    /// The byte offset of the cursor in [`Composer::text`].
    pub fn cursor_byte(&self) -> usize {
        let ratatui_textarea::DataCursor(row, col) = self.editor.cursor();
        let lines = self.editor.lines();
        let before: usize = lines.iter().take(row).map(|l| l.len() + 1).sum();
        let in_line = lines
            .get(row)
            .map_or(0, |l| l.char_indices().nth(col).map_or(l.len(), |(i, _)| i));
        before + in_line
    }

    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.level == crate::replies::lint::Level::Error)
            .count()
    }

    /// The finding under focus, if any.
    pub fn focused(&self) -> Option<&Finding> {
        self.findings.get(self.focus)
    }
}

fn new_editor() -> TextArea<'static> {
    let mut editor = TextArea::default();
    editor.set_wrap_mode(WrapMode::WordOrGlyph);
    editor.set_cursor_line_style(ratatui::style::Style::default());
    editor
}

/// (line, char column) of byte offset `at` in `text`.
fn row_col(text: &str, at: usize) -> (usize, usize) {
    let at = (0..=at.min(text.len()))
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    let before = &text[..at];
    let row = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (row, before[line_start..].chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_col_counts_chars_not_bytes() {
        assert_eq!(row_col("héllo\nwörld", 10), (1, 2));
        assert_eq!(row_col("abc", 99), (0, 3));
        // Inside a multi-byte char: snaps back to its start.
        assert_eq!(row_col("é", 1), (0, 0));
    }
}
