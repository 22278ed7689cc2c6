//! Escalation tag definitions and the roster they route to, from
//! `tags.toml` (embedded example: `tags.example.toml`).
//!
//! ```toml
//! [people.marie]                 # the roster: people…
//! name = "Marie Dubois"
//! email = "marie@atelier-lumen.fr"
//!
//! [teams.sav]                    # …and teams, each with a hand-off channel
//! name = "Service client"
//! webhook = "https://chat.example/hooks/sav"
//!
//! [groups.case]                  # a "pick one" group: one tag of it per item
//! pick_one = true
//!
//! [tags.refund]
//! style = "queue.tag.refund"     # a theme style (default: queue.tag.NAME, then queue.tag)
//! group = "case"
//! route = "sav"                  # a person or a team of the roster
//! first_response = "2h"          # SLA: first answer to the customer
//! resolution = "2d"              # SLA: the case settled
//! escalates = true               # applying it escalates the item
//! handoff = "webhook"            # webhook, email or command (of the route)
//! ```
//!
//! Durations are `30m`, `2h`, `3d` or `1w`. Every problem names the file,
//! the line and the key; a route must name someone in the roster, a group
//! must be declared, and a hand-off channel must be one the route has.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

use crate::config::{ConfigError, ConfigErrors, locate};

pub const EXAMPLE: &str = include_str!("tags.example.toml");

/// How a colleague is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Webhook,
    Email,
    Command,
}

/// A person or a team of the roster, with the channels it can be reached on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Contact {
    pub key: String,
    pub name: String,
    pub email: Option<String>,
    pub webhook: Option<String>,
    pub command: Option<String>,
    pub team: bool,
}

