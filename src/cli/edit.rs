//! `done`, `reopen`, `tag`, `untag`, `assign`, `snooze`, `note`: local
//! changes from the command line.
//!
//! Each command becomes one [`LocalChange`] applied with `Store::change`
//! under the configured agent — the same path as the TUI, so the audit log
//! and tag records are identical. Every id is checked before anything is
//! written: a typo in a list of ids changes nothing.

use std::io::Write;
use std::process::ExitCode;

use chrono::Utc;

use super::args::Command;
use super::{Context, stdout};
use crate::change::LocalChange;
use crate::model::Status;
use crate::store::Store;
use crate::text::one_line;

pub fn run(ctx: &Context, command: &Command) -> anyhow::Result<ExitCode> {
    let (ids, change) = change_for(command)?;
    apply(ctx, &ids, &change)
}

/// A `--why`, trimmed; blank means none.
fn reason(why: Option<&str>) -> Option<String> {
    why.map(str::trim)
        .filter(|w| !w.is_empty())
        .map(String::from)
}

/// The ids a command names and the change it asks for.
fn change_for(command: &Command) -> anyhow::Result<(Vec<String>, LocalChange)> {
    Ok(match command {
        Command::Done(a) => (a.ids.clone(), LocalChange::SetStatus(Status::Done)),
        Command::Reopen(a) => (a.ids.clone(), LocalChange::SetStatus(Status::Open)),
        Command::Tag(a) => {
            let tag = check_tag(&a.tag)?;
            let why = reason(a.why.as_deref());
            (vec![a.id.clone()], LocalChange::AddTag { tag, why })
        }
        Command::Untag(a) => (
            vec![a.id.clone()],
            LocalChange::RemoveTag {
                tag: a.tag.trim().to_string(),
                why: reason(a.why.as_deref()),
            },
        ),
        Command::Assign(a) => {
            // `nobody` is what filters call the unassigned, so it means the same here.
            let who = a
                .name
                .as_deref()
                .map(str::trim)
                .filter(|n| !a.nobody && *n != "nobody");
            if who.is_some_and(str::is_empty) {
                anyhow::bail!("an assignee needs a name (or use --nobody)");
            }
            (
                vec![a.id.clone()],
                LocalChange::Assign(who.map(String::from)),
            )
        }
        Command::Snooze(a) => {
            let until = crate::when::parse(&a.until, Utc::now()).map_err(anyhow::Error::msg)?;
            (
                vec![a.id.clone()],
                LocalChange::SetStatus(Status::Snoozed { until }),
            )
        }
        Command::Note(a) => {
            let text = a.text.join(" ");
            if text.trim().is_empty() {
                anyhow::bail!("a note needs some text");
            }
            (vec![a.id.clone()], LocalChange::AddNote(text))
        }
        other => anyhow::bail!("{other:?} does not change items"),
    })
}

/// Tags are filter words (`tag:a,b`), so they cannot hold blanks or commas.
fn check_tag(tag: &str) -> anyhow::Result<String> {
    let tag = tag.trim();
    if tag.is_empty() || tag.contains(|c: char| c.is_whitespace() || c == ',' || c.is_control()) {
        anyhow::bail!(
            "'{}' cannot be a tag: use one word without commas",
            one_line(tag)
        );
    }
    Ok(tag.to_string())
}

fn apply(ctx: &Context, ids: &[String], change: &LocalChange) -> anyhow::Result<ExitCode> {
    let mut before = ctx.find_all(ids)?;
    // The same id twice would add a note twice.
    let mut seen = std::collections::HashSet::new();
    before.retain(|(seq, _)| seen.insert(*seq));
    let seqs: Vec<u32> = before.iter().map(|(seq, _)| *seq).collect();
    let after = ctx.store.change(&seqs, change, &ctx.config.agent)?;
    ctx.store.flush()?;
    let what = change.describe();
    let mut out = stdout();
    for (_, item) in &after {
        let id = one_line(item.id.as_str());
        let unchanged = before
            .iter()
            .any(|(_, b)| b.id == item.id && b.local == item.local);
        if unchanged {
            writeln!(out, "{id}: unchanged ({what} already)")?;
        } else {
            writeln!(out, "{id}: {what}")?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::args::{AssignArgs, TagArgs};

    #[test]
    fn tags_are_single_words() {
        assert_eq!(check_tag(" refund ").unwrap(), "refund");
        assert!(check_tag("two words").is_err());
        assert!(check_tag("a,b").is_err());
        assert!(check_tag("").is_err());
    }

    #[test]
    fn assign_nobody_unassigns() {
        let cmd = |name: Option<&str>, nobody| {
            Command::Assign(AssignArgs {
                id: "x:a:1".into(),
                name: name.map(String::from),
                nobody,
            })
        };
        assert_eq!(
            change_for(&cmd(None, true)).unwrap().1,
            LocalChange::Assign(None)
        );
        assert_eq!(
            change_for(&cmd(Some("nobody"), false)).unwrap().1,
            LocalChange::Assign(None)
        );
        assert_eq!(
            change_for(&cmd(Some("camille"), false)).unwrap().1,
            LocalChange::Assign(Some("camille".into()))
        );
        assert!(change_for(&cmd(Some(" "), false)).is_err());
    }

    #[test]
    fn tag_keeps_its_reason() {
        let cmd = Command::Tag(TagArgs {
            id: "x:a:1".into(),
            tag: "refund".into(),
            why: Some("asked twice".into()),
        });
        let (ids, change) = change_for(&cmd).unwrap();
        assert_eq!(ids, vec!["x:a:1"]);
        assert_eq!(
            change,
            LocalChange::AddTag {
                tag: "refund".into(),
                why: Some("asked twice".into())
            }
        );
    }
}
