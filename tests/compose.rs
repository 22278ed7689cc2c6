//! The reply composer in headless sessions on the demo inbox: opening it
//! where the network allows, counting by the network's rule, sending three
//! ways, drafts that survive closing, switching and restarting, the
//! guideline check with fixes and audited overrides, canned replies with
//! placeholders, private replies and editing a queued reply.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use guichet::action::Mode;
use guichet::model::{Item, Kind, Network, Status};
use guichet::outbox::OutAction;
use guichet::store::{SledStore, Store};
use guichet::tui::App;

mod common;
use common::session::{app, app_on, config, keys, notice, now, select_where, type_text};

fn selected(app: &App) -> u32 {
    app.state.queue.selected.unwrap()
}

fn stored(app: &App, seq: u32) -> Item {
    app.store().get(seq).unwrap().unwrap()
}

fn draft_text(app: &App) -> String {
    app.state
        .composer
        .as_ref()
        .map(|c| c.text())
        .unwrap_or_default()
}

fn public_mastodon(i: &Item) -> bool {
    i.remote.network == Network::Mastodon
        && i.remote.kind != Kind::DirectMessage
        && !i.remote.from_us
}

#[test]
fn reply_opens_the_composer_and_send_queues_it_and_moves_on() {
    let mut app = app();
    // The oldest item is a 9-day-old Instagram DM: Meta's window is closed,
    // and guichet says so before anything is typed.
    keys(&mut app, "r");
    assert_eq!(app.state.mode(), Mode::Queue);
    assert!(
        notice(&app).contains("messaging window has closed"),
        "{}",
        notice(&app)
    );

    let seq = select_where(&mut app, public_mastodon);
    keys(&mut app, "r");
    assert_eq!(app.state.mode(), Mode::Compose, "{}", notice(&app));
    assert_eq!(
        app.state.detail.as_ref().map(|d| d.seq),
        Some(seq),
        "the item shows above"
    );
    keys(&mut app, "ctrl-s");
    assert_eq!(app.state.mode(), Mode::Compose, "an empty reply is refused");
    assert!(notice(&app).contains("empty"));

    type_text(&mut app, "Bonjour, nous regardons votre commande.");
    keys(&mut app, "enter");
    type_text(&mut app, "L'équipe");
    assert_eq!(
        draft_text(&app),
        "Bonjour, nous regardons votre commande.\nL'équipe"
    );
    keys(&mut app, "ctrl-s");
    let item = stored(&app, seq);
    let entries = app.store().outbox().unwrap();
    assert_eq!(entries.len(), 1, "{}", notice(&app));
    assert_eq!(entries[0].item, item.id);
    assert_eq!(entries[0].by, "camille");
    assert_eq!(
        entries[0].action,
        OutAction::Reply {
            text: "Bonjour, nous regardons votre commande.\nL'équipe".into()
        }
    );
    assert!(notice(&app).contains("reply queued"), "{}", notice(&app));
    assert!(app.state.composer.is_none());
    assert_ne!(selected(&app), seq, "auto-advance to the next item");
    assert_eq!(
        app.state.detail.as_ref().map(|d| d.seq),
        Some(selected(&app))
    );
    assert!(
        app.store().draft(&item.id).unwrap().is_none(),
        "a sent draft is gone"
    );
}

#[test]
fn send_and_done_and_send_and_keep_open() {
    let mut app = app();
    let first = select_where(&mut app, public_mastodon);
    keys(&mut app, "r");
    type_text(&mut app, "Bonjour, merci !");
    keys(&mut app, "ctrl-d");
    assert_eq!(stored(&app, first).local.status, Status::Done);
    assert_ne!(selected(&app), first);

    keys(&mut app, "g g");
    let second = select_where(&mut app, |i| {
        i.remote.network == Network::Bluesky && i.remote.kind != Kind::DirectMessage
    });
    keys(&mut app, "r");
    type_text(&mut app, "Bonjour, nous revenons vers vous.");
    keys(&mut app, "alt-s");
    assert_eq!(selected(&app), second, "the item stays selected");
    assert_ne!(stored(&app, second).local.status, Status::Done);
    assert_eq!(app.store().outbox().unwrap().len(), 2);
}

