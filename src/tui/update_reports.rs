//! The reports screen (`view.reports`, its own `reports` key mode):
//! opening it asks for the numbers of the period (an effect on the read
//! lane, so a year of history never blocks a frame);
//! `reports.next_period`/`prev_period` cycle the presets;
//! `reports.custom_period` asks for a period in the syntax of `guichet
//! report --period` (the same parser), keeping the report on screen until
//! a valid one is typed; `reports.earlier`/`later` step the period back or
//! forward by one of its kind ([`Stepped`]). Each period on screen is
//! computed along with the one before it, for the change of the headline
//! numbers ([`crate::report::compare`]). `reports.next`/`prev` move over
//! the numbers;
//! `reports.open` opens the items behind the chosen number in the queue
//! (the All view, narrowed to them like a search, named `report: …`).

use std::sync::Arc;

use super::effect::Effect;
use super::state::reports::{ReportsView, cells};
use super::state::{AppState, Level, Overlay, PromptKind};
use crate::report::compare::Headline;
use crate::report::{Period, Report, Settings, Stepped};

/// The report settings of the session (zone, business hours, tags).
pub(super) fn settings(state: &AppState) -> Box<Settings> {
    Box::new(Settings {
        zone: state.report_clock.zone,
        hours: state.report_clock.hours.clone(),
        tags: state.tags.clone(),
    })
}

/// The numbers of `shown`, then of the period before it.
fn compute(state: &AppState, shown: Stepped) -> Vec<Effect> {
    [shown, shown.before()]
        .into_iter()
        .map(|shown| Effect::ComputeReport {
            shown,
            settings: settings(state),
            now: state.now,
        })
        .collect()
}

fn view(state: &AppState) -> Option<&ReportsView> {
    match state.overlays.last() {
        Some(Overlay::Reports(v)) => Some(v),
        _ => None,
    }
}

fn view_mut(state: &mut AppState) -> Option<&mut ReportsView> {
    match state.overlays.last_mut() {
        Some(Overlay::Reports(v)) => Some(v),
        _ => None,
    }
}

pub fn open(state: &mut AppState) -> Vec<Effect> {
    let shown = Stepped::at(Period::Last7Days);
    state
        .overlays
        .push(Overlay::Reports(Box::new(ReportsView::new(shown))));
    compute(state, shown)
}

/// Shows `shown`; its numbers are computed anew.
fn show(state: &mut AppState, shown: Stepped) -> Vec<Effect> {
    let Some(view) = view_mut(state) else {
        return Vec::new();
    };
    *view = ReportsView::new(shown);
    compute(state, shown)
}

/// One period back, or forward while it has begun by now.
pub fn step(state: &mut AppState, forward: bool) -> Vec<Effect> {
    let Some(view) = view(state) else {
        return Vec::new();
    };
    let shown = if forward {
        view.shown().after()
    } else {
        view.shown().before()
    };
    if shown.window(state.report_clock.zone, state.now).from > state.now {
        state.notify(Level::Info, "the period after has not begun yet");
        return Vec::new();
    }
    show(state, shown)
}

/// The next (or previous) period preset.
pub fn next_period(state: &mut AppState, forward: bool) -> Vec<Effect> {
    let Some(view) = view_mut(state) else {
        return Vec::new();
    };
    let period = if forward {
        view.period.next()
    } else {
        view.period.prev()
    };
    show(state, Stepped::at(period))
}

/// Asks for a period, prefilled with the dates on screen.
pub fn ask_period(state: &mut AppState) {
    let Some(view) = view(state) else { return };
    let (from, to) = view.shown().dates(state.report_clock.zone, state.now);
    let presets = Period::PRESETS
        .iter()
        .filter_map(|p| p.name().map(str::to_string))
        .collect();
    super::update::open_prompt(
        state,
        PromptKind::ReportsPeriod,
        &format!("{from}..{to}"),
        presets,
        Vec::new(),
    );
}

/// The typed period: shown when it reads, else the prompt says why and
/// the report under it stays.
pub fn submit_period(state: &mut AppState, text: &str) -> Vec<Effect> {
    match text.parse::<Period>() {
        Ok(period) => {
            state.overlays.pop();
            show(state, Stepped::at(period))
        }
        Err(e) => {
            if let Some(Overlay::Prompt(p)) = state.overlays.last_mut() {
                p.error = Some(e);
            }
            Vec::new()
        }
    }
}

pub fn move_cursor(state: &mut AppState, by: isize) {
    let Some(view) = view_mut(state) else { return };
    let n = view.report.as_ref().map_or(0, |r| cells(r).len()).max(1);
    let step = usize::try_from(by.rem_euclid(isize::try_from(n).unwrap_or(1))).unwrap_or(0);
    view.cursor = (view.cursor + step) % n;
}

/// Numbers arrived: the period on screen's, or the one before it's (kept
/// as headline numbers); a late answer for another period is dropped.
pub fn reported(state: &mut AppState, shown: Stepped, result: Result<Report, String>) {
    let Some(view) = view_mut(state) else { return };
    if shown == view.shown() {
        match result {
            Ok(r) => view.report = Some(Arc::new(r)),
            Err(e) => view.error = Some(e),
        }
    } else if shown == view.shown().before() {
        match result {
            Ok(r) => view.previous = Some(Arc::new(Headline::of(&r))),
            Err(e) => state.notify(
                Level::Warn,
                format!("no comparison with the period before: {e}"),
            ),
        }
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
    let zone = state.report_clock.zone;
    let period = view.shown().label(zone, state.now);
    let label = format!("report: {} ({period})", cell.label.trim());
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
