//! Every style scope the UI reads. Widgets ask the theme for these names and
//! never hold colours themselves.
//!
//! To add a scope: add it here, use it in the view, and define it in every
//! `themes/*.toml` (a test in `tests/config_files.rs` checks each shipped
//! theme defines every scope). A theme key that is neither a scope nor a
//! dotted prefix of one is reported as a warning (usually a typo).

/// The scopes, grouped by area. A missing scope falls back through its dots
/// (`queue.item.unread` → `queue.item` → `queue`), then to `ui.text`.
pub const SCOPES: &[&str] = &[
    "ui.text",
    "ui.text.dim",
    "ui.border",
    "ui.border.focused",
    "ui.title",
    "ui.selection",
    "ui.statusbar",
    "ui.statusbar.mode",
    "ui.hint.key",
    "ui.hint.desc",
    "ui.popup",
    "ui.popup.border",
    "ui.popup.title",
    "ui.match",
    "ui.tab",
    "ui.tab.active",
    "ui.warning",
    "queue.header",
    "queue.item",
    "queue.item.unread",
    "queue.item.marked",
    "queue.item.arrived",
    "queue.author",
    "queue.snippet",
    "queue.age",
    "queue.age.old",
    "queue.kind",
    "queue.tag",
    "queue.count",
    "status.new",
    "status.open",
    "status.answered",
    "status.done",
    "status.snoozed",
    "status.escalated",
    "priority.low",
    "priority.normal",
    "priority.high",
    "priority.urgent",
    "network.facebook",
    "network.instagram",
    "network.x",
    "network.youtube",
    "network.tiktok",
    "network.linkedin",
    "network.threads",
    "network.mastodon",
    "network.bluesky",
    "detail.author",
    "detail.author.us",
    "detail.meta",
    "detail.body",
    "detail.post",
    "detail.section",
    "detail.current",
    "detail.note",
    "detail.tag",
    "sidebar.view",
    "sidebar.view.active",
    "sidebar.count",
    "input.prompt",
    "input.text",
    "input.hint",
    "which_key.key",
    "which_key.desc",
    "notice.info",
    "notice.warn",
    "notice.error",
    "compose.counter",
    "compose.counter.over",
    "compose.window",
    "compose.placeholder",
    "lint.error",
    "lint.warning",
    "lint.info",
    "lint.span",
    "lint.fix",
    "shift.bar",
    "shift.count",
];

/// Scopes named after data: `queue.tag.NAME` for each tag of `tags.toml`.
pub const FAMILIES: &[&str] = &["queue.tag."];

/// True for a scope the UI reads, or a dotted prefix of one (`queue`,
/// `queue.item`), which themes may set as a fallback for a whole group, or
/// a member of a family (`queue.tag.refund`).
pub fn is_known(scope: &str) -> bool {
    if FAMILIES
        .iter()
        .any(|f| scope.strip_prefix(f).is_some_and(|name| !name.is_empty()))
    {
        return true;
    }
    SCOPES.iter().any(|s| {
        s.strip_prefix(scope)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn scopes_are_unique_and_dotted() {
        let mut seen = HashSet::new();
        for s in SCOPES {
            assert!(seen.insert(s), "{s} listed twice");
            assert!(s.contains('.'), "{s} has no area");
        }
    }

    #[test]
    fn prefixes_are_known_but_partial_words_are_not() {
        assert!(is_known("queue.item.unread"));
        assert!(is_known("queue.item"));
        assert!(is_known("queue"));
        assert!(!is_known("queue.ite"));
        assert!(!is_known("queue.item.unread.more"));
        assert!(!is_known("thread.author"));
    }
}
