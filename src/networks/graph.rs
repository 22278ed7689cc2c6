//! What the Facebook and Instagram connectors share: Meta's Graph API
//! (`reference/networks.md` §1, §2). A pinned version path, bearer auth
//! with the Page token, the `{data, paging}` envelope with `paging.next`
//! URLs, Graph times (`2026-09-14T09:12:03+0000`), the `since` cursor, the
//! usage headers read on every answer, and the Messenger-style inbox
//! (`/{page-id}/conversations` + the Send API) both networks use.
//!
//! Incremental scheme (our choice; Graph has no "new since" token for
//! comments or conversations): the cursor is the Unix time of the newest
//! item seen. A pass reads from that time minus [`OVERLAP`] (late-indexed
//! items, clock skew), dedupes by id inside the pass, and the store's
//! upsert makes items seen twice count as unchanged, never as new.

use std::collections::HashSet;

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};

use super::capabilities::{Capabilities, Capability, Permit, Target, capabilities};
use super::connector::Fetched;
use super::error::{ConnectorError, ErrorKind};
use super::http::{Answer, Http};
use crate::model::{Author, Engagement, Item, Kind, Network, Remote};

/// The Graph version guichet is written against (§1: always pin one).
pub const VERSION: &str = "v23.0";
/// How far before the cursor a pass reads again.
pub const OVERLAP: TimeDelta = TimeDelta::minutes(5);
/// Safety stop on any one paged edge, whatever the backlog.
pub const MAX_PAGES: usize = 100;
/// Conversations per page, and messages inlined per conversation.
const CONVERSATIONS: usize = 25;
const MESSAGES: usize = 25;

/// A Graph client for one Page token (its `Debug` never shows the token).
#[derive(Clone)]
pub struct Graph {
    /// `https://graph.facebook.com/v23.0` (or the sandbox's).
    root: String,
    token: String,
    http: Http,
    network: Network,
}

impl std::fmt::Debug for Graph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Graph")
            .field("root", &self.root)
            .field("token", &"…")
            .finish()
    }
}

/// One page of an edge: its entries and the next page, if any.
#[derive(Debug)]
pub struct Edge {
    pub data: Vec<Value>,
    pub next: Option<String>,
}

