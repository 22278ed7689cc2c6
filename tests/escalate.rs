//! The escalate flow in a headless session: tag from tags.toml, the route
//! prefilled, an internal note; the item is tagged (with the note as why),
//! assigned, escalated, pick-one groups respected, and the SLA shown.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use guichet::action::Mode;
use guichet::model::Status;

mod common;
use common::session::{app, draw, keys, notice, screen_text, type_text};

#[test]
fn escalate_tags_assigns_notes_and_says_when_the_answer_is_due() {
    let mut app = app();
    let seq = app.state.queue.selected.unwrap();
    // A complaint tag first: refund is in the same pick-one group.
    keys(&mut app, "t");
    type_text(&mut app, "complaint");
    keys(&mut app, "enter");

    keys(&mut app, "e");
    assert_eq!(app.state.mode(), Mode::Input);
    type_text(&mut app, "nope");
    keys(&mut app, "enter");
    assert_eq!(app.state.mode(), Mode::Input, "an unknown tag is refused");
    keys(&mut app, "ctrl-u");
    type_text(&mut app, "refund");
    keys(&mut app, "enter");
    match app.state.overlays.last() {
        Some(guichet::tui::state::Overlay::Prompt(p)) => {
            assert_eq!(p.input.text, "marie", "the tag's route is prefilled");
            assert!(p.completions.contains(&"sav".to_string()));
        }
        other => panic!("{other:?}"),
    }
    keys(&mut app, "enter");
    type_text(&mut app, "Colis abîmé, elle demande un avoir.");
    keys(&mut app, "enter");

    let item = app.store().get(seq).unwrap().unwrap();
    assert_eq!(item.local.status, Status::Escalated);
    assert_eq!(item.local.assignee.as_deref(), Some("marie"));
    assert!(item.local.tags.contains(&"refund".to_string()));
    assert!(
        !item.local.tags.contains(&"complaint".to_string()),
        "pick-one group: refund replaces complaint"
    );
    assert!(
        item.local
            .notes
            .iter()
            .any(|n| n.text == "escalated to marie (refund): Colis abîmé, elle demande un avoir.")
    );
    let records = app.store().tag_records(seq).unwrap();
    let (_, refund) = records.iter().find(|(t, _)| t == "refund").unwrap();
    assert_eq!(refund.by, "camille");
    assert_eq!(
        refund.why.as_deref(),
        Some("Colis abîmé, elle demande un avoir.")
    );
    let text = notice(&app);
    assert!(text.contains("escalated to Marie Dubois"), "{text}");
    assert!(text.contains("first answer due"), "{text}");
}

#[test]
fn the_open_item_shows_its_sla_timers_until_they_are_breached() {
    let mut app = app();
    let seq = app.state.queue.selected.unwrap();
    keys(&mut app, "e");
    type_text(&mut app, "legal");
    keys(&mut app, "enter enter");
    type_text(&mut app, "Menace de plainte.");
    keys(&mut app, "enter");
    // The Escalated view lists it.
    keys(&mut app, "tab tab tab tab");
    assert_eq!(app.state.queue.view().name, "Escalated");
    assert!(app.state.queue.select(seq), "in the Escalated view");
    keys(&mut app, "enter");
    // Timers run from when the store recorded the tag.
    let records = app.store().tag_records(seq).unwrap();
    let tagged = records.iter().find(|(t, _)| t == "legal").unwrap().1.at;
    app.on_tick(tagged);
    let shown = screen_text(&mut app, 100, 60);
    assert!(shown.contains("#legal by camille"), "{shown}");
    assert!(shown.contains("first answer due"), "{shown}");
    assert!(shown.contains("(in 1h)"), "{shown}");
    assert!(shown.contains("resolution due"), "{shown}");
    // Two hours later the one-hour first answer is late.
    app.on_tick(tagged + chrono::Duration::hours(2));
    let shown = screen_text(&mut app, 100, 60);
    assert!(shown.contains("first answer: breached 1h ago"), "{shown}");
}

/// Escalates the selected item to its tag's route with a note.
fn escalate_selected(app: &mut guichet::tui::App, tag: &str, note: &str) -> u32 {
    let seq = app.state.queue.selected.unwrap();
    keys(app, "e");
    type_text(app, tag);
    keys(app, "enter enter");
    type_text(app, note);
    keys(app, "enter");
    seq
}

#[test]
fn escalations_view_shows_timers_and_the_overdue_one_boomerangs() {
    let mut app = app();
    let now = common::session::now();
    let legal = escalate_selected(&mut app, "legal", "Menace de plainte.");
    let delivery = escalate_selected(&mut app, "delivery", "Colis perdu.");
    // Two hours later: legal (1h) is late, delivery (4h) is due in 2h.
    app.on_tick(now + chrono::Duration::hours(2));
    keys(&mut app, "tab tab tab tab");
    assert_eq!(app.state.queue.view().name, "Escalated");
    let order: Vec<u32> = (0..2)
        .filter_map(|i| app.state.queue.seq_at_cursor(i))
        .collect();
    assert_eq!(order, vec![legal, delivery], "soonest due first");
    insta::assert_snapshot!("escalations_view_80x24", draw(&mut app, 80, 24));
    insta::assert_snapshot!("escalations_view_narrow", draw(&mut app, 50, 16));
    // Back in the inbox, the late one is on top, marked.
    keys(&mut app, "shift-tab shift-tab shift-tab shift-tab");
    assert_eq!(app.state.queue.view().name, "Inbox");
    assert_eq!(app.state.queue.seq_at_cursor(0), Some(legal));
    assert!(
        !(0..app.state.queue.visible.len())
            .any(|i| app.state.queue.seq_at_cursor(i) == Some(delivery)),
        "the one not yet due stays with the colleague"
    );
    insta::assert_snapshot!("inbox_with_boomerang_80x24", draw(&mut app, 80, 24));
}

#[test]
fn the_open_item_shows_who_it_waits_on_and_its_history() {
    let mut app = app();
    keys(&mut app, "t");
    type_text(&mut app, "complaint: ton agressif");
    keys(&mut app, "enter");
    escalate_selected(&mut app, "refund", "Avoir à faire.");
    keys(&mut app, "tab tab tab tab enter");
    let shown = screen_text(&mut app, 100, 60);
    assert!(shown.contains("⇢ waiting on marie (refund)"), "{shown}");
    assert!(shown.contains("── History"), "{shown}");
    assert!(
        shown.contains("camille · +complaint: ton agressif"),
        "{shown}"
    );
    assert!(
        shown.contains("camille · -complaint: replaced by refund"),
        "{shown}"
    );
    assert!(shown.contains("escalated to marie (refund, due"), "{shown}");
}
