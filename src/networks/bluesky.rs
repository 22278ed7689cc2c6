//! Bluesky connector (`reference/networks.md` §9): an app-password session
//! on the account's PDS, `listNotifications` filtered to replies, mentions
//! and quotes, newest first, paged by `cursor` until the newest `indexedAt`
//! of the previous pass (saved as our cursor).
//!
//! Session: `createSession` on first use; on `ExpiredToken` one
//! `refreshSession` (or a new session when the refresh token is spent too),
//! then the call is retried once. Tokens live in memory only and are never
//! logged (`Debug` redacts them).
//!
//! Writes: a reply is a `createRecord` of an `app.bsky.feed.post` with
//! `reply.root`/`reply.parent` strong refs (read from the parent's thread),
//! `langs` (the item's language: we answer in the customer's), and facets
//! (UTF-8 byte offsets) for `@handle` mentions, resolved to DIDs, and links.
//! Nothing is prefixed: a Bluesky reply needs no `@`. Over 300 graphemes is
//! refused before sending ([`ErrorKind::Rejected`]). Bluesky has no idempotency key: [`Connector::find_reply`]
//! looks in the item's thread for our reply with the same text. Likes,
//! hiding (threadgate), blocks and chat DMs come next, as new methods here.

use std::fmt;
use std::ops::Range;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

use super::connector::{Connector, Fetched};
use super::count::count;
use super::error::{ConnectorError, ErrorKind};
use super::http::{Answer, Http};
use super::links::scheme_urls;
use crate::model::{Author, Engagement, Item, Kind, Network, Remote};

/// Most notifications Bluesky returns per page.
const PAGE: usize = 100;
/// Safety stop for one pass (pages), whatever the backlog.
const MAX_PAGES: usize = 100;
const POST: &str = "app.bsky.feed.post";

/// A session's tokens; `Debug` never shows them.
#[derive(Clone)]
struct Session {
    access: String,
    refresh: String,
    did: String,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Session {{ did: {}, tokens: <redacted> }}", self.did)
    }
}

