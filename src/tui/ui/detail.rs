//! The open item with its context: a header (who, where, when, state),
//! the brand post it hangs under, the thread around it, internal notes and
//! tag history, and the author's other items. All text is sanitized and
//! wrapped by display width.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::{Ctx, age};
use crate::model::Item;
use crate::outbox::SendState;
use crate::text::{one_line, wrap};
use crate::tui::state::Detail;

/// Longest body drawn; anything beyond is counted, not wrapped each frame.
const MAX_BODY_CHARS: usize = 20_000;
/// Longest context text (post, thread entries) drawn.
const MAX_CONTEXT_CHARS: usize = 2_000;

pub fn render(frame: &mut Frame, area: Rect, ctx: &Ctx, detail: &Detail) {
    let width = usize::from(area.width.saturating_sub(2)).max(10);
    let lines = match (&detail.item, &detail.author) {
        (_, Some(panel)) if detail.show_author => super::author::lines(ctx, panel, width),
        (_, None) if detail.show_author => {
            vec![Line::styled(
                "loading the author…",
                ctx.style("ui.text.dim"),
            )]
        }
        (Some(item), _) => lines(ctx, detail, item, width),
        (None, _) => vec![Line::styled("loading…", ctx.style("ui.text.dim"))],
    };
    let max_scroll = lines
        .len()
        .saturating_sub(usize::from(area.height.saturating_sub(2)));
    let scroll = u16::try_from(detail.scroll.min(max_scroll)).unwrap_or(u16::MAX);
    let block = Block::default().padding(ratatui::widgets::Padding::horizontal(1));
    frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), area);
}

/// The tag's SLA timers, counted from when it was applied: due, close to
/// due (the last quarter of the time), or breached; a met one says so.
fn sla_lines(
    ctx: &Ctx,
    def: &crate::triage::tags::TagDef,
    at: DateTime<Utc>,
    status: &crate::model::Status,
) -> Vec<Line<'static>> {
    use crate::model::Status;
    let answered = matches!(status, Status::Answered | Status::Done);
    let timers = [
        ("first answer", def.first_response, answered),
        ("resolution", def.resolution, matches!(status, Status::Done)),
    ];
    let now = ctx.state.now;
    timers
        .into_iter()
        .filter_map(|(what, sla, met)| {
            let sla = sla?;
            let due = at + sla;
            let (text, scope) = if met {
                (format!("    {what}: met"), "detail.meta")
            } else if now > due {
                let late = super::age((now - due).num_seconds());
                (
                    format!("    {what}: breached {late} ago (due {})", when(ctx, due)),
                    "notice.error",
                )
            } else {
                let left = due - now;
                let scope = if left * 4 < sla {
                    "ui.warning"
                } else {
                    "detail.meta"
                };
                let left = super::age(left.num_seconds());
                (
                    format!("    {what} due {} (in {left})", when(ctx, due)),
                    scope,
                )
            };
            Some(Line::styled(text, ctx.style(scope)))
        })
        .collect()
}

/// `⇢ waiting on marie (refund) since Tue 10:02 · due Tue 14:02 (in 3h)`.
fn escalation_line(ctx: &Ctx, esc: &crate::store::EscalationRecord) -> Line<'static> {
    let now = ctx.state.now;
    let (due, scope) = match esc.due {
        Some(due) if due <= now => (
            format!(
                " · late {} (due {})",
                super::age((now - due).num_seconds()),
                when(ctx, due)
            ),
            "notice.error",
        ),
        Some(due) => (
            format!(
                " · due {} (in {})",
                when(ctx, due),
                super::age((due - now).num_seconds())
            ),
            "status.escalated",
        ),
        None => (String::new(), "status.escalated"),
    };
    Line::styled(
        format!(
            "  ⇢ waiting on {} ({}) since {}{due}",
            one_line(&esc.to),
            one_line(&esc.tag),
            when(ctx, esc.since)
        ),
        ctx.style(scope),
    )
}

