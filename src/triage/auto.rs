//! Auto-moderation after each sync: the rules of `rules.toml` run over the
//! items that arrived, `apply` rules act at once, `propose` rules flag the
//! item for one-key approval, and every firing writes an audit line.
//!
//! - [`run_new`] evaluates the items stored since the last run. A
//!   watermark (the highest seq evaluated, kept in the store) makes it run
//!   once per item, even across restarts; a crash before the watermark
//!   moves re-runs the batch, which is harmless (a tag already there is not
//!   added twice, a proposal is replaced).
//! - Only items still waiting for an answer (new or open) are touched: a
//!   rule added later never reopens what the team already settled.
//! - [`approve`] does what a proposal says, as the person who approved it;
//!   [`dismiss`] drops it. Both are audited.
//!
//! The context a rule sees (authors seen today, blocks elsewhere, spam
//! waves) is the new items plus each new author's earlier items.

use std::collections::HashSet;

use chrono::{DateTime, FixedOffset, Utc};

use super::rules::{Firing, Mode, RuleAction, Rules, Snapshot};
use super::tags::Tags;
use crate::change::LocalChange;
use crate::model::{Item, Status};
use crate::networks::connector::Act;
use crate::networks::{Capability, Target, capabilities};
use crate::outbox::OutAction;
use crate::store::{Store, StoreError};

/// Where the highest evaluated seq is kept (the `cursors` tree).
const WATERMARK: &str = "#rules-evaluated";
/// The author's earlier items read for the context, per new author.
const AUTHOR_CONTEXT: usize = 50;

/// What to run after a sync: the rules and the tags they escalate with.
#[derive(Debug, Clone)]
pub struct AutoModeration {
    pub rules: Rules,
    pub tags: Tags,
    pub zone: FixedOffset,
    /// One run at a time: account tasks finish their syncs concurrently.
    running: std::sync::Arc<std::sync::Mutex<()>>,
}

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AutoRun {
    pub evaluated: usize,
    /// Items acted on by `apply` rules.
    pub applied: usize,
    /// Items flagged by `propose` rules.
    pub proposed: usize,
}

impl AutoModeration {
    pub fn new(rules: Rules, tags: Tags, zone: FixedOffset) -> AutoModeration {
        AutoModeration {
            rules,
            tags,
            zone,
            running: Default::default(),
        }
    }

    /// The rules of `dir/rules.toml` with the tags of `dir/tags.toml` (or
    /// the shipped tags); without a rules file, none, or the shipped
    /// example with `example`. Times of day count in the local zone.
    pub fn from_dir(
        dir: &std::path::Path,
        example: bool,
    ) -> Result<Option<AutoModeration>, crate::config::ConfigErrors> {
        let file = dir.join("rules.toml");
        let rules = if file.exists() {
            Rules::load(&file)?
        } else if example {
            Rules::example()
        } else {
            return Ok(None);
        };
        let tags_file = dir.join("tags.toml");
        let tags = if tags_file.exists() {
            Tags::load(&tags_file)?
        } else {
            Tags::example()
        };
        let zone = *chrono::Local::now().offset();
        Ok(Some(AutoModeration::new(rules, tags, zone)))
    }

    /// Evaluates the items stored since the last run.
    pub fn run_new(&self, store: &dyn Store, now: DateTime<Utc>) -> Result<AutoRun, StoreError> {
        let _one = self
            .running
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let from = store
            .cursor(WATERMARK)?
            .and_then(|s| s.parse::<u32>().ok())
            .map_or(0, |s| s + 1);
        // Seqs are dense from 0 (a gap below `len` is skipped); past `len`
        // the first missing seq is the end.
        let len = u32::try_from(store.len()).unwrap_or(u32::MAX);
        let mut fresh: Vec<(u32, Item)> = Vec::new();
        let mut high = None;
        for seq in from..u32::MAX {
            match store.get(seq)? {
                Some(item) => {
                    high = Some(seq);
                    fresh.push((seq, item));
                }
                None if seq >= len => break,
                None => {}
            }
        }
        let Some(high) = high else {
            return Ok(AutoRun::default());
        };
        let run = self.evaluate(store, &fresh, now)?;
        store.set_cursor(WATERMARK, &high.to_string())?;
        tracing::info!(
            evaluated = run.evaluated,
            applied = run.applied,
            proposed = run.proposed,
            "rules ran"
        );
        Ok(run)
    }

