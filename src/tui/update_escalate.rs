//! The escalate flow (`e`): pick a tag from `tags.toml`, confirm who takes
//! it (the tag's route, prefilled), write an internal note. The item is
//! then tagged (the note as the tag's why; other tags of a pick-one group
//! removed), assigned, escalated, and carries the note; the notice says
//! when the first answer is due by the tag's SLA.

use super::effect::Effect;
use super::state::{AppState, Escalation, Level, PromptKind};
use super::update::{apply_change, open_prompt};
use crate::change::LocalChange;

pub fn start(state: &mut AppState) {
    let targets = state.targets();
    if targets.is_empty() {
        state.notify(Level::Warn, "nothing selected");
        return;
    }
    let mut tags: Vec<String> = state
        .tags
        .tags
        .values()
        .filter(|t| t.escalates)
        .map(|t| t.name.clone())
        .collect();
    tags.extend(
        state
            .tags
            .tags
            .values()
            .filter(|t| !t.escalates)
            .map(|t| t.name.clone()),
    );
    state.escalation = Some(Escalation {
        targets: targets.clone(),
        tag: String::new(),
        to: String::new(),
    });
    open_prompt(state, PromptKind::EscalateTag, "", tags, targets);
}

pub fn submit(state: &mut AppState, kind: PromptKind, text: &str) -> Vec<Effect> {
    let Some(mut esc) = state.escalation.clone() else {
        state.overlays.pop();
        return Vec::new();
    };
    let text = crate::text::one_line(text.trim());
    match kind {
        PromptKind::EscalateTag => {
            let Some(def) = state.tags.tags.get(&text.to_lowercase()) else {
                let known: Vec<&str> = state.tags.tags.keys().map(String::as_str).collect();
                return refuse(
                    state,
                    format!("not a tag of tags.toml: {}", known.join(", ")),
                );
            };
            esc.tag = def.name.clone();
            let route = def.route.clone().unwrap_or_default();
            let mut people: Vec<String> = state.tags.roster.keys().cloned().collect();
            people.extend(state.queue.set.names.assignees.iter().cloned());
            people.sort();
            people.dedup();
            state.overlays.pop();
            let targets = esc.targets.clone();
            state.escalation = Some(esc);
            open_prompt(state, PromptKind::EscalateTo, &route, people, targets);
        }
        PromptKind::EscalateTo => {
            if text.is_empty() {
                return refuse(state, "someone must take it: a person or a team".into());
            }
            esc.to = text;
            state.overlays.pop();
            let targets = esc.targets.clone();
            state.escalation = Some(esc);
            open_prompt(state, PromptKind::EscalateNote, "", Vec::new(), targets);
        }
        _ => {
            state.overlays.pop();
            state.escalation = None;
            return escalate(state, esc, (!text.is_empty()).then_some(text));
        }
    }
    Vec::new()
}

fn refuse(state: &mut AppState, why: String) -> Vec<Effect> {
    if let Some(super::state::Overlay::Prompt(p)) = state.overlays.last_mut() {
        p.error = Some(why);
    }
    Vec::new()
}

fn escalate(state: &mut AppState, esc: Escalation, note: Option<String>) -> Vec<Effect> {
    let tags = state.tags.clone();
    let def = tags.tags.get(&esc.tag);
    let due = def.and_then(|d| d.first_response_due(state.now));
    let mut effects = Vec::new();
    for other in tags.exclusive_with(&esc.tag) {
        let why = format!("replaced by {}", esc.tag);
        effects.extend(apply_change(
            state,
            esc.targets.clone(),
            LocalChange::RemoveTag {
                tag: other.to_string(),
                why: Some(why),
            },
            false,
        ));
    }
    effects.extend(apply_change(
        state,
        esc.targets.clone(),
        LocalChange::AddTag {
            tag: esc.tag.clone(),
            why: note.clone(),
        },
        false,
    ));
    if let Some(note) = &note {
        let text = format!("escalated to {} ({}): {note}", esc.to, esc.tag);
        effects.extend(apply_change(
            state,
            esc.targets.clone(),
            LocalChange::AddNote(text),
            false,
        ));
    }
    effects.extend(apply_change(
        state,
        esc.targets.clone(),
        LocalChange::Escalate {
            to: esc.to.clone(),
            tag: esc.tag.clone(),
            due,
            note,
        },
        true,
    ));
    let who = tags
        .roster
        .get(&esc.to)
        .map_or(esc.to.clone(), |c| c.name.clone());
    let due = due
        .map(|at| {
            let local = at.with_timezone(&state.zone).format("%a %H:%M");
            format!(" · first answer due {local}")
        })
        .unwrap_or_default();
    let n = esc.targets.len();
    let what = if n == 1 {
        "escalated".to_string()
    } else {
        format!("{n} items escalated")
    };
    state.notify(
        Level::Info,
        format!(
            "{what} to {who} ({}){due} · hand-offs are not sent yet: tell them yourself",
            esc.tag
        ),
    );
    effects
}
