//! Update for the reply composer: opening it on an item (with its saved
//! draft), editing, the live brand-guideline check and length count,
//! fixes, placeholders, and the three ways to send. Every edit saves the
//! draft; sending goes through the outbox. The canned-reply picker and
//! the drafts view are in [`super::update_canned`].

use crossterm::event::KeyEvent;

use super::effect::Effect;
use super::state::{AppState, Composer, Level, Overlay, Prompt, PromptKind};
use super::update::{apply_change, open_selected};
use crate::change::LocalChange;
use crate::model::{Item, Status};
use crate::networks::{Target, capabilities};
use crate::outbox::OutAction;
use crate::replies::{lint, placeholder};
use crate::store::Draft;

/// After sending: where the agent goes next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum After {
    /// The next item (the reply marks this one answered once sent).
    Next,
    /// Mark the item done too, then the next item.
    Done,
    /// Stay on this item, open.
    Keep,
}

/// Opens the composer on `seq`, restoring its draft when there is one of
/// the same kind (reply or private reply). The item is opened too, so its
/// thread shows above the draft.
pub fn open(state: &mut AppState, seq: u32, private: bool) -> Vec<Effect> {
    let Some(item) = state.item_seen(seq).cloned() else {
        state.notify(Level::Warn, "the item is still loading");
        return Vec::new();
    };
    let mut effects = Vec::new();
    if state.detail.as_ref().is_none_or(|d| d.seq != seq) {
        state.detail = Some(super::state::Detail {
            seq,
            item: Some(item.clone()),
            ..Default::default()
        });
        effects.push(Effect::OpenDetail(seq));
    }
    let draft = state.drafts.get(&seq).filter(|d| d.private == private);
    let restored = draft.is_some();
    let text = draft.map(|d| d.text.clone()).unwrap_or_default();
    let template = draft.and_then(|d| d.template.clone());
    let mut composer = Composer::new(seq, &item, private, &text);
    composer.template = template;
    composer.closes = closes(&item, private);
    composer.seen.thread = loaded_thread(state, seq);
    state.composer = Some(Box::new(composer));
    relint(state);
    if restored {
        state.notify(Level::Info, "draft restored");
    }
    effects
}

/// Opens the composer on a queued, unsent reply to edit it.
pub fn open_replacing(state: &mut AppState, seq: u32, text: &str, entry: u64) -> Vec<Effect> {
    let effects = open(state, seq, false);
    if let Some(c) = state.composer.as_mut() {
        c.set_text(text, text.len());
        c.replaces = Some(entry);
    }
    relint(state);
    effects
}

/// The thread's seqs when the open item's thread has loaded (a loaded
/// thread always holds the item itself).
fn loaded_thread(state: &AppState, seq: u32) -> Option<Vec<u32>> {
    let d = state.detail.as_ref().filter(|d| d.seq == seq)?;
    (!d.thread.is_empty()).then(|| d.thread_seqs.clone())
}

/// The item's thread arrived: what the agent sees from now on is what a
/// reply is checked against before it goes out.
pub fn thread_loaded(state: &mut AppState, seq: u32) {
    let thread = loaded_thread(state, seq);
    if let Some(c) = state
        .composer
        .as_mut()
        .filter(|c| c.seq == seq && c.seen.thread.is_none())
    {
        c.seen.thread = thread;
    }
}

/// When the network stops accepting this answer, and the window's name.
fn closes(item: &Item, private: bool) -> Option<(chrono::DateTime<chrono::Utc>, String)> {
    let caps = capabilities(item.remote.network);
    if private {
        let window = caps.private_reply_window?;
        return Some((
            item.remote.created_at + window,
            "private reply window".into(),
        ));
    }
    if item.remote.kind != crate::model::Kind::DirectMessage {
        return None;
    }
    let window = caps.dm_window?;
    let target = Target::from_remote(&item.remote);
    let since = target.last_customer_message_at.unwrap_or(target.created_at);
    Some((
        since + window.standard,
        format!("{} reply window", window.owner),
    ))
}

/// Recounts and rechecks the draft; keeps the focused finding in range
/// and highlights its text in the editor.
pub fn relint(state: &mut AppState) {
    let kit = state.kit.clone();
    let Some(c) = state.composer.as_mut() else {
        return;
    };
    let text = c.text();
    c.counted = crate::networks::count_for(c.network, c.kind, &text);
    c.findings = if text.trim().is_empty() {
        Vec::new()
    } else {
        let lang = c
            .template
            .as_deref()
            .and_then(|t| kit.library.get(t))
            .map(|t| t.lang.as_str());
        kit.lint(&text, c.network, c.kind, !c.private && !is_dm(c), lang)
    };
    // Errors first, then by position: what blocks sending is seen first.
    c.findings
        .sort_by_key(|f| (f.level, f.span.start, f.span.end));
    if c.focus >= c.findings.len() {
        c.focus = 0;
    }
    highlight(c, &text);
}

