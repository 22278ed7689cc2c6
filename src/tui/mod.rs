//! The terminal UI: state, pure update, views, and the event loop.
//!
//! One task owns the [`App`]. Terminal input, effect results and a clock
//! tick arrive by channel (`tokio::select!`, keystrokes first); bursts are
//! drained before one redraw, and nothing is drawn when nothing changed.
//! Store work runs on two blocking workers: writes in order on one, reads
//! (row loads, searches, opening an item) on the other, newest search wins.

pub mod app;
pub mod author;
pub mod collision;
pub mod editor;
pub mod effect;
pub mod state;
pub mod terminal;
pub mod ui;
pub mod update;
pub mod update_attention;
pub mod update_author;
pub mod update_canned;
pub mod update_compose;
pub mod update_escalate;
pub mod update_moderate;
pub mod update_outcome;
pub mod update_overlay;
pub mod update_reply;
pub mod update_report;
pub mod update_reports;
pub mod update_rules;
pub mod update_shift;
pub mod wave;

#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use crossterm::event::{Event as TermEvent, EventStream, KeyEventKind};
use futures::StreamExt;
use tokio::sync::mpsc;

pub use app::App;
use effect::{Effect, Outcome, execute};

use crate::config::Config;
use crate::keymap::Keymap;
use crate::store::Store;
use crate::sync::engine::{SyncEngine, SyncEvent};
use crate::theme::Theme;

/// Loads the keymap and theme named by `config`, with every problem
/// reported before the terminal is touched.
pub fn load_look(config: &Config) -> anyhow::Result<(Keymap, Theme)> {
    let user = config.user_keymap()?;
    let keymap = Keymap::load(
        &config.keymap,
        user.as_ref().map(|(p, s)| (p.as_path(), s.as_str())),
    )?;
    let (theme, warnings) = Theme::load(&config.theme, Some(&config.themes_dir()))?;
    for w in warnings {
        tracing::warn!("{w}");
    }
    Ok((keymap, theme))
}

