//! `apply(state, outcome) -> effects`: what a finished effect (a store
//! write, a load, a search, a sync, an outbox send) does to the state, with
//! no I/O.

use super::effect::{Effect, Outcome};
use super::state::{AppState, Detail, Level};
use super::update_canned;
use super::update_compose;
use super::update_moderate;
use crate::store::RowSet;

/// Feeds a finished effect back into the state.
pub fn apply(state: &mut AppState, outcome: Outcome) -> Vec<Effect> {
    let now = state.now_ts();
    match outcome {
        Outcome::Changed {
            result: Ok(items), ..
        } => {
            for (seq, item) in items {
                if let Some(d) = state.detail.as_mut().filter(|d| d.seq == seq) {
                    d.item = Some(item.clone());
                }
                state.items.insert(seq, item);
            }
        }
        Outcome::Changed {
            change,
            result: Err(e),
        } => {
            state.notify(
                Level::Error,
                format!("could not save '{}': {e}", change.describe()),
            );
            return vec![Effect::LoadRows];
        }
        Outcome::Searched {
            query,
            result: Ok(hits),
        } => {
            state.queue.hits = Some((query, hits));
            state.queue.recompute(now);
        }
        Outcome::Reported { shown, result } => {
            super::update_reports::reported(state, shown, *result)
        }
        Outcome::Searched { result: Err(e), .. } => {
            state.notify(Level::Error, format!("search failed: {e}"))
        }
        Outcome::RowsLoaded(result) => match *result {
            Ok(set) => load_rows(state, set),
            Err(e) => state.notify(Level::Error, format!("could not read the store: {e}")),
        },
        Outcome::Moderated {
            action,
            queued,
            refused,
            error,
        } => update_moderate::settled(state, &action, queued, refused, error),
        Outcome::Queued(Ok(entry)) => {
            let sending = if state.accounts.is_empty() {
                "no account configured to send it yet"
            } else {
                "sending"
            };
            let what = entry.action.describe().replace('_', " ");
            state.notify(Level::Info, format!("{what} queued · {sending}"));
            state.add_outbox(entry);
        }
        Outcome::Held { seq, entry, why } => {
            state.notify(
                Level::Warn,
                format!(
                    "reply held, not sent: {why} · read the thread; :reply.retry sends it, :reply.edit changes it"
                ),
            );
            state.add_outbox(entry);
            // Back to the item, with its thread read afresh.
            state.queue.select(seq);
            state.detail = Some(Detail {
                seq,
                ..Detail::default()
            });
            return vec![Effect::OpenDetail(seq)];
        }
        Outcome::Queued(Err(e)) => {
            state.notify(Level::Error, format!("could not queue the reply: {e}"))
        }
        // The event loop hands it to the engine; nothing to show.
        Outcome::SyncRequested => {}
        Outcome::HandedOff { queued, error } => {
            super::update_escalate::queued(state, queued, error)
        }
        Outcome::OutboxLoaded(Ok(entries)) => {
            // A reply confirmed since the last look has marked its item
            // answered in the store: the rows must follow.
            let sent = |e: &crate::outbox::OutboxEntry| {
                matches!(e.state, crate::outbox::SendState::Sent { .. })
            };
            let newly_sent = entries.iter().filter(|e| sent(e)).any(|e| {
                !state
                    .outbox
                    .get(e.item.as_str())
                    .is_some_and(|known| known.iter().any(|k| k.id == e.id && sent(k)))
            });
            state.set_outbox(entries);
            if newly_sent {
                return vec![Effect::LoadRows];
            }
        }
        Outcome::OutboxLoaded(Err(e)) => {
            state.notify(Level::Error, format!("could not read the outbox: {e}"))
        }
        Outcome::Waved {
            name,
            queued,
            skipped,
            error,
        } => return update_canned::waved(state, name, queued, skipped, error),
        Outcome::Opened(result) => match *result {
            Ok(detail) => {
                state.queue.select(detail.seq);
                state.composer = None;
                state.detail = Some(detail);
            }
            Err(e) => state.notify(Level::Error, format!("could not open the item: {e}")),
        },
        Outcome::Saved(Ok(())) => {}
        Outcome::Saved(Err(e)) => state.notify(Level::Error, e),
        Outcome::Edited { seq, result } => return update_compose::edited(state, seq, result),
        Outcome::Decided { approve, result } => {
            return super::update_rules::decided(state, approve, result);
        }
        Outcome::ShiftCounted {
            started,
            items,
            result,
        } => super::update_shift::counted(state, started, items, result),
        Outcome::ShiftEnded(result) => super::update_shift::ended(state, *result),
        Outcome::AuthorLoaded { seq, noted, result } => {
            super::update_author::loaded(state, seq, noted, *result);
        }
        Outcome::DetailLoaded(result) => match *result {
            Ok(detail) => {
                let seq = detail.seq;
                if let Some(open) = state.detail.as_mut().filter(|d| d.seq == seq) {
                    let scroll = open.scroll;
                    let mut detail = detail;
                    super::update_author::keep_panel(open, &mut detail);
                    *open = detail;
                    open.scroll = scroll;
                }
                update_compose::thread_loaded(state, seq);
                if state.compose_on_open.take_if(|s| *s == seq).is_some() {
                    return update_compose::open(state, seq, false);
                }
            }
            Err(e) => state.notify(Level::Error, format!("could not open the item: {e}")),
        },
    }
    Vec::new()
}

fn load_rows(state: &mut AppState, set: RowSet) {
    let now = state.now_ts();
    // A reload follows a sync, which may have edited texts: glances are
    // read again (a screenful of small reads).
    state.glances.clear();
    state.queue.set_rows(set, false, now);
}
