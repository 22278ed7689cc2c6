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

/// A running session: the sandbox with one new mention, the app and the
/// engine on a temporary store, after the first sync.
struct Live {
    sandbox: Sandbox,
    app: App,
    engine: SyncEngine,
    rx: UnboundedReceiver<SyncEvent>,
    store: Arc<dyn Store>,
    native: String,
}

async fn live(mention: &str) -> Live {
    let sandbox = Sandbox::start(&[(Network::Mastodon, ME)], &[])
        .await
        .unwrap();
    let native = sandbox
        .mastodon
        .mention("margot@mastodon.social", mention, false);
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
        None,
    );
    pump(&mut app, &engine);
    until_synced(&mut app, &engine, &mut rx).await;
    Live {
        sandbox,
        app,
        engine,
        rx,
        store,
        native,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_open_reply_and_see_it_answered() {
    let Live {
        sandbox,
        mut app,
        engine,
        mut rx,
        store,
        native,
    } = live("La bougie figue est-elle de retour ?").await;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn canned_reply_placeholder_lint_fix_send_and_answered() {
    let Live {
        sandbox,
        mut app,
        engine,
        mut rx,
        store,
        native,
    } = live("La bougie figue est-elle de retour ?").await;
    let id = format!("mastodon:{ME}:{native}").parse().unwrap();
    let (seq, _) = store.find(&id).unwrap().unwrap();

    // Open the item, pick the out-of-stock reply with a fuzzy query.
    press(&mut app, &engine, "enter r ctrl-t");
    assert_eq!(app.state.mode(), Mode::Picker);
    type_text(&mut app, "ruptre stock");
    pump(&mut app, &engine);
    match app.state.overlays.last() {
        Some(guichet::tui::state::Overlay::Canned(p)) => {
            assert_eq!(p.matches[p.cursor].name, "rupture-stock", "{:?}", p.matches);
            let preview = p.preview.clone().unwrap();
            assert!(preview.contains("[[date de retour]]"), "{preview}");
        }
        other => panic!("{other:?}"),
    }
    // Insert: the placeholder is asked for at once.
    press(&mut app, &engine, "enter");
    assert_eq!(app.state.mode(), Mode::Input, "the placeholder prompt");
    type_text(&mut app, "15 décembre");
    press(&mut app, &engine, "enter");
    assert_eq!(app.state.mode(), Mode::Compose);
    let draft = app.state.composer.as_ref().unwrap().text();
    assert!(draft.contains("vers le 15 décembre"), "{draft}");

    // A forbidden phrase is an error that blocks sending; one key fixes it.
    press(&mut app, &engine, "enter");
    type_text(&mut app, "Pas de souci pour la suite.");
    pump(&mut app, &engine);
    let c = app.state.composer.as_ref().unwrap();
    assert!(c.errors() > 0, "{:?}", c.findings);
    press(&mut app, &engine, "ctrl-s");
    assert_eq!(app.state.mode(), Mode::Compose, "errors block sending");
    assert!(store.outbox().unwrap().is_empty());
    press(&mut app, &engine, "ctrl-f");
    let c = app.state.composer.as_ref().unwrap();
    assert_eq!(c.errors(), 0, "{:?}", c.findings);
    assert!(
        c.text().to_lowercase().contains("avec plaisir"),
        "{}",
        c.text()
    );

    // Send: queued, the next pass sends it, the item shows answered.
    press(&mut app, &engine, "ctrl-s");
    assert_eq!(store.outbox().unwrap().len(), 1);
    assert!(
        app.state.outbox.contains_key(id.as_str()),
        "in the outbox view"
    );
    until_synced(&mut app, &engine, &mut rx).await;
    let entries = &app.state.outbox[id.as_str()];
    assert!(
        matches!(entries[0].state, SendState::Sent { .. }),
        "{:?}",
        entries[0].state
    );
    assert_eq!(
        store.get(seq).unwrap().unwrap().local.status,
        Status::Answered
    );
    let posted = sandbox.mastodon.posted_by_us();
    assert_eq!(posted.len(), 1);
    assert!(posted[0].2.contains("15 décembre"), "{}", posted[0].2);
    assert_eq!(
        store.reply_usage("camille").unwrap()["rupture-stock"].count,
        1,
        "the picker learns what is used"
    );
    engine.stop(Duration::from_secs(2)).await;
}
