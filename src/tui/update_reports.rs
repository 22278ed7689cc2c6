//! The reports screen (`view.reports`): opening it asks for the numbers of
//! the period (an effect on the read lane, so a year of history never
//! blocks a frame); `picker.toggle` moves to the next period preset;
//! `picker.next`/`picker.prev` move over the numbers; `picker.accept` opens
//! the items behind the chosen number in the queue (the All view, narrowed
//! to them like a search, named `report: …`).

use std::sync::Arc;

use super::effect::Effect;
use super::state::reports::{ReportsView, cells};
use super::state::{AppState, Level, Overlay};
use crate::report::{Period, Report, Settings};

fn settings(state: &AppState) -> Box<Settings> {
    Box::new(Settings {
        zone: state.report_clock.zone,
        hours: state.report_clock.hours.clone(),
        tags: state.tags.clone(),
    })
}

fn compute(state: &AppState, period: Period) -> Effect {
    Effect::ComputeReport {
        period,
        settings: settings(state),
        now: state.now,
    }
}

fn view_mut(state: &mut AppState) -> Option<&mut ReportsView> {
    match state.overlays.last_mut() {
        Some(Overlay::Reports(v)) => Some(v),
        _ => None,
    }
}

pub fn open(state: &mut AppState) -> Vec<Effect> {
    let period = Period::Last7Days;
    state
        .overlays
        .push(Overlay::Reports(Box::new(ReportsView::new(period))));
    vec![compute(state, period)]
}

/// The next period preset; its numbers are computed anew.
pub fn next_period(state: &mut AppState) -> Vec<Effect> {
    let Some(view) = view_mut(state) else {
        return Vec::new();
    };
    let period = view.period.next();
    *view = ReportsView::new(period);
    vec![compute(state, period)]
}

pub fn move_cursor(state: &mut AppState, by: isize) {
    let Some(view) = view_mut(state) else { return };
    let n = view.report.as_ref().map_or(0, |r| cells(r).len()).max(1);
    let step = usize::try_from(by.rem_euclid(isize::try_from(n).unwrap_or(1))).unwrap_or(0);
    view.cursor = (view.cursor + step) % n;
}

/// The numbers arrived; a late answer for another period is dropped.
pub fn reported(state: &mut AppState, period: Period, result: Result<Report, String>) {
    let Some(view) = view_mut(state) else { return };
    if view.period != period {
        return;
    }
    match result {
        Ok(r) => view.report = Some(Arc::new(r)),
        Err(e) => view.error = Some(e),
    }
}

/// Opens the chosen number's items in the queue.
pub fn accept(state: &mut AppState) {
    let Some(Overlay::Reports(view)) = state.overlays.last() else {
        return;
    };
    let Some(report) = &view.report else { return };
    let Some(cell) = cells(report).into_iter().nth(view.cursor) else {
        return;
    };
    let seqs = report.drill(&cell.drill, state.report_clock.zone);
    let label = format!("report: {} ({})", cell.label.trim(), view.period.label());
    state.overlays.pop();
    if seqs.is_empty() {
        state.notify(Level::Info, format!("{label}: no items"));
        return;
    }
    let q = &mut state.queue;
    if let Some(all) = q.views.iter().position(|v| v.name == "All") {
        q.view_ix = all;
    }
    q.refine = crate::filter::Filter {
        search: Some(label.clone()),
        ..Default::default()
    };
    let n = seqs.len();
    q.hits = Some((label.clone(), seqs));
    q.recompute(state.now.timestamp());
    state.notify(Level::Info, format!("{label}: {n} items"));
}
