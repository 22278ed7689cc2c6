//! The scriptable side of guichet: every subcommand, dispatched by [`run`].
//!
//! Commands read the same store through the same [`Store`] trait as the TUI,
//! and local changes go through `Store::change` exactly as a key press would,
//! so the audit log cannot tell them apart. Output goes to stdout (tests and
//! scripts parse it); errors come back as `anyhow` errors that [`report`]
//! prints and maps to an exit code (2 for configuration errors).
//!
//! To add a command: its arguments in [`args`], a module here with a
//! `run(…) -> anyhow::Result<ExitCode>`, and an arm in [`run`].

mod accounts;
pub mod args;
mod audit;
mod callbacks;
pub(crate) mod csv;
mod doctor;
mod edit;
mod generate;
mod lint;
mod list;
mod login;
mod reply;
mod report;
mod rules;
mod sandbox;
mod session;
mod shift;
mod show;
mod sync;

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;

pub use args::Args;
use args::Command;

use crate::config::{self, Config, ConfigErrors};
use crate::model::{Item, ItemId};
use crate::networks::connector::Act;
use crate::store::{SledStore, Store, StoreError, Stored};

/// Runs the command `args` asks for. `Ok` carries the exit code of a command
/// that ran (doctor fails with 1 without being an error).
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let command = args.command.clone().unwrap_or(Command::Tui);
    match command {
        Command::Tui => session::tui(&args),
        Command::Demo(demo) => session::demo(&args, &demo),
        Command::Gen(gen_args) => generate::run(&args, &gen_args),
        Command::Doctor => doctor::run(&args),
        Command::List(list_args) => list::run(&Context::open(&args)?, &list_args),
        Command::Show(show_args) => show::run(&Context::open(&args)?, &show_args),
        Command::Audit(audit_args) => audit::run(&Context::open(&args)?, &audit_args),
        Command::Report(a) => report::run(&Context::open(&args)?, &a),
        Command::Sync => sync::run(Context::open(&args)?),
        Command::Lint(a) => lint::run(&load_config(&args)?, &a),
        Command::ServeCallbacks(a) => callbacks::run(Context::open(&args)?, &a),
        Command::Rules(args::RulesCommand::Test { file, limit }) => {
            rules::test(&Context::open(&args)?, &file, limit)
        }
        Command::Reply(a) => reply::reply(Context::open(&args)?, &a, false),
        Command::PrivateReply(a) => reply::reply(Context::open(&args)?, &a, true),
        Command::Like(a) => reply::act(Context::open(&args)?, &a, Act::Like),
        Command::Unlike(a) => reply::act(Context::open(&args)?, &a, Act::Unlike),
        Command::Hide(a) => reply::act(Context::open(&args)?, &a, Act::Hide),
        Command::Unhide(a) => reply::act(Context::open(&args)?, &a, Act::Unhide),
        Command::Delete(a) => reply::act(Context::open(&args)?, &a, Act::Delete),
        Command::Block(a) => reply::act(Context::open(&args)?, &a, Act::Block),
        Command::Mute(a) => reply::act(Context::open(&args)?, &a, Act::Mute),
        Command::Spam(a) => reply::act(Context::open(&args)?, &a, Act::Spam),
        Command::ReportItem(a) => reply::report_item(Context::open(&args)?, &a),
        Command::Accounts(a) => accounts::run(Context::open(&args)?, &a),
        Command::Sandbox(a) => sandbox::run(&a),
        Command::Login(cmd) => login::run(&cmd),
        Command::Shift(a) if !a.last && !a.summary => session::shift(&args),
        Command::Shift(a) => shift::run(&Context::open(&args)?, &a),
        other => edit::run(&Context::open(&args)?, &other),
    }
}

/// Prints an error as `guichet: …` (one line per line of the message, the
/// cause chain joined with `: `) and picks the exit code: 2 for
/// configuration errors, 1 otherwise. A closed stdout (`guichet list | head`)
/// is not an error.
pub fn report(err: &anyhow::Error) -> ExitCode {
    let broken_pipe = err
        .chain()
        .filter_map(|e| e.downcast_ref::<io::Error>())
        .any(|e| e.kind() == io::ErrorKind::BrokenPipe);
    if broken_pipe {
        return ExitCode::SUCCESS;
    }
    let message = chain_text(err);
    let mut stderr = io::stderr().lock();
    for line in message.lines() {
        // Nothing sensible is left to do if stderr itself is gone.
        let _ = writeln!(stderr, "guichet: {line}");
    }
    if err.chain().any(|e| e.is::<ConfigErrors>()) {
        ExitCode::from(2)
    } else {
        ExitCode::FAILURE
    }
}

