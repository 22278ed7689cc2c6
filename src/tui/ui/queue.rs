//! The queue: one line per item with its network badge, kind, author,
//! snippet, tags, priority, status and age. Columns drop out on narrow
//! terminals, widest-first, so the snippet always keeps some room.

use crate::store::glance::Glance;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Ctx, age, cell};
use crate::model::Priority;
use crate::outbox::SendState;
use crate::store::Row;

/// Which optional columns fit.
struct Columns {
    kind: bool,
    tags: usize,
    status: bool,
    author: usize,
}

fn columns(width: u16) -> Columns {
    match width {
        0..60 => Columns {
            kind: false,
            tags: 0,
            status: false,
            author: 10,
        },
        60..90 => Columns {
            kind: true,
            tags: 0,
            status: true,
            author: 12,
        },
        90..120 => Columns {
            kind: true,
            tags: 14,
            status: true,
            author: 14,
        },
        _ => Columns {
            kind: true,
            tags: 20,
            status: true,
            author: 18,
        },
    }
}

pub fn render(frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let q = &ctx.state.queue;
    let cols = columns(area.width);
    let mut lines = vec![header(area.width, &cols, ctx)];
    if q.visible.is_empty() {
        lines.push(Line::default());
        lines.push(Line::styled(empty_message(ctx), ctx.style("ui.text.dim")).centered());
    }
    let end = (q.offset + q.height).min(q.visible.len());
    let visual = q.visual_range();
    for cursor in q.offset..end {
        let Some(row) = q
            .visible
            .get(cursor)
            .and_then(|i| q.set.rows.get(*i as usize))
        else {
            continue;
        };
        let marked =
            q.marks.contains(&row.seq) || visual.as_ref().is_some_and(|r| r.contains(&cursor));
        lines.push(row_line(ctx, row, (cursor, marked), area.width, &cols));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn empty_message(ctx: &Ctx) -> String {
    let q = &ctx.state.queue;
    if !q.hits_ready() {
        "searching…".to_string()
    } else if q.loading {
        "loading…".to_string()
    } else if q.set.rows.is_empty() {
        "The store is empty. `guichet demo` opens a sample inbox.".to_string()
    } else if q.refine.is_empty() {
        format!("Nothing in “{}”. Inbox zero ✓", q.view().name)
    } else {
        format!(
            "Nothing matches {} · esc clears the filter",
            q.refine.describe()
        )
    }
}

fn header(width: u16, cols: &Columns, ctx: &Ctx) -> Line<'static> {
    let style = ctx.style("queue.header");
    let mut spans = vec![Span::styled("   net ", style)];
    if cols.kind {
        spans.push(cell("kind", 8, style));
    }
    spans.push(cell("author", cols.author + 1, style));
    let fixed = fixed_width(cols);
    spans.push(cell(
        "message",
        usize::from(width).saturating_sub(fixed),
        style,
    ));
    if cols.tags > 0 {
        spans.push(cell("tags", cols.tags + 1, style));
    }
    spans.push(cell("!", 2, style));
    if cols.status {
        spans.push(cell("status", 10, style));
    }
    spans.push(cell(" age", 5, style));
    Line::from(spans)
}

/// Columns other than the snippet.
fn fixed_width(cols: &Columns) -> usize {
    7 + usize::from(cols.kind) * 8
        + cols.author
        + 1
        + if cols.tags > 0 { cols.tags + 1 } else { 0 }
        + 2
        + usize::from(cols.status) * 10
        + 5
}

fn row_line(
    ctx: &Ctx,
    row: &Row,
    (cursor, marked): (usize, bool),
    width: u16,
    cols: &Columns,
) -> Line<'static> {
    let state = ctx.state;
    let q = &state.queue;
    let now = state.now_ts();
    let selected = cursor == q.cursor;
    let mut base = ctx.style("queue.item");
    if !row.read {
        base = base.patch(ctx.style("queue.item.unread"));
        // Arrived during the shift and not looked at yet.
        if state.shift.as_ref().is_some_and(|s| s.arrived(row.seq)) {
            base = base.patch(ctx.style("queue.item.arrived"));
        }
    }
    if marked {
        base = base.patch(ctx.style("queue.item.marked"));
    }
    if selected {
        base = base.patch(ctx.style("ui.selection"));
    }
    let on = |scope: &str| base.patch(ctx.style(scope));
    // The line's glance, or the whole item when one is at hand.
    let from_item = if state.glances.contains_key(&row.seq) {
        None
    } else {
        state.items.get(&row.seq).map(Glance::of)
    };
    let glance = state.glances.get(&row.seq).or(from_item.as_ref());
    let mark = match (marked, !row.read) {
        (true, _) => "◆",
        _ if row.overdue(now) => "↩",
        _ if row.proposed => "⚑",
        (false, true) => "●",
        _ => " ",
    };
    let mut spans = vec![
        Span::styled(format!("{mark} "), base),
        Span::styled(
            format!("{} ", row.network.badge()),
            on(&format!("network.{}", row.network.as_str())),
        ),
        Span::styled("  ", base),
    ];
    if cols.kind {
        spans.push(cell(row.kind.as_str(), 8, on("queue.kind")));
    }
    let author = glance.map_or("…", |g| g.handle.as_str());
    spans.push(cell(author, cols.author + 1, on("queue.author")));
    let snippet = glance.map_or(String::new(), |g| crate::text::one_line(&g.text));
    let snippet_w = usize::from(width).saturating_sub(fixed_width(cols));
    spans.push(cell(&snippet, snippet_w, on("queue.snippet")));
    if cols.tags > 0 {
        spans.extend(tag_spans(ctx, row, cols.tags + 1, &on));
    }
    spans.push(priority(row.priority, &on));
    if cols.status {
        let status = row.effective_status(now);
        let entries = glance.and_then(|g| state.outbox.get(g.id.as_str()));
        // A hand-off waiting to go leaves the SLA timer in view; a refused
        // one says so.
        let outbox = entries.and_then(|list| {
            list.iter().rev().find(|e| {
                !matches!(e.action, crate::outbox::OutAction::Handoff(_))
                    || matches!(e.state, SendState::Failed { retry: false, .. })
            })
        });
        let handoff = |e: &crate::outbox::OutboxEntry| {
            matches!(e.action, crate::outbox::OutAction::Handoff(_))
        };
        let (word, scope) = match outbox.map(|e| (&e.state, handoff(e))) {
            Some((SendState::Failed { .. }, true)) => {
                ("handoff ✗".to_string(), "notice.error".to_string())
            }
            Some((SendState::Pending | SendState::Sending { .. }, _)) => {
                ("sending".to_string(), "notice.warn".to_string())
            }
            Some((SendState::Failed { .. }, _)) => {
                ("send fail".to_string(), "notice.error".to_string())
            }
            _ => match row.due() {
                Some(due) => due_cell(due - now),
                None => (
                    status.as_str().to_string(),
                    format!("status.{}", status.as_str()),
                ),
            },
        };
        spans.push(cell(&word, 10, on(&scope)));
    }
    let secs = now - row.created;
    let age_scope = if secs > 86_400 && row.effective_status(now).is_unanswered() {
        "queue.age.old"
    } else {
        "queue.age"
    };
    spans.push(Span::styled(format!("{:>4} ", age(secs)), on(age_scope)));
    Line::from(spans)
}

