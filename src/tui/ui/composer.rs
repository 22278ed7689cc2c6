//! The reply composer: the item and its thread on top (the detail view),
//! the draft in the middle with the network's counter and reply window in
//! its frame, and the brand-guideline findings below, the current one with
//! its text highlighted in the draft and in an excerpt, and its fix.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::Ctx;
use crate::replies::lint::{Finding, Level};
use crate::tui::state::Composer;

pub fn render(frame: &mut Frame, area: Rect, ctx: &Ctx, c: &Composer) {
    let findings_h = u16::try_from(c.findings.len().min(4) * 2 + 1)
        .unwrap_or(9)
        .clamp(2, (area.height / 3).max(2));
    let editor_h = (area.height / 3).clamp(4, 10);
    let [context, editor, findings] = Layout::vertical([
        Constraint::Min(4),
        Constraint::Length(editor_h),
        Constraint::Length(findings_h),
    ])
    .areas(area);
    if let Some(detail) = &ctx.state.detail {
        super::detail::render(frame, context, ctx, detail);
    }
    draw_editor(frame, editor, ctx, c);
    draw_findings(frame, findings, ctx, c);
}

fn draw_editor(frame: &mut Frame, area: Rect, ctx: &Ctx, c: &Composer) {
    let what = if c.private {
        "Private reply (DM)"
    } else {
        "Reply"
    };
    let network = c.network.to_string();
    let mut title = vec![Span::styled(
        format!(" {what} on {network} "),
        ctx.style("ui.title"),
    )];
    if let Some(t) = &c.template {
        title.push(Span::styled(format!("· {t} "), ctx.style("ui.text.dim")));
    }
    if c.override_errors {
        title.push(Span::styled("· override on ", ctx.style("lint.warning")));
    }
    let counter_style = if c.counted.fits() {
        ctx.style("compose.counter")
    } else {
        ctx.style("compose.counter.over")
    };
    let mut right = vec![Span::styled(
        format!(" {}/{} ", c.counted.used, c.counted.limit),
        counter_style,
    )];
    if let Some((closes, name)) = &c.closes {
        let left = *closes - ctx.state.now;
        let text = if left.num_seconds() <= 0 {
            format!("{name} closed ")
        } else {
            format!("{name}: {} left ", super::age(left.num_seconds()))
        };
        right.insert(0, Span::styled(text, ctx.style("compose.window")));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(ctx.style("ui.border.focused"))
        .title(Line::from(title))
        .title_top(Line::from(right).right_aligned());
    let mut editor = c.editor.clone();
    editor.set_block(block);
    editor.set_style(ctx.style("input.text"));
    editor.set_search_style(ctx.style("lint.span"));
    editor.set_cursor_style(ctx.style("ui.selection"));
    editor.set_placeholder_text("Write the reply… (ctrl-t: canned replies)");
    editor.set_placeholder_style(ctx.style("input.hint"));
    frame.render_widget(&editor, area);
}

fn level_style(ctx: &Ctx, level: Level) -> ratatui::style::Style {
    ctx.style(match level {
        Level::Error => "lint.error",
        Level::Warning => "lint.warning",
        Level::Info => "lint.info",
    })
}

fn level_word(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info => "info",
    }
}

fn draw_findings(frame: &mut Frame, area: Rect, ctx: &Ctx, c: &Composer) {
    let mut lines = Vec::new();
    if c.findings.is_empty() {
        lines.push(Line::styled(
            "✓ follows the brand guidelines",
            ctx.style("lint.fix"),
        ));
    }
    let text = c.text();
    let width = usize::from(area.width.saturating_sub(4)).max(10);
    // Show the focused finding and those after it, wrapping around.
    let n = c.findings.len();
    let order = (0..n).map(|i| (c.focus + i) % n);
    for (shown, i) in order.enumerate() {
        if lines.len() + 2 > usize::from(area.height) {
            let rest = n - shown;
            let key = super::key_for(
                ctx,
                crate::action::Mode::Compose,
                crate::action::Action::ComposeNextFinding,
            )
            .unwrap_or_else(|| "compose.next_finding".into());
            lines.push(Line::styled(
                format!("  … {rest} more · {key} goes through them"),
                ctx.style("ui.text.dim"),
            ));
            break;
        }
        let f = &c.findings[i];
        lines.push(finding_line(ctx, f, i == c.focus, n));
        lines.push(excerpt(ctx, f, &text, width));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn finding_line(ctx: &Ctx, f: &Finding, focused: bool, total: usize) -> Line<'static> {
    let marker = if focused { "▶ " } else { "  " };
    let mut spans = vec![
        Span::styled(marker, ctx.style("ui.hint.key")),
        Span::styled(
            format!("{}: ", level_word(f.level)),
            level_style(ctx, f.level),
        ),
        Span::styled(crate::text::one_line(&f.message), ctx.style("ui.text")),
        Span::styled(format!("  [{}]", f.rule), ctx.style("ui.text.dim")),
    ];
    if focused && total > 1 {
        spans.push(Span::styled(
            format!(" 1/{total}"),
            ctx.style("ui.text.dim"),
        ));
    }
    Line::from(spans)
}

/// The draft around the finding, its span highlighted, then its fix.
fn excerpt(ctx: &Ctx, f: &Finding, text: &str, width: usize) -> Line<'static> {
    let start = floor(text, f.span.start.min(text.len()));
    let end = floor(text, f.span.end.min(text.len())).max(start);
    let fix = f.fix.as_ref().map(|fix| {
        let key = super::key_for(
            ctx,
            crate::action::Mode::Compose,
            crate::action::Action::ComposeFix,
        )
        .unwrap_or_else(|| "compose.fix".into());
        format!("   {key}: {}", crate::text::one_line(&fix.label))
    });
    let fix_w = fix.as_deref().map_or(0, crate::text::width);
    let found_w = crate::text::width(&text[start..end]);
    let room = width.saturating_sub(fix_w + found_w + 4) / 2;
    let before = tail(&text[..start], room.min(30));
    let after = head(&text[end..], room.min(30));
    let span_text = if start == end {
        "‸".to_string()
    } else {
        flat(&text[start..end])
    };
    let mut spans = vec![
        Span::raw("    "),
        Span::styled(flat(before), ctx.style("ui.text.dim")),
        Span::styled(span_text, ctx.style("lint.span")),
        Span::styled(flat(after), ctx.style("ui.text.dim")),
    ];
    if let Some(fix) = fix {
        spans.push(Span::styled(fix, ctx.style("lint.fix")));
    }
    Line::from(spans)
}

/// Sanitized text on one line, spaces kept as they are (the excerpt must
/// show a missing or extra space exactly).
fn flat(s: &str) -> String {
    crate::text::sanitize(s, true)
        .chars()
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .collect()
}

fn floor(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn tail(s: &str, chars: usize) -> &str {
    let skip = s.chars().count().saturating_sub(chars);
    s.char_indices().nth(skip).map_or("", |(i, _)| &s[i..])
}

fn head(s: &str, chars: usize) -> &str {
    s.char_indices().nth(chars).map_or(s, |(i, _)| &s[..i])
}
