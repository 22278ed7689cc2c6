//! Filters, sort orders and saved views, shared by the TUI queue and the
//! CLI `list` command so both show the same items for the same words.
//!
//! A [`Filter`] is plain data (what the user asked for, by name). It is
//! compiled against a row set's interned names into a [`Compiled`] filter
//! that tests a [`Row`] with integer comparisons only, which is what lets a
//! million rows be filtered in milliseconds. Text search is resolved by the
//! store (`Store::search`) into a set of seqs and intersected here.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::model::{Kind, Network, Priority, StatusKind};
use crate::store::{Row, RowSet};

/// What to show. Every empty list means "any".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Filter {
    pub networks: Vec<Network>,
    pub accounts: Vec<String>,
    pub kinds: Vec<Kind>,
    pub statuses: Vec<StatusKind>,
    pub priorities: Vec<Priority>,
    pub tags: Vec<String>,
    /// Assignee names; `"nobody"` matches unassigned items.
    pub assignees: Vec<String>,
    pub langs: Vec<String>,
    pub unread: bool,
    /// Only items a `propose` rule flagged for approval.
    pub proposed: bool,
    /// Words that must all appear in the text, author handle or name.
    pub search: Option<String>,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }

    /// Short human summary for the title bar: `network:x tag:refund "retard"`.
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut push = |key: &str, vals: Vec<String>| {
            if !vals.is_empty() {
                parts.push(format!("{key}:{}", vals.join(",")));
            }
        };
        push(
            "network",
            self.networks
                .iter()
                .map(|n| n.as_str().to_string())
                .collect(),
        );
        push("account", self.accounts.clone());
        push(
            "kind",
            self.kinds.iter().map(|k| k.as_str().to_string()).collect(),
        );
        push(
            "status",
            self.statuses
                .iter()
                .map(|s| s.as_str().to_string())
                .collect(),
        );
        push(
            "priority",
            self.priorities
                .iter()
                .map(|p| p.as_str().to_string())
                .collect(),
        );
        push("tag", self.tags.clone());
        push("assignee", self.assignees.clone());
        push("lang", self.langs.clone());
        if self.unread {
            parts.push("unread".to_string());
        }
        if self.proposed {
            parts.push("proposed".to_string());
        }
        if let Some(q) = &self.search {
            parts.push(format!("\"{q}\""));
        }
        parts.join(" ")
    }

    /// Narrows `self` with the criteria set in `other` (a view's filter
    /// refined by the user's ad-hoc filter).
    pub fn and(&self, other: &Filter) -> Filter {
        fn pick<T: Clone>(a: &[T], b: &[T]) -> Vec<T> {
            if b.is_empty() { a.to_vec() } else { b.to_vec() }
        }
        Filter {
            networks: pick(&self.networks, &other.networks),
            accounts: pick(&self.accounts, &other.accounts),
            kinds: pick(&self.kinds, &other.kinds),
            statuses: pick(&self.statuses, &other.statuses),
            priorities: pick(&self.priorities, &other.priorities),
            tags: pick(&self.tags, &other.tags),
            assignees: pick(&self.assignees, &other.assignees),
            langs: pick(&self.langs, &other.langs),
            unread: self.unread || other.unread,
            proposed: self.proposed || other.proposed,
            search: match (&self.search, &other.search) {
                (Some(a), Some(b)) => Some(format!("{a} {b}")),
                (a, b) => b.clone().or_else(|| a.clone()),
            },
        }
    }

    /// Parses CLI words: `network:x,bluesky status:new tag:refund unread`.
    /// Anything without a known `key:` prefix is search text.
    pub fn parse_words(words: &[String]) -> Result<Filter, String> {
        let mut f = Filter::default();
        let mut text = Vec::new();
        for word in words {
            if word == "unread" {
                f.unread = true;
                continue;
            }
            if word == "proposed" {
                f.proposed = true;
                continue;
            }
            let Some((key, vals)) = word.split_once(':') else {
                text.push(word.clone());
                continue;
            };
            let vals = vals.split(',').filter(|v| !v.is_empty());
            match key {
                "network" | "net" => f.networks.extend(
                    vals.map(str::parse::<Network>)
                        .collect::<Result<Vec<_>, _>>()?,
                ),
                "account" => f.accounts.extend(vals.map(String::from)),
                "kind" => f.kinds.extend(
                    vals.map(str::parse::<Kind>)
                        .collect::<Result<Vec<_>, _>>()?,
                ),
                "status" => f.statuses.extend(
                    vals.map(str::parse::<StatusKind>)
                        .collect::<Result<Vec<_>, _>>()?,
                ),
                "priority" => f.priorities.extend(
                    vals.map(str::parse::<Priority>)
                        .collect::<Result<Vec<_>, _>>()?,
                ),
                "tag" => f.tags.extend(vals.map(String::from)),
                "assignee" => f.assignees.extend(vals.map(String::from)),
                "lang" => f.langs.extend(vals.map(String::from)),
                _ => text.push(word.clone()),
            }
        }
        if !text.is_empty() {
            f.search = Some(text.join(" "));
        }
        Ok(f)
    }

    /// Compiles against a row set's names.
    pub fn compile(&self, set: &RowSet) -> Compiled {
        let names = &set.names;
        let mask = |it: &mut dyn Iterator<Item = u8>| it.fold(0u32, |m, i| m | (1 << i));
        Compiled {
            networks: mask(&mut self.networks.iter().map(|n| n.index())),
            kinds: mask(&mut self.kinds.iter().map(|k| k.index())),
            statuses: mask(&mut self.statuses.iter().map(|s| s.index())),
            priorities: mask(&mut self.priorities.iter().map(|p| p.index())),
            accounts: self
                .accounts
                .iter()
                .map(|a| names.find_account(a))
                .collect(),
            tags: self.tags.iter().map(|t| names.find_tag(t)).collect(),
            assignees: self
                .assignees
                .iter()
                .map(|a| {
                    if a == "nobody" {
                        Some(0)
                    } else {
                        names.find_assignee(a)
                    }
                })
                .collect(),
            langs: self.langs.iter().map(|l| names.find_lang(l)).collect(),
            unread: self.unread,
            proposed: self.proposed,
        }
    }
}

