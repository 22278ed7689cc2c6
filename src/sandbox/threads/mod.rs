//! A Threads account in miniature (`reference/networks.md` §7): the
//! Threads Graph endpoints guichet uses, in their documented shapes, under
//! `/v1.0`. Own posts (`/{user-id}/threads`), a post's `/conversation`
//! (flattened, `reverse`) and a media's `/replies` with `hide_status`,
//! `is_reply`, `replied_to`, `root_post`, `is_reply_owned_by_me`,
//! `/{user-id}/mentions` (path UNCONFIRMED), the reply container flow
//! (`POST /{user-id}/threads` then `/threads_publish`), `manage_reply`
//! (top-level replies only; a hidden reply hides its nested replies, which
//! read back `HIDDEN`), `DELETE` of our own media only, the 500-character
//! and 5-link limits, and `GET /refresh_access_token` (token ≥ 24 h old,
//! new 60-day token).
//!
//! Answers use Graph cursors (`paging.cursors`, plus `paging.next` unless
//! [`Threads::set_cursors_only`]), the Graph error envelope, an
//! `X-App-Usage` header (Meta's app-level usage header; UNCONFIRMED that
//! Threads sends it, networks.md names none), and the shared fault queue.
//! State is kept: a reply published here is in the next read, a hidden
//! reply reads back hidden, a deleted one is gone. Control methods live in
//! `control.rs`.

mod control;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};

use super::faults::{Fault, Faults};
use super::graph::{self, Params, error, graph_time, not_found};

/// The long-lived token the sandbox accepts at first.
pub const TOKEN: &str = "sandbox-threads-long-lived-token";
/// The brand's Threads user id (the demo brand's).
pub const USER_ID: &str = "26198234507716342";
/// A long-lived token's lifetime (§7).
pub const TOKEN_LIFETIME: TimeDelta = TimeDelta::days(60);
/// Text limit of a post or reply (§7).
pub const MAX_TEXT: usize = 500;

#[derive(Debug, Clone)]
struct Post {
    id: String,
    text: String,
    created: DateTime<Utc>,
    permalink: String,
}

/// A reply (under one of our posts) or a post that mentions us.
#[derive(Debug, Clone)]
struct Media {
    id: String,
    /// The root post, for a reply; `None` for a mention.
    root: Option<String>,
    replied_to: Option<String>,
    username: String,
    ours: bool,
    text: String,
    created: DateTime<Utc>,
    hidden: bool,
    quote: bool,
    permalink: String,
    raw: Option<Value>,
}

#[derive(Debug, Clone)]
struct Container {
    text: String,
    reply_to: String,
    published: Option<String>,
}

#[derive(Debug, Clone, Copy)]
struct Token {
    issued: DateTime<Utc>,
    expires: DateTime<Utc>,
}

/// The account's state.
#[derive(Debug)]
pub struct AccountState {
    user_id: String,
    username: String,
    posts: Vec<Post>,
    media: Vec<Media>,
    containers: HashMap<String, Container>,
    tokens: HashMap<String, Token>,
    refreshes: usize,
    calls: usize,
    usage_percent: u64,
    max_page: Option<usize>,
    cursors_only: bool,
    next: u64,
}

/// Control handle: the account's state and its fault queue.
#[derive(Debug, Clone)]
pub struct Threads {
    state: Arc<Mutex<AccountState>>,
    pub faults: Faults,
}

/// The routes, to be nested under `/threads`.
pub fn router(app: Threads) -> Router {
    Router::new()
        .route("/refresh_access_token", get(refresh))
        .route("/{version}/{id}", any(handle))
        .route("/{version}/{id}/{edge}", any(handle))
        .with_state(app)
}

impl Media {
    fn json(&self, st: &AccountState) -> Value {
        if let Some(raw) = &self.raw {
            return raw.clone();
        }
        let has_replies = st
            .media
            .iter()
            .any(|m| m.replied_to.as_deref() == Some(&self.id));
        let hidden = self.hidden || st.ancestors(self).iter().any(|a| a.hidden);
        let mut v = json!({
            "id": self.id, "text": self.text, "username": self.username,
            "permalink": self.permalink, "timestamp": graph_time(self.created),
            "media_product_type": "THREADS", "media_type": "TEXT_POST",
            "shortcode": self.permalink.rsplit('/').next().unwrap_or_default(),
            "has_replies": has_replies, "is_quote_post": self.quote,
            "is_reply": self.root.is_some(),
            "hide_status": if hidden { "HIDDEN" } else { "NOT_HUSHED" },
        });
        if self.ours {
            v["is_reply_owned_by_me"] = json!(true);
        }
        if let Some(root) = &self.root {
            v["root_post"] = json!({ "id": root });
        }
        if let Some(to) = &self.replied_to {
            v["replied_to"] = json!({ "id": to });
        }
        v
    }
}

