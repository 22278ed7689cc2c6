//! Logging: `tracing` events go to `guichet.log` in [`config::log_dir`],
//! never to stdout or stderr (the TUI owns the screen, scripts own stdout).
//!
//! The level comes from `GUICHET_LOG` (env-filter syntax, e.g.
//! `guichet=debug`; a bare level such as `debug` applies to guichet only),
//! default `warn`; `--verbose` raises the default to
//! debug. When logging is raised the log path is printed on stderr first, so
//! the user knows where to look. A log folder that cannot be created never
//! stops guichet: it runs without logs.

use std::fs::OpenOptions;
use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

use crate::config;

const ENV: &str = "GUICHET_LOG";
const FILE: &str = "guichet.log";

/// Starts logging to the log file. Keep the returned guard alive until exit:
/// dropping it flushes the last lines.
pub fn init(verbose: bool) -> anyhow::Result<Option<WorkerGuard>> {
    init_in(
        &config::log_dir(),
        std::env::var(ENV).ok().filter(|s| !s.trim().is_empty()),
        verbose,
    )
}

fn init_in(dir: &Path, env: Option<String>, verbose: bool) -> anyhow::Result<Option<WorkerGuard>> {
    let raised = env.is_some() || verbose;
    let path = dir.join(FILE);
    if raised {
        eprintln!("guichet: logging to {}", path.display());
    }
    let Some(file) = open_log(dir, &path, raised) else {
        return Ok(None);
    };
    let default = if verbose {
        "guichet=debug,warn"
    } else {
        "warn"
    };
    // A bare level ("debug") is for guichet's own lines; the libraries
    // (sled logs every page write at debug) stay at warn unless the filter
    // names them.
    let env = env.map(|e| {
        if e.contains('=') || e.contains(',') {
            e
        } else {
            format!("guichet={e},warn")
        }
    });
    let filter = match env.as_deref().map(EnvFilter::try_new) {
        None => EnvFilter::new(default),
        Some(Ok(filter)) => filter,
        Some(Err(e)) => {
            eprintln!("guichet: {ENV} is not a valid filter ({e}); logging at {default}");
            EnvFilter::new(default)
        }
    };
    let (writer, guard) = tracing_appender::non_blocking(file);
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .map_err(|e| anyhow::anyhow!("cannot start logging: {e}"))?;
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "guichet started");
    Ok(Some(guard))
}

/// Opens the log for appending, or `None` if it cannot (said on stderr only
/// when logging was asked for: a read-only home must not make every command
/// noisy).
fn open_log(dir: &Path, path: &Path, raised: bool) -> Option<std::fs::File> {
    let opened = std::fs::create_dir_all(dir)
        .and_then(|()| OpenOptions::new().create(true).append(true).open(path));
    match opened {
        Ok(file) => Some(file),
        Err(e) => {
            if raised {
                eprintln!(
                    "guichet: cannot write the log {} ({e}); continuing without logs",
                    path.display()
                );
            }
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unwritable_log_dir_is_not_fatal() {
        let tmp = tempfile::tempdir().unwrap();
        let blocker = tmp.path().join("file");
        std::fs::write(&blocker, "").unwrap();
        // A folder cannot be created under a regular file.
        let guard = init_in(&blocker.join("logs"), None, false).unwrap();
        assert!(guard.is_none());
    }
}
