//! Update for the popups: the text prompt (search, snooze, tag, assign,
//! note), the filter picker, the command palette and help scrolling, plus
//! typed text ([`TextInput`]), which is an internal event, not an action.

use std::collections::BTreeMap;

use super::effect::Effect;
use super::state::{AppState, Choice, FilterField, Level, Overlay, Picker, PromptKind};
use super::update::{allowed, apply_change, search_if_needed, update as run_action};
use crate::action::{ACTIONS, Action};
use crate::change::LocalChange;
use crate::filter::Filter;
use crate::model::{Kind, Network, Status, StatusKind};
use crate::outbox::OutAction;
use crate::when;

/// Editing keys in a text field. Not bindable: they are what typing is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextInput {
    Char(char),
    Paste(String),
    Backspace,
    Delete,
    Left,
    Right,
    Home,
    End,
}

pub fn update(state: &mut AppState, action: Action) -> Vec<Effect> {
    use Action as A;
    if matches!(state.overlays.last(), Some(Overlay::Attention(_))) {
        match action {
            A::PickerNext => super::update_attention::move_cursor(state, 1),
            A::PickerPrev => super::update_attention::move_cursor(state, -1),
            A::PickerAccept => return super::update_attention::accept(state),
            _ => {}
        }
        return Vec::new();
    }
    if matches!(
        state.overlays.last(),
        Some(Overlay::Canned(_) | Overlay::Drafts(_))
    ) {
        let drafts = matches!(state.overlays.last(), Some(Overlay::Drafts(_)));
        match action {
            A::PickerNext => super::update_canned::move_cursor(state, 1),
            A::PickerPrev => super::update_canned::move_cursor(state, -1),
            A::PickerAccept if drafts => return super::update_canned::accept_draft(state),
            A::PickerAccept => return super::update_canned::accept(state, false),
            A::InputDeleteWord | A::InputClear => edit_line(state, action),
            _ => {}
        }
        return Vec::new();
    }
    match action {
        A::InputSubmit => return submit_prompt(state),
        A::InputComplete => complete(state),
        A::InputDeleteWord | A::InputClear => edit_line(state, action),
        A::PickerNext | A::PickerPrev => {
            move_picker(state, if action == A::PickerNext { 1 } else { -1 })
        }
        A::PickerToggle => toggle_choice(state),
        A::PickerAccept => return accept_picker(state),
        A::PaletteNext | A::PalettePrev => {
            if let Some(Overlay::Palette(p)) = state.overlays.last_mut() {
                let n = p.matches.len().max(1);
                p.cursor = if action == A::PaletteNext {
                    (p.cursor + 1) % n
                } else {
                    (p.cursor + n - 1) % n
                };
            }
        }
        A::PaletteAccept => return accept_palette(state),
        A::HelpScrollDown | A::HelpScrollUp => {
            if let Some(
                Overlay::Help { scroll } | Overlay::Shift(super::state::ShiftNote { scroll, .. }),
            ) = state.overlays.last_mut()
            {
                *scroll = if action == A::HelpScrollDown {
                    *scroll + 3
                } else {
                    scroll.saturating_sub(3)
                };
            }
        }
        _ => {}
    }
    Vec::new()
}

fn line_of(state: &mut AppState) -> Option<&mut super::state::LineInput> {
    match state.overlays.last_mut()? {
        Overlay::Prompt(p) => Some(&mut p.input),
        Overlay::Picker(p) => Some(&mut p.query),
        Overlay::Palette(p) => Some(&mut p.query),
        Overlay::Canned(p) => Some(&mut p.query),
        Overlay::Drafts(d) => Some(&mut d.query),
        Overlay::Help { .. } | Overlay::Attention(_) | Overlay::Shift(_) | Overlay::Reports(_) => {
            None
        }
    }
}

fn edit_line(state: &mut AppState, action: Action) {
    if let Some(line) = line_of(state) {
        if action == Action::InputClear {
            line.clear();
        } else {
            line.delete_word();
        }
    }
    after_edit(state);
}

/// Typed text goes to the top popup's field.
pub fn text(state: &mut AppState, input: TextInput) {
    let Some(line) = line_of(state) else { return };
    match input {
        TextInput::Char(c) => line.insert(c),
        TextInput::Paste(s) => line.insert_str(&crate::text::one_line(&s)),
        TextInput::Backspace => line.backspace(),
        TextInput::Delete => line.delete(),
        TextInput::Left => line.left(),
        TextInput::Right => line.right(),
        TextInput::Home => line.home(),
        TextInput::End => line.end(),
    }
    after_edit(state);
}

fn after_edit(state: &mut AppState) {
    match state.overlays.last_mut() {
        Some(Overlay::Palette(p)) => p.refresh(),
        Some(Overlay::Picker(p)) => p.cursor = 0,
        Some(Overlay::Prompt(p)) => p.error = None,
        Some(Overlay::Drafts(d)) => d.cursor = 0,
        Some(Overlay::Canned(p)) => {
            p.cursor = 0;
            super::update_canned::refresh(state);
        }
        Some(
            Overlay::Help { .. } | Overlay::Attention(_) | Overlay::Shift(_) | Overlay::Reports(_),
        )
        | None => {}
    }
}