impl AccountState {
    fn find(&self, id: &str) -> Option<&Media> {
        self.media.iter().find(|m| m.id == id && m.raw.is_none())
    }

    /// The replies `m` answers, nearest first (not the root post).
    fn ancestors(&self, m: &Media) -> Vec<&Media> {
        let mut out = Vec::new();
        let mut at = m.replied_to.as_deref();
        while let Some(id) = at {
            match self.find(id) {
                Some(p) if out.len() < 1_000 => {
                    at = p.replied_to.as_deref();
                    out.push(p);
                }
                _ => break,
            }
        }
        out
    }

    fn next_id(&mut self) -> String {
        self.next += 1;
        format!("18{:015}", self.next)
    }

    fn post_json(&self, p: &Post) -> Value {
        json!({
            "id": p.id, "text": p.text, "timestamp": graph_time(p.created),
            "permalink": p.permalink, "username": self.username,
            "media_product_type": "THREADS", "media_type": "TEXT_POST",
        })
    }

    fn page(&self, all: Vec<Value>, p: &Params, url: &str, query: &[(String, String)]) -> Value {
        let asked = p
            .num("limit")
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(25)
            .clamp(1, 100);
        let limit = self.max_page.map_or(asked, |m| asked.min(m));
        let mut page = graph::page(all, p.str("after").as_deref(), limit, url, query);
        if self.cursors_only
            && let Some(paging) = page.get_mut("paging").and_then(Value::as_object_mut)
        {
            paging.remove("next");
            paging.remove("previous");
        }
        page
    }
}

fn usage_header(resp: &mut Response, percent: u64) {
    let app =
        json!({ "call_count": percent, "total_cputime": percent / 2, "total_time": percent / 2 });
    if let Ok(v) = HeaderValue::from_str(&app.to_string()) {
        resp.headers_mut().insert("x-app-usage", v);
    }
}

fn bad(message: &str) -> Response {
    error(StatusCode::BAD_REQUEST, 100, None, message)
}

impl Threads {
    /// Faults and the token, before any handler runs.
    async fn gate(&self, headers: &HeaderMap, params: &Params) -> Result<String, Response> {
        self.lock().calls += 1;
        match self.faults.next() {
            Some(Fault::RateLimited { .. }) => {
                let mut resp = error(
                    StatusCode::FORBIDDEN,
                    4,
                    None,
                    "(#4) Application request limit reached",
                );
                usage_header(&mut resp, 100);
                return Err(resp);
            }
            Some(Fault::ServerError) => {
                return Err(error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    2,
                    None,
                    "An unexpected error has occurred. Please retry your request later.",
                ));
            }
            Some(Fault::Malformed) => {
                return Err((StatusCode::OK, "{\"data\": [{\"id\": \"1\", oops").into_response());
            }
            Some(Fault::Unauthorized) => return Err(expired()),
            Some(Fault::Slow { millis }) => {
                tokio::time::sleep(std::time::Duration::from_millis(millis)).await;
            }
            None => {}
        }
        let bearer = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::to_string);
        let token = params.str("access_token").or(bearer).unwrap_or_default();
        let known = self.lock().tokens.get(&token).copied();
        match known {
            Some(t) if t.expires > Utc::now() => Ok(token),
            Some(_) => Err(expired()),
            None => Err(error(
                StatusCode::BAD_REQUEST,
                190,
                None,
                "Invalid OAuth access token - Cannot parse access token",
            )),
        }
    }

    fn ok(&self, body: Value) -> Response {
        let percent = self.lock().usage_percent;
        let mut resp = axum::Json(body).into_response();
        usage_header(&mut resp, percent);
        resp
    }
}

fn expired() -> Response {
    error(
        StatusCode::BAD_REQUEST,
        190,
        Some(463),
        "Error validating access token: Session has expired on Monday, 23-Nov-26 09:00:00 PST.",
    )
}

