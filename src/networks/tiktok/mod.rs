//! TikTok connector (`reference/networks.md` §5): comments and replies on
//! the account's own videos through the TikTok API for Business "TikTok
//! Accounts" API, `/open_api/v1.3`, with the account holder's access token
//! in the `Access-Token` header and the account's `open_id` as
//! `business_id` on every call.
//!
//! Reading is in `read.rs`, the client and its envelope in `wire.rs`,
//! the refresh of the 24-hour access token in `session.rs`.
//! Writing: reply (`business/comment/reply/create/`), like/unlike
//! (`business/comment/like/`), hide/unhide (`business/comment/hide/`),
//! delete our own comments (`business/comment/delete/`), each checked
//! against `Capabilities` first. TikTok has no block or mute call here and
//! no DM API for this app (the 48-hour window is only noted in
//! capabilities): the connector never reads or sends DMs.
//!
//! Ids are always strings: comment and video ids are 19 digits, beyond what
//! a float keeps, so an id that arrives as a JSON number is unreadable and
//! the entry is skipped rather than rounded.

mod read;
mod session;
mod wire;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::model::{Author, Engagement, Item, Kind, Moderation, Network, PostRef, Remote};
use crate::networks::capabilities::Capability;
use crate::networks::connector::{Act, Connector, Fetched, unsupported};
use crate::networks::count::count;
use crate::networks::error::{ConnectorError, ErrorKind};
use crate::networks::graph::{self, Pass};

pub use read::{VIDEO_FIELDS, WATCHED_VIDEOS};
pub use session::{REFRESH_PATH, Refreshed, check_refresh};
use wire::{Wire, err};

/// The API host; the version path is added by [`TikTokConnector::new`].
pub const DEFAULT_BASE: &str = "https://business-api.tiktok.com";
/// The version path guichet is written against.
pub const API_PATH: &str = "open_api/v1.3";

#[derive(Debug, Clone)]
pub struct TikTokConnector {
    /// The account's name in item ids (`tiktok:{account}:…`).
    account: String,
    /// The account holder's `open_id`, sent as `business_id`.
    business_id: String,
    wire: Wire,
}

impl TikTokConnector {
    /// `base` is the API host ([`DEFAULT_BASE`], or the sandbox's
    /// `http://127.0.0.1:P/tiktok`); `/open_api/v1.3` is added here.
    /// `account` names the account in item ids (its handle), `business_id`
    /// is the `open_id` the token answer gave, `token` the account holder's
    /// access token (24 h; see [`TikTokConnector::with_refresh`] to keep
    /// one alive from a refresh token).
    pub fn new(
        base: &str,
        account: &str,
        business_id: &str,
        token: &str,
    ) -> Result<TikTokConnector, ConnectorError> {
        let root = format!("{}/{API_PATH}", base.trim_end_matches('/'));
        Ok(TikTokConnector {
            account: account.to_string(),
            business_id: business_id.to_string(),
            wire: Wire::new(&root, token)?,
        })
    }

    /// The video and the top-level comment a write on `item` goes under.
    /// TikTok threads have one level of replies (`parent_comment_id` is a
    /// top-level comment), so answering a reply answers in its thread:
    /// the reply goes under the reply's parent. UNCONFIRMED whether
    /// `reply/create` would take a reply's own id; the parent is the
    /// reading that works either way.
    fn under(&self, item: &Item) -> Result<(String, String), ConnectorError> {
        let r = &item.remote;
        let video = r
            .thread_id
            .clone()
            .or_else(|| r.post.as_ref().map(|p| p.id.clone()))
            .ok_or_else(|| err(ErrorKind::Rejected, "this comment's video is unknown"))?;
        let comment = match (r.kind, &r.parent_id) {
            (Kind::Reply, Some(parent)) => parent.clone(),
            _ => r.native_id.clone(),
        };
        Ok((video, comment))
    }

