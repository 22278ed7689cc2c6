//! The report flow (`item.report`): pick a category from the network's own
//! list (tab completes it), then write an optional comment for the
//! network's moderators; the report goes through the outbox like any
//! moderation act. Networks without a report call are refused up front
//! with what to do instead; a category or comment the network would
//! reject keeps the prompt open with the reason. On a multi-selection the
//! worker checks each item's network again and skips the ones that refuse.

use super::effect::Effect;
use super::state::{AppState, Level, Overlay, PromptKind};
use super::update::open_prompt;
use super::update_moderate::{queue, refusal};
use crate::model::Network;
use crate::networks::Capability;
use crate::networks::report::{Report, ReportReason, reasons};
use crate::outbox::OutAction;

/// The network of the first target, from the loaded item or its row.
fn network_of(state: &AppState, seq: u32) -> Option<Network> {
    state.item_seen(seq).map(|i| i.remote.network).or_else(|| {
        let i = state.queue.row_index(seq)?;
        state.queue.set.rows.get(i).map(|r| r.network)
    })
}

pub fn start(state: &mut AppState) -> Vec<Effect> {
    let targets = state.targets();
    let Some(&first) = targets.first() else {
        state.notify(Level::Warn, "nothing selected");
        return Vec::new();
    };
    if let (Some(item), [_]) = (state.item_seen(first), targets.as_slice()) {
        if item.remote.moderation.deleted {
            state.notify(Level::Warn, "this item was deleted on the network");
            return Vec::new();
        }
        if let Some(reason) = refusal(state, item, Capability::Report) {
            state.notify(Level::Warn, reason);
            return Vec::new();
        }
    }
    let network = network_of(state, first);
    let allowed = network.map(reasons).unwrap_or_default();
    if allowed.is_empty() && targets.len() == 1 {
        // Not loaded yet, but the row says which network: the same words.
        let caps = network.map(crate::networks::capabilities);
        if let Some(caps) = caps {
            state.notify(
                Level::Warn,
                crate::networks::refusals::missing(&caps, Capability::Report),
            );
            return Vec::new();
        }
    }
    let words = allowed.iter().map(|r| r.as_str().to_string()).collect();
    open_prompt(state, PromptKind::ReportReason, "", words, targets);
    Vec::new()
}

pub fn submit(state: &mut AppState, kind: PromptKind, text: &str) -> Vec<Effect> {
    let Some(Overlay::Prompt(prompt)) = state.overlays.last() else {
        return Vec::new();
    };
    let targets = prompt.targets.clone();
    let network = targets.first().and_then(|s| network_of(state, *s));
    match kind {
        PromptKind::ReportReason => {
            let allowed = network.map(reasons).unwrap_or(&ReportReason::ALL);
            let Some(reason) = ReportReason::parse(text) else {
                let words: Vec<&str> = allowed.iter().map(|r| r.as_str()).collect();
                return refuse(state, format!("choose one of: {}", words.join(", ")));
            };
            if let Some(Err(why)) = network.map(|n| Report::new(reason, "").check(n)) {
                return refuse(state, why);
            }
            state.overlays.pop();
            let kind = PromptKind::ReportComment(reason);
            open_prompt(state, kind, "", Vec::new(), targets);
            Vec::new()
        }
        PromptKind::ReportComment(reason) => {
            let report = Report::new(reason, text);
            if let Some(Err(why)) = network.map(|n| report.check(n)) {
                return refuse(state, why);
            }
            state.overlays.pop();
            queue(state, targets, OutAction::Report(report))
        }
        _ => Vec::new(),
    }
}

fn refuse(state: &mut AppState, why: String) -> Vec<Effect> {
    if let Some(Overlay::Prompt(p)) = state.overlays.last_mut() {
        p.error = Some(why);
    }
    Vec::new()
}
