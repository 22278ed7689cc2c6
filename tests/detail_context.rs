//! The detail view's context on a long thread and a prolific author: only
//! the window around the item and the author's latest items are read,
//! the counts come from the index, and a reply checked against the thread
//! is not held for messages that were there all along.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use guichet::model::{Item, Network};
use guichet::store::{SledStore, Store};
use guichet::tui::App;

mod common;
use common::session::{app_on, config, keys, screen_text};

/// 30 Mastodon comments on one post, all by one author, an hour apart.
fn long_thread() -> (App, Vec<u32>) {
    let store = SledStore::temporary().unwrap();
    let base = common::session::now().timestamp() - 40 * 3600;
    let items: Vec<Item> = (0..30)
        .map(|i| {
            let mut it = common::item(
                Network::Mastodon,
                &format!("c{i:02}"),
                &format!("commentaire numéro {i}"),
                base + i * 3600,
            );
            it.remote.author.id = "author-1".into();
            it.remote.author.handle = "habituee".into();
            it
        })
        .collect();
    let (seqs, _) = store.ingest(items).unwrap();
    (app_on(&config(), Arc::new(store)), seqs)
}

#[test]
fn a_long_thread_shows_the_window_around_the_item_with_counts() {
    let (mut app, seqs) = long_thread();
    assert!(app.state.queue.select(seqs[20]));
    keys(&mut app, "enter");
    let d = app.state.detail.as_ref().unwrap();
    assert_eq!(d.seq, seqs[20]);
    assert_eq!(d.thread_seqs, seqs, "the whole thread, oldest first");
    let window: Vec<u32> = d.thread.iter().map(|(s, _)| *s).collect();
    assert_eq!(window, seqs[16..=24].to_vec(), "four on each side");
    assert_eq!(d.thread_from, 16);
    // The author's ten latest other items, newest first, of 29.
    let latest: Vec<u32> = d.author_items.iter().map(|(s, _)| *s).collect();
    let mut expected: Vec<u32> = seqs
        .iter()
        .rev()
        .copied()
        .filter(|s| *s != seqs[20])
        .collect();
    expected.truncate(10);
    assert_eq!(latest, expected);
    assert_eq!(d.author_total, 29);
    let screen = screen_text(&mut app, 100, 90);
    for line in [
        "Thread (30)",
        "… 16 earlier",
        "… 5 later",
        "habituee also wrote (29)",
        "… 19 older",
    ] {
        assert!(screen.contains(line), "{line} missing:\n{screen}");
    }
}

#[test]
fn an_item_deep_in_a_long_thread_is_in_its_window() {
    // Loading the first fifty of a thread used to miss a later item.
    let (mut app, seqs) = long_thread();
    assert!(app.state.queue.select(seqs[29]));
    keys(&mut app, "enter");
    let d = app.state.detail.as_ref().unwrap();
    let window: Vec<u32> = d.thread.iter().map(|(s, _)| *s).collect();
    assert_eq!(window, seqs[25..].to_vec());
    let screen = screen_text(&mut app, 100, 90);
    assert!(screen.contains("… 25 earlier"), "{screen}");
    assert!(!screen.contains("later"), "{screen}");
}

#[test]
fn a_reply_in_a_long_thread_is_held_only_for_new_messages() {
    let (mut app, seqs) = long_thread();
    assert!(app.state.queue.select(seqs[3]));
    keys(&mut app, "enter r");
    let seen = app.state.composer.as_ref().unwrap().seen.thread.clone();
    assert_eq!(seen.as_deref(), Some(&seqs[..]), "the whole thread is seen");
    common::session::type_text(&mut app, "Merci, nous regardons.");
    keys(&mut app, "ctrl-s");
    let entries = app.store().outbox().unwrap();
    assert_eq!(entries.len(), 1);
    assert!(
        !matches!(entries[0].state, guichet::outbox::SendState::Failed { .. }),
        "not held for the 26 messages beyond the window: {:?}",
        entries[0].state
    );
}
