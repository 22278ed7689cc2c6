//! Reading Threads (`reference/networks.md` §7 "Reading"): the brand's own
//! posts, each post's conversation (every reply at any depth, flattened),
//! and the posts that mention the brand.
//!
//! Polling covers the [`WATCHED_POSTS`] newest posts on incremental passes
//! (as Facebook's connector does): a reply under an older post is not seen
//! until a full re-read. Threads has no reply webhook in networks.md.
//!
//! Paging: Graph cursors. A page's `paging.next` URL is followed when
//! present (only on our own host); when a full page carries only
//! `paging.cursors.after` (networks.md's example shows no `next`,
//! UNCONFIRMED whether Threads sends one), the same URL is asked again
//! with `after=`. Conversations come newest first (`reverse=true`), so a
//! pass stops on a post as soon as it meets an item older than its lower
//! bound.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::ThreadsConnector;
use crate::model::{Author, Engagement, Item, Kind, Moderation, Network, PostRef, Remote};
use crate::networks::connector::Fetched;
use crate::networks::error::{ConnectorError, ErrorKind};
use crate::networks::graph::{self, MAX_PAGES, Pass, str_of, time};

/// Posts per page of `/{user-id}/threads`.
const POSTS: usize = 25;
/// Replies per page of a conversation.
const REPLIES: usize = 100;
/// Posts whose conversations an incremental pass reads again.
pub const WATCHED_POSTS: usize = 50;
const POST_FIELDS: &str = "id,text,timestamp,permalink,username,media_type";
/// The documented reply fields guichet reads (§7).
pub(super) const REPLY_FIELDS: &str = "id,text,username,permalink,timestamp,media_type,is_reply,is_reply_owned_by_me,replied_to,root_post,hide_status,has_replies,is_quote_post";

/// One page: entries and where the next one is.
pub(super) struct Page {
    pub(super) data: Vec<Value>,
    pub(super) next: Option<String>,
}

impl ThreadsConnector {
    /// `url` with `limit` asked, and the next page's URL from `paging`.
    pub(super) async fn page(&self, url: &str, limit: usize) -> Result<Page, ConnectorError> {
        let body = self.get(url).await?;
        let Some(data) = body.get("data").and_then(Value::as_array).cloned() else {
            return Err(self.err(ErrorKind::BadPayload, "expected {\"data\": [...]}"));
        };
        let next = body
            .pointer("/paging/next")
            .and_then(Value::as_str)
            .filter(|n| same_host(n, &self.base))
            .map(str::to_string)
            .or_else(|| {
                let after = body
                    .pointer("/paging/cursors/after")
                    .and_then(Value::as_str)?;
                (data.len() >= limit).then(|| with_after(url, after))
            });
        Ok(Page { data, next })
    }

    pub(super) async fn fetch(
        &self,
        cursor: Option<&str>,
        depth: usize,
    ) -> Result<Fetched, ConnectorError> {
        let lower = graph::lower_bound(cursor);
        let mut pass = Pass::default();
        let truncated = self.posts(lower, depth, &mut pass).await?;
        self.mentions(lower, depth, &mut pass).await?;
        Ok(pass.finish(cursor, lower, depth, truncated))
    }

    /// Walks the brand's posts and their conversations; `true` when more
    /// remained than this pass read.
    async fn posts(
        &self,
        lower: Option<DateTime<Utc>>,
        depth: usize,
        pass: &mut Pass,
    ) -> Result<bool, ConnectorError> {
        let mut url = self.url(&format!(
            "{}/threads?fields={POST_FIELDS}&limit={POSTS}",
            self.user_id
        ));
        let mut watched = 0;
        for _ in 0..MAX_PAGES {
            let page = self.page(&url, POSTS).await?;
            for raw in &page.data {
                let Some(post) = post_ref(raw) else {
                    pass.skip(Network::Threads, "post", raw);
                    continue;
                };
                self.conversation(&post, lower, pass).await?;
                watched += 1;
                let done = match lower {
                    Some(_) => watched >= WATCHED_POSTS,
                    None => pass.items.len() >= depth,
                };
                if done {
                    return Ok(page.next.is_some() || lower.is_none());
                }
            }
            match page.next {
                Some(next) => url = next,
                None => break,
            }
        }
        Ok(false)
    }

    async fn conversation(
        &self,
        post: &PostRef,
        lower: Option<DateTime<Utc>>,
        pass: &mut Pass,
    ) -> Result<(), ConnectorError> {
        let mut url = self.url(&format!(
            "{}/conversation?fields={REPLY_FIELDS}&reverse=true&limit={REPLIES}",
            post.id
        ));
        for _ in 0..MAX_PAGES {
            let page = self.page(&url, REPLIES).await?;
            let mut older = false;
            for raw in &page.data {
                match self.item(Some(post), raw) {
                    Some(item) if lower.is_some_and(|l| item.remote.created_at < l) => older = true,
                    Some(item) => pass.add(item),
                    None => pass.skip(Network::Threads, "reply", raw),
                }
            }
            match page.next {
                Some(next) if !older => url = next,
                _ => break,
            }
        }
        Ok(())
    }

