//! `guichet report`: the period's numbers as Markdown, CSV, JSON or a
//! self-contained HTML page, to stdout or `--out FILE`. The numbers come
//! from [`crate::report::compute`], the same engine as the reports screen;
//! the zone and business hours from config.toml, SLAs from tags.toml.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use chrono::Utc;

use super::Context;
use super::args::{ReportArgs, ReportFormat};
use crate::report::export::{self, csv};
use crate::report::{Query, Report, ReportFilter, Settings, compute};
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
    let settings = Settings::from_config(&ctx.config, Arc::new(load_tags(&ctx.config)?));
    let now = Utc::now();
    let query = Query {
        window: args.period.window(settings.zone, now),
        label: args.period.label(),
        as_of: now,
        filter: ReportFilter {
            networks: args.network.clone(),
            accounts: args.account.clone(),
            kinds: args.kind.clone(),
            tags: args.tag.clone(),
            agent: args.agent.clone(),
        },
    };
    let report = compute(&ctx.store, &settings, &query)?;
    let mut body: Vec<u8> = Vec::new();
    write(&mut body, &report, args, &ctx.store, &settings)?;
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
    args: &ReportArgs,
    store: &dyn Store,
    settings: &Settings,
) -> anyhow::Result<()> {
    match args.format {
        ReportFormat::Md => out.write_all(export::markdown::render(report).as_bytes())?,
        ReportFormat::Html => out.write_all(export::html::render(report).as_bytes())?,
        ReportFormat::Json => {
            out.write_all(export::json(report)?.as_bytes())?;
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
