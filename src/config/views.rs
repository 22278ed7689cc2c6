//! Saved views of `config.toml` (`[[views]]`): each checked, with errors
//! naming the file, the line of the bad value and its key.

use std::path::Path;

use serde::Deserialize;

use super::ConfigError;
use crate::filter::{Filter, SavedView, Sort};
use crate::model::{Kind, Network, Priority, StatusKind};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawView {
    name: String,
    #[serde(default)]
    networks: Vec<String>,
    #[serde(default)]
    accounts: Vec<String>,
    #[serde(default)]
    kinds: Vec<String>,
    #[serde(default)]
    statuses: Vec<String>,
    #[serde(default)]
    priorities: Vec<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    assignees: Vec<String>,
    #[serde(default)]
    langs: Vec<String>,
    #[serde(default)]
    unread: bool,
    #[serde(default)]
    proposed: bool,
    search: Option<String>,
    sort: Option<String>,
}

/// Appends the valid views of `raw` to `views`; each problem goes to
/// `errors`.
pub(super) fn parse(
    raw: Vec<RawView>,
    views: &mut Vec<SavedView>,
    path: &Path,
    src: &str,
    errors: &mut Vec<ConfigError>,
) {
    for v in raw {
        if v.name.trim().is_empty() {
            errors.push(ConfigError::at_key(
                path,
                src,
                Some("views"),
                "name",
                "a view needs a name",
            ));
            continue;
        }
        if views.iter().any(|x| x.name == v.name) {
            let line = src
                .lines()
                .position(|l| l.contains(&format!("\"{}\"", v.name)))
                .map(|i| i + 1);
            errors.push(ConfigError {
                file: path.to_path_buf(),
                line,
                key: Some("views.name".to_string()),
                reason: format!("a view named '{}' already exists", v.name),
            });
            continue;
        }
        let mut bad = |key: &str, e: String| {
            let line = find_value_line(src, &v.name, key);
            errors.push(ConfigError {
                file: path.to_path_buf(),
                line,
                key: Some(format!("views.{key}")),
                reason: e,
            });
        };
        let networks = parse_all::<Network>(&v.networks).unwrap_or_else(|e| {
            bad("networks", e);
            Vec::new()
        });
        let kinds = parse_all::<Kind>(&v.kinds).unwrap_or_else(|e| {
            bad("kinds", e);
            Vec::new()
        });
        let statuses = parse_all::<StatusKind>(&v.statuses).unwrap_or_else(|e| {
            bad("statuses", e);
            Vec::new()
        });
        let priorities = parse_all::<Priority>(&v.priorities).unwrap_or_else(|e| {
            bad("priorities", e);
            Vec::new()
        });
        let sort = match v.sort.as_deref().map(str::parse::<Sort>) {
            None => Sort::default(),
            Some(Ok(s)) => s,
            Some(Err(e)) => {
                bad("sort", e);
                Sort::default()
            }
        };
        let filter = Filter {
            networks,
            accounts: v.accounts,
            kinds,
            statuses,
            priorities,
            tags: v.tags,
            assignees: v.assignees,
            langs: v.langs,
            unread: v.unread,
            proposed: v.proposed,
            search: v.search,
        };
        views.push(SavedView {
            name: v.name,
            filter,
            sort,
        });
    }
}

fn parse_all<T: std::str::FromStr<Err = String>>(vals: &[String]) -> Result<Vec<T>, String> {
    vals.iter().map(|v| v.parse()).collect()
}

/// Line of `key = …` inside the `[[views]]` block named `view`.
fn find_value_line(src: &str, view: &str, key: &str) -> Option<usize> {
    let start = src
        .lines()
        .position(|l| l.contains(&format!("\"{view}\"")))?;
    src.lines()
        .enumerate()
        .skip(start)
        .take_while(|(i, l)| *i == start || !l.trim_start().starts_with("[["))
        .find(|(_, l)| l.trim_start().starts_with(key))
        .map(|(i, _)| i + 1)
}