pub(super) fn section(ctx: &Ctx, title: &str, width: usize) -> Line<'static> {
    let rule = "─".repeat(width.saturating_sub(crate::text::width(title) + 4));
    Line::styled(format!("── {title} {rule}"), ctx.style("detail.section"))
}

pub(super) fn when(ctx: &Ctx, t: DateTime<Utc>) -> String {
    t.with_timezone(&ctx.state.zone)
        .format("%a %d %b %H:%M")
        .to_string()
}

/// An internal note: who and when, then its text wrapped.
pub(super) fn push_note(
    ctx: &Ctx,
    out: &mut Vec<Line<'static>>,
    note: &crate::model::Note,
    width: usize,
) {
    out.push(Line::styled(
        format!("  ✎ {} · {}", one_line(&note.by), when(ctx, note.at)),
        ctx.style("detail.meta"),
    ));
    push_wrapped(out, &note.text, width, "    ", ctx.style("detail.note"));
}

pub(super) fn push_wrapped(
    out: &mut Vec<Line<'static>>,
    text: &str,
    width: usize,
    indent: &str,
    style: Style,
) {
    let w = width.saturating_sub(crate::text::width(indent)).max(10);
    for l in wrap(text, w) {
        out.push(Line::styled(format!("{indent}{l}"), style));
    }
}

