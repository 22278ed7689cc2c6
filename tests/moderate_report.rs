//! Mark spam (`m s`) and report (`m r`) in headless sessions on the demo
//! inbox: spam asks first and queues `Act::Spam`; report asks for the
//! network's category then a comment and queues the report; a category or
//! a comment the network would refuse keeps the prompt open with the
//! reason; networks without such a call refuse with what to do instead;
//! a multi-selection queues what its networks allow and says what it skipped.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use guichet::model::{Item, Kind, Network};
use guichet::networks::connector::Act;
use guichet::networks::report::{Report, ReportReason};
use guichet::outbox::OutAction;
use guichet::tui::App;

mod common;
use common::session::{app, keys, notice, select_where, type_text};

fn public_on(network: Network) -> impl Fn(&Item) -> bool {
    move |i| {
        i.remote.network == network && i.remote.kind != Kind::DirectMessage && !i.remote.from_us
    }
}

fn prompt_error(app: &App) -> Option<String> {
    match app.state.overlays.last() {
        Some(guichet::tui::state::Overlay::Prompt(p)) => p.error.clone(),
        _ => None,
    }
}

fn queued(app: &App) -> Vec<OutAction> {
    app.store()
        .outbox()
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

#[test]
fn spam_asks_first_then_queues_it() {
    let mut app = app();
    select_where(&mut app, public_on(Network::Mastodon));
    keys(&mut app, "m s");
    assert!(queued(&app).is_empty(), "nothing before the answer");
    keys(&mut app, "n enter");
    assert!(notice(&app).contains("spam cancelled"), "{}", notice(&app));
    assert!(queued(&app).is_empty());

    keys(&mut app, "m s y enter");
    assert_eq!(queued(&app), [OutAction::Act(Act::Spam)]);
    assert!(notice(&app).contains("spam queued"), "{}", notice(&app));
}

#[test]
fn report_asks_for_the_category_then_a_comment() {
    let mut app = app();
    let seq = select_where(&mut app, public_on(Network::Bluesky));
    keys(&mut app, "m r");
    // Tab completes from Bluesky's own categories.
    type_text(&mut app, "ru");
    keys(&mut app, "tab enter");
    type_text(&mut app, "insults our staff");
    keys(&mut app, "enter");
    let entries = app.store().outbox().unwrap();
    assert_eq!(entries.len(), 1, "{}", notice(&app));
    assert_eq!(entries[0].item, app.store().get(seq).unwrap().unwrap().id);
    assert_eq!(
        entries[0].action,
        OutAction::Report(Report::new(ReportReason::Rude, "insults our staff"))
    );
    assert!(notice(&app).contains("report queued"), "{}", notice(&app));
}

#[test]
fn a_category_the_network_lacks_keeps_the_prompt_open() {
    let mut app = app();
    select_where(&mut app, public_on(Network::Mastodon));
    keys(&mut app, "m r");
    type_text(&mut app, "rude");
    keys(&mut app, "enter");
    assert_eq!(
        prompt_error(&app).as_deref(),
        Some("Mastodon has no 'rude' report category: spam, violation, legal, other.")
    );
    keys(&mut app, "ctrl-u");
    type_text(&mut app, "whatever");
    keys(&mut app, "enter");
    assert!(
        prompt_error(&app)
            .unwrap()
            .starts_with("choose one of: spam")
    );
    keys(&mut app, "ctrl-u");
    type_text(&mut app, "legal");
    keys(&mut app, "enter");
    // Mastodon takes 1000 characters of comment.
    type_text(&mut app, &"x".repeat(1001));
    keys(&mut app, "enter");
    assert!(
        prompt_error(&app)
            .unwrap()
            .contains("at most 1000 characters")
    );
    assert!(queued(&app).is_empty());
    keys(&mut app, "ctrl-u enter");
    assert_eq!(
        queued(&app),
        [OutAction::Report(Report::new(ReportReason::Legal, ""))]
    );
}

#[test]
fn networks_without_the_call_say_why_and_what_to_do() {
    let mut app = app();
    select_where(&mut app, public_on(Network::X));
    keys(&mut app, "m r");
    assert!(
        notice(&app).starts_with("X has no report endpoint in its API: report it on x.com"),
        "{}",
        notice(&app)
    );
    keys(&mut app, "m s");
    assert!(notice(&app).contains("x.com"), "{}", notice(&app));
    assert!(app.state.overlays.is_empty(), "no prompt opened");

    keys(&mut app, "g g");
    select_where(&mut app, public_on(Network::YouTube));
    keys(&mut app, "m r");
    assert!(
        notice(&app).contains("markAsSpam is deprecated"),
        "{}",
        notice(&app)
    );
    assert!(queued(&app).is_empty());
}

#[test]
fn spam_on_a_selection_queues_what_each_network_allows() {
    let mut app = app();
    select_where(&mut app, public_on(Network::Mastodon));
    keys(&mut app, "space");
    keys(&mut app, "g g");
    select_where(&mut app, public_on(Network::Instagram));
    keys(&mut app, "space m s y enter");
    assert_eq!(queued(&app), [OutAction::Act(Act::Spam)]);
    let n = notice(&app);
    assert!(n.contains("spam queued for item; 1 skipped"), "{n}");
    assert!(n.contains("Instagram app"), "{n}");
}
