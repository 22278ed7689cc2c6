//! A Mastodon instance in miniature: the endpoints guichet uses, in the
//! shapes `reference/networks.md` §8 gives (notifications with `Link`
//! paging and `min_id`/`max_id`/`since_id`, status context, posting with
//! `Idempotency-Key` and mentions read from the text), `X-RateLimit-*`
//! headers with an ISO reset time, bearer-token auth (a token can be made
//! to expire, as Doorkeeper says it), and the shared fault queue. State is
//! kept: a reply posted here is read back by the next request.
//!
//! - `conversations`: direct statuses grouped per thread and participants,
//!   `GET /api/v1/conversations` paged by last status.
//! - `social`: one status (show, delete), favourite, block and mute with
//!   relationships; blocked and muted accounts' notifications stop.
//! - `accounts`: the accounts the instance knows, mentions read from text.
//! - `reports`: `POST /api/v1/reports`, validated, kept for moderators.
//! - `control`: what tests and the demo do to the instance.
//!
//! To extend: add a route in [`router`] and the state it needs in
//! [`Instance`]; keep field names and status codes exactly as the real API.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{Value, json};

mod accounts;
mod control;
mod conversations;
mod oauth;
mod reports;
mod social;

use super::faults::{Fault, Faults};
use crate::model::{Item, Kind, Network};

/// The token the sandbox accepts.
pub const TOKEN: &str = "sandbox-mastodon-token";
const RATE_LIMIT: u64 = 300;

#[derive(Debug, Clone)]
struct Account {
    id: String,
    acct: String,
    display_name: String,
}

impl Account {
    fn json(&self, host: &str) -> Value {
        let username = self.acct.split('@').next().unwrap_or(&self.acct);
        json!({
            "id": self.id, "username": username, "acct": self.acct,
            "display_name": self.display_name, "url": format!("https://{host}/@{}", self.acct),
            "avatar": format!("https://{host}/avatars/{}.png", self.id), "bot": false,
        })
    }

    /// As a status's `mentions[]` lists it.
    fn mention_json(&self, host: &str) -> Value {
        let username = self.acct.split('@').next().unwrap_or(&self.acct);
        json!({
            "id": self.id, "username": username, "acct": self.acct,
            "url": format!("https://{host}/@{}", self.acct),
        })
    }
}

#[derive(Debug, Clone)]
struct Status {
    id: u64,
    account: Account,
    text: String,
    created_at: DateTime<Utc>,
    visibility: &'static str,
    in_reply_to_id: Option<u64>,
    language: Option<String>,
    favourites: u64,
    replies: u64,
    favourited: bool,
    /// Accounts it mentions (who a direct status reaches).
    mentions: Vec<Account>,
}

#[derive(Debug, Clone)]
enum Entry {
    Mention {
        id: u64,
        status: u64,
        created_at: DateTime<Utc>,
    },
    /// A notification the network sent in a shape we must survive.
    Raw { id: u64, value: Value },
}

impl Entry {
    fn id(&self) -> u64 {
        match self {
            Entry::Mention { id, .. } | Entry::Raw { id, .. } => *id,
        }
    }
}

/// A direct conversation: one thread between the same participants.
#[derive(Debug, Clone)]
struct Conversation {
    id: u64,
    /// The thread's first status.
    root: u64,
    /// Account ids of everyone in it but us, sorted.
    participants: Vec<String>,
    statuses: Vec<u64>,
    unread: bool,
}

/// The instance's state.
#[derive(Debug)]
pub struct Instance {
    host: String,
    me: Account,
    /// Every account the instance knows, by `acct`.
    accounts: BTreeMap<String, Account>,
    statuses: BTreeMap<u64, Status>,
    notifications: Vec<Entry>,
    conversations: Vec<Conversation>,
    /// Account ids we block.
    blocks: BTreeSet<String>,
    /// Account ids we mute, and whether their notifications are muted too.
    mutes: BTreeMap<String, bool>,
    next_id: u64,
    idempotency: HashMap<String, u64>,
    remaining: u64,
    window_reset: DateTime<Utc>,
    /// The token still authenticates, but Doorkeeper says it expired.
    token_expired: bool,
    /// Reports filed for the instance's moderators.
    reports: Vec<reports::Filed>,
}

/// Control handle: the state and the fault queue, shared with the server.
#[derive(Debug, Clone)]
pub struct Mastodon {
    state: Arc<Mutex<Instance>>,
    pub faults: Faults,
    oauth: oauth::Shared,
}