/// A filter resolved to bit masks and interned indexes. A name that no row
/// carries compiles to `None` and matches nothing.
#[derive(Debug, Clone)]
pub struct Compiled {
    networks: u32,
    kinds: u32,
    statuses: u32,
    priorities: u32,
    accounts: Vec<Option<u16>>,
    tags: Vec<Option<u16>>,
    assignees: Vec<Option<u16>>,
    langs: Vec<Option<u16>>,
    unread: bool,
    proposed: bool,
}

fn in_mask(mask: u32, i: u8) -> bool {
    mask == 0 || mask & (1 << i) != 0
}

fn in_list(list: &[Option<u16>], v: u16) -> bool {
    list.is_empty() || list.contains(&Some(v))
}

impl Compiled {
    /// Whether `row` of `set` passes.
    pub fn matches(&self, set: &RowSet, row: &Row, now: i64) -> bool {
        in_mask(self.networks, row.network.index())
            && in_mask(self.kinds, row.kind.index())
            && (in_mask(self.statuses, row.effective_status(now).index())
                // Boomerang: an overdue escalation is back in the queue.
                || (row.overdue(now) && in_mask(self.statuses, StatusKind::Open.index())))
            && in_mask(self.priorities, row.priority.index())
            && in_list(&self.accounts, row.account)
            && in_list(&self.assignees, row.assignee)
            && in_list(&self.langs, row.lang)
            && (self.tags.is_empty()
                || set
                    .names
                    .tag_set(row.tags)
                    .iter()
                    .any(|t| self.tags.contains(&Some(*t))))
            && (!self.unread || !row.read)
            && (!self.proposed || row.proposed)
    }
}

