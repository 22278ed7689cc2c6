//! A Bluesky PDS + AppView in miniature, nested under `/bluesky` (XRPC
//! paths `/xrpc/<nsid>`), in the shapes `reference/networks.md` §9 gives:
//! app-password sessions (`createSession`, `refreshSession`, an expired
//! access token is a 400 `ExpiredToken`), `listNotifications` newest first
//! with an `indexedAt` cursor, `getPostThread` with the parent chain and
//! replies, `createRecord` for posts (strong refs checked), `resolveHandle`,
//! `RateLimit-*` headers (reset in unix seconds) and the shared fault queue.
//! State is kept: a reply posted here is in the next thread read.
//!
//! To extend: add a route in [`router`] and the state it needs in [`Pds`];
//! keep XRPC names, error names and status codes exactly as the real API.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{Value, json};
use unicode_segmentation::UnicodeSegmentation;

mod control;

use super::faults::{Fault, Faults};
use crate::model::{Item, Kind, Network};

/// The app password the sandbox accepts for the brand account.
pub const APP_PASSWORD: &str = "sbox-lumn-app0-pass";
const RATE_LIMIT: u64 = 3000;
const WINDOW_SECS: i64 = 300;
const POST: &str = "app.bsky.feed.post";

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
    likes: u64,
}

impl Post {
    fn parent(&self) -> Option<&str> {
        self.record
            .pointer("/reply/parent/uri")
            .and_then(Value::as_str)
    }

    fn strong_ref(&self) -> Value {
        json!({ "uri": self.uri, "cid": self.cid })
    }
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

/// The server's state.
#[derive(Debug)]
pub struct Pds {
    me: Profile,
    profiles: HashMap<String, Profile>,
    posts: BTreeMap<String, Post>,
    notifications: Vec<Entry>,
    /// Live access tokens (`true` once expired) and refresh tokens.
    access: HashMap<String, bool>,
    refresh: HashMap<String, bool>,
    next: u64,
    last_indexed: DateTime<Utc>,
    remaining: u64,
    window_reset: DateTime<Utc>,
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

    fn post_view(&self, p: &Post) -> Value {
        let replies = self
            .posts
            .values()
            .filter(|r| r.parent() == Some(p.uri.as_str()))
            .count();
        json!({
            "uri": p.uri, "cid": p.cid, "author": p.author.json(), "record": p.record,
            "replyCount": replies, "repostCount": 0, "likeCount": p.likes, "quoteCount": 0,
            "indexedAt": iso(p.indexed_at), "viewer": {}, "labels": [],
        })
    }

