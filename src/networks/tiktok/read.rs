//! Reading the TikTok inbox (`reference/networks.md` §5): the account's
//! videos (`business/video/list/`, newest first), each video's comments
//! (`business/comment/list/` with `include_replies=true`, newest first by
//! `create_time`, `status=ALL` so hidden ones read back hidden), and, when a
//! comment has more replies than the three inlined, its replies
//! (`business/comment/reply/list/`, not available under a hidden parent).
//! Every list pages with `cursor` + `has_more`.
//!
//! Incremental scheme (our choice; TikTok has no "new since" filter): the
//! cursor is the Unix time of the newest item seen, read back minus the
//! shared overlap (`graph::lower_bound`). A later pass watches the
//! [`WATCHED_VIDEOS`] newest videos, pages each one's comments until they
//! are older than that bound, and keeps only items at or after it; the
//! pass dedupes by `comment_id` (§5: past ~500 comments pages may repeat).
//! A new reply under a comment beyond the first page older than the bound
//! is not polled: the `comment.update` webhook is the way to hear of those
//! (not built yet).

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{TikTokConnector, comment_item, video_ref};
use crate::model::{Network, PostRef};
use crate::networks::error::ConnectorError;
use crate::networks::graph::{MAX_PAGES, Pass};

/// `fields` for the video list, a JSON array in the query (§5; `item_id`
/// is required).
pub const VIDEO_FIELDS: &str = r#"["item_id","caption","create_time","share_url"]"#;
/// Videos per page (our choice).
const VIDEOS: &str = "20";
/// Comments (and replies) per page: the documented maximum.
pub const COMMENTS: &str = "30";
/// Videos whose comments an incremental pass reads again.
pub const WATCHED_VIDEOS: usize = 20;
/// Reply lists one pass may read. TikTok allows 40 calls a minute per
/// endpoint (§5); every comment with more than the three inlined replies
/// costs one, so a busy account would otherwise be rate-limited on every
/// pass and never finish one. Spent on the newest comments first; replies
/// beyond it wait for a pass with budget left (or are missed once older
/// than the cursor: the webhook is the real answer).
pub const REPLY_LISTS: usize = 30;

/// One page of a list: `{<key>: [...], "cursor", "has_more"}`.
pub struct Page {
    pub entries: Vec<Value>,
    /// The cursor to send for the next page, when `has_more` says so.
    pub next: Option<String>,
}

impl Page {
    /// `None` when `data` has no `key` array. The cursor is a number in the
    /// documented example; a string is accepted too and sent back as is.
    pub fn of(data: &Value, key: &str, sent: Option<&str>) -> Option<Page> {
        let entries = data.get(key)?.as_array()?.clone();
        let more = data.get("has_more").and_then(Value::as_bool) == Some(true);
        let cursor = match data.get("cursor") {
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            _ => None,
        };
        // A cursor that does not move would loop forever.
        let next = cursor.filter(|c| more && Some(c.as_str()) != sent && !entries.is_empty());
        Some(Page { entries, next })
    }
}

