//! Update for the author panel (`A`) and author notes (`N`). The panel
//! shows in the detail pane in place of the item; `A` again goes back.
//! From the queue, `A` opens the item and its author at once.

use super::effect::Effect;
use super::state::{AppState, Detail, Level, PromptKind};
use super::update::{open_prompt, open_selected};

pub fn toggle(state: &mut AppState) -> Vec<Effect> {
    let mut effects = Vec::new();
    if state.detail.is_none() {
        effects = open_selected(state);
    }
    let Some(detail) = state.detail.as_mut() else {
        state.notify(Level::Warn, "nothing selected");
        return effects;
    };
    detail.show_author = !detail.show_author;
    detail.scroll = 0;
    let seq = detail.seq;
    if detail.show_author && detail.author.as_ref().is_none_or(|a| a.seq != seq) {
        effects.push(Effect::LoadAuthor(seq));
    }
    effects
}

pub fn start_note(state: &mut AppState) {
    let seq = state
        .detail
        .as_ref()
        .map(|d| d.seq)
        .or(state.queue.selected);
    let Some(seq) = seq else {
        state.notify(Level::Warn, "nothing selected");
        return;
    };
    open_prompt(state, PromptKind::AuthorNote, "", Vec::new(), vec![seq]);
}

pub fn submit_note(state: &mut AppState, targets: &[u32], text: &str) -> Vec<Effect> {
    let text = text.trim();
    if text.is_empty() {
        if let Some(super::state::Overlay::Prompt(p)) = state.overlays.last_mut() {
            p.error = Some("the note is empty".to_string());
        }
        return Vec::new();
    }
    state.overlays.pop();
    let Some(&seq) = targets.first() else {
        return Vec::new();
    };
    vec![Effect::AddAuthorNote {
        seq,
        text: text.to_string(),
    }]
}

pub fn loaded(
    state: &mut AppState,
    seq: u32,
    noted: bool,
    result: Result<super::author::AuthorPanel, String>,
) {
    match result {
        Ok(panel) => {
            if noted {
                state.notify(
                    Level::Info,
                    format!(
                        "note kept on {}: the team sees it on all their items",
                        crate::text::one_line(&panel.author.handle)
                    ),
                );
            }
            if let Some(d) = state.detail.as_mut().filter(|d| d.seq == seq) {
                d.author = Some(Box::new(panel));
            }
        }
        Err(e) if noted => state.notify(Level::Error, format!("could not keep the note: {e}")),
        Err(e) => state.notify(Level::Error, format!("could not read the author: {e}")),
    }
}

/// Keeps the panel when the detail is reloaded for the same item.
pub fn keep_panel(open: &Detail, fresh: &mut Detail) {
    fresh.show_author = open.show_author;
    fresh.author = open.author.clone();
}
