//! `guichet sync`: one pass over every configured account, concurrently,
//! without the TUI (for cron). Like the TUI's engine, each pass first sends
//! what waits in the account's outbox (checking uncertain entries before
//! resending), then fetches what is new. Hand-offs to colleagues due in the
//! outbox are delivered first (they need no account). Progress goes to stderr, one line per account
//! as it finishes; the summary of what was new goes to stdout. Exits 1 when
//! any account failed, naming it and why. Then the rules of `rules.toml`,
//! if there is one, run over what arrived (`crate::triage::auto`).

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;

use super::Context;
use crate::config::AccountConfig;
use crate::networks::progress::{self, Phase, Progress};
use crate::outbox::SendState;
use crate::store::Store;
use crate::sync::engine::connector_keeping;
use crate::sync::{SyncError, SyncReport, sync_once};

pub fn run(ctx: Context) -> anyhow::Result<ExitCode> {
    let accounts = ctx.config.accounts.clone();
    let store: Arc<dyn Store> = Arc::new(ctx.store);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    // Hand-offs to colleagues belong to no account: they go first.
    let handoffs = send_handoffs(&runtime, &store, &ctx.config)?;
    if accounts.is_empty() {
        if handoffs {
            store.flush()?;
            return Ok(ExitCode::SUCCESS);
        }
        anyhow::bail!(
            "no accounts to sync: add [[accounts]] to config.toml (see README, Configuration)"
        );
    }
    type Done = (String, Result<SyncReport, SyncError>, (usize, usize));
    let board = Board::new(accounts.iter().map(AccountConfig::label).collect());
    let live = std::io::stderr().is_terminal();
    let results: Vec<Done> = runtime.block_on(async {
        let mut tasks = tokio::task::JoinSet::new();
        for (i, account) in accounts.into_iter().enumerate() {
            let store = store.clone();
            let progress = board.progress(i);
            tasks.spawn(progress::scoped(progress.clone(), async move {
                if !live {
                    eprintln!("{}: syncing…", account.label());
                }
                let mut sent = (0usize, 0usize);
                let result = match connector_keeping(&account, store.clone()).await {
                    Ok(conn) => {
                        progress::mark(Phase::Sending, None);
                        match crate::outbox::send_due(store.clone(), &conn).await {
                            Ok(done) => {
                                sent.0 = done
                                    .iter()
                                    .filter(|e| matches!(e.state, SendState::Sent { .. }))
                                    .count();
                                sent.1 = done.len() - sent.0;
                            }
                            Err(e) => {
                                tracing::error!(account = %account.label(), error = %e, "outbox")
                            }
                        }
                        sync_once(store, &conn, account.first_sync_depth).await
                    }
                    Err(e) => Err(SyncError::Connector(e)),
                };
                progress.set_phase(if result.is_ok() {
                    Phase::Done
                } else {
                    Phase::Failed
                });
                if !live {
                    match &result {
                        Ok(r) => eprintln!(
                            "{}: done, {} new, {} updated",
                            account.label(),
                            r.summary.new,
                            r.summary.updated
                        ),
                        Err(e) => eprintln!("{}: failed: {e}", account.label()),
                    }
                }
                (account.label(), result, sent)
            }));
        }
        let drawing = live.then(|| tokio::spawn(board.clone().animate()));
        let mut out = Vec::new();
        while let Some(done) = tasks.join_next().await {
            match done {
                Ok(r) => out.push(r),
                Err(e) => out.push(("?".to_string(), Err(SyncError::Task(e.to_string())), (0, 0))),
            }
        }
        if let Some(drawing) = drawing {
            drawing.abort();
            board.draw(true);
        }
        out
    });
    let auto = crate::triage::auto::AutoModeration::from_dir(&ctx.config.dir, false)?;
    let ran = match &auto {
        Some(auto) => Some(auto.run_new(store.as_ref(), chrono::Utc::now())?),
        None => None,
    };
    store.flush()?;
    let mut stdout = std::io::stdout().lock();
    if let Some(ran) = ran.filter(|r| r.evaluated > 0) {
        writeln!(
            stdout,
            "rules: {} new items checked, {} acted on, {} proposed for approval",
            ran.evaluated, ran.applied, ran.proposed
        )?;
    }
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
                let back = if r.reopened > 0 {
                    format!(
                        ", {} escalated answered in their thread (back in the queue)",
                        r.reopened
                    )
                } else {
                    String::new()
                };
                writeln!(
                    stdout,
                    "{label}: {} new, {} updated{skipped}{back}{more}",
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

/// Delivers the due hand-offs; prints `hand-offs: N sent, M not sent`
/// when there were any. Returns whether there were.
fn send_handoffs(
    runtime: &tokio::runtime::Runtime,
    store: &Arc<dyn Store>,
    config: &crate::config::Config,
) -> anyhow::Result<bool> {
    let due = store
        .outbox()?
        .iter()
        .any(|e| e.is_due() && e.action.is_handoff());
    if !due {
        return Ok(false);
    }
    let sender = crate::triage::handoff::HandoffSender::from_config(config);
    let done = runtime.block_on(crate::triage::handoff::send_due(
        store.clone(),
        &sender,
        chrono::Utc::now(),
    ))?;
    let sent = done
        .iter()
        .filter(|e| matches!(e.state, SendState::Sent { .. }))
        .count();
    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "hand-offs: {sent} sent, {} not sent",
        done.len() - sent
    )?;
    for e in &done {
        if let SendState::Failed { error, retry } = &e.state {
            let then = if *retry { "will retry" } else { "needs you" };
            writeln!(
                stdout,
                "  {}: {then}: {}",
                e.item,
                crate::text::one_line(error)
            )?;
        }
    }
    Ok(true)
}

/// One live line per account on stderr (a terminal only): phase, answers
/// read, bytes and items, with a bar that moves while the pass runs.
#[derive(Clone)]
struct Board {
    lines: Arc<Vec<(String, Arc<Progress>)>>,
    drawn: Arc<std::sync::atomic::AtomicBool>,
}

impl Board {
    fn new(labels: Vec<String>) -> Board {
        Board {
            lines: Arc::new(
                labels
                    .into_iter()
                    .map(|l| (l, Arc::new(Progress::default())))
                    .collect(),
            ),
            drawn: Arc::new(std::sync::atomic::AtomicBool::new(false)),
        }
    }

    fn progress(&self, i: usize) -> Arc<Progress> {
        self.lines
            .get(i)
            .map(|(_, p)| p.clone())
            .unwrap_or_default()
    }

    async fn animate(self) {
        loop {
            self.draw(false);
            tokio::time::sleep(std::time::Duration::from_millis(120)).await;
        }
    }

    fn draw(&self, last: bool) {
        use std::sync::atomic::Ordering;
        let tick = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() / 120)
            .unwrap_or(0);
        let width = self.lines.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
        let mut err = std::io::stderr().lock();
        let mut out = String::new();
        if self.drawn.swap(true, Ordering::Relaxed) {
            out.push_str(&format!("\x1b[{}A", self.lines.len()));
        }
        for (label, p) in self.lines.iter() {
            let s = p.snapshot();
            out.push_str(&format!(
                "\x1b[2K{label:<width$}  {}  {}\n",
                bar(s.phase, tick),
                line(&s)
            ));
        }
        let _ = err.write_all(out.as_bytes());
        if last {
            let _ = err.flush();
        }
    }
}

