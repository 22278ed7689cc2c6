//! Update for the canned-reply picker (over the composer) and the drafts
//! view: ranking as the agent types, the live preview rendered for the
//! item, inserting (and optionally sending) a reply, and reopening a draft.

use std::collections::BTreeMap;

use super::effect::Effect;
use super::state::{
    AppState, CannedMatch, CannedPicker, Detail, DraftEntry, DraftList, Level, Overlay,
};
use super::update_compose::{self, After};
use crate::model::Item;
use crate::replies::canned::Wave;
use crate::replies::{KitRef, placeholder};

/// Opens the picker over the composer.
pub fn open(state: &mut AppState) {
    if state.composer.is_none() {
        return;
    }
    push_picker(state, Vec::new());
}

/// Opens the picker for a wave: one canned reply to every marked item.
pub fn open_wave(state: &mut AppState, seqs: Vec<u32>) {
    push_picker(state, seqs);
}

fn push_picker(state: &mut AppState, wave: Vec<u32>) {
    state.overlays.push(Overlay::Canned(CannedPicker {
        query: Default::default(),
        matches: Vec::new(),
        cursor: 0,
        preview: Err(String::new()),
        wave,
    }));
    refresh(state);
}

/// Seed for a reply's alternatives: each use of the same reply draws the
/// next combination.
fn seed(state: &AppState, name: &str) -> u64 {
    u64::from(state.usage.get(name).map_or(0, |u| u.count))
}

/// Texts already in the outbox: a new reply avoids repeating one of them
/// word for word (networks treat identical replies as spam).
fn sent_texts(state: &AppState) -> Vec<String> {
    state
        .outbox
        .values()
        .flatten()
        .filter_map(|e| e.action.text().map(str::to_string))
        .collect()
}

/// The item the picker ranks and previews for: the composer's, or the
/// first loaded item of the wave.
fn picker_item(state: &AppState) -> Option<Item> {
    if let Some(c) = state.composer.as_ref() {
        return state.item_seen(c.seq).cloned();
    }
    match state.overlays.last() {
        Some(Overlay::Canned(p)) => p.wave.iter().find_map(|s| state.item_seen(*s)).cloned(),
        _ => None,
    }
}

/// Re-ranks for the current query and re-renders the preview.
pub fn refresh(state: &mut AppState) {
    let Some(item) = picker_item(state) else {
        return;
    };
    let kit = state.kit.clone();
    let query = match state.overlays.last() {
        Some(Overlay::Canned(p)) => p.query.text.clone(),
        _ => return,
    };
    let ranked = crate::replies::canned::rank(&kit.library, &query, &item, &state.usage, state.now);
    let matches: Vec<CannedMatch> = ranked
        .iter()
        .map(|r| CannedMatch {
            name: r.canned.name.clone(),
            title: r.canned.title.clone(),
            category: r.canned.category.clone(),
            lang: r.canned.lang.clone(),
            scope: r.canned.scope.to_string(),
            indices: r.indices.clone(),
        })
        .collect();
    let vars = kit.vars(state.now.date_naive(), BTreeMap::new());
    let Some(Overlay::Canned(p)) = state.overlays.last_mut() else {
        return;
    };
    p.matches = matches;
    if p.cursor >= p.matches.len() {
        p.cursor = 0;
    }
    let selected = p.matches.get(p.cursor).map(|m| m.name.clone());
    let preview = match selected.as_deref().and_then(|n| kit.library.get(n)) {
        Some(canned) => Wave::new(canned, &vars, seed(state, &canned.name))
            .avoiding(sent_texts(state))
            .render(&item)
            .map_err(|e| e.to_string()),
        None => Err("no canned reply matches".to_string()),
    };
    if let Some(Overlay::Canned(p)) = state.overlays.last_mut() {
        p.preview = preview;
    }
}

pub fn move_cursor(state: &mut AppState, by: isize) {
    match state.overlays.last_mut() {
        Some(Overlay::Canned(p)) => {
            p.cursor = step(p.cursor, p.matches.len(), by);
            refresh(state);
        }
        Some(Overlay::Drafts(d)) => {
            let shown = visible(d).len();
            d.cursor = step(d.cursor, shown, by);
        }
        _ => {}
    }
}

fn step(cursor: usize, len: usize, by: isize) -> usize {
    if len == 0 {
        return 0;
    }
    let len = isize::try_from(len).unwrap_or(isize::MAX);
    let at = isize::try_from(cursor).unwrap_or(0);
    usize::try_from((at + by).rem_euclid(len)).unwrap_or(0)
}