/// The app password; `Debug` never shows it.
#[derive(Clone)]
struct Secret(String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[derive(Debug, Clone)]
pub struct BlueskyConnector {
    /// The PDS, e.g. `https://bsky.social` (or the sandbox's `/bluesky`).
    base: String,
    /// The brand's handle, as in item ids (`atelierlumen.bsky.social`).
    handle: String,
    password: Secret,
    http: Http,
    /// For the session calls, which send no bearer or no body.
    client: reqwest::Client,
    session: Arc<Mutex<Option<Session>>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Notification {
    uri: String,
    author: Profile,
    reason: String,
    record: PostRecord,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Profile {
    did: String,
    handle: String,
    #[serde(default)]
    display_name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PostRecord {
    #[serde(rename = "$type")]
    kind: String,
    text: String,
    created_at: DateTime<Utc>,
    #[serde(default)]
    langs: Vec<String>,
    reply: Option<ReplyRefs>,
}

#[derive(Debug, Deserialize)]
struct ReplyRefs {
    root: StrongRef,
    parent: StrongRef,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
struct StrongRef {
    uri: String,
    cid: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PostView {
    uri: String,
    cid: String,
    author: Profile,
    record: PostRecord,
}

/// A request the session layer may have to send twice.
enum Call<'a> {
    Get(&'static str, Vec<(&'static str, &'a str)>),
    Post(&'static str, Value),
}

fn err(kind: ErrorKind, message: impl Into<String>) -> ConnectorError {
    ConnectorError::new(Network::Bluesky, kind, message)
}

fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// `@handle` mentions (a handle has a dot; trailing dots are punctuation),
/// as byte ranges including the `@`, with the handle.
pub fn handle_mentions(text: &str) -> Vec<(Range<usize>, String)> {
    let handle_char = |c: char| c.is_ascii_alphanumeric() || c == '.' || c == '-';
    let mut found = Vec::new();
    for (at, _) in text.match_indices('@') {
        let before = text[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '@') {
            continue;
        }
        let rest = &text[at + 1..];
        let len = rest.find(|c: char| !handle_char(c)).unwrap_or(rest.len());
        let handle = rest[..len].trim_end_matches(['.', '-']);
        let valid = handle.contains('.')
            && !handle.starts_with(['.', '-'])
            && !handle.contains("..")
            && handle
                .rsplit('.')
                .next()
                .is_some_and(|tld| tld.chars().next().is_some_and(|c| c.is_ascii_alphabetic()));
        if valid {
            found.push((at..at + 1 + handle.len(), handle.to_ascii_lowercase()));
        }
    }
    found
}

impl BlueskyConnector {
    pub fn new(
        base: &str,
        handle: &str,
        app_password: &str,
    ) -> Result<BlueskyConnector, ConnectorError> {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("guichet/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| err(ErrorKind::Transient, format!("HTTP client: {e}")))?;
        Ok(BlueskyConnector {
            base: base.trim_end_matches('/').to_string(),
            handle: handle.trim_start_matches('@').to_string(),
            password: Secret(app_password.to_string()),
            http: Http::new(Network::Bluesky)?,
            client,
            session: Arc::new(Mutex::new(None)),
        })
    }

    fn xrpc(&self, nsid: &str) -> String {
        format!("{}/xrpc/{nsid}", self.base)
    }

    fn current(&self) -> Option<Session> {
        self.session
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn keep(&self, body: &Value) -> Result<Session, ConnectorError> {
        let field = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_string);
        let (Some(access), Some(refresh), Some(did)) =
            (field("accessJwt"), field("refreshJwt"), field("did"))
        else {
            return Err(err(ErrorKind::BadPayload, "the session has no tokens"));
        };
        let session = Session {
            access,
            refresh,
            did,
        };
        *self
            .session
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(session.clone());
        Ok(session)
    }

    /// A session call: no retry (login is rate-limited), our own
    /// classification, no body for `refreshSession`.
    async fn session_call(
        &self,
        nsid: &str,
        bearer: Option<&str>,
        body: Option<&Value>,
    ) -> Result<Session, ConnectorError> {
        let mut req = self.client.post(self.xrpc(nsid));
        if let Some(token) = bearer {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(body);
        }
        let resp = req.send().await.map_err(|e| {
            err(
                ErrorKind::Transient,
                format!("{nsid} failed: {}", e.without_url()),
            )
        })?;
        let (status, headers) = (resp.status().as_u16(), resp.headers().clone());
        let text = resp.text().await.unwrap_or_default();
        let body: Option<Value> = serde_json::from_str(&text).ok();
        let failed = ConnectorError::from_response(
            Network::Bluesky,
            status,
            &headers,
            body.as_ref(),
            Utc::now(),
        );
        match (failed, body) {
            (Some(e), _) => Err(e),
            (None, Some(body)) => self.keep(&body),
            (None, None) => Err(err(ErrorKind::BadPayload, "the session is not JSON")),
        }
    }

    async fn login(&self) -> Result<Session, ConnectorError> {
        tracing::debug!(handle = %self.handle, "bluesky: creating a session");
        let body = json!({ "identifier": self.handle, "password": self.password.0 });
        self.session_call("com.atproto.server.createSession", None, Some(&body))
            .await
    }

    async fn open(&self) -> Result<Session, ConnectorError> {
        match self.current() {
            Some(s) => Ok(s),
            None => self.login().await,
        }
    }

    /// After `ExpiredToken`: refresh, or log in again if that fails too.
    async fn renew(&self, stale: &Session) -> Result<Session, ConnectorError> {
        tracing::debug!(handle = %self.handle, "bluesky: refreshing the session");
        let refreshed = self
            .session_call(
                "com.atproto.server.refreshSession",
                Some(&stale.refresh),
                None,
            )
            .await;
        match refreshed {
            Err(e) if matches!(e.kind, ErrorKind::AuthExpired | ErrorKind::AuthRevoked) => {
                self.login().await
            }
            other => other,
        }
    }

    async fn send(&self, call: &Call<'_>, token: &str) -> Result<Answer, ConnectorError> {
        match call {
            Call::Get(nsid, params) => {
                let url = reqwest::Url::parse_with_params(&self.xrpc(nsid), params)
                    .map_err(|e| err(ErrorKind::Rejected, format!("bad URL: {e}")))?;
                self.http.get(url.as_str(), token).await
            }
            Call::Post(nsid, body) => {
                self.http
                    .post_json(&self.xrpc(nsid), token, body, None)
                    .await
            }
        }
    }

    /// An authenticated call; an expired session is renewed and the call
    /// sent once more.
    async fn call(&self, call: Call<'_>) -> Result<Answer, ConnectorError> {
        let session = self.open().await?;
        match self.send(&call, &session.access).await {
            Err(e) if e.kind == ErrorKind::AuthExpired => {
                let fresh = self.renew(&session).await?;
                self.send(&call, &fresh.access).await
            }
            other => other,
        }
    }

    fn item(&self, n: Notification, own_did: &str) -> Item {
        let kind = match n.reason.as_str() {
            "quote" => Kind::Quote,
            "mention" => Kind::Mention,
            _ => Kind::Reply,
        };
        let reply = n.record.reply;
        let rkey = n.uri.rsplit('/').next().unwrap_or_default().to_string();
        let from_us = n.author.did == own_did || n.author.handle == self.handle;
        Item::new(Remote {
            network: Network::Bluesky,
            account: self.handle.clone(),
            thread_id: Some(reply.as_ref().map_or(n.uri.clone(), |r| r.root.uri.clone())),
            parent_id: reply.map(|r| r.parent.uri),
            post: None,
            author: Author {
                id: n.author.did,
                handle: format!("@{}", n.author.handle),
                display_name: n.author.display_name.unwrap_or_default(),
                profile_url: Some(format!("https://bsky.app/profile/{}", n.author.handle)),
                followers: None,
            },
            text: n.record.text,
            lang: n.record.langs.into_iter().next(),
            created_at: n.record.created_at,
            permalink: Some(format!(
                "https://bsky.app/profile/{}/post/{rkey}",
                n.author.handle
            )),
            engagement: Engagement::default(),
            native_id: n.uri,
            kind,
            from_us,
            moderation: Default::default(),
        })
    }

    /// The post at `uri` with `depth` levels of replies (raw thread view).
    async fn thread(&self, uri: &str, depth: &'static str) -> Result<Value, ConnectorError> {
        let params = vec![("uri", uri), ("depth", depth), ("parentHeight", "0")];
        let answer = self
            .call(Call::Get("app.bsky.feed.getPostThread", params))
            .await?;
        let thread = answer.body.get("thread").cloned().unwrap_or(Value::Null);
        if thread.get("post").is_none() {
            return Err(err(ErrorKind::NotFound, format!("post not visible: {uri}")));
        }
        Ok(thread)
    }

    /// Facets for `@handle` mentions (resolved to DIDs; unknown handles
    /// stay plain text) and links, with UTF-8 byte offsets.
    async fn facets(&self, text: &str) -> Result<Vec<Value>, ConnectorError> {
        let urls = scheme_urls(text);
        let mut facets = Vec::new();
        for (range, handle) in handle_mentions(text) {
            if urls
                .iter()
                .any(|u| u.start < range.end && range.start < u.end)
            {
                continue;
            }
            let params = vec![("handle", handle.as_str())];
            let did = match self
                .call(Call::Get("com.atproto.identity.resolveHandle", params))
                .await
            {
                Ok(a) => a
                    .body
                    .get("did")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                Err(e) if matches!(e.kind, ErrorKind::Rejected | ErrorKind::NotFound) => None,
                Err(e) => return Err(e),
            };
            if let Some(did) = did {
                facets.push(json!({
                    "index": { "byteStart": range.start, "byteEnd": range.end },
                    "features": [{ "$type": "app.bsky.richtext.facet#mention", "did": did }],
                }));
            }
        }
        for u in urls {
            facets.push(json!({
                "index": { "byteStart": u.start, "byteEnd": u.end },
                "features": [{ "$type": "app.bsky.richtext.facet#link", "uri": &text[u.clone()] }],
            }));
        }
        facets.sort_by_key(|f| f.pointer("/index/byteStart").and_then(Value::as_u64));
        Ok(facets)
    }
}

impl Connector for BlueskyConnector {
    fn network(&self) -> Network {
        Network::Bluesky
    }

    fn account(&self) -> &str {
        &self.handle
    }

    async fn fetch_new(
        &self,
        cursor: Option<&str>,
        depth: usize,
    ) -> Result<Fetched, ConnectorError> {
        let seen = cursor.and_then(parse_time);
        let own_did = self.open().await?.did;
        let limit = PAGE.to_string();
        let mut out = Fetched::default();
        let mut page_cursor: Option<String> = None;
        let mut done = false;
        for _ in 0..MAX_PAGES {
            let mut params = vec![
                ("reasons", "reply"),
                ("reasons", "mention"),
                ("reasons", "quote"),
                ("limit", limit.as_str()),
            ];
            if let Some(c) = &page_cursor {
                params.push(("cursor", c.as_str()));
            }
            let answer = self
                .call(Call::Get("app.bsky.notification.listNotifications", params))
                .await?;
            let Some(entries) = answer.body.get("notifications").and_then(Value::as_array) else {
                return Err(err(ErrorKind::BadPayload, "notifications: expected a list"));
            };
            for entry in entries {
                let at = entry.get("indexedAt").and_then(Value::as_str);
                let Some((at, when)) = at.and_then(|s| parse_time(s).map(|t| (s, t))) else {
                    tracing::warn!("bluesky notification without indexedAt skipped");
                    out.skipped += 1;
                    continue;
                };
                if seen.is_some_and(|s| when <= s) {
                    done = true;
                    break;
                }
                if seen.is_none() && out.items.len() >= depth {
                    out.truncated = true;
                    done = true;
                    break;
                }
                if out.cursor.is_none() {
                    out.cursor = Some(at.to_string());
                }
                match serde_json::from_value::<Notification>(entry.clone()) {
                    Ok(n) if n.record.kind != POST => {
                        tracing::warn!(uri = %n.uri, kind = %n.record.kind, "bluesky record of an unknown type skipped");
                        out.skipped += 1;
                    }
                    Ok(n) if ["reply", "mention", "quote"].contains(&n.reason.as_str()) => {
                        out.items.push(self.item(n, &own_did));
                    }
                    Ok(_) => {}
                    Err(e) => {
                        let shown: String = entry.to_string().chars().take(500).collect();
                        tracing::warn!(error = %e, payload = %shown, "unreadable bluesky notification skipped");
                        out.skipped += 1;
                    }
                }
            }
            let next = answer.body.get("cursor").and_then(Value::as_str);
            match next {
                Some(next) if !done && !entries.is_empty() => {
                    page_cursor = Some(next.to_string());
                }
                _ => return Ok(out),
            }
        }
        out.truncated = true;
        Ok(out)
    }

    async fn reply(
        &self,
        item: &Item,
        text: &str,
        _idempotency_key: &str,
    ) -> Result<String, ConnectorError> {
        let counted = count(Network::Bluesky, text);
        if !counted.fits() {
            let why = counted.problem().unwrap_or_else(|| "too long".to_string());
            return Err(err(ErrorKind::Rejected, why));
        }
        let thread = self.thread(&item.remote.native_id, "0").await?;
        let parent: PostView = thread
            .get("post")
            .cloned()
            .and_then(|p| serde_json::from_value(p).ok())
            .ok_or_else(|| err(ErrorKind::BadPayload, "the parent post is unreadable"))?;
        let parent_ref = StrongRef {
            uri: parent.uri,
            cid: parent.cid,
        };
        let root = parent
            .record
            .reply
            .map_or_else(|| parent_ref.clone(), |r| r.root);
        let mut record = json!({
            "$type": POST,
            "text": text,
            "createdAt": Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
            "reply": { "root": root, "parent": parent_ref },
        });
        if let Some(lang) = &item.remote.lang {
            record["langs"] = json!([lang]);
        }
        let facets = self.facets(text).await?;
        if !facets.is_empty() {
            record["facets"] = Value::Array(facets);
        }
        let did = self.open().await?.did;
        let body = json!({ "repo": did, "collection": POST, "record": record });
        let answer = self
            .call(Call::Post("com.atproto.repo.createRecord", body))
            .await?;
        answer
            .body
            .get("uri")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| err(ErrorKind::BadPayload, "the new post has no uri"))
    }

    async fn find_reply(&self, item: &Item, text: &str) -> Result<Option<String>, ConnectorError> {
        let did = self.open().await?.did;
        let thread = self.thread(&item.remote.native_id, "1").await?;
        let replies = thread.get("replies").and_then(Value::as_array);
        let found = replies.into_iter().flatten().find_map(|r| {
            let post: PostView = serde_json::from_value(r.get("post")?.clone()).ok()?;
            let ours = post.author.did == did || post.author.handle == self.handle;
            (ours && post.record.text.trim() == text.trim()).then_some(post.uri)
        });
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_are_byte_ranges_of_handles() {
        let text = "Merci Zoé 🌸 @ana.bsky.social, écrivez à contact@lumen.fr ou @bo.example.com.";
        let found = handle_mentions(text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(&text[found[0].0.clone()], "@ana.bsky.social");
        assert_eq!(found[0].1, "ana.bsky.social");
        assert_eq!(&text[found[1].0.clone()], "@bo.example.com");
        assert!(handle_mentions("@nobody here").is_empty());
    }

    #[test]
    fn debug_never_shows_secrets() {
        let c =
            BlueskyConnector::new("https://bsky.social", "brand.bsky.social", "abcd-efgh").unwrap();
        assert!(!format!("{c:?}").contains("abcd-efgh"));
    }
}
