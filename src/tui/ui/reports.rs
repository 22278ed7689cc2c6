//! The reports screen, full screen over the queue: the period and its
//! dates in the header, the keys on the bottom border; the SLA gauge, the
//! tag breakdown and the list of numbers (the cursor picks one to open its
//! items; the headline ones show their change against the period before)
//! on the left; volume per day per network, the response-time
//! distribution and the hour × weekday heat map on the right. On a narrow
//! terminal only the left column shows. It draws what the state holds;
//! the numbers were computed by an effect.

use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Clear, Gauge, Paragraph};

use super::{Ctx, key_for};
use crate::action::{Action, Mode};
use crate::report::Report;
use crate::report::compare::{Headline, changes};
use crate::report::period::dates_label;
use crate::text::{one_line, pad, truncate};
use crate::tui::state::reports::{ReportsView, cells_compared};

/// Below this width the charts are left out.
const CHARTS_MIN_WIDTH: u16 = 70;
const LEFT: u16 = 32;

fn block<'a>(ctx: &Ctx, title: &'a str) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(ctx.style("ui.border"))
        .title(Span::styled(title, ctx.style("ui.title")))
}

fn value(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

pub fn render(frame: &mut Frame, area: Rect, ctx: &Ctx, view: &ReportsView) {
    frame.render_widget(Clear, area);
    let outer = Block::default()
        .borders(Borders::ALL)
        .border_style(ctx.style("ui.popup.border"))
        .title(Span::styled(
            title(ctx, view, area.width),
            ctx.style("ui.popup.title"),
        ))
        .title_bottom(hints(ctx, area.width))
        .style(ctx.style("ui.popup"));
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let Some(report) = &view.report else {
        let text = match &view.error {
            Some(e) => Line::styled(
                format!("the report failed: {}", one_line(e)),
                ctx.style("notice.error"),
            ),
            None => Line::styled("computing…", ctx.style("ui.text.dim")),
        };
        frame.render_widget(Paragraph::new(text), inner);
        return;
    };
    let (left, right) = if inner.width >= CHARTS_MIN_WIDTH {
        let cols = Layout::default()
            .direction(Direction::Horizontal)
            .constraints([Constraint::Length(LEFT), Constraint::Min(10)])
            .split(inner);
        (cols[0], Some(cols[1]))
    } else {
        (inner, None)
    };
    let tag_rows = u16::try_from(report.tags.len().min(3)).unwrap_or(3);
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(3),
            Constraint::Length(if tag_rows > 0 { tag_rows + 2 } else { 0 }),
            Constraint::Min(3),
        ])
        .split(left);
    let previous = view.previous.as_deref();
    gauge(frame, rows[0], ctx, report, previous);
    if tag_rows > 0 {
        tags(frame, rows[1], ctx, report);
    }
    numbers(frame, rows[2], ctx, view, report);
    if let Some(right) = right {
        let rows = Layout::default()
            .direction(Direction::Vertical)
            .constraints([
                Constraint::Min(5),
                Constraint::Length(6),
                Constraint::Length(9),
            ])
            .split(right);
        days(frame, rows[0], ctx, report);
        histogram(frame, rows[1], ctx, report);
        heatmap(frame, rows[2], ctx, report);
    }
}

/// ` Reports · last 7 days · 2026-11-17..2026-11-23 `: what is on screen,
/// its dates in the user's zone (the word "Reports" goes first when narrow).
fn title(ctx: &Ctx, view: &ReportsView, width: u16) -> String {
    let (zone, now) = (ctx.state.report_clock.zone, ctx.state.now);
    let shown = view.shown();
    let dates = dates_label(shown.dates(zone, now));
    let label = shown.label(zone, now);
    let what = if label == dates {
        dates
    } else {
        format!("{label} · {dates}")
    };
    if width >= CHARTS_MIN_WIDTH {
        format!(" Reports · {what} ")
    } else {
        format!(" {what} ")
    }
}