/// Queue orders. The default is the one a community manager works in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Sort {
    #[default]
    OldestFirst,
    NewestFirst,
    PriorityFirst,
    ByNetwork,
    /// Escalations by due time, the soonest (or most overdue) first.
    DueFirst,
}

impl Sort {
    pub const ALL: [Sort; 5] = [
        Sort::OldestFirst,
        Sort::NewestFirst,
        Sort::PriorityFirst,
        Sort::ByNetwork,
        Sort::DueFirst,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::OldestFirst => "oldest",
            Sort::NewestFirst => "newest",
            Sort::PriorityFirst => "priority",
            Sort::ByNetwork => "network",
            Sort::DueFirst => "due",
        }
    }

    pub fn next(self) -> Sort {
        let i = Sort::ALL.iter().position(|s| *s == self).unwrap_or(0);
        Sort::ALL[(i + 1) % Sort::ALL.len()]
    }
}

impl fmt::Display for Sort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Sort {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Sort::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| {
                format!("unknown sort '{s}' (expected oldest, newest, priority, network or due)")
            })
    }
}

/// Sorts a row set once, oldest first, so that views in the default order
/// need no sort at all.
pub fn sort_rows(set: &mut RowSet) {
    set.rows.sort_unstable_by_key(|r| (r.created, r.seq));
}

/// Row indexes (into `set.rows`, which must be oldest-first) that pass the
/// filter, in the requested order. `hits` is the sorted seq list from a text
/// search, when the filter has one.
pub fn view(set: &RowSet, filter: &Filter, hits: Option<&[u32]>, sort: Sort, now: i64) -> Vec<u32> {
    let compiled = filter.compile(set);
    let mut out: Vec<u32> = set
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            compiled.matches(set, r, now) && hits.is_none_or(|h| h.binary_search(&r.seq).is_ok())
        })
        .filter_map(|(i, _)| u32::try_from(i).ok())
        .collect();
    let row = |i: &u32| &set.rows[*i as usize];
    match sort {
        Sort::OldestFirst => {}
        Sort::NewestFirst => out.reverse(),
        Sort::PriorityFirst => out.sort_by_key(|i| std::cmp::Reverse(row(i).priority)),
        Sort::ByNetwork => out.sort_by_key(|i| row(i).network),
        Sort::DueFirst => out.sort_by_key(|i| row(i).due().unwrap_or(i64::MAX)),
    }
    // Boomerang: overdue escalations come back on top, in every order
    // (a linear pass: there are few, and most views have none).
    if out.iter().any(|i| row(i).overdue(now)) {
        let (mut first, rest): (Vec<u32>, Vec<u32>) =
            out.into_iter().partition(|i| row(i).overdue(now));
        first.extend(rest);
        out = first;
    }
    out
}

/// How many rows pass a filter (sidebar counters).
pub fn count(set: &RowSet, filter: &Filter, now: i64) -> usize {
    let compiled = filter.compile(set);
    set.rows
        .iter()
        .filter(|r| compiled.matches(set, r, now))
        .count()
}

/// A named filter: the built-in views and those from `config.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedView {
    pub name: String,
    #[serde(flatten)]
    pub filter: Filter,
    #[serde(default)]
    pub sort: Sort,
}

