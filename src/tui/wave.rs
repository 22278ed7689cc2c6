//! A reply wave: one canned reply to many marked items (a giveaway, a
//! product launch), run on the write worker. Each item is checked like a
//! single reply (the network's rules, placeholders, length, the brand
//! guidelines) and skipped with its reason when it fails; the texts are
//! drawn from the reply's alternatives so that no two are identical, and
//! none repeats a reply already in the outbox.

use std::collections::BTreeMap;

use super::effect::Outcome;
use crate::networks::{Capability, Target, capabilities};
use crate::outbox::{OutAction, OutboxEntry};
use crate::replies::canned::Wave;
use crate::replies::{Kit, lint, placeholder};
use crate::store::Store;

pub fn run(
    store: &dyn Store,
    agent: &str,
    seqs: &[u32],
    name: &str,
    kit: &Kit,
    now: chrono::DateTime<chrono::Utc>,
) -> Outcome {
    let (mut queued, mut skipped) = (Vec::new(), Vec::new());
    let ask = Ask {
        store,
        agent,
        name,
        kit,
        now,
    };
    let error = ask.queue_all(seqs, &mut queued, &mut skipped).err();
    Outcome::Waved {
        name: name.to_string(),
        queued,
        skipped,
        error,
    }
}

struct Ask<'a> {
    store: &'a dyn Store,
    agent: &'a str,
    name: &'a str,
    kit: &'a Kit,
    now: chrono::DateTime<chrono::Utc>,
}

impl Ask<'_> {
    fn queue_all(
        &self,
        seqs: &[u32],
        queued: &mut Vec<OutboxEntry>,
        skipped: &mut Vec<String>,
    ) -> Result<(), String> {
        let Ask {
            store,
            agent,
            name,
            kit,
            now,
        } = *self;
        let Some(canned) = kit.library.get(name) else {
            return Err(format!("no canned reply '{name}'"));
        };
        let err = |e: crate::store::StoreError| e.to_string();
        let sent: Vec<String> = store
            .outbox()
            .map_err(err)?
            .iter()
            .filter_map(|e| e.action.text().map(str::to_string))
            .collect();
        let used = store
            .reply_usage(agent)
            .map_err(err)?
            .get(name)
            .map_or(0, |u| u.count);
        let vars = kit.vars(now.date_naive(), BTreeMap::new());
        let mut wave = Wave::new(canned, &vars, u64::from(used)).avoiding(sent);
        for &seq in seqs {
            let Some(item) = store.get(seq).map_err(err)? else {
                continue;
            };
            let who = format!("@{}", item.remote.author.handle);
            let target = Target::from_remote(&item.remote);
            if let Err(no) =
                capabilities(item.remote.network).check(Capability::Reply, &target, now)
            {
                skipped.push(format!("{who}: {}", no.reason));
                continue;
            }
            let text = match wave.render(&item) {
                Ok(text) => text,
                Err(e) => {
                    skipped.push(format!("{who}: {e}"));
                    continue;
                }
            };
            if let Some(p) = placeholder::find(&text).first() {
                skipped.push(format!(
                    "{who}: {} needs a value; answer it on its own",
                    &text[p.span.clone()]
                ));
                continue;
            }
            let public = item.remote.kind != crate::model::Kind::DirectMessage;
            let counted = crate::networks::count_for(item.remote.network, item.remote.kind, &text);
            if let Some(problem) = counted.problem() {
                skipped.push(format!("{who}: {problem}"));
                continue;
            }
            let findings = kit.lint(
                &text,
                item.remote.network,
                item.remote.kind,
                public,
                Some(&canned.lang),
            );
            if let Some(f) = findings.iter().find(|f| f.level == lint::Level::Error) {
                skipped.push(format!("{who}: {}", f.message));
                continue;
            }
            let entry = store
                .enqueue(&item.id, OutAction::Reply { text }, agent)
                .map_err(err)?;
            store.record_reply_use(agent, name, now).map_err(err)?;
            queued.push(entry);
        }
        Ok(())
    }
}
