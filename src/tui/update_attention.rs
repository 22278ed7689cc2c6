//! The "needs attention" list: replies and actions that wait for the agent
//! instead of going out, because they were held (the thread or status
//! changed after the composer opened) or refused by the network (too long,
//! outside a window, forbidden), and hand-offs the colleague's side refused. Choosing one opens its item; from there
//! `reply.retry`, `reply.edit` or `reply.drop` settle it.

use super::effect::Effect;
use super::state::{AppState, AttentionEntry, AttentionList, Level, Overlay};
use crate::outbox::{OutAction, SendState};

pub fn open(state: &mut AppState) {
    let mut entries: Vec<AttentionEntry> = state
        .outbox
        .values()
        .flatten()
        .filter_map(|e| match &e.state {
            SendState::Failed {
                error,
                retry: false,
            } => Some(AttentionEntry {
                item: e.item.clone(),
                label: match &e.action {
                    OutAction::Handoff(order) => format!(
                        "hand-off to {} by {} · {}",
                        crate::text::one_line(&order.handoff.assignee),
                        order.channel.describe(),
                        crate::text::one_line(error),
                    ),
                    action => format!(
                        "{} · {} · {}",
                        action.describe().replace('_', " "),
                        crate::text::one_line(error),
                        crate::text::one_line(action.text().unwrap_or_default()),
                    ),
                },
                at: e.created_at,
            }),
            _ => None,
        })
        .collect();
    if entries.is_empty() {
        state.notify(
            Level::Info,
            "nothing needs you: no reply is held or refused",
        );
        return;
    }
    entries.sort_by_key(|e| std::cmp::Reverse(e.at));
    state
        .overlays
        .push(Overlay::Attention(AttentionList { entries, cursor: 0 }));
}

pub fn move_cursor(state: &mut AppState, by: isize) {
    if let Some(Overlay::Attention(list)) = state.overlays.last_mut() {
        let n = list.entries.len().max(1);
        let step = usize::try_from(by.rem_euclid(isize::try_from(n).unwrap_or(1))).unwrap_or(0);
        list.cursor = (list.cursor + step) % n;
    }
}

/// Opens the chosen entry's item.
pub fn accept(state: &mut AppState) -> Vec<Effect> {
    let Some(Overlay::Attention(list)) = state.overlays.last() else {
        return Vec::new();
    };
    let Some(entry) = list.entries.get(list.cursor) else {
        return Vec::new();
    };
    let item = entry.item.clone();
    state.overlays.pop();
    vec![Effect::OpenById(item)]
}
