//! The compiled form of each rule: what `config.rs` builds from the TOML
//! and what the checks read. Everything costly (folding phrases, compiling
//! regexes, normalising emoji) is done here once, at load time.

use regex::Regex;

use super::Level;
use crate::model::Network;

#[derive(Debug, Clone, Default)]
pub(crate) struct Rules {
    pub forbidden: Option<Forbidden>,
    pub competitors: Option<Competitors>,
    pub greeting: Option<Expected>,
    pub signoff: Option<Expected>,
    pub address: Option<Address>,
    pub emoji: Option<Emoji>,
    pub links: Option<Links>,
    pub shouting: Option<Shouting>,
    pub exclamation: Option<Exclamation>,
    pub personal_data: Option<PersonalData>,
    pub typography: Option<Typography>,
    /// The brand's own maxima; the network's limit is checked without it.
    pub length: Option<Length>,
}

/// A word or phrase as written in the config, and its folded form.
#[derive(Debug, Clone)]
pub(crate) struct Phrase {
    pub shown: String,
    pub folded: String,
    pub replacement: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Forbidden {
    pub level: Level,
    /// Longest first, so "pas de souci" wins over "souci".
    pub phrases: Vec<Phrase>,
}

#[derive(Debug, Clone)]
pub(crate) struct Competitors {
    pub level: Level,
    pub names: Vec<Phrase>,
}

/// A required greeting or sign-off.
#[derive(Debug, Clone)]
pub(crate) struct Expected {
    pub level: Level,
    /// As written; the fix uses the first.
    pub shown: Vec<String>,
    pub folded: Vec<String>,
    /// Networks where it is required; `None` = all.
    pub networks: Option<Vec<Network>>,
}

impl Expected {
    pub fn applies(&self, network: Network) -> bool {
        self.networks.as_ref().is_none_or(|n| n.contains(&network))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    Vous,
    Tu,
}

#[derive(Debug, Clone)]
pub(crate) struct Address {
    pub level: Level,
    pub form: Form,
}

#[derive(Debug, Clone)]
pub(crate) struct Emoji {
    pub level: Level,
    /// Normalised (no variation selector, no skin tone); `None` = any.
    pub allowed: Option<Vec<String>>,
    pub max: Option<usize>,
}

#[derive(Debug, Clone)]
pub(crate) struct Links {
    pub level: Level,
    /// Lowercase, without a leading `www.` or trailing dot.
    pub domains: Vec<String>,
}

impl Links {
    pub fn allows(&self, host: &str) -> bool {
        self.domains.iter().any(|d| {
            host == d
                || (host.len() > d.len()
                    && host.ends_with(d.as_str())
                    && host.as_bytes()[host.len() - d.len() - 1] == b'.')
        })
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Shouting {
    pub level: Level,
    pub min_run: usize,
    pub min_letters: usize,
    pub acronyms: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Exclamation {
    pub level: Level,
    pub max: usize,
}

#[derive(Debug, Clone)]
pub(crate) struct PersonalData {
    pub level: Level,
    pub order_patterns: Vec<Regex>,
    /// The brand's own phone numbers, as digits only.
    pub allow_digits: Vec<String>,
    /// The brand's own e-mail addresses, lowercase.
    pub allow_emails: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Typography {
    pub level: Level,
}

#[derive(Debug, Clone)]
pub(crate) struct Length {
    pub level: Level,
    pub max: Vec<(Network, usize)>,
}
