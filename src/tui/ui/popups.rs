//! Popups: help (generated from the registry and the active keymap), the
//! `:` palette, the filter picker, the text prompt and the which-key box
//! that lists what may follow a pending key.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::{Ctx, centered};
use crate::action::{ACTIONS, Mode};
use crate::text::{one_line, pad, truncate, width};
use crate::tui::state::{Palette, Picker, Prompt};

pub(super) fn frame_block<'a>(ctx: &Ctx, title: &str) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(ctx.style("ui.popup.border"))
        .style(ctx.style("ui.popup"))
        .title(Span::styled(
            format!(" {title} "),
            ctx.style("ui.popup.title"),
        ))
}

/// Every binding of the mode under the popups, then the global ones.
pub fn help(frame: &mut Frame, area: Rect, ctx: &Ctx, scroll: usize) {
    let base = ctx.state.base_mode();
    let mut lines = Vec::new();
    for mode in [base, Mode::Global] {
        lines.push(Line::styled(format!("{mode}"), ctx.style("ui.title")));
        // One line per action, in registry order, with all its keys.
        let mut rows: Vec<(usize, Vec<String>, String, &str)> = Vec::new();
        for (keys, actions) in ctx.keymap.bindings(mode) {
            let names: Vec<&str> = actions.iter().map(|a| a.name()).collect();
            let label = names.join(", ");
            let desc = actions.first().map_or("", |a| a.spec().desc);
            let order = actions
                .first()
                .and_then(|a| ACTIONS.iter().position(|s| s.action == *a))
                .unwrap_or(usize::MAX);
            match rows.iter_mut().find(|r| r.2 == label) {
                Some(row) => row.1.push(keys),
                None => rows.push((order, vec![keys], label, desc)),
            }
        }
        rows.sort_by_key(|r| r.0);
        for (_, keys, label, desc) in rows {
            lines.push(Line::from(vec![
                Span::styled(
                    format!("  {}", pad(&keys.join(", "), 16)),
                    ctx.style("ui.hint.key"),
                ),
                Span::styled(pad(&label, 26), ctx.style("ui.text")),
                Span::styled(desc.to_string(), ctx.style("ui.hint.desc")),
            ]));
        }
        lines.push(Line::default());
    }
    lines.push(Line::styled(
        "Every action, bound or not, is in the : palette.",
        ctx.style("ui.text.dim"),
    ));
    let rect = centered(area, 90, area.height.saturating_sub(4));
    let scroll = u16::try_from(scroll.min(lines.len().saturating_sub(1))).unwrap_or(0);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .block(frame_block(ctx, "Keys · esc closes"))
            .scroll((scroll, 0)),
        rect,
    );
}

pub fn palette(frame: &mut Frame, area: Rect, ctx: &Ctx, p: &Palette) {
    let rect = centered(area, 80, 16);
    let rect = Rect {
        y: area.y + 2,
        ..rect
    };
    let inner_h = usize::from(rect.height.saturating_sub(3));
    let mode = ctx.state.base_mode();
    let mut lines = vec![Line::from(vec![
        Span::styled(": ", ctx.style("input.prompt")),
        Span::styled(format!("{}▏", p.query.text), ctx.style("input.text")),
    ])];
    let start = p.cursor.saturating_sub(inner_h.saturating_sub(1));
    for (i, ix) in p.matches.iter().enumerate().skip(start).take(inner_h) {
        let Some(spec) = ACTIONS.get(*ix) else {
            continue;
        };
        let key = super::key_for(ctx, mode, spec.action).unwrap_or_default();
        let mut style = ctx.style("ui.text");
        if i == p.cursor {
            style = style.patch(ctx.style("ui.selection"));
        }
        lines.push(Line::from(vec![
            Span::styled(pad(spec.name, 26), style.patch(ctx.style("ui.match"))),
            Span::styled(
                pad(spec.desc, usize::from(rect.width).saturating_sub(42)),
                style,
            ),
            Span::styled(pad(&key, 12), style.patch(ctx.style("ui.hint.key"))),
        ]));
    }
    if p.matches.is_empty() {
        lines.push(Line::styled("no action matches", ctx.style("ui.text.dim")));
    }
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(frame_block(ctx, "Run an action")),
        rect,
    );
}

