//! `guichet rules test FILE`: runs the rules of FILE over every item of the
//! store and prints what would fire, without acting on anything.
//!
//! One line per firing (`item id · rule · mode · actions · why`), then a
//! count per rule. The context (authors seen today, blocks, spam waves) is
//! a [`Snapshot`] of the whole store, with the blocks the audit log
//! remembers added. A bad FILE is a configuration error (exit 2) naming its
//! file, line and key.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use chrono::{DateTime, FixedOffset, Utc};

use crate::model::Item;
use crate::store::Store;
use crate::text::{one_line, pad, width};
use crate::triage::rules::{Rules, Snapshot};

/// How many audit lines are searched for earlier blocks.
const AUDIT_LINES: usize = 200_000;

// Until the `rules` subcommand is wired in args.rs and mod.rs.
pub fn test(ctx: &super::Context, file: &Path, limit: Option<usize>) -> anyhow::Result<ExitCode> {
    let rules = Rules::load(file)?;
    let zone = *chrono::Local::now().offset();
    let mut out = super::stdout();
    write_report(&ctx.store, &rules, Utc::now(), zone, limit, &mut out)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Evaluates every stored item and writes the report; returns how many
/// firings there were.
pub(crate) fn write_report(
    store: &dyn Store,
    rules: &Rules,
    now: DateTime<Utc>,
    zone: FixedOffset,
    limit: Option<usize>,
    out: &mut dyn Write,
) -> anyhow::Result<usize> {
    let items = load_items(store)?;
    let mut snapshot = Snapshot::new(&items, now, zone);
    mark_audited_blocks(store, &items, &mut snapshot)?;
    let limit = limit.unwrap_or(usize::MAX);
    let mut counts: HashMap<&str, usize> = HashMap::new();
    let (mut firings, mut touched) = (0usize, 0usize);
    for item in &items {
        let fired = rules.evaluate(item, &snapshot, now);
        touched += usize::from(!fired.is_empty());
        for f in fired {
            if firings < limit {
                writeln!(
                    out,
                    "{} · {} · {} · {} · {}",
                    one_line(item.id.as_str()),
                    one_line(&f.rule),
                    f.mode,
                    one_line(&f.actions_text()),
                    one_line(&f.why)
                )?;
            }
            firings += 1;
            if let Some(rule) = rules.get(&f.rule) {
                *counts.entry(rule.name.as_str()).or_default() += 1;
            }
        }
    }
    if firings > limit {
        writeln!(out, "… {} more firings not shown", firings - limit)?;
    }
    write_summary(out, rules, &counts)?;
    writeln!(
        out,
        "{firings} firings on {touched} of {} items; nothing was changed.",
        items.len()
    )?;
    Ok(firings)
}

fn write_summary(
    out: &mut dyn Write,
    rules: &Rules,
    counts: &HashMap<&str, usize>,
) -> std::io::Result<()> {
    writeln!(out)?;
    let name_w = rules
        .rules
        .iter()
        .map(|r| width(&one_line(&r.name)))
        .max()
        .unwrap_or(4)
        .max(4);
    writeln!(out, "{}  {:>6}  MODE", pad("RULE", name_w), "ITEMS")?;
    for rule in &rules.rules {
        let n = counts.get(rule.name.as_str()).copied().unwrap_or(0);
        let mode = if rule.enabled {
            rule.mode.as_str()
        } else {
            "disabled"
        };
        writeln!(
            out,
            "{}  {n:>6}  {mode}",
            pad(&one_line(&rule.name), name_w)
        )?;
    }
    Ok(())
}

/// Every item of the store, in seq order.
fn load_items(store: &dyn Store) -> anyhow::Result<Vec<Item>> {
    let rows = store.rows().context("cannot read the queue")?;
    let mut items = Vec::with_capacity(rows.rows.len());
    for row in &rows.rows {
        if let Some(item) = store.get(row.seq).context("cannot read an item")? {
            items.push(item);
        }
    }
    Ok(items)
}

/// Blocks the audit log remembers, though a later action on the item
/// replaced its `block sent` last action.
fn mark_audited_blocks(
    store: &dyn Store,
    items: &[Item],
    snapshot: &mut Snapshot,
) -> anyhow::Result<()> {
    let audit = store
        .audit(AUDIT_LINES)
        .context("cannot read the audit log")?;
    let blocked: Vec<&str> = audit
        .iter()
        .filter(|e| e.what.split_whitespace().next() == Some("block"))
        .map(|e| e.item.as_str())
        .collect();
    if blocked.is_empty() {
        return Ok(());
    }
    let by_id: HashMap<&str, &Item> = items.iter().map(|i| (i.id.as_str(), i)).collect();
    for id in blocked {
        if let Some(item) = by_id.get(id) {
            snapshot.mark_blocked(item);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use chrono::TimeZone;

    use super::*;
    use crate::change::LocalChange;
    use crate::config::{Config, ConfigErrors};
    use crate::store::SledStore;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 14, 0, 0).unwrap()
    }

    fn demo_store() -> SledStore {
        let store = SledStore::temporary().unwrap();
        store.ingest(crate::demo::demo_items(now())).unwrap();
        store
    }

    fn run(store: &SledStore, limit: Option<usize>) -> (usize, String) {
        let mut out = Vec::new();
        let zone = FixedOffset::east_opt(3_600).unwrap();
        let n = write_report(store, &Rules::example(), now(), zone, limit, &mut out).unwrap();
        (n, String::from_utf8(out).unwrap())
    }

    #[test]
    fn shows_what_would_fire_on_the_demo_inbox_without_acting() {
        let store = demo_store();
        let before = store.audit(usize::MAX).unwrap().len();
        let (n, text) = run(&store, None);
        assert!(n > 0);
        let firing_lines: Vec<&str> = text
            .lines()
            .filter(|l| l.matches(" · ").count() == 4)
            .collect();
        assert_eq!(firing_lines.len(), n);
        assert!(
            firing_lines
                .iter()
                .any(|l| l.contains(" · Refund requests · propose · tag refund, priority high, escalate refund · words: rembours*")),
            "{text}"
        );
        assert!(text.contains("RULE"), "{text}");
        let summary = text
            .lines()
            .find(|l| l.starts_with("Emoji-only reactions"))
            .unwrap();
        assert!(summary.ends_with("apply"), "{summary}");
        assert!(text.trim_end().ends_with("nothing was changed."), "{text}");
        assert_eq!(
            store.audit(usize::MAX).unwrap().len(),
            before,
            "no change, no audit line"
        );
    }

    #[test]
    fn limit_caps_the_lines_not_the_counts() {
        let store = demo_store();
        let (n, text) = run(&store, Some(3));
        assert_eq!(
            text.lines()
                .filter(|l| l.matches(" · ").count() == 4)
                .count(),
            3
        );
        assert!(
            text.contains(&format!("… {} more firings not shown", n - 3)),
            "{text}"
        );
        assert!(text.contains(&format!("{n} firings on ")), "{text}");
    }

    #[test]
    fn a_block_in_the_audit_log_counts_after_a_later_action() {
        let store = demo_store();
        let rows = store.rows().unwrap();
        let (seq, item) = rows
            .rows
            .iter()
            .filter_map(|r| Some((r.seq, store.get(r.seq).ok()??)))
            .find(|(_, i)| !i.remote.from_us && store.by_author(i, 3).unwrap().len() >= 2)
            .unwrap();
        let others: Vec<String> = store
            .by_author(&item, 3)
            .unwrap()
            .into_iter()
            .map(|(_, i)| i.id.to_string())
            .filter(|id| id != item.id.as_str())
            .collect();
        store
            .change(&[seq], &LocalChange::Record("block sent".into()), "camille")
            .unwrap();
        store
            .change(
                &[seq],
                &LocalChange::AddTag {
                    tag: "x".into(),
                    why: None,
                },
                "camille",
            )
            .unwrap();
        assert!(!crate::triage::rules::shows_block(
            &store.get(seq).unwrap().unwrap()
        ));
        let rules = Rules::parse(
            "[[rule]]\nname = \"watch\"\nauthor_blocked_elsewhere = true\ntag = \"watch\"\n",
            Path::new("r.toml"),
        )
        .unwrap();
        let mut out = Vec::new();
        let n = write_report(
            &store,
            &rules,
            now(),
            FixedOffset::east_opt(0).unwrap(),
            None,
            &mut out,
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(n > 0, "{text}");
        assert!(text.contains(&others[0]), "{text}");
        assert!(
            !text.contains(item.id.as_str()),
            "not the blocked item itself: {text}"
        );
    }

    #[test]
    fn a_bad_file_is_a_configuration_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("rules.toml");
        std::fs::write(
            &file,
            "[[rule]]\nname = \"x\"\nnetwork = \"orkut\"\ntag = \"t\"\n",
        )
        .unwrap();
        let ctx = super::super::Context {
            config: Config::defaults(PathBuf::from(dir.path())),
            store: SledStore::temporary().unwrap(),
        };
        let err = test(&ctx, &file, None).unwrap_err();
        let config = err.downcast_ref::<ConfigErrors>().unwrap();
        assert_eq!(config.0[0].line, Some(3));
        assert!(
            err.to_string().contains("rules.toml:3: key 'network'"),
            "{err}"
        );
        assert_eq!(super::super::report(&err), ExitCode::from(2));
    }
}
