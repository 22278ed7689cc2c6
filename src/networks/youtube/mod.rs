//! YouTube Data API v3 connector (`reference/networks.md` §4): the comments
//! on a channel's videos, with a Google OAuth access token (scope
//! `youtube.force-ssl`), and the daily unit quota accounted on every call.
//!
//! - `client`: our own reqwest client (writes answer `204`), the shared
//!   retry policy, and the [`QuotaDay`] ledger charged before each attempt;
//! - `read`: `commentThreads.list` (+ `comments.list?parentId=`) into items,
//!   the incremental cursor and the quota pacing of a sync pass.
//!
//! Writing: reply (`POST comments?part=snippet` with `parentId`, always the
//! top-level comment: YouTube has one reply level), hide / unhide / block
//! through `comments/setModerationStatus` (`heldForReview`, `published`,
//! `rejected` + `banAuthor=true`), [`YouTubeConnector::reject`] (the
//! permanent `rejected`), which is also what marking spam does
//! ([`Act::Spam`]: `comments.markAsSpam` is deprecated), delete of our own comments
//! (`DELETE comments?id=`). No like, no mute, no report, no DMs (§4): refused by the
//! capability table before anything is sent.
//!
//! Tokens: the access token comes from `token_cmd` and lives in memory
//! only; `Debug` redacts it. With the OAuth client configured
//! (`session.rs`), `token_cmd` prints the refresh token from `guichet login
//! youtube` and the connector gets access tokens itself; otherwise an
//! expired token is `AuthExpired` and `token_cmd` must print a fresh one.

mod client;
mod read;
mod session;

use chrono::Utc;
use reqwest::Method;
use serde_json::{Value, json};

use super::capabilities::{Capability, Target, capabilities};
use super::connector::{Act, Connector, Fetched};
use super::error::{ConnectorError, ErrorKind};
use super::quota::{QuotaDay, YOUTUBE_DAILY_UNITS, YouTubeCall};
use crate::model::{Item, Kind, Network};
use client::{Client, err};

pub use read::{OVERLAP, REPLY_LOOKBACK, SyncCursor, WRITE_RESERVE};
pub use session::{DEFAULT_TOKEN_URL, OAuthClient};

/// The real API's host (paths are `/youtube/v3/...`).
pub const DEFAULT_BASE: &str = "https://www.googleapis.com";

#[derive(Debug, Clone)]
pub struct YouTubeConnector {
    /// The channel's name in item ids (`youtube:{account}:…`).
    account: String,
    /// The brand's channel id (`UC…`): what `allThreadsRelatedToChannelId`
    /// reads, and how our own comments are recognised.
    channel_id: String,
    client: Client,
}

impl YouTubeConnector {
    /// `base` is the API host ([`DEFAULT_BASE`], or the sandbox's
    /// `http://127.0.0.1:P/youtube`); `/youtube/v3` is added here.
    /// `account` is the handle used in item ids, `channel_id` the `UC…` id,
    /// `token` a Google OAuth access token with `youtube.force-ssl`. The
    /// quota starts at the default 10,000 units, nothing spent.
    pub fn new(
        base: &str,
        account: &str,
        channel_id: &str,
        token: &str,
    ) -> Result<YouTubeConnector, ConnectorError> {
        Ok(YouTubeConnector {
            account: account.trim_start_matches('@').to_string(),
            channel_id: channel_id.to_string(),
            client: Client::new(base, token, YOUTUBE_DAILY_UNITS)?,
        })
    }

    /// The same connector for a project with another daily allocation, and
    /// `used` units already spent today (what an earlier run recorded).
    pub fn with_quota(self, daily: u32, used: u32) -> YouTubeConnector {
        {
            let mut day = self.client.ledger();
            *day = QuotaDay::new(daily, Utc::now());
            day.used = used.min(daily);
        }
        self
    }

    /// Today's quota as this connector has spent it (all clones share it).
    pub fn quota(&self) -> QuotaDay {
        let mut day = self.client.ledger();
        let _ = day.remaining(Utc::now());
        *day
    }

    /// Units spent today.
    pub fn quota_used(&self) -> u32 {
        self.quota().used
    }

    /// Rejects the comment (`moderationStatus=rejected`): hidden with its
    /// replies, permanently (it cannot be published again, §4).
    pub async fn reject(&self, item: &Item) -> Result<String, ConnectorError> {
        self.check(Capability::Reject, item)?;
        self.moderate(item, "rejected", false).await
    }

    /// Checks `action` against the capability table (§4) before sending.
    fn check(&self, action: Capability, item: &Item) -> Result<(), ConnectorError> {
        let target = Target {
            hidden: item.remote.moderation.hidden,
            ..Target::from_remote(&item.remote)
        };
        capabilities(Network::YouTube)
            .check(action, &target, Utc::now())
            .map(|_| ())
            .map_err(|no| {
                let kind = if capabilities(Network::YouTube).allows(action) {
                    ErrorKind::Rejected
                } else {
                    ErrorKind::PermissionMissing
                };
                err(kind, no.reason)
            })
    }

