//! `guichet shift --last` (the last hand-over note) and `guichet shift
//! --summary [--since TIME]` (a summary of what the configured agent did
//! since then, printed and not saved; counted by the report engine in the
//! config's zone and business hours). `guichet shift` alone opens the TUI
//! with a shift running (see `session`).

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use chrono::{Duration, Utc};

use super::args::ShiftArgs;
use super::{Context, stdout};
use crate::report::Settings;
use crate::store::Store;
use crate::triage::shift::{Shift, gather, note, summarize};

/// The window `--summary` covers without `--since`.
const DEFAULT_HOURS: i64 = 8;

pub fn run(ctx: &Context, args: &ShiftArgs) -> anyhow::Result<ExitCode> {
    let mut out = stdout();
    if args.last {
        let Some(last) = ctx.store.shifts(1)?.pop() else {
            anyhow::bail!("no shift has ended yet: `guichet shift` starts one");
        };
        write!(out, "{}", last.markdown)?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let now = Utc::now();
    let started = match &args.since {
        Some(text) => {
            crate::when::parse_past(text, now).map_err(|e| anyhow::anyhow!("--since: {e}"))?
        }
        None => now - Duration::hours(DEFAULT_HOURS),
    };
    let shift = Shift {
        agent: ctx.config.agent.clone(),
        started,
        ended: now,
    };
    let tags = super::report::load_tags(&ctx.config)?;
    let settings = Settings::from_config(&ctx.config, Arc::new(tags));
    let inputs = gather(&ctx.store, &settings, &shift, now)?;
    write!(out, "{}", note::markdown(&summarize(&shift, &inputs)))?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
