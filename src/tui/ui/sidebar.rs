//! The views sidebar: every saved view with its count, the active one
//! highlighted. Counts come from `QueueState::recount`.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::Ctx;

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
    let block = Block::default()
        .borders(Borders::RIGHT)
        .border_style(ctx.style("ui.border"))
        .title(Span::styled(" Views ", ctx.style("ui.title")));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
