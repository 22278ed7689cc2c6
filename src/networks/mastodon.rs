//! Mastodon connector (`reference/networks.md` §8): mention and quote
//! notifications, direct mentions as DMs, `Link`-header paging, the
//! `min_id` cursor for "new since last time". Content arrives as sanitised
//! HTML and is turned into text here.
//!
//! Writes: replies (public, or direct for a DM) with an `Idempotency-Key`,
//! and a context lookup that finds a reply already posted. Favourite,
//! block and mute come next. Thread grouping uses `in_reply_to_id` (replies to one of our posts
//! share it); a direct mention is grouped per correspondent, because the
//! notification does not carry the conversation id.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use super::connector::{Connector, Fetched};
use super::error::ConnectorError;
use super::http::Http;
use crate::model::{Author, Engagement, Item, Kind, Network, Remote};
use crate::text::html_to_text;

/// Most notifications Mastodon returns per page (4.1+).
const PAGE: usize = 80;
/// Safety stop for an incremental pass (pages), whatever the backlog.
const MAX_PAGES: usize = 100;

#[derive(Debug, Clone)]
pub struct MastodonConnector {
    /// Instance base, e.g. `https://piaille.fr` (or the sandbox's).
    base: String,
    /// `user@instance`, as in item ids.
    account: String,
    token: String,
    http: Http,
}

#[derive(Debug, Deserialize)]
struct Notification {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    status: Option<Status>,
}

#[derive(Debug, Deserialize)]
struct Status {
    id: String,
    uri: Option<String>,
    url: Option<String>,
    created_at: DateTime<Utc>,
    account: Account,
    content: String,
    #[serde(default)]
    spoiler_text: String,
    visibility: String,
    in_reply_to_id: Option<String>,
    language: Option<String>,
    #[serde(default)]
    replies_count: Option<u64>,
    #[serde(default)]
    reblogs_count: Option<u64>,
    #[serde(default)]
    favourites_count: Option<u64>,
}

#[derive(Debug, Deserialize)]
struct Account {
    id: String,
    acct: String,
    #[serde(default)]
    display_name: String,
    url: Option<String>,
    followers_count: Option<u64>,
}

/// The `rel="…"` target of a `Link` header.
pub fn link(header: &str, rel: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        let wanted = params
            .split(';')
            .any(|p| p.trim() == format!("rel=\"{rel}\""));
        wanted.then(|| {
            url.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string()
        })
    })
}

impl MastodonConnector {
    pub fn new(
        base: &str,
        account: &str,
        token: &str,
    ) -> Result<MastodonConnector, ConnectorError> {
        Ok(MastodonConnector {
            base: base.trim_end_matches('/').to_string(),
            account: account.to_string(),
            token: token.to_string(),
            http: Http::new(Network::Mastodon)?,
        })
    }

    fn own_username(&self) -> &str {
        self.account.split('@').next().unwrap_or(&self.account)
    }

    /// One page: its readable items, the skipped count, the newest
    /// notification id and the `Link` header.
    async fn page(
        &self,
        url: &str,
    ) -> Result<(Vec<Item>, usize, Option<String>, Option<String>), ConnectorError> {
        let answer = self.http.get(url, &self.token).await?;
        let link_header = answer
            .headers
            .get("link")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let Value::Array(entries) = answer.body else {
            return Err(ConnectorError::new(
                Network::Mastodon,
                super::error::ErrorKind::BadPayload,
                "notifications: expected a JSON array".to_string(),
            ));
        };
        let newest = entries
            .first()
            .and_then(|e| e.get("id"))
            .and_then(Value::as_str)
            .map(str::to_string);
        let (mut items, mut skipped) = (Vec::new(), 0);
        for entry in entries {
            match serde_json::from_value::<Notification>(entry.clone()) {
                Ok(n) if n.kind == "mention" || n.kind == "quote" => match n.status {
                    Some(status) => items.push(self.item(&n.kind, status)),
                    None => {
                        tracing::warn!(id = %n.id, "mastodon mention without a status skipped");
                        skipped += 1;
                    }
                },
                Ok(_) => {}
                Err(e) => {
                    let shown: String = entry.to_string().chars().take(500).collect();
                    tracing::warn!(error = %e, payload = %shown, "unreadable mastodon notification skipped");
                    skipped += 1;
                }
            }
        }
        Ok((items, skipped, newest, link_header))
    }

