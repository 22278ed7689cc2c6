//! [`App`]: the state, the keymap, the theme and a store handle, glued
//! together. It turns key presses into actions through the keymap, runs
//! `update`, collects effects, and reads from the store the items of the
//! rows about to be drawn. The terminal loop (`tui::run`) and the headless
//! tests drive the same `App`.

use std::sync::Arc;

use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;

use super::effect::{Effect, Outcome, execute};
use super::state::{AppState, Level, QueueState};
use super::ui;
use super::update::{self, search_if_needed};
use super::update_outcome::apply;
use super::update_overlay::{self, TextInput};
use crate::config::Config;
use crate::keymap::{KeyChord, Keymap, Lookup, format_sequence};
use crate::store::Store;
use crate::sync::engine::SyncState;
use crate::theme::Theme;

/// How many rows the first screen reads before the full index arrives.
const FIRST_SCREEN: usize = 200;
/// Item cache bound: a few screens' worth.
const CACHE_MAX: usize = 2_000;

pub struct App {
    pub state: AppState,
    pub keymap: Keymap,
    pub theme: Theme,
    store: Arc<dyn Store>,
    pending: Vec<KeyChord>,
    effects: Vec<Effect>,
    dirty: bool,
}

impl App {
    /// Builds the app on the first screen of rows; the full row index is
    /// requested as the first effect.
    pub fn new(
        config: &Config,
        keymap: Keymap,
        theme: Theme,
        store: Arc<dyn Store>,
        now: chrono::DateTime<Utc>,
    ) -> anyhow::Result<App> {
        let mut queue = QueueState::new(config.views.clone());
        queue.set_rows(store.first_rows(FIRST_SCREEN)?, true, now.timestamp());
        let mut state = AppState::new(queue, config.agent.clone(), config.auto_advance, now);
        state.accounts = config
            .accounts
            .iter()
            .map(|a| (a.label(), SyncState::Idle))
            .collect();
        state.kit = Arc::new(crate::replies::Kit::load(config)?);
        state.handoff_callback = config.handoff_callback.clone();
        let tags_file = config.dir.join("tags.toml");
        if tags_file.exists() {
            state.tags = Arc::new(crate::triage::tags::Tags::load(&tags_file)?);
        }
        state.report_clock = crate::report::Clock {
            zone: config.timezone,
            hours: config.business_hours.clone(),
        };
        state.usage = store.reply_usage(&config.agent)?;
        state.shift_refresh = i64::try_from(config.shift_refresh.as_secs()).unwrap_or(i64::MAX);
        for (id, draft) in store.drafts()? {
            // A draft whose item is gone has nothing to answer any more.
            if let Some((seq, _)) = store.find(&id)? {
                state.drafts.insert(seq, draft);
            }
        }
        Ok(App {
            state,
            keymap,
            theme,
            store,
            pending: Vec::new(),
            effects: vec![Effect::LoadRows],
            dirty: true,
        })
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    /// True once, after something changed that needs a redraw.
    pub fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }

    pub fn should_quit(&self) -> bool {
        self.state.quit
    }

    /// A key press: through the keymap to actions, or typed as text.
    pub fn on_key(&mut self, key: KeyEvent) {
        self.dirty = true;
        let chord = KeyChord::from_event(&key);
        let mode = self.state.mode();
        if !self.pending.is_empty() && key.code == KeyCode::Esc {
            // Esc abandons a half-typed sequence and nothing else.
            self.end_sequence();
            return;
        }
        self.pending.push(chord);
        match self.keymap.lookup(mode, &self.pending) {
            Lookup::Matched(actions) => {
                self.end_sequence();
                for action in actions {
                    if !action.only_moves() {
                        self.load_in_hand();
                    }
                    let effects = update::update(&mut self.state, action);
                    self.effects.extend(effects);
                    if self.state.quit {
                        break;
                    }
                }
            }
            Lookup::Pending(next) => {
                self.state.pending = format_sequence(&self.pending);
                self.state.which_key = next;
            }
            Lookup::NotFound => {
                let single = self.pending.len() == 1;
                let typed = format_sequence(&self.pending);
                self.end_sequence();
                if mode == crate::action::Mode::Compose && single {
                    let effects = super::update_compose::key(&mut self.state, key);
                    self.effects.extend(effects);
                } else if mode.takes_text() && single {
                    if let Some(input) = text_input(&key) {
                        update_overlay::text(&mut self.state, input);
                    }
                } else if !single {
                    self.state
                        .notify(Level::Warn, format!("{typed} is not bound"));
                }
            }
        }
    }

    fn end_sequence(&mut self) {
        self.pending.clear();
        self.state.pending.clear();
        self.state.which_key.clear();
    }

    pub fn on_paste(&mut self, text: &str) {
        if self.state.mode() == crate::action::Mode::Compose {
            let effects = super::update_compose::paste(&mut self.state, text);
            self.effects.extend(effects);
            self.dirty = true;
        } else if self.state.mode().takes_text() {
            update_overlay::text(&mut self.state, TextInput::Paste(text.to_string()));
            self.dirty = true;
        }
    }

