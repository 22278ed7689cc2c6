//! X API v2 in miniature (`reference/networks.md` §3): the endpoints the
//! X connector uses, in X's shapes. Posts with `entities.mentions`,
//! `referenced_tweets`, `includes.users`/`includes.tweets` and `meta`
//! (`newest_id`, `oldest_id`, `next_token`); `since_id`, `until_id` and
//! `pagination_token` (search: `next_token` too); `max_results` ranges
//! checked; DM events newest first; `x-rate-limit-limit/remaining/reset`
//! (epoch seconds) on every answer and RFC 7807 problem bodies on errors.
//! The 2026 rule is enforced: a reply is refused (403) unless the post
//! answered is ours, names us or quotes us; likes and blocks answer 403
//! `client-forbidden` unless the sandbox is set to Enterprise.
//!
//! - `read`: timelines, search, DM events.
//! - `write`: posting, hiding, deleting, likes, muting, DMs, and
//!   `POST /2/oauth2/token`: the `authorization_code` grant (PKCE S256
//!   checked) and the refresh grant (rotating refresh tokens).
//! - `GET /i/oauth2/authorize` (as `x.com` serves it): the user approves
//!   at once and the browser goes back to the loopback redirect.
//! - `control`: creating, seeding from demo items, what tests do to it.
//!
//! State is kept: a reply posted is in the next read, a hidden reply reads
//! back hidden (`X::is_hidden`), a deleted post is gone.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{Value, json};

mod control;
mod read;
mod write;

use super::faults::{Fault, Faults};

/// The access token the sandbox accepts at first.
pub const TOKEN: &str = "sandbox-x-token";
/// The refresh token issued with it (rotates on every refresh).
pub const REFRESH_TOKEN: &str = "sandbox-x-refresh";
/// The X app's OAuth 2.0 client id.
pub const CLIENT_ID: &str = "sandbox-x-client";
/// The brand's user id (the demo's `@AtelierLumen`).
pub const BRAND_ID: &str = "1189034765221871616";
/// Requests per 15-minute window, as X's per-user mentions limit.
const RATE_LIMIT: u64 = 300;

#[derive(Debug, Clone)]
struct User {
    id: String,
    username: String,
    name: String,
}

#[derive(Debug, Clone)]
struct Tweet {
    id: u64,
    author: String,
    text: String,
    created_at: DateTime<Utc>,
    conversation_id: u64,
    replied_to: Option<u64>,
    quoted: Option<u64>,
    in_reply_to_user_id: Option<String>,
    /// User ids it mentions (who it summons).
    mentions: Vec<String>,
    hidden: bool,
    likes: u64,
}

#[derive(Debug, Clone)]
struct DmEvent {
    id: u64,
    conversation: String,
    sender: String,
    text: String,
    created_at: DateTime<Utc>,
}

/// The network's state.
#[derive(Debug)]
pub struct World {
    me: User,
    users: BTreeMap<String, User>,
    tweets: BTreeMap<u64, Tweet>,
    /// Mentions the network sends in a shape a client must survive.
    raw_mentions: Vec<(u64, Value)>,
    dms: BTreeMap<u64, DmEvent>,
    liked: BTreeSet<u64>,
    muted: BTreeSet<String>,
    blocked: BTreeSet<String>,
    next_id: u64,
    remaining: u64,
    window_reset: DateTime<Utc>,
    token_expired: bool,
    /// The valid access and refresh tokens (refreshing rotates both).
    access: String,
    refresh: String,
    refreshes: u64,
    /// Authorization codes not yet exchanged.
    codes: BTreeMap<String, Grant>,
    /// Codes exchanged for tokens.
    logins: u64,
    enterprise: bool,
    requests: u64,
}

/// What an authorization code was issued for (PKCE, RFC 7636).
#[derive(Debug, Clone)]
struct Grant {
    redirect_uri: String,
    challenge: String,
    /// `offline.access` was asked: a refresh token comes with the access.
    offline: bool,
}

