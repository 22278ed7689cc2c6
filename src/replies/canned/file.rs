//! Reading one reply file: TOML fields into a [`Canned`], and the checks
//! that must fail at load time rather than in front of a customer (unknown
//! variables, template syntax, unknown networks), each placed on its line.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::template::{self, FUNCTIONS, VARIABLES};
use super::{Canned, ReplyKind, Scope};
use crate::config::ConfigError;
use crate::config::error::line_of;
use crate::model::Network;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReply {
    name: Option<String>,
    title: String,
    category: Option<String>,
    lang: String,
    #[serde(default)]
    networks: Vec<String>,
    #[serde(default)]
    tags: Vec<String>,
    kind: Option<String>,
    body: Spanned<String>,
    #[serde(default)]
    variants: BTreeMap<String, Spanned<String>>,
}

/// Parses and checks one reply file; every problem found is returned.
pub(crate) fn parse(file: &Path, source: &str, scope: Scope) -> Result<Canned, Vec<ConfigError>> {
    let raw: RawReply =
        toml::from_str(source).map_err(|e| vec![ConfigError::from_toml(file, source, &e)])?;
    let mut errors = Vec::new();
    let at = |key: &str, reason: String| ConfigError::at_key(file, source, None, key, reason);

    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = raw.name.clone().unwrap_or(stem).trim().to_string();
    if name.is_empty() || name.chars().any(char::is_whitespace) {
        errors.push(at(
            "name",
            format!("reply name '{name}' must be one word (letters, digits, - or _)"),
        ));
    }
    if raw.title.trim().is_empty() {
        errors.push(at("title", "title is empty".into()));
    }
    let lang = raw.lang.trim().to_ascii_lowercase();
    let lang_ok = (2..=3).contains(&lang.len()) && lang.chars().all(|c| c.is_ascii_lowercase());
    if !lang_ok {
        errors.push(at(
            "lang",
            format!(
                "'{}' is not a language code (expected e.g. \"fr\")",
                raw.lang
            ),
        ));
    }
    let mut networks = Vec::new();
    for n in &raw.networks {
        match n.parse::<Network>() {
            Ok(n) => networks.push(n),
            Err(reason) => errors.push(at("networks", reason)),
        }
    }
    let kind = match raw.kind.as_deref().map(str::trim) {
        None => None,
        Some("dm") => Some(ReplyKind::Dm),
        Some("public") => Some(ReplyKind::Public),
        Some(other) => {
            errors.push(at(
                "kind",
                format!("unknown kind '{other}' (expected \"dm\" or \"public\")"),
            ));
            None
        }
    };

    let mut lines = BTreeMap::new();
    lines.insert("body".to_string(), content_line(source, raw.body.span()));
    errors.extend(check_template(file, source, "body", &raw.body));
    let mut variants = BTreeMap::new();
    for (key, text) in &raw.variants {
        let shown = format!("variants.{key}");
        match key.parse::<Network>() {
            Ok(n) if !networks.is_empty() && !networks.contains(&n) => {
                errors.push(ConfigError::at_key(
                    file,
                    source,
                    Some("variants"),
                    key,
                    format!("a variant for {n}, but `networks` does not list it"),
                ));
            }
            Ok(n) => {
                lines.insert(n.as_str().to_string(), content_line(source, text.span()));
                variants.insert(n, text.get_ref().clone());
            }
            Err(reason) => {
                errors.push(ConfigError::at_key(
                    file,
                    source,
                    Some("variants"),
                    key,
                    reason,
                ));
            }
        }
        errors.extend(check_template(file, source, &shown, text));
    }

    if !errors.is_empty() {
        return Err(errors);
    }
    let tags = raw
        .tags
        .iter()
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
        .collect();
    let category = raw
        .category
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| "general".to_string());
    let canned = Canned {
        name,
        title: raw.title.trim().to_string(),
        category,
        lang,
        networks,
        tags,
        kind,
        scope,
        file: file.to_path_buf(),
        overrides: None,
        body: raw.body.into_inner(),
        variants,
        lines,
    };
    let errors = trial_render(&canned);
    if errors.is_empty() {
        Ok(canned)
    } else {
        Err(errors)
    }
}

/// Renders the reply for a sample item on each network it claims, so
/// run-time template errors (an unknown filter, `one_of()` with nothing)
/// show at load time rather than in the composer.
fn trial_render(canned: &Canned) -> Vec<ConfigError> {
    let networks = if canned.networks.is_empty() {
        Network::ALL.to_vec()
    } else {
        canned.networks.clone()
    };
    let vars = super::context::sample_vars();
    let mut errors: Vec<ConfigError> = Vec::new();
    for network in networks {
        let item = super::context::sample_item(network, canned.kind);
        if let Err(e) = canned.render(&item, &vars, 0) {
            let (line, reason) = match e {
                super::RenderError::Template { line, reason, .. } => (line, reason),
                other => (None, other.to_string()),
            };
            let key = match canned.variants.contains_key(&network) {
                true => format!("variants.{network}"),
                false => "body".to_string(),
            };
            let error = ConfigError {
                file: canned.file.clone(),
                line,
                key: Some(key),
                reason,
            };
            if !errors.contains(&error) {
                errors.push(error);
            }
        }
    }
    errors
}

