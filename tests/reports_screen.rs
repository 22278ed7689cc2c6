//! The reports screen: snapshots at 80×24 and a narrow size, period
//! switching by key, a custom period typed as `--period` takes it,
//! stepping to the period before or after, the comparison with the period
//! before, and a number opening its items in the queue.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use guichet::report::Period;
use guichet::store::{SledStore, Store};
use guichet::tui::App;
use guichet::tui::state::Overlay;
use guichet::tui::state::reports::cells;

mod common;
use common::session::{app_on, config, keys, notice, now, screen_text, type_text};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The demo inbox with a team's audit history over it, days cut in UTC.
fn app() -> App {
    app_with_keymap("default")
}

fn app_with_keymap(keymap: &str) -> App {
    let store = SledStore::temporary().unwrap();
    let items = guichet::demo::demo_items(now());
    store
        .import_audit(&guichet::demo::synthetic_audit(&items, 11, now()))
        .unwrap();
    store.ingest(items).unwrap();
    let mut config = config();
    config.timezone = chrono_tz::Tz::UTC;
    config.keymap = keymap.into();
    app_on(&config, Arc::new(store))
}

fn prompt(app: &App) -> &guichet::tui::state::Prompt {
    match app.state.overlays.last() {
        Some(Overlay::Prompt(p)) => p,
        other => panic!("no prompt: {other:?}"),
    }
}

fn screen(app: &mut App, w: u16, h: u16) -> TestBackend {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| app.draw(f)).unwrap();
    term.backend().clone()
}

fn view(app: &App) -> &guichet::tui::state::reports::ReportsView {
    match app.state.overlays.last() {
        Some(Overlay::Reports(v)) => v,
        other => panic!("not the reports screen: {other:?}"),
    }
}

