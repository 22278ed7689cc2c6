//! A headless `App` on a temporary store holding the demo inbox, and a
//! key-script driver, shared by the headless and snapshot tests.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};
use guichet::config::{Config, EXAMPLE};
use guichet::keymap::{Keymap, parse_sequence};
use guichet::store::{SledStore, Store};
use guichet::theme::Theme;
use guichet::tui::App;

/// The fixed "now" every session runs at.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

/// The example configuration (saved views included), agent "camille".
pub fn config() -> Config {
    let mut c = Config::parse(
        EXAMPLE,
        std::path::Path::new("example.toml"),
        std::env::temp_dir(),
    )
    .unwrap();
    c.agent = "camille".into();
    c
}

/// The app on the demo inbox, effects settled, times shown in UTC.
pub fn app_with(config: Config) -> App {
    let store = SledStore::temporary().unwrap();
    store.ingest(guichet::demo::demo_items(now())).unwrap();
    app_on(&config, Arc::new(store))
}

/// The app on an existing store (a restart), effects settled.
pub fn app_on(config: &Config, store: Arc<dyn Store>) -> App {
    let keymap = Keymap::load(&config.keymap, None).unwrap();
    let (theme, _) = Theme::load("default", None).unwrap();
    let mut app = App::new(config, keymap, theme, store, now()).unwrap();
    app.state.zone = FixedOffset::east_opt(0).unwrap();
    app.settle();
    app.hydrate();
    app
}

pub fn app() -> App {
    app_with(config())
}

/// Types a space-separated key script (`"j j enter"`), settling effects
/// after each key as the event loop would.
pub fn keys(app: &mut App, script: &str) {
    for chord in parse_sequence(script).unwrap() {
        let event = KeyEvent {
            code: chord.code,
            modifiers: chord.mods,
            kind: KeyEventKind::Press,
            state: KeyEventState::NONE,
        };
        app.on_key(event);
        app.settle();
        app.hydrate();
    }
}

/// Types literal text into the focused field.
pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
    app.settle();
}

/// The notice line's text, or "".
pub fn notice(app: &App) -> String {
    app.state
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default()
}

/// Moves the cursor down until the selected item matches `pred`.
pub fn select_where(app: &mut App, pred: impl Fn(&guichet::model::Item) -> bool) -> u32 {
    for _ in 0..400 {
        let seq = app.state.queue.selected.unwrap();
        if pred(&app.store().get(seq).unwrap().unwrap()) {
            return seq;
        }
        keys(app, "j");
    }
    panic!("no such item in the demo inbox");
}

/// Draws the app on a `w`×`h` test terminal.
pub fn draw(app: &mut App, w: u16, h: u16) -> ratatui::backend::TestBackend {
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    term.draw(|f| app.draw(f)).unwrap();
    term.backend().clone()
}

/// The screen's text, line by line, drawn at `w`×`h`.
pub fn screen_text(app: &mut App, w: u16, h: u16) -> String {
    let backend = draw(app, w, h);
    let buf = backend.buffer();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}