    fn evaluate(
        &self,
        store: &dyn Store,
        fresh: &[(u32, Item)],
        now: DateTime<Utc>,
    ) -> Result<AutoRun, StoreError> {
        let mut context: Vec<Item> = fresh.iter().map(|(_, i)| i.clone()).collect();
        let mut seen: HashSet<u32> = fresh.iter().map(|(s, _)| *s).collect();
        let mut authors = HashSet::new();
        for (_, item) in fresh {
            if authors.insert(item.author_key()) {
                for (seq, other) in store.by_author(item, AUTHOR_CONTEXT)? {
                    if seen.insert(seq) {
                        context.push(other);
                    }
                }
            }
        }
        let snapshot = Snapshot::new(&context, now, self.zone);
        let mut run = AutoRun::default();
        for (seq, item) in fresh {
            if !item.local.status.kind().is_unanswered() {
                continue;
            }
            run.evaluated += 1;
            let fired = self.rules.evaluate(item, &snapshot, now);
            if fired.is_empty() {
                continue;
            }
            let (apply, propose): (Vec<Firing>, Vec<Firing>) =
                fired.into_iter().partition(|f| f.mode == Mode::Apply);
            for firing in &apply {
                act(
                    store,
                    *seq,
                    item,
                    firing,
                    &self.tags,
                    &rule_agent(&firing.rule),
                    now,
                )?;
                audit(
                    store,
                    *seq,
                    &format!("rule {} applied", firing.rule),
                    firing,
                )?;
            }
            run.applied += usize::from(!apply.is_empty());
            if !propose.is_empty() {
                for firing in &propose {
                    audit(
                        store,
                        *seq,
                        &format!("rule {} proposed", firing.rule),
                        firing,
                    )?;
                }
                let mut kept = store.proposals(*seq)?;
                kept.retain(|k| !propose.iter().any(|p| p.rule == k.rule));
                kept.extend(propose);
                store.set_proposals(*seq, &kept)?;
                run.proposed += 1;
            }
        }
        Ok(run)
    }
}

/// Who a rule acts as, in the audit log and the history.
pub fn rule_agent(rule: &str) -> String {
    format!("rule:{rule}")
}

/// One audit line for a firing: what it did or proposes, and why.
fn audit(store: &dyn Store, seq: u32, what: &str, firing: &Firing) -> Result<(), StoreError> {
    let line = format!("{what}: {} ({})", firing.actions_text(), firing.why);
    store.change(
        &[seq],
        &LocalChange::Record(line),
        &rule_agent(&firing.rule),
    )?;
    Ok(())
}

/// The local changes a rule's actions make, in order. `why` goes with the
/// tags (the tag's why in the history).
pub fn changes_for(
    actions: &[RuleAction],
    tags: &Tags,
    now: DateTime<Utc>,
    why: &str,
) -> Vec<LocalChange> {
    let mut out = Vec::new();
    for action in actions {
        match action {
            RuleAction::Tag(tag) => out.push(LocalChange::AddTag {
                tag: tag.clone(),
                why: Some(why.to_string()),
            }),
            RuleAction::Priority(p) => out.push(LocalChange::SetPriority(*p)),
            RuleAction::Assign(who) => out.push(LocalChange::Assign(Some(who.clone()))),
            RuleAction::Done => out.push(LocalChange::SetStatus(Status::Done)),
            RuleAction::Escalate { tag } => {
                let def = tags.tags.get(tag);
                out.push(LocalChange::AddTag {
                    tag: tag.clone(),
                    why: Some(why.to_string()),
                });
                if let Some(to) = def.and_then(|d| d.route.clone()) {
                    out.push(LocalChange::Escalate {
                        to,
                        tag: tag.clone(),
                        due: def.and_then(|d| d.first_response_due(now)),
                        note: Some(why.to_string()),
                    });
                } else {
                    out.push(LocalChange::SetStatus(Status::Escalated));
                }
            }
            // Hiding is a network write: see `act`.
            RuleAction::Hide => {}
        }
    }
    out
}