    async fn write(&self, path: &str, body: Value) -> Result<Value, ConnectorError> {
        self.wire.post(path, &body).await
    }
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// `create_time`: Unix seconds, a string in the documented example; a
/// number is accepted too (times fit a float, unlike ids).
fn unix_time(v: Option<&Value>) -> Option<DateTime<Utc>> {
    let secs = match v? {
        Value::String(s) => s.trim().parse::<i64>().ok()?,
        Value::Number(n) => n.as_i64()?,
        _ => return None,
    };
    DateTime::from_timestamp(secs, 0)
}

/// A video of `business/video/list/` as the post items hang under.
fn video_ref(v: &Value) -> Option<PostRef> {
    Some(PostRef {
        id: str_of(v, "item_id").filter(|s| !s.is_empty())?.to_string(),
        text: str_of(v, "caption").unwrap_or_default().to_string(),
        permalink: str_of(v, "share_url").map(str::to_string),
        created_at: unix_time(v.get("create_time")),
    })
}

/// One comment or reply (`parent`: the top-level comment it was listed
/// under); `None` when it cannot be read.
fn comment_item(account: &str, video: &PostRef, c: &Value, parent: Option<&str>) -> Option<Item> {
    let id = str_of(c, "comment_id").filter(|s| !s.is_empty())?;
    let created = unix_time(c.get("create_time"))?;
    let text = match c.get("text") {
        None | Some(Value::Null) => String::new(),
        Some(v) => v.as_str()?.to_string(),
    };
    let parent = match c.get("parent_comment_id") {
        Some(Value::String(p)) if !p.is_empty() => Some(p.clone()),
        None | Some(Value::Null) => parent.map(str::to_string),
        Some(Value::String(_)) => parent.map(str::to_string),
        Some(_) => return None, // an id that is not a string
    };
    let username = str_of(c, "username").unwrap_or_default();
    let author = Author {
        // `unique_identifier` is the commenter's stable id (`user_id` is
        // deprecated, §5).
        id: str_of(c, "unique_identifier")
            .or_else(|| str_of(c, "user_id"))
            .unwrap_or_default()
            .to_string(),
        handle: username.to_string(),
        display_name: str_of(c, "display_name").unwrap_or(username).to_string(),
        profile_url: (!username.is_empty()).then(|| format!("https://www.tiktok.com/@{username}")),
        followers: None,
    };
    let count = |k: &str| c.get(k).and_then(Value::as_u64);
    Some(Item::new(Remote {
        network: Network::TikTok,
        account: account.to_string(),
        native_id: id.to_string(),
        kind: if parent.is_some() {
            Kind::Reply
        } else {
            Kind::Comment
        },
        thread_id: Some(video.id.clone()),
        parent_id: parent,
        post: Some(video.clone()),
        // `owner`: written by the video's owner, i.e. by us (we only list
        // our own videos).
        from_us: c.get("owner").and_then(Value::as_bool) == Some(true),
        author,
        text,
        lang: None,
        created_at: created,
        // Comments have no URL of their own: the video's.
        permalink: video.permalink.clone(),
        engagement: Engagement {
            likes: count("likes"),
            replies: count("replies"),
            shares: None,
        },
        moderation: Moderation {
            hidden: str_of(c, "status") == Some("HIDDEN"),
            liked: c.get("liked").and_then(Value::as_bool) == Some(true),
            deleted: false,
        },
    }))
}

impl Connector for TikTokConnector {
    fn network(&self) -> Network {
        Network::TikTok
    }

    fn account(&self) -> &str {
        &self.account
    }

    async fn fetch_new(
        &self,
        cursor: Option<&str>,
        depth: usize,
    ) -> Result<Fetched, ConnectorError> {
        let lower = graph::lower_bound(cursor);
        let mut pass = Pass::default();
        let truncated = self.read(lower, depth, &mut pass).await?;
        Ok(pass.finish(cursor, lower, depth, truncated))
    }

    async fn reply(&self, item: &Item, text: &str, _key: &str) -> Result<String, ConnectorError> {
        graph::permit(Network::TikTok, false, Capability::Reply, item)?;
        let counted = count(Network::TikTok, text);
        if !counted.fits() {
            let why = counted.problem().unwrap_or_else(|| "too long".to_string());
            return Err(err(ErrorKind::Rejected, why));
        }
        let (video, comment) = self.under(item)?;
        // No idempotency key in the API; `find_reply` covers uncertain sends.
        let data = self
            .write(
                "business/comment/reply/create/",
                json!({
                    "business_id": self.business_id,
                    "video_id": video,
                    "comment_id": comment,
                    "text": text,
                }),
            )
            .await?;
        str_of(&data, "comment_id")
            .map(str::to_string)
            .ok_or_else(|| err(ErrorKind::BadPayload, "the reply answer has no comment_id"))
    }