fn is_dm(c: &Composer) -> bool {
    c.kind == crate::model::Kind::DirectMessage
}

/// Marks the focused finding's text in the editor (the editor highlights
/// search matches; the finding's exact text is the pattern).
fn highlight(c: &mut Composer, text: &str) {
    let pattern = c
        .findings
        .get(c.focus)
        .and_then(|f| text.get(f.span.clone()))
        .filter(|s| !s.trim().is_empty() && !s.contains('\n'))
        .map(regex::escape)
        .unwrap_or_default();
    // An escaped literal always compiles; an error only clears the mark.
    let _ = c.editor.set_search_pattern(pattern);
}

/// A key the keymap did not claim: it edits the draft.
pub fn key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    let Some(c) = state.composer.as_mut() else {
        return Vec::new();
    };
    if !c.editor.input(key) {
        return Vec::new();
    }
    c.unsaved = true;
    relint(state);
    save_draft(state)
}

/// Pasted text goes into the draft as is (the composer is multi-line).
pub fn paste(state: &mut AppState, text: &str) -> Vec<Effect> {
    let Some(c) = state.composer.as_mut() else {
        return Vec::new();
    };
    let clean = crate::text::sanitize(text, true);
    c.insert(&clean);
    relint(state);
    save_draft(state)
}

/// The effect that makes the draft durable (or removes an emptied one),
/// with the in-memory drafts list kept in step.
pub fn save_draft(state: &mut AppState) -> Vec<Effect> {
    let now = state.now;
    let Some(c) = state.composer.as_mut() else {
        return Vec::new();
    };
    if !c.unsaved {
        return Vec::new();
    }
    c.unsaved = false;
    let text = c.text();
    let draft = (!text.trim().is_empty()).then(|| Draft {
        text,
        template: c.template.clone(),
        private: c.private,
        updated: now,
    });
    match &draft {
        Some(d) => state.drafts.insert(c.seq, d.clone()),
        None => state.drafts.remove(&c.seq),
    };
    vec![Effect::SaveDraft {
        item: c.item.clone(),
        draft,
    }]
}

/// Esc: closes the composer; the draft stays saved.
pub fn close(state: &mut AppState) -> Vec<Effect> {
    let effects = save_draft(state);
    if let Some(c) = state.composer.take()
        && state.drafts.contains_key(&c.seq)
    {
        state.notify(Level::Info, "draft kept · r reopens it");
    }
    effects
}

pub fn next_finding(state: &mut AppState) {
    let Some(c) = state.composer.as_mut() else {
        return;
    };
    if c.findings.is_empty() {
        state.notify(
            Level::Info,
            "nothing to fix: the reply follows the guidelines",
        );
        return;
    }
    c.focus = (c.focus + 1) % c.findings.len();
    let text = c.text();
    highlight(c, &text);
}

/// Applies the focused finding's fix (or the first finding that has one).
pub fn fix(state: &mut AppState) -> Vec<Effect> {
    let Some(c) = state.composer.as_mut() else {
        return Vec::new();
    };
    let pick = c
        .findings
        .get(c.focus)
        .filter(|f| f.fix.is_some())
        .or_else(|| c.findings.iter().find(|f| f.fix.is_some()))
        .and_then(|f| f.fix.clone());
    let Some(fix) = pick else {
        let what = if c.findings.is_empty() {
            "nothing to fix"
        } else {
            "no automatic fix for this one: edit the text"
        };
        state.notify(Level::Info, what);
        return Vec::new();
    };
    let text = c.text();
    let fixed = lint::apply(&text, &fix);
    let cursor = fix.span.start + fix.replacement.len();
    c.set_text(&fixed, cursor);
    state.notify(Level::Info, format!("fixed: {}", fix.label));
    relint(state);
    save_draft(state)
}

/// Asks for the next unfilled placeholder, if any.
pub fn fill_next(state: &mut AppState) {
    let Some(c) = state.composer.as_ref() else {
        return;
    };
    let Some(next) = placeholder::find(&c.text()).into_iter().next() else {
        state.notify(Level::Info, "no placeholder left to fill");
        return;
    };
    state.overlays.push(Overlay::Prompt(Prompt {
        kind: PromptKind::Fill,
        input: Default::default(),
        completions: Vec::new(),
        targets: vec![c.seq],
        error: None,
        subject: Some(next.label),
    }));
}

/// The agent typed the value of the placeholder being asked for.
pub fn submit_fill(state: &mut AppState, label: &str, value: &str) -> Vec<Effect> {
    let value = crate::text::one_line(value.trim());
    if value.is_empty() {
        if let Some(Overlay::Prompt(p)) = state.overlays.last_mut() {
            p.error = Some(format!("type the {label}, or esc to leave it for later"));
        }
        return Vec::new();
    }
    state.overlays.pop();
    let Some(c) = state.composer.as_mut() else {
        return Vec::new();
    };
    let text = c.text();
    let at = placeholder::find(&text)
        .into_iter()
        .find(|p| p.label == label)
        .map_or(text.len(), |p| p.span.start + value.len());
    c.set_text(&placeholder::fill(&text, label, &value), at);
    relint(state);
    let effects = save_draft(state);
    let more = state
        .composer
        .as_ref()
        .is_some_and(|c| !placeholder::find(&c.text()).is_empty());
    if more {
        fill_next(state);
    }
    effects
}

