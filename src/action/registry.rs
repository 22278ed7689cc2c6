//! The action registry: one row per bindable operation, with its stable
//! dotted name, a one-line description and the modes where it means
//! something. Keymap validation, the help overlay, status-bar hints and the
//! command palette are all derived from this table.

use super::{Action, Mode};

pub struct ActionSpec {
    pub name: &'static str,
    pub action: Action,
    pub desc: &'static str,
    pub modes: &'static [Mode],
    /// Reachable from the `:` palette only; shipped keymaps need not bind it.
    pub palette_only: bool,
}

use Action as A;
use Mode as M;

const fn bindable(
    name: &'static str,
    action: Action,
    desc: &'static str,
    modes: &'static [Mode],
) -> ActionSpec {
    ActionSpec {
        name,
        action,
        desc,
        modes,
        palette_only: false,
    }
}

const fn palette(
    name: &'static str,
    action: Action,
    desc: &'static str,
    modes: &'static [Mode],
) -> ActionSpec {
    ActionSpec {
        name,
        action,
        desc,
        modes,
        palette_only: true,
    }
}

const LIST: &[Mode] = &[M::Queue, M::Detail];
const Q: &[Mode] = &[M::Queue];
const D: &[Mode] = &[M::Detail];
const G: &[Mode] = &[M::Global];
const C: &[Mode] = &[M::Compose];
const R: &[Mode] = &[M::Reports];

