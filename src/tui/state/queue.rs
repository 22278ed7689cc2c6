//! The queue: every row in memory (compact), the current view over them,
//! the selection and the marks. Pure data and pure methods, no I/O.
//!
//! The selection is an item (a seq), not a position: when rows arrive,
//! change status or are re-sorted, [`QueueState::recompute`] finds the same
//! item again and keeps it on the same screen line. Only when it left the
//! view does the cursor stay at its position, which lands on the next item.

use std::collections::BTreeSet;

use crate::filter::{self, Filter, SavedView, Sort};
use crate::store::RowSet;

#[derive(Debug, Clone, Default)]
pub struct QueueState {
    /// Every row, oldest first.
    pub set: RowSet,
    /// seq → index in `set.rows` (u32::MAX when absent).
    pos: Vec<u32>,
    /// Only the first screen is loaded; the full index is on its way.
    pub loading: bool,
    pub views: Vec<SavedView>,
    pub view_ix: usize,
    /// The user's ad-hoc filter on top of the view (pickers, search).
    pub refine: Filter,
    pub sort: Sort,
    /// Row indexes shown, in order.
    pub visible: Vec<u32>,
    pub cursor: usize,
    pub selected: Option<u32>,
    pub offset: usize,
    pub marks: BTreeSet<u32>,
    /// Seq where a visual range started.
    pub visual: Option<u32>,
    pub counts: Vec<Option<usize>>,
    /// The search text these hits answer, and the matching seqs (sorted).
    pub hits: Option<(String, Vec<u32>)>,
    /// Lines available for rows, set by the layout.
    pub height: usize,
    /// The earliest snooze or escalation due still ahead: the views only
    /// change with the clock then, so the minute tick recounts only then.
    pub wake: Option<i64>,
}

impl QueueState {
    pub fn new(views: Vec<SavedView>) -> QueueState {
        let sort = views.first().map(|v| v.sort).unwrap_or_default();
        QueueState {
            views,
            sort,
            height: 20,
            ..QueueState::default()
        }
    }

    /// Replaces all rows (first screen, full load, reload).
    pub fn set_rows(&mut self, mut set: RowSet, loading: bool, now: i64) {
        filter::sort_rows(&mut set);
        self.pos = vec![
            u32::MAX;
            set.rows
                .iter()
                .map(|r| r.seq as usize + 1)
                .max()
                .unwrap_or(0)
        ];
        for (i, r) in set.rows.iter().enumerate() {
            self.pos[r.seq as usize] = u32::try_from(i).unwrap_or(u32::MAX);
        }
        self.set = set;
        self.loading = loading;
        self.recompute(now);
        self.recount(now);
    }

    pub fn row_index(&self, seq: u32) -> Option<usize> {
        self.pos
            .get(seq as usize)
            .filter(|p| **p != u32::MAX)
            .map(|p| *p as usize)
    }

    pub fn view(&self) -> &SavedView {
        &self.views[self.view_ix.min(self.views.len().saturating_sub(1))]
    }

    /// The view's filter narrowed by the user's.
    pub fn effective(&self) -> Filter {
        self.view().filter.and(&self.refine)
    }

    /// Search text the current filter needs hits for.
    pub fn wanted_search(&self) -> Option<String> {
        self.effective().search.filter(|s| !s.trim().is_empty())
    }

    /// True when the current hits answer the current search.
    pub fn hits_ready(&self) -> bool {
        match (self.wanted_search(), &self.hits) {
            (None, _) => true,
            (Some(q), Some((h, _))) => *h == q,
            _ => false,
        }
    }

    /// Recomputes the visible rows, keeping the selected item in place.
    pub fn recompute(&mut self, now: i64) {
        let screen_line = self.cursor.saturating_sub(self.offset);
        let old_cursor = self.cursor;
        let filter = self.effective();
        let hits = match (&filter.search, &self.hits) {
            (Some(_), Some((_, h))) if self.hits_ready() => Some(h.as_slice()),
            (Some(_), _) => None,
            (None, _) => None,
        };
        if filter.search.is_some() && hits.is_none() {
            // Keep showing the previous rows until the search answers.
            return;
        }
        self.visible = filter::view(&self.set, &filter, hits, self.sort, now);
        let found = self.selected.and_then(|seq| {
            self.visible
                .iter()
                .position(|i| self.seq_at(*i) == Some(seq))
        });
        self.cursor = match found {
            Some(i) => i,
            None => old_cursor.min(self.visible.len().saturating_sub(1)),
        };
        self.selected = self.visible.get(self.cursor).and_then(|i| self.seq_at(*i));
        self.offset = self.cursor.saturating_sub(screen_line);
        self.clamp_offset();
    }

    /// Counts for every view (sidebar). Views with a search show no count.
    pub fn recount(&mut self, now: i64) {
        if self.loading {
            // Counting the first screen's rows would show wrong numbers.
            self.counts = vec![None; self.views.len()];
            return;
        }
        self.counts = self
            .views
            .iter()
            .map(|v| {
                v.filter
                    .search
                    .is_none()
                    .then(|| filter::count(&self.set, &v.filter, now))
            })
            .collect();
        self.wake = self
            .set
            .rows
            .iter()
            .filter(|r| {
                matches!(
                    r.status,
                    crate::model::StatusKind::Snoozed | crate::model::StatusKind::Escalated
                ) && r.wakes() > now
            })
            .map(crate::store::Row::wakes)
            .min();
    }

