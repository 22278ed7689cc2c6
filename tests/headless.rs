//! Headless sessions: the real `App` on a temporary store filled with the
//! demo inbox, driven by scripted keys, with effects run inline. Each test
//! checks what the user would see (state) and what was stored.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use guichet::action::Mode;
use guichet::model::{Network, Status};
use guichet::tui::App;

mod common;
use common::session::{app, app_with, config, keys, notice, now, select_where, type_text};

fn selected(app: &App) -> u32 {
    app.state.queue.selected.unwrap()
}

fn stored(app: &App, seq: u32) -> guichet::model::Item {
    app.store().get(seq).unwrap().unwrap()
}

#[test]
fn opens_on_the_full_inbox_oldest_unanswered_first() {
    let app = app();
    let q = &app.state.queue;
    assert!(!q.loading, "the full row index replaces the first screen");
    assert!(q.visible.len() > 100);
    let created: Vec<i64> = q
        .visible
        .iter()
        .map(|i| q.set.rows[*i as usize].created)
        .collect();
    assert!(created.windows(2).all(|w| w[0] <= w[1]), "oldest first");
    assert!(q.visible.iter().all(|i| {
        q.set.rows[*i as usize]
            .effective_status(now().timestamp())
            .is_unanswered()
    }));
}

#[test]
fn queue_lines_come_from_glances_and_items_are_read_when_a_key_acts() {
    let mut app = app();
    keys(&mut app, "j j G g g j j");
    app.hydrate();
    let on_screen = app.state.on_screen();
    assert!(on_screen.len() > 10);
    let sel = selected(&app);
    for seq in &on_screen {
        let g = app
            .state
            .glances
            .get(seq)
            .expect("every line has its glance");
        let item = stored(&app, *seq);
        assert_eq!(g.handle, item.remote.author.handle);
        assert_eq!(g.id, item.id.as_str());
        // Moving reads no whole item (each read stays in sled's cache).
        assert!(!app.state.items.contains_key(seq), "{seq}");
    }
    let first_author: String = app.state.glances[&on_screen[0]]
        .handle
        .chars()
        .take(8)
        .collect();
    let screen = common::session::screen_text(&mut app, 120, 35);
    assert!(screen.contains(&first_author), "{first_author}: {screen}");
    // A key that acts on the item has it read first.
    keys(&mut app, "r");
    assert_eq!(app.state.mode(), Mode::Compose, "{}", notice(&app));
    assert!(app.state.items.contains_key(&sel));
}

#[test]
fn open_marks_read_and_shows_context() {
    let mut app = app();
    keys(&mut app, "j j");
    let seq = selected(&app);
    keys(&mut app, "enter");
    assert_eq!(app.state.mode(), Mode::Detail);
    let detail = app.state.detail.as_ref().unwrap();
    assert_eq!(detail.seq, seq);
    assert!(detail.item.is_some());
    assert!(
        detail.thread.iter().any(|(s, _)| *s == seq),
        "thread includes the item"
    );
    assert!(stored(&app, seq).local.read);
    keys(&mut app, "q");
    assert_eq!(app.state.mode(), Mode::Queue);
    assert_eq!(selected(&app), seq);
}

#[test]
fn done_stores_status_and_advances_to_the_next_item() {
    let mut app = app();
    keys(&mut app, "j");
    let first = selected(&app);
    let next = app.state.queue.seq_at_cursor(2).unwrap();
    let before = app.state.queue.visible.len();
    keys(&mut app, "d");
    assert_eq!(stored(&app, first).local.status, Status::Done);
    assert_eq!(app.state.queue.visible.len(), before - 1);
    assert_eq!(selected(&app), next);
    let audit = app.store().audit(1).unwrap();
    assert_eq!(audit[0].who, "camille");
    assert_eq!(audit[0].what, "status done");
}

