//! A live headless session: the real `App`, the real sync engine and the
//! Mastodon connector against the sandbox. Sync, open, reply, and see the
//! item answered, the way the event loop drives it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use guichet::action::Mode;
use guichet::config::{AccountConfig, TokenSource};
use guichet::keymap::Keymap;
use guichet::model::{Network, Status, StatusKind};
use guichet::outbox::SendState;
use guichet::sandbox::{Sandbox, mastodon::TOKEN};
use guichet::store::{SledStore, Store};
use guichet::sync::engine::{SyncEngine, SyncEvent, SyncState};
use guichet::theme::Theme;
use guichet::tui::App;
use guichet::tui::effect::{Outcome, execute};
use tokio::sync::mpsc::UnboundedReceiver;

mod common;
use common::session::{config, type_text};

const ME: &str = "atelierlumen@piaille.fr";

/// Runs the app's effects as the event loop does, in order: a "sync now"
/// comes back as `SyncRequested` once the writes before it are done, and
/// goes to the engine.
fn pump(app: &mut App, engine: &SyncEngine) {
    let agent = app.state.agent.clone();
    for _ in 0..100 {
        let effects = app.take_effects();
        if effects.is_empty() {
            break;
        }
        for effect in effects {
            match execute(app.store(), &agent, effect) {
                Some(Outcome::SyncRequested) => engine.sync_now(),
                Some(outcome) => app.on_outcome(outcome),
                None => {}
            }
        }
    }
    app.hydrate();
}

fn press(app: &mut App, engine: &SyncEngine, script: &str) {
    for chord in guichet::keymap::parse_sequence(script).unwrap() {
        app.on_key(crossterm::event::KeyEvent::new(chord.code, chord.mods));
        pump(app, engine);
    }
}

/// Feeds sync events to the app until a pass ends.
async fn until_synced(app: &mut App, engine: &SyncEngine, rx: &mut UnboundedReceiver<SyncEvent>) {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(20), rx.recv())
            .await
            .expect("a sync event")
            .unwrap();
        let done = event.state != SyncState::Syncing;
        app.on_sync(event);
        pump(app, engine);
        if done {
            return;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_open_reply_and_see_it_answered() {
    let sandbox = Sandbox::start(&[(Network::Mastodon, ME)], &[])
        .await
        .unwrap();
    let native = sandbox.mastodon.mention(
        "margot@mastodon.social",
        "La bougie figue est-elle de retour ?",
        false,
    );
    let mut config = config();
    config.accounts = vec![AccountConfig {
        network: Network::Mastodon,
        handle: ME.to_string(),
        base_url: sandbox.base_url(Network::Mastodon),
        token: TokenSource::Fixed(TOKEN.to_string()),
        first_sync_depth: 500,
        meta: None,
        ids: Default::default(),
    }];
    let store: Arc<dyn Store> = Arc::new(SledStore::temporary().unwrap());
    let keymap = Keymap::load(&config.keymap, None).unwrap();
    let (theme, _) = Theme::load("default", None).unwrap();
    let mut app = App::new(&config, keymap, theme, store.clone(), Utc::now()).unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let engine = SyncEngine::start(
        store.clone(),
        config.accounts.clone(),
        Duration::from_secs(3600),
        tx,
    );
    pump(&mut app, &engine);
    until_synced(&mut app, &engine, &mut rx).await;
    assert!(
        matches!(app.state.accounts[0].1, SyncState::Ok { new: 1, .. }),
        "{:?}",
        app.state.accounts
    );
    let id = format!("mastodon:{ME}:{native}").parse().unwrap();
    let (seq, _) = store.find(&id).unwrap().unwrap();
    assert_eq!(
        app.state.queue.selected,
        Some(seq),
        "the new item is in the queue"
    );

    press(&mut app, &engine, "enter r");
    assert_eq!(app.state.mode(), Mode::Compose);
    type_text(&mut app, "Oui, depuis ce matin !");
    press(&mut app, &engine, "ctrl-s");
    // The reply is queued and "sync now" sends it in the next pass.
    until_synced(&mut app, &engine, &mut rx).await;

    let entries = &app.state.outbox[id.as_str()];
    assert!(
        matches!(entries[0].state, SendState::Sent { .. }),
        "{:?}",
        entries[0].state
    );
    let row = app
        .state
        .queue
        .set
        .rows
        .iter()
        .find(|r| r.seq == seq)
        .unwrap();
    assert_eq!(
        row.status,
        StatusKind::Answered,
        "the queue shows it answered"
    );
    assert_eq!(
        store.get(seq).unwrap().unwrap().local.status,
        Status::Answered
    );
    let posted = sandbox.mastodon.posted_by_us();
    assert_eq!(posted.len(), 1);
    assert_eq!(posted[0].1.as_deref(), Some(native.as_str()));
    engine.stop(Duration::from_secs(2)).await;
}
