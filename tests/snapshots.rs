//! Rendered screens, kept as insta snapshots of ratatui's TestBackend at
//! 80×24 and a narrow 50×16, plus the too-small message. Review changes with
//! `cargo insta review`; never accept them blindly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use guichet::tui::App;

mod common;
use common::session::{app, keys, type_text};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn screen(app: &mut App, w: u16, h: u16) -> TestBackend {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| app.draw(f)).unwrap();
    term.backend().clone()
}

#[test]
fn queue_80x24() {
    let mut app = app();
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn queue_wide_with_sidebar() {
    let mut app = app();
    keys(&mut app, "j j");
    insta::assert_snapshot!(screen(&mut app, 120, 30));
}

#[test]
fn queue_narrow() {
    let mut app = app();
    insta::assert_snapshot!(screen(&mut app, 50, 16));
}

#[test]
fn detail_80x24() {
    let mut app = app();
    keys(&mut app, "j j enter");
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn detail_narrow() {
    let mut app = app();
    keys(&mut app, "j j enter");
    insta::assert_snapshot!(screen(&mut app, 50, 16));
}

#[test]
fn help_overlay() {
    let mut app = app();
    keys(&mut app, "?");
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn palette() {
    let mut app = app();
    keys(&mut app, ":");
    type_text(&mut app, "snooze");
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn picker_and_which_key() {
    let mut app = app();
    keys(&mut app, "f t");
    insta::assert_snapshot!("picker_tags", screen(&mut app, 80, 24));
    keys(&mut app, "esc z");
    insta::assert_snapshot!("which_key_snooze", screen(&mut app, 80, 24));
}

#[test]
fn prompt_with_marks() {
    let mut app = app();
    keys(&mut app, "space space t");
    type_text(&mut app, "ref");
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn too_small() {
    let mut app = app();
    insta::assert_snapshot!(screen(&mut app, 30, 8));
}

#[test]
fn selected_row_uses_the_selection_style() {
    let mut app = app();
    let buf = screen(&mut app, 80, 24);
    let sel = app.theme.style("ui.selection");
    // Row 0 is the title bar, row 1 the header: the cursor is on row 2.
    let cell = &buf.buffer()[(10, 2)];
    assert_eq!(cell.bg, sel.bg.unwrap_or_default());
    let other = &buf.buffer()[(10, 3)];
    assert_ne!(other.bg, cell.bg);
}

#[test]
fn hostile_text_never_reaches_the_terminal() {
    let mut app = app();
    // The "All" view, then a search that finds only the hostile comment.
    keys(&mut app, "shift-tab shift-tab shift-tab shift-tab /");
    assert_eq!(app.state.queue.view().name, "All");
    type_text(&mut app, "famille adore");
    keys(&mut app, "enter");
    assert_eq!(app.state.queue.visible.len(), 1);
    let queue = screen(&mut app, 80, 24);
    keys(&mut app, "enter");
    let detail = screen(&mut app, 80, 24);
    let text = &app
        .state
        .detail
        .as_ref()
        .and_then(|d| d.item.as_ref())
        .unwrap()
        .remote
        .text;
    assert!(
        text.contains('\u{1b}'),
        "the stored text keeps what the network sent"
    );
    for buf in [queue, detail] {
        for cell in buf.buffer().content() {
            let bad = cell
                .symbol()
                .chars()
                .any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c));
            assert!(!bad, "{:?}", cell.symbol());
        }
    }
}

#[test]
fn huge_comment_is_cut_with_a_count() {
    let mut app = app();
    let mut huge = guichet::demo::demo_items(common::session::now()).remove(0);
    huge.remote.native_id = "huge".into();
    huge.remote.created_at -= chrono::Duration::days(400);
    huge.local = Default::default();
    huge.remote.text = "spam ".repeat(200_000);
    huge.remote.thread_id = Some("huge-thread".into());
    huge.remote.post = None;
    huge.remote.author.id = "huge-author".into();
    app.store().ingest(vec![huge]).unwrap();
    let rows = app.store().rows().unwrap();
    app.on_outcome(guichet::tui::effect::Outcome::RowsLoaded(Box::new(Ok(
        rows,
    ))));
    keys(&mut app, "g g enter");
    assert_eq!(
        app.state
            .detail
            .as_ref()
            .and_then(|d| d.item.as_ref())
            .map(|i| i.remote.native_id.as_str()),
        Some("huge")
    );
    // Scroll to the end (the view clamps to the last screen).
    app.state.detail.as_mut().unwrap().scroll = usize::MAX / 2;
    let text: String = screen(&mut app, 80, 24)
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    assert!(
        text.contains("980000 more characters not shown"),
        "the rest is counted, not drawn: {text}"
    );
}

#[test]
fn sidebar_shows_account_sync_states() {
    use guichet::sync::engine::{SyncEvent, SyncState};
    let mut app = app();
    let now = common::session::now();
    app.state.now = now;
    for (account, state) in [
        (
            "mastodon:atelierlumen@piaille.fr",
            SyncState::Ok {
                at: now - chrono::Duration::minutes(3),
                new: 2,
            },
        ),
        (
            "mastodon:support@mamot.fr",
            SyncState::RateLimited {
                until: now + chrono::Duration::minutes(9),
            },
        ),
        (
            "mastodon:old@piaille.fr",
            SyncState::AuthFailed("The access token is invalid".into()),
        ),
    ] {
        app.on_sync(SyncEvent {
            account: account.into(),
            state,
            report: None,
        });
    }
    insta::assert_snapshot!(screen(&mut app, 120, 30));
}

#[test]
fn which_key_for_moderation() {
    let mut app = app();
    keys(&mut app, "j m");
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

/// The composer on a Mastodon mention with a draft that breaks three
/// guidelines: the findings, errors first, with their excerpts and fixes.
fn composer_with_findings() -> App {
    let mut app = app();
    common::session::select_where(&mut app, |i| {
        i.remote.network == guichet::model::Network::Mastodon
            && i.remote.kind != guichet::model::Kind::DirectMessage
            && !i.remote.from_us
    });
    keys(&mut app, "r");
    type_text(
        &mut app,
        "Bonjour, pas de souci !! Appelez le 06 12 34 56 78 pour ta commande.",
    );
    app
}

#[test]
fn composer_with_lint_findings_80x24() {
    let mut app = composer_with_findings();
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn composer_narrow() {
    let mut app = composer_with_findings();
    insta::assert_snapshot!(screen(&mut app, 50, 16));
}

#[test]
fn canned_reply_picker_with_preview() {
    let mut app = app();
    common::session::select_where(&mut app, |i| {
        i.remote.network == guichet::model::Network::Mastodon
            && i.remote.kind != guichet::model::Kind::DirectMessage
            && !i.remote.from_us
    });
    keys(&mut app, "r ctrl-t");
    type_text(&mut app, "rupture");
    insta::assert_snapshot!(screen(&mut app, 100, 30));
}

#[test]
fn each_tag_wears_its_own_colour() {
    use ratatui::style::Color;
    let mut app = app();
    keys(&mut app, "t");
    type_text(&mut app, "legal");
    keys(&mut app, "enter t");
    type_text(&mut app, "complaint");
    keys(&mut app, "enter");
    let backend = screen(&mut app, 120, 30);
    let buf = backend.buffer();
    let find = |needle: &str| -> Color {
        for y in 0..buf.area.height {
            let line: String = (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect();
            if let Some(col) = line.find(needle) {
                let x = u16::try_from(line[..col].chars().count()).unwrap();
                return buf[(x + 1, y)].fg;
            }
        }
        panic!("{needle} not on screen");
    };
    // default theme: queue.tag.legal is red, queue.tag.complaint orange.
    assert_eq!(find("#legal"), Color::Rgb(0xf7, 0x76, 0x8e));
    assert_eq!(find("#complaint"), Color::Rgb(0xff, 0x9e, 0x64));
}