#[test]
fn the_counter_follows_the_network_rule_and_an_over_long_reply_is_refused() {
    let mut app = app();
    select_where(&mut app, public_mastodon);
    keys(&mut app, "r");
    type_text(&mut app, &"é".repeat(501));
    let c = app.state.composer.as_ref().unwrap();
    assert_eq!((c.counted.used, c.counted.limit), (501, 500));
    keys(&mut app, "ctrl-s");
    assert_eq!(app.state.mode(), Mode::Compose, "a reply over 500 stays");
    assert!(
        notice(&app).contains("1 character over the limit (501/500)"),
        "{}",
        notice(&app)
    );
    assert!(app.store().outbox().unwrap().is_empty());
}

#[test]
fn drafts_survive_closing_switching_items_and_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let config = config();
    let (seq, id) = {
        let store = SledStore::open(dir.path()).unwrap();
        store.ingest(guichet::demo::demo_items(now())).unwrap();
        let mut app = app_on(&config, Arc::new(store));
        let seq = select_where(&mut app, public_mastodon);
        keys(&mut app, "r");
        type_text(&mut app, "Bonjour, je vérifie");
        // Closing keeps it; another item has its own (empty) composer.
        keys(&mut app, "esc");
        assert!(app.state.composer.is_none());
        keys(&mut app, "esc j r");
        assert_eq!(draft_text(&app), "");
        keys(&mut app, "esc esc k r");
        assert_eq!(draft_text(&app), "Bonjour, je vérifie");
        assert!(notice(&app).contains("draft restored"));
        type_text(&mut app, " et je reviens vers vous.");
        (seq, stored(&app, seq).id)
        // Dropped without closing the composer: like a crash, the draft
        // saved at the last key is what remains.
    };
    let store = SledStore::open(dir.path()).unwrap();
    let saved = store.draft(&id).unwrap().unwrap();
    assert_eq!(saved.text, "Bonjour, je vérifie et je reviens vers vous.");
    let mut app = app_on(&config, Arc::new(store));
    assert_eq!(app.state.drafts.len(), 1);
    // The drafts view lists it and opens it.
    keys(&mut app, "D");
    assert_eq!(app.state.mode(), Mode::Picker);
    keys(&mut app, "enter");
    assert_eq!(app.state.mode(), Mode::Compose);
    assert_eq!(app.state.composer.as_ref().unwrap().seq, seq);
    assert_eq!(
        draft_text(&app),
        "Bonjour, je vérifie et je reviens vers vous."
    );
}

#[test]
fn guideline_errors_block_sending_until_fixed_or_overridden_with_an_audit_line() {
    let mut app = app();
    let seq = select_where(&mut app, public_mastodon);
    keys(&mut app, "r");
    // A phone number in a public reply is an error in the example brand.
    type_text(&mut app, "Bonjour, appelez-nous au 06 12 34 56 78.");
    let c = app.state.composer.as_ref().unwrap();
    assert!(c.errors() > 0, "{:?}", c.findings);
    assert_eq!(
        c.findings[0].level,
        guichet::replies::lint::Level::Error,
        "errors come first"
    );
    keys(&mut app, "ctrl-s");
    assert_eq!(app.state.mode(), Mode::Compose);
    assert!(notice(&app).contains("block sending"), "{}", notice(&app));
    assert!(app.store().outbox().unwrap().is_empty());

    keys(&mut app, "ctrl-o ctrl-s");
    assert_eq!(app.store().outbox().unwrap().len(), 1, "{}", notice(&app));
    let audit = app.store().audit(5).unwrap();
    let line = audit
        .iter()
        .find(|a| a.what.starts_with("sent despite guideline errors"))
        .expect("the override is audited");
    assert_eq!(line.who, "camille");
    assert_eq!(line.item, stored(&app, seq).id);
}

#[test]
fn a_fix_is_one_key() {
    let mut app = app();
    select_where(&mut app, public_mastodon);
    keys(&mut app, "r");
    type_text(&mut app, "Bonjour, merci !!");
    let c = app.state.composer.as_ref().unwrap();
    let with_fix = c
        .findings
        .iter()
        .position(|f| f.fix.is_some())
        .expect("a fixable finding");
    let before = c.findings.len();
    for _ in 0..with_fix {
        keys(&mut app, "ctrl-n");
    }
    keys(&mut app, "ctrl-f");
    assert!(notice(&app).starts_with("fixed"), "{}", notice(&app));
    let c = app.state.composer.as_ref().unwrap();
    assert!(c.findings.len() < before, "{:?}", c.findings);
    assert!(!draft_text(&app).contains("!!"), "{}", draft_text(&app));
}