fn complete(state: &mut AppState) {
    let Some(Overlay::Prompt(p)) = state.overlays.last_mut() else {
        return;
    };
    let typed = p.input.text.trim().to_lowercase();
    let found = p
        .completions
        .iter()
        .find(|c| c.to_lowercase().starts_with(&typed) && c.to_lowercase() != typed);
    if let Some(c) = found.cloned() {
        p.input = super::state::LineInput::with(&c);
    }
}

fn submit_prompt(state: &mut AppState) -> Vec<Effect> {
    let Some(Overlay::Prompt(p)) = state.overlays.last() else {
        return Vec::new();
    };
    let (kind, text, targets) = (p.kind, p.input.text.trim().to_string(), p.targets.clone());
    let subject = p.subject.clone().unwrap_or_default();
    let result: Result<(LocalChange, bool), String> = match kind {
        PromptKind::Fill => return super::update_compose::submit_fill(state, &subject, &text),
        PromptKind::EscalateTag | PromptKind::EscalateTo | PromptKind::EscalateNote => {
            return super::update_escalate::submit(state, kind, &text);
        }
        PromptKind::AuthorNote => return super::update_author::submit_note(state, &targets, &text),
        PromptKind::EscalationOutcome => {
            return super::update_escalate::submit_outcome(state, &text);
        }
        PromptKind::ReportReason | PromptKind::ReportComment(_) => {
            return super::update_report::submit(state, kind, &text);
        }
        PromptKind::ReportsPeriod => return super::update_reports::submit_period(state, &text),
        PromptKind::Search => {
            state.overlays.pop();
            state.queue.refine.search = (!text.is_empty()).then_some(text);
            let now = state.now_ts();
            state.queue.recompute(now);
            return search_if_needed(state);
        }
        PromptKind::Snooze => when::parse(&text, state.now)
            .map(|until| (LocalChange::SetStatus(Status::Snoozed { until }), true)),
        PromptKind::Tag => {
            let (tag, why) = tag_and_why(&text);
            tag_name(tag).map(|tag| (LocalChange::AddTag { tag, why }, false))
        }
        PromptKind::Untag => {
            let (tag, why) = tag_and_why(&text);
            tag_name(tag).map(|tag| (LocalChange::RemoveTag { tag, why }, false))
        }
        PromptKind::Assign => Ok((
            LocalChange::Assign((!text.is_empty()).then_some(text)),
            false,
        )),
        PromptKind::Confirm(act) => {
            state.overlays.pop();
            if super::update_moderate::confirmed(&text) {
                return super::update_moderate::queue(state, targets, OutAction::Act(act));
            }
            state.notify(Level::Info, format!("{} cancelled", act.as_str()));
            return Vec::new();
        }
        PromptKind::Note if text.is_empty() => Err("the note is empty".to_string()),
        PromptKind::Note => Ok((LocalChange::AddNote(text), false)),
    };
    match result {
        Ok((change, advance)) => {
            state.overlays.pop();
            apply_change(state, targets, change, advance)
        }
        Err(e) => {
            if let Some(Overlay::Prompt(p)) = state.overlays.last_mut() {
                p.error = Some(e);
            }
            Vec::new()
        }
    }
}

/// Tags are lowercase words joined by dashes: `Sales lead` → `sales-lead`.
/// `refund: customer withdrew` → the tag and why (kept in the history).
fn tag_and_why(text: &str) -> (&str, Option<String>) {
    match text.split_once(':') {
        Some((tag, why)) => {
            let why = why.trim();
            (tag, (!why.is_empty()).then(|| why.to_string()))
        }
        None => (text, None),
    }
}

fn tag_name(text: &str) -> Result<String, String> {
    let tag = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("-")
        .to_lowercase();
    if tag.is_empty() {
        return Err("type a tag name".to_string());
    }
    if tag.chars().any(|c| c.is_control() || c == ',' || c == ':') {
        return Err("a tag cannot contain ',' or ':'".to_string());
    }
    Ok(tag)
}

fn field_of(action: Action) -> Option<FilterField> {
    Some(match action {
        Action::FilterNetwork => FilterField::Network,
        Action::FilterAccount => FilterField::Account,
        Action::FilterKind => FilterField::Kind,
        Action::FilterStatus => FilterField::Status,
        Action::FilterTag => FilterField::Tag,
        Action::FilterAssignee => FilterField::Assignee,
        _ => return None,
    })
}

