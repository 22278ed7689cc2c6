//! French typography: a non-breaking space before `? ! : ;` and `»`, and
//! after `«`. Either U+00A0 or the narrow U+202F is accepted; fixes use
//! the narrow one before `? ! ;` and U+00A0 before `:` and inside « »,
//! as French printers do.
//!
//! Left alone: links (`https://`, `www.`), e-mail-like text inside links,
//! times and ratios (`10:30`, `16:9`), emoticons (`:)`, `;-)`, `:D`),
//! the second mark of a run (`?!`, `!!`), and a mark at the start of a
//! line.

use super::rules::Typography;
use super::text::{self, Prepared};
use super::{Finding, Fix};

const NARROW: char = '\u{202F}';
const NBSP: char = '\u{A0}';

pub(crate) fn check(rule: &Typography, p: &Prepared, out: &mut Vec<Finding>) {
    let t = p.text;
    for (i, c) in t.char_indices() {
        if !matches!(c, '?' | '!' | ':' | ';' | '«' | '»') || p.in_link(i) {
            continue;
        }
        if matches!(c, ':' | ';') && (is_emoticon(t, i + 1) || between_digits(t, i)) {
            continue;
        }
        let finding = if c == '«' {
            after_opening(t, i)
        } else {
            before_mark(t, i, c)
        };
        if let Some((span, replacement)) = finding {
            let space = if matches!(c, '?' | '!' | ';') {
                "narrow "
            } else {
                ""
            };
            out.push(Finding {
                rule: "typography",
                level: rule.level,
                message: format!(
                    "French typography: a {space}non-breaking space goes {} \"{c}\"",
                    if c == '«' { "after" } else { "before" }
                ),
                fix: Some(Fix {
                    span: span.clone(),
                    replacement,
                    label: format!("Use a {space}non-breaking space"),
                }),
                span,
            });
        }
    }
}

fn nbsp_for(c: char) -> char {
    if matches!(c, '?' | '!' | ';') {
        NARROW
    } else {
        NBSP
    }
}

/// The span to fix and its replacement when the space before `c` (at `i`)
/// is wrong.
fn before_mark(t: &str, i: usize, c: char) -> Option<(std::ops::Range<usize>, String)> {
    let prev = text::char_before(t, i)?;
    if prev == NBSP || prev == NARROW {
        return None;
    }
    if is_blank(prev) {
        let before = t.get(..i).unwrap_or_default();
        let start = before.trim_end_matches(is_blank).len();
        let line_start = text::char_before(t, start).is_none_or(|c| c == '\n');
        if line_start || text::char_before(t, start).is_some_and(|c| c == NBSP || c == NARROW) {
            return None;
        }
        return Some((start..i, nbsp_for(c).to_string()));
    }
    let glued = text::is_word_char(prev)
        || matches!(prev, ')' | '»' | '"' | '’')
        || (!prev.is_ascii() && !prev.is_whitespace() && !matches!(prev, '…' | '«'));
    if !glued {
        return None;
    }
    let mut replacement = String::with_capacity(8);
    replacement.push(nbsp_for(c));
    replacement.push(c);
    Some((i..i + c.len_utf8(), replacement))
}

fn after_opening(t: &str, i: usize) -> Option<(std::ops::Range<usize>, String)> {
    let from = i + '«'.len_utf8();
    let next = text::char_at(t, from)?;
    if next == NBSP || next == NARROW || next == '\n' {
        return None;
    }
    if is_blank(next) {
        let rest = t.get(from..).unwrap_or_default();
        let end = from + (rest.len() - rest.trim_start_matches(is_blank).len());
        return Some((from..end, NBSP.to_string()));
    }
    let mut replacement = String::from('«');
    replacement.push(NBSP);
    Some((i..from, replacement))
}

/// A breaking blank on the same line (a space, a tab, a thin space…).
fn is_blank(c: char) -> bool {
    c.is_whitespace() && !matches!(c, '\n' | '\r' | NBSP | NARROW)
}

fn between_digits(t: &str, i: usize) -> bool {
    text::char_before(t, i).is_some_and(|c| c.is_ascii_digit())
        && text::char_at(t, i + 1).is_some_and(|c| c.is_ascii_digit())
}

/// Whether an emoticon's eyes (`:` or `;`) end just before `at`: an
/// optional nose or tear, then a mouth not followed by a letter.
fn is_emoticon(t: &str, at: usize) -> bool {
    let mut at = at;
    if let Some(c) = text::char_at(t, at).filter(|c| matches!(c, '-' | '\'' | 'o')) {
        let next = text::char_at(t, at + 1);
        if c != 'o' || next.is_some_and(|n| matches!(n, ')' | '(')) {
            at += 1;
        }
    }
    let Some(mouth) = text::char_at(t, at) else {
        return false;
    };
    let after = text::char_at(t, at + mouth.len_utf8());
    match mouth {
        ')' | '(' | '/' | '|' | '*' | ']' | '[' | '\\' | '$' => {
            !(mouth == '(' && after.is_some_and(text::is_word_char))
        }
        'D' | 'P' | 'p' | 'O' | 'o' | '3' | 'x' | 'X' => !after.is_some_and(text::is_word_char),
        _ => false,
    }
}
