//! Shift mode on screen: the shift bar under the title (how long it has
//! run, handled, hidden, escalated, pending, new arrivals not looked at)
//! and the hand-over note overlay when the shift ends.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::{Ctx, centered, key_for};
use crate::action::{Action, Mode};
use crate::tui::state::{ShiftNote, ShiftState};

/// `1h05` or `12m`.
fn ran(secs: i64) -> String {
    let s = secs.max(0);
    if s >= 3_600 {
        format!("{}h{:02}", s / 3_600, (s % 3_600) / 60)
    } else {
        format!("{}m", s / 60)
    }
}

pub fn bar(frame: &mut Frame, area: Rect, ctx: &Ctx, shift: &ShiftState) {
    let state = ctx.state;
    let base = ctx.style("shift.bar");
    let count = base.patch(ctx.style("shift.count"));
    let t = &shift.tally;
    let mut spans = vec![Span::styled(
        format!(" shift {} ", ran((state.now - shift.started).num_seconds())),
        count,
    )];
    // Only the first screen is loaded at start: no count rather than a wrong one.
    let waiting = if state.queue.loading {
        "…".to_string()
    } else {
        shift.pending.to_string()
    };
    for (word, n) in [
        ("handled", t.handled.to_string()),
        ("hidden", t.hidden.to_string()),
        ("escalated", t.escalated.to_string()),
        ("pending", waiting),
    ] {
        spans.push(Span::styled(format!("· {word} "), base));
        spans.push(Span::styled(format!("{n} "), count));
    }
    let new = shift.unseen;
    if new > 0 {
        spans.push(Span::styled("· ", base));
        spans.push(Span::styled(
            format!("{new} new"),
            base.patch(ctx.style("queue.item.arrived")),
        ));
        spans.push(Span::styled(" ", base));
    }
    if shift.ending {
        spans.push(Span::styled("· writing the note… ", base));
    }
    // Key hints only where they fit: the counters matter more.
    let mode = state.base_mode();
    let mut used: usize = spans.iter().map(|s| s.width()).sum();
    for (action, word) in [
        (Action::QueueNextUnhandled, "next unhandled"),
        (Action::ShiftToggle, "end"),
    ] {
        let Some(key) = key_for(ctx, mode, action) else {
            continue;
        };
        let hint = [
            Span::styled(format!("· {key} "), base),
            Span::styled(format!("{word} "), base.patch(ctx.style("ui.text.dim"))),
        ];
        let width: usize = hint.iter().map(|s| s.width()).sum();
        if used + width > usize::from(area.width) {
            break;
        }
        used += width;
        spans.extend(hint);
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(base), area);
}

/// The hand-over note, scrollable (the help keys scroll it, esc closes).
pub fn note(frame: &mut Frame, area: Rect, ctx: &Ctx, note: &ShiftNote) {
    let lines: Vec<Line> = note
        .markdown
        .lines()
        .map(|l| {
            let scope = if l.starts_with('#') {
                "ui.title"
            } else if l.starts_with('|') {
                "ui.text.dim"
            } else {
                "ui.popup"
            };
            Line::styled(crate::text::one_line(l), ctx.style(scope))
        })
        .collect();
    let rect = centered(area, 96, area.height.saturating_sub(2));
    let scroll = u16::try_from(note.scroll.min(lines.len().saturating_sub(1))).unwrap_or(0);
    let help = key_for(ctx, Mode::Help, Action::HelpScrollDown).unwrap_or_default();
    let title = format!(" Shift hand-over · saved · {help} scrolls · esc closes ");
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .block(super::popups::frame_block(ctx, title.trim()))
            .wrap(ratatui::widgets::Wrap { trim: false })
            .scroll((scroll, 0)),
        rect,
    );
}
