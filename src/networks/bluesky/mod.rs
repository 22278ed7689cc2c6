//! Bluesky connector (`reference/networks.md` §9): the connector type, the
//! record shapes shared by its parts, and the [`Connector`] impl that hands
//! each call to one of them:
//!
//! - `session`: the app-password session (`createSession`, one
//!   `refreshSession` on `ExpiredToken`, then one new `createSession`), the
//!   PDS read from the session's `didDoc` (`#atproto_pds`), and the two ways
//!   a call is sent (the shared [`Http`] client, or our own for chat calls,
//!   which need the `atproto-proxy` header, and procedures with no output);
//! - `read`: `listNotifications` (replies, mentions, quotes) into items,
//!   with their [`Moderation`](crate::model::Moderation) (`viewer.like`,
//!   the root's thread-gate `hiddenReplies`) read by `getPosts`;
//! - `write`: replies (strong refs, byte facets) and the textless acts
//!   (like, unlike, hide/unhide through the thread gate, delete, block, mute);
//! - `report`: `com.atproto.moderation.createReport` to Bluesky's
//!   moderation service (reports and spam);
//! - `chat`: DMs through `chat.bsky.convo.*` (list, read, send, find).
//!
//! The sync cursor holds both streams: `<notifications indexedAt>` alone (as
//! before chat was read), or `<indexedAt>|dm:<newest message sentAt>`; see
//! `read::SyncCursor`. Tokens and the app password live in memory only and
//! are never logged (`Debug` redacts them).

mod chat;
mod read;
mod report;
mod session;
mod write;

use std::fmt;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::connector::{Act, Connector, Fetched};
use super::error::{ConnectorError, ErrorKind};
use super::http::Http;
use crate::model::{Item, Kind, Network};

pub use write::handle_mentions;

/// Most notifications (or convos, or messages) Bluesky returns per page.
const PAGE: usize = 100;
/// Safety stop for one pass (pages), whatever the backlog.
const MAX_PAGES: usize = 100;
const POST: &str = "app.bsky.feed.post";
const LIKE: &str = "app.bsky.feed.like";
const BLOCK: &str = "app.bsky.graph.block";
const THREADGATE: &str = "app.bsky.feed.threadgate";
/// Where the PDS forwards `chat.bsky.*` calls (§9, "Direct messages").
const CHAT_PROXY: &str = "did:web:api.bsky.chat#bsky_chat";
/// Where the PDS forwards reports: Bluesky's moderation service (§9,
/// `BSKY_LABELER_DID` in `@atproto/api`).
pub const LABELER_PROXY: &str = "did:plc:ar7c4by46qjdydhdevvrndac#atproto_labeler";

/// A session's tokens and where the account's PDS is; `Debug` never shows
/// the tokens. Kept across runs only sealed (`networks::vault`).
#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct Session {
    access: String,
    refresh: String,
    did: String,
    /// The PDS from the session's DID document; `None`: the configured base.
    pds: Option<String>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Session {{ did: {}, pds: {:?}, tokens: <redacted> }}",
            self.did, self.pds
        )
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
    /// The entryway, e.g. `https://bsky.social` (or the sandbox's
    /// `/bluesky`): where sessions are created. Later calls go to the PDS
    /// the session names, when it names one.
    base: String,
    /// The brand's handle, as in item ids (`atelierlumen.bsky.social`).
    handle: String,
    password: Secret,
    http: Http,
    /// For the session calls, chat calls and procedures with no output.
    client: reqwest::Client,
    session: Arc<Mutex<Option<Session>>>,
    /// Where the session is kept between runs, sealed with the app password.
    vault: Option<Arc<dyn crate::networks::vault::SessionVault>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Notification {
    uri: String,
    author: Profile,
    reason: String,
    record: PostRecord,
}

#[derive(Debug, Clone, Deserialize)]
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

fn err(kind: ErrorKind, message: impl Into<String>) -> ConnectorError {
    ConnectorError::new(Network::Bluesky, kind, message)
}

fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The parts of `at://<did>/<collection>/<rkey>`.
fn at_uri(uri: &str) -> Option<(&str, &str, &str)> {
    let rest = uri.strip_prefix("at://")?;
    let mut parts = rest.splitn(3, '/');
    let (did, collection, rkey) = (parts.next()?, parts.next()?, parts.next()?);
    (!did.is_empty() && !collection.is_empty() && !rkey.is_empty() && !rkey.contains('/'))
        .then_some((did, collection, rkey))
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
        self.fetch_all(cursor, depth).await
    }

    async fn reply(
        &self,
        item: &Item,
        text: &str,
        _idempotency_key: &str,
    ) -> Result<String, ConnectorError> {
        if item.remote.kind == Kind::DirectMessage {
            return self.send_message(item, text).await;
        }
        self.post_reply(item, text).await
    }

    async fn find_reply(&self, item: &Item, text: &str) -> Result<Option<String>, ConnectorError> {
        if item.remote.kind == Kind::DirectMessage {
            return self.find_message(item, text).await;
        }
        self.find_post_reply(item, text).await
    }

    async fn act(
        &self,
        item: &Item,
        act: Act,
        _idempotency_key: &str,
    ) -> Result<String, ConnectorError> {
        self.act_on(item, act).await
    }

    async fn report(
        &self,
        item: &Item,
        report: &crate::networks::report::Report,
        _idempotency_key: &str,
    ) -> Result<String, ConnectorError> {
        self.report_on(item, report).await
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

    #[test]
    fn at_uris_split_into_repo_collection_and_rkey() {
        assert_eq!(
            at_uri("at://did:plc:abc/app.bsky.feed.post/3lx"),
            Some(("did:plc:abc", "app.bsky.feed.post", "3lx"))
        );
        assert_eq!(at_uri("at://did:plc:abc/app.bsky.feed.post"), None);
        assert_eq!(at_uri("https://bsky.app/x/y/z"), None);
    }
}
