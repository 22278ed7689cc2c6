//! Patterns for personal data in free text, shared by the reply linter
//! (personal data in a public reply) and the moderation rules (a comment
//! with an e-mail address or a phone number): e-mail addresses and phone
//! numbers in French, `+` international and North American formats. Each
//! caller filters the raw matches its own way (handles, links, the brand's
//! own numbers). Compiled once; a pattern that failed to compile (the tests
//! compile them all) matches nothing rather than panicking.

use std::sync::LazyLock;

use regex::Regex;

fn compile(pattern: &str) -> Option<Regex> {
    Regex::new(pattern).ok()
}

pub static EMAIL: LazyLock<Option<Regex>> =
    LazyLock::new(|| compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"));

/// `06 12 34 56 78`, `+33 6 12 34 56 78`, `0033 (0)6…`.
pub static PHONE_FR: LazyLock<Option<Regex>> =
    LazyLock::new(|| compile(r"(?:(?:\+|00)33[ .-]?(?:\(0\)[ .-]?)?|0)[1-9](?:[ .-]?[0-9]{2}){4}"));

/// `+44 20 7946 0958` and other `+` numbers.
pub static PHONE_INTL: LazyLock<Option<Regex>> =
    LazyLock::new(|| compile(r"\+[1-9][0-9]{0,2}(?:[ .-]?\(?[0-9]{1,4}\)?){2,6}"));

/// North American numbers: `(514) 555-0199`, `514-555-0199`.
pub static PHONE_NA: LazyLock<Option<Regex>> =
    LazyLock::new(|| compile(r"\(?(?-u:\b)[2-9][0-9]{2}\)?[ .-][0-9]{3}[ .-][0-9]{4}(?-u:\b)"));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles_and_finds_its_examples() {
        let find = |re: &LazyLock<Option<Regex>>, text: &str| {
            re.as_ref()
                .and_then(|r| r.find(text))
                .map(|m| m.as_str().to_string())
        };
        assert_eq!(
            find(&EMAIL, "écrivez à sav@atelier-lumen.fr."),
            Some("sav@atelier-lumen.fr".into())
        );
        assert_eq!(
            find(&PHONE_FR, "au 06 12 34 56 78 !"),
            Some("06 12 34 56 78".into())
        );
        assert_eq!(
            find(&PHONE_INTL, "call +44 20 7946 0958"),
            Some("+44 20 7946 0958".into())
        );
        assert_eq!(
            find(&PHONE_NA, "(514) 555-0199"),
            Some("(514) 555-0199".into())
        );
        assert_eq!(find(&PHONE_FR, "commande 123456"), None);
    }
}
