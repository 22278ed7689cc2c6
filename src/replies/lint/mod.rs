//! The brand-guideline linter: every reply is checked against the brand's
//! `guidelines.toml` while the agent types, and once more before it is sent.
//! Each [`Finding`] carries a stable rule id, a [`Level`], the byte span to
//! highlight, a message, and usually a [`Fix`] one key applies ([`apply`]).
//! An [`Level::Error`] blocks sending ([`blocking`]) unless the agent
//! overrides it; the caller audits the override.
//!
//! # guidelines.toml
//!
//! One file holds one or more brands, each a `[brands.<key>]` table. The key
//! is what configs and the CLI name; `name` is the display name. Every rule
//! is a sub-table with `enabled` (default `true`) and `level` (`"error"`,
//! `"warning"` or `"info"`; each rule has its own default, below). Unknown
//! keys, bad levels, unknown networks and invalid regexes are load errors
//! naming the file, the line and the key.
//!
//! ```toml
//! [brands.lumen]
//! name = "Atelier Lumen"     # display name, defaults to the key
//! language = "fr"             # "fr" or "en" (default "en")
//!
//! [brands.lumen.forbidden]     # forbidden-word, error: phrase = replacement
//! words = { "pas de souci" = "avec plaisir", "moche" = "" }   # "" = delete
//! [brands.lumen.competitors]   # competitor, warning, no fix
//! names = ["Luminor", "Ikéa"]
//! [brands.lumen.greeting]      # greeting, warning; fix inserts the first
//! greetings = ["Bonjour", "Bonsoir", "Hello"]
//! networks = ["facebook", "instagram"]   # where required; absent = all
//! [brands.lumen.signoff]       # signoff, warning; fix appends the first
//! signoffs = ["L'équipe Atelier Lumen"]
//! networks = ["facebook"]
//! [brands.lumen.address]       # address, warning; French only
//! form = "vous"                  # or "tu"
//! [brands.lumen.emoji]         # emoji, warning
//! allowed = ["💡", "✨"]         # absent = any emoji, [] = none at all
//! max = 2                        # absent = no limit
//! [brands.lumen.links]         # link-domain, error
//! allowed_domains = ["atelier-lumen.fr"]   # subdomains pass too
//! [brands.lumen.shouting]      # shouting, warning (on by default)
//! min_run = 3                    # this many all-caps words in a row
//! min_letters = 5                # or one all-caps word this long
//! acronyms = ["SAV", "FAQ"]      # never count as shouting
//! [brands.lumen.exclamation]   # exclamation, warning (on by default)
//! max = 1                        # per reply; "!!" runs are always flagged
//! [brands.lumen.personal_data] # personal-data, error (on by default)
//! order_patterns = ['CMD-\d{6}'] # regexes for order numbers
//! allow = ["09 69 32 15 15"]     # the brand's own phones and addresses
//! [brands.lumen.typography]    # typography, info; French spacing
//! [brands.lumen.length]        # length, warning: brand maxima per network
//! max = { x = 250 }
//! ```
//!
//! Rules that need the brand's data (forbidden, competitors, greeting,
//! signoff, address, emoji, links, typography) are off unless their table
//! is present; shouting, exclamation, personal data and length run with
//! their defaults unless `enabled = false`. Two rules cannot be turned off:
//! `placeholder` (an unfilled `[[label]]`, always an error) and the
//! network's own length limit (`length`, an error: the network would refuse
//! the reply). Personal data is only checked in public replies, and e-mail
//! addresses at an allowed link domain count as the brand's own.
//!
//! Rule ids, stable (in [`Finding::rule`], logs and the audit trail):
//! `placeholder`, `length`, `forbidden-word`, `competitor`, `greeting`,
//! `signoff`, `address`, `emoji`, `link-domain`, `shouting`, `exclamation`,
//! `personal-data`, `typography`.
//!
//! The shipped example, `guidelines.example.toml`, is the annotated
//! reference ([`Brands::example`]).
//!
//! # Extending
//!
//! A new rule: a `Raw…` table in `config.rs` compiled into `rules.rs` data, a
//! `check` function in the module that owns its family (`words.rs`,
//! `french.rs`, `style.rs`, `pii.rs`, `typography.rs`), called from
//! [`Guidelines::lint`], and tests in `tests_rules.rs` or `tests_form.rs`
//! (`tests.rs` holds the file, API and robustness tests). Keep every check
//! free of per-character allocation: it runs on each keystroke
//! (`benches/lint.rs`).

mod config;
mod french;
mod pii;
mod rules;
mod style;
mod text;
mod typography;
mod words;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_form;
#[cfg(test)]
mod tests_rules;

use std::ops::Range;
use std::path::Path;

use serde::Deserialize;

use crate::config::ConfigError;
use crate::model::{Kind, Network};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Blocks sending unless the agent overrides it.
    Error,
    Warning,
    Info,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Info => "info",
        }
    }
}

/// A suggested edit: replace `span` (bytes of the checked text) with
/// `replacement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub span: Range<usize>,
    pub replacement: String,
    /// What the fix does, for the key hint ("Replace with \"votre\"").
    pub label: String,
}