/// The error and its causes joined with `: `, skipping a cause whose text
/// its wrapper already shows (`#[error("store: {0}")]` with `#[from]`).
fn chain_text(err: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if !parts.last().is_some_and(|last| last.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ")
}

/// Configuration and store, opened once for a command.
pub(crate) struct Context {
    pub config: Config,
    pub store: SledStore,
}

impl Context {
    fn open(args: &Args) -> anyhow::Result<Context> {
        let config = load_config(args)?;
        let path = store_path(args, &config);
        let store = open_store(&path)?;
        Ok(Context { config, store })
    }

    /// Finds every id or fails naming all the unknown ones, so that a typo
    /// in a list of ids changes nothing.
    pub fn find_all(&self, ids: &[String]) -> anyhow::Result<Vec<Stored>> {
        let mut found = Vec::with_capacity(ids.len());
        let mut missing = Vec::new();
        for raw in ids {
            match find(&self.store, raw)? {
                Some(stored) => found.push(stored),
                None => missing.push(crate::text::one_line(raw)),
            }
        }
        match missing.as_slice() {
            [] => Ok(found),
            [one] => anyhow::bail!("no item {one}; nothing was changed"),
            many => anyhow::bail!("no items {}; nothing was changed", many.join(", ")),
        }
    }
}

/// Looks an id up; a malformed id is simply not found.
pub(crate) fn find(store: &dyn Store, raw: &str) -> anyhow::Result<Option<Stored>> {
    let Ok(id) = raw.trim().parse::<ItemId>() else {
        return Ok(None);
    };
    Ok(store.find(&id)?)
}

pub(crate) fn load_config(args: &Args) -> anyhow::Result<Config> {
    let config = Config::load(args.config.as_deref())?;
    if let Some(warning) = config.file.as_deref().and_then(config::exposure_warning) {
        tracing::warn!("{warning}");
        eprintln!("guichet: warning: {warning}");
    }
    Ok(config)
}

/// `--store`, else `store =` from the config (relative to its folder), else
/// the platform data folder.
pub(crate) fn store_path(args: &Args, config: &Config) -> PathBuf {
    if let Some(path) = &args.store {
        return path.clone();
    }
    match &config.store {
        Some(path) if path.is_relative() => config.dir.join(path),
        Some(path) => path.clone(),
        None => config::default_store_dir(),
    }
}

/// The store's directory is locked by another process (a running TUI).
#[derive(Debug)]
pub(crate) struct StoreInUse(pub PathBuf);

impl std::fmt::Display for StoreInUse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the store at {} is in use by another guichet; close it or use --store",
            self.0.display()
        )
    }
}

impl std::error::Error for StoreInUse {}

pub(crate) fn open_store(path: &Path) -> anyhow::Result<SledStore> {
    SledStore::open(path).map_err(|e| {
        let shown = path.display();
        // sled reports its directory lock as an `Other` io error; say what it means.
        if let StoreError::Sled(sled::Error::Io(io)) = &e
            && io.to_string().contains("could not acquire lock")
        {
            tracing::debug!("{io}");
            return anyhow::Error::new(StoreInUse(path.to_path_buf()));
        }
        anyhow::Error::new(e).context(format!("cannot open the store at {shown}"))
    })
}

/// An item as JSON: the serialized [`Item`] with its store `seq` added.
pub(crate) fn item_json(seq: u32, item: &Item) -> anyhow::Result<serde_json::Value> {
    let mut value = serde_json::to_value(item).context("cannot serialize an item")?;
    if let serde_json::Value::Object(map) = &mut value {
        map.insert("seq".to_string(), seq.into());
    }
    Ok(value)
}

/// Age in one short unit: `45s`, `12m`, `3h`, `5d`, `2y`.
pub(crate) fn age(seconds: i64) -> String {
    let s = seconds.max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3_600 => format!("{}m", s / 60),
        3_600..86_400 => format!("{}h", s / 3_600),
        86_400..31_536_000 => format!("{}d", s / 86_400),
        _ => format!("{}y", s / 31_536_000),
    }
}

/// Buffered stdout for commands that print many lines.
pub(crate) fn stdout() -> io::BufWriter<io::StdoutLock<'static>> {
    io::BufWriter::new(io::stdout().lock())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_use_one_short_unit() {
        assert_eq!(age(-5), "0s");
        assert_eq!(age(59), "59s");
        assert_eq!(age(60), "1m");
        assert_eq!(age(7_200), "2h");
        assert_eq!(age(86_400 * 12), "12d");
        assert_eq!(age(31_536_000 * 2), "2y");
    }

    #[test]
    fn config_errors_exit_with_2_and_others_with_1() {
        let cfg = ConfigErrors(vec![crate::config::ConfigError::new(
            Path::new("c.toml"),
            "bad",
        )]);
        assert_eq!(report(&anyhow::Error::new(cfg)), ExitCode::from(2));
        assert_eq!(report(&anyhow::anyhow!("nope")), ExitCode::FAILURE);
        let pipe = anyhow::Error::new(io::Error::from(io::ErrorKind::BrokenPipe));
        assert_eq!(report(&pipe), ExitCode::SUCCESS);
    }

    #[test]
    fn causes_already_shown_are_not_repeated() {
        let io = io::Error::other("disk on fire");
        let err = anyhow::Error::new(StoreError::Sled(sled::Error::Io(io)))
            .context("cannot open the store at /s");
        assert_eq!(
            chain_text(&err),
            "cannot open the store at /s: store: IO error: disk on fire"
        );
    }

    #[test]
    fn store_path_prefers_the_flag_then_the_config() {
        let mut config = Config::defaults(PathBuf::from("/cfg"));
        let args = |store: Option<&str>| Args {
            config: None,
            store: store.map(PathBuf::from),
            verbose: false,
            command: None,
        };
        assert_eq!(store_path(&args(Some("/s")), &config), PathBuf::from("/s"));
        config.store = Some(PathBuf::from("data"));
        assert_eq!(store_path(&args(None), &config), PathBuf::from("/cfg/data"));
    }
}