fn html(text: &str) -> String {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;");
    let paras: Vec<String> = escaped
        .split("\n\n")
        .map(|p| format!("<p>{}</p>", p.replace('\n', "<br>")))
        .collect();
    paras.concat()
}

impl Status {
    fn new(
        id: u64,
        account: Account,
        text: String,
        created_at: DateTime<Utc>,
        visibility: &'static str,
        in_reply_to_id: Option<u64>,
    ) -> Status {
        Status {
            id,
            account,
            text,
            created_at,
            visibility,
            in_reply_to_id,
            language: None,
            favourites: 0,
            replies: 0,
            favourited: false,
            mentions: Vec::new(),
        }
    }

    fn json(&self, inst: &Instance) -> Value {
        let host = &inst.host;
        let in_reply_to_account = self
            .in_reply_to_id
            .and_then(|p| inst.statuses.get(&p))
            .map(|p| p.account.id.clone());
        json!({
            "id": self.id.to_string(),
            "uri": format!("https://{host}/users/{}/statuses/{}", self.account.acct, self.id),
            "url": format!("https://{host}/@{}/{}", self.account.acct, self.id),
            "created_at": self.created_at.to_rfc3339_opts(SecondsFormat::Millis, true),
            "account": self.account.json(host),
            "content": html(&self.text),
            "visibility": self.visibility,
            "sensitive": false, "spoiler_text": "",
            "in_reply_to_id": self.in_reply_to_id.map(|i| i.to_string()),
            "in_reply_to_account_id": in_reply_to_account,
            "language": self.language,
            "mentions": self.mentions.iter().map(|a| a.mention_json(host)).collect::<Vec<_>>(),
            "tags": [], "emojis": [], "media_attachments": [],
            "replies_count": self.replies, "reblogs_count": 0, "favourites_count": self.favourites,
            "favourited": self.favourited, "reblogged": false, "muted": false, "bookmarked": false,
            "edited_at": null, "reblog": null, "poll": null, "card": null,
        })
    }
}

impl Instance {
    fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Stores a status: counts it as a reply of its parent, and files a
    /// direct one in its conversation.
    fn insert(&mut self, status: Status) -> u64 {
        let id = status.id;
        if let Some(parent) = status
            .in_reply_to_id
            .and_then(|p| self.statuses.get_mut(&p))
        {
            parent.replies += 1;
        }
        let direct = status.visibility == "direct";
        self.statuses.insert(id, status);
        if direct {
            self.deliver(id);
        }
        id
    }

    /// A mention notification for us about `status`.
    fn notify(&mut self, status: u64) {
        let id = self.next_id();
        self.notifications.push(Entry::Mention {
            id,
            status,
            created_at: Utc::now(),
        });
    }

    /// An account we block, or mute with its notifications: what it does
    /// no longer notifies us.
    fn silenced(&self, account_id: &str) -> bool {
        self.blocks.contains(account_id) || self.mutes.get(account_id).copied().unwrap_or(false)
    }

    fn rate_headers(&mut self, headers: &mut HeaderMap) {
        let now = Utc::now();
        if now >= self.window_reset {
            self.window_reset = now + Duration::minutes(5);
            self.remaining = RATE_LIMIT;
        }
        self.remaining = self.remaining.saturating_sub(1);
        let reset = self
            .window_reset
            .to_rfc3339_opts(SecondsFormat::Micros, true);
        for (k, v) in [
            ("x-ratelimit-limit", RATE_LIMIT.to_string()),
            ("x-ratelimit-remaining", self.remaining.to_string()),
            ("x-ratelimit-reset", reset),
        ] {
            if let Ok(v) = HeaderValue::from_str(&v) {
                headers.insert(k, v);
            }
        }
    }
}

fn error(code: StatusCode, msg: &str) -> Response {
    (code, axum::Json(json!({ "error": msg }))).into_response()
}

