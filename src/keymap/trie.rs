//! The per-mode trie of key sequences and what a lookup in it returns.
//!
//! A node holds the actions bound to the sequence that reaches it, and its
//! children are the chords that continue a longer sequence. Loading rejects
//! a sequence that is a prefix of another, so in a loaded keymap a node has
//! actions or children, never both; if it had, the actions would win.
//! [`Lookup::Pending`] carries the continuations ready for the which-key
//! popup. Merging the active mode with `global` lives in `keymap::Keymap`.

use std::cmp::Ordering;
use std::collections::HashMap;

use crate::action::Action;

use super::chord::KeyChord;

/// What the keys typed so far mean in a mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// A complete binding: run these actions in order.
    Matched(Vec<Action>),
    /// A prefix of longer bindings: `(next chord, description)` for each
    /// continuation, sorted by chord. The description is the action's, or
    /// `+N more` when the continuation is itself a prefix.
    Pending(Vec<(String, String)>),
    /// Nothing starts with these keys: drop them (or type them as text).
    NotFound,
}

/// Sequences of one mode.
#[derive(Debug, Clone, Default)]
pub struct Trie {
    root: Node,
}

#[derive(Debug, Clone, Default)]
struct Node {
    actions: Option<Vec<Action>>,
    children: HashMap<KeyChord, Node>,
}

impl Trie {
    /// Binds `seq`, replacing whatever was bound to exactly that sequence.
    pub fn insert(&mut self, seq: &[KeyChord], actions: Vec<Action>) {
        let mut node = &mut self.root;
        for chord in seq {
            node = node.children.entry(*chord).or_default();
        }
        node.actions = Some(actions);
    }

    /// What `keys` mean here. Empty keys list every first chord.
    pub fn lookup(&self, keys: &[KeyChord]) -> Lookup {
        let mut node = &self.root;
        for chord in keys {
            match node.children.get(chord) {
                Some(next) => node = next,
                None => return Lookup::NotFound,
            }
        }
        if let Some(actions) = &node.actions {
            return Lookup::Matched(actions.clone());
        }
        if node.children.is_empty() {
            return Lookup::NotFound;
        }
        let mut next: Vec<(String, String)> = node
            .children
            .iter()
            .map(|(chord, child)| (chord.to_string(), child.label()))
            .collect();
        sort_continuations(&mut next);
        Lookup::Pending(next)
    }

    /// Every binding as `(sequence, actions)`, in no particular order.
    pub fn entries(&self) -> Vec<(Vec<KeyChord>, &[Action])> {
        let mut out = Vec::new();
        let mut path = Vec::new();
        self.root.collect(&mut path, &mut out);
        out
    }

    /// True when some binding runs `action`, alone or in a list.
    pub fn binds(&self, action: Action) -> bool {
        self.root.binds(action)
    }
}

impl Node {
    fn label(&self) -> String {
        match &self.actions {
            Some(actions) => describe(actions),
            None => format!("+{} more", self.leaf_count()),
        }
    }

    fn leaf_count(&self) -> usize {
        usize::from(self.actions.is_some())
            + self.children.values().map(Node::leaf_count).sum::<usize>()
    }

    fn collect<'a>(
        &'a self,
        path: &mut Vec<KeyChord>,
        out: &mut Vec<(Vec<KeyChord>, &'a [Action])>,
    ) {
        if let Some(actions) = &self.actions {
            out.push((path.clone(), actions.as_slice()));
        }
        for (chord, child) in &self.children {
            path.push(*chord);
            child.collect(path, out);
            path.pop();
        }
    }

    fn binds(&self, action: Action) -> bool {
        self.actions.as_ref().is_some_and(|a| a.contains(&action))
            || self.children.values().any(|c| c.binds(action))
    }
}

/// The which-key text for a binding: the description, or several joined.
pub fn describe(actions: &[Action]) -> String {
    actions
        .iter()
        .map(|a| a.spec().desc)
        .collect::<Vec<_>>()
        .join(", then ")
}

/// Sorts continuations by chord, see [`key_order`].
pub fn sort_continuations(next: &mut [(String, String)]) {
    next.sort_by(|a, b| key_order(&a.0, &b.0));
}

/// Orders key texts case-insensitively (`g` next to `G`), then exactly.
pub fn key_order(a: &str, b: &str) -> Ordering {
    a.to_lowercase()
        .cmp(&b.to_lowercase())
        .then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keymap::chord::parse_sequence;

    fn trie(bindings: &[(&str, &[Action])]) -> Trie {
        let mut t = Trie::default();
        for (seq, actions) in bindings {
            t.insert(&parse_sequence(seq).unwrap(), actions.to_vec());
        }
        t
    }

    fn keys(s: &str) -> Vec<KeyChord> {
        parse_sequence(s).unwrap()
    }

    #[test]
    fn matched_pending_and_not_found() {
        let t = trie(&[
            ("j", &[Action::QueueNext]),
            ("g g", &[Action::QueueFirst]),
            ("z 1", &[Action::ItemSnooze1h]),
            ("z 3", &[Action::ItemSnooze3h]),
        ]);
        assert_eq!(
            t.lookup(&keys("j")),
            Lookup::Matched(vec![Action::QueueNext])
        );
        assert_eq!(
            t.lookup(&keys("g g")),
            Lookup::Matched(vec![Action::QueueFirst])
        );
        assert_eq!(
            t.lookup(&keys("z")),
            Lookup::Pending(vec![
                ("1".into(), "Snooze for one hour".into()),
                ("3".into(), "Snooze for three hours".into()),
            ])
        );
        assert_eq!(t.lookup(&keys("x")), Lookup::NotFound);
        assert_eq!(t.lookup(&keys("g x")), Lookup::NotFound);
        assert_eq!(t.lookup(&keys("j j")), Lookup::NotFound);
    }

    #[test]
    fn deeper_prefixes_are_summarised() {
        let t = trie(&[
            ("g g", &[Action::QueueFirst]),
            ("g z a", &[Action::QueueLast]),
            ("g z b", &[Action::QueueNext]),
        ]);
        let Lookup::Pending(next) = t.lookup(&keys("g")) else {
            panic!("expected pending")
        };
        assert_eq!(next[1], ("z".to_string(), "+2 more".to_string()));
        let Lookup::Pending(top) = t.lookup(&[]) else {
            panic!("expected pending")
        };
        assert_eq!(top, vec![("g".to_string(), "+3 more".to_string())]);
    }

    #[test]
    fn lists_are_described_in_order_and_rebinding_replaces() {
        let mut t = trie(&[("r", &[Action::QueueOpen, Action::ItemNote])]);
        assert!(t.binds(Action::ItemNote));
        let Lookup::Pending(next) = t.lookup(&[]) else {
            panic!("expected pending")
        };
        assert_eq!(
            next[0].1,
            "Open the item with its thread and author, then Add an internal note"
        );
        t.insert(&keys("r"), vec![Action::QueueNext]);
        assert!(!t.binds(Action::ItemNote));
        assert_eq!(t.entries().len(), 1);
    }

    #[test]
    fn continuations_sort_case_insensitively() {
        let mut next = vec![
            ("b".to_string(), String::new()),
            ("G".to_string(), String::new()),
            ("g".to_string(), String::new()),
            ("a".to_string(), String::new()),
        ];
        sort_continuations(&mut next);
        let order: Vec<&str> = next.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(order, ["a", "b", "G", "g"]);
    }
}
