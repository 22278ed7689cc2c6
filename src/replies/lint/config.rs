//! Reading `guidelines.toml`: the raw serde shape of each rule table (with
//! `deny_unknown_fields`, so a typo is an error), then validation and
//! compilation into [`Rules`]. Every error names the file, the line and the
//! dotted key (`brands.lumen.personal_data.order_patterns`).
//!
//! Adding a rule: a `Raw…` struct here, a field in [`RawBrand`], and a
//! `compile_…` step in [`compile`].

use std::collections::BTreeMap;
use std::path::Path;

use regex::Regex;
use serde::Deserialize;

use super::rules::{
    Address, Competitors, Emoji, Exclamation, Expected, Forbidden, Form, Length, Links,
    PersonalData, Phrase, Rules, Shouting, Typography,
};
use super::text::{fold, normalize_emoji};
use super::{Guidelines, Language, Level, pii};
use crate::config::ConfigError;
use crate::config::error::{line_of, locate};
use crate::model::Network;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    brands: BTreeMap<String, RawBrand>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBrand {
    name: Option<String>,
    language: Option<String>,
    forbidden: Option<RawForbidden>,
    competitors: Option<RawCompetitors>,
    greeting: Option<RawGreeting>,
    signoff: Option<RawSignoff>,
    address: Option<RawAddress>,
    emoji: Option<RawEmoji>,
    links: Option<RawLinks>,
    shouting: Option<RawShouting>,
    exclamation: Option<RawExclamation>,
    personal_data: Option<RawPersonalData>,
    typography: Option<RawTypography>,
    length: Option<RawLength>,
}

/// `enabled` and `level`, which every rule table has.
macro_rules! raw_rule {
    ($name:ident { $($field:ident : $ty:ty),* $(,)? }) => {
        #[derive(Deserialize, Default)]
        #[serde(deny_unknown_fields)]
        struct $name {
            enabled: Option<bool>,
            level: Option<Level>,
            $(#[serde(default)] $field: $ty,)*
        }
    };
}

raw_rule!(RawForbidden { words: BTreeMap<String, String> });
raw_rule!(RawCompetitors { names: Vec<String> });
raw_rule!(RawGreeting { greetings: Vec<String>, networks: Option<Vec<String>> });
raw_rule!(RawSignoff { signoffs: Vec<String>, networks: Option<Vec<String>> });
raw_rule!(RawAddress { form: String });
raw_rule!(RawEmoji { allowed: Option<Vec<String>>, max: Option<usize> });
raw_rule!(RawLinks { allowed_domains: Vec<String> });
raw_rule!(RawShouting { min_run: Option<usize>, min_letters: Option<usize>, acronyms: Vec<String> });
raw_rule!(RawExclamation { max: Option<usize> });
raw_rule!(RawPersonalData { order_patterns: Vec<String>, allow: Vec<String> });
raw_rule!(RawTypography {});
raw_rule!(RawLength { max: BTreeMap<String, usize> });

/// Where errors point: the file, its text, and the brand being read.
struct At<'a> {
    file: &'a Path,
    source: &'a str,
    brand: &'a str,
}

impl At<'_> {
    fn err(&self, table: &str, key: &str, reason: impl Into<String>) -> ConfigError {
        let section = if table.is_empty() {
            format!("brands.{}", self.brand)
        } else {
            format!("brands.{}.{table}", self.brand)
        };
        ConfigError::at_key(self.file, self.source, Some(&section), key, reason)
    }

    fn networks(&self, table: &str, names: &[String]) -> Result<Vec<Network>, ConfigError> {
        names
            .iter()
            .map(|n| {
                n.parse::<Network>()
                    .map_err(|e| self.err(table, "networks", e))
            })
            .collect()
    }
}

/// Parses every brand of a guidelines file.
pub(crate) fn parse(source: &str, file: &Path) -> Result<Vec<Guidelines>, ConfigError> {
    let raw: RawFile = toml::from_str(source).map_err(|e| toml_error(file, source, &e))?;
    if raw.brands.is_empty() {
        return Err(ConfigError {
            key: Some("brands".to_string()),
            line: Some(1),
            ..ConfigError::new(file, "no brand defined: add a [brands.<name>] table")
        });
    }
    raw.brands
        .into_iter()
        .map(|(key, brand)| {
            let at = At {
                file,
                source,
                brand: &key,
            };
            let name = brand.name.clone().map(|n| n.trim().to_string());
            let name = name
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| key.clone());
            compile(&at, brand).map(|(language, rules)| Guidelines {
                key: key.clone(),
                name,
                language,
                rules,
            })
        })
        .collect()
}