/// One problem in a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Stable rule id, e.g. `forbidden-word`.
    pub rule: &'static str,
    pub level: Level,
    /// Byte range in the checked text, on char boundaries.
    pub span: Range<usize>,
    pub message: String,
    pub fix: Option<Fix>,
}

/// Where the reply goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    pub network: Network,
    /// The kind of the item we answer.
    pub kind: Kind,
    /// False for a DM or a private reply.
    pub public: bool,
    /// The reply's language (ISO 639-1) when known: the French rules
    /// (address, typography) leave a reply in another language alone.
    pub lang: Option<String>,
}

/// The language a brand writes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    French,
    English,
}

/// One brand's guidelines, compiled and ready to lint.
#[derive(Debug, Clone)]
pub struct Guidelines {
    /// The `[brands.<key>]` key.
    pub key: String,
    /// The display name.
    pub name: String,
    pub language: Language,
    rules: rules::Rules,
}

impl Guidelines {
    /// Every finding for `text`, sorted by span start.
    pub fn lint(&self, text: &str, ctx: &Context) -> Vec<Finding> {
        let prepared = text::Prepared::new(text);
        let r = &self.rules;
        let mut out = Vec::new();
        style::placeholders(text, &mut out);
        style::length(r.length.as_ref(), text, ctx, &mut out);
        if let Some(rule) = &r.forbidden {
            words::forbidden(rule, &prepared, &mut out);
        }
        if let Some(rule) = &r.competitors {
            words::competitors(rule, &prepared, &mut out);
        }
        if let Some(rule) = r.greeting.as_ref().filter(|g| g.applies(ctx.network)) {
            words::greeting(rule, &prepared, &mut out);
        }
        if let Some(rule) = r.signoff.as_ref().filter(|g| g.applies(ctx.network)) {
            words::signoff(rule, &prepared, &mut out);
        }
        let french = ctx.lang.as_deref().is_none_or(|l| l == "fr");
        if let Some(rule) = r.address.as_ref().filter(|_| french) {
            french::address(rule, &prepared, &mut out);
        }
        if let Some(rule) = &r.emoji {
            style::emoji(rule, &prepared, &mut out);
        }
        if let Some(rule) = &r.links {
            style::links(rule, &prepared, &mut out);
        }
        if let Some(rule) = &r.shouting {
            style::shouting(rule, &prepared, &mut out);
        }
        if let Some(rule) = &r.exclamation {
            style::exclamation(rule, &prepared, &mut out);
        }
        if let Some(rule) = r.personal_data.as_ref().filter(|_| ctx.public) {
            pii::check(rule, r.links.as_ref(), &prepared, &mut out);
        }
        if let Some(rule) = r.typography.as_ref().filter(|_| french) {
            typography::check(rule, &prepared, &mut out);
        }
        out.sort_by_key(|f| (f.span.start, f.span.end));
        out
    }
}

/// Every brand of one guidelines file.
#[derive(Debug, Clone, Default)]
pub struct Brands {
    brands: Vec<Guidelines>,
}

/// The shipped example, annotated.
pub const EXAMPLE: &str = include_str!("guidelines.example.toml");

impl Brands {
    /// Parses a guidelines file; `file` is only used in error messages.
    pub fn parse(source: &str, file: &Path) -> Result<Brands, ConfigError> {
        config::parse(source, file).map(|brands| Brands { brands })
    }

    /// Reads and parses `path`; a missing file is an error naming it.
    pub fn load(path: &Path) -> Result<Brands, ConfigError> {
        let source = std::fs::read_to_string(path)
            .map_err(|e| ConfigError::new(path, format!("cannot read the guidelines file: {e}")))?;
        Brands::parse(&source, path)
    }

    /// The embedded example (Atelier Lumen and an English brand). Empty
    /// only if the shipped file were broken, which the tests rule out.
    pub fn example() -> Brands {
        Brands::parse(EXAMPLE, Path::new("guidelines.example.toml")).unwrap_or_default()
    }

    /// The brand whose key or display name is `name`, ignoring case.
    pub fn get(&self, name: &str) -> Option<&Guidelines> {
        let wanted = name.trim().to_lowercase();
        self.brands
            .iter()
            .find(|g| g.key.to_lowercase() == wanted)
            .or_else(|| self.brands.iter().find(|g| g.name.to_lowercase() == wanted))
    }

    /// The brand keys, sorted.
    pub fn names(&self) -> Vec<&str> {
        self.brands.iter().map(|g| g.key.as_str()).collect()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Guidelines> {
        self.brands.iter()
    }
}

/// `text` with `fix` applied. A span that is out of range or not on char
/// boundaries (a fix computed for another text) leaves the text unchanged.
pub fn apply(text: &str, fix: &Fix) -> String {
    let Range { start, end } = fix.span;
    match (text.get(..start), text.get(end..)) {
        (Some(before), Some(after)) if start <= end => {
            let mut out = String::with_capacity(text.len() + fix.replacement.len());
            out.push_str(before);
            out.push_str(&fix.replacement);
            out.push_str(after);
            out
        }
        _ => text.to_string(),
    }
}

/// Whether any finding is an error (sending is blocked).
pub fn blocking(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.level == Level::Error)
}
