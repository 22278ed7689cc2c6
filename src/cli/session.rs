//! `guichet` / `guichet tui` and `guichet demo`: the commands that hand the
//! terminal to [`crate::tui::run_tui`].
//!
//! `demo` builds its own store (temporary, or `--keep DIR`) and its own
//! configuration (the shipped example, so its saved views show), and never
//! opens the user's store.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use chrono::Utc;

use super::args::{Args, DemoArgs};
use super::{load_config, open_store, store_path};
use crate::config::{self, Config};
use crate::store::{SledStore, Store};

pub fn tui(args: &Args) -> anyhow::Result<ExitCode> {
    let config = load_config(args)?;
    let path = store_path(args, &config);
    let store = open_store(&path)?;
    tracing::info!(store = %path.display(), items = store.len(), "starting the TUI");
    crate::tui::run_tui(config, Arc::new(store))?;
    Ok(ExitCode::SUCCESS)
}

pub fn demo(args: &Args, demo: &DemoArgs) -> anyhow::Result<ExitCode> {
    if args.store.is_some() {
        anyhow::bail!(
            "demo never uses --store, so your store stays untouched; use `demo --keep DIR` to keep the demo inbox"
        );
    }
    let config = match &args.config {
        Some(file) => Config::load(Some(file))?,
        None => Config::parse(
            config::EXAMPLE,
            Path::new("(demo config)"),
            config::default_dir(),
        )?,
    };
    let store = match &demo.keep {
        Some(dir) => {
            if is_users_store(args, dir) {
                anyhow::bail!(
                    "{} is your real store; keep the demo inbox somewhere else",
                    dir.display()
                );
            }
            open_store(dir)?
        }
        None => SledStore::temporary().context("cannot create a temporary demo store")?,
    };
    let items = crate::demo::demo_items(Utc::now());
    let (_, summary) = store.ingest(items).context("cannot write the demo inbox")?;
    tracing::info!(new = summary.new, updated = summary.updated, store = %store.path().display(), "demo inbox ready");
    crate::tui::run_tui(config, Arc::new(store))?;
    Ok(ExitCode::SUCCESS)
}

/// True when `dir` is the store guichet would open without `--store`
/// (the platform default, or `store =` from a readable config).
pub(crate) fn is_users_store(args: &Args, dir: &Path) -> bool {
    let mut real = vec![config::default_store_dir()];
    if let Ok(cfg) = Config::load(args.config.as_deref()) {
        let no_flag = Args {
            store: None,
            ..args.clone()
        };
        real.push(store_path(&no_flag, &cfg));
    }
    let canon = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    real.iter().any(|r| canon(r) == canon(dir))
}