/// `GET /refresh_access_token?grant_type=th_refresh_token&access_token=…`.
async fn refresh(State(app): State<Threads>, uri: Uri, headers: HeaderMap) -> Response {
    let params = Params::parse(&uri, &[]);
    let token = match app.gate(&headers, &params).await {
        Ok(t) => t,
        Err(resp) => return resp,
    };
    if params.str("grant_type").as_deref() != Some("th_refresh_token") {
        return bad("(#100) grant_type must be th_refresh_token");
    }
    let now = Utc::now();
    let body = {
        let mut st = app.lock();
        let issued = st.tokens.get(&token).map_or(now, |t| t.issued);
        if now - issued < TimeDelta::hours(24) {
            // The rule is documented (§7); the exact answer is UNCONFIRMED.
            return bad(
                "(#100) A long-lived token can be refreshed once it is at least 24 hours old.",
            );
        }
        st.refreshes += 1;
        let new = format!("THAA{}{:06}", st.user_id, st.refreshes);
        st.tokens.insert(
            new.clone(),
            Token {
                issued: now,
                expires: now + TOKEN_LIFETIME,
            },
        );
        json!({ "access_token": new, "token_type": "bearer", "expires_in": TOKEN_LIFETIME.num_seconds() })
    };
    app.ok(body)
}

async fn handle(
    State(app): State<Threads>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Path(path): Path<HashMap<String, String>>,
    body: axum::body::Bytes,
) -> Response {
    let params = Params::parse(&uri, &body);
    if let Err(resp) = app.gate(&headers, &params).await {
        return resp;
    }
    // Absolute `next` URLs: the sandbox is mounted at `/threads` (a nested
    // router sees its path without the mount).
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let version = path.get("version").cloned().unwrap_or_default();
    let root = format!("http://{host}/threads/{version}");
    let id = path.get("id").cloned().unwrap_or_default();
    let edge = path.get("edge").cloned();
    let query = uri.query().map(graph::form).unwrap_or_default();
    let answer = {
        let mut st = app.lock();
        route(
            &mut st,
            &method,
            &id,
            edge.as_deref(),
            &params,
            &root,
            &query,
        )
    };
    match answer {
        Ok(body) => app.ok(body),
        Err(resp) => resp,
    }
}

// The error is the finished HTTP answer; only the sandbox builds these.
#[allow(clippy::result_large_err)]
fn route(
    st: &mut AccountState,
    method: &Method,
    id: &str,
    edge: Option<&str>,
    p: &Params,
    root: &str,
    query: &[(String, String)],
) -> Result<Value, Response> {
    let is_me = id == st.user_id || id == "me";
    let url = format!("{root}/{id}/{}", edge.unwrap_or_default());
    match (method.as_str(), edge) {
        ("GET", Some("threads")) if is_me => {
            let mut posts = st.posts.clone();
            graph::newest_first(&mut posts, |x| x.created);
            let all = posts.iter().map(|x| st.post_json(x)).collect();
            Ok(st.page(all, p, &url, query))
        }
        ("GET", Some("mentions")) if is_me => {
            let mut list: Vec<&Media> = st.media.iter().filter(|m| m.root.is_none()).collect();
            list.sort_by_key(|m| std::cmp::Reverse(m.created));
            let all = list.iter().map(|m| m.json(st)).collect();
            Ok(st.page(all, p, &url, query))
        }
        ("GET", Some(edge @ ("conversation" | "replies"))) => {
            let is_post = st.posts.iter().any(|x| x.id == id);
            if !is_post && st.find(id).is_none() {
                return Err(not_found(id));
            }
            let mut list: Vec<&Media> = st
                .media
                .iter()
                .filter(|m| match edge {
                    "replies" => m.replied_to.as_deref() == Some(id),
                    _ if is_post => m.root.as_deref() == Some(id),
                    _ => st
                        .find(&m.id)
                        .is_some_and(|m| st.ancestors(m).iter().any(|a| a.id == id)),
                })
                .collect();
            list.sort_by_key(|m| m.created);
            // `reverse` defaults to true: newest first (§7).
            if p.bool("reverse") != Some(false) {
                list.reverse();
            }
            let all = list.iter().map(|m| m.json(st)).collect();
            Ok(st.page(all, p, &url, query))
        }
        ("POST", Some("threads")) if is_me => create_container(st, p),
        ("POST", Some("threads_publish")) if is_me => publish(st, p),
        ("POST", Some("manage_reply")) => {
            let hide = p
                .bool("hide")
                .ok_or_else(|| bad("(#100) Param hide must be a boolean"))?;
            let m = st.find(id).ok_or_else(|| not_found(id))?;
            let top_level = m.root.is_some() && m.replied_to == m.root;
            if !top_level {
                // Documented rule (§7); the exact error is UNCONFIRMED.
                return Err(bad(
                    "(#100) Only top-level replies to your own posts can be hidden.",
                ));
            }
            if let Some(m) = st.media.iter_mut().find(|m| m.id == id) {
                m.hidden = hide;
            }
            Ok(json!({ "success": true }))
        }
        ("GET", None) => {
            if let Some(m) = st.find(id) {
                return Ok(m.json(st));
            }
            if let Some(c) = st.containers.get(id) {
                let status = if c.published.is_some() {
                    "PUBLISHED"
                } else {
                    "FINISHED"
                };
                return Ok(json!({ "id": id, "status": status }));
            }
            st.posts
                .iter()
                .find(|x| x.id == id)
                .map(|x| st.post_json(x))
                .ok_or_else(|| not_found(id))
        }
        ("DELETE", None) => {
            let own_post = st.posts.iter().any(|x| x.id == id);
            match st.find(id) {
                Some(m) if m.ours => st.media.retain(|m| m.id != id),
                Some(_) => {
                    return Err(error(
                        StatusCode::FORBIDDEN,
                        200,
                        None,
                        "(#200) Only the owner of a Threads post can delete it.",
                    ));
                }
                None if own_post => st.posts.retain(|x| x.id != id),
                None => return Err(not_found(id)),
            }
            Ok(json!({ "success": true, "deleted_id": id }))
        }
        _ => Err(bad(&format!(
            "Unsupported {} request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.",
            method.as_str().to_lowercase()
        ))),
    }
}

