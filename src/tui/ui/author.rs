//! The author panel, drawn in the detail pane: who they are, what the team
//! noted about them, their tags and moderation, and everything they wrote
//! that the store holds, here and under the same name elsewhere.

use ratatui::text::{Line, Span};

use super::Ctx;
use super::detail::{other_item_line, push_note, push_wrapped, section};
use crate::text::one_line;
use crate::tui::author::AuthorPanel;

pub fn lines(ctx: &Ctx, panel: &AuthorPanel, width: usize) -> Vec<Line<'static>> {
    let a = &panel.author;
    let meta = ctx.style("detail.meta");
    let mut out = Vec::new();
    let mut head = vec![Span::styled(
        one_line(&a.handle),
        ctx.style("detail.author"),
    )];
    if !a.display_name.is_empty() && a.display_name != a.handle {
        head.push(Span::styled(
            format!(" · {}", one_line(&a.display_name)),
            meta,
        ));
    }
    if let Some(network) = panel.network {
        head.push(Span::styled(format!(" · {}", network.as_str()), meta));
    }
    out.push(Line::from(head));
    let mut facts = Vec::new();
    if let Some(n) = a.followers {
        facts.push(format!("{n} followers"));
    }
    let total = panel.items.len() + panel.elsewhere.len();
    facts.push(format!("{total} items in the store"));
    let statuses: Vec<String> = panel
        .statuses
        .iter()
        .map(|(s, n)| format!("{n} {}", s.as_str()))
        .collect();
    if !statuses.is_empty() {
        facts.push(statuses.join(", "));
    }
    push_wrapped(&mut out, &facts.join(" · "), width, "  ", meta);
    let mut moderation = Vec::new();
    if panel.blocked {
        moderation.push("blocked by us".to_string());
    }
    if panel.hidden > 0 {
        moderation.push(format!("{} hidden", panel.hidden));
    }
    if panel.deleted > 0 {
        moderation.push(format!("{} deleted", panel.deleted));
    }
    if !moderation.is_empty() {
        out.push(Line::styled(
            format!("  {}", moderation.join(" · ")),
            ctx.style("notice.warn"),
        ));
    }
    if let Some(url) = &a.profile_url {
        out.push(Line::styled(format!("  {}", one_line(url)), meta));
    }
    if !panel.tags.is_empty() {
        let tags: Vec<String> = panel
            .tags
            .iter()
            .map(|(t, n)| format!("#{} ×{n}", one_line(t)))
            .collect();
        push_wrapped(
            &mut out,
            &tags.join("  "),
            width,
            "  ",
            ctx.style("detail.tag"),
        );
    }
    out.push(Line::default());
    out.push(section(
        ctx,
        &format!("Notes on them ({})", panel.notes.len()),
        width,
    ));
    if panel.notes.is_empty() {
        out.push(Line::styled(
            "  none yet · N adds one",
            ctx.style("ui.text.dim"),
        ));
    }
    for note in &panel.notes {
        push_note(ctx, &mut out, note, width);
    }
    let here = panel.network.map_or("here", |n| n.as_str());
    out.push(Line::default());
    out.push(section(
        ctx,
        &format!("On {here} ({})", panel.items.len()),
        width,
    ));
    for (_, item) in &panel.items {
        out.push(other_item_line(ctx, item, width));
    }
    if !panel.elsewhere.is_empty() {
        out.push(Line::default());
        out.push(section(
            ctx,
            &format!("Same name on other networks ({})", panel.elsewhere.len()),
            width,
        ));
        for (_, item) in &panel.elsewhere {
            out.push(other_item_line(ctx, item, width));
        }
    }
    out
}