fn lines(ctx: &Ctx, detail: &Detail, item: &Item, width: usize) -> Vec<Line<'static>> {
    let now = ctx.state.now;
    let r = &item.remote;
    let l = &item.local;
    let meta = ctx.style("detail.meta");
    let mut out = Vec::new();
    let mut head = vec![
        Span::styled(
            format!("{} ", r.network.badge().trim()),
            ctx.style(&format!("network.{}", r.network.as_str())),
        ),
        Span::styled(format!("{} ", r.kind), meta),
        Span::styled(one_line(&r.author.handle), ctx.style("detail.author")),
    ];
    if !r.author.display_name.is_empty() {
        head.push(Span::styled(
            format!(" ({})", one_line(&r.author.display_name)),
            meta,
        ));
    }
    if let Some(f) = r.author.followers {
        head.push(Span::styled(format!(" · {f} followers"), meta));
    }
    out.push(Line::from(head));
    let mut state_line = vec![
        Span::styled(
            format!(
                "{} ({} ago) · on {} · ",
                when(ctx, r.created_at),
                age((now - r.created_at).num_seconds()),
                one_line(&r.account)
            ),
            meta,
        ),
        Span::styled(
            l.status.to_string(),
            ctx.style(&format!("status.{}", l.status.kind().as_str())),
        ),
        Span::styled(
            format!(" · priority {}", l.priority),
            ctx.style(&format!("priority.{}", l.priority.as_str())),
        ),
    ];
    if let Some(who) = &l.assignee {
        state_line.push(Span::styled(
            format!(" · assigned to {}", one_line(who)),
            meta,
        ));
    }
    if let Some(lang) = &r.lang {
        state_line.push(Span::styled(format!(" · {}", one_line(lang)), meta));
    }
    out.push(Line::from(state_line));
    let m = r.moderation;
    let flags: Vec<&str> = [
        (m.deleted, "deleted on the network"),
        (m.hidden, "hidden from the public"),
        (m.liked, "liked by us"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, what)| *what)
    .collect();
    if !flags.is_empty() {
        out.push(Line::styled(flags.join(" · "), ctx.style("notice.warn")));
    }
    if !l.tags.is_empty() {
        let tags: Vec<String> = l.tags.iter().map(|t| format!("#{}", one_line(t))).collect();
        out.push(Line::styled(tags.join(" "), ctx.style("detail.tag")));
    }
    if let Some(link) = &r.permalink {
        push_wrapped(&mut out, link, width, "", meta);
    }
    out.push(Line::default());
    let (body, hidden) = crate::text::prefix(&r.text, MAX_BODY_CHARS);
    push_wrapped(&mut out, body, width, "", ctx.style("detail.body"));
    if hidden > 0 {
        out.push(Line::styled(
            format!("… {hidden} more characters not shown"),
            meta,
        ));
    }
    let e = &r.engagement;
    let counts: Vec<String> = [
        ("likes", e.likes),
        ("replies", e.replies),
        ("shares", e.shares),
    ]
    .iter()
    .filter_map(|(n, v)| v.map(|v| format!("{v} {n}")))
    .collect();
    if !counts.is_empty() {
        out.push(Line::styled(counts.join(" · "), meta));
    }
    if let Some(post) = &r.post {
        out.push(Line::default());
        out.push(section(ctx, "On the post", width));
        let (post_text, _) = crate::text::prefix(&post.text, MAX_CONTEXT_CHARS);
        push_wrapped(&mut out, post_text, width, "  ", ctx.style("detail.post"));
        if let Some(link) = &post.permalink {
            push_wrapped(&mut out, link, width, "  ", meta);
        }
    }
    // The thread's size comes from the index; the window around the item
    // is what was read.
    let total = detail.thread_seqs.len().max(detail.thread.len());
    if total > 1 {
        out.push(Line::default());
        out.push(section(ctx, &format!("Thread ({total})"), width));
        let from = detail.thread_from;
        if from > 0 {
            out.push(Line::styled(format!("  … {from} earlier"), meta));
        }
        for (seq, t) in &detail.thread {
            thread_entry(ctx, &mut out, t, *seq == detail.seq, width);
        }
        let later = total.saturating_sub(from + detail.thread.len());
        if later > 0 {
            out.push(Line::styled(format!("  … {later} later"), meta));
        }
    }
    if let Some(replies) = ctx.state.outbox.get(item.id.as_str()) {
        out.push(Line::default());
        out.push(section(ctx, "Our replies and actions", width));
        for e in replies {
            let (state, scope) = match &e.state {
                SendState::Pending => ("queued".to_string(), "notice.warn"),
                SendState::Sending { .. } => ("sending".to_string(), "notice.warn"),
                SendState::Sent { at, .. } => (format!("sent {}", when(ctx, *at)), "notice.info"),
                SendState::Failed { error, retry: true } => {
                    (format!("will retry: {}", one_line(error)), "notice.warn")
                }
                SendState::Failed {
                    error,
                    retry: false,
                } => (format!("refused: {}", one_line(error)), "notice.error"),
            };
            let what = match &e.action {
                crate::outbox::OutAction::Reply { .. } => String::new(),
                crate::outbox::OutAction::Handoff(order) => format!(
                    "hand-off to {} by {} · ",
                    one_line(&order.handoff.assignee),
                    order.channel.describe()
                ),
                other => other
                    .capability()
                    .map(|c| format!("{} · ", c.label(item.remote.network)))
                    .unwrap_or_default(),
            };
            out.push(Line::styled(
                format!("  {what}{} · {state}", one_line(&e.by)),
                ctx.style(scope),
            ));
            if let Some(text) = e.action.text() {
                push_wrapped(&mut out, text, width, "    ", ctx.style("detail.body"));
            }
        }
    }
    if !detail.proposals.is_empty() {
        out.push(Line::default());
        out.push(section(ctx, "Rules propose", width));
        for f in &detail.proposals {
            let line = format!("⚑ {}: {}", one_line(&f.rule), one_line(&f.actions_text()));
            push_wrapped(&mut out, &line, width, "  ", ctx.style("ui.warning"));
            push_wrapped(
                &mut out,
                &format!("because {}", one_line(&f.why)),
                width,
                "    ",
                meta,
            );
        }
        use crate::action::{Action, Mode};
        let key = |a: Action| {
            super::key_for(ctx, Mode::Detail, a).unwrap_or_else(|| format!(":{}", a.spec().name))
        };
        let keys = format!(
            "{} approves · {} dismisses",
            key(Action::ItemApprove),
            key(Action::ItemDismiss),
        );
        out.push(Line::styled(format!("  {keys}"), ctx.style("ui.text.dim")));
    }
    if !l.notes.is_empty() || !detail.tag_records.is_empty() || detail.escalation.is_some() {
        out.push(Line::default());
        out.push(section(ctx, "Internal", width));
        if let Some(esc) = &detail.escalation {
            out.push(escalation_line(ctx, esc));
        }
        for (tag, rec) in &detail.tag_records {
            let why = rec
                .why
                .as_deref()
                .map(|w| format!(": {}", one_line(w)))
                .unwrap_or_default();
            out.push(Line::styled(
                format!(
                    "  #{} by {} · {}{why}",
                    one_line(tag),
                    one_line(&rec.by),
                    when(ctx, rec.at)
                ),
                ctx.style("detail.tag"),
            ));
            if let Some(def) = ctx.state.tags.tags.get(tag) {
                out.extend(sla_lines(ctx, def, rec.at, &l.status));
            }
        }
        for note in &l.notes {
            push_note(ctx, &mut out, note, width);
        }
    }
    if !detail.history.is_empty() {
        out.push(Line::default());
        out.push(section(ctx, "History", width));
        for event in &detail.history {
            let line = format!(
                "  {} · {} · {}",
                when(ctx, event.at),
                one_line(&event.by),
                one_line(&event.describe())
            );
            push_wrapped(&mut out, &line, width, "    ", meta);
        }
    }
    if !detail.author_items.is_empty() {
        out.push(Line::default());
        out.push(section(
            ctx,
            &format!(
                "{} also wrote ({})",
                one_line(&r.author.handle),
                detail.author_total.max(detail.author_items.len())
            ),
            width,
        ));
        for (_, other) in &detail.author_items {
            out.push(other_item_line(ctx, other, width));
        }
        let more = detail
            .author_total
            .saturating_sub(detail.author_items.len());
        if more > 0 {
            out.push(Line::styled(
                format!("  … {more} older (the author panel lists them)"),
                meta,
            ));
        }
    }
    out
}

