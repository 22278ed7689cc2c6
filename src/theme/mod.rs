//! Themes: named styles for every semantic scope the UI draws
//! (`queue.item.unread`, `notice.error`, `network.bluesky`), resolved in one
//! place with dotted fallback. Widgets never hold colours.
//!
//! The shipped themes (`themes/*.toml`) are embedded; a user file
//! `<user_dir>/<name>.toml` overrides the built-in of the same name and may
//! `inherits` another theme. Loading lives in `load`, value parsing in
//! `value`, the list of scopes in [`scopes`].
//!
//! To ship another theme, add the file to `themes/` and a row to
//! [`BUILTIN`]; `tests/config_files.rs` then checks it defines every scope.

mod load;
pub mod scopes;
mod value;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ratatui::style::Style;

use crate::config::error::ConfigErrors;

pub use scopes::SCOPES;
pub use value::MODIFIERS;

/// Embedded themes: `(name, source)`, the first being the default.
const BUILTIN: &[(&str, &str)] = &[
    ("default", include_str!("../../themes/default.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
];

const BUILTIN_NAMES: &[&str] = &["default", "light", "high-contrast"];

/// Resolved styles by scope.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    name: String,
    styles: HashMap<String, Style>,
}

impl Theme {
    /// Names of the embedded themes.
    pub fn builtin_names() -> &'static [&'static str] {
        BUILTIN_NAMES
    }

    /// The source of an embedded theme.
    pub fn builtin(name: &str) -> Option<&'static str> {
        BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, src)| *src)
    }

    /// The path shown in messages about an embedded theme.
    pub fn builtin_path(name: &str) -> PathBuf {
        PathBuf::from(format!("themes/{name}.toml"))
    }

    /// Loads theme `name`: `<user_dir>/<name>.toml` if it exists, else the
    /// built-in one, following `inherits`. Returns the warnings (unknown
    /// scopes and keys, each naming file and line) alongside the theme, and
    /// every error at once.
    pub fn load(name: &str, user_dir: Option<&Path>) -> Result<(Theme, Vec<String>), ConfigErrors> {
        let (styles, warnings) = load::load(name, user_dir)?;
        Ok((
            Theme {
                name: name.to_string(),
                styles,
            },
            warnings,
        ))
    }

    /// An empty theme: every scope draws with the terminal's colours.
    pub fn plain() -> Theme {
        Theme {
            name: "plain".to_string(),
            styles: HashMap::new(),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The style for `scope`, falling back through its dots
    /// (`queue.item.unread` → `queue.item` → `queue`), then to `ui.text`,
    /// then to the terminal default. Allocation-free: it runs per span.
    pub fn style(&self, scope: &str) -> Style {
        let mut scope = scope;
        loop {
            if let Some(style) = self.styles.get(scope) {
                return *style;
            }
            match scope.rsplit_once('.') {
                Some((parent, _)) => scope = parent,
                None => break,
            }
        }
        self.styles.get("ui.text").copied().unwrap_or_default()
    }

    /// The styles of `scopes` patched in order, for composed states:
    /// `compose(&["queue.item", "queue.item.unread", "ui.selection"])`.
    pub fn compose(&self, scopes: &[&str]) -> Style {
        scopes
            .iter()
            .fold(Style::default(), |acc, s| acc.patch(self.style(s)))
    }
}

impl Default for Theme {
    /// The built-in default theme (tested to load cleanly); plain if it
    /// somehow did not.
    fn default() -> Theme {
        Theme::load(BUILTIN_NAMES[0], None).map_or_else(|_| Theme::plain(), |(theme, _)| theme)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Color, Modifier};

    fn theme(styles: &[(&str, Style)]) -> Theme {
        let styles = styles.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        Theme {
            name: "t".into(),
            styles,
        }
    }

    #[test]
    fn scopes_fall_back_through_their_dots_then_to_text() {
        let red = Style::default().fg(Color::Red);
        let bold = Style::default().add_modifier(Modifier::BOLD);
        let text = Style::default().fg(Color::White);
        let t = theme(&[
            ("queue", red),
            ("queue.item.unread", bold),
            ("ui.text", text),
        ]);
        assert_eq!(t.style("queue.item.unread"), bold);
        assert_eq!(t.style("queue.item.marked"), red);
        assert_eq!(t.style("queue"), red);
        assert_eq!(t.style("detail.body"), text);
        assert_eq!(t.style("nothing"), text);
        assert_eq!(Theme::plain().style("ui.text"), Style::default());
    }

    #[test]
    fn selection_patches_over_the_item_style() {
        let t = theme(&[
            ("queue.item", Style::default().fg(Color::White)),
            ("ui.selection", Style::default().bg(Color::Blue)),
        ]);
        assert_eq!(
            t.compose(&["queue.item", "ui.selection"]),
            Style::default().fg(Color::White).bg(Color::Blue)
        );
        let shipped = Theme::default();
        let sel = shipped.style("ui.selection");
        assert!(
            sel.bg.is_some(),
            "ui.selection must be a background highlight"
        );
    }

    #[test]
    fn builtin_names_match_the_embedded_files() {
        let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, Theme::builtin_names());
        assert_eq!(Theme::default().name(), "default");
        assert!(Theme::builtin("light").is_some());
        assert!(Theme::builtin("nope").is_none());
    }
}