/// The row's tags in `width` columns, each in its tag's colour: the
/// `style` of `tags.toml`, else the theme's `queue.tag.NAME` (falling back
/// to `queue.tag`).
fn tag_spans(ctx: &Ctx, row: &Row, width: usize, on: &dyn Fn(&str) -> Style) -> Vec<Span<'static>> {
    let names = &ctx.state.queue.set.names;
    let room = width.saturating_sub(1);
    let mut used = 0;
    let mut out = Vec::new();
    for (i, t) in names.tag_set(row.tags).iter().enumerate() {
        let name = crate::text::one_line(names.tag_name(*t));
        let sep = if i == 0 { "" } else { " " };
        let text = format!("{sep}#{name}");
        let w = crate::text::width(&text);
        if used + w > room {
            let left = room.saturating_sub(used);
            if left > 0 {
                let cut = crate::text::truncate(&text, left).into_owned();
                used += crate::text::width(&cut);
                out.push(Span::styled(cut, on("queue.tag")));
            }
            break;
        }
        let scope = ctx
            .state
            .tags
            .tags
            .get(name.as_str())
            .and_then(|d| d.style.clone())
            .unwrap_or_else(|| format!("queue.tag.{name}"));
        out.push(Span::styled(text, on(&scope)));
        used += w;
    }
    out.push(Span::styled(
        " ".repeat(width.saturating_sub(used)),
        on("queue.tag"),
    ));
    out
}

/// An escalation's timer: `late 2h` once breached, `due 40m` in its last
/// hour, `due 3h` before.
fn due_cell(left: i64) -> (String, String) {
    if left <= 0 {
        (format!("late {}", age(-left)), "notice.error".to_string())
    } else if left < 3600 {
        (format!("due {}", age(left)), "ui.warning".to_string())
    } else {
        (format!("due {}", age(left)), "status.escalated".to_string())
    }
}

fn priority(p: Priority, on: &dyn Fn(&str) -> Style) -> Span<'static> {
    let mark = match p {
        Priority::Urgent => "!!",
        Priority::High => "! ",
        Priority::Normal => "  ",
        Priority::Low => "↓ ",
    };
    Span::styled(mark, on(&format!("priority.{}", p.as_str())))
}
