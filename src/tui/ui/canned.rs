//! Popups of the reply flow: the canned-reply picker (ranked list with the
//! matched letters highlighted, scope and language, and a live preview
//! rendered for the item) and the drafts view.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::{Ctx, centered};
use crate::text::{one_line, pad};
use crate::tui::state::{AttentionList, CannedPicker, DraftList};
use crate::tui::update_canned::visible;

fn block<'a>(ctx: &Ctx, title: &'a str) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(ctx.style("ui.popup.border"))
        .title(Span::styled(title, ctx.style("ui.popup.title")))
        .style(ctx.style("ui.popup"))
}

fn query_line(ctx: &Ctx, query: &str) -> Line<'static> {
    Line::from(vec![
        Span::styled("› ", ctx.style("input.prompt")),
        Span::styled(format!("{query}▏"), ctx.style("input.text")),
    ])
}

pub fn picker(frame: &mut Frame, area: Rect, ctx: &Ctx, p: &CannedPicker) {
    let rect = centered(area, 100, 24);
    frame.render_widget(Clear, rect);
    let [list, preview] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(rect);
    let inner_h = usize::from(list.height.saturating_sub(3));
    let name_w = usize::from(list.width.saturating_sub(16));
    let mut lines = vec![query_line(ctx, &p.query.text)];
    let start = p.cursor.saturating_sub(inner_h.saturating_sub(1));
    for (pos, m) in p.matches.iter().enumerate().skip(start).take(inner_h) {
        let base = if pos == p.cursor {
            ctx.style("ui.text").patch(ctx.style("ui.selection"))
        } else {
            ctx.style("ui.text")
        };
        let title = pad(&one_line(&m.title), name_w);
        let mut spans: Vec<Span> = title
            .chars()
            .enumerate()
            .map(|(i, ch)| {
                let hit = u32::try_from(i).is_ok_and(|i| m.indices.contains(&i));
                let style = if hit {
                    base.patch(ctx.style("ui.match"))
                } else {
                    base
                };
                Span::styled(ch.to_string(), style)
            })
            .collect();
        spans.push(Span::styled(
            format!(" {:<2} {:<7}", m.lang, m.scope),
            base.patch(ctx.style("ui.text.dim")),
        ));
        lines.push(Line::from(spans));
    }
    if p.matches.is_empty() {
        lines.push(Line::styled(
            "no canned reply matches",
            ctx.style("ui.text.dim"),
        ));
    }
    let title = if p.wave.is_empty() {
        format!(" Canned replies ({}) ", p.matches.len())
    } else {
        format!(" One reply to {} items, worded differently ", p.wave.len())
    };
    frame.render_widget(Paragraph::new(lines).block(block(ctx, &title)), list);
    let body = match &p.preview {
        Ok(text) => Paragraph::new(
            text.lines()
                .map(|l| {
                    Line::styled(
                        crate::text::sanitize(l, false).into_owned(),
                        ctx.style("ui.text"),
                    )
                })
                .collect::<Vec<_>>(),
        ),
        Err(e) if e.is_empty() => Paragraph::new(""),
        Err(e) => Paragraph::new(Line::styled(one_line(e), ctx.style("lint.error"))),
    };
    let hint = if p.wave.is_empty() {
        preview_hint(ctx)
    } else {
        Line::styled(
            " enter queues it for every marked item ",
            ctx.style("ui.hint.desc"),
        )
    };
    frame.render_widget(
        body.wrap(Wrap { trim: false })
            .block(block(ctx, " Preview for this item ").title_bottom(hint)),
        preview,
    );
}

fn preview_hint(ctx: &Ctx) -> Line<'static> {
    use crate::action::{Action, Mode};
    let key = |a| super::key_for(ctx, Mode::Picker, a).unwrap_or_default();
    Line::from(vec![
        Span::styled(key(Action::PickerAccept), ctx.style("ui.hint.key")),
        Span::styled(" insert  ", ctx.style("ui.hint.desc")),
        Span::styled(key(Action::PickerSend), ctx.style("ui.hint.key")),
        Span::styled(" insert and send ", ctx.style("ui.hint.desc")),
    ])
}

pub fn drafts(frame: &mut Frame, area: Rect, ctx: &Ctx, d: &DraftList) {
    let shown = visible(d);
    let h = u16::try_from(shown.len().min(16) + 3).unwrap_or(19);
    let rect = centered(area, 90, h);
    frame.render_widget(Clear, rect);
    let inner_h = usize::from(rect.height.saturating_sub(3));
    let width = usize::from(rect.width.saturating_sub(8));
    let mut lines = vec![query_line(ctx, &d.query.text)];
    let start = d.cursor.saturating_sub(inner_h.saturating_sub(1));
    for (pos, e) in shown.iter().enumerate().skip(start).take(inner_h) {
        let mut style = ctx.style("ui.text");
        if pos == d.cursor {
            style = style.patch(ctx.style("ui.selection"));
        }
        let age = super::age((ctx.state.now - e.updated).num_seconds());
        lines.push(Line::styled(
            format!("{} {age:>4}", pad(&one_line(&e.label), width)),
            style,
        ));
    }
    let title = format!(" Drafts ({}) · enter opens ", shown.len());
    frame.render_widget(Paragraph::new(lines).block(block(ctx, &title)), rect);
}

pub fn attention(frame: &mut Frame, area: Rect, ctx: &Ctx, list: &AttentionList) {
    let h = u16::try_from(list.entries.len().min(16) + 2).unwrap_or(18);
    let rect = centered(area, 100, h);
    frame.render_widget(Clear, rect);
    let inner_h = usize::from(rect.height.saturating_sub(2));
    let width = usize::from(rect.width.saturating_sub(8));
    let start = list.cursor.saturating_sub(inner_h.saturating_sub(1));
    let lines: Vec<Line> = list
        .entries
        .iter()
        .enumerate()
        .skip(start)
        .take(inner_h)
        .map(|(pos, e)| {
            let mut style = ctx.style("ui.text");
            if pos == list.cursor {
                style = style.patch(ctx.style("ui.selection"));
            }
            let age = super::age((ctx.state.now - e.at).num_seconds());
            Line::styled(
                format!("{} {age:>4}", pad(&one_line(&e.label), width)),
                style,
            )
        })
        .collect();
    let title = format!(
        " Needs attention ({}) · enter opens the item ",
        list.entries.len()
    );
    frame.render_widget(Paragraph::new(lines).block(block(ctx, &title)), rect);
}
