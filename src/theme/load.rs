//! Finding a theme file, following `inherits`, and merging the chain into
//! resolved styles.
//!
//! A user file `<user_dir>/<name>.toml` wins over the built-in of the same
//! name, except while resolving that very file's `inherits`: a user
//! `default.toml` with `inherits = "default"` extends the built-in one.
//! Palettes and styles merge key by key, the child over its parent, and
//! colours are resolved after merging, so a child can recolour its parent by
//! overriding palette entries. Every error names file, line and key; unknown
//! scopes and keys are warnings. To add a top-level key, extend
//! [`TOP_LEVEL`] and read it in [`merge`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ratatui::style::{Color, Style};
use toml::Value;

use crate::config::error::{ConfigError, ConfigErrors};

use super::scopes::is_known;
use super::value::{is_style_table, literal_color, style};
use super::{BUILTIN, Theme};

const TOP_LEVEL: [&str; 4] = ["name", "inherits", "palette", "styles"];

/// One file of the inheritance chain.
struct File {
    name: String,
    user: bool,
    path: PathBuf,
    source: String,
    table: toml::Table,
}

impl File {
    fn error(&self, section: Option<&str>, key: &str, reason: impl Into<String>) -> ConfigError {
        ConfigError::at_key(&self.path, &self.source, section, key, reason)
    }
}

/// Resolves theme `name` into its styles and the warnings worth showing.
pub(super) fn load(
    name: &str,
    user_dir: Option<&Path>,
) -> Result<(HashMap<String, Style>, Vec<String>), ConfigErrors> {
    let mut errors = Vec::new();
    let chain = read_chain(name, user_dir, &mut errors);
    let mut warnings = Vec::new();
    let styles = merge(&chain, &mut errors, &mut warnings);
    if errors.is_empty() {
        Ok((styles, warnings))
    } else {
        Err(ConfigErrors(errors))
    }
}

/// Reads `name` and its ancestors, child first. Stops at the first file that
/// cannot be found or parsed, recording why.
fn read_chain(name: &str, user_dir: Option<&Path>, errors: &mut Vec<ConfigError>) -> Vec<File> {
    let mut chain: Vec<File> = Vec::new();
    let mut wanted = name.to_string();
    loop {
        let (user, path, source) = match find(&wanted, user_dir, &chain) {
            Ok(found) => found,
            Err(reason) => {
                errors.push(match chain.last() {
                    Some(child) => child.error(None, "inherits", reason),
                    None => {
                        let shown = user_dir.map_or_else(
                            || Theme::builtin_path(&wanted),
                            |d| d.join(format!("{wanted}.toml")),
                        );
                        ConfigError::new(&shown, reason)
                    }
                });
                return chain;
            }
        };
        let table = match toml::from_str::<toml::Table>(&source) {
            Ok(table) => table,
            Err(e) => {
                errors.push(ConfigError::from_toml(&path, &source, &e));
                return chain;
            }
        };
        let file = File {
            name: wanted.clone(),
            user,
            path,
            source,
            table,
        };
        let parent = match file.table.get("inherits") {
            None => None,
            Some(Value::String(parent)) => Some(parent.clone()),
            Some(_) => {
                errors.push(file.error(None, "inherits", "expected the name of a theme"));
                None
            }
        };
        chain.push(file);
        match parent {
            Some(parent) => wanted = parent,
            None => return chain,
        }
    }
}

