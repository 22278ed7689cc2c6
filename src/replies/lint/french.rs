//! The form of address in French: a brand says `vous` or `tu`, and the
//! other form is flagged.
//!
//! In `vous` mode the tu-forms are `tu`, `toi`, `te`/`t'`, `ton`, `ta`,
//! `tes` and the pronoun `le tien`…; a fix is offered where swapping the
//! word is enough (`ton` → `votre`, `tes` → `vos`, `toi` → `vous`, and
//! `te`/`t'` → `vous` after a subject such as `je`, `nous`, or after
//! `pour`, `de`, `à`). `tu` itself never gets a fix: its verb would need
//! conjugating. `ton` after an article (`le ton`, `sur un ton`) is the
//! noun, not the possessive; `tiens` alone is the verb.
//!
//! In `tu` mode, `vous`, `votre`, `vos`, `vôtre` are flagged as warnings
//! only (a plural "vous" is right), and only `vos` → `tes` has a fix.

use super::rules::{Address, Form};
use super::text::{self, Prepared};
use super::{Finding, Fix, Level};

/// Words after which `te`/`t'` is an object pronoun whose verb keeps its
/// form when it becomes `vous`.
const SWAP_AFTER: &[&str] = &[
    "je", "j", "nous", "on", "il", "elle", "ils", "elles", "pour", "de", "d", "a", "sans", "afin",
];

/// Words after which `ton` is the noun (a tone).
const NOUN_AFTER: &[&str] = &[
    "le", "un", "du", "ce", "au", "mon", "son", "bon", "meme", "quel", "notre", "leur", "d",
];

/// Verbs whose subject is `t'` ("t'as", "t'es"): no fix.
const SUBJECT_VERBS: &[&str] = &[
    "as", "es", "etais", "etait", "avais", "avait", "auras", "aurais",
];

pub(crate) fn address(rule: &Address, p: &Prepared, out: &mut Vec<Finding>) {
    let mut recent: [&str; 3] = ["", "", ""];
    let folded = p.folded.as_str();
    let mut iter = text::words(folded).peekable();
    while let Some((range, word)) = iter.next() {
        let next_word = iter.peek().map_or("", |(_, w)| *w);
        let before = text::char_before(folded, range.start);
        let after = text::char_at(folded, range.end);
        let hyphen_before = before == Some('-');
        let elided = word == "t" && after == Some('\'') && !hyphen_before;
        let found = match rule.form {
            Form::Vous if elided => {
                let span = range.start..range.end + 1;
                let fixable = swappable(&recent) && !SUBJECT_VERBS.contains(&next_word);
                Some((span, fixable.then_some("vous ")))
            }
            Form::Vous => tu_form(word, &recent, hyphen_before).map(|fix| (range.clone(), fix)),
            Form::Tu => vous_form(word).map(|fix| (range.clone(), fix)),
        };
        let in_link = p.in_link(p.original(&range).start);
        if let Some((span, fix)) = found.filter(|_| !in_link) {
            push(rule, p, span, fix, out);
        }
        recent = [recent[1], recent[2], word];
    }
}

fn swappable(recent: &[&str; 3]) -> bool {
    !recent.contains(&"tu") && recent.iter().any(|w| SWAP_AFTER.contains(w))
}

/// For a tu-form in vous mode: `Some(fix)`, where the fix may be absent.
fn tu_form(word: &str, recent: &[&str; 3], hyphen_before: bool) -> Option<Option<&'static str>> {
    let prev = recent[2];
    match word {
        "tu" => Some(None),
        "toi" => Some((!hyphen_before).then_some("vous")),
        "te" => Some((!hyphen_before && swappable(recent)).then_some("vous")),
        "ton" if NOUN_AFTER.contains(&prev) => None,
        "ton" | "ta" => Some(Some("votre")),
        "tes" => Some(Some("vos")),
        "tien" | "tienne" | "tiens" | "tiennes"
            if matches!(prev, "le" | "la" | "les" | "au" | "aux" | "du" | "des") =>
        {
            Some(Some(if word.ends_with('s') {
                "vôtres"
            } else {
                "vôtre"
            }))
        }
        _ => None,
    }
}

fn vous_form(word: &str) -> Option<Option<&'static str>> {
    match word {
        "vous" | "votre" | "votres" => Some(None),
        "vos" => Some(Some("tes")),
        _ => None,
    }
}

fn push(
    rule: &Address,
    p: &Prepared,
    folded_span: std::ops::Range<usize>,
    fix: Option<&'static str>,
    out: &mut Vec<Finding>,
) {
    let span = p.original(&folded_span);
    let found = p.text.get(span.clone()).unwrap_or_default();
    let (level, message) = match rule.form {
        Form::Vous => (
            rule.level,
            format!("\"{found}\": the brand addresses people as \"vous\""),
        ),
        Form::Tu => (
            if rule.level == Level::Info {
                Level::Info
            } else {
                Level::Warning
            },
            format!("\"{found}\": the brand says \"tu\" (fine if you mean several people)"),
        ),
    };
    let fix = fix.map(|r| {
        let replacement = text::match_case(p.text, &span, r);
        Fix {
            span: span.clone(),
            label: format!("Replace with \"{}\"", replacement.trim_end()),
            replacement,
        }
    });
    let hint = if fix.is_none() && rule.form == Form::Vous {
        " (rewrite the sentence: the verb changes too)"
    } else {
        ""
    };
    out.push(Finding {
        rule: "address",
        level,
        span,
        message: format!("{message}{hint}"),
        fix,
    });
}
