//! Every operation a user can bind to a key, as a named [`Action`].
//!
//! The registry in [`registry`] is the single source of truth: keymap files
//! are parsed against it, the help overlay and status-bar hints read it, and
//! the `:` palette searches it. To add an operation: add a variant here, one
//! row in `registry::ACTIONS`, a binding in `keymaps/default.toml` (or mark it
//! palette-only there), then handle it in `tui::update`.
//!
//! Internal events (ticks, resizes, typed characters, store results) are not
//! actions and cannot be bound; they live in `tui::event`.

pub mod registry;

use std::fmt;

pub use registry::{ACTIONS, ActionSpec};

/// A keymap layer. `Global` is consulted after the active mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    Global,
    Queue,
    Detail,
    Picker,
    Input,
    Palette,
    Help,
    /// The reply composer: unbound keys edit the draft.
    Compose,
    /// The reports screen: its numbers and periods.
    Reports,
}

impl Mode {
    pub const ALL: [Mode; 9] = [
        Mode::Global,
        Mode::Queue,
        Mode::Detail,
        Mode::Picker,
        Mode::Input,
        Mode::Palette,
        Mode::Help,
        Mode::Compose,
        Mode::Reports,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Global => "global",
            Mode::Queue => "queue",
            Mode::Detail => "detail",
            Mode::Picker => "picker",
            Mode::Input => "input",
            Mode::Palette => "palette",
            Mode::Help => "help",
            Mode::Compose => "compose",
            Mode::Reports => "reports",
        }
    }

    pub fn from_name(name: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.as_str() == name)
    }

    /// Modes where an unbound printable key is typed as text.
    pub fn takes_text(self) -> bool {
        matches!(
            self,
            Mode::Input | Mode::Palette | Mode::Picker | Mode::Compose
        )
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every bindable operation. Names live in the registry, not here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::EnumIter)]
pub enum Action {
    AppQuit,
    AppHelp,
    AppPalette,
    AppCancel,
    SyncNow,

    QueueNext,
    QueuePrev,
    QueueFirst,
    QueueLast,
    QueuePageDown,
    QueuePageUp,
    QueueOpen,
    QueueToggleMark,
    QueueVisual,
    QueueMarkAll,
    QueueClearMarks,
    QueueSearch,
    QueueSortNext,
    QueueViewNext,
    QueueViewPrev,
    QueueToggleSidebar,

    FilterNetwork,
    FilterAccount,
    FilterKind,
    FilterStatus,
    FilterTag,
    FilterAssignee,
    FilterClear,

    ItemDone,
    ItemReopen,
    ItemToggleRead,
    ItemSnooze1h,
    ItemSnooze3h,
    ItemSnoozeTomorrow,
    ItemSnoozeNextWeek,
    ItemSnoozeCustom,
    ItemPriorityUrgent,
    ItemPriorityHigh,
    ItemPriorityNormal,
    ItemPriorityLow,
    ItemTag,
    ItemUntag,
    ItemAssign,
    ItemNote,
    ItemCopyLink,
    ItemReply,
    ItemPrivateReply,
    ItemLike,
    ItemHide,
    ItemDelete,
    ItemBlock,
    ItemMute,
    ItemSpam,
    ItemReport,
    ReplyRetry,
    ReplyEdit,
    ReplyDrop,
    QueueDrafts,
    QueueAttention,
    ViewReports,
    ItemEscalate,
    ItemAuthor,
    ItemApprove,
    ItemDismiss,
    AuthorNote,
    EscalationDone,
    ShiftToggle,
    QueueNextUnhandled,

    ComposeSend,
    ComposeSendDone,
    ComposeSendKeep,
    ComposeCanned,
    ComposeNextFinding,
    ComposeFix,
    ComposeFillNext,
    ComposeOverride,
    ComposeEditor,
    PickerSend,

    DetailClose,
    DetailScrollDown,
    DetailScrollUp,
    DetailNextItem,
    DetailPrevItem,

    PickerNext,
    PickerPrev,
    PickerToggle,
    PickerAccept,

    InputSubmit,
    InputComplete,
    InputDeleteWord,
    InputClear,

    PaletteNext,
    PalettePrev,
    PaletteAccept,

    HelpScrollDown,
    HelpScrollUp,

    ReportsNext,
    ReportsPrev,
    ReportsOpen,
    ReportsNextPeriod,
    ReportsPrevPeriod,
    ReportsCustomPeriod,
    ReportsEarlier,
    ReportsLater,
}

impl Action {
    pub fn spec(self) -> &'static ActionSpec {
        registry::spec_of(self)
    }

    /// Moves the selection and reads nothing of the item: the app does not
    /// load the selected item for it (see `App::load_in_hand`).
    pub fn only_moves(self) -> bool {
        matches!(
            self,
            Action::QueueNext
                | Action::QueuePrev
                | Action::QueueFirst
                | Action::QueueLast
                | Action::QueuePageDown
                | Action::QueuePageUp
        )
    }

    pub fn name(self) -> &'static str {
        self.spec().name
    }

    pub fn from_name(name: &str) -> Option<Action> {
        ACTIONS.iter().find(|s| s.name == name).map(|s| s.action)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
