//! The title bar (view, counts, filter, sort, marks) and the status bar
//! (mode, key hints read from the keymap, the latest notice, pending keys).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Ctx, key_for};
use crate::action::{Action, Mode};
use crate::sync::engine::SyncState;
use crate::tui::state::Level;

pub fn render_title(frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let q = &ctx.state.queue;
    let bar = ctx.style("ui.statusbar");
    let mut spans = vec![
        Span::styled(" guichet ", ctx.style("ui.statusbar.mode")),
        Span::styled(
            format!(" {} ", q.view().name),
            bar.patch(ctx.style("ui.title")),
        ),
        Span::styled(format!("{} items ", q.visible.len()), bar),
    ];
    let refine = q.refine.describe();
    if !refine.is_empty() {
        spans.push(Span::styled(
            format!("· {} ", crate::text::one_line(&refine)),
            bar.patch(ctx.style("ui.hint.key")),
        ));
    }
    spans.push(Span::styled(format!("· {} first ", q.sort), bar));
    let marked = q.marked_count();
    if !q.marks.is_empty() || q.visual.is_some() {
        spans.push(Span::styled(
            format!("· {marked} marked "),
            bar.patch(ctx.style("queue.item.marked")),
        ));
    }
    if q.loading {
        spans.push(Span::styled(
            "· loading… ",
            bar.patch(ctx.style("ui.text.dim")),
        ));
    }
    let accounts = &ctx.state.accounts;
    if accounts.iter().any(|(_, st)| *st == SyncState::Syncing) {
        spans.push(Span::styled(
            "· syncing… ",
            bar.patch(ctx.style("ui.text.dim")),
        ));
    }
    // The most serious problem first: a refused login needs the user.
    let severity = |st: &SyncState| match st {
        SyncState::AuthFailed(_) => 3,
        SyncState::Failed(_) => 2,
        SyncState::RateLimited { .. } => 1,
        _ => 0,
    };
    let worst = accounts
        .iter()
        .filter(|(_, st)| severity(st) > 0)
        .max_by_key(|(_, st)| severity(st));
    if let Some((label, st)) = worst {
        let (word, scope) = super::sidebar::describe(st, ctx.state.now);
        spans.push(Span::styled(
            format!("· {label}: {word} "),
            bar.patch(ctx.style(scope)),
        ));
    }
    if !q.hits_ready() {
        spans.push(Span::styled(
            "· searching… ",
            bar.patch(ctx.style("ui.text.dim")),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(bar), area);
}

/// The actions worth a hint in each mode, most useful first.
fn hints(mode: Mode) -> &'static [Action] {
    use Action as A;
    match mode {
        Mode::Queue => &[
            A::QueueOpen,
            A::ItemDone,
            A::ItemSnoozeTomorrow,
            A::ItemTag,
            A::QueueToggleMark,
            A::QueueSearch,
            A::FilterNetwork,
            A::QueueViewNext,
            A::AppPalette,
            A::AppHelp,
            A::AppQuit,
        ],
        Mode::Detail => &[
            A::DetailClose,
            A::DetailNextItem,
            A::ItemDone,
            A::ItemSnoozeTomorrow,
            A::ItemTag,
            A::ItemAssign,
            A::ItemNote,
            A::AppHelp,
        ],
        Mode::Picker => &[A::PickerToggle, A::PickerAccept, A::AppCancel],
        Mode::Input => &[A::InputSubmit, A::InputComplete, A::AppCancel],
        Mode::Palette => &[A::PaletteAccept, A::PaletteNext, A::AppCancel],
        Mode::Compose => &[
            A::ComposeSend,
            A::ComposeSendDone,
            A::ComposeCanned,
            A::ComposeFix,
            A::ComposeNextFinding,
            A::ComposeFillNext,
            A::AppCancel,
        ],
        Mode::Help | Mode::Global => &[A::HelpScrollDown, A::AppCancel],
        Mode::Reports => &[
            A::ReportsOpen,
            A::ReportsEarlier,
            A::ReportsLater,
            A::ReportsNextPeriod,
            A::ReportsCustomPeriod,
            A::AppCancel,
        ],
    }
}

/// Short words for a hint: the last part of the action's name.
fn short(action: Action) -> String {
    let name = action.name();
    name.rsplit_once('.')
        .map_or(name, |(_, s)| s)
        .replace('_', " ")
}

pub fn render(frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let state = ctx.state;
    let bar = ctx.style("ui.statusbar");
    let mode = state.mode();
    let label = if state.queue.visual.is_some() && mode == Mode::Queue {
        "VISUAL"
    } else {
        mode_label(mode)
    };
    let mut spans = vec![
        Span::styled(format!(" {label} "), ctx.style("ui.statusbar.mode")),
        Span::styled(" ", bar),
    ];
    if let Some(n) = &state.notice {
        let scope = match n.level {
            Level::Info => "notice.info",
            Level::Warn => "notice.warn",
            Level::Error => "notice.error",
        };
        spans.push(Span::styled(
            crate::text::one_line(&n.text),
            bar.patch(ctx.style(scope)),
        ));
    } else if !state.pending.is_empty() {
        spans.push(Span::styled(
            format!("{} …", state.pending),
            bar.patch(ctx.style("ui.hint.key")),
        ));
    } else {
        let mut used = 0usize;
        let room = usize::from(area.width).saturating_sub(12);
        let canned = matches!(
            state.overlays.last(),
            Some(
                crate::tui::state::Overlay::Canned(_)
                    | crate::tui::state::Overlay::Drafts(_)
                    | crate::tui::state::Overlay::Attention(_)
            )
        );
        let shown = if canned {
            &[
                Action::PickerAccept,
                Action::PickerSend,
                Action::PickerNext,
                Action::AppCancel,
            ][..]
        } else {
            hints(mode)
        };
        for action in shown {
            let Some(key) = key_for(ctx, mode, *action) else {
                continue;
            };
            let word = short(*action);
            let w = crate::text::width(&key) + word.len() + 3;
            if used + w > room {
                break;
            }
            used += w;
            spans.push(Span::styled(key, bar.patch(ctx.style("ui.hint.key"))));
            spans.push(Span::styled(
                format!(" {word}  "),
                bar.patch(ctx.style("ui.hint.desc")),
            ));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(bar), area);
}

fn mode_label(mode: Mode) -> &'static str {
    match mode {
        Mode::Queue | Mode::Global => "QUEUE",
        Mode::Detail => "ITEM",
        Mode::Picker => "PICK",
        Mode::Compose => "REPLY",
        Mode::Input => "INPUT",
        Mode::Palette => "COMMAND",
        Mode::Help => "HELP",
        Mode::Reports => "REPORTS",
    }
}
