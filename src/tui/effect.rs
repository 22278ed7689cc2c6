//! Effects: what `update` asks the outside world to do, and the results
//! that come back as events. `update` never does I/O itself; the app loop
//! hands effects to [`execute`] (on a blocking thread at run time, inline
//! in headless tests) and feeds the resulting [`Outcome`] back.

use crate::store::read_where;
use std::sync::Arc;

use crate::change::LocalChange;
use crate::outbox::{OutAction, OutboxEntry};
use crate::store::{RowSet, Store, Stored};
use crate::tui::state::Detail;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Apply a local change durably (store + audit).
    Change { seqs: Vec<u32>, change: LocalChange },
    /// Run a text search over the store.
    Search(String),
    /// Reload every row from the store (after a failed write, or at start).
    LoadRows,
    /// Load the open item with its thread, author history and tag records.
    OpenDetail(u32),
    /// Load the author panel of item `seq`.
    LoadAuthor(u32),
    /// Write a note on the author of item `seq`, then reload the panel.
    AddAuthorNote { seq: u32, text: String },
    /// Approve (do) or dismiss what the rules propose on `seqs`.
    Decide {
        seqs: Vec<u32>,
        approve: bool,
        tags: std::sync::Arc<crate::triage::tags::Tags>,
        now: chrono::DateTime<chrono::Utc>,
    },
    /// Ask the sync engine to sync every account now.
    SyncNow,
    /// Put a reply (or a private reply) in the outbox; with `seen`, hold
    /// it instead when the thread or status changed since the agent looked.
    Enqueue {
        seq: u32,
        action: OutAction,
        seen: Option<crate::tui::state::Seen>,
    },
    /// Check the network's rules for each item, then queue `action` (an
    /// act or a report) for those that allow it.
    Moderate {
        seqs: Vec<u32>,
        action: OutAction,
        /// The UI's clock, for the networks' time windows.
        now: chrono::DateTime<chrono::Utc>,
    },
    /// Queue the hand-off of each item to the colleague (one outbox entry
    /// per item and channel).
    Handoff {
        seqs: Vec<u32>,
        plan: Box<crate::triage::handoff::HandoffPlan>,
    },
    /// Re-read the outbox (after a sync pass sent what was due).
    LoadOutbox,
    /// Put a failed entry back in line.
    RetryReply(u64),
    /// Remove an unsent entry.
    DropReply(u64),
    /// Keep an entry from being sent while the user edits it.
    HoldReply(u64),
    /// Find an item by id and open it (from a list of outbox entries).
    OpenById(crate::model::ItemId),
    /// Save (or, with `None`, remove) an item's draft reply.
    SaveDraft {
        item: crate::model::ItemId,
        draft: Option<crate::store::Draft>,
    },
    /// Count one use of a canned reply by this agent.
    RecordUse { name: String },
    /// Edit a draft in `$VISUAL`/`$EDITOR`; the loop suspends the terminal.
    Editor { seq: u32, text: String },
    /// Answer every item of `seqs` with canned reply `name`, each worded
    /// differently, after the network's rules, the length and the brand
    /// guidelines allow it.
    ReplyWave {
        seqs: Vec<u32>,
        name: String,
        kit: crate::replies::KitRef,
        now: chrono::DateTime<chrono::Utc>,
    },
    /// Count what this agent did since the shift started (the report
    /// engine over the shift so far).
    ShiftCount {
        started: chrono::DateTime<chrono::Utc>,
        settings: Box<crate::report::Settings>,
    },
    /// Summarize the shift, store it with its hand-over note.
    EndShift {
        shift: crate::triage::shift::Shift,
        settings: Box<crate::report::Settings>,
    },
    /// Compute the reports screen's numbers for a period (the one on
    /// screen, or the one before it, for the comparison).
    ComputeReport {
        shown: crate::report::Stepped,
        settings: Box<crate::report::Settings>,
        now: chrono::DateTime<chrono::Utc>,
    },
}

/// Which worker runs an effect. Writes run in order on one lane; a "sync
/// now" rides the same lane, so it is only handed to the engine once the
/// replies and actions queued before it are in the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    Write,
    Read,
}

