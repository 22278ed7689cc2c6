//! Shift mode, pure: `shift.toggle` starts a shift (counters, items that
//! arrive lit up, a live refresh) or ends it (the summary is written and
//! stored by an effect, then shown); `queue.next_unhandled` jumps to the
//! next item nobody answered.
//!
//! Live refresh: while a shift runs, the clock tick asks the sync engine
//! for a pass every `shift_refresh` seconds (the same "sync now" as
//! ctrl-r, so the engine keeps one schedule and one code path) and
//! recounts the shift (the report engine over the shift so far, as the
//! hand-over note counts). The counts are also redone after every action
//! that may have handled something.

use chrono::{DateTime, Utc};

use super::effect::{Effect, Outcome};
use super::state::{AppState, Level, Overlay, ShiftNote, ShiftState};
use super::update_reports::settings;
use crate::store::ShiftRecord;
use crate::triage::shift::{Shift, Tally};

/// Starts a shift, or ends the running one.
pub fn toggle(state: &mut AppState) -> Vec<Effect> {
    let now = state.now;
    let settings = settings(state);
    match state.shift.as_mut() {
        Some(shift) if shift.ending => {
            state.notify(Level::Info, "the hand-over note is being written…");
            Vec::new()
        }
        Some(shift) => {
            shift.ending = true;
            let shift = Shift {
                agent: state.agent.clone(),
                started: shift.started,
                ended: now,
            };
            state.notify(Level::Info, "ending the shift: writing the hand-over note…");
            vec![Effect::EndShift { shift, settings }]
        }
        None => {
            state.shift = Some(ShiftState::new(now, state.shift_refresh));
            let mut effects = vec![Effect::ShiftCount {
                started: now,
                settings,
            }];
            if !state.accounts.is_empty() {
                effects.push(Effect::SyncNow);
            }
            state.notify(
                Level::Info,
                format!(
                    "shift started · refresh every {} s · new items lit · same key ends it",
                    state.shift_refresh
                ),
            );
            effects
        }
    }
}

/// Selects the next unanswered item of the view after the cursor (round
/// to the top), opening it when an item is open.
pub fn next_unhandled(state: &mut AppState) -> Vec<Effect> {
    let now = state.now_ts();
    let q = &state.queue;
    let n = q.visible.len();
    let found = (1..=n).map(|step| (q.cursor + step) % n.max(1)).find(|&c| {
        q.visible
            .get(c)
            .and_then(|&row| q.set.rows.get(row as usize))
            .is_some_and(|r| r.effective_status(now).is_unanswered())
    });
    let Some(cursor) = found else {
        state.notify(Level::Info, "nothing unanswered in this view");
        return Vec::new();
    };
    state.queue.move_to(cursor);
    if state.detail.is_some() {
        return super::update::open_selected(state);
    }
    Vec::new()
}

/// The clock: a live refresh when one is due.
pub fn tick(state: &mut AppState, now: DateTime<Utc>) -> Vec<Effect> {
    let has_accounts = !state.accounts.is_empty();
    let settings = settings(state);
    let Some(shift) = state.shift.as_mut().filter(|s| !s.ending) else {
        return Vec::new();
    };
    if (now - shift.refreshed).num_seconds() < shift.every {
        return Vec::new();
    }
    shift.refreshed = now;
    let mut effects = vec![Effect::ShiftCount {
        started: shift.started,
        settings,
    }];
    if has_accounts {
        effects.push(Effect::SyncNow);
    }
    effects
}

/// Whether `outcome` may have handled an item (the counts are redone).
pub fn recount_after(state: &AppState, outcome: &Outcome) -> Vec<Effect> {
    let Some(shift) = state.shift.as_ref().filter(|s| !s.ending) else {
        return Vec::new();
    };
    let acted = matches!(
        outcome,
        Outcome::Changed { result: Ok(_), .. }
            | Outcome::Queued(Ok(_))
            | Outcome::Moderated { .. }
            | Outcome::Waved { .. }
    );
    if acted {
        vec![Effect::ShiftCount {
            started: shift.started,
            settings: settings(state),
        }]
    } else {
        Vec::new()
    }
}

/// New counts for the shift that started at `started`.
pub fn counted(
    state: &mut AppState,
    started: DateTime<Utc>,
    items: usize,
    result: Result<Tally, String>,
) {
    let Some(shift) = state.shift.as_mut().filter(|s| s.started == started) else {
        return;
    };
    shift
        .first_seq
        .get_or_insert(u32::try_from(items).unwrap_or(u32::MAX));
    match result {
        Ok(tally) => shift.tally = tally,
        Err(e) => state.notify(Level::Error, format!("could not count the shift: {e}")),
    }
    row_counts(state);
}