/// Syntax errors and unknown variables of one template, on their lines.
fn check_template(
    file: &Path,
    source: &str,
    key: &str,
    text: &Spanned<String>,
) -> Vec<ConfigError> {
    let env = template::check_environment();
    let span = text.span();
    let error = |line: usize, reason: String| ConfigError {
        file: file.to_path_buf(),
        line: Some(line),
        key: Some(key.to_string()),
        reason,
    };
    let tpl = match env.template_from_str(text.get_ref()) {
        Ok(t) => t,
        Err(e) => {
            let line = template_line(source, span, text.get_ref(), e.line().unwrap_or(1));
            let reason = format!("template error: {}", template::describe(&e));
            return vec![error(line, reason)];
        }
    };
    let globals: Vec<String> = env.globals().map(|(n, _)| n.to_string()).collect();
    let mut unknown: Vec<String> = tpl
        .undeclared_variables(false)
        .into_iter()
        .filter(|v| !VARIABLES.contains(&v.as_str()) && !globals.contains(v))
        .collect();
    unknown.sort();
    unknown
        .into_iter()
        .map(|var| {
            let hint = closest(&var)
                .map(|k| format!("; did you mean '{k}'?"))
                .unwrap_or_default();
            let reason = format!(
                "unknown variable '{var}'{hint} (known: {}; functions: {})",
                VARIABLES.join(", "),
                FUNCTIONS.join(", ")
            );
            error(var_line(source, span.clone(), &var), reason)
        })
        .collect()
}

/// The known variable a misspelt one probably meant.
fn closest(var: &str) -> Option<&'static str> {
    VARIABLES
        .into_iter()
        .chain(FUNCTIONS)
        .map(|k| (super::rank::distance(var, k), k))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, k)| k)
}

/// Line where the string's content starts: a `"""` followed by a newline
/// starts on the next line (TOML drops that newline).
pub(crate) fn content_line(source: &str, span: Range<usize>) -> usize {
    let start = line_of(source, span.start);
    let raw = source.get(span).unwrap_or_default();
    let multi = raw.starts_with("\"\"\"") || raw.starts_with("'''");
    let after = raw.get(3..).unwrap_or_default();
    if multi && (after.starts_with('\n') || after.starts_with("\r\n")) {
        start + 1
    } else {
        start
    }
}

/// File line of template line `n` (1-based). Escapes can shift lines, so
/// the template line's own text is looked for in the file first.
fn template_line(source: &str, span: Range<usize>, text: &str, n: usize) -> usize {
    let wanted = text
        .lines()
        .nth(n.saturating_sub(1))
        .unwrap_or_default()
        .trim();
    let raw = source.get(span.clone()).unwrap_or_default();
    let unique = wanted.len() >= 3 && raw.matches(wanted).count() == 1;
    if let Some(pos) = raw.find(wanted).filter(|_| unique) {
        return line_of(source, span.start + pos);
    }
    content_line(source, span) + n.saturating_sub(1)
}

/// File line of the first `{{ … }}` or `{% … %}` using `var`.
fn var_line(source: &str, span: Range<usize>, var: &str) -> usize {
    let raw = source.get(span.clone()).unwrap_or_default();
    let mut from = 0;
    while let Some(open) = raw
        .get(from..)
        .and_then(|r| r.find(['{']))
        .map(|i| from + i)
    {
        let tag = raw.get(open..open + 2).unwrap_or_default();
        if tag != "{{" && tag != "{%" {
            from = open + 1;
            continue;
        }
        let close_mark = if tag == "{{" { "}}" } else { "%}" };
        let end = raw
            .get(open..)
            .and_then(|r| r.find(close_mark))
            .map_or(raw.len(), |i| open + i);
        let inside = raw.get(open..end).unwrap_or_default();
        if let Some(pos) = word_at(inside, var) {
            return line_of(source, span.start + open + pos);
        }
        from = end.max(open + 1);
    }
    content_line(source, span)
}

/// Byte offset of `word` in `text` as a whole identifier.
fn word_at(text: &str, word: &str) -> Option<usize> {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).map(|(i, _)| i).find(|&i| {
        let before = text.get(..i).and_then(|s| s.chars().next_back());
        let after = text.get(i + word.len()..).and_then(|s| s.chars().next());
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}
