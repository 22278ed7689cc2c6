//! Finding URLs and Fediverse mentions in reply text, as byte ranges.
//!
//! The counters in `count.rs` need them (X and Mastodon count a URL as 23
//! characters, Mastodon counts `@user@domain` as `@user`; Threads allows at
//! most 5 links) and the Bluesky connector will need the same byte ranges
//! for link facets (§9: facets use UTF-8 byte offsets).
//!
//! The rules follow twitter-text, which both X and Mastodon use, closely
//! enough to never under-count by much: a URL may not follow a letter, digit,
//! `@`, `$` or `#`; it runs over URL characters (ASCII, Latin accents,
//! Cyrillic, as twitter-text allows in paths) and drops trailing punctuation
//! and unbalanced `)`. To add a top-level domain that X links without a
//! scheme, add it to [`GENERIC_TLDS`] or [`COUNTRY_TLDS`].

use std::ops::Range;

/// gTLDs linked without `https://` on X (a common subset of twitter-text's list).
pub const GENERIC_TLDS: &[&str] = &[
    "com", "net", "org", "info", "biz", "edu", "gov", "app", "dev", "shop", "store", "online",
    "site", "xyz", "blog", "news", "tech",
];

/// ccTLDs linked without a scheme, unless the domain is one or two letters
/// with no subdomain and no path (twitter-text's short-domain rule).
pub const COUNTRY_TLDS: &[&str] = &[
    "io", "co", "fr", "de", "uk", "eu", "ca", "us", "es", "it", "nl", "be", "ch", "jp", "me", "tv",
    "ly", "ai",
];

/// `http://` and `https://` URLs, in order.
pub fn scheme_urls(text: &str) -> Vec<Range<usize>> {
    let lower = text.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(pos) = lower[from..].find("http").map(|p| p + from) {
        from = pos + 4;
        let rest = &lower[pos..];
        let scheme = if rest.starts_with("https://") {
            8
        } else if rest.starts_with("http://") {
            7
        } else {
            continue;
        };
        if !may_start_url(text, pos, false) {
            continue;
        }
        let host_start = pos + scheme;
        if !text[host_start..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric)
        {
            continue;
        }
        let end = url_end(text, host_start);
        found.push(pos..end);
        from = end;
    }
    found
}

/// Scheme URLs plus bare domains like `cafelumen.com/menu`, as X counts them.
pub fn x_urls(text: &str) -> Vec<Range<usize>> {
    let mut all = scheme_urls(text);
    let mut i = 0;
    while i < text.len() {
        if let Some(hit) = all.iter().find(|r| r.contains(&i)) {
            i = hit.end;
            continue;
        }
        let starts_label =
            text.as_bytes()[i].is_ascii_alphanumeric() && may_start_url(text, i, true);
        match starts_label.then(|| bare_domain(text, i)).flatten() {
            Some(r) => {
                i = r.end;
                all.push(r);
            }
            None => i += text[i..].chars().next().map_or(1, char::len_utf8),
        }
    }
    all.sort_by_key(|r| r.start);
    all
}

/// Mastodon mentions (`Account::MENTION_RE`): `@user` or `@user@domain`,
/// not after a word character or `/`. Returns the whole mention's range and
/// the byte length of its `@user` part (what Mastodon counts).
pub fn fedi_mentions(text: &str) -> Vec<(Range<usize>, usize)> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices('@') {
        let prev = text[..at].chars().next_back();
        if prev.is_some_and(|c| is_word(c) || c == '/') {
            continue;
        }
        let user = trimmed_run(text, at + 1, |c| {
            c.is_ascii_alphanumeric() || "_.-".contains(c)
        });
        if user == 0
            || !text.as_bytes()[at + 1].is_ascii_alphanumeric() && text.as_bytes()[at + 1] != b'_'
        {
            continue;
        }
        let user_end = at + 1 + user;
        let mut end = user_end;
        if text[user_end..].starts_with('@') {
            let domain = trimmed_run(text, user_end + 1, |c| is_word(c) || ".-".contains(c));
            if domain >= 2 {
                end = user_end + 1 + domain;
            }
        }
        if found
            .last()
            .is_none_or(|(r, _): &(Range<usize>, usize)| r.end <= at)
        {
            found.push((at..end, user_end - at));
        }
    }
    found
}

/// Length of the run of `ok` characters at `start`, minus trailing `.`/`-`
/// (both regexes require the run to end on a word character).
fn trimmed_run(text: &str, start: usize, ok: impl Fn(char) -> bool) -> usize {
    let run: usize = text[start..]
        .chars()
        .take_while(|c| ok(*c))
        .map(char::len_utf8)
        .sum();
    let kept = text[start..start + run].trim_end_matches(['.', '-']);
    kept.len()
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// twitter-text: no URL right after an ASCII letter/digit, `@`, `$` or `#`
/// (nor, for scheme-less ones, after `-`, `_`, `.` or `/`).
fn may_start_url(text: &str, pos: usize, bare: bool) -> bool {
    match text[..pos].chars().next_back() {
        None => true,
        Some(c) if c.is_ascii_alphanumeric() || "@$#＠＃".contains(c) => false,
        Some(c) => !(bare && "-_./".contains(c)),
    }
}

fn is_url_char(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' | '0'..='9' => true,
        '-' | '.' | '_' | '~' | ':' | '/' | '?' | '#' | '[' | ']' | '@' | '!' | '$' | '&' => true,
        '\'' | '(' | ')' | '*' | '+' | ',' | ';' | '=' | '%' | '|' => true,
        '\u{00C0}'..='\u{024F}' => c != '×' && c != '÷',
        '\u{0400}'..='\u{04FF}' => true,
        _ => false,
    }
}