/// The screen's keys, as many as fit on the bottom border.
fn hints(ctx: &Ctx, width: u16) -> Line<'static> {
    let room = usize::from(width.saturating_sub(4));
    let mut used = 0;
    let mut spans = Vec::new();
    for (action, word) in [
        (Action::ReportsOpen, "open"),
        (Action::ReportsEarlier, "earlier"),
        (Action::ReportsLater, "later"),
        (Action::ReportsCustomPeriod, "period"),
        (Action::ReportsNextPeriod, "preset"),
        (Action::AppCancel, "close"),
    ] {
        let Some(key) = key_for(ctx, Mode::Reports, action) else {
            continue;
        };
        let w = crate::text::width(&key) + word.len() + 3;
        if used + w > room {
            break;
        }
        used += w;
        spans.push(Span::styled(format!(" {key}"), ctx.style("ui.hint.key")));
        spans.push(Span::styled(format!(" {word} "), ctx.style("ui.hint.desc")));
    }
    Line::from(spans)
}

fn gauge(frame: &mut Frame, area: Rect, ctx: &Ctx, r: &Report, previous: Option<&Headline>) {
    let s = &r.sla;
    let label = format!("{} met · {} breached", s.met, s.breached);
    let change = previous
        .and_then(|p| changes(&Headline::of(r), p).sla_met_rate)
        .map(|c| match c.short().as_str() {
            "=" => " SLA met: as before ".to_string(),
            moved => format!(" SLA met {moved} "),
        });
    let g = Gauge::default()
        .block(block(ctx, change.as_deref().unwrap_or(" SLA ")))
        .gauge_style(ctx.style("status.answered"))
        .ratio(s.ratio().unwrap_or(0.0).clamp(0.0, 1.0))
        .label(Span::styled(label, ctx.style("ui.text")));
    frame.render_widget(g, area);
}

fn tags(frame: &mut Frame, area: Rect, ctx: &Ctx, r: &Report) {
    let bars: Vec<Bar> = r
        .tags
        .iter()
        .take(3)
        .map(|t| {
            Bar::default()
                .value(value(t.items))
                .label(Line::from(truncate(&one_line(&t.tag), 10).into_owned()))
                .style(ctx.style("queue.tag"))
        })
        .collect();
    let chart = BarChart::default()
        .block(block(ctx, " Tags "))
        .direction(Direction::Horizontal)
        .bar_width(1)
        .bar_gap(0)
        .value_style(ctx.style("ui.text"))
        .data(BarGroup::default().bars(&bars));
    frame.render_widget(chart, area);
}

/// The numbers, the cursor's highlighted; the headline ones end with their
/// change against the period before, right-aligned.
fn numbers(frame: &mut Frame, area: Rect, ctx: &Ctx, view: &ReportsView, r: &Report) {
    let all = cells_compared(r, view.previous.as_deref());
    let cursor = view.cursor;
    let height = usize::from(area.height.saturating_sub(2));
    let start = cursor.saturating_sub(height.saturating_sub(1));
    let width = usize::from(area.width.saturating_sub(2));
    let label_w = 16.min(width / 2);
    let lines: Vec<Line> = all
        .iter()
        .enumerate()
        .skip(start)
        .take(height)
        .map(|(i, c)| {
            let mut style = ctx.style("ui.text");
            let mut dim = ctx.style("ui.text.dim");
            if i == cursor {
                style = style.patch(ctx.style("ui.selection"));
                dim = dim.patch(ctx.style("ui.selection"));
            }
            let change = c.change.map(|c| c.short()).unwrap_or_default();
            let room = width.saturating_sub(crate::text::width(&change));
            let text = format!("{} {}", pad(&c.label, label_w), c.value);
            Line::from(vec![
                Span::styled(pad(&text, room), style),
                Span::styled(change, dim),
            ])
        })
        .collect();
    let title = match &view.previous {
        Some(p) => format!(" Numbers · vs {} ", short_dates(p)),
        None => " Numbers ".to_string(),
    };
    frame.render_widget(Paragraph::new(lines).block(block(ctx, &title)), area);
}