/// The current values of one field of a filter, as strings.
fn chosen(filter: &Filter, field: FilterField) -> Vec<String> {
    match field {
        FilterField::Network => filter.networks.iter().map(|n| n.to_string()).collect(),
        FilterField::Account => filter.accounts.clone(),
        FilterField::Kind => filter.kinds.iter().map(|k| k.to_string()).collect(),
        FilterField::Status => filter.statuses.iter().map(|s| s.to_string()).collect(),
        FilterField::Tag => filter.tags.clone(),
        FilterField::Assignee => filter.assignees.clone(),
    }
}

/// Opens the picker for one filter field, with counts over the rows the
/// rest of the filter lets through.
pub fn open_picker(state: &mut AppState, action: Action) {
    let Some(field) = field_of(action) else {
        return;
    };
    let q = &state.queue;
    let mut without = q.effective();
    without.search = None;
    match field {
        FilterField::Network => without.networks.clear(),
        FilterField::Account => without.accounts.clear(),
        FilterField::Kind => without.kinds.clear(),
        FilterField::Status => without.statuses.clear(),
        FilterField::Tag => without.tags.clear(),
        FilterField::Assignee => without.assignees.clear(),
    }
    let compiled = without.compile(&q.set);
    let now = state.now_ts();
    let names = &q.set.names;
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for row in q
        .set
        .rows
        .iter()
        .filter(|r| compiled.matches(&q.set, r, now))
    {
        let mut bump = |k: String| *counts.entry(k).or_default() += 1;
        match field {
            FilterField::Network => bump(row.network.to_string()),
            FilterField::Account => bump(names.account_name(row.account).to_string()),
            FilterField::Kind => bump(row.kind.to_string()),
            FilterField::Status => bump(row.effective_status(now).to_string()),
            FilterField::Tag => names
                .tag_set(row.tags)
                .iter()
                .for_each(|t| bump(names.tag_name(*t).to_string())),
            FilterField::Assignee => bump(
                names
                    .assignee_name(row.assignee)
                    .unwrap_or("nobody")
                    .to_string(),
            ),
        }
    }
    let all: Vec<String> = match field {
        FilterField::Network => Network::ALL.iter().map(|n| n.to_string()).collect(),
        FilterField::Kind => Kind::ALL.iter().map(|k| k.to_string()).collect(),
        FilterField::Status => StatusKind::ALL.iter().map(|s| s.to_string()).collect(),
        _ => counts.keys().cloned().collect(),
    };
    let current = chosen(&q.refine, field);
    let choices = all
        .into_iter()
        .map(|value| Choice {
            count: counts.get(&value).copied().unwrap_or(0),
            chosen: current.contains(&value),
            value,
        })
        .collect();
    state.overlays.push(Overlay::Picker(Picker {
        field,
        choices,
        query: Default::default(),
        cursor: 0,
    }));
}

fn move_picker(state: &mut AppState, delta: isize) {
    if let Some(Overlay::Picker(p)) = state.overlays.last_mut() {
        let n = p.shown().len().max(1);
        p.cursor = (p.cursor as isize + delta).rem_euclid(n as isize) as usize;
    }
}

fn toggle_choice(state: &mut AppState) {
    if let Some(Overlay::Picker(p)) = state.overlays.last_mut() {
        if let Some(&i) = p.shown().get(p.cursor) {
            p.choices[i].chosen = !p.choices[i].chosen;
        }
        move_picker(state, 1);
    }
}

fn accept_picker(state: &mut AppState) -> Vec<Effect> {
    let Some(Overlay::Picker(mut p)) = state.overlays.pop() else {
        return Vec::new();
    };
    if !p.choices.iter().any(|c| c.chosen)
        && let Some(&i) = p.shown().get(p.cursor)
    {
        p.choices[i].chosen = true;
    }
    let values: Vec<String> = p
        .choices
        .iter()
        .filter(|c| c.chosen)
        .map(|c| c.value.clone())
        .collect();
    let r = &mut state.queue.refine;
    match p.field {
        FilterField::Network => r.networks = values.iter().filter_map(|v| v.parse().ok()).collect(),
        FilterField::Account => r.accounts = values,
        FilterField::Kind => r.kinds = values.iter().filter_map(|v| v.parse().ok()).collect(),
        FilterField::Status => r.statuses = values.iter().filter_map(|v| v.parse().ok()).collect(),
        FilterField::Tag => r.tags = values,
        FilterField::Assignee => r.assignees = values,
    }
    let now = state.now_ts();
    state.queue.recompute(now);
    Vec::new()
}

fn accept_palette(state: &mut AppState) -> Vec<Effect> {
    let Some(Overlay::Palette(p)) = state.overlays.pop() else {
        return Vec::new();
    };
    let Some(spec) = p.matches.get(p.cursor).and_then(|i| ACTIONS.get(*i)) else {
        return Vec::new();
    };
    let mode = state.mode();
    if !allowed(spec.action, mode) {
        let where_ = spec
            .modes
            .iter()
            .map(|m| m.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        state.notify(Level::Warn, format!("{} works in: {where_}", spec.name));
        return Vec::new();
    }
    run_action(state, spec.action)
}
