//! Word-list rules: forbidden words and phrases, competitor names, and the
//! required greeting and sign-off. Matching is on the folded text, so it
//! ignores case and accents and treats `’` as `'`, on whole words only.

use std::ops::Range;

use super::rules::{Competitors, Expected, Forbidden};
use super::text::{self, Prepared};
use super::{Finding, Fix};

pub(crate) fn forbidden(rule: &Forbidden, p: &Prepared, out: &mut Vec<Finding>) {
    let mut taken: Vec<Range<usize>> = Vec::new();
    for phrase in &rule.phrases {
        p.find_word(&phrase.folded, |span| {
            if taken
                .iter()
                .any(|t| t.start < span.end && span.start < t.end)
                || p.in_link(span.start)
            {
                return;
            }
            taken.push(span.clone());
            let found = p.text.get(span.clone()).unwrap_or_default();
            let (fix_span, replacement, label) = if phrase.replacement.is_empty() {
                let (fix_span, r) = deletion(p.text, &span);
                (fix_span, r, format!("Delete \"{found}\""))
            } else {
                let r = text::match_case(p.text, &span, &phrase.replacement);
                let label = format!("Replace with \"{r}\"");
                (span.clone(), r, label)
            };
            let message = if phrase.replacement.is_empty() {
                format!("\"{found}\" is not in the brand's vocabulary")
            } else {
                format!(
                    "\"{found}\" is not in the brand's vocabulary: write \"{}\"",
                    phrase.replacement
                )
            };
            let fix = Fix {
                span: fix_span,
                replacement,
                label,
            };
            out.push(Finding {
                rule: "forbidden-word",
                level: rule.level,
                span,
                message,
                fix: Some(fix),
            });
        });
    }
}

/// Deleting a word takes a comma and blanks after it along ("Hélas, le
/// stock" → "le stock"), or else the blank before it, so no double space
/// or stray comma is left; at a sentence start the next word gets its
/// capital ("Le stock").
fn deletion(t: &str, span: &Range<usize>) -> (Range<usize>, String) {
    let rest = t.get(span.end..).unwrap_or_default();
    let after_comma = rest.trim_start_matches(' ');
    let after_comma = after_comma.strip_prefix(',').unwrap_or(rest);
    let next = after_comma.trim_start_matches([' ', '\u{A0}', '\u{202F}']);
    let end = t.len() - next.len();
    if end == span.end {
        let start = match text::char_before(t, span.start) {
            Some(' ') => span.start - 1,
            _ => span.start,
        };
        return (start..end, String::new());
    }
    match text::char_at(t, end) {
        Some(c) if c.is_lowercase() && text::sentence_start(t, span.start) => {
            (span.start..end + c.len_utf8(), c.to_uppercase().collect())
        }
        _ => (span.start..end, String::new()),
    }
}

pub(crate) fn competitors(rule: &Competitors, p: &Prepared, out: &mut Vec<Finding>) {
    for name in &rule.names {
        p.find_word(&name.folded, |span| {
            if p.in_link(span.start) {
                return;
            }
            out.push(Finding {
                rule: "competitor",
                level: rule.level,
                span,
                message: format!(
                    "mentions the competitor {}: the brand does not name competitors",
                    name.shown
                ),
                fix: None,
            });
        });
    }
}

/// Where the reply's own words start: after leading blanks and @mentions.
fn body_start(text: &str) -> usize {
    let mut at = 0;
    loop {
        let rest = text.get(at..).unwrap_or_default();
        let trimmed = rest.trim_start();
        at += rest.len() - trimmed.len();
        if !trimmed.starts_with('@') {
            return at;
        }
        let end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
        at += end;
        if end == trimmed.len() {
            return at;
        }
    }
}

pub(crate) fn greeting(rule: &Expected, p: &Prepared, out: &mut Vec<Finding>) {
    let start = body_start(p.text);
    let body = p.text.get(start..).unwrap_or_default();
    let longest = rule
        .shown
        .iter()
        .map(|s| s.chars().count())
        .max()
        .unwrap_or(0);
    // Twice the length: decomposed accents take two chars.
    let folded = text::fold(first_chars(body, 2 * longest + 2));
    let greeted = rule.folded.iter().any(|g| {
        folded.starts_with(g.as_str())
            && !folded[g.len()..]
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric)
    });
    if greeted {
        return;
    }
    let Some(first) = rule.shown.first() else {
        return;
    };
    let replacement = if body.is_empty() {
        format!("{first}, ")
    } else {
        format!("{first},\n")
    };
    let end = text::char_at(p.text, start).map_or(start, |c| start + c.len_utf8());
    out.push(Finding {
        rule: "greeting",
        level: rule.level,
        span: start..end,
        message: format!(
            "the reply should open with a greeting ({})",
            list(&rule.shown)
        ),
        fix: Some(Fix {
            span: start..start,
            replacement,
            label: format!("Insert \"{first}\""),
        }),
    });
}

/// The first `n` chars of `body`, enough to hold any greeting.
fn first_chars(body: &str, n: usize) -> &str {
    let end = body.char_indices().nth(n).map_or(body.len(), |(i, _)| i);
    body.get(..end).unwrap_or_default()
}

pub(crate) fn signoff(rule: &Expected, p: &Prepared, out: &mut Vec<Finding>) {
    let content_end = p.text.trim_end().len();
    let body = p
        .text
        .get(..content_end)
        .unwrap_or_default()
        .trim_end_matches(|c: char| {
            c.is_whitespace() || matches!(c, '.' | '!' | '?' | '…' | ',') || is_symbol(c)
        });
    let longest = rule
        .shown
        .iter()
        .map(|s| s.chars().count())
        .max()
        .unwrap_or(0);
    let tail_start = body
        .char_indices()
        .rev()
        .nth(2 * longest + 1)
        .map_or(0, |(i, _)| i);
    let tail = text::fold(body.get(tail_start..).unwrap_or_default());
    let signed = rule.folded.iter().any(|s| {
        tail.ends_with(s.as_str())
            && !tail[..tail.len() - s.len()]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
    });
    if signed {
        return;
    }
    let Some(first) = rule.shown.first() else {
        return;
    };
    let at = p.text.len();
    let span_start =
        text::char_before(p.text, content_end).map_or(content_end, |c| content_end - c.len_utf8());
    let replacement = if content_end == 0 {
        first.clone()
    } else {
        format!("\n{first}")
    };
    out.push(Finding {
        rule: "signoff",
        level: rule.level,
        span: span_start..content_end,
        message: format!(
            "the reply should end with a sign-off ({})",
            list(&rule.shown)
        ),
        fix: Some(Fix {
            span: content_end..at,
            replacement,
            label: format!("Append \"{first}\""),
        }),
    });
}

/// Emoji and other symbols a sign-off may be followed by.
fn is_symbol(c: char) -> bool {
    !c.is_alphanumeric() && !c.is_ascii() && !c.is_whitespace() && c != '’'
}

fn list(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ")
}