impl Contact {
    pub fn reachable_by(&self, via: Via) -> bool {
        match via {
            Via::Webhook => self.webhook.is_some(),
            Via::Email => self.email.is_some(),
            Via::Command => self.command.is_some(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagDef {
    pub name: String,
    pub style: Option<String>,
    pub group: Option<String>,
    pub route: Option<String>,
    pub first_response: Option<Duration>,
    pub resolution: Option<Duration>,
    pub escalates: bool,
    pub handoff: Option<Via>,
}

impl TagDef {
    /// When the first answer is due for an item tagged at `at`.
    pub fn first_response_due(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.first_response.map(|d| at + d)
    }

    /// When the case must be settled for an item tagged at `at`.
    pub fn resolution_due(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.resolution.map(|d| at + d)
    }
}

/// Everything `tags.toml` defines.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tags {
    pub tags: BTreeMap<String, TagDef>,
    pub roster: BTreeMap<String, Contact>,
    /// Groups where an item carries at most one tag.
    pub pick_one: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    people: BTreeMap<String, RawContact>,
    #[serde(default)]
    teams: BTreeMap<String, RawContact>,
    #[serde(default)]
    groups: BTreeMap<String, RawGroup>,
    #[serde(default)]
    tags: BTreeMap<String, RawTag>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContact {
    name: Option<String>,
    email: Option<String>,
    webhook: Option<String>,
    command: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    #[serde(default)]
    pick_one: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTag {
    style: Option<String>,
    group: Option<String>,
    route: Option<String>,
    first_response: Option<String>,
    resolution: Option<String>,
    #[serde(default)]
    escalates: bool,
    handoff: Option<String>,
}

/// `30m`, `2h`, `3d`, `1w`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let n: i64 = n
        .parse()
        .map_err(|_| format!("'{s}' is not a duration (30m, 2h, 3d, 1w)"))?;
    let d = match unit {
        "m" => Duration::try_minutes(n),
        "h" => Duration::try_hours(n),
        "d" => Duration::try_days(n),
        "w" => Duration::try_weeks(n),
        _ => None,
    };
    d.filter(|d| *d > Duration::zero())
        .ok_or_else(|| format!("'{s}' is not a duration (30m, 2h, 3d, 1w)"))
}

impl Tags {
    pub fn example() -> Tags {
        Tags::parse(EXAMPLE, Path::new("tags.example.toml")).unwrap_or_default()
    }

    pub fn load(path: &Path) -> Result<Tags, ConfigErrors> {
        let source = std::fs::read_to_string(path).map_err(|e| {
            ConfigErrors(vec![ConfigError::new(path, format!("cannot read it: {e}"))])
        })?;
        Tags::parse(&source, path)
    }

    pub fn parse(source: &str, file: &Path) -> Result<Tags, ConfigErrors> {
        let raw: Raw = toml::from_str(source)
            .map_err(|e| ConfigErrors(vec![ConfigError::from_toml(file, source, &e)]))?;
        let mut errors = Vec::new();
        let mut out = Tags::default();
        for (team, people) in [(false, raw.people), (true, raw.teams)] {
            for (key, c) in people {
                out.roster.insert(
                    key.clone(),
                    Contact {
                        name: c.name.unwrap_or_else(|| key.clone()),
                        key,
                        email: c.email,
                        webhook: c.webhook,
                        command: c.command,
                        team,
                    },
                );
            }
        }
        out.pick_one = raw
            .groups
            .iter()
            .filter(|(_, g)| g.pick_one)
            .map(|(k, _)| k.clone())
            .collect();
        for (name, t) in raw.tags {
            let mut problems: Vec<(&str, String)> = Vec::new();
            let mut duration = |key: &'static str, v: Option<String>| {
                v.and_then(|v| parse_duration(&v).map_err(|e| problems.push((key, e))).ok())
            };
            let first_response = duration("first_response", t.first_response);
            let resolution = duration("resolution", t.resolution);
            if let Some(g) = t.group.as_ref().filter(|g| !raw.groups.contains_key(*g)) {
                problems.push(("group", format!("no group '{g}' in [groups]")));
            }
            if let Some(r) = t.route.as_ref().filter(|r| !out.roster.contains_key(*r)) {
                problems.push((
                    "route",
                    format!("'{r}' is neither in [people] nor in [teams]"),
                ));
            }
            let handoff = match t.handoff.as_deref() {
                None => None,
                Some("webhook") => Some(Via::Webhook),
                Some("email") => Some(Via::Email),
                Some("command") => Some(Via::Command),
                Some(other) => {
                    let why = format!("unknown channel '{other}' (webhook, email or command)");
                    problems.push(("handoff", why));
                    None
                }
            };
            if let (Some(via), Some(contact)) =
                (handoff, t.route.as_ref().and_then(|r| out.roster.get(r)))
                && !contact.reachable_by(via)
            {
                let what = format!("{via:?}").to_lowercase();
                problems.push((
                    "handoff",
                    format!("'{}' has no {what} address", contact.key),
                ));
            }
            let section = format!("tags.{name}");
            errors.extend(problems.into_iter().map(|(key, reason)| ConfigError {
                file: file.to_path_buf(),
                line: locate(source, Some(&section), key),
                key: Some(format!("{section}.{key}")),
                reason,
            }));
            out.tags.insert(
                name.clone(),
                TagDef {
                    name,
                    style: t.style,
                    group: t.group,
                    route: t.route,
                    first_response,
                    resolution,
                    escalates: t.escalates,
                    handoff,
                },
            );
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(ConfigErrors(errors))
        }
    }

    /// Tags of the same pick-one group as `tag` (which applying it removes).
    pub fn exclusive_with(&self, tag: &str) -> Vec<&str> {
        let Some(group) = self
            .tags
            .get(tag)
            .and_then(|t| t.group.as_ref())
            .filter(|g| self.pick_one.contains(g))
        else {
            return Vec::new();
        };
        self.tags
            .values()
            .filter(|t| t.name != tag && t.group.as_ref() == Some(group))
            .map(|t| t.name.as_str())
            .collect()
    }
}

#[cfg(test)]
#[path = "tags_tests.rs"]
mod tests;