/// Locates theme `name`: `(is user file, shown path, source)`.
fn find(
    name: &str,
    user_dir: Option<&Path>,
    chain: &[File],
) -> Result<(bool, PathBuf, String), String> {
    let in_chain = |user: bool| chain.iter().any(|f| f.name == name && f.user == user);
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    let mut exists = false;
    if let Some(dir) = user_dir.filter(|_| plain) {
        let path = dir.join(format!("{name}.toml"));
        if path.is_file() {
            exists = true;
            if !in_chain(true) {
                return std::fs::read_to_string(&path)
                    .map(|source| (true, path.clone(), source))
                    .map_err(|e| format!("cannot read {}: {e}", path.display()));
            }
        }
    }
    if let Some(source) = BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, s)| *s) {
        exists = true;
        if !in_chain(false) {
            return Ok((false, Theme::builtin_path(name), source.to_string()));
        }
    }
    if exists {
        let mut names: Vec<&str> = chain.iter().map(|f| f.name.as_str()).collect();
        names.push(name);
        return Err(format!("inherits cycle: {}", names.join(" → ")));
    }
    let mut known = Theme::builtin_names().join(", ");
    if let Some(dir) = user_dir {
        known = format!("{known}, or a file in {}", dir.display());
    }
    Err(format!(
        "unknown theme '{name}': built-in themes are {known}"
    ))
}

/// Merges the chain root first and resolves every style.
fn merge(
    chain: &[File],
    errors: &mut Vec<ConfigError>,
    warnings: &mut Vec<String>,
) -> HashMap<String, Style> {
    let mut palette: HashMap<String, Color> = HashMap::new();
    let mut raw: HashMap<String, (&Value, &File)> = HashMap::new();
    for file in chain.iter().rev() {
        for (key, value) in &file.table {
            let is_string = value.is_str();
            match key.as_str() {
                "name" | "inherits" if !is_string => {
                    errors.push(file.error(None, key, "expected a string"))
                }
                "palette" | "styles" if !value.is_table() => {
                    errors.push(file.error(None, key, format!("expected a [{key}] table")));
                }
                k if !TOP_LEVEL.contains(&k) => warnings.push(
                    file.error(
                        None,
                        key,
                        "unknown key, ignored: a theme has name, inherits, [palette] and [styles]",
                    )
                    .to_string(),
                ),
                _ => {}
            }
        }
        let section = |name: &str| file.table.get(name).and_then(Value::as_table);
        for (key, value) in section("palette").into_iter().flatten() {
            let parsed = value
                .as_str()
                .ok_or_else(|| "expected a colour string".to_string());
            match parsed.and_then(literal_color) {
                Ok(color) => {
                    palette.insert(key.clone(), color);
                }
                Err(reason) => errors.push(file.error(Some("palette"), key, reason)),
            }
        }
        let mut scopes = Vec::new();
        if let Some(styles) = section("styles") {
            flatten("", styles, &mut scopes);
        }
        for (scope, value) in scopes {
            if !is_known(&scope) {
                let reason = "unknown scope, never drawn (a typo? theme/scopes.rs lists them)";
                warnings.push(file.error(Some("styles"), &scope, reason).to_string());
            }
            raw.insert(scope, (value, file));
        }
    }
    let mut styles = HashMap::new();
    for (scope, (value, file)) in raw {
        match style(value, &palette) {
            Ok(s) => {
                styles.insert(scope, s);
            }
            Err(reason) => errors.push(file.error(Some("styles"), &scope, reason)),
        }
    }
    errors.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    warnings.sort();
    styles
}

