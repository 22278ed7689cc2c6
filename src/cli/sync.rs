//! `guichet sync`: one pass over every configured account, concurrently,
//! without the TUI (for cron). Like the TUI's engine, each pass first sends
//! what waits in the account's outbox (checking uncertain entries before
//! resending), then fetches what is new. Progress goes to stderr, one line per account
//! as it finishes; the summary of what was new goes to stdout. Exits 1 when
//! any account failed, naming it and why.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;

use super::Context;
use crate::outbox::SendState;
use crate::store::Store;
use crate::sync::engine::connector_for;
use crate::sync::{SyncError, SyncReport, sync_once};

pub fn run(ctx: Context) -> anyhow::Result<ExitCode> {
    let accounts = ctx.config.accounts.clone();
    if accounts.is_empty() {
        anyhow::bail!(
            "no accounts to sync: add [[accounts]] to config.toml (see README, Configuration)"
        );
    }
    let store: Arc<dyn Store> = Arc::new(ctx.store);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    type Done = (String, Result<SyncReport, SyncError>, (usize, usize));
    let results: Vec<Done> = runtime.block_on(async {
        let mut tasks = tokio::task::JoinSet::new();
        for account in accounts {
            let store = store.clone();
            tasks.spawn(async move {
                eprintln!("{}: syncing…", account.label());
                let mut sent = (0usize, 0usize);
                let result = match connector_for(&account).await {
                    Ok(conn) => {
                        match crate::outbox::send_due(store.clone(), &conn).await {
                            Ok(done) => {
                                sent.0 = done
                                    .iter()
                                    .filter(|e| matches!(e.state, SendState::Sent { .. }))
                                    .count();
                                sent.1 = done.len() - sent.0;
                            }
                            Err(e) => eprintln!("{}: outbox: {e}", account.label()),
                        }
                        sync_once(store, &conn, account.first_sync_depth).await
                    }
                    Err(e) => Err(SyncError::Connector(e)),
                };
                match &result {
                    Ok(r) => eprintln!(
                        "{}: done, {} new, {} updated",
                        account.label(),
                        r.summary.new,
                        r.summary.updated
                    ),
                    Err(e) => eprintln!("{}: failed: {e}", account.label()),
                }
                (account.label(), result, sent)
            });
        }
        let mut out = Vec::new();
        while let Some(done) = tasks.join_next().await {
            match done {
                Ok(r) => out.push(r),
                Err(e) => out.push(("?".to_string(), Err(SyncError::Task(e.to_string())), (0, 0))),
            }
        }
        out
    });
    store.flush()?;
    let mut stdout = std::io::stdout().lock();
    let mut failed = false;
    let mut results = results;
    results.sort_by(|a, b| a.0.cmp(&b.0));
    for (label, result, (sent, unsent)) in results {
        if sent + unsent > 0 {
            writeln!(stdout, "{label}: outbox: {sent} sent, {unsent} not sent")?;
        }
        match result {
            Ok(r) => {
                let more = if r.truncated {
                    " (first-sync depth reached)"
                } else {
                    ""
                };
                let skipped = if r.skipped > 0 {
                    format!(", {} unreadable skipped", r.skipped)
                } else {
                    String::new()
                };
                writeln!(
                    stdout,
                    "{label}: {} new, {} updated{skipped}{more}",
                    r.summary.new, r.summary.updated
                )?;
            }
            Err(e) => {
                failed = true;
                writeln!(stdout, "{label}: FAILED: {e}")?;
            }
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
