//! Form rules: unfilled placeholders, length per network, emoji policy,
//! allowed link domains, ALL-CAPS shouting and exclamation marks.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use super::rules::{Emoji, Exclamation, Length, Links, Shouting};
use super::text::{self, Prepared};
use super::{Context, Finding, Fix, Level};
use crate::model::Kind;
use crate::networks::count;

pub(crate) fn placeholders(t: &str, out: &mut Vec<Finding>) {
    if !t.contains("[[") {
        return;
    }
    for p in crate::replies::placeholder::find(t) {
        out.push(Finding {
            rule: "placeholder",
            level: Level::Error,
            span: p.span,
            message: format!("placeholder \"{}\" is not filled in", p.label),
            fix: None,
        });
    }
}

/// The network's own limit (always an error) and the brand's stricter
/// maximum, if any.
pub(crate) fn length(rule: Option<&Length>, t: &str, ctx: &Context, out: &mut Vec<Finding>) {
    let kind = if ctx.public {
        ctx.kind
    } else {
        Kind::DirectMessage
    };
    let counted = count::count_for(ctx.network, kind, t);
    let network = ctx.network;
    if let Some(problem) = counted.problem() {
        let from = if counted.used > counted.limit {
            overflow_at(t, |prefix| {
                count::count_for(network, kind, prefix).used <= counted.limit
            })
        } else {
            0
        };
        out.push(Finding {
            rule: "length",
            level: Level::Error,
            span: from..t.len(),
            message: format!("too long for {network}: {problem}"),
            fix: None,
        });
        return;
    }
    let Some(rule) = rule else { return };
    let Some(&(_, max)) = rule.max.iter().find(|(n, _)| *n == network) else {
        return;
    };
    if counted.used > max {
        out.push(Finding {
            rule: "length",
            level: rule.level,
            span: overflow_at(t, |prefix| {
                count::count_for(network, kind, prefix).used <= max
            })..t.len(),
            message: format!(
                "{}/{max} characters: the brand keeps {network} replies under {max}",
                counted.used
            ),
            fix: None,
        });
    }
}

/// The end of the longest prefix that still `fits`, on a char boundary
/// (a binary search: only run when the whole text does not fit).
fn overflow_at(t: &str, fits: impl Fn(&str) -> bool) -> usize {
    let (mut lo, mut hi) = (0, t.len());
    while lo < hi {
        let mut mid = lo + (hi - lo).div_ceil(2);
        while !t.is_char_boundary(mid) {
            mid += 1;
        }
        if fits(t.get(..mid).unwrap_or_default()) {
            lo = mid;
        } else {
            hi = mid - text::char_before(t, mid).map_or(mid - lo, char::len_utf8);
        }
    }
    lo
}

pub(crate) fn emoji(rule: &Emoji, p: &Prepared, out: &mut Vec<Finding>) {
    let mut seen = 0;
    for (at, cluster) in p.text.grapheme_indices(true) {
        if cluster.is_ascii() || !text::is_emoji(cluster) {
            continue;
        }
        seen += 1;
        let message = match &rule.allowed {
            Some(set) if !set.contains(&text::normalize_emoji(cluster)) => {
                if set.is_empty() {
                    format!("{cluster}: the brand uses no emoji")
                } else {
                    let set = set.join(" ");
                    format!("{cluster} is not one of the brand's emoji ({set})")
                }
            }
            _ => match rule.max.filter(|max| seen > *max) {
                Some(max) => format!("{cluster}: at most {max} emoji per reply"),
                None => continue,
            },
        };
        let span = at..at + cluster.len();
        out.push(Finding {
            rule: "emoji",
            level: rule.level,
            fix: Some(Fix {
                span: removal(p.text, &span),
                replacement: String::new(),
                label: format!("Remove {cluster}"),
            }),
            span,
            message,
        });
    }
}

/// The span that removes `span` and one blank before it (or after it at
/// the start of the text), so no double space is left.
fn removal(t: &str, span: &Range<usize>) -> Range<usize> {
    if text::char_before(t, span.start) == Some(' ') {
        span.start - 1..span.end
    } else if text::char_at(t, span.end) == Some(' ') {
        span.start..span.end + 1
    } else {
        span.clone()
    }
}