#[test]
fn done_in_the_detail_view_opens_the_next_item() {
    let mut app = app();
    let next = app.state.queue.seq_at_cursor(1).unwrap();
    keys(&mut app, "enter d");
    assert_eq!(app.state.detail.as_ref().map(|d| d.seq), Some(next));
}

#[test]
fn filter_by_network_with_the_picker() {
    let mut app = app();
    keys(&mut app, "f n");
    assert_eq!(app.state.mode(), Mode::Picker);
    type_text(&mut app, "insta");
    keys(&mut app, "enter");
    let q = &app.state.queue;
    assert!(!q.visible.is_empty());
    assert!(
        q.visible
            .iter()
            .all(|i| q.set.rows[*i as usize].network == Network::Instagram)
    );
    keys(&mut app, "esc");
    assert!(app.state.queue.refine.is_empty(), "esc clears the filter");
}

#[test]
fn search_finds_text_accent_insensitively() {
    let mut app = app();
    keys(&mut app, "/");
    type_text(&mut app, "livraison");
    keys(&mut app, "enter");
    let q = &app.state.queue;
    assert!(q.hits_ready());
    assert!(!q.visible.is_empty());
    for i in q.visible.clone() {
        let seq = q.set.rows[i as usize].seq;
        let item = stored(&app, seq);
        let hay = guichet::text::fold(&format!(
            "{} {} {}",
            item.remote.author.handle, item.remote.author.display_name, item.remote.text
        ));
        assert!(hay.contains("livraison"), "{hay}");
    }
}

#[test]
fn snooze_presets_and_custom_times() {
    let mut app = app();
    let first = selected(&app);
    keys(&mut app, "z t");
    match stored(&app, first).local.status {
        Status::Snoozed { until } => assert_eq!(until, guichet::when::tomorrow_morning(now())),
        other => panic!("not snoozed: {other:?}"),
    }
    assert!(
        !app.state
            .queue
            .visible
            .iter()
            .any(|i| app.state.queue.set.rows[*i as usize].seq == first)
    );
    let second = selected(&app);
    keys(&mut app, "z c");
    type_text(&mut app, "someday");
    keys(&mut app, "enter");
    let error = match app.state.overlays.last() {
        Some(guichet::tui::state::Overlay::Prompt(p)) => p.error.clone(),
        _ => None,
    };
    assert!(
        error.unwrap_or_default().contains("cannot read"),
        "a bad time keeps the prompt open with a reason"
    );
    keys(&mut app, "ctrl-u");
    type_text(&mut app, "2h");
    keys(&mut app, "enter");
    match stored(&app, second).local.status {
        Status::Snoozed { until } => assert!(until > now()),
        other => panic!("not snoozed: {other:?}"),
    }
}

#[test]
fn marks_and_bulk_tag() {
    let mut app = app();
    let a = selected(&app);
    keys(&mut app, "space");
    let b = selected(&app);
    keys(&mut app, "space t");
    type_text(&mut app, "Sales lead");
    keys(&mut app, "enter");
    for seq in [a, b] {
        assert!(
            stored(&app, seq)
                .local
                .tags
                .contains(&"sales-lead".to_string())
        );
    }
    assert!(
        app.state.queue.marks.is_empty(),
        "marks clear after a bulk action"
    );
    let audit = app.store().audit(2).unwrap();
    assert!(audit.iter().all(|e| e.what == "tag +sales-lead"));
}

#[test]
fn visual_range_bulk_priority() {
    let mut app = app();
    let first = selected(&app);
    keys(&mut app, "v j j");
    assert_eq!(app.state.queue.targets().len(), 3);
    keys(&mut app, "p u");
    let q = &app.state.queue;
    let urgent: Vec<u32> = (0..3).filter_map(|c| q.seq_at_cursor(c)).collect();
    assert!(urgent.contains(&first));
    for seq in urgent {
        assert_eq!(
            stored(&app, seq).local.priority,
            guichet::model::Priority::Urgent
        );
    }
}