pub fn lane(effect: &Effect) -> Lane {
    match effect {
        Effect::Change { .. }
        | Effect::Enqueue { .. }
        | Effect::Moderate { .. }
        | Effect::RetryReply(_)
        | Effect::DropReply(_)
        | Effect::HoldReply(_)
        | Effect::SaveDraft { .. }
        | Effect::RecordUse { .. }
        | Effect::Editor { .. }
        | Effect::ReplyWave { .. }
        | Effect::AddAuthorNote { .. }
        | Effect::Decide { .. }
        | Effect::Handoff { .. }
        | Effect::EndShift { .. }
        | Effect::SyncNow => Lane::Write,
        Effect::Search(_)
        | Effect::LoadRows
        | Effect::OpenDetail(_)
        | Effect::LoadAuthor(_)
        | Effect::OpenById(_)
        | Effect::ShiftCount { .. }
        | Effect::ComputeReport { .. }
        | Effect::LoadOutbox => Lane::Read,
    }
}

/// A finished effect, fed back to `update_outcome::apply`.
#[derive(Debug)]
pub enum Outcome {
    Changed {
        change: LocalChange,
        result: Result<Vec<Stored>, String>,
    },
    Searched {
        query: String,
        result: Result<Vec<u32>, String>,
    },
    RowsLoaded(Box<Result<RowSet, String>>),
    DetailLoaded(Box<Result<Detail, String>>),
    /// Proposals approved (done) or dismissed on `count` items.
    Decided {
        approve: bool,
        result: Result<usize, String>,
    },
    AuthorLoaded {
        seq: u32,
        /// A note was just written (the notice says so).
        noted: bool,
        result: Box<Result<crate::tui::author::AuthorPanel, String>>,
    },
    Queued(Result<OutboxEntry, String>),
    /// Queued but held: the thread or the status changed since the agent
    /// opened the composer.
    Held {
        seq: u32,
        entry: OutboxEntry,
        why: String,
    },
    /// The writes before it are done: the engine may sync (and send) now.
    SyncRequested,
    Moderated {
        action: OutAction,
        queued: Vec<OutboxEntry>,
        /// Items the network does not allow it on, with the reason.
        refused: Vec<String>,
        error: Option<String>,
    },
    OutboxLoaded(Result<Vec<OutboxEntry>, String>),
    /// Hand-offs queued (and the first error, if one stopped it).
    HandedOff {
        queued: Vec<OutboxEntry>,
        error: Option<String>,
    },
    /// An item found by id, loaded to be opened.
    Opened(Box<Result<Detail, String>>),
    /// A draft or usage write failed (success is silent).
    Saved(Result<(), String>),
    /// A reply wave was queued for some items and skipped for others.
    Waved {
        name: String,
        queued: Vec<OutboxEntry>,
        skipped: Vec<String>,
        error: Option<String>,
    },
    /// The external editor returned the draft of `seq`.
    Edited {
        seq: u32,
        result: Result<String, String>,
    },
    /// The counts of the shift that started at `started`, and how many
    /// items the store holds.
    ShiftCounted {
        started: chrono::DateTime<chrono::Utc>,
        items: usize,
        result: Result<crate::triage::shift::Tally, String>,
    },
    /// The shift's summary, stored.
    ShiftEnded(Box<Result<crate::store::ShiftRecord, String>>),
    /// The reports screen's numbers for `shown`.
    Reported {
        shown: crate::report::Stepped,
        result: Box<Result<crate::report::Report, String>>,
    },
}

/// Thread items the detail view reads on each side of the item.
const THREAD_AROUND: usize = 4;

/// The author's other items the detail view reads.
const AUTHOR_SHOWN: usize = 10;

