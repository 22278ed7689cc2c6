//! Reading LinkedIn (`reference/networks.md` §6): the organisation's posts
//! (`GET /rest/posts?q=author&author=…&sortBy=LAST_MODIFIED`), each post's
//! comments (`GET /rest/socialActions/{post URN}/comments`, `start`/`count`
//! paging with `paging.total`), and the nested comments of every comment
//! that has some (`GET /rest/socialActions/{comment URN}/comments`), all
//! URNs percent-encoded in the path.
//!
//! Incremental scheme (ours; LinkedIn has no "since" for comments and the
//! pull notifications path is UNCONFIRMED): the cursor is the Unix time of
//! the newest comment seen, shared with the Graph connectors
//! ([`graph::lower_bound`], five minutes of overlap, dedupe in the pass,
//! the store's upsert for the rest). A later pass re-reads the comments of
//! the [`WATCHED_POSTS`] most recently modified posts, all their pages
//! (the order LinkedIn returns comments in is UNCONFIRMED, so no early
//! stop), and keeps what is newer than the cursor. A first sync walks posts
//! until `depth` items.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::LinkedInConnector;
use super::rest::{encode, err};
use crate::model::{Author, Engagement, Item, Kind, Moderation, Network, PostRef, Remote};
use crate::networks::connector::Fetched;
use crate::networks::error::{ConnectorError, ErrorKind};
use crate::networks::graph::{self, Pass};

/// Posts per page of `/rest/posts`.
const POSTS: usize = 20;
/// Comments per page (LinkedIn's examples use 10–20; 100 is UNCONFIRMED
/// as a maximum, 50 is a safe middle).
pub(super) const COMMENTS: usize = 50;
/// Posts whose comments a later pass reads again.
pub const WATCHED_POSTS: usize = 20;
/// Safety stop on any one paged list, whatever the backlog.
const MAX_PAGES: usize = 100;

/// One page of a Rest.li collection.
struct Page {
    elements: Vec<Value>,
    /// More elements after these.
    more: bool,
    next_start: usize,
}

fn page(body: &Value, start: usize, asked: usize) -> Option<Page> {
    let elements = body.get("elements")?.as_array()?.clone();
    let got = elements.len();
    let total = body
        .pointer("/paging/total")
        .and_then(Value::as_u64)
        .and_then(|t| usize::try_from(t).ok());
    let more = got > 0
        && match total {
            Some(total) => start + got < total,
            None => got >= asked,
        };
    Some(Page {
        elements,
        more,
        next_start: start + got,
    })
}

/// `urn:li:comment:(urn:li:activity:1,2)` → (`urn:li:activity:1`, `2`).
pub(super) fn comment_parts(urn: &str) -> Option<(&str, &str)> {
    let inner = urn.strip_prefix("urn:li:comment:(")?.strip_suffix(')')?;
    let (object, id) = inner.rsplit_once(',')?;
    (!object.is_empty() && !id.is_empty()).then_some((object, id))
}

fn str_at<'a>(v: &'a Value, path: &str) -> Option<&'a str> {
    v.pointer(path).and_then(Value::as_str)
}

fn millis(v: Option<&Value>) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_millis(v?.as_i64()?)
}

/// A post element: its URN, commentary and creation time.
fn post_ref(p: &Value) -> Option<PostRef> {
    let id = str_at(p, "/id").filter(|id| id.starts_with("urn:li:"))?;
    let text = match p.get("commentary") {
        None | Some(Value::Null) => "",
        Some(v) => v.as_str()?,
    };
    Some(PostRef {
        id: id.to_string(),
        text: text.to_string(),
        permalink: Some(format!("https://www.linkedin.com/feed/update/{id}/")),
        created_at: Some(millis(p.get("createdAt"))?),
    })
}