impl Graph {
    pub fn new(base: &str, token: &str, network: Network) -> Result<Graph, ConnectorError> {
        Ok(Graph {
            root: format!("{}/{VERSION}", base.trim_end_matches('/')),
            token: token.to_string(),
            http: Http::new(network)?,
            network,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/{}", self.root, path.trim_start_matches('/'))
    }

    pub fn err(&self, kind: ErrorKind, msg: impl Into<String>) -> ConnectorError {
        ConnectorError::new(self.network, kind, msg.into())
    }

    /// A GET that also stops when Meta says usage is at its ceiling, so a
    /// long pass never keeps calling into a throttle (§1 usage headers).
    pub async fn get(&self, url: &str) -> Result<Value, ConnectorError> {
        let answer = self.http.get(url, &self.token).await?;
        self.pace(&answer)?;
        Ok(answer.body)
    }

    pub async fn post(&self, path: &str, body: &Value) -> Result<Value, ConnectorError> {
        let answer = self
            .http
            .post_json(&self.url(path), &self.token, body, None)
            .await?;
        Ok(answer.body)
    }

    pub async fn delete(&self, path: &str) -> Result<Value, ConnectorError> {
        Ok(self.http.delete(&self.url(path), &self.token).await?.body)
    }

    fn pace(&self, answer: &Answer) -> Result<(), ConnectorError> {
        match answer.rate.wait_until(Utc::now()) {
            Some(until) => Err(self.err(
                ErrorKind::RateLimited { until },
                format!(
                    "usage at {}% of the allowance",
                    answer.rate.used_percent.unwrap_or(100)
                ),
            )),
            None => Ok(()),
        }
    }

    /// Reads one page of an edge.
    pub async fn edge(&self, url: &str) -> Result<Edge, ConnectorError> {
        let body = self.get(url).await?;
        self.parse_edge(&body)
            .ok_or_else(|| self.err(ErrorKind::BadPayload, "expected {\"data\": [...]}"))
    }

    /// `{data, paging}` into an [`Edge`]; `None` when there is no `data`.
    pub fn parse_edge(&self, body: &Value) -> Option<Edge> {
        let data = body.get("data")?.as_array()?.clone();
        let next = body
            .pointer("/paging/next")
            .and_then(Value::as_str)
            .filter(|n| self.follows(n))
            .map(str::to_string);
        Some(Edge { data, next })
    }

    /// Only `next` URLs on our own Graph host are followed: the bearer
    /// token never goes anywhere else.
    fn follows(&self, next: &str) -> bool {
        let host = |u: &str| {
            u.split("://")
                .nth(1)
                .and_then(|rest| rest.split('/').next())
                .map(str::to_string)
        };
        host(next).is_some() && host(next) == host(&self.root)
    }

    /// Sends `text` through the Send API of `page_id` to `recipient`
    /// (`{"id": PSID}` or `{"comment_id": …}`), as `permit` says.
    pub async fn send_message(
        &self,
        page_id: &str,
        recipient: Value,
        text: &str,
        permit: Permit,
    ) -> Result<String, ConnectorError> {
        let mut body = json!({
            "recipient": recipient,
            "message": { "text": text },
            "messaging_type": "RESPONSE",
        });
        if let Permit::Tagged(tag) = permit {
            body["messaging_type"] = json!("MESSAGE_TAG");
            body["tag"] = json!(tag);
        }
        let answer = self.post(&format!("{page_id}/messages"), &body).await?;
        answer
            .get("message_id")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| self.err(ErrorKind::BadPayload, "the Send API gave no message_id"))
    }
}

/// Checks `action` on `item` against the network's rules (the Meta window,
/// `HUMAN_AGENT` when the account holds it) before anything is sent.
pub fn permit(
    network: Network,
    human_agent: bool,
    action: Capability,
    item: &Item,
) -> Result<Permit, ConnectorError> {
    let caps: Capabilities = capabilities(network).with_human_agent(human_agent);
    let target = Target {
        hidden: item.remote.moderation.hidden,
        ..Target::from_remote(&item.remote)
    };
    caps.check(action, &target, Utc::now()).map_err(|no| {
        let kind = match action {
            Capability::Reply | Capability::DirectMessage | Capability::PrivateReply => {
                ErrorKind::OutsideWindow
            }
            _ => ErrorKind::Rejected,
        };
        ConnectorError::new(network, kind, no.reason)
    })
}

/// Graph times: `2026-09-14T09:12:03+0000` (RFC 3339 accepted too).
pub fn time(v: Option<&Value>) -> Option<DateTime<Utc>> {
    let s = v?.as_str()?;
    DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%z")
        .or_else(|_| DateTime::parse_from_rfc3339(s))
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// How the sandbox and Graph write a time.
pub fn graph_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S+0000").to_string()
}

pub fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// The pass's lower bound (cursor minus overlap), or `None` on a first sync.
pub fn lower_bound(cursor: Option<&str>) -> Option<DateTime<Utc>> {
    let secs: i64 = cursor?.trim().parse().ok()?;
    DateTime::from_timestamp(secs, 0).map(|t| t - OVERLAP)
}

/// What a pass collects: items deduped by native id, the newest time seen.
#[derive(Debug, Default)]
pub struct Pass {
    pub items: Vec<Item>,
    pub skipped: usize,
    pub newest: Option<DateTime<Utc>>,
    seen: HashSet<String>,
}

impl Pass {
    pub fn add(&mut self, item: Item) {
        let at = item.remote.created_at;
        self.newest = Some(self.newest.map_or(at, |n| n.max(at)));
        if self.seen.insert(item.remote.native_id.clone()) {
            self.items.push(item);
        }
    }