pub fn picker(frame: &mut Frame, area: Rect, ctx: &Ctx, p: &Picker) {
    let shown = p.shown();
    let h = u16::try_from(shown.len().min(14) + 4).unwrap_or(18);
    let rect = centered(area, 44, h);
    let inner_h = usize::from(rect.height.saturating_sub(3));
    let mut lines = vec![Line::from(vec![
        Span::styled("› ", ctx.style("input.prompt")),
        Span::styled(format!("{}▏", p.query.text), ctx.style("input.text")),
    ])];
    let start = p.cursor.saturating_sub(inner_h.saturating_sub(1));
    for (pos, i) in shown.iter().enumerate().skip(start).take(inner_h) {
        let c = &p.choices[*i];
        let mut style = if c.count == 0 {
            ctx.style("ui.text.dim")
        } else {
            ctx.style("ui.text")
        };
        if pos == p.cursor {
            style = style.patch(ctx.style("ui.selection"));
        }
        let check = if c.chosen { "[x] " } else { "[ ] " };
        let name_w = usize::from(rect.width).saturating_sub(14);
        lines.push(Line::styled(
            format!("{check}{}{:>6}", pad(&one_line(&c.value), name_w), c.count),
            style,
        ));
    }
    if shown.is_empty() {
        lines.push(Line::styled("nothing to choose", ctx.style("ui.text.dim")));
    }
    frame.render_widget(Clear, rect);
    let title = format!("Filter: {}", p.field.label());
    frame.render_widget(Paragraph::new(lines).block(frame_block(ctx, &title)), rect);
}

/// The prompt sits just above the status bar.
pub fn prompt(frame: &mut Frame, status: Rect, ctx: &Ctx, p: &Prompt) {
    let y = status.y.saturating_sub(3);
    let rect = Rect {
        x: status.x,
        y,
        width: status.width,
        height: 3,
    };
    let label = match &p.subject {
        Some(subject) => format!("{} {}", p.kind.label(), one_line(subject)),
        None => p.kind.label().to_string(),
    };
    let (before, after) = p
        .input
        .text
        .split_at(p.input.cursor.min(p.input.text.len()));
    let targets = match p.targets.len() {
        0 | 1 => String::new(),
        n => format!(" ({n} items)"),
    };
    let line = Line::from(vec![
        Span::styled(format!("{label}{targets}: "), ctx.style("input.prompt")),
        Span::styled(before.to_string(), ctx.style("input.text")),
        Span::styled("▏", ctx.style("ui.hint.key")),
        Span::styled(after.to_string(), ctx.style("input.text")),
    ]);
    let hint = match &p.error {
        Some(e) => Line::styled(one_line(e), ctx.style("notice.error")),
        None => {
            let matching: Vec<&str> = p
                .completions
                .iter()
                .filter(|c| {
                    c.to_lowercase()
                        .starts_with(&p.input.text.trim().to_lowercase())
                })
                .take(8)
                .map(String::as_str)
                .collect();
            let text = if matching.is_empty() {
                p.kind.hint().to_string()
            } else {
                matching.join("  ")
            };
            Line::styled(
                truncate(&one_line(&text), usize::from(rect.width)).into_owned(),
                ctx.style("input.hint"),
            )
        }
    };
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(ctx.style("ui.popup.border"))
        .style(ctx.style("ui.popup"));
    frame.render_widget(Paragraph::new(vec![line, hint]).block(block), rect);
}

/// Continuations of the pending key sequence.
pub fn which_key(frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let next = &ctx.state.which_key;
    let key_w = next.iter().map(|(k, _)| width(k)).max().unwrap_or(1);
    let desc_w = next
        .iter()
        .map(|(_, d)| width(d))
        .max()
        .unwrap_or(10)
        .min(40);
    let w = u16::try_from(key_w + desc_w + 5)
        .unwrap_or(60)
        .min(area.width);
    let h = u16::try_from(next.len() + 2)
        .unwrap_or(20)
        .min(area.height.saturating_sub(2));
    let rect = Rect {
        x: area.right().saturating_sub(w + 1),
        y: area.bottom().saturating_sub(h + 1),
        width: w,
        height: h,
    };
    let lines: Vec<Line> = next
        .iter()
        .map(|(k, d)| {
            Line::from(vec![
                Span::styled(format!(" {} ", pad(k, key_w)), ctx.style("which_key.key")),
                Span::styled(pad(d, desc_w), ctx.style("which_key.desc")),
            ])
        })
        .collect();
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(frame_block(ctx, &ctx.state.pending)),
        rect,
    );
}