/// A TOML or serde error, with the key read from the offending line and
/// prefixed with its table (`brands.lumen.emoji.levle`).
fn toml_error(file: &Path, source: &str, err: &toml::de::Error) -> ConfigError {
    let mut e = ConfigError::from_toml(file, source, err);
    let Some(offset) = err.span().map(|s| s.start) else {
        return e;
    };
    let line_no = line_of(source, offset);
    let line = source.lines().nth(line_no - 1).unwrap_or_default().trim();
    let section = source
        .lines()
        .take(line_no)
        .filter_map(|l| {
            let l = l.trim();
            (l.starts_with('[') && l.ends_with(']')).then(|| l.trim_matches(['[', ']']).trim())
        })
        .last();
    if line.starts_with('[') {
        e.key = Some(line.trim_matches(['[', ']']).trim().to_string());
    } else if let Some((lhs, _)) = line.split_once('=') {
        let lhs = lhs.trim().trim_matches(['"', '\'']);
        e.key = Some(match section {
            Some(s) => format!("{s}.{lhs}"),
            None => lhs.to_string(),
        });
    }
    e
}

/// The rule tables that are switched on: `Some` when present (or, for a
/// rule on by default, when absent) and not `enabled = false`.
trait Switch: Default {
    fn enabled(&self) -> Option<bool>;
}

macro_rules! switch {
    ($($t:ty),*) => {
        $(impl Switch for $t {
            fn enabled(&self) -> Option<bool> {
                self.enabled
            }
        })*
    };
}

switch!(
    RawForbidden,
    RawCompetitors,
    RawGreeting,
    RawSignoff,
    RawAddress,
    RawEmoji,
    RawLinks,
    RawShouting,
    RawExclamation,
    RawPersonalData,
    RawTypography,
    RawLength
);

/// A rule off unless its table is present.
fn opt_in<T: Switch>(raw: Option<T>) -> Option<T> {
    raw.filter(|r| r.enabled().unwrap_or(true))
}

/// A rule on unless `enabled = false`.
fn opt_out<T: Switch>(raw: Option<T>) -> Option<T> {
    opt_in(Some(raw.unwrap_or_default()))
}

fn compile(at: &At, b: RawBrand) -> Result<(Language, Rules), ConfigError> {
    let language = match b.language.as_deref().map(str::trim) {
        None | Some("en") => Language::English,
        Some("fr") => Language::French,
        Some(other) => {
            let reason = format!("unknown language '{other}' (expected \"fr\" or \"en\")");
            return Err(at.err("", "language", reason));
        }
    };
    let rules = Rules {
        forbidden: opt_in(b.forbidden).map(|f| forbidden(at, f)).transpose()?,
        competitors: opt_in(b.competitors)
            .map(|c| competitors(at, c))
            .transpose()?,
        greeting: opt_in(b.greeting)
            .map(|g| {
                expected(
                    at,
                    "greeting",
                    "greetings",
                    g.level,
                    g.greetings,
                    g.networks,
                )
            })
            .transpose()?,
        signoff: opt_in(b.signoff)
            .map(|s| expected(at, "signoff", "signoffs", s.level, s.signoffs, s.networks))
            .transpose()?,
        address: opt_in(b.address)
            .map(|a| address(at, a, language))
            .transpose()?,
        emoji: opt_in(b.emoji).map(emoji),
        links: opt_in(b.links).map(|l| links(at, l)).transpose()?,
        shouting: opt_out(b.shouting).map(|s| shouting(at, s)).transpose()?,
        exclamation: opt_out(b.exclamation).map(|x| Exclamation {
            level: x.level.unwrap_or(Level::Warning),
            max: x.max.unwrap_or(1),
        }),
        personal_data: opt_out(b.personal_data)
            .map(|p| personal_data(at, p))
            .transpose()?,
        typography: opt_in(b.typography).map(|t| Typography {
            level: t.level.unwrap_or(Level::Info),
        }),
        length: opt_out(b.length).map(|l| length(at, l)).transpose()?,
    };
    Ok((language, rules))
}

fn forbidden(at: &At, f: RawForbidden) -> Result<Forbidden, ConfigError> {
    Ok(Forbidden {
        level: f.level.unwrap_or(Level::Error),
        phrases: phrases(at, "forbidden", "words", f.words)?,
    })
}

fn competitors(at: &At, c: RawCompetitors) -> Result<Competitors, ConfigError> {
    let names = c.names.into_iter().map(|n| (n, String::new())).collect();
    Ok(Competitors {
        level: c.level.unwrap_or(Level::Warning),
        names: phrases(at, "competitors", "names", names)?,
    })
}

fn address(at: &At, a: RawAddress, language: Language) -> Result<Address, ConfigError> {
    let form = match a.form.trim() {
        "vous" => Form::Vous,
        "tu" => Form::Tu,
        other => {
            let reason = format!("unknown form '{other}' (expected \"vous\" or \"tu\")");
            return Err(at.err("address", "form", reason));
        }
    };
    if language != Language::French {
        let reason = "the form of address needs language = \"fr\"";
        return Err(at.err("address", "form", reason));
    }
    Ok(Address {
        level: a.level.unwrap_or(Level::Warning),
        form,
    })
}