    async fn find_reply(&self, item: &Item, text: &str) -> Result<Option<String>, ConnectorError> {
        let (video, comment) = self.under(item)?;
        // A hidden parent has no reply list (§5): read it with its inlined
        // replies instead.
        let (path, key) = if item.remote.moderation.hidden {
            ("business/comment/list/", "comment_ids")
        } else {
            ("business/comment/reply/list/", "comment_id")
        };
        let mut q = self.list_query(&video);
        if item.remote.moderation.hidden {
            q.push((key, json!([comment]).to_string()));
            q.push(("include_replies", "true".to_string()));
        } else {
            q.push((key, comment));
        }
        let data = self.wire.get(path, &q).await?;
        let entries = data.get("comments").and_then(Value::as_array);
        let replies: Vec<&Value> = if item.remote.moderation.hidden {
            entries
                .into_iter()
                .flatten()
                .filter_map(|c| c.get("reply_list").and_then(Value::as_array))
                .flatten()
                .collect()
        } else {
            entries.into_iter().flatten().collect()
        };
        Ok(replies.into_iter().find_map(|r| {
            let ours = r.get("owner").and_then(Value::as_bool) == Some(true);
            let same = str_of(r, "text").map(str::trim) == Some(text.trim());
            let after =
                unix_time(r.get("create_time")).is_some_and(|t| t >= item.remote.created_at);
            (ours && same && after).then(|| str_of(r, "comment_id").map(str::to_string))?
        }))
    }

    async fn act(&self, item: &Item, act: Act, _key: &str) -> Result<String, ConnectorError> {
        let id = item.remote.native_id.clone();
        graph::permit(Network::TikTok, false, act.capability(), item)?;
        let business_id = self.business_id.clone();
        match act {
            // The unlike value is UNCONFIRMED (§5); "unlike" mirrors "like".
            Act::Like | Act::Unlike => {
                let action = if act == Act::Like { "like" } else { "unlike" };
                self.write(
                    "business/comment/like/",
                    json!({ "business_id": business_id, "comment_id": id, "action": action }),
                )
                .await?;
            }
            Act::Hide | Act::Unhide => {
                let (video, _) = self.under(item)?;
                let action = if act == Act::Hide { "HIDE" } else { "UNHIDE" };
                self.write(
                    "business/comment/hide/",
                    json!({
                        "business_id": business_id,
                        "video_id": video,
                        "comment_id": id,
                        "action": action,
                    }),
                )
                .await?;
            }
            Act::Delete => {
                self.write(
                    "business/comment/delete/",
                    json!({ "business_id": business_id, "comment_id": id }),
                )
                .await?;
            }
            Act::Block | Act::Mute | Act::Spam => {
                return Err(unsupported(Network::TikTok, act.as_str()));
            }
        }
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_stay_strings_and_numbers_are_refused() {
        let video = PostRef {
            id: "7414000000000000001".into(),
            ..PostRef::default()
        };
        let c = json!({"comment_id": "7414563327102945025", "create_time": "1789463921",
            "text": "hi", "status": "HIDDEN", "owner": false, "liked": true});
        let item = comment_item("brand", &video, &c, None).unwrap();
        assert_eq!(item.remote.native_id, "7414563327102945025");
        assert!(item.remote.moderation.hidden && item.remote.moderation.liked);
        let n = json!({"comment_id": 7414563327102945025u64, "create_time": "1789463921"});
        assert!(comment_item("brand", &video, &n, None).is_none());
    }

    #[test]
    fn the_token_is_never_shown() {
        let c = TikTokConnector::new(DEFAULT_BASE, "brand", "open-1", "act.secret").unwrap();
        assert!(!format!("{c:?}").contains("act.secret"));
    }
}
