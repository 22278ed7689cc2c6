//! Keymaps: which key sequences run which named actions, per [`Mode`].
//!
//! The shipped keymaps (`keymaps/default.toml`, vim-like, and
//! `keymaps/arrows.toml`) are embedded; the user's file is merged over one of
//! them key by key within each mode ([`Keymap::load`]). A lookup consults
//! the active mode, then `global`. Parsing and validation live in `load`,
//! chords in `chord`, the per-mode trie in `trie`.
//!
//! To ship another keymap, add the file to `keymaps/`, a row to [`BUILTIN`],
//! and it is picked up by the tests in `tests/config_files.rs`.

mod chord;
mod load;
mod trie;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use chord::{ChordError, KeyChord, format_sequence, parse_sequence};
pub use trie::Lookup;

use crate::action::{ACTIONS, Action, Mode};
use crate::config::error::{ConfigError, ConfigErrors};

use trie::{Trie, key_order, sort_continuations};

/// Embedded keymaps: `(name, source)`.
const BUILTIN: &[(&str, &str)] = &[
    ("default", include_str!("../../keymaps/default.toml")),
    ("arrows", include_str!("../../keymaps/arrows.toml")),
];

/// Every mode's bindings, validated against the action registry.
#[derive(Debug, Clone, Default)]
pub struct Keymap {
    modes: HashMap<Mode, Trie>,
}

