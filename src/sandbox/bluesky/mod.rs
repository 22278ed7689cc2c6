//! A Bluesky PDS + AppView + chat service in miniature, nested under
//! `/bluesky` (XRPC paths `/xrpc/<nsid>`), in the shapes
//! `reference/networks.md` §9 gives. This module holds the state, the
//! request gate (faults, then tokens) and the routes; the handlers live in:
//!
//! - `identity`: `createSession` (with a `didDoc` naming this server as
//!   the PDS; [`APP_PASSWORD_NO_DM`] has no chat access), `refreshSession` (an expired access token is a 400
//!   `ExpiredToken`), `resolveHandle`, `getProfile`;
//! - `feed`: `listNotifications` newest first with an `indexedAt` cursor
//!   (nothing from blocked accounts), `getPostThread` / `getPosts` with
//!   `likeCount`, `viewer.like` and the root's `threadgate`, the graph
//!   (`getBlocks`, `getMutes`, `muteActor`, `unmuteActor`);
//! - `repo`: `createRecord` / `putRecord` / `deleteRecord` / `getRecord`
//!   for posts, likes, blocks and thread gates, validated as the PDS does
//!   (strong refs, `swapRecord`, `hiddenReplies` ≤ 300);
//! - `moderation`: `com.atproto.moderation.createReport`, validated and
//!   kept (read back with `Bluesky::reports`);
//! - `chat`: `chat.bsky.convo.listConvos` / `getMessages` /
//!   `sendMessage`, which answer 400 without the `atproto-proxy` header;
//! - `control`: what tests and the demo do to the server.
//!
//! `RateLimit-*` headers (reset in unix seconds) on every answer, and the
//! shared fault queue. State is kept: what is written is read back.
//!
//! To extend: add a route in [`router`] and the state it needs in [`Pds`];
//! keep XRPC names, error names and status codes exactly as the real API.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{Value, json};

mod chat;
mod control;
mod feed;
mod identity;
mod moderation;
mod repo;

pub use moderation::LABELER_PROXY;

use super::faults::{Fault, Faults};

/// The app password the sandbox accepts for the brand account.
pub const APP_PASSWORD: &str = "sbox-lumn-app0-pass";
/// An app password created without "allow access to direct messages":
/// its tokens get `InvalidToken` "Bad token scope" from the chat routes.
pub const APP_PASSWORD_NO_DM: &str = "sbox-lumn-nodm-pass";
/// The `atproto-proxy` value the chat routes require.
pub const CHAT_PROXY: &str = "did:web:api.bsky.chat#bsky_chat";
const RATE_LIMIT: u64 = 3000;
const WINDOW_SECS: i64 = 300;
const POST: &str = "app.bsky.feed.post";
const LIKE: &str = "app.bsky.feed.like";
const BLOCK: &str = "app.bsky.graph.block";
const THREADGATE: &str = "app.bsky.feed.threadgate";

#[derive(Debug, Clone)]
struct Profile {
    did: String,
    handle: String,
    display_name: String,
}

impl Profile {
    fn json(&self) -> Value {
        json!({ "did": self.did, "handle": self.handle, "displayName": self.display_name, "labels": [] })
    }
}

#[derive(Debug, Clone)]
struct Post {
    uri: String,
    cid: String,
    author: Profile,
    /// The raw record, as created (`$type`, `text`, `createdAt`, `reply`…).
    record: Value,
    indexed_at: DateTime<Utc>,
    /// Likes by other accounts (seeded); ours are like records.
    likes: u64,
}

impl Post {
    fn parent(&self) -> Option<&str> {
        self.record
            .pointer("/reply/parent/uri")
            .and_then(Value::as_str)
    }

    /// The thread's root: the reply's `reply.root`, else the post itself.
    fn root(&self) -> &str {
        self.record
            .pointer("/reply/root/uri")
            .and_then(Value::as_str)
            .unwrap_or(&self.uri)
    }

    fn strong_ref(&self) -> Value {
        json!({ "uri": self.uri, "cid": self.cid })
    }
}

/// A record of ours that is not a post (like, block, thread gate…).
#[derive(Debug, Clone)]
struct Record {
    cid: String,
    value: Value,
    /// Creation order, for listings newest first.
    seq: u64,
}

#[derive(Debug, Clone)]
enum Entry {
    Post {
        reason: &'static str,
        uri: String,
        subject: Option<String>,
        indexed_at: DateTime<Utc>,
    },
    /// A notification in a shape we must survive.
    Raw {
        indexed_at: DateTime<Utc>,
        value: Value,
    },
}

