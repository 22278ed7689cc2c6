//! Reading a channel's comments (§4): `commentThreads.list` with
//! `allThreadsRelatedToChannelId`, `order=time`, `textFormat=plainText`,
//! `maxResults=100`, paged by `pageToken`; once for `published` comments and
//! once for `moderationStatus=heldForReview` (what we hid, and what YouTube
//! held), so `moderation.hidden` comes from the network. Replies inlined in
//! a thread are a subset: when `totalReplyCount` exceeds them, the rest
//! come from `comments.list?parentId=`.
//!
//! Incremental scheme (YouTube has no `since`): threads come newest first
//! by their top-level comment. The cursor ([`SyncCursor`], JSON) keeps the
//! newest `publishedAt` seen and, for threads started within
//! [`REPLY_LOOKBACK`] of it, their `totalReplyCount`. A pass reads threads
//! down to `since − OVERLAP − REPLY_LOOKBACK`, keeps comments published
//! since `since − OVERLAP` (the store dedupes the overlap), and fetches a
//! thread's replies only when its count changed. So a new reply on a
//! thread up to a week old is seen, one on an older thread is not (its
//! thread never comes back to the top: a documented gap, the same as on
//! the YouTube Studio "newest" view). UNCONFIRMED: that `order=time` sorts
//! threads by the top-level comment's time (a new reply not bumping its
//! thread) and which replies are inlined; this reading works either way,
//! since a changed `totalReplyCount` always fetches the whole reply list.
//!
//! Quota pacing: reads never dip into the last [`WRITE_RESERVE`] units (kept
//! for replies and moderation). A pass that runs out of budget stops: on a
//! first sync it keeps what it read (`truncated`); on a later pass it keeps
//! the items but not a new cursor (the next pass starts from the same
//! place, so nothing is skipped); with no budget for even one page it
//! fails as rate-limited until the Pacific-midnight reset.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, TimeDelta, Utc};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::YouTubeConnector;
use super::client::err;
use crate::model::{Author, Engagement, Item, Kind, Moderation, Network, PostRef, Remote};
use crate::networks::connector::Fetched;
use crate::networks::error::{ConnectorError, ErrorKind};
use crate::networks::graph::Pass;
use crate::networks::quota::YouTubeCall;

/// Entries per page (the documented maximum).
const PAGE: &str = "100";
/// Safety stop on any one paged list, whatever the backlog.
const MAX_PAGES: usize = 100;
/// How far before the cursor a pass keeps comments again.
pub const OVERLAP: TimeDelta = TimeDelta::minutes(5);
/// How old a thread may be and still be watched for new replies.
pub const REPLY_LOOKBACK: TimeDelta = TimeDelta::days(7);
/// Units a sync pass leaves for writes (ten replies or moderations).
pub const WRITE_RESERVE: u32 = 500;
/// The two lists a pass reads.
const STATUSES: [Option<&str>; 2] = [None, Some("heldForReview")];

/// What the sync cursor holds.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncCursor {
    /// The newest `publishedAt` seen.
    pub since: Option<DateTime<Utc>>,
    /// `totalReplyCount` of recent threads, by thread id.
    #[serde(default)]
    pub replies: BTreeMap<String, u64>,
}

impl SyncCursor {
    pub fn parse(raw: Option<&str>) -> SyncCursor {
        raw.and_then(|r| serde_json::from_str(r).ok())
            .unwrap_or_default()
    }
}

/// One pass's bookkeeping besides the items.
struct Walk {
    lower: Option<DateTime<Utc>>,
    horizon: Option<DateTime<Utc>>,
    depth: usize,
    old: SyncCursor,
    /// Thread id → (top-level time, totalReplyCount) of the threads walked.
    threads: HashMap<String, (DateTime<Utc>, u64)>,
    /// The read budget ran out.
    starved: bool,
    /// Pages read in this pass.
    pages: usize,
    /// More remained when the depth limit stopped a first sync.
    more: bool,
}

