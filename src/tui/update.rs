//! `update(state, action) -> effects`: every named action's behaviour, with
//! no I/O. Popup editing lives in [`super::update_overlay`], results of
//! effects in [`super::update_outcome`]. To add an action: one arm here (short; delegate to
//! a method on the sub-state when it grows).

use chrono::Duration;

use super::effect::Effect;
use super::state::{AppState, Detail, Level, Overlay, Palette, Prompt, PromptKind};
use super::update_canned;
use super::update_compose::{self, After};
use super::update_moderate;
use super::update_overlay;
use super::update_reply;
use crate::action::{Action, Mode};
use crate::change::LocalChange;
use crate::model::{Priority, Status};
use crate::when;

pub fn update(state: &mut AppState, action: Action) -> Vec<Effect> {
    use Action as A;
    let now_ts = state.now_ts();
    let q = &mut state.queue;
    match action {
        A::AppQuit => state.quit = true,
        A::AppHelp => toggle_help(state),
        A::AppPalette => state.overlays.push(Overlay::Palette(Palette::new())),
        A::AppCancel => return cancel(state),
        A::SyncNow => {
            if state.accounts.is_empty() {
                state.notify(
                    Level::Warn,
                    "no accounts to sync: add [[accounts]] to config.toml",
                );
                return Vec::new();
            }
            return vec![Effect::SyncNow];
        }
        A::QueueNext => q.move_by(1),
        A::QueuePrev => q.move_by(-1),
        A::QueueFirst => q.move_to(0),
        A::QueueLast => q.move_to(usize::MAX),
        A::QueuePageDown => q.move_by(page(q.height)),
        A::QueuePageUp => q.move_by(-page(q.height)),
        A::QueueOpen => return open_selected(state),
        A::QueueToggleMark => {
            q.toggle_mark();
            q.move_by(1);
        }
        A::QueueVisual => {
            if q.visual.is_some() {
                q.commit_visual();
            } else {
                q.visual = q.selected;
            }
        }
        A::QueueMarkAll => {
            let all: Vec<u32> = (0..q.visible.len())
                .filter_map(|c| q.seq_at_cursor(c))
                .collect();
            q.marks.extend(all);
        }
        A::QueueClearMarks => q.clear_marks(),
        A::QueueSearch => {
            let current = q.refine.search.clone().unwrap_or_default();
            open_prompt(state, PromptKind::Search, &current, Vec::new(), Vec::new());
        }
        A::QueueSortNext => {
            q.sort = q.sort.next();
            let now = state.now_ts();
            state.queue.recompute(now);
            let sort = state.queue.sort;
            state.notify(Level::Info, format!("sorted: {sort}"));
        }
        A::QueueViewNext | A::QueueViewPrev => {
            let n = q.views.len().max(1);
            let ix = if action == A::QueueViewNext {
                q.view_ix + 1
            } else {
                q.view_ix + n - 1
            };
            q.switch_view(ix, now_ts);
            return search_if_needed(state);
        }
        A::QueueToggleSidebar => state.sidebar = !state.sidebar,
        A::FilterNetwork
        | A::FilterAccount
        | A::FilterKind
        | A::FilterStatus
        | A::FilterTag
        | A::FilterAssignee => update_overlay::open_picker(state, action),
        A::FilterClear => {
            q.refine = Default::default();
            q.hits = None;
            let now = state.now_ts();
            state.queue.recompute(now);
        }
        A::ItemDone => return change_targets(state, LocalChange::SetStatus(Status::Done), true),
        A::ItemReopen => return change_targets(state, LocalChange::SetStatus(Status::Open), false),
        A::ItemToggleRead => {
            let read = state.selected_row_read().unwrap_or(false);
            return change_targets(state, LocalChange::SetRead(!read), false);
        }
        A::ItemSnooze1h => return snooze(state, state.now + Duration::hours(1)),
        A::ItemSnooze3h => return snooze(state, state.now + Duration::hours(3)),
        A::ItemSnoozeTomorrow => return snooze(state, when::tomorrow_morning(state.now)),
        A::ItemSnoozeNextWeek => {
            return snooze(state, when::next_weekday(state.now, chrono::Weekday::Mon));
        }
        A::ItemSnoozeCustom => prompt_for_targets(state, PromptKind::Snooze),
        A::ItemPriorityUrgent => {
            return change_targets(state, LocalChange::SetPriority(Priority::Urgent), false);
        }
        A::ItemPriorityHigh => {
            return change_targets(state, LocalChange::SetPriority(Priority::High), false);
        }
        A::ItemPriorityNormal => {
            return change_targets(state, LocalChange::SetPriority(Priority::Normal), false);
        }
        A::ItemPriorityLow => {
            return change_targets(state, LocalChange::SetPriority(Priority::Low), false);
        }
        A::ItemTag => prompt_for_targets(state, PromptKind::Tag),
        A::ItemUntag => prompt_for_targets(state, PromptKind::Untag),
        A::ItemAssign => prompt_for_targets(state, PromptKind::Assign),
        A::ItemNote => prompt_for_targets(state, PromptKind::Note),
        A::ItemCopyLink => copy_link(state),
        A::ItemReply => return update_reply::start(state),
        A::ItemPrivateReply => return update_moderate::start_private_reply(state),
        A::ItemReport => return super::update_report::start(state),
        A::ItemLike | A::ItemHide | A::ItemDelete | A::ItemBlock | A::ItemMute | A::ItemSpam => {
            return update_moderate::start(state, action);
        }
        A::ReplyRetry | A::ReplyEdit | A::ReplyDrop => return update_reply::manage(state, action),
        A::QueueDrafts => update_canned::open_drafts(state),
        A::QueueAttention => super::update_attention::open(state),
        A::ViewReports => return super::update_reports::open(state),
        A::ReportsNext => super::update_reports::move_cursor(state, 1),
        A::ReportsPrev => super::update_reports::move_cursor(state, -1),
        A::ReportsOpen => super::update_reports::accept(state),
        A::ReportsNextPeriod => return super::update_reports::next_period(state, true),
        A::ReportsPrevPeriod => return super::update_reports::next_period(state, false),
        A::ReportsCustomPeriod => super::update_reports::ask_period(state),
        A::ReportsEarlier => return super::update_reports::step(state, false),
        A::ReportsLater => return super::update_reports::step(state, true),
        A::ItemEscalate => super::update_escalate::start(state),
        A::ItemAuthor => return super::update_author::toggle(state),
        A::ItemApprove => return super::update_rules::decide(state, true),
        A::ItemDismiss => return super::update_rules::decide(state, false),
        A::AuthorNote => super::update_author::start_note(state),
        A::EscalationDone => super::update_escalate::start_outcome(state),
        A::ShiftToggle => return super::update_shift::toggle(state),
        A::QueueNextUnhandled => return super::update_shift::next_unhandled(state),
        A::ComposeSend => return update_compose::send(state, After::Next),
        A::ComposeSendDone => return update_compose::send(state, After::Done),
        A::ComposeSendKeep => return update_compose::send(state, After::Keep),
        A::ComposeCanned => update_canned::open(state),
        A::ComposeNextFinding => update_compose::next_finding(state),
        A::ComposeFix => return update_compose::fix(state),
        A::ComposeFillNext => update_compose::fill_next(state),
        A::ComposeOverride => update_compose::toggle_override(state),
        A::ComposeEditor => return update_compose::editor(state),
        A::PickerSend => return update_canned::accept(state, true),
        A::DetailClose => state.detail = None,
        A::DetailScrollDown => scroll_detail(state, 3),
        A::DetailScrollUp => scroll_detail(state, -3),
        A::DetailNextItem | A::DetailPrevItem => {
            q.move_by(if action == A::DetailNextItem { 1 } else { -1 });
            return open_selected(state);
        }
        A::PickerNext
        | A::PickerPrev
        | A::PickerToggle
        | A::PickerAccept
        | A::InputSubmit
        | A::InputComplete
        | A::InputDeleteWord
        | A::InputClear
        | A::PaletteNext
        | A::PalettePrev
        | A::PaletteAccept
        | A::HelpScrollDown
        | A::HelpScrollUp => return update_overlay::update(state, action),
    }
    Vec::new()
}