/// Auth and faults, before any handler runs. `Err` is the response to send.
async fn gate(app: &Mastodon, headers: &HeaderMap) -> Result<(), Response> {
    let authorised = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == format!("Bearer {TOKEN}"));
    match app.faults.next() {
        Some(Fault::RateLimited { reset_secs }) => {
            let reset = (Utc::now() + Duration::seconds(i64::try_from(reset_secs).unwrap_or(60)))
                .to_rfc3339_opts(SecondsFormat::Micros, true);
            let mut resp = error(StatusCode::TOO_MANY_REQUESTS, "Too many requests");
            let h = resp.headers_mut();
            h.insert("x-ratelimit-limit", HeaderValue::from(RATE_LIMIT));
            h.insert("x-ratelimit-remaining", HeaderValue::from(0u64));
            if let Ok(v) = HeaderValue::from_str(&reset) {
                h.insert("x-ratelimit-reset", v);
            }
            return Err(resp);
        }
        Some(Fault::ServerError) => {
            return Err(error(
                StatusCode::SERVICE_UNAVAILABLE,
                "Remote data could not be fetched",
            ));
        }
        Some(Fault::Malformed) => {
            return Err((StatusCode::OK, "{\"id\": \"1\", oops").into_response());
        }
        Some(Fault::Unauthorized) => {
            return Err(error(
                StatusCode::UNAUTHORIZED,
                "The access token is invalid",
            ));
        }
        Some(Fault::Slow { millis }) => {
            tokio::time::sleep(std::time::Duration::from_millis(millis)).await
        }
        None => {}
    }
    if !authorised {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "The access token is invalid",
        ));
    }
    if app.lock().token_expired {
        let mut resp = error(StatusCode::UNAUTHORIZED, "The access token expired");
        resp.headers_mut().insert(
            "www-authenticate",
            HeaderValue::from_static(
                "Bearer realm=\"Doorkeeper\", error=\"invalid_token\", error_description=\"The access token expired\"",
            ),
        );
        return Err(resp);
    }
    Ok(())
}

fn ok(app: &Mastodon, body: Value, extra: Option<(&str, String)>) -> Response {
    let mut resp = axum::Json(body).into_response();
    app.lock().rate_headers(resp.headers_mut());
    if let Some((k, v)) = extra
        && let Ok(v) = HeaderValue::from_str(&v)
        && let Ok(k) = axum::http::HeaderName::from_bytes(k.as_bytes())
    {
        resp.headers_mut().insert(k, v);
    }
    resp
}

/// The query string as key/value pairs (repeated `types[]` included).
fn pairs(raw: Option<String>) -> Vec<(String, String)> {
    raw.unwrap_or_default()
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.replace("%5B%5D", "[]"), v.to_string()))
        .collect()
}

async fn verify_credentials(State(app): State<Mastodon>, headers: HeaderMap) -> Response {
    if let Err(resp) = gate(&app, &headers).await {
        return resp;
    }
    let body = {
        let st = app.lock();
        st.me.json(&st.host)
    };
    ok(&app, body, None)
}

async fn notifications(
    State(app): State<Mastodon>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    if let Err(resp) = gate(&app, &headers).await {
        return resp;
    }
    let q = pairs(raw);
    let get = |k: &str| {
        q.iter()
            .find(|(key, _)| key == k)
            .and_then(|(_, v)| v.parse::<u64>().ok())
    };
    let types: Vec<&str> = q
        .iter()
        .filter(|(k, _)| k == "types[]")
        .map(|(_, v)| v.as_str())
        .collect();
    let limit = get("limit").unwrap_or(40).clamp(1, 80) as usize;
    let (body, link) =
        {
            let st = app.lock();
            let mut entries: Vec<&Entry> = st
                .notifications
                .iter()
                .filter(|e| {
                    types.is_empty() || types.contains(&"mention") || matches!(e, Entry::Raw { .. })
                })
                .filter(|e| match e {
                    Entry::Raw { .. } => true,
                    Entry::Mention { status, .. } => st
                        .statuses
                        .get(status)
                        .is_some_and(|s| !st.silenced(&s.account.id)),
                })
                .filter(|e| get("max_id").is_none_or(|m| e.id() < m))
                .filter(|e| get("since_id").is_none_or(|m| e.id() > m))
                .filter(|e| get("min_id").is_none_or(|m| e.id() > m))
                .collect();
            entries.sort_by_key(|e| std::cmp::Reverse(e.id()));
            // min_id pages forward: the window just above it, still newest first.
            let page: Vec<&Entry> = if get("min_id").is_some() {
                let start = entries.len().saturating_sub(limit);
                entries[start..].to_vec()
            } else {
                entries.into_iter().take(limit).collect()
            };
            let body: Vec<Value> =
                page.iter()
                    .filter_map(|e| {
                        match e {
                Entry::Raw { value, .. } => Some(value.clone()),
                Entry::Mention { id, status, created_at } => st.statuses.get(status).map(|s| {
                    json!({
                        "id": id.to_string(), "type": "mention",
                        "created_at": created_at.to_rfc3339_opts(SecondsFormat::Millis, true),
                        "group_key": format!("ungrouped-{id}"),
                        "account": s.account.json(&st.host), "status": s.json(&st),
                    })
                }),
            }
                    })
                    .collect();
            // Links are absolute, as a real instance sends them.
            let host = headers
                .get("host")
                .and_then(|h| h.to_str().ok())
                .unwrap_or("127.0.0.1");
            let base = format!(
                "http://{host}/mastodon/api/v1/notifications?types%5B%5D=mention&limit={limit}"
            );
            let link = match (page.last(), page.first()) {
                (Some(last), Some(first)) => Some(format!(
                    "<{base}&max_id={}>; rel=\"next\", <{base}&min_id={}>; rel=\"prev\"",
                    last.id(),
                    first.id()
                )),
                _ => None,
            };
            (Value::Array(body), link)
        };
    ok(&app, body, link.map(|l| ("link", l)))
}

