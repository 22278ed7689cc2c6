//! Update for what `propose` rules flag: `y` approves (the rule's actions
//! are done, as the agent, and audited), `Y` dismisses (audited too). Both
//! work on the marked items, so a spam wave is settled in one key.

use super::effect::Effect;
use super::state::{AppState, Level};

pub fn decide(state: &mut AppState, approve: bool) -> Vec<Effect> {
    let targets = state.targets();
    let flagged: Vec<u32> = targets
        .into_iter()
        .filter(|seq| {
            state
                .queue
                .row_index(*seq)
                .is_some_and(|i| state.queue.set.rows[i].proposed)
        })
        .collect();
    if flagged.is_empty() {
        state.notify(Level::Warn, "no rule proposes anything here");
        return Vec::new();
    }
    vec![Effect::Decide {
        seqs: flagged,
        approve,
        tags: state.tags.clone(),
        now: state.now,
    }]
}

pub fn decided(state: &mut AppState, approve: bool, result: Result<usize, String>) -> Vec<Effect> {
    match result {
        Ok(n) => {
            let what = if approve { "approved" } else { "dismissed" };
            let items = if n == 1 { "item" } else { "items" };
            state.notify(Level::Info, format!("rule proposals {what} on {n} {items}"));
        }
        Err(e) => state.notify(Level::Error, format!("could not settle the proposals: {e}")),
    }
    // The rules may have tagged, escalated, closed or queued a hide.
    let mut effects = vec![Effect::LoadRows, Effect::LoadOutbox];
    if let Some(seq) = state.detail.as_ref().map(|d| d.seq) {
        effects.push(Effect::OpenDetail(seq));
    }
    effects
}