#[allow(clippy::result_large_err)]
fn create_container(st: &mut AccountState, p: &Params) -> Result<Value, Response> {
    if p.str("media_type").as_deref() != Some("TEXT") {
        return Err(bad("(#100) Only media_type=TEXT is supported here"));
    }
    let text = p
        .str("text")
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| bad("(#100) Param text is required for TEXT posts"))?;
    if text.chars().count() > MAX_TEXT {
        // The limit is documented (§7); the message is UNCONFIRMED.
        return Err(bad(&format!(
            "(#100) Param text must be at most {MAX_TEXT} characters long."
        )));
    }
    let links = text.matches("http://").count() + text.matches("https://").count();
    if links > 5 {
        return Err(bad(
            "THREADS_API__LINK_LIMIT_EXCEEDED: a post may contain at most 5 links.",
        ));
    }
    let reply_to = p
        .str("reply_to_id")
        .ok_or_else(|| bad("(#100) This sandbox only takes replies (reply_to_id)"))?;
    let exists = st.posts.iter().any(|x| x.id == reply_to) || st.find(&reply_to).is_some();
    if !exists {
        return Err(not_found(&reply_to));
    }
    let id = st.next_id();
    st.containers.insert(
        id.clone(),
        Container {
            text,
            reply_to,
            published: None,
        },
    );
    Ok(json!({ "id": id }))
}

#[allow(clippy::result_large_err)]
fn publish(st: &mut AccountState, p: &Params) -> Result<Value, Response> {
    let creation = p
        .str("creation_id")
        .ok_or_else(|| bad("(#100) Param creation_id is required"))?;
    let c = st
        .containers
        .get(&creation)
        .cloned()
        .ok_or_else(|| not_found(&creation))?;
    if c.published.is_some() {
        // UNCONFIRMED wording: a container publishes once.
        return Err(bad(
            "(#100) This media container has already been published.",
        ));
    }
    let (root, to) = match st.find(&c.reply_to) {
        Some(m) => (m.root.clone().unwrap_or_else(|| m.id.clone()), m.id.clone()),
        None => (c.reply_to.clone(), c.reply_to.clone()),
    };
    let id = st.next_id();
    let permalink = format!("https://www.threads.net/@{}/post/S{id}", st.username);
    st.media.push(Media {
        id: id.clone(),
        root: Some(root),
        replied_to: Some(to),
        username: st.username.clone(),
        ours: true,
        text: c.text,
        created: Utc::now(),
        hidden: false,
        quote: false,
        permalink,
        raw: None,
    });
    if let Some(c) = st.containers.get_mut(&creation) {
        c.published = Some(id.clone());
    }
    Ok(json!({ "id": id }))
}