impl TikTokConnector {
    /// Reads the inbox into `pass`; true when more remained past `depth`.
    pub(super) async fn read(
        &self,
        lower: Option<DateTime<Utc>>,
        depth: usize,
        pass: &mut Pass,
    ) -> Result<bool, ConnectorError> {
        let mut cursor: Option<String> = None;
        let mut watched = 0;
        let mut reply_lists = REPLY_LISTS;
        for _ in 0..MAX_PAGES {
            let mut q = vec![
                ("business_id", self.business_id.clone()),
                ("fields", VIDEO_FIELDS.to_string()),
                ("max_count", VIDEOS.to_string()),
            ];
            if let Some(c) = &cursor {
                q.push(("cursor", c.clone()));
            }
            let data = self.wire.get("business/video/list/", &q).await?;
            let page = self.page(&data, "videos", cursor.as_deref())?;
            for raw in &page.entries {
                let Some(video) = video_ref(raw) else {
                    pass.skip(Network::TikTok, "video", raw);
                    continue;
                };
                self.comments(&video, lower, &mut reply_lists, pass).await?;
                watched += 1;
                let done = match lower {
                    Some(_) => watched >= WATCHED_VIDEOS,
                    None => pass.items.len() >= depth,
                };
                if done {
                    return Ok(page.next.is_some() || lower.is_none());
                }
            }
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        Ok(false)
    }

    fn page(&self, data: &Value, key: &str, sent: Option<&str>) -> Result<Page, ConnectorError> {
        Page::of(data, key, sent).ok_or_else(|| {
            super::wire::err(
                crate::networks::error::ErrorKind::BadPayload,
                format!("expected data.{key} to be a list"),
            )
        })
    }

    /// One video's comments, newest first, with their replies;
    /// `reply_lists` is what is left of the pass's reply-list budget.
    async fn comments(
        &self,
        video: &PostRef,
        lower: Option<DateTime<Utc>>,
        reply_lists: &mut usize,
        pass: &mut Pass,
    ) -> Result<(), ConnectorError> {
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut q = self.list_query(&video.id);
            q.push(("include_replies", "true".to_string()));
            if let Some(c) = &cursor {
                q.push(("cursor", c.clone()));
            }
            let data = self.wire.get("business/comment/list/", &q).await?;
            let page = self.page(&data, "comments", cursor.as_deref())?;
            let mut older = false;
            for raw in &page.entries {
                let Some(item) = comment_item(&self.account, video, raw, None) else {
                    pass.skip(Network::TikTok, "comment", raw);
                    continue;
                };
                let id = item.remote.native_id.clone();
                let hidden = item.remote.moderation.hidden;
                if lower.is_some_and(|l| item.remote.created_at < l) {
                    older = true;
                } else {
                    pass.add(item);
                }
                let inline = raw.get("reply_list").and_then(Value::as_array);
                for r in inline.into_iter().flatten() {
                    self.keep_reply(video, &id, r, lower, pass);
                }
                let count = raw.get("replies").and_then(Value::as_u64).unwrap_or(0);
                let shown = inline.map_or(0, |l| l.len() as u64);
                // TikTok inlines at most three replies; a hidden parent has
                // no reply list (§5), so its inlined replies are all we get.
                if count > shown && !hidden {
                    if *reply_lists == 0 {
                        tracing::debug!(comment = %id, "tiktok: reply-list budget spent");
                        continue;
                    }
                    *reply_lists -= 1;
                    self.replies(video, &id, lower, pass).await?;
                }
            }
            match page.next {
                Some(next) if !older => cursor = Some(next),
                _ => break,
            }
        }
        Ok(())
    }

    /// The replies under comment `parent`, newest first, down to `lower`.
    async fn replies(
        &self,
        video: &PostRef,
        parent: &str,
        lower: Option<DateTime<Utc>>,
        pass: &mut Pass,
    ) -> Result<(), ConnectorError> {
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut q = self.list_query(&video.id);
            q.push(("comment_id", parent.to_string()));
            if let Some(c) = &cursor {
                q.push(("cursor", c.clone()));
            }
            let data = self.wire.get("business/comment/reply/list/", &q).await?;
            let page = self.page(&data, "comments", cursor.as_deref())?;
            let mut older = false;
            for raw in &page.entries {
                older |= !self.keep_reply(video, parent, raw, lower, pass);
            }
            match page.next {
                Some(next) if !older => cursor = Some(next),
                _ => break,
            }
        }
        Ok(())
    }

    /// Adds one reply to the pass; false when it is older than `lower`.
    fn keep_reply(
        &self,
        video: &PostRef,
        parent: &str,
        raw: &Value,
        lower: Option<DateTime<Utc>>,
        pass: &mut Pass,
    ) -> bool {
        match comment_item(&self.account, video, raw, Some(parent)) {
            Some(item) if lower.is_some_and(|l| item.remote.created_at < l) => false,
            Some(item) => {
                pass.add(item);
                true
            }
            None => {
                pass.skip(Network::TikTok, "reply", raw);
                true
            }
        }
    }

    /// What every comment and reply list sends.
    pub(super) fn list_query(&self, video_id: &str) -> Vec<(&'static str, String)> {
        vec![
            ("business_id", self.business_id.clone()),
            ("video_id", video_id.to_string()),
            ("status", "ALL".to_string()),
            ("sort_field", "create_time".to_string()),
            ("sort_order", "desc".to_string()),
            ("max_count", COMMENTS.to_string()),
        ]
    }
}
