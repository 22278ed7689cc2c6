//! `guichet report`: the period's numbers as Markdown, CSV, JSON or a
//! self-contained HTML page, to stdout or `--out FILE`. The numbers come
//! from [`crate::report::compute`], the same engine as the reports screen;
//! the zone and business hours from config.toml, SLAs from tags.toml.
//! `--compare` adds the period before's headline numbers and the change
//! ([`crate::report::compare`], as on the reports screen).

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use chrono::Utc;

use super::Context;
use super::args::{ReportArgs, ReportFormat};
use crate::report::compare::{self, Headline};
use crate::report::export::{self, csv};
use crate::report::{Report, ReportFilter, Settings, Stepped, compute};
use crate::store::Store;
use crate::triage::tags::Tags;

/// tags.toml next to config.toml, else none (no SLA timers).
pub(crate) fn load_tags(config: &crate::config::Config) -> anyhow::Result<Tags> {
    let file = config.dir.join("tags.toml");
    if file.exists() {
        Ok(Tags::load(&file)?)
    } else {
        Ok(Tags::default())
    }
}

pub fn run(ctx: &Context, args: &ReportArgs) -> anyhow::Result<ExitCode> {
    if args.compare && matches!(args.format, ReportFormat::Csv | ReportFormat::Html) {
        anyhow::bail!("--compare goes with --format md or json");
    }
    let settings = Settings::from_config(&ctx.config, Arc::new(load_tags(&ctx.config)?));
    let now = Utc::now();
    let shown = Stepped::at(args.period);
    let filter = ReportFilter {
        networks: args.network.clone(),
        accounts: args.account.clone(),
        kinds: args.kind.clone(),
        tags: args.tag.clone(),
        agent: args.agent.clone(),
    };
    let query = compare::query(shown, settings.zone, now, filter);
    let report = compute(&ctx.store, &settings, &query)?;
    let previous = if args.compare {
        Some(compare::previous(&ctx.store, &settings, shown, &query)?)
    } else {
        None
    };
    let mut body: Vec<u8> = Vec::new();
    write(
        &mut body,
        &report,
        previous.as_ref(),
        args,
        &ctx.store,
        &settings,
    )?;
    match &args.out {
        Some(path) => std::fs::write(path, &body)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            let mut out = super::stdout();
            out.write_all(&body)?;
            out.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn write(
    out: &mut dyn Write,
    report: &Report,
    previous: Option<&Headline>,
    args: &ReportArgs,
    store: &dyn Store,
    settings: &Settings,
) -> anyhow::Result<()> {
    match args.format {
        ReportFormat::Md => {
            out.write_all(export::markdown::render_with(report, previous).as_bytes())?;
        }
        ReportFormat::Html => out.write_all(export::html::render(report).as_bytes())?,
        ReportFormat::Json => {
            let text = match previous {
                Some(before) => compare::json(report, before)?,
                None => export::json(report)?,
            };
            out.write_all(text.as_bytes())?;
            out.write_all(b"\n")?;
        }
        ReportFormat::Csv => {
            csv::days(out, report)?;
            if args.items {
                out.write_all(b"\r\n")?;
                crate::cli::csv::record(out, &csv::ITEM_HEADER)?;
                for row in &report.rows {
                    if let Some(item) = store.get(row.seq)? {
                        csv::item(out, row, &item, settings.zone)?;
                    }
                }
            }
        }
    }
    Ok(())
}
