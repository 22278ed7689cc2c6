//! `guichet doctor`: loads everything guichet reads at start-up —
//! `config.toml`, the keymap (shipped base + the user's `keymap.toml`), the
//! theme (shipped or from `themes/`), the store — and prints one `✓` line
//! per thing that is fine and one `✗ file:line: key …` line per problem.
//! Exit code 1 when anything is wrong. A new file guichet reads at start-up
//! gets its check here.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::args::Args;
use super::{StoreInUse, open_store, stdout, store_path};
use crate::config::{self, Config, ConfigErrors};
use crate::keymap::Keymap;
use crate::store::{Store, migrate};
use crate::theme::Theme;

/// Collects the report lines and counts the problems.
struct Report<'a> {
    out: &'a mut dyn Write,
    problems: usize,
}

impl Report<'_> {
    fn ok(&mut self, what: &str) -> std::io::Result<()> {
        writeln!(self.out, "✓ {what}")
    }

    fn note(&mut self, what: &str) -> std::io::Result<()> {
        writeln!(self.out, "! {what}")
    }

    fn problem(&mut self, what: &str) -> std::io::Result<()> {
        self.problems += 1;
        writeln!(self.out, "✗ {what}")
    }

    fn errors(&mut self, errs: &ConfigErrors) -> std::io::Result<()> {
        errs.0.iter().try_for_each(|e| self.problem(&e.to_string()))
    }
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let mut out = stdout();
    let mut report = Report {
        out: &mut out,
        problems: 0,
    };
    let config = check_config(&mut report, args)?;
    check_keymap(&mut report, &config)?;
    check_theme(&mut report, &config)?;
    check_replies(&mut report, &config)?;
    check_handoffs(&mut report, &config)?;
    check_store(&mut report, &store_path(args, &config))?;
    let log = config::log_dir().join("guichet.log");
    report.ok(&format!(
        "logs go to {} (level from GUICHET_LOG, default warn)",
        log.display()
    ))?;
    let problems = report.problems;
    match problems {
        0 => writeln!(out, "\neverything looks fine")?,
        1 => writeln!(out, "\n1 problem")?,
        n => writeln!(out, "\n{n} problems")?,
    }
    out.flush()?;
    Ok(if problems == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The loaded config, or the defaults (in the same folder) after reporting
/// why it did not load, so the other checks still run.
fn check_config(r: &mut Report<'_>, args: &Args) -> anyhow::Result<Config> {
    let dir = match &args.config {
        Some(file) => file
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        None => config::default_dir(),
    };
    match Config::load(args.config.as_deref()) {
        Ok(cfg) => {
            match &cfg.file {
                Some(file) => {
                    r.ok(&format!(
                        "config: {} ({} views)",
                        file.display(),
                        cfg.views.len()
                    ))?;
                    if let Some(warning) = config::exposure_warning(file) {
                        r.note(&warning)?;
                    }
                }
                None => r.ok(&format!(
                    "config: no config.toml in {}, using the defaults",
                    dir.display()
                ))?,
            }
            Ok(cfg)
        }
        Err(errs) => {
            r.errors(&errs)?;
            Ok(Config::defaults(dir))
        }
    }
}

fn check_keymap(r: &mut Report<'_>, config: &Config) -> anyhow::Result<()> {
    let user = match config.user_keymap() {
        Ok(user) => user,
        Err(errs) => return Ok(r.errors(&errs)?),
    };
    let layer = user.as_ref().map(|(p, s)| (p.as_path(), s.as_str()));
    match Keymap::load(&config.keymap, layer) {
        Ok(keymap) => {
            let merged = user
                .as_ref()
                .map(|(p, _)| format!(" + {}", p.display()))
                .unwrap_or_default();
            r.ok(&format!("keymap: {}{merged}", config.keymap))?;
            let unbound = keymap.unbound_actions();
            if !unbound.is_empty() {
                r.note(&format!(
                    "keymap: not bound to any key (palette only): {}",
                    unbound.join(", ")
                ))?;
            }
        }
        Err(errs) => r.errors(&errs)?,
    }
    Ok(())
}

fn check_theme(r: &mut Report<'_>, config: &Config) -> anyhow::Result<()> {
    let dir = config.themes_dir();
    match Theme::load(&config.theme, Some(&dir)) {
        Ok((_, warnings)) => {
            r.ok(&format!("theme: {}", config.theme))?;
            warnings
                .iter()
                .try_for_each(|w| r.note(&format!("theme: {w}")))?;
        }
        Err(errs) => r.errors(&errs)?,
    }
    Ok(())
}

/// Canned replies (example, team, personal) and the brand guidelines.
fn check_replies(r: &mut Report<'_>, config: &Config) -> anyhow::Result<()> {
    match crate::replies::Kit::load(config) {
        Ok(kit) => {
            let count = |scope| {
                kit.library
                    .all()
                    .iter()
                    .filter(|c| c.scope == scope)
                    .count()
            };
            use crate::replies::canned::Scope;
            r.ok(&format!(
                "canned replies: {} examples, {} from the team folder, {} of yours",
                count(Scope::Example),
                count(Scope::Shared),
                count(Scope::Personal)
            ))?;
            let file = config.dir.join("guidelines.toml");
            let source = if file.exists() {
                file.display().to_string()
            } else {
                "the shipped example".to_string()
            };
            match kit.guidelines() {
                Some(g) => r.ok(&format!("brand guidelines: {} (from {source})", g.name))?,
                None => r.note("brand guidelines: none; replies are only checked for length")?,
            }
        }
        Err(errs) => r.errors(&errs)?,
    }
    Ok(())
}

/// `tags.toml`, the SMTP server (its password read, never shown) and the
/// callback URL: what hand-offs need.
fn check_handoffs(r: &mut Report<'_>, config: &Config) -> anyhow::Result<()> {
    let file = config.dir.join("tags.toml");
    let tags = if file.exists() {
        match crate::triage::tags::Tags::load(&file) {
            Ok(t) => {
                let n = (t.tags.len(), t.roster.len());
                r.ok(&format!(
                    "tags.toml: {} tags, {} people and teams",
                    n.0, n.1
                ))?;
                t
            }
            Err(errs) => {
                r.errors(&errs)?;
                return Ok(());
            }
        }
    } else {
        crate::triage::tags::Tags::example()
    };
    match &config.smtp {
        Some(smtp) => match smtp.resolve() {
            Ok(s) if s.password.is_some() => r.ok(&format!(
                "smtp: {} (password read from its source)",
                smtp.describe()
            ))?,
            Ok(_) => r.ok(&format!("smtp: {} (no login)", smtp.describe()))?,
            Err(e) => r.problem(&format!("smtp: {e}"))?,
        },
        None => {
            let by_mail: Vec<&str> = tags
                .roster
                .values()
                .filter(|c| c.email.is_some())
                .map(|c| c.key.as_str())
                .collect();
            if file.exists() && !by_mail.is_empty() {
                r.problem(&format!(
                    "hand-offs by e-mail to {} need an [smtp] section in config.toml",
                    by_mail.join(", ")
                ))?;
            }
        }
    }
    match &config.handoff_callback {
        Some(url) => r.ok(&format!("hand-off callbacks: {url}/handoff/<item id>"))?,
        None => r.note("hand-off callbacks: no [handoff] callback_url; colleagues cannot post the outcome back")?,
    }
    Ok(())
}

fn check_store(r: &mut Report<'_>, path: &Path) -> anyhow::Result<()> {
    if !path.exists() {
        r.ok(&format!(
            "store: {} does not exist yet (it is created on first use)",
            path.display()
        ))?;
        return Ok(());
    }
    let store = match open_store(path) {
        Ok(store) => store,
        Err(e) if e.is::<StoreInUse>() => return Ok(r.note(&format!("{e}; not checked"))?),
        Err(e) => return Ok(r.problem(&format!("{e:#}"))?),
    };
    let version = store
        .db()
        .open_tree("meta")
        .map_err(crate::store::StoreError::from)
        .and_then(|meta| migrate::stored_version(&meta));
    let schema = match version {
        Ok(Some(v)) => format!("schema v{v}"),
        Ok(None) => "no schema version".to_string(),
        Err(e) => format!("schema version unreadable: {e}"),
    };
    r.ok(&format!(
        "store: {}, {} items, {schema}",
        path.display(),
        store.len()
    ))?;
    Ok(())
}
