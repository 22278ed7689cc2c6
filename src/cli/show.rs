//! `guichet show ID`: one item with everything known about it — remote
//! fields, local state, tag records (who, when, why), notes, the rest of its
//! thread and the author's other items.
//!
//! Text output passes every string from the network through
//! [`crate::text`] sanitizing first: an item carrying escape sequences must
//! not reach the terminal raw. JSON output is for scripts and is complete.

use std::io::Write;
use std::process::ExitCode;

use chrono::{DateTime, Local, Utc};
use serde_json::json;

use super::args::{ShowArgs, ShowFormat};
use super::{Context, age, find, item_json, stdout};
use crate::model::Item;
use crate::store::{EscalationRecord, HistoryEvent, Store, Stored, TagRecord};
use crate::text::{one_line, pad, truncate, wrap};

const THREAD_LIMIT: usize = 50;
const AUTHOR_LIMIT: usize = 20;
const COLS: usize = 100;

/// What `show` prints, gathered from the store.
struct Shown {
    seq: u32,
    item: Item,
    tags: Vec<(String, TagRecord)>,
    history: Vec<HistoryEvent>,
    escalation: Option<EscalationRecord>,
    thread: Vec<Stored>,
    by_author: Vec<Stored>,
}

pub fn run(ctx: &Context, args: &ShowArgs) -> anyhow::Result<ExitCode> {
    let Some((seq, item)) = find(&ctx.store, &args.id)? else {
        anyhow::bail!("no item {}", one_line(&args.id));
    };
    let others = |list: Vec<Stored>, limit: usize| {
        list.into_iter()
            .filter(|(s, _)| *s != seq)
            .take(limit)
            .collect()
    };
    let shown = Shown {
        tags: ctx.store.tag_records(seq)?,
        history: ctx.store.history(seq)?,
        escalation: ctx
            .store
            .escalations()?
            .into_iter()
            .find(|(s, _)| *s == seq)
            .map(|(_, e)| e),
        thread: others(ctx.store.thread(&item, THREAD_LIMIT + 1)?, THREAD_LIMIT),
        by_author: others(ctx.store.by_author(&item, AUTHOR_LIMIT + 1)?, AUTHOR_LIMIT),
        seq,
        item,
    };
    let mut out = stdout();
    match args.format {
        ShowFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &to_json(&shown, Utc::now())?)?;
            writeln!(out)?;
        }
        ShowFormat::Text => write_text(&mut out, &shown, Utc::now())?,
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn to_json(s: &Shown, now: DateTime<Utc>) -> anyhow::Result<serde_json::Value> {
    let mut value = item_json(s.seq, &s.item)?;
    let list = |items: &[Stored]| {
        items
            .iter()
            .map(|(seq, it)| item_json(*seq, it))
            .collect::<anyhow::Result<Vec<_>>>()
    };
    let tags: Vec<_> = s
        .tags
        .iter()
        .map(|(tag, r)| json!({ "tag": tag, "by": r.by, "at": r.at, "why": r.why }))
        .collect();
    if let serde_json::Value::Object(map) = &mut value {
        map.insert(
            "status".into(),
            s.item.local.status.effective(now).as_str().into(),
        );
        map.insert("tag_records".into(), tags.into());
        map.insert("history".into(), serde_json::to_value(&s.history)?);
        map.insert("escalation".into(), serde_json::to_value(&s.escalation)?);
        map.insert("thread".into(), list(&s.thread)?.into());
        map.insert("author_items".into(), list(&s.by_author)?.into());
    }
    Ok(value)
}

fn local_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()
}