/// The views every install has, before the user's own.
pub fn builtin_views() -> Vec<SavedView> {
    let sorted = |name: &str, filter: Filter, sort: Sort| SavedView {
        name: name.to_string(),
        filter,
        sort,
    };
    let view = |name: &str, filter: Filter| sorted(name, filter, Sort::OldestFirst);
    let unanswered = vec![StatusKind::New, StatusKind::Open];
    vec![
        view(
            "Inbox",
            Filter {
                statuses: unanswered.clone(),
                ..Filter::default()
            },
        ),
        view(
            "DMs",
            Filter {
                statuses: unanswered.clone(),
                kinds: vec![Kind::DirectMessage],
                ..Filter::default()
            },
        ),
        view(
            "Urgent",
            Filter {
                statuses: unanswered,
                priorities: vec![Priority::High, Priority::Urgent],
                ..Filter::default()
            },
        ),
        view(
            "Proposed",
            Filter {
                proposed: true,
                statuses: vec![StatusKind::New, StatusKind::Open],
                ..Filter::default()
            },
        ),
        sorted(
            "Escalated",
            Filter {
                statuses: vec![StatusKind::Escalated],
                ..Filter::default()
            },
            Sort::DueFirst,
        ),
        view(
            "Snoozed",
            Filter {
                statuses: vec![StatusKind::Snoozed],
                ..Filter::default()
            },
        ),
        view(
            "Done",
            Filter {
                statuses: vec![StatusKind::Answered, StatusKind::Done],
                ..Filter::default()
            },
        ),
        view("All", Filter::default()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::RowRecord;

    fn set() -> RowSet {
        let mut set = RowSet::default();
        let rec = |net: Network, status: StatusKind, tags: &[&str], lang: &str| RowRecord {
            network: net.index(),
            kind: Kind::Comment.index(),
            status: status.index(),
            priority: Priority::Normal.index(),
            read: false,
            snooze_until: 0,
            account: "brand".into(),
            assignee: None,
            tags: tags.iter().map(|t| t.to_string()).collect(),
            lang: Some(lang.into()),
        };
        set.push_record(0, 30, &rec(Network::X, StatusKind::New, &["refund"], "fr"));
        set.push_record(1, 10, &rec(Network::Bluesky, StatusKind::Done, &[], "en"));
        set.push_record(2, 20, &rec(Network::X, StatusKind::Open, &[], "en"));
        sort_rows(&mut set);
        set
    }

    fn seqs(set: &RowSet, ix: &[u32]) -> Vec<u32> {
        ix.iter().map(|i| set.rows[*i as usize].seq).collect()
    }

    #[test]
    fn views_filter_and_sort() {
        let set = set();
        let inbox = &builtin_views()[0].filter;
        assert_eq!(
            seqs(&set, &view(&set, inbox, None, Sort::OldestFirst, 0)),
            vec![2, 0]
        );
        assert_eq!(
            seqs(&set, &view(&set, inbox, None, Sort::NewestFirst, 0)),
            vec![0, 2]
        );
        let x = Filter {
            networks: vec![Network::X],
            tags: vec!["refund".into()],
            ..Filter::default()
        };
        assert_eq!(
            seqs(&set, &view(&set, &x, None, Sort::OldestFirst, 0)),
            vec![0]
        );
        let unknown_tag = Filter {
            tags: vec!["nope".into()],
            ..Filter::default()
        };
        assert!(view(&set, &unknown_tag, None, Sort::OldestFirst, 0).is_empty());
        let fr = Filter {
            langs: vec!["fr".into()],
            ..Filter::default()
        };
        assert_eq!(count(&set, &fr, 0), 1);
        assert_eq!(
            seqs(
                &set,
                &view(
                    &set,
                    &Filter::default(),
                    Some(&[1, 2]),
                    Sort::OldestFirst,
                    0
                )
            ),
            vec![1, 2]
        );
    }

    #[test]
    fn parse_words_and_combine() {
        let words: Vec<String> = [
            "network:x,bluesky",
            "tag:refund",
            "unread",
            "colis",
            "perdu",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let f = Filter::parse_words(&words).unwrap();
        assert_eq!(f.networks, vec![Network::X, Network::Bluesky]);
        assert_eq!(f.search.as_deref(), Some("colis perdu"));
        assert!(f.unread);
        assert!(Filter::parse_words(&["network:myspace".to_string()]).is_err());
        let narrowed = builtin_views()[0].filter.and(&Filter {
            networks: vec![Network::X],
            ..Filter::default()
        });
        assert_eq!(narrowed.networks, vec![Network::X]);
        assert_eq!(narrowed.statuses, vec![StatusKind::New, StatusKind::Open]);
        assert_eq!(
            f.describe(),
            "network:x,bluesky tag:refund unread \"colis perdu\""
        );
    }
}
