//! Update for moderation on the network: like, hide, delete, block, mute,
//! spam and Meta's private reply (reports: `update_report`). Each goes
//! through the outbox like a reply. The network's rules are checked before
//! anything is queued, so an impossible action is refused with its reason;
//! delete, block and spam ask first. Likes and hides toggle from the first
//! target's current state.

use super::effect::Effect;
use super::state::{AppState, Level};
use super::update::open_prompt;
use crate::action::Action;
use crate::model::Item;
use crate::networks::connector::Act;
use crate::networks::{Capability, Target, capabilities};
use crate::outbox::OutAction;

use super::state::PromptKind;

/// Which act `action` means for an item in this state.
pub fn act_for(action: Action, item: Option<&Item>) -> Option<Act> {
    let m = item.map(|i| i.remote.moderation).unwrap_or_default();
    Some(match action {
        Action::ItemLike if m.liked => Act::Unlike,
        Action::ItemLike => Act::Like,
        Action::ItemHide if m.hidden => Act::Unhide,
        Action::ItemHide => Act::Hide,
        Action::ItemDelete => Act::Delete,
        Action::ItemBlock => Act::Block,
        Action::ItemMute => Act::Mute,
        Action::ItemSpam => Act::Spam,
        _ => return None,
    })
}

/// Why `capability` cannot be done on `item` now, if it cannot.
pub(super) fn refusal(state: &AppState, item: &Item, capability: Capability) -> Option<String> {
    let caps = capabilities(item.remote.network);
    let target = Target::from_remote(&item.remote);
    caps.check(capability, &target, state.now)
        .err()
        .map(|no| no.reason)
}

pub fn start(state: &mut AppState, action: Action) -> Vec<Effect> {
    let targets = state.targets();
    let Some(&first) = targets.first() else {
        state.notify(Level::Warn, "nothing selected");
        return Vec::new();
    };
    let item = state.item_seen(first).cloned();
    let Some(act) = act_for(action, item.as_ref()) else {
        return Vec::new();
    };
    if let (Some(item), [_]) = (&item, targets.as_slice()) {
        if item.remote.moderation.deleted {
            state.notify(Level::Warn, "this item was deleted on the network");
            return Vec::new();
        }
        if let Some(reason) = refusal(state, item, act.capability()) {
            state.notify(Level::Warn, reason);
            return Vec::new();
        }
    }
    if matches!(act, Act::Delete | Act::Block | Act::Spam) {
        open_prompt(state, PromptKind::Confirm(act), "", Vec::new(), targets);
        return Vec::new();
    }
    queue(state, targets, OutAction::Act(act))
}

/// The effects that queue `action` on `seqs` (the worker checks each item).
pub fn queue(state: &AppState, seqs: Vec<u32>, action: OutAction) -> Vec<Effect> {
    let mut effects = vec![Effect::Moderate {
        seqs,
        action,
        now: state.now,
    }];
    if !state.accounts.is_empty() {
        effects.push(Effect::SyncNow);
    }
    effects
}

/// The answer to "delete / block / spam? y to confirm".
pub fn confirmed(answer: &str) -> bool {
    matches!(
        answer.trim().to_lowercase().as_str(),
        "y" | "yes" | "o" | "oui"
    )
}

/// Opens the private-reply prompt when the network allows one here.
pub fn start_private_reply(state: &mut AppState) -> Vec<Effect> {
    let targets = state.targets();
    let [seq] = targets.as_slice() else {
        state.notify(
            Level::Warn,
            "private-reply to one item at a time (clear the marks with x)",
        );
        return Vec::new();
    };
    let Some(item) = state.item_seen(*seq) else {
        state.notify(Level::Warn, "the item is still loading");
        return Vec::new();
    };
    if let Some(reason) = refusal(state, item, Capability::PrivateReply) {
        state.notify(Level::Warn, reason);
        return Vec::new();
    }
    super::update_compose::open(state, *seq, true)
}

/// Reports what the worker queued and what the networks refused.
pub fn settled(
    state: &mut AppState,
    action: &OutAction,
    queued: Vec<crate::outbox::OutboxEntry>,
    refused: Vec<String>,
    error: Option<String>,
) {
    let n = queued.len();
    let what = action.describe();
    for entry in queued {
        state.add_outbox(entry);
    }
    if let Some(e) = error {
        state.notify(Level::Error, format!("{what} not queued: {e}"));
        return;
    }
    let sending = if state.accounts.is_empty() {
        "no account configured to send it yet"
    } else {
        "sending"
    };
    let items = |n: usize| {
        if n == 1 {
            "item".to_string()
        } else {
            format!("{n} items")
        }
    };
    match (n, refused.first()) {
        (0, Some(reason)) => state.notify(Level::Warn, reason.clone()),
        (0, None) => state.notify(Level::Info, "nothing to do"),
        (_, None) => state.notify(
            Level::Info,
            format!("{what} queued for {} · {sending}", items(n)),
        ),
        (_, Some(reason)) => state.notify(
            Level::Warn,
            format!(
                "{what} queued for {}; {} skipped: {reason}",
                items(n),
                refused.len()
            ),
        ),
    }
}
