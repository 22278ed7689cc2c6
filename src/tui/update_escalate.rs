//! The escalate flow (`e`): pick a tag from `tags.toml`, confirm who takes
//! it (the tag's route, prefilled), write an internal note. The item is
//! then tagged (the note as the tag's why; other tags of a pick-one group
//! removed), assigned, escalated, and carries the note; the hand-off to
//! the colleague is queued in the outbox (one entry per item and channel of
//! the roster contact); the notice says to whom and how it goes, and when
//! the first answer is due by the tag's SLA.
//!
//! The return leg recorded by hand (`escalation.done`): the colleague's
//! outcome becomes a note and the item goes back to the queue (open), so
//! the community manager answers the customer.

use super::effect::Effect;
use super::state::{AppState, Escalation, Level, PromptKind};
use super::update::{apply_change, open_prompt};
use crate::change::LocalChange;
use crate::model::Status;
use crate::outbox::OutboxEntry;
use crate::triage::handoff::{HandoffPlan, channels_for, describe_channels};

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
            note: note.clone(),
        },
        true,
    ));
    let contact = tags.roster.get(&esc.to).or_else(|| {
        tags.roster
            .values()
            .find(|c| c.name.eq_ignore_ascii_case(&esc.to))
    });
    let who = contact.map_or(esc.to.clone(), |c| c.name.clone());
    let first_due = due;
    let due = first_due
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
    let channels = channels_for(contact, def.and_then(|d| d.handoff));
    let (level, told) = if channels.is_empty() {
        let why = if contact.is_some() {
            "has no webhook, e-mail or command in tags.toml"
        } else {
            "is not in the roster of tags.toml"
        };
        (
            Level::Warn,
            format!("no hand-off: {who} {why}, tell them yourself"),
        )
    } else {
        (
            Level::Info,
            format!("hand-off queued: {}", describe_channels(&channels)),
        )
    };
    if !channels.is_empty() {
        let plan = HandoffPlan {
            tag: esc.tag.clone(),
            assignee: who.clone(),
            note: note.clone(),
            due: first_due.or_else(|| def.and_then(|d| d.resolution_due(state.now))),
            at: state.now,
            channels,
            callback_base: state.handoff_callback.clone(),
        };
        effects.push(Effect::Handoff {
            seqs: esc.targets.clone(),
            plan: Box::new(plan),
        });
        // Delivered by the engine's next pass: start it now.
        effects.push(Effect::SyncNow);
    }
    state.notify(
        level,
        format!("{what} to {who} ({}){due} · {told}", esc.tag),
    );
    effects
}

/// What the worker queued; a store failure is said plainly (the item is
/// escalated all the same).
pub fn queued(state: &mut AppState, queued: Vec<OutboxEntry>, error: Option<String>) {
    for entry in queued {
        state.add_outbox(entry);
    }
    if let Some(e) = error {
        state.notify(
            Level::Error,
            format!("hand-off not queued: {e}; tell them yourself"),
        );
    }
}

/// `escalation.done`: asks for the colleague's outcome.
pub fn start_outcome(state: &mut AppState) {
    let targets = state.targets();
    if targets.is_empty() {
        state.notify(Level::Warn, "nothing selected");
        return;
    }
    open_prompt(
        state,
        PromptKind::EscalationOutcome,
        "",
        Vec::new(),
        targets,
    );
}

/// Records the outcome as a note and puts the items back in the queue.
pub fn submit_outcome(state: &mut AppState, text: &str) -> Vec<Effect> {
    let text = crate::text::one_line(text.trim());
    if text.is_empty() {
        return refuse(state, "what did they do? (refunded, replaced, …)".into());
    }
    let Some(super::state::Overlay::Prompt(p)) = state.overlays.pop() else {
        return Vec::new();
    };
    let targets = p.targets;
    let mut effects = apply_change(
        state,
        targets.clone(),
        LocalChange::AddNote(format!("escalation outcome: {text}")),
        false,
    );
    effects.extend(apply_change(
        state,
        targets,
        LocalChange::SetStatus(Status::Open),
        true,
    ));
    state.notify(
        Level::Info,
        "outcome noted · back in the queue: answer the customer",
    );
    effects
}