/// Does what `firing` says to item `seq`, as `who`.
fn act(
    store: &dyn Store,
    seq: u32,
    item: &Item,
    firing: &Firing,
    tags: &Tags,
    who: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let why = format!("rule {}: {}", firing.rule, firing.why);
    for change in changes_for(&firing.actions, tags, now, &why) {
        store.change(&[seq], &change, who)?;
    }
    if firing.actions.contains(&RuleAction::Hide) && !item.remote.moderation.hidden {
        let caps = capabilities(item.remote.network);
        match caps.check(Capability::Hide, &Target::from_remote(&item.remote), now) {
            Ok(_) => {
                store.enqueue(&item.id, OutAction::Act(Act::Hide), who)?;
            }
            Err(no) => {
                let line = format!("hide not possible: {}", no.reason);
                store.change(&[seq], &LocalChange::Record(line), who)?;
            }
        }
    }
    Ok(())
}

/// Does what the proposals on `seqs` say, as `agent`, and clears them.
/// Returns how many items had one.
pub fn approve(
    store: &dyn Store,
    seqs: &[u32],
    tags: &Tags,
    agent: &str,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let mut done = 0;
    for &seq in seqs {
        let proposals = store.proposals(seq)?;
        let Some(item) = store.get(seq)?.filter(|_| !proposals.is_empty()) else {
            continue;
        };
        for firing in &proposals {
            act(store, seq, &item, firing, tags, agent, now)?;
            let line = format!("approved rule {}: {}", firing.rule, firing.actions_text());
            store.change(&[seq], &LocalChange::Record(line), agent)?;
        }
        store.set_proposals(seq, &[])?;
        done += 1;
    }
    Ok(done)
}

/// Drops the proposals on `seqs`, audited as `agent`'s decision.
pub fn dismiss(store: &dyn Store, seqs: &[u32], agent: &str) -> Result<usize, StoreError> {
    let mut done = 0;
    for &seq in seqs {
        let proposals = store.proposals(seq)?;
        if proposals.is_empty() {
            continue;
        }
        for firing in &proposals {
            let line = format!("dismissed rule {}: {}", firing.rule, firing.actions_text());
            store.change(&[seq], &LocalChange::Record(line), agent)?;
        }
        store.set_proposals(seq, &[])?;
        done += 1;
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Priority;

    #[test]
    fn every_rule_action_becomes_its_change() {
        let tags = Tags::example();
        let now = Utc::now();
        let actions = [
            RuleAction::Tag("spam".into()),
            RuleAction::Priority(Priority::Urgent),
            RuleAction::Assign("ines".into()),
            RuleAction::Done,
            RuleAction::Hide,
            RuleAction::Escalate {
                tag: "legal".into(),
            },
        ];
        let changes = changes_for(&actions, &tags, now, "rule x: words: avocat");
        let why = Some("rule x: words: avocat".to_string());
        let due = tags.tags["legal"].first_response_due(now);
        assert_eq!(
            changes,
            vec![
                LocalChange::AddTag {
                    tag: "spam".into(),
                    why: why.clone()
                },
                LocalChange::SetPriority(Priority::Urgent),
                LocalChange::Assign(Some("ines".into())),
                LocalChange::SetStatus(Status::Done),
                // Hide is a network write, queued by `act`, not a change.
                LocalChange::AddTag {
                    tag: "legal".into(),
                    why: why.clone()
                },
                LocalChange::Escalate {
                    to: "hugo".into(),
                    tag: "legal".into(),
                    due,
                    note: why,
                },
            ]
        );
        // A tag without a route still escalates, unassigned.
        let unrouted = changes_for(
            &[RuleAction::Escalate {
                tag: "nowhere".into(),
            }],
            &tags,
            now,
            "w",
        );
        assert_eq!(unrouted[1], LocalChange::SetStatus(Status::Escalated));
    }
}