impl Keymap {
    /// Names of the embedded keymaps, the first being the default.
    pub fn builtin_names() -> Vec<&'static str> {
        BUILTIN.iter().map(|(name, _)| *name).collect()
    }

    /// The source of an embedded keymap.
    pub fn builtin(name: &str) -> Option<&'static str> {
        BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, src)| *src)
    }

    /// The path shown in messages about an embedded keymap.
    pub fn builtin_path(name: &str) -> PathBuf {
        PathBuf::from(format!("keymaps/{name}.toml"))
    }

    /// Loads the embedded keymap `base` (`"default"`, `"arrows"`) with the
    /// user's file `(path, source)` merged over it. Reports every problem.
    pub fn load(base: &str, user: Option<(&Path, &str)>) -> Result<Keymap, ConfigErrors> {
        let Some(source) = Keymap::builtin(base) else {
            let reason = format!(
                "unknown keymap '{base}'; built-in keymaps are {}",
                Keymap::builtin_names().join(", ")
            );
            let file = user.map_or_else(|| PathBuf::from("config.toml"), |(p, _)| p.to_path_buf());
            return Err(ConfigErrors(vec![ConfigError::new(&file, reason)]));
        };
        let path = Keymap::builtin_path(base);
        let mut layers = vec![(path.as_path(), source)];
        layers.extend(user);
        Keymap::from_layers(&layers)
    }

    /// Builds a keymap from `(shown path, source)` layers, each merged over
    /// the previous one. [`Keymap::load`] is the usual entry point.
    pub fn from_layers(layers: &[(&Path, &str)]) -> Result<Keymap, ConfigErrors> {
        load::build(layers).map(|modes| Keymap { modes })
    }

    /// What `keys` mean in `mode`: the active mode first, then `global`.
    /// A sequence bound (or started) in the mode shadows global. In modes
    /// that take text, a printable first key never falls back to global, so
    /// `?` and `:` are typed rather than opening help or the palette.
    pub fn lookup(&self, mode: Mode, keys: &[KeyChord]) -> Lookup {
        let own = self.lookup_in(mode, keys);
        if mode == Mode::Global {
            return own;
        }
        if mode.takes_text() && keys.first().is_some_and(KeyChord::is_printable) {
            return own;
        }
        match (own, self.lookup_in(Mode::Global, keys)) {
            (Lookup::NotFound, global) => global,
            (Lookup::Pending(mut next), Lookup::Pending(global)) => {
                for (key, desc) in global {
                    if !next.iter().any(|(k, _)| *k == key) {
                        next.push((key, desc));
                    }
                }
                sort_continuations(&mut next);
                Lookup::Pending(next)
            }
            (own, _) => own,
        }
    }

    fn lookup_in(&self, mode: Mode, keys: &[KeyChord]) -> Lookup {
        self.modes
            .get(&mode)
            .map_or(Lookup::NotFound, |t| t.lookup(keys))
    }

    /// Sequences bound to exactly `action` in `mode` alone (ask `Global`
    /// separately), shortest first, so `[0]` suits a status-bar hint.
    pub fn keys_for(&self, mode: Mode, action: Action) -> Vec<String> {
        let Some(trie) = self.modes.get(&mode) else {
            return Vec::new();
        };
        let mut keys: Vec<(usize, String)> = trie
            .entries()
            .into_iter()
            .filter(|(_, actions)| *actions == [action])
            .map(|(seq, _)| (seq.len(), format_sequence(&seq)))
            .collect();
        keys.sort_by(|a, b| (a.0, a.1.len(), &a.1).cmp(&(b.0, b.1.len(), &b.1)));
        keys.into_iter().map(|(_, k)| k).collect()
    }

    /// Every binding of `mode` as `(sequence, actions)`, sorted by sequence,
    /// for the help overlay and generated documentation.
    pub fn bindings(&self, mode: Mode) -> Vec<(String, Vec<Action>)> {
        let Some(trie) = self.modes.get(&mode) else {
            return Vec::new();
        };
        let mut all: Vec<(String, Vec<Action>)> = trie
            .entries()
            .into_iter()
            .map(|(seq, actions)| (format_sequence(&seq), actions.to_vec()))
            .collect();
        all.sort_by(|a, b| key_order(&a.0, &b.0));
        all
    }

    /// Registry actions (palette-only ones aside) that no key reaches: not
    /// bound in any of their modes, nor in `global`.
    pub fn unbound_actions(&self) -> Vec<&'static str> {
        ACTIONS
            .iter()
            .filter(|spec| !spec.palette_only)
            .filter(|spec| {
                !spec
                    .modes
                    .iter()
                    .chain(&[Mode::Global])
                    .any(|m| self.modes.get(m).is_some_and(|t| t.binds(spec.action)))
            })
            .map(|spec| spec.name)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(s: &str) -> Vec<KeyChord> {
        parse_sequence(s).unwrap()
    }

    fn map(src: &str) -> Keymap {
        Keymap::from_layers(&[(Path::new("k.toml"), src)]).unwrap()
    }

    #[test]
    fn the_active_mode_shadows_global() {
        let km = map(
            "[global]\nq = \"app.quit\"\nesc = \"app.cancel\"\n[detail]\nq = \"detail.close\"\n",
        );
        assert_eq!(
            km.lookup(Mode::Detail, &keys("q")),
            Lookup::Matched(vec![Action::DetailClose])
        );
        assert_eq!(
            km.lookup(Mode::Queue, &keys("q")),
            Lookup::Matched(vec![Action::AppQuit])
        );
        assert_eq!(
            km.lookup(Mode::Detail, &keys("esc")),
            Lookup::Matched(vec![Action::AppCancel])
        );
        assert_eq!(km.lookup(Mode::Detail, &keys("x")), Lookup::NotFound);
    }

    #[test]
    fn pending_merges_mode_and_global_continuations() {
        let km = map(
            "[global]\n\"g h\" = \"app.help\"\n\"g g\" = \"app.quit\"\n[queue]\n\"g g\" = \"queue.first\"\n",
        );
        let Lookup::Pending(next) = km.lookup(Mode::Queue, &keys("g")) else {
            panic!("expected pending")
        };
        assert_eq!(
            next,
            vec![
                ("g".to_string(), "Jump to the first item".to_string()),
                (
                    "h".to_string(),
                    "Show every key for the current mode".to_string()
                )
            ]
        );
        assert_eq!(
            km.lookup(Mode::Queue, &keys("g h")),
            Lookup::Matched(vec![Action::AppHelp])
        );
    }

    #[test]
    fn text_modes_type_printable_keys_instead_of_global_ones() {
        let km = map("[global]\n\"?\" = \"app.help\"\nesc = \"app.cancel\"\n");
        assert_eq!(km.lookup(Mode::Input, &keys("?")), Lookup::NotFound);
        assert_eq!(
            km.lookup(Mode::Input, &keys("esc")),
            Lookup::Matched(vec![Action::AppCancel])
        );
        assert_eq!(
            km.lookup(Mode::Help, &keys("?")),
            Lookup::Matched(vec![Action::AppHelp])
        );
    }

    #[test]
    fn user_bindings_merge_key_by_key_and_none_unbinds() {
        let user = "[queue]\nj = \"queue.prev\"\n\"g g\" = \"none\"\nw = \"queue.first\"\n";
        let km = Keymap::load("default", Some((Path::new("user.toml"), user))).unwrap();
        assert_eq!(
            km.lookup(Mode::Queue, &keys("j")),
            Lookup::Matched(vec![Action::QueuePrev])
        );
        assert_eq!(
            km.lookup(Mode::Queue, &keys("k")),
            Lookup::Matched(vec![Action::QueuePrev])
        );
        assert_eq!(km.lookup(Mode::Queue, &keys("g g")), Lookup::NotFound);
        assert_eq!(
            km.lookup(Mode::Queue, &keys("w")),
            Lookup::Matched(vec![Action::QueueFirst])
        );
        assert_eq!(
            km.lookup(Mode::Detail, &keys("j")),
            Lookup::Matched(vec![Action::DetailScrollDown])
        );
        assert_eq!(
            km.keys_for(Mode::Queue, Action::QueueFirst),
            vec!["w", "home"]
        );
    }

    #[test]
    fn reverse_lookup_prefers_short_keys() {
        let km = Keymap::load("default", None).unwrap();
        assert_eq!(
            km.keys_for(Mode::Queue, Action::QueueNext),
            vec!["j", "down"]
        );
        assert_eq!(km.keys_for(Mode::Queue, Action::QueueFirst)[0], "home");
        assert!(km.keys_for(Mode::Queue, Action::AppHelp).is_empty());
        assert_eq!(km.keys_for(Mode::Global, Action::AppHelp), vec!["?"]);
    }

    #[test]
    fn bindings_are_sorted_and_unbound_actions_listed() {
        let km =
            map("[queue]\nk = \"queue.prev\"\nj = \"queue.next\"\n\"g g\" = \"queue.first\"\n");
        let keys: Vec<String> = km
            .bindings(Mode::Queue)
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(keys, ["g g", "j", "k"]);
        let unbound = km.unbound_actions();
        assert!(unbound.contains(&"app.quit") && !unbound.contains(&"queue.next"));
        assert!(
            !unbound.contains(&"item.copy_link"),
            "palette-only actions are not required"
        );
    }

    #[test]
    fn unknown_base_keymap_is_an_error() {
        let err = Keymap::load("emacs", None).unwrap_err();
        assert!(err.to_string().contains("unknown keymap 'emacs'"));
    }
}