pub fn toggle_override(state: &mut AppState) {
    let Some(c) = state.composer.as_mut() else {
        return;
    };
    c.override_errors = !c.override_errors;
    let on = c.override_errors;
    state.notify(
        Level::Warn,
        if on {
            "guideline errors will not block this reply (the override is recorded)"
        } else {
            "guideline errors block sending again"
        },
    );
}

/// Why the draft cannot be sent as it stands, if it cannot.
fn refusal(c: &Composer, text: &str) -> Option<String> {
    if text.trim().is_empty() {
        return Some("the reply is empty".into());
    }
    if let Some(p) = placeholder::find(text).first() {
        let marker = text.get(p.span.clone()).unwrap_or("a placeholder");
        return Some(format!("fill in {marker} first"));
    }
    if let Some(problem) = c.counted.problem() {
        return Some(format!("not sent: {problem}"));
    }
    let errors = c.errors();
    if errors > 0 && !c.override_errors {
        let first = c
            .findings
            .iter()
            .find(|f| f.level == lint::Level::Error)
            .map(|f| f.message.clone())
            .unwrap_or_default();
        let s = if errors == 1 { "" } else { "s" };
        return Some(format!(
            "{errors} guideline error{s} block sending: {first} · fix, or override"
        ));
    }
    None
}

/// Sends the draft through the outbox, then moves on as `after` says.
pub fn send(state: &mut AppState, after: After) -> Vec<Effect> {
    let Some(c) = state.composer.as_deref() else {
        return Vec::new();
    };
    let text = c.text().trim().to_string();
    if let Some(why) = refusal(c, &text) {
        state.notify(Level::Warn, why);
        return Vec::new();
    }
    let (seq, private, template, seen) = (c.seq, c.private, c.template.clone(), c.seen.clone());
    let mut effects: Vec<Effect> = c.replaces.map(Effect::DropReply).into_iter().collect();
    if c.override_errors && c.errors() > 0 {
        let rules: Vec<&str> = c
            .findings
            .iter()
            .filter(|f| f.level == lint::Level::Error)
            .map(|f| f.rule)
            .collect();
        effects.push(Effect::Change {
            seqs: vec![seq],
            change: LocalChange::Record(format!(
                "sent despite guideline errors: {}",
                rules.join(", ")
            )),
        });
    }
    let action = if private {
        OutAction::PrivateReply { text }
    } else {
        OutAction::Reply { text }
    };
    effects.push(Effect::Enqueue {
        seq,
        action,
        seen: Some(seen),
    });
    if let Some(name) = template {
        let used = state
            .usage
            .entry(name.clone())
            .or_insert(crate::store::ReplyUsage {
                count: 0,
                last: state.now,
            });
        used.count += 1;
        used.last = state.now;
        effects.push(Effect::RecordUse { name });
    }
    let item = c.item.clone();
    state.drafts.remove(&seq);
    effects.push(Effect::SaveDraft { item, draft: None });
    state.composer = None;
    match after {
        After::Keep => {}
        After::Done => {
            effects.extend(apply_change(
                state,
                vec![seq],
                LocalChange::SetStatus(Status::Done),
                true,
            ));
        }
        After::Next => effects.extend(advance(state, seq)),
    }
    if !state.accounts.is_empty() {
        effects.push(Effect::SyncNow);
    }
    effects
}

/// Moves to the item after `seq` and opens it when an item was open.
fn advance(state: &mut AppState, seq: u32) -> Vec<Effect> {
    if state.queue.selected != Some(seq) || !state.auto_advance {
        return Vec::new();
    }
    state.queue.move_by(1);
    if state.detail.is_some() && state.queue.selected != Some(seq) {
        return open_selected(state);
    }
    Vec::new()
}

/// Hands the draft to the external editor.
pub fn editor(state: &mut AppState) -> Vec<Effect> {
    let Some(c) = state.composer.as_ref() else {
        return Vec::new();
    };
    vec![Effect::Editor {
        seq: c.seq,
        text: c.text(),
    }]
}

/// The external editor's result replaces the draft (when the composer is
/// still on that item).
pub fn edited(state: &mut AppState, seq: u32, result: Result<String, String>) -> Vec<Effect> {
    let text = match result {
        Ok(text) => text,
        Err(e) => {
            state.notify(Level::Error, format!("the editor failed: {e}"));
            return Vec::new();
        }
    };
    let Some(c) = state.composer.as_mut().filter(|c| c.seq == seq) else {
        return Vec::new();
    };
    let text = crate::text::sanitize(text.trim_end_matches('\n'), true).into_owned();
    c.set_text(&text, text.len());
    relint(state);
    save_draft(state)
}
