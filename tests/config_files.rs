//! The shipped keymaps and themes load cleanly and are complete, and every
//! bad fixture fails with the message a user would need.
//!
//! To add a bad case, create `tests/fixtures/bad_keymap_<what>/keymap.toml`
//! (loaded over the default keymap) or `tests/fixtures/bad_theme_<what>/theme.toml`
//! (loaded as theme "theme" with that directory as the user theme folder; other
//! `.toml` files there are themes it may inherit), plus an `expected.txt`
//! whose every non-empty line must appear in the error.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use guichet::action::Mode;
use guichet::keymap::{Keymap, Lookup, parse_sequence};
use guichet::theme::{SCOPES, Theme};
use ratatui::style::Modifier;

#[test]
fn shipped_keymaps_load_and_bind_every_action() {
    for name in Keymap::builtin_names() {
        let keymap = Keymap::load(name, None).unwrap_or_else(|e| panic!("keymap {name}:\n{e}"));
        let unbound = keymap.unbound_actions();
        assert!(
            unbound.is_empty(),
            "keymap {name} leaves unbound: {unbound:?}"
        );
    }
}

#[test]
fn shipped_keymaps_keep_the_essentials_on_the_usual_keys() {
    for name in Keymap::builtin_names() {
        let keymap = Keymap::load(name, None).unwrap_or_else(|e| panic!("{e}"));
        for (mode, keys) in [
            (Mode::Queue, "down"),
            (Mode::Queue, "up"),
            (Mode::Queue, "enter"),
            (Mode::Queue, "ctrl-c"),
            (Mode::Detail, "esc"),
            (Mode::Input, "enter"),
            (Mode::Palette, "enter"),
            (Mode::Picker, "enter"),
        ] {
            let keys = parse_sequence(keys).unwrap_or_else(|e| panic!("{e}"));
            let found = keymap.lookup(mode, &keys);
            assert!(
                matches!(found, Lookup::Matched(_)),
                "{name}: {mode} {keys:?} gives {found:?}"
            );
        }
        for mode in [Mode::Input, Mode::Palette, Mode::Picker] {
            let typed = parse_sequence("q").unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                keymap.lookup(mode, &typed),
                Lookup::NotFound,
                "{name}: q is typed in {mode}"
            );
        }
    }
}

#[test]
fn shipped_themes_load_without_warnings() {
    for name in Theme::builtin_names() {
        let (theme, warnings) =
            Theme::load(name, None).unwrap_or_else(|e| panic!("theme {name}:\n{e}"));
        assert!(warnings.is_empty(), "theme {name} warns: {warnings:#?}");
        assert_eq!(theme.name(), *name);
        let selection = theme.style("ui.selection");
        let highlights =
            selection.bg.is_some() || selection.add_modifier.contains(Modifier::REVERSED);
        assert!(
            highlights,
            "{name}: ui.selection needs a background or reversed video"
        );
    }
}

#[test]
fn shipped_themes_define_every_scope() {
    for name in Theme::builtin_names() {
        let defined = defined_scopes(name);
        let missing: Vec<&str> = SCOPES
            .iter()
            .copied()
            .filter(|s| !defined.contains(*s))
            .collect();
        assert!(
            missing.is_empty(),
            "theme {name} does not define {missing:?}"
        );
    }
}

/// Style keys written in a shipped theme's file, plus those it inherits.
fn defined_scopes(name: &str) -> HashSet<String> {
    let source = Theme::builtin(name).unwrap_or_else(|| panic!("no built-in theme {name}"));
    let table: toml::Table = toml::from_str(source).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut scopes: HashSet<String> = table
        .get("styles")
        .and_then(toml::Value::as_table)
        .map(|styles| styles.keys().cloned().collect())
        .unwrap_or_default();
    if let Some(parent) = table.get("inherits").and_then(toml::Value::as_str) {
        scopes.extend(defined_scopes(parent));
    }
    scopes
}

#[test]
fn bad_fixtures_fail_with_the_expected_message() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut dirs: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            path.is_dir() && (name.starts_with("bad_keymap_") || name.starts_with("bad_theme_"))
        })
        .collect();
    dirs.sort();
    assert!(
        dirs.len() >= 10,
        "expected the bad keymap and theme fixtures, found {dirs:?}"
    );
    for dir in dirs {
        let expected = fs::read_to_string(dir.join("expected.txt"))
            .unwrap_or_else(|e| panic!("{}: expected.txt: {e}", dir.display()));
        let message = error_for(&dir);
        for line in expected.lines().map(str::trim).filter(|l| !l.is_empty()) {
            assert!(
                message.contains(line),
                "{}: the error should contain\n  {line}\nbut was\n  {message}",
                dir.display()
            );
        }
    }
}

/// The error loading a fixture directory produces; panics if it loads.
fn error_for(dir: &Path) -> String {
    let keymap = dir.join("keymap.toml");
    if keymap.is_file() {
        let source = fs::read_to_string(&keymap).unwrap_or_else(|e| panic!("{e}"));
        return match Keymap::load("default", Some((&keymap, &source))) {
            Ok(_) => panic!("{} loaded without error", keymap.display()),
            Err(e) => e.to_string(),
        };
    }
    assert!(
        dir.join("theme.toml").is_file(),
        "{}: needs keymap.toml or theme.toml",
        dir.display()
    );
    match Theme::load("theme", Some(dir)) {
        Ok(_) => panic!("{}/theme.toml loaded without error", dir.display()),
        Err(e) => e.to_string(),
    }
}