/// A URL may end on these (twitter-text's path/query ending characters).
fn may_end_url(c: char) -> bool {
    c.is_alphanumeric() || "=_#/+-&".contains(c)
}

/// End of the URL whose host starts at `from`, trailing punctuation dropped.
fn url_end(text: &str, from: usize) -> usize {
    let run: usize = text[from..]
        .chars()
        .take_while(|c| is_url_char(*c))
        .map(char::len_utf8)
        .sum();
    let mut url = &text[from..from + run];
    while let Some(last) = url.chars().next_back() {
        let balanced_paren = last == ')' && url.matches('(').count() >= url.matches(')').count();
        if may_end_url(last) || balanced_paren {
            break;
        }
        url = &url[..url.len() - last.len_utf8()];
    }
    from + url.len()
}

/// `cafelumen.com`, `www.cafelumen.co.uk/menu`… starting at `start`.
fn bare_domain(text: &str, start: usize) -> Option<Range<usize>> {
    let bytes = text.as_bytes();
    let mut labels: Vec<Range<usize>> = Vec::new();
    let mut i = start;
    loop {
        let len = bytes[i..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
            .count();
        if len == 0 || bytes[i] == b'-' || bytes[i + len - 1] == b'-' {
            break;
        }
        labels.push(i..i + len);
        i += len;
        if bytes.get(i) != Some(&b'.') || !bytes.get(i + 1).is_some_and(u8::is_ascii_alphanumeric) {
            break;
        }
        i += 1;
    }
    // The longest run of labels that ends in a known TLD and is followed by a boundary.
    (2..=labels.len()).rev().find_map(|n| {
        let tld = text[labels[n - 1].clone()].to_ascii_lowercase();
        let end = labels[n - 1].end;
        let next = text[end..].chars().next();
        if next.is_some_and(|c| c.is_alphanumeric() || "@-_".contains(c)) {
            return None;
        }
        let with_path = next == Some('/');
        let short_cc = n == 2 && labels[0].len() <= 2 && COUNTRY_TLDS.contains(&tld.as_str());
        let known = GENERIC_TLDS.contains(&tld.as_str()) || COUNTRY_TLDS.contains(&tld.as_str());
        (known && (with_path || !short_cc))
            .then(|| start..if with_path { url_end(text, end) } else { end })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces<'a>(text: &'a str, ranges: &[Range<usize>]) -> Vec<&'a str> {
        ranges.iter().map(|r| &text[r.clone()]).collect()
    }

    #[test]
    fn scheme_urls_drop_trailing_punctuation_and_unbalanced_parens() {
        let t =
            "Menu: https://cafelumen.example/menu. (see https://x.com/a_(b)) ok HTTP://A.B/c?d=1!";
        let found = scheme_urls(t);
        assert_eq!(
            pieces(t, &found),
            [
                "https://cafelumen.example/menu",
                "https://x.com/a_(b)",
                "HTTP://A.B/c?d=1"
            ]
        );
    }

    #[test]
    fn scheme_urls_need_a_boundary_and_a_host() {
        assert!(scheme_urls("xhttps://example.com").is_empty());
        assert!(scheme_urls("#https://example.com").is_empty());
        assert!(scheme_urls("https:// nothing").is_empty());
        assert!(scheme_urls("http").is_empty());
        let quoted = scheme_urls("«https://example.com»"); // « is 2 bytes
        assert_eq!((quoted.len(), quoted.first()), (1, Some(&(2..21))));
    }

    #[test]
    fn urls_stop_at_cjk_and_keep_accents_and_cyrillic() {
        let t = "https://fr.wikipedia.org/wiki/Café https://ru.example/путь 日本https://a.jp/x。";
        let found = scheme_urls(t);
        assert_eq!(
            pieces(t, &found),
            [
                "https://fr.wikipedia.org/wiki/Café",
                "https://ru.example/путь",
                "https://a.jp/x"
            ]
        );
    }

    #[test]
    fn x_finds_bare_domains_but_not_emails_or_short_cc_domains() {
        let t = "visit cafelumen.com, www.cafelumen.fr/menu or bob@example.com; ab.fr, ab.fr/x, t.co/abc, file.txt, v1.2";
        assert_eq!(
            pieces(t, &x_urls(t)),
            [
                "cafelumen.com",
                "www.cafelumen.fr/menu",
                "ab.fr/x",
                "t.co/abc"
            ]
        );
    }

    #[test]
    fn x_does_not_double_count_a_domain_inside_a_scheme_url() {
        let t = "https://cafelumen.com/menu and cafelumen.com";
        assert_eq!(
            pieces(t, &x_urls(t)),
            ["https://cafelumen.com/menu", "cafelumen.com"]
        );
    }

    #[test]
    fn fedi_mentions_local_remote_and_not_emails_or_urls() {
        let t = "@alice hi @bob@example.social! mail bob@example.com, https://m.s/@carol, @dan@x.";
        let found = fedi_mentions(t);
        let texts: Vec<(&str, usize)> = found.iter().map(|(r, u)| (&t[r.clone()], *u)).collect();
        // `@dan@x.` : the domain run "x" is one character, so only `@dan` is a mention.
        assert_eq!(
            texts,
            [("@alice", 6), ("@bob@example.social", 4), ("@dan", 4)]
        );
    }
}