    /// Posts that mention the brand. The path is UNCONFIRMED in networks.md
    /// (only the `threads_manage_mentions` permission is documented); an
    /// account without that permission still syncs its replies.
    async fn mentions(
        &self,
        lower: Option<DateTime<Utc>>,
        depth: usize,
        pass: &mut Pass,
    ) -> Result<(), ConnectorError> {
        let mut url = self.url(&format!(
            "{}/mentions?fields={REPLY_FIELDS}&limit={POSTS}",
            self.user_id
        ));
        let start = pass.items.len();
        for _ in 0..MAX_PAGES {
            let page = match self.page(&url, POSTS).await {
                Ok(page) => page,
                Err(e) if e.kind == ErrorKind::PermissionMissing => {
                    tracing::info!(error = %e, "threads: mentions not readable with this token");
                    return Ok(());
                }
                Err(e) => return Err(e),
            };
            let mut older = false;
            for raw in &page.data {
                match self.item(None, raw) {
                    Some(item) if lower.is_some_and(|l| item.remote.created_at < l) => older = true,
                    Some(item) => pass.add(item),
                    None => pass.skip(Network::Threads, "mention", raw),
                }
            }
            let full = lower.is_none() && pass.items.len() - start >= depth;
            match page.next {
                Some(next) if !older && !full => url = next,
                _ => break,
            }
        }
        Ok(())
    }

    /// One reply (under `post`) or mention (no post); `None` when unreadable.
    pub(super) fn item(&self, post: Option<&PostRef>, v: &Value) -> Option<Item> {
        let id = str_of(v, "id")?;
        let created = time(v.get("timestamp"))?;
        let text = match v.get("text") {
            None | Some(Value::Null) => String::new(),
            Some(t) => t.as_str()?.to_string(),
        };
        // `username` is only given for public profiles and ourselves (§7):
        // keep the item with an unknown author rather than drop it.
        let username = str_of(v, "username");
        let from_us = v.get("is_reply_owned_by_me").and_then(Value::as_bool) == Some(true)
            || username == Some(self.account.as_str());
        let author = username.map_or_else(Author::default, |u| Author {
            id: u.to_string(),
            handle: u.to_string(),
            display_name: u.to_string(),
            profile_url: Some(format!("https://www.threads.net/@{u}")),
            followers: None,
        });
        let nested_id = |k: &str| v.get(k).and_then(|o| str_of(o, "id")).map(str::to_string);
        let quote = v.get("is_quote_post").and_then(Value::as_bool) == Some(true);
        let (kind, thread, parent) = match post {
            Some(p) => (
                Kind::Reply,
                Some(nested_id("root_post").unwrap_or_else(|| p.id.clone())),
                nested_id("replied_to").or_else(|| Some(p.id.clone())),
            ),
            None if quote => (Kind::Quote, None, None),
            None => (Kind::Mention, None, None),
        };
        // HIDDEN is ours (manage_reply, or cascaded from a hidden top-level
        // reply); COVERED/BLOCKED/RESTRICTED are Threads' own filters,
        // not a hide we can undo, so they are not read as "hidden".
        let hidden = str_of(v, "hide_status") == Some("HIDDEN");
        // `has_replies` is a bool, not a count: 1 reads "at least one".
        let has_replies = v.get("has_replies").and_then(Value::as_bool);
        Some(Item::new(Remote {
            network: Network::Threads,
            account: self.account.clone(),
            native_id: id.to_string(),
            kind,
            thread_id: thread,
            parent_id: parent,
            post: post.cloned(),
            author,
            text,
            lang: None,
            created_at: created,
            permalink: str_of(v, "permalink").map(str::to_string),
            engagement: Engagement {
                likes: None,
                replies: has_replies.map(u64::from),
                shares: None,
            },
            from_us,
            moderation: Moderation {
                hidden,
                liked: false,
                deleted: false,
            },
        }))
    }
}

fn post_ref(p: &Value) -> Option<PostRef> {
    Some(PostRef {
        id: str_of(p, "id")?.to_string(),
        text: str_of(p, "text").unwrap_or_default().to_string(),
        permalink: str_of(p, "permalink").map(str::to_string),
        created_at: Some(time(p.get("timestamp"))?),
    })
}

fn host(u: &str) -> Option<&str> {
    u.split("://").nth(1)?.split('/').next()
}

/// The bearer token only goes to our own host.
fn same_host(next: &str, base: &str) -> bool {
    host(next).is_some() && host(next) == host(base)
}

/// `url` with its `after` parameter set to `after`.
fn with_after(url: &str, after: &str) -> String {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let mut parts: Vec<String> = query
        .split('&')
        .filter(|kv| !kv.is_empty() && !kv.starts_with("after="))
        .map(str::to_string)
        .collect();
    let encoded: String = after
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    parts.push(format!("after={encoded}"));
    format!("{path}?{}", parts.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_helpers() {
        assert_eq!(
            with_after("http://h/v1.0/1/conversation?fields=id&after=A", "QV=="),
            "http://h/v1.0/1/conversation?fields=id&after=QV%3D%3D"
        );
        assert!(same_host(
            "https://graph.threads.net/v1.0/x",
            "https://graph.threads.net"
        ));
        assert!(!same_host(
            "https://evil.example/v1.0/x",
            "https://graph.threads.net"
        ));
    }
}