/// Flattens `[styles]`, accepting nested tables of scopes (`queue.item = …`
/// written without quotes, or `[styles.queue]`) as well as quoted keys.
fn flatten<'a>(prefix: &str, table: &'a toml::Table, out: &mut Vec<(String, &'a Value)>) {
    for (key, value) in table {
        let scope = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            Value::Table(inner) if !is_style_table(inner) => flatten(&scope, inner, out),
            _ => out.push((scope, value)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Modifier;

    fn user_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, src) in files {
            std::fs::write(dir.path().join(format!("{name}.toml")), src).unwrap();
        }
        dir
    }

    fn errors_of(name: &str, dir: &Path) -> String {
        load(name, Some(dir)).unwrap_err().to_string()
    }

    #[test]
    fn palette_names_resolve_and_children_recolour_parents() {
        let dir = user_dir(&[
            (
                "base",
                "[palette]\naccent = \"red\"\n[styles]\n\"ui.title\" = { fg = \"accent\", modifiers = [\"bold\"] }\n",
            ),
            (
                "child",
                "inherits = \"base\"\n[palette]\naccent = \"#102030\"\n[styles]\n\"ui.text\" = \"accent\"\n",
            ),
        ]);
        let (styles, warnings) = load("child", Some(dir.path())).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let title = Style::default()
            .fg(Color::Rgb(0x10, 0x20, 0x30))
            .add_modifier(Modifier::BOLD);
        assert_eq!(styles["ui.title"], title);
        assert_eq!(
            styles["ui.text"],
            Style::default().fg(Color::Rgb(0x10, 0x20, 0x30))
        );
    }

    #[test]
    fn a_user_theme_can_extend_the_builtin_of_the_same_name() {
        let dir = user_dir(&[(
            "default",
            "inherits = \"default\"\n[styles]\n\"ui.text\" = \"white\"\n",
        )]);
        let (styles, _) = load("default", Some(dir.path())).unwrap();
        assert_eq!(styles["ui.text"], Style::default().fg(Color::White));
        assert!(
            styles.contains_key("network.bluesky"),
            "the rest comes from the built-in"
        );
    }

    #[test]
    fn cycles_and_unknown_parents_name_the_inherits_line() {
        let dir = user_dir(&[
            ("a", "name = \"a\"\ninherits = \"b\"\n"),
            ("b", "inherits = \"a\"\n"),
        ]);
        let err = errors_of("a", dir.path());
        assert!(
            err.contains("b.toml:1: key 'inherits': inherits cycle: a → b → a"),
            "{err}"
        );
        let dir = user_dir(&[("a", "\ninherits = \"nope\"\n")]);
        let err = errors_of("a", dir.path());
        assert!(
            err.contains("a.toml:2: key 'inherits': unknown theme 'nope'"),
            "{err}"
        );
        assert!(load("../etc/passwd", None).is_err());
    }

    #[test]
    fn every_bad_value_is_reported_and_unknown_scopes_warn() {
        let src = "name = \"t\"\ncolour = 1\n[palette]\nbad = \"#12\"\nref = \"bad\"\n[styles]\n\"ui.text\" = \"nope\"\n\"ui.title\" = { modifiers = [\"blink\"] }\n\"queue.itme\" = \"red\"\n";
        let dir = user_dir(&[("t", src)]);
        let err = errors_of("t", dir.path());
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 4, "{err}");
        assert!(
            lines[0].ends_with("t.toml:4: key 'palette.bad': bad colour '#12': expected #rrggbb")
        );
        assert!(lines[1].contains("t.toml:5: key 'palette.ref': unknown colour 'bad'"));
        assert!(lines[2].contains("t.toml:7: key 'styles.ui.text': unknown colour 'nope'"));
        assert!(lines[3].contains("t.toml:8: key 'styles.ui.title': unknown modifier 'blink'"));
        let dir = user_dir(&[("t", "colour = 1\n[styles]\n\"queue.itme\" = \"red\"\n")]);
        let (_, warnings) = load("t", Some(dir.path())).unwrap();
        assert_eq!(warnings.len(), 2);
        assert!(
            warnings[0].contains("t.toml:1: key 'colour': unknown key"),
            "{warnings:?}"
        );
        assert!(warnings[1].contains("t.toml:3: key 'styles.queue.itme': unknown scope"));
    }

    #[test]
    fn nested_scope_tables_flatten() {
        let dir = user_dir(&[(
            "t",
            "[styles]\nqueue.item = \"red\"\n[styles.notice]\nerror = { fg = \"red\" }\n",
        )]);
        let (styles, warnings) = load("t", Some(dir.path())).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(styles["queue.item"], Style::default().fg(Color::Red));
        assert_eq!(styles["notice.error"], Style::default().fg(Color::Red));
    }
}