    /// Starts a shift (`guichet shift`), as `shift.toggle` would.
    pub fn start_shift(&mut self) {
        if self.state.shift.is_none() {
            let effects = super::update_shift::toggle(&mut self.state);
            self.effects.extend(effects);
            self.dirty = true;
        }
    }

    pub fn on_outcome(&mut self, outcome: Outcome) {
        let recount = super::update_shift::recount_after(&self.state, &outcome);
        self.effects.extend(recount);
        let effects = apply(&mut self.state, outcome);
        self.effects.extend(effects);
        super::update_shift::row_counts(&mut self.state);
        let follow_up = search_if_needed(&mut self.state);
        self.effects.extend(follow_up);
        self.dirty = true;
    }

    /// A sync engine report: the account's state, and fresh rows when the
    /// pass stored anything.
    pub fn on_sync(&mut self, event: crate::sync::engine::SyncEvent) {
        let changed = event
            .report
            .as_ref()
            .is_some_and(|r| r.summary.new + r.summary.updated + r.reopened > 0);
        if event.account == crate::sync::engine::HANDOFFS {
            // Not an account: hand-offs were delivered or failed.
            self.effects.push(Effect::LoadOutbox);
            self.dirty = true;
            return;
        }
        let finished = event.state != SyncState::Syncing;
        match self
            .state
            .accounts
            .iter_mut()
            .find(|(label, _)| *label == event.account)
        {
            Some(slot) => slot.1 = event.state,
            None => self.state.accounts.push((event.account, event.state)),
        }
        if changed {
            self.effects.push(Effect::LoadRows);
        }
        if finished {
            // A pass may have sent replies from the outbox.
            self.effects.push(Effect::LoadOutbox);
        }
        self.dirty = true;
    }

    pub fn on_tick(&mut self, now: chrono::DateTime<Utc>) {
        if update::tick(&mut self.state, now) {
            self.dirty = true;
        }
        let refresh = super::update_shift::tick(&mut self.state, now);
        self.effects.extend(refresh);
    }

    pub fn on_resize(&mut self) {
        self.dirty = true;
    }

    /// Reads what the screen needs and is not cached yet: the glances of
    /// the rows on screen, and the open item whole. Local reads of a few
    /// dozen records: cheap enough for the UI task.
    pub fn hydrate(&mut self) {
        let lines = self.state.on_screen();
        if self.state.glances.len() > CACHE_MAX {
            self.state.glances.retain(|seq, _| lines.contains(seq));
        }
        let missing: Vec<u32> = lines
            .iter()
            .copied()
            .filter(|s| !self.state.glances.contains_key(s))
            .collect();
        if !missing.is_empty() {
            match self.store.glances(&missing) {
                Ok(found) => self.state.glances.extend(found),
                Err(e) => {
                    tracing::error!(error = %e, "queue lines unreadable");
                    self.state
                        .notify(Level::Error, format!("the queue lines are unreadable: {e}"));
                }
            }
        }
        // The open item is shown whole; the selected one is read when a key
        // acts on it, so moving through rows reads no item.
        let open: Vec<u32> = self.state.detail.iter().map(|d| d.seq).collect();
        self.load_items(open);
    }

    /// Reads the whole items that keys act on (selected, open, first
    /// marked), before an action that may need them runs.
    pub fn load_in_hand(&mut self) {
        let wanted = self.state.in_hand();
        self.load_items(wanted);
    }

    fn load_items(&mut self, wanted: Vec<u32>) {
        if self.state.items.len() > CACHE_MAX {
            self.state.items.retain(|seq, _| wanted.contains(seq));
        }
        for seq in wanted {
            if self.state.items.contains_key(&seq) {
                continue;
            }
            match self.store.get(seq) {
                Ok(Some(item)) => {
                    self.state.items.insert(seq, item);
                }
                Ok(None) => {}
                Err(e) => {
                    tracing::error!(seq, error = %e, "item unreadable");
                    self.state
                        .notify(Level::Error, format!("item #{seq} is unreadable: {e}"));
                }
            }
        }
    }

    /// Lays out, loads what is visible, and draws.
    pub fn draw(&mut self, frame: &mut Frame) {
        let height = ui::queue_height(frame.area(), &self.state);
        self.state.queue.set_height(height);
        self.hydrate();
        ui::render(frame, &self.state, &self.keymap, &self.theme);
    }

    /// Runs every pending effect inline until none is left (headless tests
    /// and scripted sessions).
    pub fn settle(&mut self) {
        let agent = self.state.agent.clone();
        for _ in 0..100 {
            let effects = self.take_effects();
            if effects.is_empty() {
                return;
            }
            for effect in effects {
                if let Some(outcome) = execute(&self.store, &agent, effect) {
                    self.on_outcome(outcome);
                }
            }
        }
    }
}

/// Editing keys and characters typed into a text field.
fn text_input(key: &KeyEvent) -> Option<TextInput> {
    if key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    {
        return None;
    }
    Some(match key.code {
        KeyCode::Char(c) => TextInput::Char(c),
        KeyCode::Backspace => TextInput::Backspace,
        KeyCode::Delete => TextInput::Delete,
        KeyCode::Left => TextInput::Left,
        KeyCode::Right => TextInput::Right,
        KeyCode::Home => TextInput::Home,
        KeyCode::End => TextInput::End,
        _ => return None,
    })
}
