//! Text from the internet is hostile: this module makes it safe to draw and
//! measures it by display width.
//!
//! [`sanitize`] removes escape sequences, control characters and bidi
//! overrides before anything reaches the terminal. [`truncate`], [`pad`] and
//! [`wrap`] work on display columns (unicode-width) and grapheme clusters
//! (unicode-segmentation), so emoji, CJK and combining marks never break the
//! alignment or get split in half.

use std::borrow::Cow;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Characters that reorder or hide text: bidi embeddings, overrides and
/// isolates, plus invisible separators that are only useful to deceive.
fn is_deceptive(c: char) -> bool {
    matches!(c,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}'
        | '\u{061C}' | '\u{2028}' | '\u{2029}' | '\u{FEFF}' | '\u{00AD}')
}

/// Strips escape sequences (CSI, OSC, and lone ESC), C0/C1 control
/// characters and bidi controls. Newlines survive when `keep_newlines` is set;
/// tabs become a space. Zero-width joiners are kept (emoji families need them).
pub fn sanitize(input: &str, keep_newlines: bool) -> Cow<'_, str> {
    let clean = input
        .chars()
        .all(|c| !(c.is_control() || is_deceptive(c)) || (keep_newlines && c == '\n'));
    if clean {
        return Cow::Borrowed(input);
    }
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // C1 CSI / OSC introducers carry a sequence just like ESC [ and ESC ].
            '\u{9b}' => skip_until_final(&mut chars),
            '\u{9d}' => skip_until_st(&mut chars),
            '\n' if keep_newlines => out.push('\n'),
            '\n' | '\t' => out.push(' '),
            '\r' => {}
            c if c.is_control() || is_deceptive(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.peek() {
        Some('[') => {
            chars.next();
            skip_until_final(chars);
        }
        Some(']') | Some('P') | Some('X') | Some('^') | Some('_') => {
            chars.next();
            skip_until_st(chars);
        }
        Some(_) => {
            // Two-character escape (ESC c, ESC 7 …): drop the next char too.
            chars.next();
        }
        None => {}
    }
}

/// CSI parameters end at a byte in 0x40..=0x7E.
fn skip_until_final(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            break;
        }
    }
}

/// OSC/DCS strings end at BEL or ESC \ (string terminator).
fn skip_until_st(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        if c == '\u{7}' || c == '\u{9c}' {
            break;
        }
        if c == '\u{1b}' {
            if chars.peek() == Some(&'\\') {
                chars.next();
            }
            break;
        }
    }
}