pub(crate) fn links(rule: &Links, p: &Prepared, out: &mut Vec<Finding>) {
    for link in &p.links {
        let shown = p.text.get(link.clone()).unwrap_or_default();
        let host = text::host(shown);
        if rule.allows(&host) {
            continue;
        }
        out.push(Finding {
            rule: "link-domain",
            level: rule.level,
            span: link.clone(),
            message: format!(
                "link to {host}: the brand only links to {}",
                rule.domains.join(", ")
            ),
            fix: None,
        });
    }
}

pub(crate) fn shouting(rule: &Shouting, p: &Prepared, out: &mut Vec<Finding>) {
    let t = p.text;
    // The current run: its span, counted words, and whether one is long.
    let mut run: Option<(Range<usize>, usize, bool)> = None;
    let flush = |run: &mut Option<(Range<usize>, usize, bool)>, out: &mut Vec<Finding>| {
        if let Some((span, words, long)) = run.take()
            && (long || words >= rule.min_run)
            && words > 0
        {
            out.push(shout_finding(rule, t, span));
        }
    };
    let mut last_end = 0;
    for (range, word) in text::words(t) {
        let gap = t.get(last_end..range.start).unwrap_or_default();
        last_end = range.end;
        if gap.contains('\n') || p.in_link(range.start) {
            flush(&mut run, out);
        }
        if p.in_link(range.start) {
            continue;
        }
        let letters = word.chars().filter(|c| c.is_alphabetic()).count();
        // Numbers, #hashtags and @handles neither shout nor end a run.
        let tagged = text::char_before(t, range.start).is_some_and(|c| c == '#' || c == '@');
        if letters == 0 || tagged {
            continue;
        }
        if word.chars().any(char::is_lowercase) {
            flush(&mut run, out);
            continue;
        }
        let acronym = rule.acronyms.iter().any(|a| a == word);
        let counted = usize::from(!acronym);
        let long = !acronym && letters >= rule.min_letters;
        run = Some(match run.take() {
            Some((span, n, l)) => (span.start..range.end, n + counted, l || long),
            None => (range, counted, long),
        });
    }
    flush(&mut run, out);
}

fn shout_finding(rule: &Shouting, t: &str, span: Range<usize>) -> Finding {
    let shown = t.get(span.clone()).unwrap_or_default();
    let mut replacement = String::with_capacity(shown.len());
    let mut last = 0;
    for (range, word) in text::words(shown) {
        replacement.push_str(shown.get(last..range.start).unwrap_or_default());
        last = range.end;
        let absolute = span.start + range.start;
        if rule.acronyms.iter().any(|a| a == word) || word == "I" {
            replacement.push_str(word);
        } else if text::sentence_start(t, absolute) {
            replacement.push_str(&text::capitalize(&word.to_lowercase()));
        } else {
            replacement.push_str(&word.to_lowercase());
        }
    }
    replacement.push_str(shown.get(last..).unwrap_or_default());
    Finding {
        rule: "shouting",
        level: rule.level,
        message: "written in capitals: it reads as shouting".to_string(),
        fix: Some(Fix {
            span: span.clone(),
            label: format!("Write \"{replacement}\""),
            replacement,
        }),
        span,
    }
}

pub(crate) fn exclamation(rule: &Exclamation, p: &Prepared, out: &mut Vec<Finding>) {
    let t = p.text;
    let bytes = t.as_bytes();
    let mut marks = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'!' || p.in_link(i) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i] == b'!' {
            i += 1;
        }
        marks += 1;
        if marks > rule.max {
            let before = t.get(..start).unwrap_or_default();
            let from = before.trim_end_matches([' ', '\u{A0}', '\u{202F}']).len();
            let s = if rule.max == 1 { "" } else { "s" };
            out.push(Finding {
                rule: "exclamation",
                level: rule.level,
                span: start..i,
                message: format!("at most {} exclamation mark{s} per reply", rule.max),
                fix: Some(Fix {
                    span: from..i,
                    replacement: ".".to_string(),
                    label: "Replace with \".\"".to_string(),
                }),
            });
        } else if i - start > 1 {
            out.push(Finding {
                rule: "exclamation",
                level: rule.level,
                span: start..i,
                message: "one exclamation mark is enough".to_string(),
                fix: Some(Fix {
                    span: start..i,
                    replacement: "!".to_string(),
                    label: "Keep one \"!\"".to_string(),
                }),
            });
        }
    }
}