/// One of the author's other items, on one line: age, network, kind,
/// status and the start of the text.
pub(super) fn other_item_line(ctx: &Ctx, other: &Item, width: usize) -> Line<'static> {
    let o = &other.remote;
    let head = format!(
        "  {:>4} {} {:<8} {:<9} ",
        age((ctx.state.now - o.created_at).num_seconds()),
        o.network.badge(),
        o.kind.as_str(),
        other.local.status.kind().as_str()
    );
    let room = width.saturating_sub(crate::text::width(&head));
    Line::from(vec![
        Span::styled(head, ctx.style("detail.meta")),
        Span::styled(
            crate::text::truncate(&one_line(&o.text), room).into_owned(),
            ctx.style("detail.body"),
        ),
    ])
}

fn thread_entry(ctx: &Ctx, out: &mut Vec<Line<'static>>, t: &Item, current: bool, width: usize) {
    let r = &t.remote;
    let author_scope = if r.from_us {
        "detail.author.us"
    } else {
        "detail.author"
    };
    let marker = if current { "▶ " } else { "  " };
    let us = if r.from_us { " (us)" } else { "" };
    let mut head = Line::from(vec![
        Span::styled(marker, ctx.style("detail.current")),
        Span::styled(
            format!("{}{us}", one_line(&r.author.handle)),
            ctx.style(author_scope),
        ),
        Span::styled(
            format!(" · {}", when(ctx, r.created_at)),
            ctx.style("detail.meta"),
        ),
    ]);
    let body_style = if current {
        ctx.style("detail.body").patch(ctx.style("detail.current"))
    } else {
        ctx.style("detail.body")
    };
    if current {
        head = head.patch_style(ctx.style("detail.current"));
    }
    out.push(head);
    let (text, hidden) = crate::text::prefix(&r.text, MAX_CONTEXT_CHARS);
    push_wrapped(out, text, width, "    ", body_style);
    if hidden > 0 {
        out.push(Line::styled(
            format!("    … {hidden} more characters"),
            ctx.style("detail.meta"),
        ));
    }
}