async fn context(
    State(app): State<Mastodon>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(resp) = gate(&app, &headers).await {
        return resp;
    }
    let body = {
        let st = app.lock();
        let Some(status) = id.parse::<u64>().ok().and_then(|i| st.statuses.get(&i)) else {
            return error(StatusCode::NOT_FOUND, "Record not found");
        };
        let mut ancestors = Vec::new();
        let mut cur = status.in_reply_to_id;
        while let Some(p) = cur.and_then(|p| st.statuses.get(&p)) {
            ancestors.push(p.json(&st));
            cur = p.in_reply_to_id;
        }
        ancestors.reverse();
        let descendants: Vec<Value> = st
            .statuses
            .values()
            .filter(|s| s.in_reply_to_id == Some(status.id))
            .map(|s| s.json(&st))
            .collect();
        json!({ "ancestors": ancestors, "descendants": descendants })
    };
    ok(&app, body, None)
}

async fn post_status(
    State(app): State<Mastodon>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if let Err(resp) = gate(&app, &headers).await {
        return resp;
    }
    let params: HashMap<String, String> = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(map)) => map
            .into_iter()
            .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_string())))
            .collect(),
        _ => {
            return error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Validation failed: Text can't be blank",
            );
        }
    };
    let text = params.get("status").cloned().unwrap_or_default();
    if text.trim().is_empty() {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Validation failed: Text can't be blank",
        );
    }
    if text.chars().count() > 500 {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Validation failed: Text character limit of 500 exceeded",
        );
    }
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = {
        let mut st = app.lock();
        if let Some(existing) = key
            .as_ref()
            .and_then(|k| st.idempotency.get(k))
            .and_then(|id| st.statuses.get(id))
        {
            existing.json(&st)
        } else {
            let in_reply_to = params
                .get("in_reply_to_id")
                .and_then(|i| i.parse::<u64>().ok());
            if in_reply_to.is_some_and(|p| !st.statuses.contains_key(&p)) {
                return error(StatusCode::NOT_FOUND, "Record not found");
            }
            let visibility = match params.get("visibility").map(String::as_str) {
                Some("direct") => "direct",
                Some("private") => "private",
                Some("unlisted") => "unlisted",
                _ => "public",
            };
            let id = st.next_id();
            let me = st.me.clone();
            let mentions = st.mentions_in(&text);
            let mut status = Status::new(id, me, text, Utc::now(), visibility, in_reply_to);
            status.mentions = mentions;
            st.insert(status);
            if let Some(k) = key {
                st.idempotency.insert(k, id);
            }
            st.statuses
                .get(&id)
                .map(|s| s.json(&st))
                .unwrap_or(Value::Null)
        }
    };
    ok(&app, body, None)
}

/// The instance's routes, to be nested under `/mastodon`.
pub fn router(app: Mastodon) -> Router {
    Router::new()
        .route(
            "/api/v1/accounts/verify_credentials",
            get(verify_credentials),
        )
        .route("/api/v1/notifications", get(notifications))
        .route("/api/v1/statuses/{id}/context", get(context))
        .route("/api/v1/statuses", post(post_status))
        .route(
            "/api/v1/statuses/{id}",
            get(social::show).delete(social::destroy),
        )
        .route("/api/v1/statuses/{id}/{verb}", post(social::favourite))
        .route("/api/v1/accounts/relationships", get(social::relationships))
        .route("/api/v1/accounts/{id}/{verb}", post(social::relate))
        .route("/api/v1/reports", post(reports::create))
        .route("/api/v1/conversations", get(conversations::list))
        .route("/api/v1/conversations/{id}/read", post(conversations::read))
        .with_state(app.clone())
        .merge(oauth::router(app))
}