fn page(height: usize) -> isize {
    isize::try_from(height.max(2) - 1).unwrap_or(10)
}

fn toggle_help(state: &mut AppState) {
    if matches!(state.overlays.last(), Some(Overlay::Help { .. })) {
        state.overlays.pop();
    } else {
        state.overlays.push(Overlay::Help { scroll: 0 });
    }
}

/// Esc: undo the innermost thing in progress.
fn cancel(state: &mut AppState) -> Vec<Effect> {
    if state.overlays.pop().is_some() {
        return Vec::new();
    }
    if state.composer.is_some() {
        return update_compose::close(state);
    }
    let q = &mut state.queue;
    if q.visual.is_some() {
        q.visual = None;
    } else if !q.marks.is_empty() {
        q.marks.clear();
    } else if state.detail.is_some() {
        state.detail = None;
    } else if !q.refine.is_empty() {
        q.refine = Default::default();
        q.hits = None;
        let now = state.now_ts();
        state.queue.recompute(now);
    }
    Vec::new()
}

impl AppState {
    fn selected_row_read(&self) -> Option<bool> {
        let q = &self.queue;
        let seq = self.detail.as_ref().map(|d| d.seq).or(q.selected)?;
        q.row_index(seq).map(|i| q.set.rows[i].read)
    }

