//! Configuration errors that a person can act on: every one names the file,
//! the line when we can find it, and the key.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in one configuration file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub key: Option<String>,
    pub reason: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(key) = &self.key {
            write!(f, ": key '{key}'")?;
        }
        write!(f, ": {}", self.reason)
    }
}

impl ConfigError {
    pub fn new(file: &Path, reason: impl Into<String>) -> ConfigError {
        ConfigError {
            file: file.to_path_buf(),
            line: None,
            key: None,
            reason: reason.into(),
        }
    }

    pub fn at_key(
        file: &Path,
        source: &str,
        section: Option<&str>,
        key: &str,
        reason: impl Into<String>,
    ) -> ConfigError {
        let shown = match section {
            Some(s) => format!("{s}.{key}"),
            None => key.to_string(),
        };
        ConfigError {
            file: file.to_path_buf(),
            line: locate(source, section, key),
            key: Some(shown),
            reason: reason.into(),
        }
    }

    /// Converts a TOML parse or type error, keeping its line.
    pub fn from_toml(file: &Path, source: &str, err: &toml::de::Error) -> ConfigError {
        let line = err.span().map(|span| line_of(source, span.start));
        let key = err
            .span()
            .and_then(|span| source.get(span.clone()))
            .map(|s| s.trim().trim_matches('"').to_string())
            .filter(|s| !s.is_empty() && s.len() < 60 && !s.contains('\n'));
        ConfigError {
            file: file.to_path_buf(),
            line,
            key,
            reason: err.message().trim().to_string(),
        }
    }
}

/// 1-based line number of a byte offset.
pub fn line_of(source: &str, offset: usize) -> usize {
    let end = offset.min(source.len());
    source.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Finds the line where `key` is defined, inside `[section]` when given.
/// A text search is enough for the flat files we ship and read.
pub fn locate(source: &str, section: Option<&str>, key: &str) -> Option<usize> {
    let mut in_section = section.is_none();
    for (i, raw) in source.lines().enumerate() {
        let line = raw.trim();
        if line.starts_with('[') {
            let name = line
                .trim_start_matches('[')
                .trim_end_matches(']')
                .trim()
                .trim_matches('"');
            in_section = section.is_some_and(|s| s == name);
            continue;
        }
        if !in_section {
            continue;
        }
        let Some((lhs, _)) = line.split_once('=') else {
            continue;
        };
        let lhs = lhs.trim();
        let unquoted = lhs.trim_matches('"').trim_matches('\'');
        if unquoted == key {
            return Some(i + 1);
        }
    }
    None
}

/// Several problems found at once (doctor and start-up print them all).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_keys_in_sections() {
        let src = "a = 1\n[queue]\n\"j\" = \"queue.next\"\n[detail]\nj = \"detail.scroll_down\"\n";
        assert_eq!(locate(src, Some("queue"), "j"), Some(3));
        assert_eq!(locate(src, Some("detail"), "j"), Some(5));
        assert_eq!(locate(src, None, "a"), Some(1));
        assert_eq!(locate(src, Some("help"), "j"), None);
    }

    #[test]
    fn toml_errors_keep_the_line() {
        let src = "name = \"x\"\n\nbroken = = 3\n";
        let err = toml::from_str::<toml::Table>(src).unwrap_err();
        let e = ConfigError::from_toml(Path::new("t.toml"), src, &err);
        assert_eq!(e.line, Some(3));
        assert!(e.to_string().starts_with("t.toml:3"));
    }
}
