//! `guichet gen --items N --store DIR [--audit]`: fills a store with
//! synthetic items for scale tests and benchmarks, through the normal
//! `Store::ingest` path in batches; with `--audit`, each batch also gets
//! the audit lines a team would have left on it
//! ([`crate::demo::synthetic_audit`], through `Store::import_audit`), so
//! reports have a year of history. It insists on an explicit `--store`
//! that is not the user's real store: synthetic customers do not belong in
//! a real inbox.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;
use chrono::Utc;

use super::args::{Args, GenArgs};
use super::open_store;
use super::session::is_users_store;
use crate::model::Item;
use crate::store::{AuditEntry, Store};

/// Items per `ingest` call: large enough to amortize, small enough to show
/// progress and keep memory flat.
const BATCH: usize = 10_000;

pub fn run(args: &Args, gen_args: &GenArgs) -> anyhow::Result<ExitCode> {
    let Some(path) = &args.store else {
        anyhow::bail!(
            "gen needs an explicit --store DIR (it will not write synthetic items into your real store)"
        );
    };
    if is_users_store(args, path) {
        anyhow::bail!(
            "{} is your real store; gen only writes to a store made for it",
            path.display()
        );
    }
    let store = open_store(path)?;
    let total = gen_args.items;
    let start = Instant::now();
    let now = Utc::now();
    let items = crate::demo::synthetic(total, gen_args.seed, now);
    let (seed, audit) = (gen_args.seed, gen_args.audit);
    let tty = std::io::stderr().is_terminal();
    let (mut written, mut lines) = (0usize, 0usize);
    // The next batch (and its audit lines) is generated while the store
    // writes this one.
    let (tx, rx) = std::sync::mpsc::sync_channel::<(Vec<Item>, Vec<AuditEntry>)>(1);
    std::thread::scope(|s| -> anyhow::Result<()> {
        s.spawn(move || {
            let mut items = items;
            for n in 0u64.. {
                let batch: Vec<Item> = items.by_ref().take(BATCH).collect();
                let trail = if audit {
                    crate::demo::synthetic_audit(&batch, seed.wrapping_add(n), now)
                } else {
                    Vec::new()
                };
                if batch.is_empty() || tx.send((batch, trail)).is_err() {
                    break;
                }
            }
        });
        for (batch, trail) in rx {
            written += batch.len();
            lines += trail.len();
            if !trail.is_empty() {
                store
                    .import_audit(&trail)
                    .with_context(|| format!("cannot write audit lines to {}", path.display()))?;
            }
            store
                .ingest(batch)
                .with_context(|| format!("cannot write items to {}", path.display()))?;
            progress(written, total, tty);
        }
        Ok(())
    })?;
    store.flush()?;
    if tty && written > 0 {
        eprintln!();
    }
    let secs = start.elapsed().as_secs_f64();
    let rate = written as f64 / secs.max(1e-9);
    let with = if audit {
        format!(" and {lines} audit lines")
    } else {
        String::new()
    };
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "generated {written} items{with} in {secs:.2}s ({rate:.0} items/s)"
    )?;
    Ok(ExitCode::SUCCESS)
}

fn progress(written: usize, total: usize, tty: bool) {
    let pct = written.saturating_mul(100) / total.max(1);
    if tty {
        eprint!("\rgenerating: {written}/{total} items ({pct}%)");
    } else {
        eprintln!("generating: {written}/{total} items ({pct}%)");
    }
}