/// Control handle: the state and the fault queue, shared with the server.
#[derive(Debug, Clone)]
pub struct X {
    state: Arc<Mutex<World>>,
    pub faults: Faults,
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl World {
    fn next_id(&mut self) -> u64 {
        // Snowflakes grow with time; keep above every seeded id.
        self.next_id += 1_000;
        self.next_id
    }

    fn user_json(&self, id: &str) -> Option<Value> {
        self.users
            .get(id)
            .or((id == self.me.id).then_some(&self.me))
            .map(|u| json!({ "id": u.id, "name": u.name, "username": u.username }))
    }

    fn tweet_json(&self, t: &Tweet) -> Value {
        let mut refs = Vec::new();
        if let Some(p) = t.replied_to {
            refs.push(json!({ "type": "replied_to", "id": p.to_string() }));
        }
        if let Some(q) = t.quoted {
            refs.push(json!({ "type": "quoted", "id": q.to_string() }));
        }
        let mentions: Vec<Value> = t
            .mentions
            .iter()
            .filter_map(|id| {
                let u = self
                    .users
                    .get(id)
                    .or((*id == self.me.id).then_some(&self.me))?;
                let at = format!("@{}", u.username);
                let start = t.text.find(&at)?;
                let start_chars = t.text[..start].chars().count();
                Some(json!({
                    "start": start_chars, "end": start_chars + at.chars().count(),
                    "username": u.username, "id": u.id,
                }))
            })
            .collect();
        let mut v = json!({
            "id": t.id.to_string(),
            "text": t.text,
            "author_id": t.author,
            "conversation_id": t.conversation_id.to_string(),
            "created_at": time(t.created_at),
            "edit_history_tweet_ids": [t.id.to_string()],
            "entities": { "mentions": mentions },
            "public_metrics": {
                "retweet_count": 0, "reply_count": self.tweets.values().filter(|r| r.replied_to == Some(t.id)).count(),
                "like_count": t.likes, "quote_count": 0, "bookmark_count": 0, "impression_count": 0,
            },
        });
        if let Some(obj) = v.as_object_mut() {
            if !refs.is_empty() {
                obj.insert("referenced_tweets".into(), Value::Array(refs));
            }
            if let Some(u) = &t.in_reply_to_user_id {
                obj.insert("in_reply_to_user_id".into(), json!(u));
            }
        }
        v
    }

    /// A list answer: `data`, `includes` (authors, referenced posts), `meta`.
    fn list(&self, page: &[Value], authors: &[String], refs: &[u64], next: Option<u64>) -> Value {
        let mut seen = BTreeSet::new();
        let users: Vec<Value> = authors
            .iter()
            .filter(|a| seen.insert((*a).clone()))
            .filter_map(|a| self.user_json(a))
            .collect();
        let tweets: Vec<Value> = refs
            .iter()
            .filter_map(|r| self.tweets.get(r))
            .map(|t| self.tweet_json(t))
            .collect();
        let id_of = |v: Option<&Value>| v.and_then(|v| v.get("id")).cloned();
        let mut meta = json!({ "result_count": page.len() });
        if let Some(obj) = meta.as_object_mut() {
            if let Some(n) = id_of(page.first()) {
                obj.insert("newest_id".into(), n);
            }
            if let Some(o) = id_of(page.last()) {
                obj.insert("oldest_id".into(), o);
            }
            if let Some(n) = next {
                obj.insert("next_token".into(), json!(token(n)));
            }
        }
        if page.is_empty() {
            return json!({ "meta": meta });
        }
        json!({ "data": page, "includes": { "users": users, "tweets": tweets }, "meta": meta })
    }

    fn rate_headers(&mut self, headers: &mut HeaderMap) {
        let now = Utc::now();
        if now >= self.window_reset {
            self.window_reset = now + Duration::minutes(15);
            self.remaining = RATE_LIMIT;
        }
        self.remaining = self.remaining.saturating_sub(1);
        let reset = self.window_reset.timestamp().to_string();
        for (k, v) in [
            ("x-rate-limit-limit", RATE_LIMIT.to_string()),
            ("x-rate-limit-remaining", self.remaining.to_string()),
            ("x-rate-limit-reset", reset),
        ] {
            if let Ok(v) = HeaderValue::from_str(&v) {
                headers.insert(k, v);
            }
        }
    }
}

/// An opaque page token naming where the next page starts (below `id`).
fn token(id: u64) -> String {
    format!("7140dibdnow9{id:x}")
}

fn untoken(t: &str) -> Option<u64> {
    u64::from_str_radix(t.strip_prefix("7140dibdnow9")?, 16).ok()
}

/// An RFC 7807 problem, as X sends them.
fn problem(status: StatusCode, kind: &str, title: &str, detail: &str) -> Response {
    let kind = if kind == "about:blank" {
        kind.to_string()
    } else {
        format!("https://api.x.com/2/problems/{kind}")
    };
    let body = json!({ "title": title, "detail": detail, "type": kind, "status": status.as_u16() });
    (status, axum::Json(body)).into_response()
}

fn invalid(detail: &str) -> Response {
    problem(
        StatusCode::BAD_REQUEST,
        "invalid-request",
        "Invalid Request",
        detail,
    )
}

/// Auth, faults and the rate window, before any handler runs.
async fn gate(app: &X, headers: &HeaderMap) -> Result<(), Response> {
    app.lock().requests += 1;
    let expected = format!("Bearer {}", app.lock().access);
    let authorised = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == expected);
    match app.faults.next() {
        Some(Fault::RateLimited { reset_secs }) => {
            let secs = i64::try_from(reset_secs).unwrap_or(900);
            let reset = (Utc::now() + Duration::seconds(secs)).timestamp();
            return Err(too_many(reset));
        }
        Some(Fault::ServerError) => {
            return Err(problem(
                StatusCode::SERVICE_UNAVAILABLE,
                "about:blank",
                "Service Unavailable",
                "Service Unavailable",
            ));
        }
        Some(Fault::Malformed) => {
            return Err((StatusCode::OK, "{\"data\": [{\"id\": \"1\", oops").into_response());
        }
        Some(Fault::Unauthorized) => return Err(unauthorized()),
        Some(Fault::Slow { millis }) => {
            tokio::time::sleep(std::time::Duration::from_millis(millis)).await;
        }
        None => {}
    }
    if !authorised || app.lock().token_expired {
        return Err(unauthorized());
    }
    let exhausted = {
        let st = app.lock();
        (st.remaining == 0 && Utc::now() < st.window_reset).then(|| st.window_reset.timestamp())
    };
    if let Some(reset) = exhausted {
        return Err(too_many(reset));
    }
    Ok(())
}