fn emoji(e: RawEmoji) -> Emoji {
    let allowed = e
        .allowed
        .map(|set| set.iter().map(|s| normalize_emoji(s.trim())).collect());
    Emoji {
        level: e.level.unwrap_or(Level::Warning),
        allowed,
        max: e.max,
    }
}

fn links(at: &At, l: RawLinks) -> Result<Links, ConfigError> {
    let mut domains = Vec::new();
    for d in l.allowed_domains {
        let d = d.trim().trim_end_matches('.').to_lowercase();
        let d = d.strip_prefix("www.").unwrap_or(&d).to_string();
        if d.is_empty() || d.contains(['/', ' ', ':', '@']) {
            let reason = format!("'{d}' is not a domain name (write \"example.com\")");
            return Err(at.err("links", "allowed_domains", reason));
        }
        domains.push(d);
    }
    Ok(Links {
        level: l.level.unwrap_or(Level::Error),
        domains,
    })
}

fn shouting(at: &At, s: RawShouting) -> Result<Shouting, ConfigError> {
    let min_run = s.min_run.unwrap_or(3);
    let min_letters = s.min_letters.unwrap_or(5);
    for (key, value) in [("min_run", min_run), ("min_letters", min_letters)] {
        if value < 2 {
            return Err(at.err("shouting", key, "must be at least 2"));
        }
    }
    Ok(Shouting {
        level: s.level.unwrap_or(Level::Warning),
        min_run,
        min_letters,
        acronyms: s.acronyms,
    })
}

fn length(at: &At, l: RawLength) -> Result<Length, ConfigError> {
    let mut max = Vec::new();
    for (name, n) in l.max {
        let network = name
            .parse::<Network>()
            .map_err(|e| length_err(at, &name, e))?;
        max.push((network, n));
    }
    Ok(Length {
        level: l.level.unwrap_or(Level::Warning),
        max,
    })
}

/// An unknown network in `length.max`, written inline or as a sub-table.
fn length_err(at: &At, name: &str, reason: String) -> ConfigError {
    let sub = format!("brands.{}.length.max", at.brand);
    if locate(at.source, Some(&sub), name).is_some() {
        return ConfigError::at_key(at.file, at.source, Some(&sub), name, reason);
    }
    at.err("length", "max", reason)
}

fn phrases(
    at: &At,
    table: &str,
    key: &str,
    items: BTreeMap<String, String>,
) -> Result<Vec<Phrase>, ConfigError> {
    let mut out = Vec::new();
    for (shown, replacement) in items {
        let folded = fold(shown.trim());
        if folded.is_empty() {
            return Err(at.err(table, key, "an empty word or phrase"));
        }
        out.push(Phrase {
            shown: shown.trim().to_string(),
            folded,
            replacement,
        });
    }
    out.sort_by_key(|p| std::cmp::Reverse(p.folded.len()));
    Ok(out)
}

fn expected(
    at: &At,
    table: &str,
    key: &str,
    level: Option<Level>,
    items: Vec<String>,
    networks: Option<Vec<String>>,
) -> Result<Expected, ConfigError> {
    let shown: Vec<String> = items
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if shown.is_empty() {
        return Err(at.err(table, key, "give at least one (or set enabled = false)"));
    }
    let networks = networks.map(|n| at.networks(table, &n)).transpose()?;
    Ok(Expected {
        level: level.unwrap_or(Level::Warning),
        folded: shown.iter().map(|s| fold(s)).collect(),
        shown,
        networks,
    })
}

fn personal_data(at: &At, p: RawPersonalData) -> Result<PersonalData, ConfigError> {
    let mut order_patterns = Vec::new();
    for pattern in &p.order_patterns {
        let re = Regex::new(pattern).map_err(|e| {
            at.err(
                "personal_data",
                "order_patterns",
                format!("invalid regex '{pattern}': {}", first_line(&e.to_string())),
            )
        })?;
        if re.is_match("") {
            return Err(at.err(
                "personal_data",
                "order_patterns",
                format!("'{pattern}' matches empty text"),
            ));
        }
        order_patterns.push(re);
    }
    let (emails, phones): (Vec<String>, Vec<String>) =
        p.allow.into_iter().partition(|a| a.contains('@'));
    Ok(PersonalData {
        level: p.level.unwrap_or(Level::Error),
        order_patterns,
        allow_digits: phones.iter().map(|s| pii::phone_digits(s)).collect(),
        allow_emails: emails.iter().map(|s| s.trim().to_lowercase()).collect(),
    })
}

/// regex errors span several lines (a caret drawing); the last says why.
fn first_line(s: &str) -> String {
    s.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
        .to_string()
}
