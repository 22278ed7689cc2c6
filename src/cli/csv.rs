//! Minimal RFC 4180 CSV writing (no csv crate yet): a field is quoted when it
//! holds a comma, a quote, a line break or surrounding blanks, and inner
//! quotes are doubled. Records end with CRLF as the RFC asks.

use std::borrow::Cow;
use std::io::{self, Write};

/// One field, quoted only when needed.
pub fn field(s: &str) -> Cow<'_, str> {
    let needs_quotes = s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ');
    if !needs_quotes {
        return Cow::Borrowed(s);
    }
    Cow::Owned(format!("\"{}\"", s.replace('"', "\"\"")))
}

/// A text cell a spreadsheet will not run as a formula: one starting with
/// `=`, `+`, `-`, `@` (or a tab or carriage return, which some spreadsheets
/// skip first) gets a leading apostrophe. Customer text is hostile.
pub fn guard(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Writes one record.
pub fn record<S: AsRef<str>>(out: &mut dyn Write, fields: &[S]) -> io::Result<()> {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(field(f.as_ref()).as_bytes())?;
    }
    out.write_all(b"\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field(""), "");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field(" padded"), "\" padded\"");
        assert_eq!(field("émoji 🎉"), "émoji 🎉");
    }

    #[test]
    fn formulas_are_made_inert() {
        assert_eq!(
            guard("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(guard("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(guard("-2+3"), "'-2+3");
        assert_eq!(guard("bonjour"), "bonjour");
    }

    #[test]
    fn records_end_with_crlf() {
        let mut out = Vec::new();
        record(&mut out, &["id", "a,b", "\"q\""]).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "id,\"a,b\",\"\"\"q\"\"\"\r\n"
        );
    }
}