#[test]
fn reports_80x24() {
    let mut app = app();
    keys(&mut app, "%");
    assert!(view(&app).report.is_some(), "computed on open");
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn reports_narrow() {
    let mut app = app();
    keys(&mut app, "%");
    insta::assert_snapshot!(screen(&mut app, 50, 20));
}

#[test]
fn tab_switches_the_period_and_recomputes() {
    let mut app = app();
    keys(&mut app, "%");
    let week = view(&app).report.clone().unwrap();
    keys(&mut app, "tab");
    let v = view(&app);
    assert_eq!(v.period, Period::Last30Days);
    let month = v.report.clone().unwrap();
    assert_eq!(month.header.label, "last 30 days");
    assert!(month.totals.received >= week.totals.received);
    keys(&mut app, "tab tab tab tab");
    assert_eq!(view(&app).period, Period::Last7Days);
}

#[test]
fn a_number_opens_its_items_in_the_queue() {
    let mut app = app();
    keys(&mut app, "%");
    let report = view(&app).report.clone().unwrap();
    let all = cells(&report);
    let at = all.iter().position(|c| c.label == "unanswered").unwrap();
    let expected = report.drill(&all[at].drill, app.state.report_clock.zone);
    assert!(!expected.is_empty());
    for _ in 0..at {
        keys(&mut app, "down");
    }
    keys(&mut app, "enter");
    assert!(app.state.overlays.is_empty());
    let q = &app.state.queue;
    let mut shown: Vec<u32> = q
        .visible
        .iter()
        .map(|i| q.set.rows[*i as usize].seq)
        .collect();
    shown.sort_unstable();
    assert_eq!(shown, expected);
    assert!(
        notice(&app).starts_with("report: unanswered (last 7 days)"),
        "{}",
        notice(&app)
    );
}

#[test]
fn p_takes_a_period_as_the_cli_does() {
    let mut app = app();
    keys(&mut app, "%");
    assert_eq!(app.state.mode(), guichet::action::Mode::Reports);
    keys(&mut app, "p");
    assert_eq!(
        prompt(&app).input.text,
        "2026-11-17..2026-11-23",
        "prefilled with the dates on screen"
    );
    keys(&mut app, "ctrl-u");
    type_text(&mut app, "2026-11-01..2026-11-15");
    keys(&mut app, "enter");
    let v = view(&app);
    let period: Period = "2026-11-01..2026-11-15".parse().unwrap();
    assert_eq!(v.period, period);
    let report = v.report.clone().unwrap();
    assert_eq!(report.header.label, "2026-11-01..2026-11-15");
    assert!(report.header.from.starts_with("2026-11-01T00:00:00"));
    assert!(report.header.to.starts_with("2026-11-16T00:00:00"));
    assert!(
        screen_text(&mut app, 80, 24).contains(" Reports · 2026-11-01..2026-11-15 "),
        "the dates are in the header"
    );

    // A preset by name, completed with tab.
    keys(&mut app, "p ctrl-u");
    type_text(&mut app, "this-m");
    keys(&mut app, "tab");
    assert_eq!(prompt(&app).input.text, "this-month");
    keys(&mut app, "enter");
    assert_eq!(view(&app).period, Period::ThisMonth);
    assert!(
        screen_text(&mut app, 80, 24).contains(" Reports · this month · 2026-11-01..2026-11-30 "),
        "{}",
        screen_text(&mut app, 80, 24)
    );
}

#[test]
fn a_bad_period_says_why_and_keeps_the_report() {
    let mut app = app();
    keys(&mut app, "%");
    let before = view(&app).report.clone().unwrap();
    for (typed, why) in [
        ("yesterday", "'yesterday' is not a period"),
        ("2026-11-31..2026-12-01", "is not a period"),
        (
            "2026-11-20..2026-11-01",
            "the period ends (2026-11-01) before it starts",
        ),
    ] {
        keys(&mut app, "p ctrl-u");
        type_text(&mut app, typed);
        keys(&mut app, "enter");
        let p = prompt(&app);
        let error = p.error.clone().unwrap_or_default();
        assert!(error.contains(why), "{typed}: {error}");
        assert!(
            screen_text(&mut app, 80, 24).contains(why),
            "shown on screen: {typed}"
        );
        keys(&mut app, "esc");
        let v = view(&app);
        assert_eq!(v.period, Period::Last7Days, "esc cancels");
        assert!(Arc::ptr_eq(v.report.as_ref().unwrap(), &before), "kept");
    }
}

#[test]
fn reports_bad_period_80x24() {
    let mut app = app();
    keys(&mut app, "% p ctrl-u");
    type_text(&mut app, "last-week");
    keys(&mut app, "enter");
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn the_arrows_keymap_has_the_same_screen_keys() {
    let mut app = app_with_keymap("arrows");
    keys(&mut app, "%");
    keys(&mut app, "down enter");
    assert!(
        app.state.overlays.is_empty(),
        "a number opened: {}",
        notice(&app)
    );
    keys(&mut app, "% shift-tab");
    assert_eq!(view(&app).period, Period::ThisWeek);
    keys(&mut app, "p ctrl-u");
    type_text(&mut app, "today");
    keys(&mut app, "enter");
    assert_eq!(view(&app).period, Period::Today);
    keys(&mut app, "q");
    assert!(app.state.overlays.is_empty());
}

#[test]
fn help_over_the_reports_screen_lists_its_keys() {
    let mut app = app();
    keys(&mut app, "% ?");
    let text = screen_text(&mut app, 100, 40);
    assert!(text.contains("reports.custom_period"), "{text}");
    assert!(
        !text.contains("queue.next "),
        "not the queue's keys: {text}"
    );
}

fn header_from(app: &App) -> String {
    view(app).report.as_ref().unwrap().header.from.clone()
}

#[test]
fn brackets_step_through_periods_of_the_same_kind() {
    let mut app = app();
    keys(&mut app, "%");
    keys(&mut app, "[");
    let v = view(&app);
    assert_eq!((v.period, v.step), (Period::Last7Days, -1));
    let report = v.report.clone().unwrap();
    assert_eq!(report.header.label, "last 7 days (-1)");
    assert_eq!(report.header.from, "2026-11-10T00:00:00+00:00");
    assert_eq!(report.header.to, "2026-11-17T00:00:00+00:00");
    let text = screen_text(&mut app, 80, 24);
    assert!(
        text.contains(" Reports · last 7 days (-1) · 2026-11-10..2026-11-16 "),
        "{text}"
    );
    assert!(text.contains(" Numbers · vs 11-03..11-09 "), "{text}");
    keys(&mut app, "p");
    assert_eq!(prompt(&app).input.text, "2026-11-10..2026-11-16");
    keys(&mut app, "esc");

    // Forward again, but not into a period that has not begun.
    keys(&mut app, "]");
    assert_eq!(view(&app).step, 0);
    keys(&mut app, "]");
    assert_eq!(view(&app).step, 0);
    assert!(notice(&app).contains("has not begun"), "{}", notice(&app));

    // A month steps by calendar months; a preset starts again at now.
    keys(&mut app, "tab tab [");
    let v = view(&app);
    assert_eq!((v.period, v.step), (Period::ThisMonth, -1));
    assert_eq!(header_from(&app), "2026-10-01T00:00:00+00:00");
    assert!(
        screen_text(&mut app, 80, 24).contains(" Reports · last month · 2026-10-01..2026-10-31 ")
    );
    keys(&mut app, "[");
    assert_eq!(header_from(&app), "2026-09-01T00:00:00+00:00");
    keys(&mut app, "shift-tab");
    assert_eq!(
        (view(&app).period, view(&app).step),
        (Period::Last30Days, 0)
    );
    keys(&mut app, "left");
    assert_eq!(
        header_from(&app),
        "2026-09-25T00:00:00+00:00",
        "30 days before 25 October"
    );
}

#[test]
fn the_headline_numbers_are_compared_with_the_period_before() {
    use guichet::report::compare::{Headline, query};
    use guichet::report::{ReportFilter, Settings, Stepped, compute};
    let mut app = app();
    keys(&mut app, "%");
    let v = view(&app);
    let previous = v
        .previous
        .clone()
        .expect("the period before is computed too");
    // The same numbers as a report asked for the week before.
    let settings = Settings {
        zone: chrono_tz::Tz::UTC,
        hours: app.state.report_clock.hours.clone(),
        tags: app.state.tags.clone(),
    };
    let before = Stepped::at(Period::Last7Days).before();
    let q = query(before, chrono_tz::Tz::UTC, now(), ReportFilter::default());
    let expected = Headline::of(&compute(app.store().as_ref(), &settings, &q).unwrap());
    assert_eq!(*previous, expected);
    assert_eq!(previous.from, "2026-11-10T00:00:00+00:00");
    assert_eq!(previous.label, "last 7 days (-1)");

    // Shown next to the numbers: the demo inbox is mostly this week's.
    let report = v.report.clone().unwrap();
    let (now_in, before_in) = (report.totals.received, previous.received);
    assert!(
        before_in > 0 && now_in > before_in,
        "{now_in} vs {before_in}"
    );
    let pct = ((now_in - before_in) * 100 + before_in / 2) / before_in;
    let cells = guichet::tui::state::reports::cells_compared(&report, Some(&previous));
    assert_eq!(cells[0].label, "received");
    assert_eq!(cells[0].change.unwrap().short(), format!("+{pct}%"));
    let text = screen_text(&mut app, 80, 24);
    let line = text.lines().find(|l| l.contains("received")).unwrap();
    assert!(line.contains(&format!("+{pct}%")), "{line}");
    assert!(
        cells.iter().filter(|c| c.change.is_some()).count() >= 3,
        "received, answered and the rate at least"
    );
}

#[test]
fn a_late_answer_for_another_period_is_dropped() {
    use guichet::report::Stepped;
    use guichet::tui::update_reports::reported;
    let mut app = app();
    keys(&mut app, "% [");
    let shown = view(&app).report.clone().unwrap();
    let other = (*shown).clone();
    let last = Stepped::at(Period::Last30Days);
    reported(&mut app.state, last, Ok(other.clone()));
    reported(&mut app.state, last.before(), Ok(other));
    assert!(Arc::ptr_eq(view(&app).report.as_ref().unwrap(), &shown));
    let v = view(&app);
    assert_eq!(v.previous.as_ref().unwrap().label, "last 7 days (-2)");
}

#[test]
fn reports_earlier_80x24() {
    let mut app = app();
    keys(&mut app, "% [");
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn reports_earlier_narrow() {
    let mut app = app();
    keys(&mut app, "% [");
    insta::assert_snapshot!(screen(&mut app, 50, 20));
}
