//! The shift summary as a Markdown hand-over note: a heading with who and
//! when, a counts table (the report engine's numbers and the shift's own,
//! see [`super`]), the median and p90 first response, what was escalated
//! to whom, and the oldest items still open, with links.
//!
//! Everything that comes from outside (customer text, handles, names,
//! notes, links) is sanitized ([`crate::text::one_line`]: no control
//! characters or escape sequences, one line) and escaped so it cannot
//! change the note's structure: Markdown punctuation gets a backslash, and
//! a link is only written for an `http(s)` URL, with the characters that
//! could end it percent-encoded. Times are in UTC so the note reads the
//! same everywhere.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use super::{ItemLine, ShiftSummary};

/// Characters of customer text shown per item.
const EXCERPT: usize = 140;

/// Backslash-escapes what Markdown could read as syntax, on one sanitized
/// line. Customer text is always written mid-line (after `- ` and a
/// label), so only the characters that act there are escaped: emphasis,
/// code, links and images, HTML, tables, strike-through, entities.
pub fn escape(text: &str) -> String {
    let clean = crate::text::one_line(text);
    let mut out = String::with_capacity(clean.len() + 8);
    for c in clean.chars() {
        if "\\`*_[]<>|~#&".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A URL safe inside `(…)` of a Markdown link, or `None` when it is not
/// plain http(s) (a `javascript:` link must not become clickable).
pub fn safe_url(url: &str) -> Option<String> {
    let url = crate::text::one_line(url);
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return None;
    }
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '[' => out.push_str("%5B"),
            ']' => out.push_str("%5D"),
            '\\' => out.push_str("%5C"),
            c => out.push(c),
        }
    }
    Some(out)
}

/// `3 d 04 h`, `4 h 05 min`, `12 min`, `40 s`.
pub fn duration(secs: i64) -> String {
    let s = secs.max(0);
    match s {
        0..60 => format!("{s} s"),
        60..3_600 => format!("{} min", s / 60),
        3_600..172_800 => format!("{} h {:02} min", s / 3_600, (s % 3_600) / 60),
        _ => format!("{} d {:02} h", s / 86_400, (s % 86_400) / 3_600),
    }
}

fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// `[@handle on network](link)`, or the same words unlinked.
fn who(item: &ItemLine) -> String {
    let label = format!("@{} on {}", escape(&item.author), escape(&item.network));
    match item.link.as_deref().and_then(safe_url) {
        Some(url) => format!("[{label}]({url})"),
        None => label,
    }
}

fn excerpt(text: &str) -> String {
    let (head, cut) = crate::text::prefix(text, EXCERPT);
    let more = if cut > 0 { "…" } else { "" };
    format!("“{}{more}”", escape(head))
}

/// The hand-over note for `s`.
pub fn markdown(s: &ShiftSummary) -> String {
    let mut md = String::new();
    let shift = &s.shift;
    let t = &s.tally;
    // Writing into a String cannot fail.
    let _ = writeln!(md, "# Shift hand-over: {}\n", escape(&shift.agent));
    let _ = writeln!(
        md,
        "{} → {} ({})\n",
        time(shift.started),
        time(shift.ended),
        duration((shift.ended - shift.started).num_seconds())
    );
    md.push_str("## Counts\n\n| What | Items |\n|---|---:|\n");
    let answered = match t.received {
        0 => t.answered.to_string(),
        n => format!(
            "{} ({:.1}%)",
            t.answered,
            t.answered as f64 * 100.0 / n as f64
        ),
    };
    // SLA timers and the outbox only when there is something to say.
    let timers = t.sla_met + t.sla_breached > 0;
    for (what, n, shown) in [
        ("Handled", t.handled.to_string(), true),
        ("Received during the shift", t.received.to_string(), true),
        ("Answered (of those)", answered, true),
        ("Done", t.done.to_string(), true),
        ("Hidden", t.hidden.to_string(), true),
        ("Deleted", t.deleted.to_string(), true),
        ("Blocked", t.blocked.to_string(), true),
        ("Escalated", t.escalated.to_string(), true),
        ("SLA met", t.sla_met.to_string(), timers),
        ("SLA breached", t.sla_breached.to_string(), timers),
        ("Waiting in the outbox", s.unsent.to_string(), s.unsent > 0),
        ("Pending now", s.pending.to_string(), true),
    ] {
        if shown {
            let _ = writeln!(md, "| {what} | {n} |");
        }
    }
    md.push('\n');
    let clock = match &s.business_hours {
        Some(h) => format!(", in business hours ({})", escape(h)),
        None => String::new(),
    };
    match s.median_first_response {
        Some(m) => {
            let p90 = s
                .p90_first_response
                .map(|p| format!(" (p90 {})", duration(p)))
                .unwrap_or_default();
            let _ = writeln!(
                md,
                "Median first response: **{}**{p90} over {} {} to items received during the shift (from the item's creation to its answer{clock}).\n",
                duration(m),
                s.responses,
                if s.responses == 1 {
                    "answer"
                } else {
                    "answers"
                }
            );
        }
        None => md.push_str(
            "Median first response: none (no item received during the shift was answered).\n\n",
        ),
    }
    md.push_str("## Escalated\n\n");
    if s.escalations.is_empty() {
        md.push_str("Nothing was escalated.\n");
    }
    for e in &s.escalations {
        let due = e
            .due
            .map(|d| format!(", due {}", time(d)))
            .unwrap_or_default();
        let _ = writeln!(
            md,
            "- to **{}** ({}{due}): {} {}",
            escape(&e.to),
            escape(&e.tag),
            who(&e.item),
            excerpt(&e.item.text)
        );
        if let Some(note) = e.note.as_deref().filter(|n| !n.trim().is_empty()) {
            let _ = writeln!(md, "  - note: {}", escape(note));
        }
    }
    md.push_str("\n## Still open\n\n");
    if s.pending == 0 {
        md.push_str("Nothing is waiting for an answer.\n");
    } else {
        let _ = writeln!(
            md,
            "{} {} for an answer; the oldest:\n",
            s.pending,
            if s.pending == 1 {
                "item waits"
            } else {
                "items wait"
            }
        );
    }
    for item in &s.open {
        let _ = writeln!(
            md,
            "- {}, {} old: {}",
            who(item),
            duration((shift.ended - item.created).num_seconds()),
            excerpt(&item.text)
        );
    }
    md
}