    /// Targets of an item action: marks in the queue, else the open or
    /// selected item.
    pub fn targets(&self) -> Vec<u32> {
        match &self.detail {
            Some(d) if self.queue.marks.is_empty() => vec![d.seq],
            _ => self.queue.targets(),
        }
    }
}

/// Opens the selected item (or closes the detail when the view is empty).
pub fn open_selected(state: &mut AppState) -> Vec<Effect> {
    let Some(seq) = state.queue.selected else {
        state.detail = None;
        return Vec::new();
    };
    state.detail = Some(Detail {
        seq,
        ..Detail::default()
    });
    let mut effects = vec![Effect::OpenDetail(seq)];
    let unread = state
        .queue
        .row_index(seq)
        .is_some_and(|i| !state.queue.set.rows[i].read);
    if unread {
        effects.extend(apply_change(
            state,
            vec![seq],
            LocalChange::SetRead(true),
            false,
        ));
    }
    effects
}

pub(super) fn open_prompt(
    state: &mut AppState,
    kind: PromptKind,
    text: &str,
    completions: Vec<String>,
    targets: Vec<u32>,
) {
    let input = super::state::LineInput::with(text);
    state.overlays.push(Overlay::Prompt(Prompt {
        kind,
        input,
        completions,
        targets,
        error: None,
        subject: None,
    }));
}

fn prompt_for_targets(state: &mut AppState, kind: PromptKind) {
    let targets = state.targets();
    if targets.is_empty() {
        state.notify(Level::Warn, "nothing selected");
        return;
    }
    let names = &state.queue.set.names;
    let completions = match kind {
        PromptKind::Tag => names.tags.clone(),
        PromptKind::Untag => {
            let mut tags: Vec<String> = targets
                .iter()
                .filter_map(|s| state.queue.row_index(*s))
                .flat_map(|i| {
                    names
                        .tag_set(state.queue.set.rows[i].tags)
                        .iter()
                        .map(|t| names.tag_name(*t).to_string())
                })
                .collect();
            tags.sort();
            tags.dedup();
            tags
        }
        PromptKind::Assign => names.assignees.clone(),
        _ => Vec::new(),
    };
    open_prompt(state, kind, "", completions, targets);
}

fn snooze(state: &mut AppState, until: chrono::DateTime<chrono::Utc>) -> Vec<Effect> {
    change_targets(
        state,
        LocalChange::SetStatus(Status::Snoozed { until }),
        true,
    )
}

