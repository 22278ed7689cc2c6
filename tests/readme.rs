//! The README's key table is generated from the shipped default keymap and
//! the action registry; this test fails when they drift apart. Regenerate
//! with `UPDATE_README=1 cargo test --test readme`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use guichet::action::{ACTIONS, Action, Mode};
use guichet::keymap::Keymap;

const BEGIN: &str = "<!-- keys:begin (generated from keymaps/default.toml by tests/readme.rs) -->";
const END: &str = "<!-- keys:end -->";

fn table(keymap: &Keymap) -> String {
    let mut out = String::new();
    for mode in [
        Mode::Queue,
        Mode::Detail,
        Mode::Global,
        Mode::Picker,
        Mode::Input,
        Mode::Palette,
        Mode::Help,
        Mode::Compose,
        Mode::Reports,
    ] {
        out.push_str(&format!(
            "\n**{mode}**\n\n| keys | action | what it does |\n|---|---|---|\n"
        ));
        let mut rows: Vec<(usize, Vec<String>, Action)> = Vec::new();
        for (keys, actions) in keymap.bindings(mode) {
            let Some(first) = actions.first().copied() else {
                continue;
            };
            let order = ACTIONS
                .iter()
                .position(|s| s.action == first)
                .unwrap_or(usize::MAX);
            match rows.iter_mut().find(|r| r.2 == first) {
                Some(r) => r.1.push(keys),
                None => rows.push((order, vec![keys], first)),
            }
        }
        rows.sort_by_key(|r| r.0);
        for (_, keys, action) in rows {
            let keys: Vec<String> = keys
                .iter()
                .map(|k| format!("`{}`", k.replace('|', "\\|")))
                .collect();
            out.push_str(&format!(
                "| {} | `{}` | {} |\n",
                keys.join(" "),
                action.name(),
                action.spec().desc
            ));
        }
    }
    out
}

#[test]
fn readme_key_table_matches_the_default_keymap() {
    let keymap = Keymap::load("default", None).unwrap();
    let generated = table(&keymap);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let start = readme
        .find(BEGIN)
        .expect("README has the keys:begin marker")
        + BEGIN.len();
    let end = readme.find(END).expect("README has the keys:end marker");
    let current = &readme[start..end];
    if std::env::var_os("UPDATE_README").is_some() {
        let updated = format!("{}{}\n{}", &readme[..start], generated, &readme[end..]);
        std::fs::write(path, updated).unwrap();
        return;
    }
    assert_eq!(
        current.trim(),
        generated.trim(),
        "README keys are stale: run UPDATE_README=1 cargo test --test readme"
    );
}