/// A ten-cell bar: full when done, a moving block while running.
fn bar(phase: Phase, tick: u128) -> String {
    const CELLS: usize = 10;
    match phase {
        Phase::Done => format!("[{}]", "#".repeat(CELLS)),
        Phase::Failed => format!("[{}]", "x".repeat(CELLS)),
        Phase::Waiting => format!("[{}]", " ".repeat(CELLS)),
        _ => {
            let at = usize::try_from(tick % CELLS as u128).unwrap_or(0);
            let cells: String = (0..CELLS)
                .map(|i| if i == at || i + 1 == at { '#' } else { '-' })
                .collect();
            format!("[{cells}]")
        }
    }
}

fn line(s: &progress::Snapshot) -> String {
    let kb = s.bytes / 1024;
    let answers = if s.requests == 1 { "answer" } else { "answers" };
    let mut text = format!("{} · {} {answers} · {kb} KB", s.phase.as_str(), s.requests);
    if matches!(s.phase, Phase::Storing | Phase::Done) {
        text.push_str(&format!(" · {} items fetched", s.items));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_moves_while_running_and_fills_when_done() {
        assert_eq!(bar(Phase::Done, 3), "[##########]");
        assert_eq!(bar(Phase::Failed, 3), "[xxxxxxxxxx]");
        assert_ne!(bar(Phase::Fetching, 1), bar(Phase::Fetching, 4));
        let s = progress::Snapshot {
            phase: Phase::Storing,
            requests: 1,
            bytes: 4096,
            items: 12,
        };
        assert_eq!(line(&s), "storing · 1 answer · 4 KB · 12 items fetched");
    }
}
