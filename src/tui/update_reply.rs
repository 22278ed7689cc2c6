//! Update for replies: opening the reply prompt once the network's rules
//! allow it, and retrying, editing or dropping a reply the outbox has not
//! sent. Submitting the prompt is in `update_overlay`.

use super::effect::Effect;
use super::state::{AppState, Level};
use crate::action::Action;

/// Opens the reply prompt when the network allows a reply to this item;
/// otherwise says why not, before anything is typed.
pub fn start(state: &mut AppState) -> Vec<Effect> {
    let targets = state.targets();
    let [seq] = targets.as_slice() else {
        // Several marked items: one canned reply to all, worded differently.
        super::update_canned::open_wave(state, targets);
        return Vec::new();
    };
    let Some(item) = state.item_seen(*seq) else {
        state.notify(Level::Warn, "the item is still loading");
        return Vec::new();
    };
    let caps = crate::networks::capabilities(item.remote.network);
    let target = crate::networks::Target::from_remote(&item.remote);
    if let Err(no) = caps.check(crate::networks::Capability::Reply, &target, state.now) {
        state.notify(Level::Warn, no.reason);
        return Vec::new();
    }
    super::update_compose::open(state, *seq, false)
}

/// Retry, edit or drop the latest unsent reply of the selected item. A
/// reply being sent cannot be touched: its outcome is not known yet.
pub fn manage(state: &mut AppState, action: Action) -> Vec<Effect> {
    use crate::outbox::SendState as S;
    let seq = state
        .detail
        .as_ref()
        .map(|d| d.seq)
        .or(state.queue.selected);
    let id = seq
        .and_then(|s| state.items.get(&s))
        .map(|i| i.id.to_string());
    let entry = id
        .and_then(|id| state.outbox.get(&id))
        .and_then(|list| list.last())
        .cloned();
    let Some(entry) = entry else {
        state.notify(Level::Warn, "this item has no reply in the outbox");
        return Vec::new();
    };
    match (&entry.state, action) {
        (S::Sent { .. }, _) => state.notify(Level::Info, "the reply was already sent"),
        (S::Sending { .. }, _) => {
            state.notify(Level::Warn, "the reply is being sent; wait for the outcome")
        }
        (S::Pending, Action::ReplyRetry) => {
            state.notify(Level::Info, "the reply is already waiting to be sent")
        }
        (_, Action::ReplyRetry) => {
            let mut effects = vec![Effect::RetryReply(entry.id)];
            if !state.accounts.is_empty() {
                effects.push(Effect::SyncNow);
            }
            return effects;
        }
        (_, Action::ReplyDrop) => {
            state.notify(Level::Info, "reply dropped");
            return vec![Effect::DropReply(entry.id)];
        }
        _ => {
            let Some(text) = entry.action.text().map(str::to_string) else {
                state.notify(
                    Level::Warn,
                    format!("a {} has no text to edit", entry.action.describe()),
                );
                return Vec::new();
            };
            let Some(seq) = seq else {
                return Vec::new();
            };
            let mut effects = super::update_compose::open_replacing(state, seq, &text, entry.id);
            effects.push(Effect::HoldReply(entry.id));
            return effects;
        }
    }
    Vec::new()
}