impl YouTubeConnector {
    pub(super) async fn fetch_all(
        &self,
        cursor: Option<&str>,
        depth: usize,
    ) -> Result<Fetched, ConnectorError> {
        let old = SyncCursor::parse(cursor);
        let lower = old.since.map(|s| s - OVERLAP);
        let mut walk = Walk {
            lower,
            horizon: lower.map(|l| l - REPLY_LOOKBACK),
            depth,
            old,
            threads: HashMap::new(),
            starved: false,
            pages: 0,
            more: false,
        };
        let mut pass = Pass::default();
        for status in STATUSES {
            self.threads(status, &mut walk, &mut pass).await?;
            if walk.starved {
                break;
            }
        }
        if walk.starved && walk.pages == 0 {
            let until = self.client.ledger().resets_at;
            return Err(err(
                ErrorKind::RateLimited { until },
                format!(
                    "daily quota: {} units left, kept for replies and moderation; reading waits for the reset",
                    self.client.remaining()
                ),
            ));
        }
        let newest = pass.newest.or(walk.old.since);
        let first = walk.lower.is_none();
        let keep_old = walk.starved && !first;
        let mut fetched = pass.finish(None, walk.lower, depth, walk.more || walk.starved);
        fetched.truncated |= walk.starved;
        fetched.cursor = if keep_old {
            None
        } else {
            let since = newest;
            let replies = walk
                .threads
                .iter()
                .filter(|(_, (at, _))| since.is_none_or(|s| *at >= s - REPLY_LOOKBACK))
                .map(|(id, (_, n))| (id.clone(), *n))
                .collect();
            serde_json::to_string(&SyncCursor { since, replies }).ok()
        };
        Ok(fetched)
    }

    /// Whether the read budget allows one more list call.
    fn affordable(&self, walk: &mut Walk) -> bool {
        let ok = self.client.remaining() > WRITE_RESERVE;
        if !ok {
            walk.starved = true;
        }
        ok
    }

