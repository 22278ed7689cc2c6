//! Reading `rules.toml`: one `[[rule]]` table per rule, with flat keys for
//! the rule itself, its conditions and its actions (see
//! `rules.example.toml` for the commented format).
//!
//! The file is parsed with spans (`toml::de::DeTable`), so each problem
//! names its own line even though every rule repeats the same keys, and
//! every problem of every rule is reported at once. To add a key: its arm
//! in `Builder::key` and its name in [`KEYS`]; typed values are read by
//! `values.rs`.

use std::ops::Range;
use std::path::Path;

use regex::RegexBuilder;
use toml::de::{DeTable, DeValue};

use super::condition::{Condition, WordSet};
use super::values::{
    Value, boolean, count, duration, langs, name_value, parsed, regex_reason, similarity, string,
    strings,
};
use super::{Mode, Rule, RuleAction};
use crate::config::{ConfigError, ConfigErrors, line_of};
use crate::model::Priority;

/// Every key a rule may have, for the "unknown key" message.
pub const KEYS: [&str; 25] = [
    "name",
    "description",
    "mode",
    "enabled",
    "words",
    "regex",
    "lang",
    "network",
    "kind",
    "has_link",
    "has_email",
    "has_phone",
    "all_caps",
    "only_emoji",
    "author_seen_today",
    "author_blocked_elsewhere",
    "near_duplicates",
    "near_duplicates_window",
    "near_duplicates_similarity",
    "tag",
    "priority",
    "assign",
    "hide",
    "done",
    "escalate",
];

pub const DEFAULT_CAPS_LETTERS: usize = 10;
pub const DEFAULT_WINDOW_HOURS: i64 = 6;
pub const DEFAULT_SIMILARITY: f32 = 0.8;
/// A regex is compiled once per file; this bounds a hostile one.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

struct Errors<'a> {
    source: &'a str,
    file: &'a Path,
    list: Vec<ConfigError>,
}

impl Errors<'_> {
    fn at(&mut self, span: &Range<usize>, key: Option<&str>, reason: String) {
        self.list.push(ConfigError {
            file: self.file.to_path_buf(),
            line: Some(line_of(self.source, span.start)),
            key: key.map(str::to_string),
            reason,
        });
    }
}

pub fn rules(source: &str, file: &Path) -> Result<Vec<Rule>, ConfigErrors> {
    let doc = DeTable::parse(source)
        .map_err(|e| ConfigErrors(vec![ConfigError::from_toml(file, source, &e)]))?;
    let mut errors = Errors {
        source,
        file,
        list: Vec::new(),
    };
    let mut rules: Vec<Rule> = Vec::new();
    for (key, value) in doc.get_ref().iter() {
        let name = key.get_ref().as_ref();
        let array = match value.get_ref() {
            DeValue::Array(a) if name == "rule" => a,
            _ => {
                let reason = if name == "rule" {
                    "write each rule as a [[rule]] table".to_string()
                } else {
                    format!("unknown key '{name}'; rules are [[rule]] tables")
                };
                errors.at(&key.span(), Some(name), reason);
                continue;
            }
        };
        for (i, entry) in array.iter().enumerate() {
            let Some(table) = entry.get_ref().as_table() else {
                errors.at(&entry.span(), Some("rule"), "a rule must be a table".into());
                continue;
            };
            if let Some(rule) = Builder::new(i + 1, entry.span()).build(table, &mut errors) {
                if rules.iter().any(|r| r.name == rule.name) {
                    let span = table_start(table, entry.span());
                    let reason = format!("two rules are named '{}'", rule.name);
                    errors.at(&span, Some("name"), reason);
                }
                rules.push(rule);
            }
        }
    }
    if errors.list.is_empty() {
        Ok(rules)
    } else {
        errors.list.sort_by_key(|e| e.line);
        Err(ConfigErrors(errors.list))
    }
}