    fn item(&self, kind: &str, s: Status) -> Item {
        let kind = match (kind, s.visibility.as_str(), &s.in_reply_to_id) {
            ("quote", _, _) => Kind::Quote,
            (_, "direct", _) => Kind::DirectMessage,
            (_, _, Some(_)) => Kind::Reply,
            _ => Kind::Mention,
        };
        let thread_id = match kind {
            Kind::DirectMessage => format!("dm-{}", s.account.id),
            _ => s.in_reply_to_id.clone().unwrap_or_else(|| s.id.clone()),
        };
        let mut text = html_to_text(&s.content);
        if !s.spoiler_text.is_empty() {
            text = format!("CW: {}\n\n{text}", s.spoiler_text);
        }
        let from_us = s.account.acct == self.own_username() || s.account.acct == self.account;
        Item::new(Remote {
            network: Network::Mastodon,
            account: self.account.clone(),
            native_id: s.id,
            kind,
            thread_id: Some(thread_id),
            parent_id: s.in_reply_to_id,
            post: None,
            author: Author {
                id: s.account.id,
                handle: format!("@{}", s.account.acct),
                display_name: s.account.display_name,
                profile_url: s.account.url,
                followers: s.account.followers_count,
            },
            text,
            lang: s.language,
            created_at: s.created_at,
            permalink: s.url.or(s.uri),
            engagement: Engagement {
                likes: s.favourites_count,
                replies: s.replies_count,
                shares: s.reblogs_count,
            },
            from_us,
            moderation: Default::default(),
        })
    }
}

impl MastodonConnector {
    /// The text as posted: a reply starts with the author's `@acct`, as
    /// Mastodon clients do (a direct reply reaches only who it mentions).
    fn addressed(item: &Item, text: &str) -> String {
        let handle = &item.remote.author.handle;
        if handle.is_empty() || text.contains(handle.as_str()) {
            text.to_string()
        } else {
            format!("{handle} {text}")
        }
    }
}