impl Entry {
    fn indexed_at(&self) -> DateTime<Utc> {
        match self {
            Entry::Post { indexed_at, .. } | Entry::Raw { indexed_at, .. } => *indexed_at,
        }
    }
}

/// A chat message: its ordering key and the view sent (or a raw shape).
#[derive(Debug, Clone)]
struct Message {
    rev: String,
    value: Value,
}

#[derive(Debug, Clone)]
struct Convo {
    id: String,
    rev: String,
    members: Vec<Profile>,
    messages: Vec<Message>,
}

/// The server's state.
#[derive(Debug)]
pub struct Pds {
    me: Profile,
    profiles: HashMap<String, Profile>,
    posts: BTreeMap<String, Post>,
    /// Our other records by AT-URI.
    records: BTreeMap<String, Record>,
    /// DIDs we muted, in order.
    muted: Vec<String>,
    notifications: Vec<Entry>,
    convos: Vec<Convo>,
    /// Live access tokens (`true` once expired) and refresh tokens.
    access: HashMap<String, bool>,
    refresh: HashMap<String, bool>,
    /// Tokens (access and refresh) of sessions without DM access.
    no_dm: std::collections::HashSet<String>,
    next: u64,
    last_indexed: DateTime<Utc>,
    last_sent: DateTime<Utc>,
    remaining: u64,
    window_reset: DateTime<Utc>,
    /// The PDS URL the `didDoc` names; `None`: this server, by `Host`.
    pds_endpoint: Option<String>,
    /// Requests per NSID, for tests.
    calls: HashMap<String, u64>,
    /// Reports sent to the moderation service, as answered.
    reports: Vec<Value>,
}

/// Control handle: the state and the fault queue, shared with the server.
#[derive(Debug, Clone)]
pub struct Bluesky {
    state: Arc<Mutex<Pds>>,
    pub faults: Faults,
}

fn hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn base32(mut n: u64, len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";
    (0..len)
        .map(|_| {
            let c = ALPHABET[(n % 32) as usize] as char;
            n /= 32;
            c
        })
        .collect()
}

/// A TID-like key: 13 characters of sortable base32, in `n`'s order.
fn tid(n: u64) -> String {
    const SORTABLE: &[u8] = b"234567abcdefghijklmnopqrstuvwxyz";
    let n = n | (1 << 60); // starts with "3…" like real TIDs of this era
    (0..13)
        .rev()
        .map(|i| SORTABLE[((n >> (i * 5)) & 31) as usize] as char)
        .collect()
}

fn cid_for(uri: &str) -> String {
    format!("bafyrei{}", base32(hash(uri), 12))
}

fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl Pds {
    /// The known profile for `handle`, or a new one (DID derived from it).
    fn profile(&mut self, handle: &str, did: Option<&str>, name: &str) -> Profile {
        let handle = handle.trim_start_matches('@').to_ascii_lowercase();
        let did = did.map_or_else(
            || format!("did:plc:{}", base32(hash(&handle), 24)),
            str::to_string,
        );
        let new = Profile {
            did,
            handle: handle.clone(),
            display_name: name.to_string(),
        };
        self.profiles.entry(handle).or_insert(new).clone()
    }

    /// A profile by DID or handle.
    fn actor(&self, actor: &str) -> Option<&Profile> {
        let actor = actor.trim_start_matches('@').to_ascii_lowercase();
        self.profiles
            .values()
            .find(|p| p.did == actor || p.handle == actor)
    }

    fn tick(&mut self) -> u64 {
        self.next += 1;
        self.next
    }

    /// A unique, increasing `indexedAt` no earlier than `at`.
    fn stamp(&mut self, at: DateTime<Utc>) -> DateTime<Utc> {
        let t = at.max(self.last_indexed + Duration::milliseconds(1));
        self.last_indexed = t;
        t
    }

    /// Stores a post; a reply's root is its parent's root, else the parent.
    fn insert(
        &mut self,
        uri: String,
        author: Profile,
        text: &str,
        at: DateTime<Utc>,
        reply_to: Option<&str>,
        quoted: Option<&str>,
    ) {
        let mut record = json!({ "$type": POST, "text": text, "createdAt": iso(at) });
        if let Some(parent) = reply_to.and_then(|p| self.posts.get(p)) {
            let root = parent
                .record
                .pointer("/reply/root")
                .cloned()
                .unwrap_or_else(|| parent.strong_ref());
            record["reply"] = json!({ "root": root, "parent": parent.strong_ref() });
        }
        if let Some(q) = quoted.and_then(|q| self.posts.get(q)) {
            record["embed"] = json!({ "$type": "app.bsky.embed.record", "record": q.strong_ref() });
        }
        self.store(uri, author, record, at);
    }

    fn store(&mut self, uri: String, author: Profile, record: Value, at: DateTime<Utc>) {
        let post = Post {
            cid: cid_for(&uri),
            uri: uri.clone(),
            author,
            record,
            indexed_at: at,
            likes: 0,
        };
        self.posts.insert(uri, post);
    }

    /// Our records of `collection`, newest first, with their URIs.
    fn ours(&self, collection: &str) -> Vec<(&String, &Record)> {
        let prefix = format!("at://{}/{collection}/", self.me.did);
        let mut found: Vec<_> = self
            .records
            .iter()
            .filter(|(uri, _)| uri.starts_with(&prefix))
            .collect();
        found.sort_by_key(|(_, r)| std::cmp::Reverse(r.seq));
        found
    }

    /// The DIDs we block, newest first, with the block record's URI.
    fn blocks(&self) -> Vec<(String, String)> {
        self.ours(BLOCK)
            .into_iter()
            .filter_map(|(uri, r)| {
                let did = r.value.get("subject").and_then(Value::as_str)?;
                Some((did.to_string(), uri.clone()))
            })
            .collect()
    }

    fn rate_headers(&mut self, headers: &mut HeaderMap) {
        let now = Utc::now();
        if now >= self.window_reset {
            self.window_reset = now + Duration::seconds(WINDOW_SECS);
            self.remaining = RATE_LIMIT;
        }
        self.remaining = self.remaining.saturating_sub(1);
        set_rate(headers, self.remaining, self.window_reset);
    }
}

fn set_rate(headers: &mut HeaderMap, remaining: u64, reset: DateTime<Utc>) {
    for (k, v) in [
        ("ratelimit-limit", RATE_LIMIT.to_string()),
        ("ratelimit-remaining", remaining.to_string()),
        ("ratelimit-reset", reset.timestamp().to_string()),
        ("ratelimit-policy", format!("{RATE_LIMIT};w={WINDOW_SECS}")),
    ] {
        if let Ok(v) = HeaderValue::from_str(&v) {
            headers.insert(k, v);
        }
    }
}

/// An XRPC error: `{"error": <Name>, "message"}` with its status code.
fn error(code: u16, name: &str, message: &str) -> Response {
    let code = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = json!({ "error": name, "message": message });
    (code, axum::Json(body)).into_response()
}

fn invalid(message: &str) -> Response {
    error(400, "InvalidRequest", message)
}

fn expired() -> Response {
    error(400, "ExpiredToken", "Token has expired")
}

/// Which token a route wants.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Auth {
    None,
    Access,
    Refresh,
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
}

/// Faults, then auth, before any handler runs. `Err` is the response to send.
async fn gate(app: &Bluesky, headers: &HeaderMap, auth: Auth) -> Result<(), Response> {
    match app.faults.next() {
        Some(Fault::RateLimited { reset_secs }) => {
            let secs = i64::try_from(reset_secs).unwrap_or(60);
            let mut resp = error(429, "RateLimitExceeded", "Rate Limit Exceeded");
            set_rate(resp.headers_mut(), 0, Utc::now() + Duration::seconds(secs));
            return Err(resp);
        }
        Some(Fault::ServerError) => {
            return Err(error(502, "UpstreamFailure", "Upstream Failure"));
        }
        Some(Fault::Malformed) => {
            return Err((StatusCode::OK, "{\"notifications\": [ oops").into_response());
        }
        Some(Fault::Unauthorized) if auth == Auth::None => {
            return Err(error(
                401,
                "AuthenticationRequired",
                "Invalid identifier or password",
            ));
        }
        Some(Fault::Unauthorized) => {
            return Err(expired());
        }
        Some(Fault::Slow { millis }) => {
            tokio::time::sleep(std::time::Duration::from_millis(millis)).await;
        }
        None => {}
    }
    let st = app.lock();
    let spent = match (auth, bearer(headers)) {
        (Auth::None, _) => return Ok(()),
        (Auth::Access, Some(t)) => st.access.get(t).copied(),
        (Auth::Refresh, Some(t)) => st.refresh.get(t).copied(),
        (_, None) => None,
    };
    match spent {
        Some(false) => Ok(()),
        Some(true) => Err(expired()),
        None => Err(error(401, "InvalidToken", "Token could not be verified")),
    }
}