/// Where a rule starts: its `name` line, else its first key.
fn table_start(table: &DeTable, fallback: Range<usize>) -> Range<usize> {
    table
        .iter()
        .find(|(k, _)| k.get_ref() == "name")
        .or_else(|| table.iter().min_by_key(|(k, _)| k.span().start))
        .map_or(fallback, |(k, _)| k.span())
}

/// One rule being read.
struct Builder {
    index: usize,
    span: Range<usize>,
    name: Option<String>,
    description: Option<String>,
    mode: Mode,
    enabled: bool,
    conditions: Vec<Condition>,
    actions: Vec<RuleAction>,
    caps: Option<(bool, usize)>,
    duplicates: Option<usize>,
    window: Option<(chrono::Duration, Range<usize>)>,
    similarity: Option<(f32, Range<usize>)>,
}

impl Builder {
    fn new(index: usize, span: Range<usize>) -> Builder {
        Builder {
            index,
            span,
            name: None,
            description: None,
            mode: Mode::Propose,
            enabled: true,
            conditions: Vec::new(),
            actions: Vec::new(),
            caps: None,
            duplicates: None,
            window: None,
            similarity: None,
        }
    }

    fn build(mut self, table: &DeTable, errors: &mut Errors) -> Option<Rule> {
        let before = errors.list.len();
        if let Some((_, v)) = table.iter().find(|(k, _)| k.get_ref() == "name") {
            match v.get_ref().as_str().map(str::trim) {
                Some(n) if !n.is_empty() => self.name = Some(n.to_string()),
                _ => errors.at(
                    &v.span(),
                    Some("name"),
                    "expected a non-empty string".into(),
                ),
            }
        }
        let label = match &self.name {
            Some(n) => format!("rule '{n}'"),
            None => format!("rule #{}", self.index),
        };
        for (key, value) in table.iter() {
            let k = key.get_ref().as_ref();
            if let Err(reason) = self.key(k, value) {
                let span = if reason.starts_with("unknown key") {
                    key.span()
                } else {
                    value.span()
                };
                errors.at(&span, Some(k), format!("{label}: {reason}"));
            }
        }
        let start = table_start(table, self.span.clone());
        self.finish_conditions(&label, errors);
        if self.name.is_none() {
            errors.at(&start, None, format!("{label} has no name"));
        }
        // A bad condition or action key already says what is missing.
        let clean = errors.list.len() == before;
        if clean && self.conditions.is_empty() {
            let reason = format!("{label} has no condition (it would fire on every item)");
            errors.at(&start, None, reason);
        }
        if clean && self.actions.is_empty() {
            errors.at(&start, None, format!("{label} has no action"));
        }
        if errors.list.len() > before {
            return None;
        }
        self.conditions.sort_by_key(Condition::cost);
        self.actions.sort_by_key(action_rank);
        Some(Rule {
            name: self.name.unwrap_or_default(),
            description: self.description,
            mode: self.mode,
            enabled: self.enabled,
            conditions: self.conditions,
            actions: self.actions,
            line: line_of(errors.source, start.start),
        })
    }

    /// Conditions made of several keys.
    fn finish_conditions(&mut self, label: &str, errors: &mut Errors) {
        if let Some((wanted, min_letters)) = self.caps {
            self.conditions.push(Condition::AllCaps {
                min_letters,
                wanted,
            });
        }
        match self.duplicates {
            Some(count) => self.conditions.push(Condition::NearDuplicates {
                count,
                window: self
                    .window
                    .as_ref()
                    .map_or(chrono::Duration::hours(DEFAULT_WINDOW_HOURS), |(w, _)| *w),
                similarity: self
                    .similarity
                    .as_ref()
                    .map_or(DEFAULT_SIMILARITY, |(s, _)| *s),
            }),
            None => {
                let stray = [
                    self.window
                        .as_ref()
                        .map(|(_, s)| (s, "near_duplicates_window")),
                    self.similarity
                        .as_ref()
                        .map(|(_, s)| (s, "near_duplicates_similarity")),
                ];
                for (span, key) in stray.into_iter().flatten() {
                    let reason = format!("{label}: only meaningful with near_duplicates = N");
                    errors.at(span, Some(key), reason);
                }
            }
        }
    }

