//! The author panel (`A`) and notes on authors (`N`) in a headless session:
//! their items here and under the same name elsewhere, tags, moderation,
//! and a note that every item of theirs then shows, kept across restarts.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use guichet::model::Network;

mod common;
use common::session::{app, app_on, config, draw, keys, notice, screen_text, type_text};

/// Selects the first visible item by `handle` on `network`.
fn select_author(app: &mut guichet::tui::App, handle: &str, network: Network) -> u32 {
    keys(app, "tab tab tab tab tab tab tab");
    assert_eq!(app.state.queue.view().name, "All");
    let seq = (0..app.state.queue.visible.len())
        .filter_map(|i| app.state.queue.seq_at_cursor(i))
        .find(|seq| {
            let item = app.store().get(*seq).unwrap().unwrap();
            item.remote.author.handle == handle && item.remote.network == network
        })
        .unwrap();
    assert!(app.state.queue.select(seq));
    seq
}

#[test]
fn the_panel_lists_the_author_here_and_under_the_same_name_elsewhere() {
    let mut app = app();
    let seq = select_author(&mut app, "karim_bnl", Network::X);
    keys(&mut app, "A");
    let detail = app.state.detail.as_ref().unwrap();
    assert_eq!(detail.seq, seq);
    assert!(detail.show_author);
    let panel = detail.author.as_ref().expect("loaded");
    assert!(
        panel
            .items
            .iter()
            .all(|(_, i)| i.remote.network == Network::X)
    );
    assert!(!panel.items.is_empty());
    assert!(
        panel
            .elsewhere
            .iter()
            .any(|(_, i)| i.remote.network == Network::Facebook),
        "karim_bnl also wrote on Facebook"
    );
    insta::assert_snapshot!("author_panel_100x30", draw(&mut app, 100, 30));
    insta::assert_snapshot!("author_panel_narrow", draw(&mut app, 50, 16));
    // A again goes back to the item.
    keys(&mut app, "A");
    assert!(!app.state.detail.as_ref().unwrap().show_author);
}

#[test]
fn a_note_on_the_author_shows_on_all_their_items_and_survives_a_restart() {
    let mut app = app();
    let seq = select_author(&mut app, "karim_bnl", Network::X);
    keys(&mut app, "N");
    keys(&mut app, "enter");
    assert!(
        matches!(
            app.state.overlays.last(),
            Some(guichet::tui::state::Overlay::Prompt(p)) if p.error.is_some()
        ),
        "an empty note is refused"
    );
    type_text(
        &mut app,
        "Client fidèle, 3e relance: toujours le prendre au sérieux",
    );
    keys(&mut app, "enter");
    assert!(
        notice(&app).contains("note kept on karim_bnl"),
        "{}",
        notice(&app)
    );
    keys(&mut app, "A");
    let shown = screen_text(&mut app, 100, 40);
    assert!(shown.contains("Notes on them (1)"), "{shown}");
    assert!(shown.contains("Client fidèle, 3e relance"), "{shown}");
    // The audit says who wrote it, on which item.
    let audit = app.store().audit(1).unwrap();
    assert_eq!(audit[0].what, "author note");
    assert_eq!(audit[0].who, "camille");
    let item = app.store().get(seq).unwrap().unwrap();
    assert_eq!(audit[0].item, item.id);

    // Another item by the same author on the same network has it too,
    // after a restart.
    let store = app.store().clone();
    drop(app);
    let mut app = app_on(&config(), store);
    select_author(&mut app, "karim_bnl", Network::X);
    keys(&mut app, "A");
    let panel = app.state.detail.as_ref().unwrap().author.as_ref().unwrap();
    assert_eq!(panel.notes.len(), 1);
    assert_eq!(panel.notes[0].by, "camille");
}