pub const ACTIONS: &[ActionSpec] = &[
    bindable("app.quit", A::AppQuit, "Quit guichet", G),
    bindable(
        "app.help",
        A::AppHelp,
        "Show every key for the current mode",
        G,
    ),
    bindable(
        "app.command_palette",
        A::AppPalette,
        "Run any action by name",
        G,
    ),
    bindable(
        "app.cancel",
        A::AppCancel,
        "Close the popup or cancel the prompt",
        G,
    ),
    bindable("sync.now", A::SyncNow, "Sync every account now", G),
    bindable("queue.next", A::QueueNext, "Select the next item", Q),
    bindable("queue.prev", A::QueuePrev, "Select the previous item", Q),
    bindable("queue.first", A::QueueFirst, "Jump to the first item", Q),
    bindable("queue.last", A::QueueLast, "Jump to the last item", Q),
    bindable(
        "queue.page_down",
        A::QueuePageDown,
        "Move one screen down",
        Q,
    ),
    bindable("queue.page_up", A::QueuePageUp, "Move one screen up", Q),
    bindable(
        "queue.open",
        A::QueueOpen,
        "Open the item with its thread and author",
        Q,
    ),
    bindable(
        "queue.toggle_mark",
        A::QueueToggleMark,
        "Mark or unmark the item for a bulk action",
        Q,
    ),
    bindable(
        "queue.visual",
        A::QueueVisual,
        "Start or end a visual range selection",
        Q,
    ),
    bindable(
        "queue.mark_all",
        A::QueueMarkAll,
        "Mark every item in the view",
        Q,
    ),
    bindable(
        "queue.clear_marks",
        A::QueueClearMarks,
        "Unmark everything",
        Q,
    ),
    bindable(
        "queue.search",
        A::QueueSearch,
        "Search text, authors and handles",
        Q,
    ),
    bindable(
        "queue.sort_next",
        A::QueueSortNext,
        "Cycle the sort order",
        Q,
    ),
    bindable("queue.view_next", A::QueueViewNext, "Next saved view", Q),
    bindable(
        "queue.view_prev",
        A::QueueViewPrev,
        "Previous saved view",
        Q,
    ),
    bindable(
        "queue.toggle_sidebar",
        A::QueueToggleSidebar,
        "Show or hide the views sidebar",
        Q,
    ),
    bindable("filter.network", A::FilterNetwork, "Filter by network", Q),
    bindable("filter.account", A::FilterAccount, "Filter by account", Q),
    bindable("filter.kind", A::FilterKind, "Filter by kind", Q),
    bindable("filter.status", A::FilterStatus, "Filter by status", Q),
    bindable("filter.tag", A::FilterTag, "Filter by tag", Q),
    bindable(
        "filter.assignee",
        A::FilterAssignee,
        "Filter by assignee",
        Q,
    ),
    bindable(
        "filter.clear",
        A::FilterClear,
        "Clear filters and search",
        Q,
    ),
    bindable(
        "item.done",
        A::ItemDone,
        "Mark done and go to the next item",
        LIST,
    ),
    bindable(
        "item.reopen",
        A::ItemReopen,
        "Reopen (back to the queue)",
        LIST,
    ),
    bindable(
        "item.toggle_read",
        A::ItemToggleRead,
        "Mark read or unread",
        LIST,
    ),
    bindable(
        "item.snooze_1h",
        A::ItemSnooze1h,
        "Snooze for one hour",
        LIST,
    ),
    bindable(
        "item.snooze_3h",
        A::ItemSnooze3h,
        "Snooze for three hours",
        LIST,
    ),
    bindable(
        "item.snooze_tomorrow",
        A::ItemSnoozeTomorrow,
        "Snooze until tomorrow 09:00",
        LIST,
    ),
    bindable(
        "item.snooze_next_week",
        A::ItemSnoozeNextWeek,
        "Snooze until Monday 09:00",
        LIST,
    ),
    bindable(
        "item.snooze_custom",
        A::ItemSnoozeCustom,
        "Snooze until a time you type",
        LIST,
    ),
    bindable(
        "item.priority_urgent",
        A::ItemPriorityUrgent,
        "Set priority: urgent",
        LIST,
    ),
    bindable(
        "item.priority_high",
        A::ItemPriorityHigh,
        "Set priority: high",
        LIST,
    ),
    bindable(
        "item.priority_normal",
        A::ItemPriorityNormal,
        "Set priority: normal",
        LIST,
    ),
    bindable(
        "item.priority_low",
        A::ItemPriorityLow,
        "Set priority: low",
        LIST,
    ),
    bindable("item.tag", A::ItemTag, "Add a tag", LIST),
    bindable("item.untag", A::ItemUntag, "Remove a tag", LIST),
    bindable("item.assign", A::ItemAssign, "Assign to a colleague", LIST),
    bindable("item.note", A::ItemNote, "Add an internal note", LIST),
    bindable(
        "item.reply",
        A::ItemReply,
        "Reply (queued in the outbox, then sent)",
        LIST,
    ),
    bindable(
        "item.private_reply",
        A::ItemPrivateReply,
        "Private reply: answer a comment in DM (Facebook, Instagram)",
        LIST,
    ),
    bindable(
        "item.like",
        A::ItemLike,
        "Like (or unlike) on the network",
        LIST,
    ),
    bindable(
        "item.hide",
        A::ItemHide,
        "Hide from the public (or unhide) on the network",
        LIST,
    ),
    bindable(
        "item.delete",
        A::ItemDelete,
        "Delete on the network (asks first)",
        LIST,
    ),
    bindable(
        "item.block",
        A::ItemBlock,
        "Block the author on the network (asks first)",
        LIST,
    ),
    bindable(
        "item.mute",
        A::ItemMute,
        "Mute the author on the network",
        LIST,
    ),
    bindable(
        "item.spam",
        A::ItemSpam,
        "Mark as spam on the network (asks first)",
        LIST,
    ),
    bindable(
        "item.report",
        A::ItemReport,
        "Report to the network's moderators",
        LIST,
    ),
    palette(
        "reply.retry",
        A::ReplyRetry,
        "Send a failed reply or action again",
        LIST,
    ),
    palette(
        "reply.edit",
        A::ReplyEdit,
        "Edit a reply that was not sent",
        LIST,
    ),
    palette(
        "reply.drop",
        A::ReplyDrop,
        "Drop a reply or action that was not sent",
        LIST,
    ),
    palette(
        "item.copy_link",
        A::ItemCopyLink,
        "Show the item's link in the status bar",
        LIST,
    ),
    bindable("detail.close", A::DetailClose, "Back to the queue", D),
    bindable(
        "detail.scroll_down",
        A::DetailScrollDown,
        "Scroll the thread down",
        D,
    ),
    bindable(
        "detail.scroll_up",
        A::DetailScrollUp,
        "Scroll the thread up",
        D,
    ),
    bindable(
        "detail.next_item",
        A::DetailNextItem,
        "Open the next item in the queue",
        D,
    ),
    bindable(
        "detail.prev_item",
        A::DetailPrevItem,
        "Open the previous item in the queue",
        D,
    ),
    bindable("picker.next", A::PickerNext, "Next choice", &[M::Picker]),
    bindable(
        "picker.prev",
        A::PickerPrev,
        "Previous choice",
        &[M::Picker],
    ),
    bindable(
        "picker.toggle",
        A::PickerToggle,
        "Add or remove the choice",
        &[M::Picker],
    ),
    bindable(
        "picker.accept",
        A::PickerAccept,
        "Apply the choices",
        &[M::Picker],
    ),
    bindable("input.submit", A::InputSubmit, "Confirm", &[M::Input]),
    bindable(
        "input.complete",
        A::InputComplete,
        "Complete from known values",
        &[M::Input],
    ),
    bindable(
        "input.delete_word",
        A::InputDeleteWord,
        "Delete the word before the cursor",
        &[M::Input, M::Palette, M::Picker],
    ),
    bindable(
        "input.clear",
        A::InputClear,
        "Clear the line",
        &[M::Input, M::Palette, M::Picker],
    ),
    bindable("palette.next", A::PaletteNext, "Next match", &[M::Palette]),
    bindable(
        "palette.prev",
        A::PalettePrev,
        "Previous match",
        &[M::Palette],
    ),
    bindable(
        "palette.accept",
        A::PaletteAccept,
        "Run the selected action",
        &[M::Palette],
    ),
    bindable(
        "help.scroll_down",
        A::HelpScrollDown,
        "Scroll down",
        &[M::Help],
    ),
    bindable("help.scroll_up", A::HelpScrollUp, "Scroll up", &[M::Help]),
    bindable(
        "queue.drafts",
        A::QueueDrafts,
        "List the replies being written (drafts)",
        LIST,
    ),
    bindable(
        "item.escalate",
        A::ItemEscalate,
        "Escalate: pick a tag, confirm who takes it, write an internal note",
        LIST,
    ),
    bindable(
        "item.approve",
        A::ItemApprove,
        "Approve what the rules propose on the item (or the marked items)",
        LIST,
    ),
    bindable(
        "item.dismiss",
        A::ItemDismiss,
        "Dismiss what the rules propose on the item (or the marked items)",
        LIST,
    ),
    bindable(
        "item.author",
        A::ItemAuthor,
        "Show the author: their items here and elsewhere, notes, tags",
        LIST,
    ),
    bindable(
        "author.note",
        A::AuthorNote,
        "Add a note on the author (kept for all their items)",
        LIST,
    ),
    bindable(
        "escalation.done",
        A::EscalationDone,
        "Record what the colleague did: a note, and back to the queue to answer",
        LIST,
    ),
    bindable(
        "shift.toggle",
        A::ShiftToggle,
        "Start a shift (live refresh, counters, new items lit), or end it with a hand-over note",
        LIST,
    ),
    bindable(
        "queue.next_unhandled",
        A::QueueNextUnhandled,
        "Jump to the next item nobody has answered yet",
        LIST,
    ),
    bindable(
        "queue.attention",
        A::QueueAttention,
        "List replies held or refused that need you",
        LIST,
    ),
    bindable(
        "view.reports",
        A::ViewReports,
        "Reports: volumes, response times, SLAs, for any period",
        LIST,
    ),
    bindable(
        "compose.send",
        A::ComposeSend,
        "Send: queue the reply in the outbox and go to the next item",
        C,
    ),
    bindable(
        "compose.send_done",
        A::ComposeSendDone,
        "Send and mark the item done",
        C,
    ),
    bindable(
        "compose.send_keep",
        A::ComposeSendKeep,
        "Send and keep the item open here",
        C,
    ),
    bindable(
        "compose.canned",
        A::ComposeCanned,
        "Pick a canned reply (fuzzy search, ranked for this item)",
        C,
    ),
    bindable(
        "compose.next_finding",
        A::ComposeNextFinding,
        "Go to the next brand-guideline finding",
        C,
    ),
    bindable(
        "compose.fix",
        A::ComposeFix,
        "Apply the suggested fix of the current finding",
        C,
    ),
    bindable(
        "compose.fill",
        A::ComposeFillNext,
        "Fill the next placeholder ([[…]])",
        C,
    ),
    bindable(
        "compose.override",
        A::ComposeOverride,
        "Allow sending despite guideline errors (recorded in the audit log)",
        C,
    ),
    bindable(
        "compose.editor",
        A::ComposeEditor,
        "Edit the draft in $EDITOR",
        C,
    ),
    bindable(
        "picker.send",
        A::PickerSend,
        "Canned replies: insert the reply and send it at once",
        &[M::Picker],
    ),
    bindable("reports.next", A::ReportsNext, "Select the next number", R),
    bindable(
        "reports.prev",
        A::ReportsPrev,
        "Select the previous number",
        R,
    ),
    bindable(
        "reports.open",
        A::ReportsOpen,
        "Open the items behind the number in the queue",
        R,
    ),
    bindable(
        "reports.next_period",
        A::ReportsNextPeriod,
        "Next period preset",
        R,
    ),
    bindable(
        "reports.prev_period",
        A::ReportsPrevPeriod,
        "Previous period preset",
        R,
    ),
    bindable(
        "reports.custom_period",
        A::ReportsCustomPeriod,
        "Type a period: FROM..TO dates or a preset name",
        R,
    ),
    bindable(
        "reports.earlier",
        A::ReportsEarlier,
        "The period before (a month for a month)",
        R,
    ),
    bindable(
        "reports.later",
        A::ReportsLater,
        "The period after (up to now)",
        R,
    ),
];

/// The spec of an action. Every variant has exactly one row (tested).
pub fn spec_of(action: Action) -> &'static ActionSpec {
    ACTIONS
        .iter()
        .find(|s| s.action == action)
        .unwrap_or(&ACTIONS[0])
}

#[cfg(test)]
mod tests;