fn ok(app: &Bluesky, body: Value) -> Response {
    let mut resp = axum::Json(body).into_response();
    app.lock().rate_headers(resp.headers_mut());
    resp
}

/// A procedure with no output: 200 and an empty body.
fn done(app: &Bluesky) -> Response {
    let mut resp = StatusCode::OK.into_response();
    app.lock().rate_headers(resp.headers_mut());
    resp
}

/// The query string as decoded key/value pairs (`reasons` repeated).
fn pairs(raw: Option<String>) -> Vec<(String, String)> {
    let url = reqwest::Url::parse(&format!("http://q/?{}", raw.unwrap_or_default()));
    let decoded = url.map(|u| {
        let pairs = u.query_pairs();
        pairs
            .map(|(k, v)| (k.trim_end_matches("[]").to_string(), v.into_owned()))
            .collect()
    });
    decoded.unwrap_or_default()
}

fn param<'a>(q: &'a [(String, String)], key: &str) -> Option<&'a str> {
    q.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// `limit` between 1 and 100 (default 50), as every list route takes it;
/// `Err` is the `InvalidRequest` to send.
fn limit(q: &[(String, String)]) -> Result<usize, String> {
    let limit = param(q, "limit").map_or(Ok(50), str::parse::<usize>);
    match limit {
        Ok(l) if (1..=100).contains(&l) => Ok(l),
        _ => Err("limit must be between 1 and 100".to_string()),
    }
}

/// Counts requests per NSID (read back with [`Bluesky::calls`]).
async fn count_calls(State(app): State<Bluesky>, req: Request, next: Next) -> Response {
    if let Some(nsid) = req.uri().path().rsplit('/').next() {
        *app.lock().calls.entry(nsid.to_string()).or_default() += 1;
    }
    next.run(req).await
}

/// The server's routes, to be nested under `/bluesky`.
pub fn router(app: Bluesky) -> Router {
    let x = |nsid: &str| format!("/xrpc/{nsid}");
    Router::new()
        .route(
            &x("com.atproto.server.createSession"),
            post(identity::create_session),
        )
        .route(
            &x("com.atproto.server.refreshSession"),
            post(identity::refresh_session),
        )
        .route(
            &x("com.atproto.identity.resolveHandle"),
            get(identity::resolve_handle),
        )
        .route(&x("app.bsky.actor.getProfile"), get(identity::get_profile))
        .route(
            &x("app.bsky.notification.listNotifications"),
            get(feed::list_notifications),
        )
        .route(
            &x("app.bsky.feed.getPostThread"),
            get(feed::get_post_thread),
        )
        .route(&x("app.bsky.feed.getPosts"), get(feed::get_posts))
        .route(&x("app.bsky.graph.getBlocks"), get(feed::get_blocks))
        .route(&x("app.bsky.graph.getMutes"), get(feed::get_mutes))
        .route(&x("app.bsky.graph.muteActor"), post(feed::mute_actor))
        .route(&x("app.bsky.graph.unmuteActor"), post(feed::unmute_actor))
        .route(
            &x("com.atproto.repo.createRecord"),
            post(repo::create_record),
        )
        .route(&x("com.atproto.repo.putRecord"), post(repo::put_record))
        .route(
            &x("com.atproto.repo.deleteRecord"),
            post(repo::delete_record),
        )
        .route(&x("com.atproto.repo.getRecord"), get(repo::get_record))
        .route(
            &x("com.atproto.moderation.createReport"),
            post(moderation::create_report),
        )
        .route(&x("chat.bsky.convo.listConvos"), get(chat::list_convos))
        .route(&x("chat.bsky.convo.getMessages"), get(chat::get_messages))
        .route(&x("chat.bsky.convo.sendMessage"), post(chat::send_message))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            count_calls,
        ))
        .with_state(app)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tids_sort_like_their_numbers() {
        let keys: Vec<String> = [1, 2, 31, 32, 1000, 1_000_000].map(tid).to_vec();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        assert!(keys.iter().all(|k| k.len() == 13 && k.starts_with('3')));
    }
}