#[test]
fn private_reply_opens_a_dm_composer_and_queues_a_private_reply() {
    let mut app = app();
    select_where(&mut app, |i| {
        i.remote.network == Network::Facebook
            && i.remote.kind == Kind::Comment
            && !i.remote.from_us
            && now() - i.remote.created_at < chrono::Duration::days(6)
    });
    keys(&mut app, "m p");
    assert_eq!(app.state.mode(), Mode::Compose, "{}", notice(&app));
    let c = app.state.composer.as_ref().unwrap();
    assert!(c.private);
    assert!(c.closes.is_some(), "the private reply window is shown");
    type_text(
        &mut app,
        "Bonjour, voici le suivi de votre commande CMD-123456.",
    );
    // An order number is fine in a private message.
    assert_eq!(app.state.composer.as_ref().unwrap().errors(), 0);
    keys(&mut app, "ctrl-s");
    let entries = app.store().outbox().unwrap();
    assert!(
        matches!(&entries[0].action, OutAction::PrivateReply { text } if text.contains("CMD-123456")),
        "{entries:?}"
    );
}

#[test]
fn a_queued_reply_can_be_edited_retried_and_dropped() {
    let mut app = app();
    let seq = select_where(&mut app, public_mastodon);
    let id = stored(&app, seq).id;
    keys(&mut app, "r");
    type_text(&mut app, "Bonjour");
    keys(&mut app, "alt-s");
    let palette = |app: &mut App, name: &str| {
        keys(app, ":");
        type_text(app, name);
        keys(app, "enter");
    };
    palette(&mut app, "reply.retry");
    assert!(notice(&app).contains("already waiting"), "{}", notice(&app));

    palette(&mut app, "reply.edit");
    assert_eq!(app.state.mode(), Mode::Compose);
    assert_eq!(draft_text(&app), "Bonjour");
    let held = app.store().outbox().unwrap();
    assert!(
        matches!(
            &held[0].state,
            guichet::outbox::SendState::Failed { retry: false, .. }
        ),
        "held while edited"
    );
    type_text(&mut app, ", c'est corrigé.");
    keys(&mut app, "alt-s");
    let entries = app.store().outbox().unwrap();
    assert_eq!(entries.len(), 1, "the edited reply replaces the old one");
    assert_eq!(entries[0].item, id);
    assert_eq!(
        entries[0].action,
        OutAction::Reply {
            text: "Bonjour, c'est corrigé.".into()
        }
    );
    palette(&mut app, "reply.drop");
    assert!(app.store().outbox().unwrap().is_empty());
}

#[test]
fn hostile_pasted_text_is_cleaned_before_it_reaches_the_draft() {
    let mut app = app();
    select_where(&mut app, public_mastodon);
    keys(&mut app, "r");
    app.on_paste("Bonjour\u{1b}[31m rouge\u{202e} fin");
    app.settle();
    let text = draft_text(&app);
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{202e}'),
        "{text:?}"
    );
    assert!(text.starts_with("Bonjour"));
}

#[test]
fn a_wave_answers_every_marked_item_with_different_words() {
    let mut app = app();
    // Mark three public comments that accept a reply.
    let mut marked = Vec::new();
    for _ in 0..3 {
        let seq = select_where(&mut app, |i| {
            i.remote.kind == Kind::Comment
                && matches!(
                    i.remote.network,
                    Network::Mastodon | Network::Bluesky | Network::YouTube
                )
                && !i.remote.from_us
        });
        keys(&mut app, "space");
        marked.push(seq);
    }
    keys(&mut app, "r");
    assert_eq!(app.state.mode(), Mode::Picker, "{}", notice(&app));
    type_text(&mut app, "merci compliment");
    keys(&mut app, "enter");
    let entries = app.store().outbox().unwrap();
    let texts: Vec<String> = entries
        .iter()
        .filter_map(|e| e.action.text().map(str::to_string))
        .collect();
    assert_eq!(texts.len(), 3, "{}", notice(&app));
    let distinct: std::collections::HashSet<&String> = texts.iter().collect();
    assert_eq!(
        distinct.len(),
        3,
        "each reply is worded differently: {texts:#?}"
    );
    assert!(
        notice(&app).contains("3 replies queued"),
        "{}",
        notice(&app)
    );
    assert!(app.state.queue.marks.is_empty());
    let usage = app.store().reply_usage("camille").unwrap();
    assert_eq!(usage.values().map(|u| u.count).sum::<u32>(), 3);
}