/// Runs one effect against the store. Blocking: call it from a blocking
/// thread when the UI must stay responsive.
pub fn execute(store: &Arc<dyn Store>, agent: &str, effect: Effect) -> Option<Outcome> {
    Some(match effect {
        Effect::Change { seqs, change } => {
            let result = store
                .change(&seqs, &change, agent)
                .map_err(|e| e.to_string());
            Outcome::Changed { change, result }
        }
        Effect::Search(query) => {
            let result = store.search(&query).map_err(|e| e.to_string());
            Outcome::Searched { query, result }
        }
        Effect::LoadRows => Outcome::RowsLoaded(Box::new(store.rows().map_err(|e| e.to_string()))),
        Effect::OpenDetail(seq) => {
            Outcome::DetailLoaded(Box::new(load_detail(store, seq).map_err(|e| e.to_string())))
        }
        // Runs on the write lane after the writes queued before it, so the
        // pass it starts sends what was just put in the outbox.
        Effect::SyncNow => Outcome::SyncRequested,
        Effect::Decide {
            seqs,
            approve,
            tags,
            now,
        } => {
            use crate::triage::auto;
            let result = if approve {
                auto::approve(store.as_ref(), &seqs, &tags, agent, now)
            } else {
                auto::dismiss(store.as_ref(), &seqs, agent)
            };
            Outcome::Decided {
                approve,
                result: result.map_err(|e| e.to_string()),
            }
        }
        Effect::LoadAuthor(seq) => Outcome::AuthorLoaded {
            seq,
            noted: false,
            result: Box::new(
                crate::tui::author::load(store.as_ref(), seq).map_err(|e| e.to_string()),
            ),
        },
        Effect::AddAuthorNote { seq, text } => {
            let written = add_author_note(store.as_ref(), seq, text, agent);
            Outcome::AuthorLoaded {
                seq,
                noted: true,
                result: Box::new(
                    written
                        .and_then(|()| crate::tui::author::load(store.as_ref(), seq))
                        .map_err(|e| e.to_string()),
                ),
            }
        }
        Effect::Moderate { seqs, action, now } => {
            moderate(store.as_ref(), &seqs, action, agent, now)
        }
        Effect::Enqueue { seq, action, seen } => {
            match super::collision::enqueue_checked(
                store.as_ref(),
                agent,
                seq,
                action,
                seen.as_ref(),
            ) {
                Ok((entry, None)) => Outcome::Queued(Ok(entry)),
                Ok((entry, Some(why))) => Outcome::Held { seq, entry, why },
                Err(e) => Outcome::Queued(Err(e.to_string())),
            }
        }
        Effect::LoadOutbox => Outcome::OutboxLoaded(store.outbox().map_err(|e| e.to_string())),
        Effect::Handoff { seqs, plan } => queue_handoffs(store.as_ref(), agent, &seqs, &plan),
        Effect::RetryReply(id) => {
            let result =
                store
                    .outbox()
                    .and_then(|entries| match entries.into_iter().find(|e| e.id == id) {
                        Some(mut e) => {
                            e.state = crate::outbox::SendState::Pending;
                            e.attempts = e.attempts.min(1);
                            store.update_outbox(&e)
                        }
                        None => Ok(()),
                    });
            Outcome::OutboxLoaded(
                result
                    .and_then(|()| store.outbox())
                    .map_err(|e| e.to_string()),
            )
        }
        Effect::HoldReply(id) => {
            let result =
                store
                    .outbox()
                    .and_then(|entries| match entries.into_iter().find(|e| e.id == id) {
                        Some(mut e)
                            if e.is_due()
                                && !matches!(e.state, crate::outbox::SendState::Sending { .. }) =>
                        {
                            e.state = crate::outbox::SendState::Failed {
                                error: "held while you edit it".into(),
                                retry: false,
                            };
                            store.update_outbox(&e)
                        }
                        _ => Ok(()),
                    });
            Outcome::OutboxLoaded(
                result
                    .and_then(|()| store.outbox())
                    .map_err(|e| e.to_string()),
            )
        }
        Effect::OpenById(id) => {
            let found = store.find(&id).and_then(|found| match found {
                Some((seq, _)) => load_detail(store, seq),
                None => Err(crate::store::StoreError::NotFound(id.to_string())),
            });
            Outcome::Opened(Box::new(found.map_err(|e| e.to_string())))
        }
        Effect::SaveDraft { item, draft } => Outcome::Saved(
            store
                .set_draft(&item, draft.as_ref())
                .map_err(|e| format!("the draft could not be saved: {e}")),
        ),
        Effect::RecordUse { name } => Outcome::Saved(
            store
                .record_reply_use(agent, &name, chrono::Utc::now())
                .map_err(|e| e.to_string()),
        ),
        Effect::Editor { seq, text } => Outcome::Edited {
            seq,
            result: super::editor::edit(&text),
        },
        Effect::ReplyWave {
            seqs,
            name,
            kit,
            now,
        } => super::wave::run(store.as_ref(), agent, &seqs, &name, &kit.0, now),
        Effect::ShiftCount { started, settings } => Outcome::ShiftCounted {
            started,
            items: store.len(),
            result: crate::triage::shift::tally_since(
                store.as_ref(),
                &settings,
                agent,
                started,
                chrono::Utc::now(),
            )
            .map_err(|e| e.to_string()),
        },
        // The end is when the summary is made, so what the agent did a
        // moment before (between two clock ticks) is in.
        Effect::EndShift {
            mut shift,
            settings,
        } => Outcome::ShiftEnded(Box::new({
            shift.ended = shift.ended.max(chrono::Utc::now());
            crate::triage::shift::finish(store.as_ref(), &settings, shift)
                .map_err(|e| e.to_string())
        })),
        Effect::ComputeReport {
            shown,
            settings,
            now,
        } => {
            let query = crate::report::compare::query(
                shown,
                settings.zone,
                now,
                crate::report::ReportFilter::default(),
            );
            let result = crate::report::compute(store.as_ref(), &settings, &query);
            Outcome::Reported {
                shown,
                result: Box::new(result.map_err(|e| e.to_string())),
            }
        }
        Effect::DropReply(id) => Outcome::OutboxLoaded(
            store
                .remove_outbox(id)
                .and_then(|()| store.outbox())
                .map_err(|e| e.to_string()),
        ),
    })
}