fn write_text(out: &mut dyn Write, s: &Shown, now: DateTime<Utc>) -> std::io::Result<()> {
    let (r, l) = (&s.item.remote, &s.item.local);
    let field = |out: &mut dyn Write, key: &str, value: &str| {
        writeln!(out, "  {key:<9} {}", one_line(value))
    };
    writeln!(out, "{}", one_line(s.item.id.as_str()))?;
    field(
        out,
        "network",
        &format!("{} · account {} · {}", r.network, r.account, r.kind),
    )?;
    let mut author = r.author.handle.clone();
    if !r.author.display_name.is_empty() && r.author.display_name != r.author.handle {
        author.push_str(&format!(" ({})", r.author.display_name));
    }
    if let Some(n) = r.author.followers {
        author.push_str(&format!(" · {n} followers"));
    }
    field(out, "author", &author)?;
    let ago = age((now - r.created_at).num_seconds());
    field(
        out,
        "created",
        &format!("{} ({ago} ago)", local_time(r.created_at)),
    )?;
    if let Some(link) = &r.permalink {
        field(out, "link", link)?;
    }
    let mut state = format!("{} · priority {}", l.status, l.priority);
    state.push_str(if l.read { " · read" } else { " · unread" });
    if let Some(who) = &l.assignee {
        state.push_str(&format!(" · assigned to {who}"));
    }
    field(out, "status", &state)?;
    if let Some(last) = &l.last_action {
        field(
            out,
            "last",
            &format!("{} by {}, {}", last.what, last.by, local_time(last.at)),
        )?;
    }
    if let Some(post) = &r.post {
        field(out, "on post", &truncate(&one_line(&post.text), COLS - 12))?;
    }
    writeln!(out)?;
    for line in wrap(&r.text, COLS - 4) {
        writeln!(out, "    {line}")?;
    }
    if !s.tags.is_empty() || !l.tags.is_empty() {
        writeln!(out, "\ntags")?;
    }
    for (tag, rec) in &s.tags {
        let why = rec
            .why
            .as_deref()
            .map(|w| format!(" — {}", one_line(w)))
            .unwrap_or_default();
        writeln!(
            out,
            "  {}  by {} {}{why}",
            one_line(tag),
            one_line(&rec.by),
            local_time(rec.at)
        )?;
    }
    // Tags that came with the item (sync rules, demo data) have no record.
    for tag in l
        .tags
        .iter()
        .filter(|t| !s.tags.iter().any(|(r, _)| r == *t))
    {
        writeln!(out, "  {}", one_line(tag))?;
    }
    if let Some(esc) = &s.escalation {
        let due = esc
            .due
            .map(|d| format!(", due {}", local_time(d)))
            .unwrap_or_default();
        writeln!(
            out,
            "\nwaiting on {} ({}) since {}{due}",
            one_line(&esc.to),
            one_line(&esc.tag),
            local_time(esc.since)
        )?;
    }
    if !l.notes.is_empty() {
        writeln!(out, "\nnotes")?;
    }
    for note in &l.notes {
        writeln!(
            out,
            "  {} {}: {}",
            local_time(note.at),
            one_line(&note.by),
            one_line(&note.text)
        )?;
    }
    if !s.history.is_empty() {
        writeln!(out, "\nhistory")?;
    }
    for event in &s.history {
        writeln!(
            out,
            "  {} {}: {}",
            local_time(event.at),
            one_line(&event.by),
            one_line(&event.describe())
        )?;
    }
    list(
        out,
        &format!("thread ({} other items)", s.thread.len()),
        &s.thread,
        now,
    )?;
    let by = format!(
        "by {} ({} other items)",
        one_line(&r.author.handle),
        s.by_author.len()
    );
    list(out, &by, &s.by_author, now)
}

fn list(
    out: &mut dyn Write,
    title: &str,
    items: &[Stored],
    now: DateTime<Utc>,
) -> std::io::Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n{title}")?;
    for (_, it) in items {
        let line = format!(
            "{:>4} {:<9} {}  {}  {}",
            age((now - it.remote.created_at).num_seconds()),
            it.local.status.effective(now).as_str(),
            one_line(it.id.as_str()),
            pad(&one_line(&it.remote.author.handle), 16),
            one_line(&it.remote.text),
        );
        writeln!(out, "  {}", truncate(&line, COLS + 18))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Author, Engagement, Kind, Network, Remote};

    fn shown(text: &str) -> Shown {
        let item = Item::new(Remote {
            network: Network::X,
            account: "brand".into(),
            native_id: "1".into(),
            kind: Kind::Mention,
            thread_id: None,
            parent_id: None,
            post: None,
            author: Author {
                handle: "@evil\u{1b}]0;pwned\u{7}".into(),
                ..Author::default()
            },
            text: text.into(),
            lang: None,
            created_at: DateTime::UNIX_EPOCH,
            permalink: None,
            engagement: Engagement::default(),
            from_us: false,
            moderation: Default::default(),
        });
        let rec = TagRecord {
            by: "camille".into(),
            at: DateTime::UNIX_EPOCH,
            why: Some("asked twice".into()),
        };
        Shown {
            seq: 3,
            tags: vec![("refund".into(), rec)],
            history: vec![HistoryEvent {
                at: DateTime::UNIX_EPOCH,
                by: "camille".into(),
                happened: crate::store::Happened::TagRemoved {
                    tag: "legal".into(),
                    why: Some("not legal \u{1b}[31mafter all".into()),
                },
            }],
            escalation: None,
            thread: vec![(4, item.clone())],
            by_author: vec![],
            item,
        }
    }

    #[test]
    fn text_is_sanitized_and_names_tag_authors() {
        let mut out = Vec::new();
        write_text(
            &mut out,
            &shown("hi \u{1b}[2J\u{1b}[31mthere\u{202e}"),
            Utc::now(),
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{202e}'),
            "{text:?}"
        );
        assert!(text.contains("hi there"));
        assert!(
            text.contains("refund  by camille") && text.contains("asked twice"),
            "{text}"
        );
        assert!(text.contains("thread (1 other items)"));
        assert!(
            text.contains("history") && text.contains("camille: -legal: not legal after all"),
            "{text}"
        );
    }

    #[test]
    fn json_has_seq_status_and_records() {
        let v = to_json(&shown("x"), Utc::now()).unwrap();
        assert_eq!(v["seq"], 3);
        assert_eq!(v["status"], "new");
        assert_eq!(v["local"]["status"], "New");
        assert_eq!(v["tag_records"][0]["by"], "camille");
        assert_eq!(v["thread"][0]["seq"], 4);
        assert_eq!(v["history"][0]["what"], "tag_removed");
        assert_eq!(v["history"][0]["tag"], "legal");
    }
}