    async fn moderate(
        &self,
        item: &Item,
        status: &str,
        ban: bool,
    ) -> Result<String, ConnectorError> {
        let id = item.remote.native_id.as_str();
        let mut query = vec![("id", id), ("moderationStatus", status)];
        if ban {
            query.push(("banAuthor", "true"));
        }
        self.client
            .call(
                YouTubeCall::SetModerationStatus,
                Method::POST,
                "comments/setModerationStatus",
                &query,
                None,
            )
            .await?;
        Ok(id.to_string())
    }

    /// The top-level comment a reply to `item` goes under.
    fn parent_of(item: &Item) -> &str {
        match (item.remote.kind, item.remote.parent_id.as_deref()) {
            (Kind::Reply, Some(top)) => top,
            _ => &item.remote.native_id,
        }
    }
}

impl Connector for YouTubeConnector {
    fn quota(&self) -> Option<QuotaDay> {
        Some(YouTubeConnector::quota(self))
    }

    fn carry_quota(&self, saved: &QuotaDay) {
        self.client.ledger().carry_over(saved, Utc::now());
    }

    fn network(&self) -> Network {
        Network::YouTube
    }

    fn account(&self) -> &str {
        &self.account
    }

    async fn fetch_new(
        &self,
        cursor: Option<&str>,
        depth: usize,
    ) -> Result<Fetched, ConnectorError> {
        self.fetch_all(cursor, depth).await
    }

    async fn reply(&self, item: &Item, text: &str, _key: &str) -> Result<String, ConnectorError> {
        self.check(Capability::Reply, item)?;
        // No idempotency key in the API; `find_reply` covers uncertain sends.
        let body = json!({ "snippet": {
            "parentId": Self::parent_of(item),
            "textOriginal": text,
        }});
        let answer = self
            .client
            .call(
                YouTubeCall::CommentsInsert,
                Method::POST,
                "comments",
                &[("part", "snippet")],
                Some(&body),
            )
            .await?;
        answer
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| err(ErrorKind::BadPayload, "comments.insert gave no id"))
    }

    async fn find_reply(&self, item: &Item, text: &str) -> Result<Option<String>, ConnectorError> {
        let parent = Self::parent_of(item);
        let mut token: Option<String> = None;
        for _ in 0..20 {
            let mut query = vec![
                ("part", "snippet"),
                ("parentId", parent),
                ("maxResults", "100"),
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
            let items = body.get("items").and_then(Value::as_array);
            let found = items.into_iter().flatten().find_map(|c| {
                let reply = self.comment(c)?;
                let ours = reply.remote.from_us && reply.remote.text.trim() == text.trim();
                let after = reply.remote.created_at >= item.remote.created_at;
                (ours && after).then_some(reply.remote.native_id)
            });
            if found.is_some() {
                return Ok(found);
            }
            match body.get("nextPageToken").and_then(Value::as_str) {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => return Ok(None),
            }
        }
        Ok(None)
    }

    async fn act(&self, item: &Item, act: Act, _key: &str) -> Result<String, ConnectorError> {
        self.check(act.capability(), item)?;
        match act {
            Act::Hide => self.moderate(item, "heldForReview", false).await,
            Act::Unhide => self.moderate(item, "published", false).await,
            // `banAuthor` only goes with `rejected` (else `banWithoutReject`).
            Act::Block => self.moderate(item, "rejected", true).await,
            // `markAsSpam` is deprecated (§4): spam is rejected, for good.
            Act::Spam => self.moderate(item, "rejected", false).await,
            Act::Delete => {
                let id = item.remote.native_id.as_str();
                self.client
                    .call(
                        YouTubeCall::CommentsDelete,
                        Method::DELETE,
                        "comments",
                        &[("id", id)],
                        None,
                    )
                    .await?;
                Ok(id.to_string())
            }
            // Refused by `check` already (no such call on YouTube, §4).
            Act::Like | Act::Unlike | Act::Mute => Err(super::connector::unsupported(
                Network::YouTube,
                act.as_str(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_token() {
        let c = YouTubeConnector::new(DEFAULT_BASE, "brand", "UCx", "ya29.secret-token").unwrap();
        assert!(!format!("{c:?}").contains("ya29.secret-token"));
    }

    #[test]
    fn cursors_round_trip_and_garbage_means_first_sync() {
        let c = SyncCursor {
            since: Some(Utc::now()),
            replies: [("Ugx1".to_string(), 3)].into_iter().collect(),
        };
        let raw = serde_json::to_string(&c).unwrap();
        assert_eq!(SyncCursor::parse(Some(&raw)), c);
        assert_eq!(SyncCursor::parse(Some("1760000000")), SyncCursor::default());
        assert_eq!(SyncCursor::parse(None), SyncCursor::default());
    }

    #[test]
    fn quota_is_restored_and_shown() {
        let c = YouTubeConnector::new(DEFAULT_BASE, "brand", "UCx", "t")
            .unwrap()
            .with_quota(1_000, 950);
        assert_eq!(c.quota_used(), 950);
        assert_eq!(c.quota().daily, 1_000);
    }
}
