//! `guichet lint --network N [--brand B] [--dm] TEXT`: the composer's
//! brand-guideline check, for scripts and for trying `guidelines.toml`.
//! Prints one line per finding (level, rule, byte span, the text found,
//! the message and the suggested fix) and exits 1 when any is an error.

use std::io::Read;
use std::process::ExitCode;

use anyhow::Context as _;

use super::args::LintArgs;
use crate::config::Config;
use crate::model::Kind;
use crate::replies::Kit;
use crate::replies::lint::{self, Finding};

pub fn run(config: &Config, args: &LintArgs) -> anyhow::Result<ExitCode> {
    let text = if args.text.len() == 1 && args.text[0] == "-" {
        let mut buf = String::new();
        std::io::stdin()
            .read_to_string(&mut buf)
            .context("reading the reply from stdin")?;
        buf.trim_end_matches('\n').to_string()
    } else {
        args.text.join(" ")
    };
    let kit = kit_for(config, args.brand.as_deref())?;
    let kind = if args.dm {
        Kind::DirectMessage
    } else {
        Kind::Comment
    };
    let findings = kit.lint(&text, args.network, kind, !args.dm, None);
    let brand = kit.brand.clone().unwrap_or_default();
    if findings.is_empty() {
        println!("ok: follows the {brand} guidelines on {}", args.network);
        return Ok(ExitCode::SUCCESS);
    }
    print!("{}", describe(&text, &findings));
    Ok(if lint::blocking(&findings) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The kit of `config`, on `brand` when given.
pub(crate) fn kit_for(config: &Config, brand: Option<&str>) -> anyhow::Result<Kit> {
    let kit = Kit::load(config)?;
    match brand {
        Some(b) => kit.with_brand(b).map_err(anyhow::Error::msg),
        None => Ok(kit),
    }
}

/// One line per finding: `error forbidden-word 12..19 "gratos": message (fix: …)`.
pub(crate) fn describe(text: &str, findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let level = match f.level {
            lint::Level::Error => "error",
            lint::Level::Warning => "warning",
            lint::Level::Info => "info",
        };
        let found = text.get(f.span.clone()).unwrap_or("");
        let found = crate::text::one_line(found);
        let message = crate::text::one_line(&f.message);
        out.push_str(&format!(
            "{level} {} {}..{} \"{found}\": {message}",
            f.rule, f.span.start, f.span.end
        ));
        if let Some(fix) = &f.fix {
            out.push_str(&format!(" (fix: {})", crate::text::one_line(&fix.label)));
        }
        out.push('\n');
    }
    out
}