#[test]
fn an_unfilled_placeholder_blocks_sending_even_with_the_override() {
    let mut app = app();
    select_where(&mut app, public_mastodon);
    keys(&mut app, "r ctrl-t");
    type_text(&mut app, "rupture");
    keys(&mut app, "enter");
    assert_eq!(app.state.mode(), Mode::Input, "asked for the placeholder");
    keys(&mut app, "esc");
    assert_eq!(app.state.mode(), Mode::Compose);
    assert!(draft_text(&app).contains("[[date de retour]]"));
    assert_eq!(
        app.state.composer.as_ref().unwrap().template.as_deref(),
        Some("rupture-stock")
    );
    keys(&mut app, "ctrl-o ctrl-s");
    assert!(
        notice(&app).contains("fill in [[date de retour]] first"),
        "{}",
        notice(&app)
    );
    assert!(app.store().outbox().unwrap().is_empty());
    keys(&mut app, "ctrl-g");
    type_text(&mut app, "15 décembre");
    keys(&mut app, "enter ctrl-s");
    assert_eq!(app.store().outbox().unwrap().len(), 1, "{}", notice(&app));
}

/// Another process answers in the thread while the agent writes.
fn someone_answers_in_the_thread(app: &App, seq: u32) {
    let original = stored(app, seq);
    let mut remote = original.remote.clone();
    remote.native_id = format!("{}-other", remote.native_id);
    remote.parent_id = Some(original.remote.native_id.clone());
    remote.thread_id = original
        .remote
        .thread_id
        .clone()
        .or(Some(original.remote.native_id.clone()));
    remote.author.handle = "colleague".into();
    remote.text = "Déjà répondu par téléphone.".into();
    remote.created_at = now();
    app.store().ingest(vec![Item::new(remote)]).unwrap();
}

#[test]
fn a_reply_is_held_when_the_thread_changed_since_the_composer_opened() {
    let mut app = app();
    let seq = select_where(&mut app, public_mastodon);
    keys(&mut app, "enter r");
    assert!(app.state.composer.as_ref().unwrap().seen.thread.is_some());
    type_text(&mut app, "Bonjour, nous regardons.");
    someone_answers_in_the_thread(&app, seq);
    keys(&mut app, "ctrl-s");
    let entries = app.store().outbox().unwrap();
    assert_eq!(entries.len(), 1, "kept, not lost");
    match &entries[0].state {
        guichet::outbox::SendState::Failed {
            error,
            retry: false,
        } => {
            assert!(error.contains("@colleague wrote in the thread"), "{error}")
        }
        other => panic!("not held: {other:?}"),
    }
    assert!(notice(&app).contains("held"), "{}", notice(&app));
    // Back on the item, whose thread now shows the new answer.
    let detail = app.state.detail.as_ref().unwrap();
    assert_eq!(detail.seq, seq);
    assert!(
        detail
            .thread
            .iter()
            .any(|(_, i)| i.remote.author.handle == "colleague")
    );
    // It waits in the "needs attention" list, which opens its item.
    keys(&mut app, "esc esc g g !");
    match app.state.overlays.last() {
        Some(guichet::tui::state::Overlay::Attention(list)) => {
            assert_eq!(list.entries.len(), 1);
            assert!(
                list.entries[0].label.contains("held"),
                "{}",
                list.entries[0].label
            );
        }
        other => panic!("{other:?}"),
    }
    keys(&mut app, "enter");
    assert_eq!(app.state.detail.as_ref().map(|d| d.seq), Some(seq));
    assert_eq!(selected(&app), seq);
    // Read, decided: send anyway.
    keys(&mut app, ":");
    type_text(&mut app, "reply.retry");
    keys(&mut app, "enter");
    assert!(app.store().outbox().unwrap()[0].is_due(), "back in line");
}

#[test]
fn a_reply_is_held_when_another_process_changed_the_status() {
    let mut app = app();
    let seq = select_where(&mut app, public_mastodon);
    keys(&mut app, "r");
    type_text(&mut app, "Bonjour !");
    app.store()
        .change(
            &[seq],
            &guichet::change::LocalChange::SetStatus(Status::Done),
            "dominique",
        )
        .unwrap();
    keys(&mut app, "ctrl-s");
    let entries = app.store().outbox().unwrap();
    assert!(
        matches!(&entries[0].state, guichet::outbox::SendState::Failed { error, .. } if error.contains("status changed")),
        "{:?}",
        entries[0].state
    );
}
