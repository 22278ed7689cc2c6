//! Reading keymap files into per-mode tries: parse, validate against the
//! action registry, merge later files over earlier ones key by key within
//! each mode, then reject prefix conflicts in the merged result.
//!
//! Every problem is collected (not just the first) and names the file, the
//! line and the key. To add a rule, push a `ConfigError` from
//! [`parse_binding`] (per key) or after the merge (across keys), and add a
//! `tests/fixtures/bad_keymap_*` case.

use std::collections::HashMap;
use std::path::Path;

use toml::Value;

use crate::action::{ACTIONS, Action, Mode};
use crate::config::error::{ConfigError, ConfigErrors, locate};

use super::chord::{KeyChord, format_sequence, parse_sequence};
use super::trie::Trie;

/// A merged binding and where it was written, for conflict messages.
struct Bound<'a> {
    actions: Vec<Action>,
    layer: usize,
    section: &'a str,
    key: &'a str,
}

type Merged<'a> = HashMap<Mode, HashMap<Vec<KeyChord>, Bound<'a>>>;

/// Builds one trie per mode from `layers` (`(shown path, source)`), the
/// first being the base and each later one overriding it.
pub(super) fn build(layers: &[(&Path, &str)]) -> Result<HashMap<Mode, Trie>, ConfigErrors> {
    let mut errors: Vec<(usize, ConfigError)> = Vec::new();
    let tables: Vec<Option<toml::Table>> = layers
        .iter()
        .enumerate()
        .map(
            |(i, (path, source))| match toml::from_str::<toml::Table>(source) {
                Ok(table) => Some(table),
                Err(e) => {
                    errors.push((i, ConfigError::from_toml(path, source, &e)));
                    None
                }
            },
        )
        .collect();
    let mut merged: Merged<'_> = HashMap::new();
    for (layer, table) in tables.iter().enumerate() {
        if let Some(table) = table {
            merge_layer(layers[layer], layer, table, &mut merged, &mut errors);
        }
    }
    prefix_conflicts(layers, &merged, &mut errors);
    if !errors.is_empty() {
        errors.sort_by(|(la, a), (lb, b)| {
            (la, a.line.unwrap_or(usize::MAX), &a.key).cmp(&(
                lb,
                b.line.unwrap_or(usize::MAX),
                &b.key,
            ))
        });
        return Err(ConfigErrors(errors.into_iter().map(|(_, e)| e).collect()));
    }
    let mut tries: HashMap<Mode, Trie> = HashMap::new();
    for (mode, map) in merged {
        let trie = tries.entry(mode).or_default();
        for (seq, bound) in map {
            trie.insert(&seq, bound.actions);
        }
    }
    Ok(tries)
}

/// Applies one file's sections over `merged`.
fn merge_layer<'a>(
    (path, source): (&Path, &str),
    layer: usize,
    table: &'a toml::Table,
    merged: &mut Merged<'a>,
    errors: &mut Vec<(usize, ConfigError)>,
) {
    for (section, value) in table {
        let Some(keys) = value.as_table() else {
            let reason = "bindings go under a mode section such as [queue]";
            errors.push((
                layer,
                ConfigError::at_key(path, source, None, section, reason),
            ));
            continue;
        };
        let Some(mode) = Mode::from_name(section) else {
            errors.push((layer, unknown_mode(path, source, section)));
            continue;
        };
        let mut seen: HashMap<Vec<KeyChord>, &str> = HashMap::new();
        for (key, value) in keys {
            let at = |reason: String| ConfigError::at_key(path, source, Some(section), key, reason);
            let (seq, actions) = match parse_binding(mode, key, value) {
                Ok(parsed) => parsed,
                Err(reason) => {
                    errors.push((layer, at(reason)));
                    continue;
                }
            };
            if let Some(first) = seen.insert(seq.clone(), key) {
                let reason = format!("the same keys as '{first}' in this section; keep one");
                errors.push((layer, at(reason)));
                continue;
            }
            let map = merged.entry(mode).or_default();
            if actions.is_empty() {
                map.remove(&seq);
            } else {
                map.insert(
                    seq,
                    Bound {
                        actions,
                        layer,
                        section,
                        key,
                    },
                );
            }
        }
    }
}

fn unknown_mode(path: &Path, source: &str, section: &str) -> ConfigError {
    let modes: Vec<&str> = Mode::ALL.iter().map(|m| m.as_str()).collect();
    let line = source.lines().position(|l| {
        let l = l.trim();
        l.starts_with('[') && l.trim_matches(['[', ']', ' ', '"']) == section
    });
    ConfigError {
        file: path.to_path_buf(),
        line: line.map(|l| l + 1),
        key: Some(section.to_string()),
        reason: format!(
            "unknown mode [{section}]; expected one of {}",
            modes.join(", ")
        ),
    }
}

