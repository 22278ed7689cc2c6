//! The registry's own checks: one row per action, unique dotted names.

use super::*;
use std::collections::HashSet;

#[test]
fn every_action_has_exactly_one_row() {
    use strum::IntoEnumIterator;
    for action in Action::iter() {
        let rows = ACTIONS.iter().filter(|s| s.action == action).count();
        assert_eq!(rows, 1, "{action:?} has {rows} registry rows");
    }
    assert_eq!(Action::iter().count(), ACTIONS.len());
}

#[test]
fn names_are_unique_dotted_and_resolve() {
    let mut names = HashSet::new();
    let mut actions = HashSet::new();
    for s in ACTIONS {
        assert!(names.insert(s.name), "duplicate name {}", s.name);
        assert!(
            actions.insert(s.action),
            "action {:?} listed twice",
            s.action
        );
        assert!(s.name.contains('.'), "{} is not dotted", s.name);
        assert_eq!(Action::from_name(s.name), Some(s.action));
        assert_eq!(s.action.name(), s.name);
        assert!(!s.modes.is_empty());
    }
}