fn change_targets(state: &mut AppState, change: LocalChange, advance: bool) -> Vec<Effect> {
    let targets = state.targets();
    if targets.is_empty() {
        state.notify(Level::Warn, "nothing selected");
        return Vec::new();
    }
    apply_change(state, targets, change, advance)
}

/// Applies a change to the rows and cached items at once, then asks the
/// store to make it durable. With `advance`, the next item is selected (and
/// opened, in the detail view).
pub fn apply_change(
    state: &mut AppState,
    seqs: Vec<u32>,
    change: LocalChange,
    advance: bool,
) -> Vec<Effect> {
    let (now, agent) = (state.now, state.agent.clone());
    state.queue.apply_counted(&seqs, &change, now.timestamp());
    for seq in &seqs {
        if let Some(item) = state.items.get_mut(seq) {
            change.apply(&mut item.local, &agent, now);
        }
        if let Some(item) = state
            .detail
            .as_mut()
            .filter(|d| d.seq == *seq)
            .and_then(|d| d.item.as_mut())
        {
            change.apply(&mut item.local, &agent, now);
        }
    }
    let bulk = seqs.len() > 1;
    let selected_before = state.queue.selected;
    if bulk {
        state.queue.clear_marks();
    }
    state.queue.recompute(now.timestamp());
    let mut effects = vec![Effect::Change {
        seqs: seqs.clone(),
        change: change.clone(),
    }];
    if bulk && !matches!(change, LocalChange::SetRead(_)) {
        state.notify(
            Level::Info,
            format!("{} · {} items", change.describe(), seqs.len()),
        );
    }
    if advance && state.auto_advance && !bulk {
        if state.queue.selected == selected_before {
            state.queue.move_by(1);
        }
        if state.detail.is_some() {
            if state.queue.selected == selected_before || state.queue.selected.is_none() {
                state.detail = None;
            } else {
                effects.extend(open_selected(state));
            }
        }
    }
    effects
}

fn scroll_detail(state: &mut AppState, delta: isize) {
    if let Some(d) = state.detail.as_mut() {
        d.scroll = d.scroll.saturating_add_signed(delta);
    }
}

fn copy_link(state: &mut AppState) {
    let seq = state
        .detail
        .as_ref()
        .map(|d| d.seq)
        .or(state.queue.selected);
    let link = seq
        .and_then(|s| state.items.get(&s))
        .and_then(|i| i.remote.permalink.clone());
    match link {
        Some(l) => state.notify(Level::Info, crate::text::one_line(&l)),
        None => state.notify(Level::Warn, "this item has no link"),
    }
}

/// Starts a search when the current view needs hits it does not have.
pub fn search_if_needed(state: &mut AppState) -> Vec<Effect> {
    match state.queue.wanted_search() {
        Some(q) if !state.queue.hits_ready() => vec![Effect::Search(q)],
        _ => Vec::new(),
    }
}

/// Is `action` meaningful in `mode` (for the palette)?
pub fn allowed(action: Action, mode: Mode) -> bool {
    let modes = action.spec().modes;
    modes.contains(&mode) || modes.contains(&Mode::Global)
}

/// A clock tick: expire the notice; once a minute, let expired snoozes
/// come back.
pub fn tick(state: &mut AppState, now: chrono::DateTime<chrono::Utc>) -> bool {
    let minute_changed = now.timestamp() / 60 != state.now.timestamp() / 60;
    state.now = now;
    let mut dirty = false;
    if state.notice.as_ref().is_some_and(|n| n.until <= now) {
        state.notice = None;
        dirty = true;
    }
    if minute_changed {
        // Ages on screen move every minute; the views only when a snooze
        // ends (recounting every view scans every row).
        if state.queue.wake.is_some_and(|w| w <= now.timestamp()) {
            state.queue.recompute(now.timestamp());
            state.queue.recount(now.timestamp());
        }
        dirty = true;
    }
    dirty
}