    fn key(&mut self, key: &str, v: &Value) -> Result<(), String> {
        let c = &mut self.conditions;
        match key {
            "name" => {}
            "description" => self.description = Some(string(v)?.to_string()),
            "mode" => {
                self.mode = match string(v)? {
                    "propose" => Mode::Propose,
                    "apply" => Mode::Apply,
                    other => return Err(format!("unknown mode '{other}' (propose or apply)")),
                }
            }
            "enabled" => self.enabled = boolean(v)?,
            "words" => {
                let mut set = WordSet::default();
                for w in strings(v)? {
                    if !set.add(&w) {
                        return Err("an empty word or phrase".into());
                    }
                }
                c.push(Condition::Words(set));
            }
            "regex" => {
                let re = RegexBuilder::new(string(v)?)
                    .size_limit(REGEX_SIZE_LIMIT)
                    .build()
                    .map_err(|e| format!("bad regex: {}", regex_reason(&e)))?;
                c.push(Condition::Regex(re));
            }
            "lang" => c.push(Condition::Lang(langs(v)?)),
            "network" => c.push(Condition::Network(parsed(v)?)),
            "kind" => c.push(Condition::Kind(parsed(v)?)),
            "has_link" => c.push(Condition::Link(boolean(v)?)),
            "has_email" => c.push(Condition::Email(boolean(v)?)),
            "has_phone" => c.push(Condition::Phone(boolean(v)?)),
            "only_emoji" => c.push(Condition::OnlyEmoji(boolean(v)?)),
            "author_blocked_elsewhere" => c.push(Condition::BlockedElsewhere(boolean(v)?)),
            "all_caps" => {
                self.caps = Some(match v.get_ref() {
                    DeValue::Boolean(b) => (*b, DEFAULT_CAPS_LETTERS),
                    _ => (
                        true,
                        count(v).map_err(|_| {
                            "expected true, false or a minimum number of capital letters"
                                .to_string()
                        })?,
                    ),
                })
            }
            "author_seen_today" => c.push(Condition::AuthorSeenToday(count(v)?)),
            "near_duplicates" => self.duplicates = Some(count(v)?),
            "near_duplicates_window" => self.window = Some((duration(string(v)?)?, v.span())),
            "near_duplicates_similarity" => self.similarity = Some((similarity(v)?, v.span())),
            "tag" => {
                for t in strings(v)? {
                    self.actions.push(RuleAction::Tag(name_value(&t)?));
                }
            }
            "priority" => self
                .actions
                .push(RuleAction::Priority(string(v)?.parse::<Priority>()?)),
            "assign" => self
                .actions
                .push(RuleAction::Assign(name_value(string(v)?)?)),
            "hide" => flag_action(&mut self.actions, RuleAction::Hide, v)?,
            "done" => flag_action(&mut self.actions, RuleAction::Done, v)?,
            "escalate" => {
                let tag = name_value(string(v)?)?;
                self.actions.push(RuleAction::Escalate { tag });
            }
            other => {
                return Err(format!(
                    "unknown key '{other}' (expected one of: {})",
                    KEYS.join(", ")
                ));
            }
        }
        Ok(())
    }
}

/// Actions in the order they are best applied: tags and routing first,
/// then hiding and closing.
fn action_rank(a: &RuleAction) -> u8 {
    match a {
        RuleAction::Tag(_) => 0,
        RuleAction::Priority(_) => 1,
        RuleAction::Assign(_) => 2,
        RuleAction::Escalate { .. } => 3,
        RuleAction::Hide => 4,
        RuleAction::Done => 5,
    }
}

fn flag_action(actions: &mut Vec<RuleAction>, action: RuleAction, v: &Value) -> Result<(), String> {
    if boolean(v)? {
        actions.push(action);
    }
    Ok(())
}