/// Parses one `"keys" = value` line of a `[mode]` section. An empty action
/// list means `"none"`: remove the binding.
fn parse_binding(
    mode: Mode,
    key: &str,
    value: &Value,
) -> Result<(Vec<KeyChord>, Vec<Action>), String> {
    let seq = parse_sequence(key).map_err(|e| e.to_string())?;
    if let Some(first) = seq
        .first()
        .filter(|c| mode.takes_text() && c.is_printable())
    {
        return Err(format!(
            "'{first}' is typed as text in {mode} mode; bind a ctrl-/alt- chord or a named key"
        ));
    }
    let actions = match value {
        Value::String(s) if s == "none" => Vec::new(),
        Value::String(s) => vec![action_in(mode, s)?],
        Value::Array(items) if items.is_empty() => {
            return Err("an empty list binds nothing; write \"none\" to unbind".into());
        }
        Value::Array(items) => items
            .iter()
            .map(|item| match item.as_str() {
                Some("none") => Err("\"none\" cannot be part of a list".to_string()),
                Some(name) => action_in(mode, name),
                None => Err("a list holds action names (strings)".to_string()),
            })
            .collect::<Result<_, _>>()?,
        _ => return Err("expected an action name, a list of names, or \"none\"".into()),
    };
    Ok((seq, actions))
}

/// Resolves an action name and checks it means something in `mode`.
fn action_in(mode: Mode, name: &str) -> Result<Action, String> {
    let Some(action) = Action::from_name(name) else {
        let hint = closest_name(name)
            .map(|n| format!("; did you mean '{n}'?"))
            .unwrap_or_default();
        return Err(format!(
            "unknown action '{name}'{hint} (the : palette lists every action)"
        ));
    };
    let modes = action.spec().modes;
    if modes.contains(&mode) || modes.contains(&Mode::Global) {
        return Ok(action);
    }
    let home: Vec<&str> = modes.iter().map(|m| m.as_str()).collect();
    Err(format!(
        "'{name}' does not apply in {mode} mode (it belongs to {})",
        home.join(", ")
    ))
}

/// The registry name nearest to a misspelling, if one is close enough.
fn closest_name(name: &str) -> Option<&'static str> {
    ACTIONS
        .iter()
        .map(|s| (edit_distance(name, s.name), s.name))
        .filter(|(d, _)| *d <= 3)
        .min()
        .map(|(_, n)| n)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (row[j + 1] + 1)
                .min(row[j] + 1)
                .min(diag + usize::from(ca != *cb));
            diag = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// A bound sequence that is a prefix of another could never be completed.