/// Opens the TUI on `store` with `config`; returns when the user quits.
/// With `shift`, a shift is already running when it opens.
pub fn run_tui(config: Config, store: Arc<dyn Store>, shift: bool) -> anyhow::Result<()> {
    let (keymap, theme) = load_look(&config)?;
    let mut app = App::new(&config, keymap, theme, store.clone(), chrono::Utc::now())?;
    if shift {
        app.start_shift();
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let accounts = config.accounts.clone();
    let every = config.sync_every;
    let engine_store = store.clone();
    let auto = crate::triage::auto::AutoModeration::from_dir(&config.dir, config.example_rules)?
        .map(Arc::new);
    // Reads the SMTP password (env or command) before the terminal is taken.
    let handoffs = crate::triage::handoff::HandoffSender::from_config(&config);
    let result = runtime.block_on(async move {
        let (sync_tx, sync_rx) = mpsc::unbounded_channel();
        let mut engine =
            SyncEngine::start(engine_store.clone(), accounts, every, sync_tx.clone(), auto);
        engine.start_handoffs(engine_store, handoffs, sync_tx);
        let result = event_loop(app, &engine, sync_rx).await;
        engine.stop(Duration::from_secs(3)).await;
        result
    });
    store.flush().context("flushing the store")?;
    result
}

/// Spawns the two store workers; returns the senders for writes and reads.
fn workers(
    store: Arc<dyn Store>,
    agent: String,
    out: mpsc::UnboundedSender<Outcome>,
) -> (mpsc::UnboundedSender<Effect>, mpsc::UnboundedSender<Effect>) {
    let (write_tx, mut write_rx) = mpsc::unbounded_channel::<Effect>();
    let (read_tx, mut read_rx) = mpsc::unbounded_channel::<Effect>();
    let (s, a, o) = (store.clone(), agent.clone(), out.clone());
    tokio::task::spawn_blocking(move || {
        while let Some(first) = write_rx.blocking_recv() {
            let mut batch = vec![first];
            while let Ok(more) = write_rx.try_recv() {
                batch.push(more);
            }
            for effect in superseded_drafts_dropped(batch) {
                let Some(outcome) = execute(&s, &a, effect) else {
                    continue;
                };
                if o.send(outcome).is_err() {
                    return;
                }
            }
        }
    });
    tokio::task::spawn_blocking(move || {
        while let Some(first) = read_rx.blocking_recv() {
            let mut batch = vec![first];
            while let Ok(more) = read_rx.try_recv() {
                batch.push(more);
            }
            // Only the newest search matters.
            let last_search = batch.iter().rposition(|e| matches!(e, Effect::Search(_)));
            for (i, effect) in batch.into_iter().enumerate() {
                if matches!(effect, Effect::Search(_)) && Some(i) != last_search {
                    continue;
                }
                let Some(outcome) = execute(&store, &agent, effect) else {
                    continue;
                };
                if out.send(outcome).is_err() {
                    return;
                }
            }
        }
    });
    (write_tx, read_tx)
}

/// Typing saves the draft at every key; when saves pile up behind a slow
/// disk, only the last save of each item in the batch needs writing. The
/// order of everything else is kept.
fn superseded_drafts_dropped(batch: Vec<Effect>) -> Vec<Effect> {
    let draft_of = |e: &Effect| match e {
        Effect::SaveDraft { item, .. } => Some(item.clone()),
        _ => None,
    };
    let mut out = Vec::with_capacity(batch.len());
    for (i, effect) in batch.iter().enumerate() {
        let later = draft_of(effect).is_some_and(|id| {
            batch[i + 1..]
                .iter()
                .any(|e| draft_of(e).as_ref() == Some(&id))
        });
        if !later {
            out.push(effect.clone());
        }
    }
    out
}

async fn event_loop(
    mut app: App,
    engine: &SyncEngine,
    mut sync_rx: mpsc::UnboundedReceiver<SyncEvent>,
) -> anyhow::Result<()> {
    let mut guard = terminal::TerminalGuard::new().context("cannot set up the terminal")?;
    let (out_tx, mut out_rx) = mpsc::unbounded_channel();
    let (write_tx, read_tx) = workers(app.store().clone(), app.state.agent.clone(), out_tx);
    let mut input = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        let dispatch = |app: &mut App| {
            let mut editing = Vec::new();
            for effect in app.take_effects() {
                if let Effect::Editor { seq, text } = effect {
                    editing.push((seq, text));
                    continue;
                }
                let tx = match effect::lane(&effect) {
                    effect::Lane::Write => &write_tx,
                    effect::Lane::Read => &read_tx,
                };
                let _ = tx.send(effect);
            }
            editing
        };
        for (seq, text) in dispatch(&mut app) {
            // The editor owns the terminal meanwhile: stop reading keys.
            drop(input);
            let result = guard
                .suspended(|| editor::edit(&text))
                .context("taking the terminal back from the editor")?;
            input = EventStream::new();
            app.on_outcome(Outcome::Edited { seq, result });
        }
        dispatch(&mut app);
        if app.should_quit() {
            break;
        }
        if app.take_dirty() {
            guard.terminal.draw(|f| app.draw(f)).context("drawing")?;
        }
        tokio::select! {
            biased;
            ev = input.next() => match ev {
                Some(Ok(ev)) => handle_term(&mut app, ev),
                Some(Err(e)) => return Err(e).context("reading the terminal"),
                None => break,
            },
            Some(outcome) = out_rx.recv() => {
                for outcome in std::iter::once(outcome).chain(std::iter::from_fn(|| out_rx.try_recv().ok())) {
                    match outcome {
                        Outcome::SyncRequested => engine.sync_now(),
                        other => app.on_outcome(other),
                    }
                }
            }
            Some(event) = sync_rx.recv() => {
                app.on_sync(event);
                while let Ok(more) = sync_rx.try_recv() {
                    app.on_sync(more);
                }
            }
            _ = tick.tick() => app.on_tick(chrono::Utc::now()),
        }
    }
    // Let pending writes finish so nothing the user did is lost.
    drop(write_tx);
    drop(read_tx);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while let Ok(Some(outcome)) = tokio::time::timeout_at(deadline, out_rx.recv()).await {
        if let Outcome::Changed { result: Err(e), .. } = outcome {
            tracing::error!("a change could not be saved at exit: {e}");
        }
    }
    Ok(())
}

fn handle_term(app: &mut App, ev: TermEvent) {
    match ev {
        TermEvent::Key(key) if key.kind != KeyEventKind::Release => app.on_key(key),
        TermEvent::Paste(text) => app.on_paste(&text),
        TermEvent::Resize(..) => app.on_resize(),
        _ => {}
    }
}