impl LinkedInConnector {
    /// Every element of a paged collection at `path` (no query of its own).
    pub(super) async fn all(&self, path: &str, per: usize) -> Result<Vec<Value>, ConnectorError> {
        let mut out = Vec::new();
        let mut start = 0;
        for _ in 0..MAX_PAGES {
            let body = self
                .rest
                .get(&format!("{path}?start={start}&count={per}"))
                .await?
                .body;
            let page = page(&body, start, per)
                .ok_or_else(|| err(ErrorKind::BadPayload, "expected {\"elements\": [...]}"))?;
            out.extend(page.elements);
            if !page.more {
                break;
            }
            start = page.next_start;
        }
        Ok(out)
    }

    pub(super) async fn fetch(
        &self,
        cursor: Option<&str>,
        depth: usize,
    ) -> Result<Fetched, ConnectorError> {
        let lower = graph::lower_bound(cursor);
        let mut pass = Pass::default();
        let mut truncated = false;
        let mut watched = 0;
        let mut start = 0;
        'posts: for _ in 0..MAX_PAGES {
            let path = format!(
                "/rest/posts?q=author&author={}&count={POSTS}&start={start}&sortBy=LAST_MODIFIED",
                encode(&self.org)
            );
            let body = self.rest.get(&path).await?.body;
            let posts = page(&body, start, POSTS)
                .ok_or_else(|| err(ErrorKind::BadPayload, "expected {\"elements\": [...]}"))?;
            for raw in &posts.elements {
                let Some(post) = post_ref(raw) else {
                    pass.skip(Network::LinkedIn, "post", raw);
                    continue;
                };
                self.comments(&post, lower, &mut pass).await?;
                watched += 1;
                let done = match lower {
                    Some(_) => watched >= WATCHED_POSTS,
                    None => pass.items.len() >= depth,
                };
                if done {
                    truncated = posts.more || lower.is_none();
                    break 'posts;
                }
            }
            if !posts.more {
                break;
            }
            start = posts.next_start;
        }
        Ok(pass.finish(cursor, lower, depth, truncated))
    }

    /// A post's comments, then the nested comments of those that have some.
    async fn comments(
        &self,
        post: &PostRef,
        lower: Option<DateTime<Utc>>,
        pass: &mut Pass,
    ) -> Result<(), ConnectorError> {
        let path = format!("/rest/socialActions/{}/comments", encode(&post.id));
        let mut nested = Vec::new();
        for raw in self.all(&path, COMMENTS).await? {
            match self.comment(post, None, &raw) {
                Some((item, replies)) => {
                    if replies > 0 && item.remote.parent_id.is_none() {
                        nested.push(item.remote.native_id.clone());
                    }
                    keep(item, lower, pass);
                }
                None => pass.skip(Network::LinkedIn, "comment", &raw),
            }
        }
        for parent in nested {
            let path = format!("/rest/socialActions/{}/comments", encode(&parent));
            for raw in self.all(&path, COMMENTS).await? {
                match self.comment(post, Some(&parent), &raw) {
                    Some((item, _)) => keep(item, lower, pass),
                    None => pass.skip(Network::LinkedIn, "nested comment", &raw),
                }
            }
        }
        Ok(())
    }

    /// One comment element and how many comments answer it; `None` when
    /// it cannot be read. `under`: the comment whose nested list it came from.
    pub(super) fn comment(
        &self,
        post: &PostRef,
        under: Option<&str>,
        c: &Value,
    ) -> Option<(Item, u64)> {
        let object = str_at(c, "/object");
        let urn = str_at(c, "/$URN")
            .or_else(|| str_at(c, "/commentUrn"))
            .map(str::to_string)
            .or_else(|| {
                Some(format!(
                    "urn:li:comment:({},{})",
                    object?,
                    str_at(c, "/id")?
                ))
            })?;
        comment_parts(&urn)?;
        let actor = str_at(c, "/actor").filter(|a| a.starts_with("urn:li:"))?;
        let created = millis(c.pointer("/created/time"))?;
        let text = match c.get("message") {
            None | Some(Value::Null) => String::new(),
            Some(m) => match m.get("text") {
                None | Some(Value::Null) => String::new(),
                Some(t) => t.as_str()?.to_string(),
            },
        };
        let parent = str_at(c, "/parentComment")
            .or(under)
            .filter(|p| *p != urn)
            .map(str::to_string);
        let count = |path: &str| c.pointer(path).and_then(Value::as_u64);
        let replies = count("/commentsSummary/aggregatedTotalComments")
            .or_else(|| count("/commentsSummary/totalFirstLevelComments"))
            .unwrap_or(0);
        let from_us = actor == self.org;
        let activity = comment_parts(&urn).map_or(post.id.as_str(), |(o, _)| o);
        let item = Item::new(Remote {
            network: Network::LinkedIn,
            account: self.account.clone(),
            kind: if parent.is_some() {
                Kind::Reply
            } else {
                Kind::Comment
            },
            thread_id: Some(post.id.clone()),
            parent_id: parent,
            post: Some(post.clone()),
            author: self.author(actor),
            text,
            lang: None,
            created_at: created,
            permalink: Some(format!(
                "https://www.linkedin.com/feed/update/{activity}/?commentUrn={}",
                encode(&urn)
            )),
            engagement: Engagement {
                likes: count("/likesSummary/totalLikes"),
                replies: Some(replies),
                shares: None,
            },
            from_us,
            // No hide on LinkedIn. `likedByCurrentUser` is read as "liked by
            // us": which identity it reflects for an organisation token
            // (the admin member or the organisation) is UNCONFIRMED.
            moderation: Moderation {
                hidden: false,
                liked: c
                    .pointer("/likesSummary/likedByCurrentUser")
                    .and_then(Value::as_bool)
                    == Some(true),
                deleted: false,
            },
            native_id: urn,
        });
        Some((item, replies))
    }

    /// The comment API gives only the actor's URN (names need separate,
    /// restricted lookups, §6): the handle is the URN's id.
    fn author(&self, actor: &str) -> Author {
        let id = actor.rsplit(':').next().unwrap_or(actor).to_string();
        if actor == self.org {
            return Author {
                id: actor.to_string(),
                handle: self.account.clone(),
                display_name: self.account.clone(),
                profile_url: Some(format!("https://www.linkedin.com/company/{}", self.account)),
                followers: None,
            };
        }
        let profile_url = actor
            .starts_with("urn:li:organization:")
            .then(|| format!("https://www.linkedin.com/company/{id}"));
        Author {
            id: actor.to_string(),
            handle: id.clone(),
            display_name: id,
            profile_url,
            followers: None,
        }
    }
}

fn keep(item: Item, lower: Option<DateTime<Utc>>, pass: &mut Pass) {
    if lower.is_none_or(|l| item.remote.created_at >= l) {
        pass.add(item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn comment_urns_split() {
        assert_eq!(
            comment_parts("urn:li:comment:(urn:li:activity:7240,7241)"),
            Some(("urn:li:activity:7240", "7241"))
        );
        assert_eq!(comment_parts("urn:li:share:1"), None);
    }

    #[test]
    fn paging_reads_total_or_a_full_page() {
        let body = json!({"elements": [1, 2], "paging": {"start": 0, "count": 2, "total": 5}});
        let p = page(&body, 0, 2).unwrap();
        assert!(p.more);
        assert_eq!(p.next_start, 2);
        let last = json!({"elements": [5], "paging": {"start": 4, "count": 2, "total": 5}});
        assert!(!page(&last, 4, 2).unwrap().more);
        let untotalled = json!({"elements": [1, 2], "paging": {"start": 0, "count": 2}});
        assert!(page(&untotalled, 0, 2).unwrap().more);
        assert!(page(&json!({"paging": {}}), 0, 2).is_none());
    }
}