    async fn threads(
        &self,
        status: Option<&str>,
        walk: &mut Walk,
        pass: &mut Pass,
    ) -> Result<(), ConnectorError> {
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            if !self.affordable(walk) {
                return Ok(());
            }
            let mut query = vec![
                ("part", "snippet,replies"),
                ("allThreadsRelatedToChannelId", self.channel_id.as_str()),
                ("maxResults", PAGE),
                ("order", "time"),
                ("textFormat", "plainText"),
            ];
            if let Some(s) = status {
                query.push(("moderationStatus", s));
            }
            if let Some(t) = token.as_deref() {
                query.push(("pageToken", t));
            }
            let body = self
                .client
                .call(
                    YouTubeCall::CommentThreadsList,
                    Method::GET,
                    "commentThreads",
                    &query,
                    None,
                )
                .await?;
            walk.pages += 1;
            let (items, next) = list(&body)?;
            let mut older = false;
            for thread in items {
                match self.thread(thread, walk, pass).await? {
                    Some(true) => {}
                    Some(false) => {
                        older = true;
                        break;
                    }
                    None => pass.skip(Network::YouTube, "comment thread", thread),
                }
                if walk.starved {
                    return Ok(());
                }
            }
            if walk.lower.is_none() && pass.items.len() >= walk.depth {
                walk.more |= next.is_some();
                return Ok(());
            }
            match next {
                Some(n) if !older => token = Some(n),
                _ => return Ok(()),
            }
        }
        Ok(())
    }

    /// Reads one thread into `pass`: `Some(false)` when it is past the
    /// horizon (stop), `None` when it cannot be read.
    async fn thread(
        &self,
        thread: &Value,
        walk: &mut Walk,
        pass: &mut Pass,
    ) -> Result<Option<bool>, ConnectorError> {
        let Some(mut top) = thread
            .pointer("/snippet/topLevelComment")
            .and_then(|c| self.comment(c))
        else {
            return Ok(None);
        };
        let at = top.remote.created_at;
        if walk.horizon.is_some_and(|h| at < h) {
            return Ok(Some(false));
        }
        let id = top.remote.native_id.clone();
        let total = thread
            .pointer("/snippet/totalReplyCount")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        top.remote.engagement.replies = Some(total);
        walk.threads.insert(id.clone(), (at, total));
        let fresh = |item: &Item| walk.lower.is_none_or(|l| item.remote.created_at >= l);
        if fresh(&top) {
            pass.add(top);
        }
        let inlined = thread
            .pointer("/replies/comments")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        for raw in inlined {
            match self.comment(raw) {
                Some(reply) if fresh(&reply) => pass.add(reply),
                Some(_) => {}
                None => pass.skip(Network::YouTube, "reply", raw),
            }
        }
        let changed = walk.lower.is_none() || walk.old.replies.get(&id) != Some(&total);
        if total > inlined.len() as u64 && changed {
            self.replies(&id, walk, pass).await?;
        }
        Ok(Some(true))
    }

    /// Every reply of thread `parent` through `comments.list?parentId=`.
    async fn replies(
        &self,
        parent: &str,
        walk: &mut Walk,
        pass: &mut Pass,
    ) -> Result<(), ConnectorError> {
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            if !self.affordable(walk) {
                return Ok(());
            }
            let mut query = vec![
                ("part", "snippet"),
                ("parentId", parent),
                ("maxResults", PAGE),
                ("textFormat", "plainText"),
            ];
            if let Some(t) = token.as_deref() {
                query.push(("pageToken", t));
            }
            let body = self
                .client
                .call(
                    YouTubeCall::CommentsList,
                    Method::GET,
                    "comments",
                    &query,
                    None,
                )
                .await?;
            walk.pages += 1;
            let (items, next) = list(&body)?;
            for raw in items {
                match self.comment(raw) {
                    Some(r) if walk.lower.is_none_or(|l| r.remote.created_at >= l) => pass.add(r),
                    Some(_) => {}
                    None => pass.skip(Network::YouTube, "reply", raw),
                }
            }
            match next {
                Some(n) => token = Some(n),
                None => return Ok(()),
            }
        }
        Ok(())
    }

    /// A `youtube#comment` resource as an item; `None` when unreadable.
    pub(super) fn comment(&self, c: &Value) -> Option<Item> {
        let id = c.get("id")?.as_str()?.to_string();
        let s = c.get("snippet")?;
        let text_of = |k: &str| s.get(k).and_then(Value::as_str);
        let created = DateTime::parse_from_rfc3339(text_of("publishedAt")?)
            .ok()?
            .with_timezone(&Utc);
        let text = text_of("textDisplay")
            .or(text_of("textOriginal"))?
            .to_string();
        let author_id = s
            .pointer("/authorChannelId/value")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let name = text_of("authorDisplayName").unwrap_or_default().to_string();
        let parent = text_of("parentId").map(str::to_string);
        let video = text_of("videoId").map(str::to_string);
        let place = video
            .clone()
            .or_else(|| text_of("channelId").map(str::to_string));
        let status = text_of("moderationStatus");
        let count = |k: &str| s.get(k).and_then(Value::as_u64);
        Some(Item::new(Remote {
            network: Network::YouTube,
            account: self.account.clone(),
            native_id: id.clone(),
            kind: if parent.is_some() {
                Kind::Reply
            } else {
                Kind::Comment
            },
            thread_id: place.clone(),
            parent_id: parent,
            post: video.as_ref().map(|v| PostRef {
                id: v.clone(),
                text: String::new(),
                permalink: Some(format!("https://www.youtube.com/watch?v={v}")),
                created_at: None,
            }),
            from_us: author_id == self.channel_id,
            author: Author {
                id: author_id,
                handle: name.clone(),
                display_name: name,
                profile_url: text_of("authorChannelUrl").map(str::to_string),
                followers: None,
            },
            text,
            lang: None,
            created_at: created,
            permalink: video.map(|v| format!("https://www.youtube.com/watch?v={v}&lc={id}")),
            engagement: Engagement {
                likes: count("likeCount"),
                replies: None,
                shares: None,
            },
            moderation: Moderation {
                hidden: matches!(status, Some("heldForReview" | "likelySpam" | "rejected")),
                liked: false,
                deleted: false,
            },
        }))
    }
}

/// A list response's `items` and `nextPageToken`.
fn list(body: &Value) -> Result<(&[Value], Option<String>), ConnectorError> {
    let items = body
        .get("items")
        .and_then(Value::as_array)
        .ok_or_else(|| err(ErrorKind::BadPayload, "expected {\"items\": [...]}"))?;
    let next = body
        .get("nextPageToken")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .map(str::to_string);
    Ok((items, next))
}
