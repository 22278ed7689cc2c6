//! `guichet audit`: the latest audit lines (time, who, item, what), newest
//! first, as written by `Store::change` for the TUI and the CLI alike.

use std::io::Write;
use std::process::ExitCode;

use chrono::Local;

use super::args::AuditArgs;
use super::{Context, stdout};
use crate::store::{AuditEntry, Store};
use crate::text::one_line;

pub fn run(ctx: &Context, args: &AuditArgs) -> anyhow::Result<ExitCode> {
    let entries = ctx.store.audit(args.limit)?;
    let mut out = stdout();
    if entries.is_empty() {
        eprintln!("guichet: the audit log is empty");
    }
    for entry in &entries {
        writeln!(out, "{}", line(entry))?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn line(e: &AuditEntry) -> String {
    let at = e.at.with_timezone(&Local).format("%Y-%m-%d %H:%M:%S");
    format!(
        "{at}  {}  {}  {}",
        one_line(&e.who),
        one_line(e.item.as_str()),
        one_line(&e.what)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    #[test]
    fn lines_are_one_sanitized_line() {
        let e = AuditEntry {
            at: DateTime::UNIX_EPOCH,
            who: "cam\u{1b}[31mille".into(),
            item: "x:brand:1".parse().unwrap(),
            what: "note".into(),
        };
        let l = line(&e);
        assert!(l.ends_with("  camille  x:brand:1  note"), "{l}");
    }
}
