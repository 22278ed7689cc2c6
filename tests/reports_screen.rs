//! The reports screen: snapshots at 80×24 and a narrow size, period
//! switching by key, and a number opening its items in the queue.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use guichet::report::Period;
use guichet::store::{SledStore, Store};
use guichet::tui::App;
use guichet::tui::state::Overlay;
use guichet::tui::state::reports::cells;

mod common;
use common::session::{app_on, config, keys, notice, now};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The demo inbox with a team's audit history over it.
fn app() -> App {
    let store = SledStore::temporary().unwrap();
    let items = guichet::demo::demo_items(now());
    store
        .import_audit(&guichet::demo::synthetic_audit(&items, 11, now()))
        .unwrap();
    store.ingest(items).unwrap();
    app_on(&config(), Arc::new(store))
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