fn load_detail(store: &Arc<dyn Store>, seq: u32) -> Result<Detail, crate::store::StoreError> {
    let Some(item) = store.get(seq)? else {
        return Err(crate::store::StoreError::NotFound(format!("#{seq}")));
    };
    // Only what the view shows is read: every item read stays in sled's
    // cache, and a thread or an author can have thousands.
    let thread_seqs = store.thread_seqs(&item)?;
    let at = thread_seqs.iter().position(|s| *s == seq).unwrap_or(0);
    let thread_from = at.saturating_sub(THREAD_AROUND);
    let window = thread_seqs
        .get(thread_from..(at + THREAD_AROUND + 1).min(thread_seqs.len()))
        .unwrap_or_default();
    let key = item.thread_key();
    let thread = read_where(store.as_ref(), window.iter().copied(), usize::MAX, |i| {
        i.thread_key() == key
    })?;
    let others: Vec<u32> = store
        .author_seqs(&item)?
        .into_iter()
        .filter(|s| *s != seq)
        .collect();
    let author = item.author_key();
    let author_items = read_where(store.as_ref(), others.iter().copied(), AUTHOR_SHOWN, |i| {
        i.author_key() == author
    })?;
    let tag_records = store.tag_records(seq)?;
    let history = store.history(seq)?;
    let escalation = store.escalation(seq)?;
    Ok(Detail {
        seq,
        item: Some(item),
        thread,
        thread_seqs,
        thread_from,
        author_items,
        author_total: others.len(),
        tag_records,
        history,
        escalation,
        proposals: store.proposals(seq)?,
        author: None,
        show_author: false,
        scroll: 0,
    })
}

fn add_author_note(
    store: &dyn Store,
    seq: u32,
    text: String,
    agent: &str,
) -> Result<(), crate::store::StoreError> {
    let Some(item) = store.get(seq)? else {
        return Err(crate::store::StoreError::NotFound(format!("#{seq}")));
    };
    let note = crate::model::Note {
        by: agent.to_string(),
        at: chrono::Utc::now(),
        text,
    };
    store.add_author_note(&item.author_key(), &item.id, &note)
}

/// Puts each item's hand-off in the outbox, one entry per channel.
fn queue_handoffs(
    store: &dyn Store,
    agent: &str,
    seqs: &[u32],
    plan: &crate::triage::handoff::HandoffPlan,
) -> Outcome {
    let mut queued = Vec::new();
    let result = seqs.iter().try_for_each(|&seq| {
        let Some(item) = store.get(seq)? else {
            return Ok(());
        };
        for order in plan.orders(&item, agent) {
            queued.push(store.enqueue(&item.id, OutAction::Handoff(Box::new(order)), agent)?);
        }
        Ok::<(), crate::store::StoreError>(())
    });
    Outcome::HandedOff {
        queued,
        error: result.err().map(|e| e.to_string()),
    }
}

/// Queues `action` on every item whose network allows it now.
fn moderate(
    store: &dyn Store,
    seqs: &[u32],
    action: OutAction,
    agent: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Outcome {
    let (mut queued, mut refused, mut error) = (Vec::new(), Vec::new(), None);
    for &seq in seqs {
        let item = match store.get(seq) {
            Ok(Some(item)) => item,
            Ok(None) => continue,
            Err(e) => {
                error = Some(e.to_string());
                break;
            }
        };
        let caps = crate::networks::capabilities(item.remote.network);
        let target = crate::networks::Target::from_remote(&item.remote);
        // Every moderation action is a network write (a hand-off is not
        // queued here).
        if let Some(capability) = action.capability()
            && let Err(no) = caps.check(capability, &target, now)
        {
            refused.push(no.reason);
            continue;
        }
        // A report's category and comment must suit each item's network.
        if let OutAction::Report(report) = &action
            && let Err(why) = report.check(item.remote.network)
        {
            refused.push(why);
            continue;
        }
        match store.enqueue(&item.id, action.clone(), agent) {
            Ok(entry) => queued.push(entry),
            Err(e) => {
                error = Some(e.to_string());
                break;
            }
        }
    }
    Outcome::Moderated {
        action,
        queued,
        refused,
        error,
    }
}