    pub fn skip(&mut self, network: Network, what: &str, raw: &Value) {
        let shown: String = raw.to_string().chars().take(300).collect();
        tracing::warn!(%network, payload = %shown, "unreadable {what} skipped");
        self.skipped += 1;
    }

    /// The pass as the sync engine takes it. A first sync keeps the newest
    /// `depth` items (as Mastodon's does); the cursor is the newest time
    /// seen, or the old one when nothing came.
    pub fn finish(
        mut self,
        old: Option<&str>,
        lower: Option<DateTime<Utc>>,
        depth: usize,
        more: bool,
    ) -> Fetched {
        let mut truncated = more && lower.is_none();
        if lower.is_none() && self.items.len() > depth {
            self.items
                .sort_by_key(|i| std::cmp::Reverse(i.remote.created_at));
            self.items.truncate(depth);
            truncated = true;
        }
        Fetched {
            cursor: self
                .newest
                .map(|t| t.timestamp().to_string())
                .or_else(|| old.map(str::to_string)),
            skipped: self.skipped,
            truncated,
            items: self.items,
        }
    }
}

/// The brand's Messenger-style inbox on `page_id` (`platform` is
/// `messenger` or `instagram`): conversations newest first, their latest
/// messages inlined, older messages through the inlined edge's `next`.
pub struct Inbox<'a> {
    pub graph: &'a Graph,
    pub network: Network,
    pub account: &'a str,
    pub page_id: &'a str,
    /// The ids the brand writes as (Page id; for Instagram also the IG user).
    pub own_ids: &'a [&'a str],
    pub platform: &'a str,
}

impl Inbox<'_> {
    /// Messages since `lower` (all on a first sync, down to `depth`).
    pub async fn read(
        &self,
        lower: Option<DateTime<Utc>>,
        depth: usize,
        pass: &mut Pass,
    ) -> Result<(), ConnectorError> {
        let fields = format!(
            "id,updated_time,messages.limit({MESSAGES}){{id,created_time,from,to,message}}"
        );
        let mut url = self.graph.url(&format!(
            "{}/conversations?platform={}&fields={fields}&limit={CONVERSATIONS}",
            self.page_id, self.platform
        ));
        let start = pass.items.len();
        for _ in 0..MAX_PAGES {
            let edge = self.graph.edge(&url).await?;
            let mut older = false;
            for conv in &edge.data {
                let (Some(id), Some(updated)) =
                    (str_of(conv, "id"), time(conv.get("updated_time")))
                else {
                    pass.skip(self.network, "conversation", conv);
                    continue;
                };
                // Conversations come most recently updated first.
                if lower.is_some_and(|l| updated < l) {
                    older = true;
                    break;
                }
                self.messages(id, conv.get("messages"), lower, pass).await?;
            }
            let full = lower.is_none() && pass.items.len() - start >= depth;
            match edge.next {
                Some(next) if !older && !full => url = next,
                _ => break,
            }
        }
        Ok(())
    }

    async fn messages(
        &self,
        conversation: &str,
        inline: Option<&Value>,
        lower: Option<DateTime<Utc>>,
        pass: &mut Pass,
    ) -> Result<(), ConnectorError> {
        let mut edge = inline.and_then(|m| self.graph.parse_edge(m));
        for _ in 0..MAX_PAGES {
            let Some(page) = edge.take() else { break };
            let mut older = false;
            for m in &page.data {
                match self.message(conversation, m) {
                    Some(item) if lower.is_some_and(|l| item.remote.created_at < l) => {
                        older = true;
                    }
                    Some(item) => pass.add(item),
                    None => pass.skip(self.network, "message", m),
                }
            }
            match page.next {
                Some(next) if !older => edge = Some(self.graph.edge(&next).await?),
                _ => break,
            }
        }
        Ok(())
    }

    fn message(&self, conversation: &str, m: &Value) -> Option<Item> {
        let id = str_of(m, "id")?;
        let created = time(m.get("created_time"))?;
        let text = match m.get("message") {
            None | Some(Value::Null) => String::new(),
            Some(v) => v.as_str()?.to_string(),
        };
        let from = m.get("from")?;
        let author = author(from)?;
        let from_us = self.own_ids.contains(&author.id.as_str());
        Some(Item::new(Remote {
            network: self.network,
            account: self.account.to_string(),
            native_id: id.to_string(),
            kind: Kind::DirectMessage,
            thread_id: Some(conversation.to_string()),
            parent_id: None,
            post: None,
            author,
            text,
            lang: None,
            created_at: created,
            permalink: None,
            engagement: Engagement::default(),
            from_us,
            moderation: Default::default(),
        }))
    }
}