fn unauthorized() -> Response {
    problem(
        StatusCode::UNAUTHORIZED,
        "about:blank",
        "Unauthorized",
        "Unauthorized",
    )
}

fn too_many(reset: i64) -> Response {
    let mut resp = problem(
        StatusCode::TOO_MANY_REQUESTS,
        "about:blank",
        "Too Many Requests",
        "Too Many Requests",
    );
    let h = resp.headers_mut();
    h.insert("x-rate-limit-limit", HeaderValue::from(RATE_LIMIT));
    h.insert("x-rate-limit-remaining", HeaderValue::from(0u64));
    h.insert("x-rate-limit-reset", HeaderValue::from(reset));
    resp
}

fn ok(app: &X, status: StatusCode, body: Value) -> Response {
    let mut resp = (status, axum::Json(body)).into_response();
    app.lock().rate_headers(resp.headers_mut());
    resp
}

/// The network's routes, to be nested under `/x`.
pub fn router(app: X) -> Router {
    Router::new()
        .route("/2/users/me", get(read::me))
        .route("/2/users/{id}/mentions", get(read::mentions))
        .route("/2/users/{id}/tweets", get(read::own_tweets))
        .route("/2/tweets/search/recent", get(read::search))
        .route("/2/dm_events", get(read::dm_events))
        .route(
            "/2/dm_conversations/{id}/dm_events",
            get(read::conversation_events),
        )
        .route("/2/tweets", post(write::create))
        .route("/2/tweets/{id}", delete(write::destroy))
        .route("/2/tweets/{id}/hidden", put(write::hide))
        .route("/2/users/{id}/likes", post(write::like))
        .route("/2/users/{id}/likes/{tweet_id}", delete(write::unlike))
        .route("/2/users/{id}/muting", post(write::mute))
        .route("/2/users/{id}/blocking", post(write::block))
        .route(
            "/2/dm_conversations/{id}/messages",
            post(write::dm_in_conversation),
        )
        .route(
            "/2/dm_conversations/with/{participant}/messages",
            post(write::dm_with),
        )
        .route("/2/dm_events/{id}", delete(write::dm_destroy))
        .route("/2/oauth2/token", post(write::token))
        .route("/i/oauth2/authorize", get(write::authorize))
        .with_state(app)
}