    fn thread(&self, p: &Post, depth: u64, parents: u64) -> Value {
        let mut view =
            json!({ "$type": "app.bsky.feed.defs#threadViewPost", "post": self.post_view(p) });
        if parents > 0
            && let Some(parent) = p.parent()
        {
            view["parent"] = match self.posts.get(parent) {
                Some(pp) => self.thread(pp, 0, parents - 1),
                None => {
                    json!({ "$type": "app.bsky.feed.defs#notFoundPost", "uri": parent, "notFound": true })
                }
            };
        }
        if depth > 0 {
            let replies: Vec<Value> = self
                .posts
                .values()
                .filter(|r| r.parent() == Some(p.uri.as_str()))
                .map(|r| self.thread(r, depth - 1, 0))
                .collect();
            view["replies"] = Value::Array(replies);
        }
        view
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
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let st = app.lock();
    let spent = match (auth, bearer) {
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

fn session_body(st: &mut Pds) -> Value {
    let n = st.tick();
    let (access, refresh) = (format!("sbx-access-{n}"), format!("sbx-refresh-{n}"));
    st.access.insert(access.clone(), false);
    st.refresh.insert(refresh.clone(), false);
    json!({
        "accessJwt": access, "refreshJwt": refresh, "handle": st.me.handle, "did": st.me.did,
        "active": true, "emailConfirmed": true,
    })
}

async fn create_session(
    State(app): State<Bluesky>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if let Err(resp) = gate(&app, &headers, Auth::None).await {
        return resp;
    }
    let input: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let id = input.get("identifier").and_then(Value::as_str);
    let password = input.get("password").and_then(Value::as_str);
    let body = {
        let mut st = app.lock();
        let me = id.is_some_and(|i| i == st.me.handle || i == st.me.did);
        if !me || password != Some(APP_PASSWORD) {
            return error(
                401,
                "AuthenticationRequired",
                "Invalid identifier or password",
            );
        }
        session_body(&mut st)
    };
    ok(&app, body)
}

async fn refresh_session(State(app): State<Bluesky>, headers: HeaderMap) -> Response {
    if let Err(resp) = gate(&app, &headers, Auth::Refresh).await {
        return resp;
    }
    let body = {
        let mut st = app.lock();
        // The old refresh token is spent once used.
        if let Some(old) = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
        {
            st.refresh.insert(old.to_string(), true);
        }
        session_body(&mut st)
    };
    ok(&app, body)
}

async fn list_notifications(
    State(app): State<Bluesky>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    if let Err(resp) = gate(&app, &headers, Auth::Access).await {
        return resp;
    }
    let q = pairs(raw);
    let reasons: Vec<&str> = q
        .iter()
        .filter(|(k, _)| k == "reasons")
        .map(|(_, v)| v.as_str())
        .collect();
    let limit = param(&q, "limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(50);
    if !(1..=100).contains(&limit) {
        return error(400, "InvalidRequest", "limit must be between 1 and 100");
    }
    let before = param(&q, "cursor")
        .and_then(|c| DateTime::parse_from_rfc3339(c).ok())
        .map(|c| c.with_timezone(&Utc));
    let body = {
        let st = app.lock();
        let mut entries: Vec<&Entry> = st
            .notifications
            .iter()
            .filter(|e| match e {
                Entry::Post { reason, .. } => reasons.is_empty() || reasons.contains(reason),
                Entry::Raw { .. } => true,
            })
            .filter(|e| before.is_none_or(|b| e.indexed_at() < b))
            .collect();
        entries.sort_by_key(|e| std::cmp::Reverse(e.indexed_at()));
        let more = entries.len() > limit;
        entries.truncate(limit);
        let list: Vec<Value> = entries
            .iter()
            .filter_map(|e| match e {
                Entry::Raw { value, .. } => Some(value.clone()),
                Entry::Post {
                    reason,
                    uri,
                    subject,
                    indexed_at,
                } => st.posts.get(uri).map(|p| {
                    json!({
                        "uri": p.uri, "cid": p.cid, "author": p.author.json(),
                        "reason": reason, "reasonSubject": subject, "record": p.record,
                        "isRead": false, "indexedAt": iso(*indexed_at), "labels": [],
                    })
                }),
            })
            .collect();
        let cursor = entries.last().filter(|_| more).map(|e| iso(e.indexed_at()));
        json!({ "notifications": list, "cursor": cursor, "priority": false })
    };
    ok(&app, body)
}

async fn get_post_thread(
    State(app): State<Bluesky>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    if let Err(resp) = gate(&app, &headers, Auth::Access).await {
        return resp;
    }
    let q = pairs(raw);
    let num = |k: &str, d: u64| param(&q, k).and_then(|v| v.parse().ok()).unwrap_or(d);
    let (depth, parents) = (num("depth", 6).min(1000), num("parentHeight", 80));
    let uri = param(&q, "uri").unwrap_or_default();
    let body = {
        let st = app.lock();
        let Some(post) = st.posts.get(uri) else {
            return error(400, "NotFound", &format!("Post not found: {uri}"));
        };
        json!({ "thread": st.thread(post, depth, parents) })
    };
    ok(&app, body)
}

async fn resolve_handle(
    State(app): State<Bluesky>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    if let Err(resp) = gate(&app, &headers, Auth::None).await {
        return resp;
    }
    let q = pairs(raw);
    let handle = param(&q, "handle").unwrap_or_default().to_ascii_lowercase();
    let did = app.lock().profiles.get(&handle).map(|p| p.did.clone());
    match did {
        Some(did) => ok(&app, json!({ "did": did })),
        None => error(400, "InvalidRequest", "Unable to resolve handle"),
    }
}

async fn create_record(
    State(app): State<Bluesky>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if let Err(resp) = gate(&app, &headers, Auth::Access).await {
        return resp;
    }
    let bad = |m: &str| error(400, "InvalidRequest", m);
    let Ok(input) = serde_json::from_slice::<Value>(&body) else {
        return bad("Input must be JSON");
    };
    let record = input.get("record").cloned().unwrap_or(Value::Null);
    if input.get("collection").and_then(Value::as_str) != Some(POST)
        || record.get("$type").and_then(Value::as_str) != Some(POST)
    {
        return bad("Only app.bsky.feed.post records are supported here");
    }
    let text = record.get("text").and_then(Value::as_str).unwrap_or("");
    if text.graphemes(true).count() > 300 || text.len() > 3000 {
        return bad(
            "Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes",
        );
    }
    if record.get("createdAt").and_then(Value::as_str).is_none() {
        return bad(
            "Invalid app.bsky.feed.post record: Record must have the property \"createdAt\"",
        );
    }
    let body = {
        let mut st = app.lock();
        let repo = input.get("repo").and_then(Value::as_str);
        if repo != Some(st.me.did.as_str()) && repo != Some(st.me.handle.as_str()) {
            return bad("Invalid repo");
        }
        for part in ["root", "parent"] {
            let Some(r) = record.get("reply") else { break };
            let uri = r.pointer(&format!("/{part}/uri")).and_then(Value::as_str);
            let cid = r.pointer(&format!("/{part}/cid")).and_then(Value::as_str);
            let known = uri.and_then(|u| st.posts.get(u));
            if known.is_none_or(|p| Some(p.cid.as_str()) != cid) {
                return bad(&format!(
                    "Invalid app.bsky.feed.post record: reply {part} is not a valid strong ref"
                ));
            }
        }
        let n = st.tick();
        let uri = format!("at://{}/{POST}/3lz{}", st.me.did, base32(n, 10));
        let me = st.me.clone();
        let at = st.stamp(Utc::now());
        st.store(uri.clone(), me, record, at);
        let cid = cid_for(&uri);
        json!({ "uri": uri, "cid": cid, "commit": { "cid": cid_for(&cid), "rev": format!("3lr{n}") }, "validationStatus": "valid" })
    };
    ok(&app, body)
}

/// The server's routes, to be nested under `/bluesky`.
pub fn router(app: Bluesky) -> Router {
    Router::new()
        .route(
            "/xrpc/com.atproto.server.createSession",
            post(create_session),
        )
        .route(
            "/xrpc/com.atproto.server.refreshSession",
            post(refresh_session),
        )
        .route(
            "/xrpc/app.bsky.notification.listNotifications",
            get(list_notifications),
        )
        .route("/xrpc/app.bsky.feed.getPostThread", get(get_post_thread))
        .route(
            "/xrpc/com.atproto.identity.resolveHandle",
            get(resolve_handle),
        )
        .route("/xrpc/com.atproto.repo.createRecord", post(create_record))
        .with_state(app)
}
