//! Response headers as the pure parsers of this layer see them.
//!
//! [`Headers`] is deliberately tiny so that rate-limit and error parsing work
//! on plain `(name, value)` pairs in tests and on the HTTP client's header map
//! later: when the reqwest layer arrives, implement [`Headers`] for
//! `reqwest::header::HeaderMap` next to it and every parser here accepts it.

use chrono::{DateTime, Utc};

/// Read access to HTTP response headers. Names compare case-insensitively.
pub trait Headers {
    /// The first value of header `name`, trimmed.
    fn header(&self, name: &str) -> Option<&str>;
}

impl Headers for [(String, String)] {
    fn header(&self, name: &str) -> Option<&str> {
        self.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    }
}

impl Headers for Vec<(String, String)> {
    fn header(&self, name: &str) -> Option<&str> {
        self.as_slice().header(name)
    }
}

impl Headers for [(&str, &str)] {
    fn header(&self, name: &str) -> Option<&str> {
        self.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    }
}

impl<const N: usize> Headers for [(&str, &str); N] {
    fn header(&self, name: &str) -> Option<&str> {
        self.as_slice().header(name)
    }
}

/// A header holding an unsigned integer (`x-rate-limit-remaining: 12`).
pub fn number<H: Headers + ?Sized>(headers: &H, name: &str) -> Option<u64> {
    headers.header(name)?.parse().ok()
}

/// Unix epoch seconds as a UTC time (`x-rate-limit-reset: 1789463921`).
pub fn epoch_seconds(value: &str) -> Option<DateTime<Utc>> {
    let secs: i64 = value.trim().parse().ok()?;
    DateTime::from_timestamp(secs, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_case_insensitive_and_values_trimmed() {
        let h = vec![("X-RateLimit-Remaining".to_string(), " 7 ".to_string())];
        assert_eq!(h.header("x-ratelimit-remaining"), Some("7"));
        assert_eq!(number(&h, "X-RATELIMIT-REMAINING"), Some(7));
        assert_eq!(h.header("retry-after"), None);
    }

    #[test]
    fn arrays_of_str_pairs_work_too() {
        let h = [("Retry-After", "30"), ("retry-after", "99")];
        assert_eq!(h.header("RETRY-AFTER"), Some("30"), "first value wins");
    }

    #[test]
    fn epoch_seconds_parse() {
        let t = epoch_seconds("1789463921").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-09-15T09:18:41+00:00");
        assert_eq!(epoch_seconds("soon"), None);
    }
}