/// Inserts the selected reply into the draft (replacing an empty draft),
/// asks for its placeholders, and with `send`, sends it when nothing
/// blocks.
pub fn accept(state: &mut AppState, send: bool) -> Vec<Effect> {
    let Some(Overlay::Canned(p)) = state.overlays.last() else {
        return Vec::new();
    };
    let Some(name) = p.matches.get(p.cursor).map(|m| m.name.clone()) else {
        state.notify(Level::Warn, "no canned reply selected");
        return Vec::new();
    };
    if !p.wave.is_empty() {
        let seqs = p.wave.clone();
        state.overlays.pop();
        state.queue.clear_marks();
        state.notify(
            Level::Info,
            format!("{name}: checking and queuing {} replies…", seqs.len()),
        );
        return vec![Effect::ReplyWave {
            seqs,
            name,
            kit: KitRef(state.kit.clone()),
            now: state.now,
        }];
    }
    let rendered = match &p.preview {
        Ok(text) => text.clone(),
        Err(e) => {
            state.notify(Level::Warn, format!("{name} cannot be used here: {e}"));
            return Vec::new();
        }
    };
    state.overlays.pop();
    let Some(c) = state.composer.as_mut() else {
        return Vec::new();
    };
    if c.text().trim().is_empty() {
        c.set_text(&rendered, rendered.len());
    } else {
        c.insert(&rendered);
    }
    c.template = Some(name);
    update_compose::relint(state);
    let mut effects = update_compose::save_draft(state);
    let has_placeholders = state
        .composer
        .as_ref()
        .is_some_and(|c| !placeholder::find(&c.text()).is_empty());
    if has_placeholders {
        update_compose::fill_next(state);
    } else if send {
        effects.extend(update_compose::send(state, After::Next));
    }
    effects
}

/// Opens the drafts view.
pub fn open_drafts(state: &mut AppState) {
    if state.drafts.is_empty() {
        state.notify(Level::Info, "no drafts: every reply started has been sent");
        return;
    }
    let mut entries: Vec<DraftEntry> = state
        .drafts
        .iter()
        .map(|(seq, d)| DraftEntry {
            seq: *seq,
            label: label(state, *seq, &d.text),
            updated: d.updated,
        })
        .collect();
    entries.sort_by_key(|e| std::cmp::Reverse(e.updated));
    state.overlays.push(Overlay::Drafts(DraftList {
        query: Default::default(),
        entries,
        cursor: 0,
    }));
}

fn label(state: &AppState, seq: u32, text: &str) -> String {
    let who = match state.items.get(&seq) {
        Some(item) => format!(
            "{} @{}",
            item.remote.network.badge(),
            item.remote.author.handle
        ),
        None => state
            .queue
            .row_index(seq)
            .map(|i| state.queue.set.rows[i].network.badge().to_string())
            .unwrap_or_else(|| format!("#{seq}")),
    };
    format!("{who} · {}", crate::text::one_line(text))
}

/// Entries matching the typed filter.
pub fn visible(d: &DraftList) -> Vec<&DraftEntry> {
    let q = crate::text::fold(&d.query.text);
    d.entries
        .iter()
        .filter(|e| q.is_empty() || crate::text::fold(&e.label).contains(&q))
        .collect()
}

/// Opens the chosen draft's item with the composer on it.
pub fn accept_draft(state: &mut AppState) -> Vec<Effect> {
    let Some(Overlay::Drafts(d)) = state.overlays.last() else {
        return Vec::new();
    };
    let Some(seq) = visible(d).get(d.cursor).map(|e| e.seq) else {
        return Vec::new();
    };
    state.overlays.pop();
    state.composer = None;
    state.queue.select(seq);
    state.detail = Some(Detail {
        seq,
        ..Detail::default()
    });
    state.compose_on_open = Some(seq);
    vec![Effect::OpenDetail(seq)]
}

/// Says what a wave queued and what it skipped, and why.
pub fn waved(
    state: &mut AppState,
    name: String,
    queued: Vec<crate::outbox::OutboxEntry>,
    skipped: Vec<String>,
    error: Option<String>,
) -> Vec<Effect> {
    let n = queued.len();
    if n > 0 {
        let used = state
            .usage
            .entry(name.clone())
            .or_insert(crate::store::ReplyUsage {
                count: 0,
                last: state.now,
            });
        used.count += u32::try_from(n).unwrap_or(u32::MAX);
        used.last = state.now;
    }
    for e in queued {
        state.add_outbox(e);
    }
    let mut text = format!("{name}: {n} replies queued, each worded differently");
    if let Some(first) = skipped.first() {
        text.push_str(&format!(" · {} skipped ({first})", skipped.len()));
    }
    let level = match (&error, skipped.is_empty()) {
        (Some(e), _) => {
            text.push_str(&format!(" · stopped: {e}"));
            Level::Error
        }
        (None, false) => Level::Warn,
        (None, true) => Level::Info,
    };
    state.notify(level, text);
    if n > 0 && !state.accounts.is_empty() {
        return vec![Effect::SyncNow];
    }
    Vec::new()
}
