//! Human renderings of a [`Handoff`]: the one-paragraph chat summary (the
//! payload's top-level `text`), the e-mail subject and the e-mail body.
//!
//! Customer-controlled text is untrusted: in the chat summary it goes
//! through [`chat_safe`] (no mentions, no Slack control sequences, one line)
//! and is truncated by grapheme, so an emoji is never cut in half; the link
//! must be a plain http(s) URL ([`chat_link`]). The e-mail is plain text,
//! so it carries the customer's words whole (up to [`EMAIL_TEXT_MAX`]),
//! quoted.

use chrono::{DateTime, Utc};
use unicode_segmentation::UnicodeSegmentation;

use super::Handoff;

/// Graphemes of the customer's words kept in the chat summary.
pub const SUMMARY_TEXT_MAX: usize = 280;
/// Graphemes of the internal note kept in the chat summary.
pub const SUMMARY_NOTE_MAX: usize = 200;
/// Graphemes of a name or handle kept in a summary or subject.
pub const NAME_MAX: usize = 60;
/// Longest link shown in the chat summary (a cut link is useless).
pub const LINK_MAX: usize = 500;
/// Graphemes of the customer's words kept in the e-mail body.
pub const EMAIL_TEXT_MAX: usize = 20_000;

const ZERO_WIDTH_SPACE: char = '\u{200B}';

/// One line: control characters and line breaks become spaces, runs of
/// whitespace collapse, ends are trimmed.
pub fn one_line(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// [`one_line`], then inert in chat apps: `<` `>` become `‹` `›` (no Slack
/// control sequence such as `<!channel>`), and every `@` is followed by a
/// zero-width space (no `@everyone`, `@here`, `@channel` ping).
pub fn chat_safe(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in one_line(s).chars() {
        match c {
            '<' => out.push('‹'),
            '>' => out.push('›'),
            '@' => {
                out.push('@');
                out.push(ZERO_WIDTH_SPACE);
            }
            _ => out.push(c),
        }
    }
    out
}

/// A link as chat apps should show it: an http(s) URL in its serialized
/// form (where `<`, `>`, `"`, spaces are percent-encoded) and not absurdly
/// long; `None` otherwise. An `@` in it stays: Mastodon permalinks have one,
/// and chat apps do not read mentions inside links.
pub fn chat_link(link: &str) -> Option<String> {
    let url = reqwest::Url::parse(link.trim()).ok()?;
    let fine = matches!(url.scheme(), "http" | "https")
        && url.host_str().is_some()
        && url.as_str().len() <= LINK_MAX;
    fine.then(|| url.as_str().to_string())
}

/// At most `max` graphemes; a cut string ends with `…`.
pub fn truncate(s: &str, max: usize) -> String {
    let mut graphemes = s.grapheme_indices(true);
    match graphemes.nth(max) {
        None => s.to_string(),
        Some(_) => {
            let keep = max.saturating_sub(1);
            let end = s
                .grapheme_indices(true)
                .nth(keep)
                .map_or(s.len(), |(i, _)| i);
            format!("{}…", s[..end].trim_end())
        }
    }
}

fn when(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// `Name (@handle)`, one line, raw: callers pass it through [`chat_safe`]
/// where it matters (the `@` added here included).
fn author_line(h: &Handoff) -> String {
    let name = truncate(&one_line(&h.author.display_name), NAME_MAX);
    let handle = truncate(&one_line(h.author.handle.trim_start_matches('@')), NAME_MAX);
    match (name.is_empty(), handle.is_empty()) {
        (false, false) if name != handle => format!("{name} (@{handle})"),
        (false, _) => name,
        (true, false) => format!("@{handle}"),
        (true, true) => "someone".to_string(),
    }
}

/// The payload's top-level `text`: tag, assignee, due, author, the words
/// (truncated), the link, the note.
pub fn summary(h: &Handoff) -> String {
    let mut out = format!(
        "[{}] escalated to {} by {}",
        one_line(&h.tag),
        one_line(&h.assignee),
        one_line(&h.by)
    );
    if let Some(due) = h.due {
        out.push_str(&format!(", due {}", when(due)));
    }
    out.push_str(&format!(
        ". {} on {} ({}) wrote: “{}”",
        chat_safe(&author_line(h)),
        one_line(&h.network),
        one_line(&h.kind),
        truncate(&chat_safe(&h.text), SUMMARY_TEXT_MAX)
    ));
    if let Some(link) = h.link.as_deref().and_then(chat_link) {
        out.push_str(&format!(" {link}"));
    }
    if let Some(note) = h.note.as_deref().map(chat_safe)
        && !note.is_empty()
    {
        out.push_str(&format!(" Note: {}", truncate(&note, SUMMARY_NOTE_MAX)));
    }
    out
}

/// `[guichet] refund for Marie: Jean Dupont on instagram (due …)`.
pub fn subject(h: &Handoff) -> String {
    let mut out = format!(
        "[guichet] {} for {}: {} on {}",
        truncate(&one_line(&h.tag), NAME_MAX),
        truncate(&one_line(&h.assignee), NAME_MAX),
        author_line(h),
        one_line(&h.network)
    );
    if let Some(due) = h.due {
        out.push_str(&format!(" (due {})", when(due)));
    }
    out
}

fn quoted(s: &str) -> String {
    s.lines()
        .map(|l| format!("> {}", l.trim_end()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The plain-text e-mail: who asked what of whom, the customer's words
/// quoted, the note, the link and how to report the outcome.
pub fn email_body(h: &Handoff) -> String {
    let mut out = format!(
        "{},\n\n{} escalated an item to you with the tag \"{}\".\n",
        one_line(&h.assignee),
        one_line(&h.by),
        one_line(&h.tag)
    );
    if let Some(due) = h.due {
        out.push_str(&format!("Due: {}\n", when(due)));
    }
    out.push_str(&format!("\nFrom: {}", author_line(h)));
    if let Some(followers) = h.author.followers {
        out.push_str(&format!(", {followers} followers"));
    }
    out.push_str(&format!(
        "\nWhere: {} {}, account {}\n",
        one_line(&h.network),
        one_line(&h.kind),
        one_line(&h.account)
    ));
    if let Some(link) = &h.link {
        out.push_str(&format!("Link: {}\n", one_line(link)));
    }
    if let Some(profile) = &h.author.profile_url {
        out.push_str(&format!("Profile: {}\n", one_line(profile)));
    }
    out.push_str(&format!(
        "\nWhat they wrote:\n\n{}\n",
        quoted(&truncate(&h.text, EMAIL_TEXT_MAX))
    ));
    if let Some(note) = &h.note {
        out.push_str(&format!(
            "\nNote from {}:\n\n{}\n",
            one_line(&h.by),
            quoted(note)
        ));
    }
    out.push_str(&format!("\nItem: {}\n", h.item_id));
    if let Some(url) = &h.callback_url {
        out.push_str(&format!(
            "\nWhen it is dealt with, your tool can report the outcome with\n\
             POST {url}\n\
             {{\"outcome\": \"refunded\", \"by\": \"your name\", \"note\": \"optional\", \"done\": true}}\n"
        ));
    }
    out.push_str(&format!(
        "\n-- \nSent by guichet {} on {} (hand-off {}).\n",
        env!("CARGO_PKG_VERSION"),
        when(h.at),
        h.idempotency_key()
    ));
    out
}