impl Connector for MastodonConnector {
    async fn reply(
        &self,
        item: &Item,
        text: &str,
        idempotency_key: &str,
    ) -> Result<String, ConnectorError> {
        let visibility = if item.remote.kind == Kind::DirectMessage {
            "direct"
        } else {
            "public"
        };
        let body = serde_json::json!({
            "status": Self::addressed(item, text),
            "in_reply_to_id": item.remote.native_id,
            "visibility": visibility,
        });
        let url = format!("{}/api/v1/statuses", self.base);
        let answer = self
            .http
            .post_json(&url, &self.token, &body, Some(idempotency_key))
            .await?;
        answer
            .body
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| {
                ConnectorError::new(
                    Network::Mastodon,
                    super::error::ErrorKind::BadPayload,
                    "the new status has no id".to_string(),
                )
            })
    }

    async fn find_reply(&self, item: &Item, text: &str) -> Result<Option<String>, ConnectorError> {
        let url = format!(
            "{}/api/v1/statuses/{}/context",
            self.base, item.remote.native_id
        );
        let answer = self.http.get(&url, &self.token).await?;
        let wanted = Self::addressed(item, text);
        let found = answer
            .body
            .get("descendants")
            .and_then(Value::as_array)
            .and_then(|list| {
                list.iter().find_map(|s| {
                    let status: Status = serde_json::from_value(s.clone()).ok()?;
                    let ours = status.account.acct == self.own_username()
                        || status.account.acct == self.account;
                    (ours && html_to_text(&status.content).trim() == wanted.trim())
                        .then_some(status.id)
                })
            });
        Ok(found)
    }

    fn network(&self) -> Network {
        Network::Mastodon
    }

    fn account(&self) -> &str {
        &self.account
    }

    async fn fetch_new(
        &self,
        cursor: Option<&str>,
        depth: usize,
    ) -> Result<Fetched, ConnectorError> {
        let first = format!(
            "{}/api/v1/notifications?types[]=mention&types[]=quote&limit={PAGE}",
            self.base
        );
        let mut out = Fetched::default();
        match cursor {
            // Forward from the newest notification seen: each `min_id` page is
            // the window just above it; its `prev` link continues upward.
            Some(seen) => {
                let mut url = format!("{first}&min_id={seen}");
                for _ in 0..MAX_PAGES {
                    let (items, skipped, newest, link_header) = self.page(&url).await?;
                    let empty = newest.is_none();
                    out.items.extend(items);
                    out.skipped += skipped;
                    if empty {
                        break;
                    }
                    out.cursor = newest;
                    match link_header.as_deref().and_then(|l| link(l, "prev")) {
                        Some(prev) => url = prev,
                        None => break,
                    }
                }
            }
            // First sync: newest first, back through `next` links to `depth`.
            None => {
                let mut url = first;
                loop {
                    let (items, skipped, newest, link_header) = self.page(&url).await?;
                    if out.cursor.is_none() {
                        out.cursor = newest.clone();
                    }
                    let empty = newest.is_none();
                    out.items.extend(items);
                    out.skipped += skipped;
                    if empty {
                        break;
                    }
                    if out.items.len() >= depth {
                        out.truncated = true;
                        out.items.truncate(depth);
                        break;
                    }
                    match link_header.as_deref().and_then(|l| link(l, "next")) {
                        Some(next) => url = next,
                        None => break,
                    }
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_header_targets() {
        let h = "<https://m.example/api/v1/notifications?max_id=34975535>; rel=\"next\", <https://m.example/api/v1/notifications?min_id=34975861>; rel=\"prev\"";
        assert_eq!(
            link(h, "next").as_deref(),
            Some("https://m.example/api/v1/notifications?max_id=34975535")
        );
        assert_eq!(
            link(h, "prev").as_deref(),
            Some("https://m.example/api/v1/notifications?min_id=34975861")
        );
        assert_eq!(link(h, "last"), None);
    }

    #[test]
    fn maps_the_reference_example() {
        let c = MastodonConnector::new(
            "https://mastodon.example",
            "cafelumen@mastodon.example",
            "t",
        )
        .unwrap();
        let status: Status = serde_json::from_value(serde_json::json!({
            "id": "103186126728896492",
            "uri": "https://fosstodon.org/users/zsc/statuses/103186126728896492",
            "url": "https://fosstodon.org/@zsc/103186126728896492",
            "created_at": "2026-09-14T07:49:01.940Z",
            "in_reply_to_id": "103186038209478945",
            "visibility": "public", "spoiler_text": "", "language": "en",
            "content": "<p><span class=\"h-card\"><a href=\"https://mastodon.example/@cafelumen\" class=\"u-url mention\">@<span>cafelumen</span></a></span> are you open on Sunday?</p>",
            "replies_count": 0, "reblogs_count": 0, "favourites_count": 0,
            "account": { "id": "971724", "username": "zsc", "acct": "zsc@fosstodon.org", "display_name": "Z. S. C." }
        }))
        .unwrap();
        let item = c.item("mention", status);
        assert_eq!(
            item.id.as_str(),
            "mastodon:cafelumen@mastodon.example:103186126728896492"
        );
        assert_eq!(item.remote.kind, Kind::Reply);
        assert_eq!(item.remote.text, "@cafelumen are you open on Sunday?");
        assert_eq!(item.remote.author.handle, "@zsc@fosstodon.org");
        assert_eq!(item.remote.thread_id.as_deref(), Some("103186038209478945"));
        assert!(!item.remote.from_us);
    }
}
