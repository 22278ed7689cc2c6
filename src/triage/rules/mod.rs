//! Auto-moderation rules (`rules.toml`): conditions over an item and its
//! context, the actions to take when they all hold, and whether to only
//! propose them (the default: the item is flagged for one-key approval) or
//! apply them at once.
//!
//! - [`Rules::parse`] reads and checks the file (`parse.rs`, typed values
//!   in `values.rs`); every problem names the file, the line and the key.
//! - [`Rules::evaluate`] says which rules fire on an item; it acts on
//!   nothing: the caller applies or proposes the [`Firing`]s and audits them.
//! - What the engine needs beyond the item (the author's other items, other
//!   items' texts) comes through [`Context`]; [`Snapshot`] is the in-memory
//!   one over a batch of items (`snapshot.rs`; spam-wave look-alikes in
//!   `similar.rs`).
//! - The conditions and their text detectors are in `condition.rs` and
//!   `detect.rs`; the shipped example is `rules.example.toml`.
//!
//! The brand's own items (`from_us`) never fire a rule.

mod condition;
mod detect;
mod parse;
mod similar;
mod snapshot;
mod values;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_context;
#[cfg(test)]
mod tests_parse;

use std::fmt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::config::{ConfigError, ConfigErrors};
use crate::model::{Item, Priority};

pub use condition::{Condition, WordSet};
pub use snapshot::{Snapshot, identity_keys, shows_block};

/// The shipped example rules, for the demo brand Atelier Lumen.
pub const EXAMPLE: &str = include_str!("rules.example.toml");

/// The rules of one `rules.toml`, in file order.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    pub rules: Vec<Rule>,
    /// The file they were read from.
    pub file: PathBuf,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub name: String,
    pub description: Option<String>,
    pub mode: Mode,
    pub enabled: bool,
    /// All must hold; kept cheapest first.
    pub conditions: Vec<Condition>,
    pub actions: Vec<RuleAction>,
    /// Where the rule starts in its file.
    pub line: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Flag the item with the proposed actions; a person approves them.
    #[default]
    Propose,
    /// Do the actions at once.
    Apply,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Propose => "propose",
            Mode::Apply => "apply",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleAction {
    Tag(String),
    Priority(Priority),
    Assign(String),
    /// Hide the item on its network (through the outbox).
    Hide,
    /// Mark it done.
    Done,
    /// Escalate it with this escalation tag.
    Escalate {
        tag: String,
    },
}

impl fmt::Display for RuleAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuleAction::Tag(t) => write!(f, "tag {t}"),
            RuleAction::Priority(p) => write!(f, "priority {p}"),
            RuleAction::Assign(who) => write!(f, "assign {who}"),
            RuleAction::Hide => f.write_str("hide"),
            RuleAction::Done => f.write_str("done"),
            RuleAction::Escalate { tag } => write!(f, "escalate {tag}"),
        }
    }
}

/// What the engine needs beyond the item itself; the caller builds it from
/// the store (see [`Snapshot`]).
pub trait Context {
    /// How many items the item's author wrote since local midnight.
    fn author_items_today(&self, item: &Item) -> usize;
    /// Whether the author was blocked on another item, on any network.
    fn author_blocked_elsewhere(&self, item: &Item) -> bool;
    /// How many items from other authors have nearly the same text
    /// (similarity in 0..=1) and were created within `window` of it.
    fn near_duplicates(&self, item: &Item, window: chrono::Duration, similarity: f32) -> usize;
}

/// A rule that fires on an item: what to do, and why. A proposed firing
/// is kept in the store until a person approves or dismisses it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Firing {
    pub rule: String,
    pub mode: Mode,
    pub actions: Vec<RuleAction>,
    /// Which conditions matched: `words: arnaque; contains a link`.
    pub why: String,
    /// When it was evaluated (for the audit line).
    pub at: DateTime<Utc>,
}

impl Firing {
    /// `tag spam, hide`.
    pub fn actions_text(&self) -> String {
        let parts: Vec<String> = self.actions.iter().map(ToString::to_string).collect();
        parts.join(", ")
    }
}

impl Rules {
    /// Reads `source` (the contents of `file`), reporting every problem.
    pub fn parse(source: &str, file: &Path) -> Result<Rules, ConfigErrors> {
        let rules = parse::rules(source, file)?;
        Ok(Rules {
            rules,
            file: file.to_path_buf(),
        })
    }

    pub fn load(path: &Path) -> Result<Rules, ConfigErrors> {
        let source = std::fs::read_to_string(path)
            .map_err(|e| ConfigErrors(vec![ConfigError::new(path, format!("cannot read: {e}"))]))?;
        Rules::parse(&source, path)
    }

    /// The shipped example set (see `rules.example.toml`).
    pub fn example() -> Rules {
        // The example is tested to parse; an empty set is the safe fallback.
        Rules::parse(EXAMPLE, Path::new("rules.example.toml")).unwrap_or_default()
    }

    pub fn get(&self, name: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.name == name)
    }

    /// The enabled rules that fire on `item`, in file order.
    pub fn evaluate(&self, item: &Item, ctx: &dyn Context, now: DateTime<Utc>) -> Vec<Firing> {
        if item.remote.from_us {
            return Vec::new();
        }
        let prepared = condition::Prepared::new(item);
        self.rules
            .iter()
            .filter(|r| r.enabled)
            .filter_map(|rule| {
                let mut why = Vec::with_capacity(rule.conditions.len());
                for c in &rule.conditions {
                    why.push(c.check(&prepared, ctx)?);
                }
                Some(Firing {
                    rule: rule.name.clone(),
                    mode: rule.mode,
                    actions: rule.actions.clone(),
                    why: why.join("; "),
                    at: now,
                })
            })
            .collect()
    }
}