/// The error goes to the binding written last (usually the user's file).
fn prefix_conflicts(
    layers: &[(&Path, &str)],
    merged: &Merged<'_>,
    errors: &mut Vec<(usize, ConfigError)>,
) {
    let place = |b: &Bound<'_>| {
        let (path, source) = layers[b.layer];
        let line = locate(source, Some(b.section), b.key)
            .map(|l| format!(":{l}"))
            .unwrap_or_default();
        format!("{}{line}", path.display())
    };
    let error_at = |b: &Bound<'_>, reason: String| {
        let (path, source) = layers[b.layer];
        (
            b.layer,
            ConfigError::at_key(path, source, Some(b.section), b.key, reason),
        )
    };
    for map in merged.values() {
        for (short_seq, short) in map {
            let mut longs: Vec<(String, &Bound<'_>)> = map
                .iter()
                .filter(|(seq, _)| seq.len() > short_seq.len() && seq.starts_with(short_seq))
                .map(|(seq, b)| (format_sequence(seq), b))
                .collect();
            if longs.is_empty() {
                continue;
            }
            longs.sort_by(|a, b| a.0.cmp(&b.0));
            let short_text = format_sequence(short_seq);
            let latest = longs.iter().map(|(_, b)| b.layer).max().unwrap_or(0);
            if short.layer >= latest {
                let (first, first_bound) = &longs[0];
                let more = match longs.len() {
                    1 => String::new(),
                    n => format!(" and {} more", n - 1),
                };
                let reason = format!(
                    "'{short_text}' is the start of '{first}' ({}){more}, which it would hide; \
                     set those to \"none\" or pick another key",
                    place(first_bound)
                );
                errors.push(error_at(short, reason));
            } else {
                for (long_text, long) in longs.iter().filter(|(_, b)| b.layer == latest) {
                    let reason = format!(
                        "'{long_text}' starts with '{short_text}', already bound at {}, so it \
                         could never be typed; set \"{short_text}\" = \"none\" or pick another key",
                        place(short)
                    );
                    errors.push(error_at(long, reason));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(layers: &[(&str, &str)]) -> Vec<String> {
        let layers: Vec<(&Path, &str)> = layers.iter().map(|(p, s)| (Path::new(*p), *s)).collect();
        match build(&layers) {
            Ok(_) => Vec::new(),
            Err(e) => e.0.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn every_problem_is_reported_with_file_line_and_key() {
        let src = "[queue]\nj = \"queue.nxt\"\nk = \"detail.close\"\n\"ctrl-\" = \"queue.prev\"\n\n[nope]\nx = \"app.quit\"\n";
        let errs = errors(&[("k.toml", src)]);
        assert_eq!(errs.len(), 4, "{errs:#?}");
        assert!(errs[0].starts_with(
            "k.toml:2: key 'queue.j': unknown action 'queue.nxt'; did you mean 'queue.next'?"
        ));
        assert!(
            errs[1].starts_with(
                "k.toml:3: key 'queue.k': 'detail.close' does not apply in queue mode"
            )
        );
        assert!(errs[2].starts_with("k.toml:4: key 'queue.ctrl-': unknown key 'ctrl-'"));
        assert!(errs[3].starts_with("k.toml:6: key 'nope': unknown mode [nope]"));
    }

    #[test]
    fn global_actions_fit_every_mode_but_not_the_reverse() {
        assert!(errors(&[("k.toml", "[help]\nq = \"app.cancel\"\n")]).is_empty());
        let errs = errors(&[("k.toml", "[global]\nj = \"queue.next\"\n")]);
        assert!(
            errs[0].contains("'queue.next' does not apply in global mode (it belongs to queue)")
        );
    }

    #[test]
    fn equivalent_spellings_in_one_section_are_duplicates() {
        let errs = errors(&[(
            "k.toml",
            "[queue]\nG = \"queue.last\"\n\"shift-g\" = \"queue.first\"\n",
        )]);
        assert_eq!(errs.len(), 1);
        assert!(errs[0].contains("the same keys as"), "{errs:?}");
        // TOML itself rejects the same key written twice, with its line.
        let errs = errors(&[(
            "k.toml",
            "[queue]\nj = \"queue.next\"\n\"j\" = \"queue.prev\"\n",
        )]);
        assert!(errs[0].starts_with("k.toml:3"), "{errs:?}");
    }

    #[test]
    fn prefix_conflicts_blame_the_later_file() {
        let base = "[queue]\n\"g g\" = \"queue.first\"\n\"g e\" = \"queue.last\"\n";
        let errs = errors(&[
            ("base.toml", base),
            ("user.toml", "[queue]\ng = \"queue.next\"\n"),
        ]);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].starts_with(
            "user.toml:2: key 'queue.g': 'g' is the start of 'g e' (base.toml:3) and 1 more"
        ));
        let errs = errors(&[
            ("base.toml", "[queue]\ng = \"queue.next\"\n"),
            ("user.toml", "[queue]\n\"g g\" = \"queue.first\"\n"),
        ]);
        assert!(
            errs[0].starts_with(
                "user.toml:2: key 'queue.g g': 'g g' starts with 'g', already bound at base.toml:2"
            ),
            "{errs:?}"
        );
        // Unbinding the default first resolves it.
        let fixed = "[queue]\n\"g g\" = \"none\"\n\"g e\" = \"none\"\ng = \"queue.next\"\n";
        assert!(errors(&[("base.toml", base), ("user.toml", fixed)]).is_empty());
    }

    #[test]
    fn printable_keys_stay_text_in_text_modes() {
        let errs = errors(&[(
            "k.toml",
            "[input]\nx = \"input.clear\"\n\"ctrl-u\" = \"input.clear\"\n",
        )]);
        assert_eq!(errs.len(), 1);
        assert!(errs[0].contains("'x' is typed as text in input mode"));
    }

    #[test]
    fn values_must_be_names_lists_or_none() {
        let src = "[queue]\na = 3\nb = []\nc = [\"queue.open\", \"none\"]\nd = [\"queue.open\", \"item.note\"]\ne = \"none\"\n";
        let errs = errors(&[("k.toml", src)]);
        assert_eq!(errs.len(), 3, "{errs:?}");
        assert!(errors(&[("k.toml", "j = \"queue.next\"\n")])[0].contains("mode section"));
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("queue.nxt", "queue.next"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }
}
