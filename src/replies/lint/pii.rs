//! Personal data in public replies: phone numbers (French and `+`
//! international formats), e-mail addresses, IBANs (only when the mod-97
//! checksum holds, so a long reference is not mistaken for one) and order
//! numbers matching the brand's patterns. Only run when the reply is
//! public; the fix is to move the conversation to a private message, so
//! there is no text fix.
//!
//! The brand's own phone numbers and addresses (`allow`) pass, as do
//! e-mail addresses at one of the brand's allowed link domains.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::Finding;
use super::rules::{Links, PersonalData};
use super::text::{self, Prepared};
use crate::pii::{EMAIL, PHONE_FR, PHONE_INTL};

fn compile(pattern: &str) -> Option<Regex> {
    Regex::new(pattern).ok()
}

static IBAN: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(r"(?i)[A-Z]{2}[0-9]{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?")
});

pub(crate) fn check(
    rule: &PersonalData,
    links: Option<&Links>,
    p: &Prepared,
    out: &mut Vec<Finding>,
) {
    let t = p.text;
    let mut taken: Vec<Range<usize>> = Vec::new();
    let mut report = |span: Range<usize>, what: &str, taken: &mut Vec<Range<usize>>| {
        if taken
            .iter()
            .any(|r| r.start < span.end && span.start < r.end)
        {
            return;
        }
        taken.push(span.clone());
        out.push(Finding {
            rule: "personal-data",
            level: rule.level,
            span,
            message: format!(
                "{what} in a public reply: move the conversation to a private message"
            ),
            fix: None,
        });
    };
    for span in ibans(t) {
        report(span, "an IBAN", &mut taken);
    }
    for re in &rule.order_patterns {
        for m in re.find_iter(t) {
            if !m.is_empty() {
                report(m.range(), "an order number", &mut taken);
            }
        }
    }
    if let Some(re) = EMAIL.as_ref() {
        for m in re.find_iter(t) {
            let address = m.as_str().to_lowercase();
            let domain = address.rsplit('@').next().unwrap_or_default();
            let own =
                rule.allow_emails.contains(&address) || links.is_some_and(|l| l.allows(domain));
            if !own && !glued(t, &m.range()) {
                report(m.range(), "an e-mail address", &mut taken);
            }
        }
    }
    for re in [PHONE_FR.as_ref(), PHONE_INTL.as_ref()]
        .into_iter()
        .flatten()
    {
        for m in re.find_iter(t) {
            let digits = phone_digits(m.as_str());
            let plausible = (8..=15).contains(&digits.len());
            let own = rule.allow_digits.contains(&digits);
            let in_link = p.in_link(m.start());
            if plausible && !own && !in_link && !glued(t, &m.range()) {
                report(m.range(), "a phone number", &mut taken);
            }
        }
    }
}

/// A match glued to a letter or digit is part of something else.
fn glued(t: &str, r: &Range<usize>) -> bool {
    text::char_before(t, r.start).is_some_and(char::is_alphanumeric)
        || text::char_at(t, r.end).is_some_and(char::is_alphanumeric)
}

/// A phone number's digits, in the national French form when it is one
/// (`+33 6…` and `0033 6…` become `06…`), to compare with the allow list.
pub(crate) fn phone_digits(s: &str) -> String {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    let national = |rest: &str| {
        let rest = rest.strip_prefix('0').unwrap_or(rest);
        format!("0{rest}")
    };
    if let Some(rest) = digits.strip_prefix("0033") {
        national(rest)
    } else if s.trim_start().starts_with('+')
        && let Some(rest) = digits.strip_prefix("33")
    {
        national(rest)
    } else {
        digits
    }
}

/// IBAN candidates whose checksum holds. A candidate may have swallowed a
/// following word ("… 189 MERCI"), so shorter versions, cut at a space,
/// are tried too.
fn ibans(t: &str) -> Vec<Range<usize>> {
    let Some(re) = IBAN.as_ref() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for m in re.find_iter(t) {
        if text::char_before(t, m.start()).is_some_and(char::is_alphanumeric) {
            continue;
        }
        let s = m.as_str();
        // Cut only where a word was swallowed, so that an invalid number is
        // not shortened until a checksum happens to hold.
        let mut ends: Vec<usize> = vec![s.len()];
        ends.extend(
            s.char_indices()
                .rev()
                .filter(|&(i, c)| c == ' ' && s[i..].contains(|c: char| c.is_ascii_alphabetic()))
                .map(|(i, _)| i),
        );
        let valid = ends.into_iter().find(|&end| {
            let candidate = s.get(..end).unwrap_or_default();
            let after = text::char_at(t, m.start() + end);
            !after.is_some_and(char::is_alphanumeric) && iban_valid(candidate)
        });
        if let Some(end) = valid {
            out.push(m.start()..m.start() + end);
        }
    }
    out
}

/// ISO 13616 check: 15 to 34 characters, country letters, check digits,
/// and the rearranged number is 1 modulo 97.
pub(crate) fn iban_valid(s: &str) -> bool {
    let compact: Vec<u8> = s
        .bytes()
        .filter(|b| *b != b' ')
        .map(|b| b.to_ascii_uppercase())
        .collect();
    if !(15..=34).contains(&compact.len())
        || !compact.iter().all(u8::is_ascii_alphanumeric)
        || !compact[..2].iter().all(u8::is_ascii_uppercase)
        || !compact[2..4].iter().all(u8::is_ascii_digit)
    {
        return false;
    }
    let mut rem: u32 = 0;
    for &b in compact[4..].iter().chain(&compact[..4]) {
        let value = if b.is_ascii_digit() {
            u32::from(b - b'0')
        } else {
            u32::from(b - b'A') + 10
        };
        rem = if value >= 10 {
            (rem * 100 + value) % 97
        } else {
            (rem * 10 + value) % 97
        };
    }
    rem == 1
}