/// `11-10..11-16` from a headline's bounds (the end is exclusive).
fn short_dates(h: &Headline) -> String {
    let date = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|t| t.date_naive())
    };
    match (date(&h.from), date(&h.to).and_then(|d| d.pred_opt())) {
        (Some(a), Some(b)) if a == b => a.format("%m-%d").to_string(),
        (Some(a), Some(b)) => format!("{}..{}", a.format("%m-%d"), b.format("%m-%d")),
        _ => crate::text::one_line(&h.label),
    }
}

fn days(frame: &mut Frame, area: Rect, ctx: &Ctx, r: &Report) {
    let mut dates: Vec<chrono::NaiveDate> = r.days.iter().map(|d| d.date).collect();
    dates.dedup();
    let nets = r.networks.len().max(1);
    let room = usize::from(area.width.saturating_sub(2));
    // One bar per network and day when they fit, else one per day.
    let per_network = dates.len() * (nets + 1) <= room;
    let groups: Vec<BarGroup> = dates
        .iter()
        .map(|date| {
            let rows = r.days.iter().filter(|d| d.date == *date);
            let bars: Vec<Bar> = if per_network {
                rows.map(|d| {
                    Bar::default()
                        .value(value(d.tally.received))
                        .text_value(String::new())
                        .style(ctx.style(&format!("network.{}", d.network)))
                })
                .collect()
            } else {
                let n: usize = rows.map(|d| d.tally.received).sum();
                vec![
                    Bar::default()
                        .value(value(n))
                        .text_value(String::new())
                        .style(ctx.style("queue.count")),
                ]
            };
            BarGroup::default()
                .label(Line::from(date.format("%d").to_string()))
                .bars(&bars)
        })
        .collect();
    let title = if per_network {
        " Received per day and network "
    } else {
        " Received per day "
    };
    // Totals get the width the days leave (at least 1, the gap included).
    let width = if per_network {
        1
    } else {
        u16::try_from(room / dates.len().max(1))
            .unwrap_or(1)
            .saturating_sub(1)
            .clamp(1, 4)
    };
    let mut chart = BarChart::default()
        .block(block(ctx, title))
        .bar_width(width)
        .bar_gap(0)
        .group_gap(1);
    for g in &groups {
        chart = chart.data(g.clone());
    }
    frame.render_widget(chart, area);
}

fn histogram(frame: &mut Frame, area: Rect, ctx: &Ctx, r: &Report) {
    let bars: Vec<Bar> = r
        .histogram
        .iter()
        .map(|b| {
            Bar::default()
                .value(value(b.count))
                .label(Line::from(b.label))
                .style(ctx.style("status.answered"))
        })
        .collect();
    let chart = BarChart::default()
        .block(block(ctx, " First response "))
        .bar_width(6)
        .bar_gap(1)
        .value_style(ctx.style("ui.text"))
        .data(BarGroup::default().bars(&bars));
    frame.render_widget(chart, area);
}

fn heatmap(frame: &mut Frame, area: Rect, ctx: &Ctx, r: &Report) {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const SHADES: [char; 5] = ['·', '░', '▒', '▓', '█'];
    let max = r
        .heatmap
        .iter()
        .flatten()
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    let lines: Vec<Line> = r
        .heatmap
        .iter()
        .zip(DAYS)
        .map(|(hours, day)| {
            let cells: String = hours
                .iter()
                .map(|n| {
                    let level = if *n == 0 {
                        0
                    } else {
                        1 + (n * 3).div_ceil(max).min(3)
                    };
                    SHADES.get(level.min(4)).copied().unwrap_or('·')
                })
                .collect();
            Line::from(vec![
                Span::styled(format!("{day} "), ctx.style("ui.text.dim")),
                Span::styled(cells, ctx.style("priority.high")),
            ])
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(block(ctx, " By hour (0-23h) and weekday ")),
        area,
    );
}
