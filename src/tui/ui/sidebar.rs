//! The views sidebar: every saved view with its count, the active one
//! highlighted. Counts come from `QueueState::recount`.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{Ctx, age};
use crate::model::Network;
use crate::sync::engine::SyncState;

/// A short word for an account's sync state, and its style.
pub fn describe(state: &SyncState, now: chrono::DateTime<chrono::Utc>) -> (String, &'static str) {
    match state {
        SyncState::Idle => ("·".to_string(), "ui.text.dim"),
        SyncState::Syncing => ("syncing".to_string(), "ui.text.dim"),
        SyncState::Ok { at, .. } => (
            format!("ok {}", age((now - *at).num_seconds())),
            "notice.info",
        ),
        SyncState::RateLimited { until } => (
            format!("wait {}", age((*until - now).num_seconds())),
            "notice.warn",
        ),
        SyncState::AuthFailed(_) => ("login!".to_string(), "notice.error"),
        SyncState::Failed(_) => ("failed".to_string(), "notice.error"),
    }
}

pub fn render(frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let q = &ctx.state.queue;
    let inner_w = usize::from(area.width.saturating_sub(2));
    let mut lines = Vec::new();
    for (i, view) in q.views.iter().enumerate() {
        let active = i == q.view_ix;
        let scope = if active {
            "sidebar.view.active"
        } else {
            "sidebar.view"
        };
        let count = match q.counts.get(i).copied().flatten() {
            Some(n) => n.to_string(),
            None => "·".to_string(),
        };
        let name_w = inner_w.saturating_sub(count.len() + 2);
        lines.push(Line::from(vec![
            Span::styled(if active { "▸ " } else { "  " }, ctx.style(scope)),
            Span::styled(crate::text::pad(&view.name, name_w), ctx.style(scope)),
            Span::styled(count, ctx.style("sidebar.count")),
        ]));
    }
    if !ctx.state.accounts.is_empty() {
        lines.push(Line::default());
        lines.push(Line::styled("Accounts", ctx.style("ui.title")));
        for (label, state) in &ctx.state.accounts {
            let (word, scope) = describe(state, ctx.state.now);
            let word_w = crate::text::width(&word);
            let (network, name) = label
                .split_once(':')
                .map_or((None, label.as_str()), |(n, h)| {
                    (n.parse::<Network>().ok(), h)
                });
            let badge = network.map_or("  ", |n| n.badge().trim());
            let badge_scope = network.map_or("sidebar.view".to_string(), |n| {
                format!("network.{}", n.as_str())
            });
            lines.push(Line::from(vec![
                Span::styled(format!("  {badge:<2} "), ctx.style(&badge_scope)),
                Span::styled(
                    crate::text::pad(name, inner_w.saturating_sub(word_w + 6)),
                    ctx.style("sidebar.view"),
                ),
                Span::styled(format!(" {word}"), ctx.style(scope)),
            ]));
        }
    }
    let block = Block::default()
        .borders(Borders::RIGHT)
        .border_style(ctx.style("ui.border"))
        .title(Span::styled(" Views ", ctx.style("ui.title")));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