/// Sanitized text on one line: newlines and runs of blanks fold to one space.
pub fn one_line(input: &str) -> String {
    let clean = sanitize(input, false);
    let mut out = String::with_capacity(clean.len());
    let mut last_space = true;
    for c in clean.chars() {
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// At most `max_chars` characters of `s` (on a char boundary), and how
/// many were left out. Bounds the work done on huge hostile inputs.
pub fn prefix(s: &str, max_chars: usize) -> (&str, usize) {
    match s.char_indices().nth(max_chars) {
        Some((i, _)) => (&s[..i], s[i..].chars().count()),
        None => (s, 0),
    }
}

/// Display width in terminal columns.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Cuts `s` to at most `max` columns, ending with `…` when it was cut. Never
/// splits a grapheme cluster.
pub fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    if width(s) <= max {
        return Cow::Borrowed(s);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let mut out = String::new();
    let mut used = 0;
    for g in s.graphemes(true) {
        let w = width(g);
        if used + w > max - 1 {
            break;
        }
        out.push_str(g);
        used += w;
    }
    out.push('…');
    Cow::Owned(out)
}

/// Truncates then pads with spaces to exactly `cols` columns.
pub fn pad(s: &str, cols: usize) -> String {
    let cut = truncate(s, cols);
    let w = width(&cut);
    let mut out = cut.into_owned();
    out.extend(std::iter::repeat_n(' ', cols.saturating_sub(w)));
    out
}

/// Wraps sanitized text to `cols` columns: breaks at spaces when it can, and
/// inside a word (by grapheme) when a single word is wider than the line.
pub fn wrap(s: &str, cols: usize) -> Vec<String> {
    let cols = cols.max(1);
    let mut lines = Vec::new();
    for para in sanitize(s, true).split('\n') {
        let mut line = String::new();
        let mut used = 0;
        for word in para.split(' ').filter(|w| !w.is_empty()) {
            let ww = width(word);
            let gap = usize::from(used > 0);
            if used + gap + ww <= cols {
                if gap == 1 {
                    line.push(' ');
                }
                line.push_str(word);
                used += gap + ww;
                continue;
            }
            if used > 0 {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            if ww <= cols {
                line.push_str(word);
                used = ww;
                continue;
            }
            for g in word.graphemes(true) {
                let gw = width(g);
                if used + gw > cols && used > 0 {
                    lines.push(std::mem::take(&mut line));
                    used = 0;
                }
                line.push_str(g);
                used += gw;
            }
        }
        lines.push(line);
    }
    lines
}

/// Plain text from the small HTML some networks send (Mastodon `content`):
/// paragraphs and `<br>` become newlines, other tags go, entities decode.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&decode_entities(&rest[..lt]));
        let Some(gt) = rest[lt..].find('>') else {
            out.push_str(&decode_entities(&rest[lt..]));
            rest = "";
            break;
        };
        let tag = rest[lt + 1..lt + gt].trim().to_ascii_lowercase();
        if tag.starts_with("br") {
            out.push('\n');
        } else if tag == "/p" {
            out.push_str("\n\n");
        }
        rest = &rest[lt + gt + 1..];
    }
    out.push_str(&decode_entities(rest));
    out.trim_end().to_string()
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        let Some(semi) = after.find(';').filter(|i| *i <= 10) else {
            out.push('&');
            rest = &after[1..];
            continue;
        };
        let name = &after[1..semi];
        let decoded = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            _ => name
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &after[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Lowercased, accent-insensitive form used by text search.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(&mut out, s);
    out
}

/// [`fold`], appended to `out` (one allocation for several fields).
pub fn fold_into(out: &mut String, s: &str) {
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        for l in c.to_lowercase() {
            out.push(strip_accent(l));
        }
    }
}

fn strip_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_escapes_controls_and_bidi() {
        let hostile = "ok\u{1b}[31mred\u{1b}[0m \u{1b}]0;pwned\u{7}title \u{202e}evil\u{0007}\r\n";
        let clean = sanitize(hostile, false);
        assert_eq!(clean, "okred title evil ");
        assert!(!clean.chars().any(|c| c.is_control()));
        let osc_st = sanitize("a\u{1b}]8;;http://x\u{1b}\\b", false);
        assert_eq!(osc_st, "ab");
        let c1 = sanitize("a\u{9b}2Jb", false);
        assert_eq!(c1, "ab");
    }

    #[test]
    fn keeps_clean_text_borrowed_and_newlines_when_asked() {
        assert!(matches!(sanitize("plain é 😀", false), Cow::Borrowed(_)));
        assert_eq!(sanitize("a\nb", true), "a\nb");
        assert_eq!(one_line("  a \n\n b\tc  "), "a b c");
    }

    #[test]
    fn truncation_respects_width_and_graphemes() {
        let family = "👨‍👩‍👧 famille";
        for max in 0..12 {
            let t = truncate(family, max);
            assert!(width(&t) <= max, "{max}: {t}");
        }
        let cjk = "日本語のテキスト";
        let t = truncate(cjk, 7);
        assert!(width(&t) <= 7);
        assert!(t.ends_with('…'));
        let accent = "e\u{301}e\u{301}e\u{301}";
        let t = truncate(accent, 2);
        assert_eq!(t, "e\u{301}…");
        assert_eq!(width(&pad("日本", 6)), 6);
    }

    #[test]
    fn wrap_breaks_words_and_long_urls() {
        let lines = wrap("bonjour le monde entier", 10);
        assert_eq!(lines, vec!["bonjour le", "monde", "entier"]);
        let url = format!("https://example.com/{}", "a".repeat(50));
        let lines = wrap(&url, 20);
        assert!(lines.iter().all(|l| width(l) <= 20));
        assert_eq!(lines.concat(), url);
        assert_eq!(wrap("a\n\nb", 5), vec!["a", "", "b"]);
    }

    #[test]
    fn html_becomes_plain_text() {
        let html = "<p><span class=\"h-card\"><a href=\"x\">@<span>cafe</span></a></span> open &amp; ready?</p><p>line<br>two &#233;t&#xE9; &bogus; a&b</p>";
        assert_eq!(
            html_to_text(html),
            "@cafe open & ready?\n\nline\ntwo été &bogus; a&b"
        );
        assert_eq!(html_to_text("no tags"), "no tags");
        assert_eq!(html_to_text("broken <b"), "broken <b");
    }

    #[test]
    fn prefix_cuts_on_char_boundaries() {
        assert_eq!(prefix("héllo", 2), ("hé", 3));
        assert_eq!(prefix("abc", 10), ("abc", 0));
    }

    #[test]
    fn fold_is_case_and_accent_insensitive() {
        assert_eq!(fold("Délai LIVRAISON"), "delai livraison");
    }
}