    /// Applies a change to the rows of `seqs` and adjusts the view counts
    /// by what those rows did (a full recount would scan every row).
    pub fn apply_counted(&mut self, seqs: &[u32], change: &crate::change::LocalChange, now: i64) {
        use crate::change::LocalChange;
        let wakes_at = match change {
            LocalChange::SetStatus(crate::model::Status::Snoozed { until }) => Some(*until),
            LocalChange::Escalate { due, .. } => *due,
            _ => None,
        };
        if let Some(at) = wakes_at {
            let at = at.timestamp();
            self.wake = Some(self.wake.map_or(at, |w| w.min(at)));
        }
        // Intern a new tag or assignee first, so the filters compile to it.
        match change {
            LocalChange::AddTag { tag, .. } => {
                self.set.names.tag(tag);
            }
            LocalChange::Assign(Some(who)) | LocalChange::Escalate { to: who, .. } => {
                self.set.names.assignee(Some(who));
            }
            _ => {}
        }
        let filters: Vec<Option<filter::Compiled>> = self
            .views
            .iter()
            .map(|v| {
                v.filter
                    .search
                    .is_none()
                    .then(|| v.filter.compile(&self.set))
            })
            .collect();
        let matching = |set: &RowSet, ix: usize| -> Vec<bool> {
            filters
                .iter()
                .map(|f| {
                    f.as_ref()
                        .is_some_and(|f| f.matches(set, &set.rows[ix], now))
                })
                .collect()
        };
        for seq in seqs {
            let Some(ix) = self.row_index(*seq) else {
                continue;
            };
            let before = matching(&self.set, ix);
            self.set.apply(ix, change);
            let after = matching(&self.set, ix);
            for (i, (b, a)) in before.iter().zip(&after).enumerate() {
                if let Some(Some(count)) = self.counts.get_mut(i) {
                    *count = (*count + usize::from(*a)).saturating_sub(usize::from(*b));
                }
            }
        }
    }

    fn seq_at(&self, row_ix: u32) -> Option<u32> {
        self.set.rows.get(row_ix as usize).map(|r| r.seq)
    }

    pub fn seq_at_cursor(&self, cursor: usize) -> Option<u32> {
        self.visible.get(cursor).and_then(|i| self.seq_at(*i))
    }

    pub fn move_to(&mut self, cursor: usize) {
        if self.visible.is_empty() {
            self.cursor = 0;
            self.selected = None;
            return;
        }
        self.cursor = cursor.min(self.visible.len() - 1);
        self.selected = self.seq_at_cursor(self.cursor);
        self.clamp_offset();
    }

    /// Selects `seq` when the current view shows it; returns whether it does.
    pub fn select(&mut self, seq: u32) -> bool {
        let Some(row) = self.row_index(seq).and_then(|i| u32::try_from(i).ok()) else {
            return false;
        };
        match self.visible.iter().position(|r| *r == row) {
            Some(cursor) => {
                self.move_to(cursor);
                true
            }
            None => false,
        }
    }

    pub fn move_by(&mut self, delta: isize) {
        let target = self.cursor.saturating_add_signed(delta);
        self.move_to(target);
    }

    fn clamp_offset(&mut self) {
        let h = self.height.max(1);
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + h {
            self.offset = self.cursor + 1 - h;
        }
        let max_offset = self.visible.len().saturating_sub(h);
        self.offset = self.offset.min(max_offset);
    }

    pub fn set_height(&mut self, h: usize) {
        self.height = h.max(1);
        self.clamp_offset();
    }

    /// The items a bulk action applies to: the marks and the visual range,
    /// or else the selected item.
    pub fn targets(&self) -> Vec<u32> {
        let mut set = self.marks.clone();
        if let Some(range) = self.visual_range() {
            set.extend(range.filter_map(|c| self.seq_at_cursor(c)));
        }
        if set.is_empty() {
            return self.selected.into_iter().collect();
        }
        // Keep the order of the view so the audit reads naturally.
        self.visible
            .iter()
            .filter_map(|i| self.seq_at(*i))
            .filter(|s| set.contains(s))
            .collect()
    }

    /// Cursor range covered by visual mode.
    pub fn visual_range(&self) -> Option<std::ops::RangeInclusive<usize>> {
        let anchor = self.visual?;
        let a = self
            .visible
            .iter()
            .position(|i| self.seq_at(*i) == Some(anchor))?;
        Some(a.min(self.cursor)..=a.max(self.cursor))
    }

    /// How many items a bulk action would touch (marks ∪ visual range).
    pub fn marked_count(&self) -> usize {
        let range: Vec<u32> = self
            .visual_range()
            .map(|r| r.filter_map(|c| self.seq_at_cursor(c)).collect())
            .unwrap_or_default();
        self.marks.len() + range.iter().filter(|s| !self.marks.contains(s)).count()
    }

    pub fn toggle_mark(&mut self) {
        if let Some(seq) = self.selected
            && !self.marks.remove(&seq)
        {
            self.marks.insert(seq);
        }
    }

    /// Ends visual mode, keeping its range as marks.
    pub fn commit_visual(&mut self) {
        if let Some(range) = self.visual_range() {
            let seqs: Vec<u32> = range.filter_map(|c| self.seq_at_cursor(c)).collect();
            self.marks.extend(seqs);
        }
        self.visual = None;
    }

    pub fn clear_marks(&mut self) {
        self.marks.clear();
        self.visual = None;
    }

    pub fn switch_view(&mut self, ix: usize, now: i64) {
        self.view_ix = ix % self.views.len().max(1);
        self.sort = self.view().sort;
        self.refine = Filter::default();
        self.clear_marks();
        self.cursor = 0;
        self.offset = 0;
        self.selected = None;
        self.recompute(now);
        self.cursor = 0;
        self.move_to(0);
    }
}