/// `from{id,name}` (Facebook) or `from{id,username}` (Instagram).
pub fn author(from: &Value) -> Option<Author> {
    let id = str_of(from, "id")?.to_string();
    let username = str_of(from, "username");
    let name = str_of(from, "name");
    Some(Author {
        handle: username.or(name).unwrap_or_default().to_string(),
        display_name: name.or(username).unwrap_or_default().to_string(),
        profile_url: username.map(|u| format!("https://www.instagram.com/{u}/")),
        followers: None,
        id,
    })
}

/// The customer a DM reply goes to: the author of the item, or, for one
/// of our own messages, nobody we can tell.
pub fn dm_recipient(item: &Item) -> Option<Value> {
    (!item.remote.from_us).then(|| json!({ "id": item.remote.author.id }))
}

/// Reads a conversation's messages, looking for ours with `text`.
pub async fn find_our_message(
    graph: &Graph,
    item: &Item,
    own_ids: &[&str],
    text: &str,
) -> Result<Option<String>, ConnectorError> {
    let Some(conversation) = item.remote.thread_id.as_deref() else {
        return Ok(None);
    };
    let url = graph.url(&format!(
        "{conversation}/messages?fields=id,created_time,from,message&limit={MESSAGES}"
    ));
    let edge = graph.edge(&url).await?;
    Ok(edge.data.iter().find_map(|m| {
        let from = m.get("from").and_then(|f| str_of(f, "id"))?;
        let same = str_of(m, "message").map(str::trim) == Some(text.trim());
        let after = time(m.get("created_time")).is_some_and(|t| t >= item.remote.created_at);
        (own_ids.contains(&from) && same && after).then(|| str_of(m, "id").map(str::to_string))?
    }))
}

/// The `id` of a created object, or a bad-payload error.
pub fn created_id(graph: &Graph, body: &Value) -> Result<String, ConnectorError> {
    str_of(body, "id")
        .map(str::to_string)
        .ok_or_else(|| graph.err(ErrorKind::BadPayload, "the answer has no id"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_times_and_cursors() {
        let t = time(Some(&json!("2026-09-14T09:12:03+0000"))).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-09-14T09:12:03+00:00");
        assert_eq!(graph_time(t), "2026-09-14T09:12:03+0000");
        let lower = lower_bound(Some(&t.timestamp().to_string())).unwrap();
        assert_eq!(t - lower, OVERLAP);
        assert_eq!(lower_bound(Some("garbage")), None);
    }

    #[test]
    fn the_token_is_never_shown() {
        let g = Graph::new(
            "https://graph.facebook.com",
            "EAAB-secret",
            Network::Facebook,
        )
        .unwrap();
        assert!(!format!("{g:?}").contains("EAAB-secret"));
    }

    #[test]
    fn next_links_stay_on_our_host() {
        let g = Graph::new("https://graph.facebook.com", "t", Network::Facebook).unwrap();
        let body =
            json!({"data": [], "paging": {"next": "https://evil.example/v23.0/1/feed?after=x"}});
        assert!(g.parse_edge(&body).unwrap().next.is_none());
        let body = json!({"data": [], "paging": {"next": "https://graph.facebook.com/v23.0/1/feed?after=x"}});
        assert!(g.parse_edge(&body).unwrap().next.is_some());
    }
}