#[test]
fn selection_is_stable_when_items_arrive() {
    let mut app = app();
    keys(&mut app, "j j j");
    let seq = selected(&app);
    let line = app.state.queue.cursor - app.state.queue.offset;
    // An older item arrives (a sync) and the rows are reloaded.
    let mut older = guichet::demo::demo_items(now()).remove(0);
    older.remote.native_id = "late-arrival".into();
    older.remote.created_at = now() - chrono::Duration::days(30);
    older.local = Default::default();
    app.store().ingest(vec![older]).unwrap();
    let rows = app.store().rows().unwrap();
    app.on_outcome(guichet::tui::effect::Outcome::RowsLoaded(Box::new(Ok(
        rows,
    ))));
    assert_eq!(selected(&app), seq);
    assert_eq!(
        app.state.queue.cursor - app.state.queue.offset,
        line,
        "same screen line"
    );
}

#[test]
fn palette_runs_actions_by_fuzzy_name() {
    let mut app = app();
    let first = selected(&app);
    keys(&mut app, ":");
    assert_eq!(app.state.mode(), Mode::Palette);
    type_text(&mut app, "item.done");
    keys(&mut app, "enter");
    assert_eq!(stored(&app, first).local.status, Status::Done);
}

#[test]
fn help_and_which_key_come_from_the_keymap() {
    let mut app = app();
    keys(&mut app, "?");
    assert_eq!(app.state.mode(), Mode::Help);
    keys(&mut app, "esc");
    assert_eq!(app.state.mode(), Mode::Queue);
    keys(&mut app, "z");
    assert!(
        app.state
            .which_key
            .iter()
            .any(|(k, d)| k == "t" && d.contains("tomorrow"))
    );
    keys(&mut app, "esc");
    assert!(app.state.which_key.is_empty());
}

#[test]
fn saved_views_switch_and_count() {
    let mut app = app();
    let names: Vec<&str> = app
        .state
        .queue
        .views
        .iter()
        .map(|v| v.name.as_str())
        .collect();
    assert!(names.contains(&"Complaints FR"));
    keys(&mut app, "tab");
    assert_eq!(app.state.queue.view().name, "DMs");
    let q = &app.state.queue;
    assert_eq!(Some(q.visible.len()), q.counts[1]);
    assert!(
        q.visible
            .iter()
            .all(|i| q.set.rows[*i as usize].kind == guichet::model::Kind::DirectMessage)
    );
}

#[test]
fn arrows_keymap_drives_without_vim_keys() {
    let mut cfg = config();
    cfg.keymap = "arrows".into();
    let mut app = app_with(cfg);
    keys(&mut app, "down");
    let seq = selected(&app);
    keys(&mut app, "enter");
    assert_eq!(app.state.detail.as_ref().map(|d| d.seq), Some(seq));
    keys(&mut app, "esc");
    assert_eq!(app.state.mode(), Mode::Queue);
}

#[test]
fn status_filter_counts_follow_changes() {
    let mut app = app();
    let done_ix = app
        .state
        .queue
        .views
        .iter()
        .position(|v| v.name == "Done")
        .unwrap();
    let before = app.state.queue.counts[done_ix].unwrap();
    keys(&mut app, "d");
    assert_eq!(app.state.queue.counts[done_ix], Some(before + 1));
}

#[test]
fn sync_events_show_on_the_account_and_reload_new_rows() {
    use guichet::store::IngestSummary;
    use guichet::sync::SyncReport;
    use guichet::sync::engine::{SyncEvent, SyncState};
    let mut app = app();
    let _ = app.take_effects();
    let at = now();
    app.on_sync(SyncEvent {
        account: "mastodon:b@i".into(),
        state: SyncState::Syncing,
        report: None,
    });
    assert!(
        app.take_effects().is_empty(),
        "nothing to reload while syncing"
    );
    let report = SyncReport {
        summary: IngestSummary {
            new: 3,
            ..Default::default()
        },
        ..Default::default()
    };
    app.on_sync(SyncEvent {
        account: "mastodon:b@i".into(),
        state: SyncState::Ok { at, new: 3 },
        report: Some(report),
    });
    assert_eq!(
        app.state.accounts,
        vec![("mastodon:b@i".to_string(), SyncState::Ok { at, new: 3 })]
    );
    assert_eq!(
        app.take_effects(),
        vec![
            guichet::tui::effect::Effect::LoadRows,
            guichet::tui::effect::Effect::LoadOutbox
        ]
    );
}