/// Recounts the bar's row figures (pending, unseen arrivals) once, after
/// the rows changed; the bar only reads them.
pub fn row_counts(state: &mut AppState) {
    if state.shift.is_none() {
        return;
    }
    let (pending, unseen) = (pending(state), unseen_arrivals(state));
    if let Some(shift) = state.shift.as_mut() {
        shift.pending = pending;
        shift.unseen = unseen;
    }
}

/// The shift's note is stored: show it, say where it is.
pub fn ended(state: &mut AppState, result: Result<ShiftRecord, String>) {
    match result {
        Ok(record) => {
            state.shift = None;
            state.overlays.push(Overlay::Shift(ShiftNote {
                markdown: record.markdown,
                scroll: 0,
            }));
            state.notify(
                Level::Info,
                "hand-over note saved in the store (shifts) · `guichet shift --last` prints it",
            );
        }
        Err(e) => {
            if let Some(shift) = state.shift.as_mut() {
                shift.ending = false;
            }
            state.notify(
                Level::Error,
                format!("the shift goes on: its note could not be saved: {e}"),
            );
        }
    }
}

/// Items unanswered now, from the rows in memory.
pub fn pending(state: &AppState) -> usize {
    let now = state.now_ts();
    state
        .queue
        .set
        .rows
        .iter()
        .filter(|r| r.effective_status(now).is_unanswered())
        .count()
}

/// Items that arrived during the shift and are not read yet.
pub fn unseen_arrivals(state: &AppState) -> usize {
    let Some(shift) = &state.shift else { return 0 };
    state
        .queue
        .set
        .rows
        .iter()
        .filter(|r| !r.read && shift.arrived(r.seq))
        .count()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use chrono::TimeZone;

    use super::*;
    use crate::tui::state::QueueState;

    fn state() -> AppState {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
        AppState::new(QueueState::new(Vec::new()), "camille".into(), true, now)
    }

    #[test]
    fn toggling_starts_then_ends_once() {
        let mut s = state();
        let effects = toggle(&mut s);
        assert_eq!(
            effects,
            vec![Effect::ShiftCount {
                started: s.now,
                settings: settings(&s),
            }]
        );
        s.now += chrono::Duration::minutes(90);
        let effects = toggle(&mut s);
        let Some(Effect::EndShift { shift, .. }) = effects.first() else {
            panic!("{effects:?}");
        };
        assert_eq!((shift.ended - shift.started).num_minutes(), 90);
        assert!(toggle(&mut s).is_empty(), "ending already: nothing twice");
        assert!(s.shift.as_ref().unwrap().ending);
    }

    #[test]
    fn with_accounts_the_refresh_also_syncs() {
        let mut s = state();
        s.accounts
            .push(("mastodon".into(), crate::sync::engine::SyncState::Idle));
        assert!(toggle(&mut s).contains(&Effect::SyncNow));
        let due = s.now + chrono::Duration::seconds(s.shift_refresh);
        assert!(tick(&mut s, due - chrono::Duration::seconds(1)).is_empty());
        assert!(tick(&mut s, due).contains(&Effect::SyncNow));
    }

    #[test]
    fn counts_of_another_shift_are_ignored_and_the_first_fixes_arrivals() {
        let mut s = state();
        toggle(&mut s);
        let started = s.now;
        let tally = Tally {
            handled: 3,
            ..Tally::default()
        };
        counted(
            &mut s,
            started - chrono::Duration::hours(1),
            99,
            Ok(tally.clone()),
        );
        assert_eq!(s.shift.as_ref().unwrap().tally.handled, 0);
        counted(&mut s, started, 40, Ok(tally.clone()));
        counted(&mut s, started, 45, Ok(tally));
        let shift = s.shift.as_ref().unwrap();
        assert_eq!((shift.first_seq, shift.tally.handled), (Some(40), 3));
        assert!(shift.arrived(40) && !shift.arrived(39));
    }

    #[test]
    fn a_failed_save_keeps_the_shift_running() {
        let mut s = state();
        toggle(&mut s);
        toggle(&mut s);
        ended(&mut s, Err("disk full".into()));
        let shift = s.shift.as_ref().unwrap();
        assert!(!shift.ending);
        assert!(s.notice.as_ref().unwrap().text.contains("disk full"));
        assert!(s.overlays.is_empty());
    }
}
