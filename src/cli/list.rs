//! `guichet list`: the items a view and filter words select, as a table for
//! people, or JSON / CSV for scripts.
//!
//! Selection goes through the same [`crate::filter`] functions as the TUI
//! queue (`sort_rows`, `view`, `Store::search`), so a view shows the same
//! items in both. Every string from the network is sanitized before it is
//! printed as text; JSON escapes control characters by itself.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context as _;
use chrono::{DateTime, SecondsFormat, Utc};

use super::args::{ListArgs, ListFormat};
use super::{Context, age, csv, item_json, stdout};
use crate::filter::{self, Filter, SavedView, sort_rows};
use crate::model::Item;
use crate::store::Store;
use crate::text::{one_line, pad, truncate, width};

pub fn run(ctx: &Context, args: &ListArgs) -> anyhow::Result<ExitCode> {
    let words = Filter::parse_words(&args.words).map_err(anyhow::Error::msg)?;
    let base = pick_view(&ctx.config.views, args.view.as_deref(), &words)?;
    let filter = base.filter.and(&words);
    let sort = args.sort.unwrap_or(base.sort);
    let now = Utc::now();
    let seqs = select(
        &ctx.store,
        &filter,
        sort,
        now,
        args.limit.unwrap_or(usize::MAX),
    )?;
    let items = seqs.into_iter().filter_map(|seq| match ctx.store.get(seq) {
        Ok(Some(item)) => Some(Ok((seq, item))),
        Ok(None) => None,
        Err(e) => Some(Err(anyhow::Error::new(e))),
    });
    let mut out = stdout();
    match args.format {
        ListFormat::Table => {
            write_table(&mut out, &items.collect::<anyhow::Result<Vec<_>>>()?, now)?
        }
        ListFormat::Json => write_json(&mut out, items)?,
        ListFormat::Csv => write_csv(&mut out, items, now)?,
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The view named `--view` (case-insensitive), else Inbox, or All when the
/// words already say which statuses they want.
fn pick_view(views: &[SavedView], name: Option<&str>, words: &Filter) -> anyhow::Result<SavedView> {
    let wanted = name.unwrap_or(if words.statuses.is_empty() {
        "Inbox"
    } else {
        "All"
    });
    if let Some(v) = views.iter().find(|v| v.name.eq_ignore_ascii_case(wanted)) {
        return Ok(v.clone());
    }
    if name.is_none() {
        // The built-in views were renamed away: fall back to everything.
        return Ok(SavedView {
            name: wanted.to_string(),
            filter: Filter::default(),
            sort: Default::default(),
        });
    }
    let names: Vec<&str> = views.iter().map(|v| v.name.as_str()).collect();
    anyhow::bail!("unknown view '{wanted}'; views are: {}", names.join(", "))
}

/// Seqs of the matching items in display order, at most `limit`.
fn select(
    store: &dyn Store,
    filter: &Filter,
    sort: filter::Sort,
    now: DateTime<Utc>,
    limit: usize,
) -> anyhow::Result<Vec<u32>> {
    let mut set = store.rows().context("cannot read the queue")?;
    sort_rows(&mut set);
    let hits = match &filter.search {
        Some(query) => {
            let mut hits = store.search(query).context("cannot search the store")?;
            hits.sort_unstable();
            Some(hits)
        }
        None => None,
    };
    let ix = filter::view(&set, filter, hits.as_deref(), sort, now.timestamp());
    Ok(ix
        .iter()
        .filter_map(|i| set.rows.get(*i as usize))
        .map(|r| r.seq)
        .take(limit)
        .collect())
}

fn author(item: &Item) -> String {
    let a = &item.remote.author;
    one_line(if a.handle.is_empty() {
        &a.display_name
    } else {
        &a.handle
    })
}

/// Width of a table line. Ids are never cut (they are what people copy into
/// `show` and `done`), so the id column is as wide as the widest id shown
/// and the snippet takes what is left, down to [`MIN_SNIPPET`]: with long
/// native ids (LinkedIn URNs, Bluesky URIs) lines get wider than this.
const TABLE_COLS: usize = 120;
/// Width of every column but id and snippet.
const FIXED: [(&str, usize); 7] = [
    ("NETWORK", 9),
    ("KIND", 7),
    ("AUTHOR", 14),
    ("AGE", 4),
    ("STATUS", 9),
    ("PRIO", 6),
    ("TAGS", 10),
];
const MIN_SNIPPET: usize = 20;

fn table_line(
    out: &mut dyn Write,
    id: &str,
    id_w: usize,
    cells: [&str; 7],
    snippet: &str,
) -> std::io::Result<()> {
    let fixed: usize = FIXED.iter().map(|(_, w)| w + 1).sum();
    let snippet_w = TABLE_COLS.saturating_sub(id_w + 1 + fixed).max(MIN_SNIPPET);
    let mut line = pad(id, id_w);
    for (cell, (_, w)) in cells.iter().zip(FIXED) {
        line.push(' ');
        line.push_str(&pad(cell, w));
    }
    line.push(' ');
    line.push_str(&truncate(snippet, snippet_w));
    writeln!(out, "{}", line.trim_end())
}

fn write_table(
    out: &mut dyn Write,
    items: &[(u32, Item)],
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let ids: Vec<String> = items
        .iter()
        .map(|(_, it)| one_line(it.id.as_str()))
        .collect();
    let id_w = ids.iter().map(|s| width(s)).max().unwrap_or(0).max(2);
    table_line(out, "ID", id_w, FIXED.map(|(name, _)| name), "TEXT")?;
    for ((_, item), id) in items.iter().zip(&ids) {
        let tags = one_line(&item.local.tags.join(","));
        let cells = [
            item.remote.network.as_str(),
            item.remote.kind.as_str(),
            &author(item),
            &age((now - item.remote.created_at).num_seconds()),
            item.local.status.effective(now).as_str(),
            item.local.priority.as_str(),
            &tags,
        ];
        table_line(out, id, id_w, cells, &one_line(&item.remote.text))?;
    }
    Ok(())
}

fn write_json(
    out: &mut dyn Write,
    items: impl Iterator<Item = anyhow::Result<(u32, Item)>>,
) -> anyhow::Result<()> {
    out.write_all(b"[")?;
    for (i, entry) in items.enumerate() {
        let (seq, item) = entry?;
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut *out, &item_json(seq, &item)?)?;
    }
    out.write_all(b"\n]\n")?;
    Ok(())
}

const CSV_HEADER: [&str; 11] = [
    "id",
    "network",
    "account",
    "kind",
    "author_handle",
    "created_at",
    "status",
    "priority",
    "tags",
    "assignee",
    "text",
];

fn csv_fields(item: &Item, now: DateTime<Utc>) -> [String; 11] {
    let r = &item.remote;
    let l = &item.local;
    [
        one_line(item.id.as_str()),
        r.network.as_str().to_string(),
        one_line(&r.account),
        r.kind.as_str().to_string(),
        csv::guard(&one_line(&r.author.handle)).into_owned(),
        r.created_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        l.status.effective(now).as_str().to_string(),
        l.priority.as_str().to_string(),
        csv::guard(&one_line(&l.tags.join(";"))).into_owned(),
        csv::guard(&one_line(l.assignee.as_deref().unwrap_or(""))).into_owned(),
        // Customer text: a comment may start with `=HYPERLINK(…)`.
        csv::guard(&one_line(&r.text)).into_owned(),
    ]
}

fn write_csv(
    out: &mut dyn Write,
    items: impl Iterator<Item = anyhow::Result<(u32, Item)>>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    csv::record(out, &CSV_HEADER)?;
    for entry in items {
        let (_, item) = entry?;
        csv::record(out, &csv_fields(&item, now))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::builtin_views;
    use crate::model::{Author, Engagement, Kind, Network, Remote, StatusKind};

    fn item(text: &str) -> Item {
        Item::new(Remote {
            network: Network::X,
            account: "brand".into(),
            native_id: "1".into(),
            kind: Kind::Mention,
            thread_id: None,
            parent_id: None,
            post: None,
            author: Author {
                handle: "@fan".into(),
                ..Author::default()
            },
            text: text.into(),
            lang: None,
            created_at: DateTime::UNIX_EPOCH,
            permalink: None,
            engagement: Engagement::default(),
            from_us: false,
            moderation: Default::default(),
        })
    }

    #[test]
    fn default_view_is_inbox_unless_a_status_is_asked() {
        let views = builtin_views();
        assert_eq!(
            pick_view(&views, None, &Filter::default()).unwrap().name,
            "Inbox"
        );
        let done = Filter {
            statuses: vec![StatusKind::Done],
            ..Filter::default()
        };
        assert_eq!(pick_view(&views, None, &done).unwrap().name, "All");
        assert_eq!(
            pick_view(&views, Some("dms"), &Filter::default())
                .unwrap()
                .name,
            "DMs"
        );
        let err = pick_view(&views, Some("Nope"), &Filter::default())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("unknown view 'Nope'") && err.contains("Inbox, DMs"),
            "{err}"
        );
    }

    #[test]
    fn table_fits_120_columns_and_strips_escapes() {
        let long = format!(
            "\u{1b}[31mred\u{1b}[0m {}",
            "très long texte 🎉 ".repeat(20)
        );
        let mut out = Vec::new();
        write_table(&mut out, &[(0, item(&long))], DateTime::UNIX_EPOCH).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains('\u{1b}'));
        for line in text.lines() {
            assert!(width(line) <= TABLE_COLS, "{} > 120: {line}", width(line));
        }
        assert!(text.lines().nth(1).unwrap().contains("x:brand:1 "));
    }

    #[test]
    fn long_ids_are_kept_whole_and_columns_stay_aligned() {
        let mut long = item("hello");
        long.id = "bluesky:brand.bsky.social:at://did:plc:abc/app.bsky.feed.post/3l4"
            .parse()
            .unwrap();
        let mut out = Vec::new();
        write_table(
            &mut out,
            &[(0, item("short")), (1, long)],
            DateTime::UNIX_EPOCH,
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[2].starts_with(
                "bluesky:brand.bsky.social:at://did:plc:abc/app.bsky.feed.post/3l4 x "
            )
        );
        let column = |l: &str| l.find("mention").unwrap();
        assert_eq!(column(lines[1]), column(lines[2]));
    }

    #[test]
    fn csv_has_one_line_per_item() {
        let mut out = Vec::new();
        let items = vec![Ok((0, item("a, \"quoted\"\nsecond line")))];
        write_csv(&mut out, items.into_iter(), DateTime::UNIX_EPOCH).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0], CSV_HEADER.join(","));
        assert!(
            lines[1].ends_with(",\"a, \"\"quoted\"\" second line\""),
            "{}",
            lines[1]
        );
        assert!(lines[1].contains("1970-01-01T00:00:00Z"));
    }

    #[test]
    fn csv_makes_customer_formulas_inert() {
        let mut out = Vec::new();
        let items = vec![Ok((0, item("=HYPERLINK(\"http://evil\";\"clic\")")))];
        write_csv(&mut out, items.into_iter(), DateTime::UNIX_EPOCH).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("\"'=HYPERLINK("), "{text}");
        assert!(text.contains(",'@fan,"), "{text}");
    }
}