#[test]
fn moderation_goes_through_the_outbox_after_the_rules_and_a_confirmation() {
    use guichet::model::Kind;
    use guichet::networks::connector::Act;
    use guichet::outbox::OutAction;
    let mut app = app();
    // A DM cannot be hidden: refused with the reason, nothing queued.
    select_where(&mut app, |i| i.remote.kind == Kind::DirectMessage);
    keys(&mut app, "m h");
    assert!(notice(&app).contains("hid"), "{}", notice(&app));
    assert!(app.store().outbox().unwrap().is_empty());

    keys(&mut app, "g g");
    let seq = select_where(&mut app, |i| {
        i.remote.network == Network::Facebook && i.remote.kind == Kind::Comment && !i.remote.from_us
    });
    let id = stored(&app, seq).id;
    keys(&mut app, "m h");
    assert!(notice(&app).contains("hide queued"), "{}", notice(&app));
    keys(&mut app, "m d");
    assert_eq!(app.state.mode(), Mode::Input, "delete asks first");
    type_text(&mut app, "n");
    keys(&mut app, "enter");
    assert!(notice(&app).contains("delete cancelled"));
    keys(&mut app, "m d");
    type_text(&mut app, "y");
    keys(&mut app, "enter");
    let acts: Vec<OutAction> = app
        .store()
        .outbox()
        .unwrap()
        .into_iter()
        .filter(|e| e.item == id)
        .map(|e| e.action)
        .collect();
    assert_eq!(
        acts,
        vec![OutAction::Act(Act::Hide), OutAction::Act(Act::Delete)]
    );
    assert_eq!(app.state.outbox.get(id.as_str()).map(Vec::len), Some(2));
}

#[test]
fn bulk_moderation_queues_what_each_network_allows_and_says_what_it_skipped() {
    use guichet::model::Kind;
    let mut app = app();
    select_where(&mut app, |i| {
        i.remote.network == Network::Instagram && i.remote.kind == Kind::Comment
    });
    keys(&mut app, "space");
    keys(&mut app, "g g");
    select_where(&mut app, |i| {
        i.remote.network == Network::Facebook && i.remote.kind == Kind::Comment
    });
    keys(&mut app, "space m l");
    // Instagram has no like in its API; Facebook does.
    let entries = app.store().outbox().unwrap();
    assert_eq!(entries.len(), 1, "{}", notice(&app));
    assert!(entries[0].item.as_str().starts_with("facebook:"));
    let text = notice(&app);
    assert!(
        text.contains("like queued") && text.contains("1 skipped"),
        "{text}"
    );
}

#[test]
fn a_snooze_ends_on_the_minute_tick_and_the_item_comes_back() {
    let mut app = app();
    let first = selected(&app);
    let visible = |app: &App| {
        app.state
            .queue
            .visible
            .iter()
            .any(|i| app.state.queue.set.rows[*i as usize].seq == first)
    };
    let before = app.state.queue.counts[0].unwrap();
    keys(&mut app, "z 1");
    assert!(!visible(&app));
    assert_eq!(app.state.queue.counts[0], Some(before - 1));
    app.on_tick(now() + chrono::Duration::minutes(30));
    assert!(!visible(&app), "still snoozed after 30 minutes");
    app.on_tick(now() + chrono::Duration::minutes(61));
    assert!(visible(&app), "back in the Inbox when the snooze ends");
    assert!(app.state.queue.counts[0].unwrap() >= before);
}
