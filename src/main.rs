//! The `guichet` binary: parses the command line, starts logging and hands
//! over to [`guichet::cli::run`]. Everything else lives in the library.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = guichet::cli::Args::parse();
    // Held until exit so the last log lines are flushed.
    let _log = match guichet::logging::init(args.verbose) {
        Ok(guard) => guard,
        Err(e) => {
            eprintln!("guichet: {e:#}; continuing without logs");
            None
        }
    };
    match guichet::cli::run(args) {
        Ok(code) => code,
        Err(e) => {
            tracing::error!("{e:#}");
            guichet::cli::report(&e)
        }
    }
}
