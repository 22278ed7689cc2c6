//! A LinkedIn organisation in miniature (`reference/networks.md` §6, the
//! Community Management API): `GET /rest/posts?q=author`, a post's or a
//! comment's `/rest/socialActions/{URN}/comments` (read with
//! `start`/`count` and `paging.total`, write as the organisation with
//! `actor`, `object`, `message`, `parentComment`), `DELETE
//! /rest/socialActions/{URN}/comments/{id}?actor=…` (204) and `POST
//! /rest/reactions?actor=…` (201). State is kept: a reply posted here is
//! in the next read, a deleted comment is gone with its nested comments, a
//! reaction shows in `likesSummary`.
//!
//! Every call is checked as LinkedIn does: `LinkedIn-Version` missing →
//! 400, a version outside the active window → 426, `X-Restli-Protocol-
//! Version: 2.0.0` missing → 400, a URN not percent-encoded in the path →
//! 400, a bad token → 401; errors use LinkedIn's body
//! `{"status","serviceErrorCode","code","message"}`. The daily quota (off
//! unless set) and the fault queue answer 429 (no `Retry-After` unless
//! asked for: LinkedIn documents none), 401 expired, 500, slow, malformed.
//!
//! To extend: add the route in [`router`]; keep LinkedIn's field names,
//! status codes and error bodies.

mod control;
mod write;

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::faults::{Fault, Faults};
use write::{create_comment, one_comment, reactions};

/// The access token the sandbox accepts.
pub const TOKEN: &str = "sandbox-linkedin-token";
/// The sandbox organisation (the demo brand's).
pub const ORG_URN: &str = "urn:li:organization:80412345";
/// The member who administers the organisation (`created.actor` of its comments).
pub const ADMIN_URN: &str = "urn:li:person:sandboxAdmin1";
/// The oldest and newest `LinkedIn-Version`s served by default.
pub const OLDEST_VERSION: &str = "202511";
pub const NEWEST_VERSION: &str = "202611";
/// LinkedIn's comment length (§6, 1,250, UNCONFIRMED).
const MAX_COMMENT: usize = 1_250;

#[derive(Debug, Clone)]
struct Post {
    /// `urn:li:share:…` / `urn:li:ugcPost:…` (or the demo's activity URN).
    urn: String,
    /// The activity its comments' URNs name.
    activity: String,
    commentary: String,
    created: DateTime<Utc>,
    modified: DateTime<Utc>,
}

#[derive(Debug, Clone)]
struct Comment {
    urn: String,
    id: String,
    /// The activity URN inside `urn`.
    object: String,
    parent: Option<String>,
    actor: String,
    text: String,
    created: DateTime<Utc>,
    likes: u64,
    liked: bool,
    /// An entry in an arbitrary shape, listed under `object` (top level).
    raw: Option<Value>,
}

/// The organisation's state.
#[derive(Debug)]
pub struct OrgState {
    org: String,
    posts: Vec<Post>,
    comments: Vec<Comment>,
    /// (actor, root) of every reaction.
    reactions: BTreeSet<(String, String)>,
    next: u64,
}

#[derive(Debug)]
struct Meter {
    calls: usize,
    writes: usize,
    max_page: Option<usize>,
    oldest: String,
    newest: String,
    quota: Option<usize>,
    retry_after: bool,
}

/// Control handle: the organisation's state, its faults and its meter.
#[derive(Debug, Clone)]
pub struct LinkedIn {
    state: Arc<Mutex<OrgState>>,
    pub faults: Faults,
    meter: Arc<Mutex<Meter>>,
}

/// LinkedIn's error answer.
fn error(status: StatusCode, service: Option<i64>, code: &str, message: &str) -> Response {
    let mut body = json!({ "status": status.as_u16(), "message": message });
    if let Some(s) = service {
        body["serviceErrorCode"] = json!(s);
    }
    if !code.is_empty() {
        body["code"] = json!(code);
    }
    (status, axum::Json(body)).into_response()
}

fn not_found(what: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        Some(100),
        "NOT_FOUND",
        &format!("Not Found: {what}"),
    )
}

fn forbidden(what: &str) -> Response {
    error(
        StatusCode::FORBIDDEN,
        Some(100),
        "ACCESS_DENIED",
        &format!("Not enough permissions to access: {what}"),
    )
}

fn bad_request(message: &str) -> Response {
    error(StatusCode::BAD_REQUEST, Some(100), "", message)
}

fn millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// `urn:li:comment:(A,B)` → (A, B).
fn comment_parts(urn: &str) -> Option<(String, String)> {
    let inner = urn.strip_prefix("urn:li:comment:(")?.strip_suffix(')')?;
    let (object, id) = inner.rsplit_once(',')?;
    Some((object.to_string(), id.to_string()))
}

impl Comment {
    fn json(&self, st: &OrgState) -> Value {
        if let Some(raw) = &self.raw {
            return raw.clone();
        }
        let replies = st
            .comments
            .iter()
            .filter(|c| c.parent.as_deref() == Some(&self.urn))
            .count();
        let creator = if self.actor == st.org {
            ADMIN_URN
        } else {
            &self.actor
        };
        let stamp = json!({ "actor": creator, "time": millis(self.created) });
        let mut v = json!({
            "$URN": self.urn, "commentUrn": self.urn, "id": self.id,
            "actor": self.actor, "object": self.object,
            "created": stamp, "lastModified": stamp,
            "message": { "text": self.text, "attributes": [] },
            "likesSummary": { "totalLikes": self.likes, "likedByCurrentUser": self.liked, "selectedLikes": [] },
            "commentsSummary": { "aggregatedTotalComments": replies, "totalFirstLevelComments": replies },
        });
        if let Some(p) = &self.parent {
            v["parentComment"] = json!(p);
        }
        v
    }
}

impl OrgState {
    fn next_id(&mut self) -> u64 {
        self.next += 1;
        self.next
    }

    fn post(&self, urn: &str) -> Option<&Post> {
        self.posts
            .iter()
            .find(|p| p.urn == urn || p.activity == urn)
    }

    fn comment(&self, urn: &str) -> Option<&Comment> {
        self.comments
            .iter()
            .find(|c| c.raw.is_none() && c.urn == urn)
    }

    /// A new comment under activity `object` (nested under `parent`).
    fn add(&mut self, object: &str, parent: Option<String>, actor: &str, text: &str) -> String {
        let n = self.next_id();
        let id = format!("{n}");
        let urn = format!("urn:li:comment:({object},{id})");
        self.comments.push(Comment {
            urn: urn.clone(),
            id,
            object: object.to_string(),
            parent,
            actor: actor.to_string(),
            text: text.to_string(),
            created: Utc::now(),
            likes: 0,
            liked: false,
            raw: None,
        });
        urn
    }
}

/// The organisation's routes, to be nested under `/linkedin`.
pub fn router(app: LinkedIn) -> Router {
    Router::new()
        .route("/rest/posts", any(posts))
        .route("/rest/socialActions/{urn}/comments", any(comments))
        .route("/rest/socialActions/{urn}/comments/{id}", any(one_comment))
        .route("/rest/reactions", any(reactions))
        .fallback(|| async { not_found("no such resource") })
        .with_state(app)
}

impl LinkedIn {
    fn meter(&self) -> std::sync::MutexGuard<'_, Meter> {
        self.meter
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Faults, headers, token and quota, before any handler runs.
    async fn gate(&self, method: &Method, headers: &HeaderMap) -> Result<(), Response> {
        let (quota_hit, retry_after) = {
            let mut m = self.meter();
            m.calls += 1;
            if *method != Method::GET {
                m.writes += 1;
            }
            (m.quota.is_some_and(|q| m.calls > q), m.retry_after)
        };
        let throttled = |secs: u64| {
            let mut resp = error(
                StatusCode::TOO_MANY_REQUESTS,
                Some(101),
                "TOO_MANY_REQUESTS",
                "Resource level throttle APPLICATION DAY limit for calls to this resource is reached.",
            );
            if retry_after && let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                resp.headers_mut().insert("retry-after", v);
            }
            resp
        };
        match self.faults.next() {
            Some(Fault::RateLimited { reset_secs }) => return Err(throttled(reset_secs)),
            Some(Fault::ServerError) => {
                return Err(error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    None,
                    "",
                    "Internal Server Error",
                ));
            }
            Some(Fault::Malformed) => {
                return Err((StatusCode::OK, "{\"elements\": [{\"id\": oops").into_response());
            }
            Some(Fault::Unauthorized) => {
                return Err(error(
                    StatusCode::UNAUTHORIZED,
                    Some(65601),
                    "EXPIRED_ACCESS_TOKEN",
                    "The token used in the request has expired",
                ));
            }
            Some(Fault::Slow { millis }) => {
                tokio::time::sleep(std::time::Duration::from_millis(millis)).await;
            }
            None => {}
        }
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let Some(version) = header("linkedin-version") else {
            return Err(error(
                StatusCode::BAD_REQUEST,
                None,
                "VERSION_MISSING",
                "A version must be present. Please specify a version by adding the LinkedIn-Version header.",
            ));
        };
        if !self.serves(version) {
            return Err(error(
                StatusCode::UPGRADE_REQUIRED,
                None,
                "NONEXISTENT_VERSION",
                &format!("Requested version {version} is not active"),
            ));
        }
        if header("x-restli-protocol-version") != Some("2.0.0") {
            return Err(bad_request(
                "Rest.li protocol version 2.0.0 is required: send X-Restli-Protocol-Version: 2.0.0",
            ));
        }
        let bearer = header("authorization").and_then(|v| v.strip_prefix("Bearer "));
        if bearer != Some(TOKEN) {
            return Err(error(
                StatusCode::UNAUTHORIZED,
                Some(65600),
                "INVALID_ACCESS_TOKEN",
                "Invalid access token",
            ));
        }
        if quota_hit {
            return Err(throttled(3_600));
        }
        Ok(())
    }

    /// `YYYYMM` (optionally `.RR`) inside the active window.
    fn serves(&self, version: &str) -> bool {
        let month = version.split('.').next().unwrap_or_default();
        if month.len() != 6 || !month.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        let m = self.meter();
        month >= m.oldest.as_str() && month <= m.newest.as_str()
    }

    fn page_size(&self, asked: Option<usize>) -> usize {
        let asked = asked.unwrap_or(10).clamp(1, 100);
        self.meter().max_page.map_or(asked, |m| asked.min(m))
    }
}

/// `start`/`count` over `all`, in LinkedIn's collection shape.
fn collection(all: Vec<Value>, start: usize, count: usize, path: &str) -> Value {
    let total = all.len();
    let from = start.min(total);
    let to = (from + count).min(total);
    let mut links = Vec::new();
    if to < total {
        links.push(json!({ "rel": "next", "type": "application/json",
            "href": format!("{path}?start={to}&count={count}") }));
    }
    json!({
        "paging": { "start": start, "count": count, "total": total, "links": links },
        "elements": all[from..to].to_vec(),
    })
}

type Q = Query<HashMap<String, String>>;

fn num(q: &HashMap<String, String>, key: &str) -> Option<usize> {
    q.get(key).and_then(|v| v.parse().ok())
}

async fn posts(
    State(app): State<LinkedIn>,
    method: Method,
    headers: HeaderMap,
    Query(q): Q,
) -> Response {
    if let Err(resp) = app.gate(&method, &headers).await {
        return resp;
    }
    if method != Method::GET || q.get("q").map(String::as_str) != Some("author") {
        return bad_request("Invalid finder: use q=author");
    }
    let st = app.lock();
    if q.get("author") != Some(&st.org) {
        return forbidden("posts.FINDER-author");
    }
    let mut list = st.posts.clone();
    let by_modified = q.get("sortBy").map(String::as_str) != Some("CREATED");
    list.sort_by_key(|p| std::cmp::Reverse(if by_modified { p.modified } else { p.created }));
    let all = list
        .iter()
        .map(|p| {
            json!({
                "id": p.urn, "author": st.org, "commentary": p.commentary,
                "createdAt": millis(p.created), "lastModifiedAt": millis(p.modified),
                "publishedAt": millis(p.created), "visibility": "PUBLIC",
                "lifecycleState": "PUBLISHED", "distribution": { "feedDistribution": "MAIN_FEED" },
            })
        })
        .collect();
    let count = app.page_size(num(&q, "count"));
    axum::Json(collection(
        all,
        num(&q, "start").unwrap_or(0),
        count,
        "/rest/posts",
    ))
    .into_response()
}

/// The raw (still encoded) URN segment after `/socialActions/` must carry
/// no `:` or `(`: LinkedIn wants URNs percent-encoded in paths.
fn encoded_in_path(uri: &Uri) -> bool {
    let path = uri.path();
    let Some(at) = path.find("/socialActions/") else {
        return true;
    };
    let segment = path[at + 15..].split('/').next().unwrap_or_default();
    !segment.contains([':', '(', ')', ','])
}

async fn comments(
    State(app): State<LinkedIn>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Path(urn): Path<String>,
    Query(q): Q,
    body: axum::body::Bytes,
) -> Response {
    if let Err(resp) = app.gate(&method, &headers).await {
        return resp;
    }
    if !encoded_in_path(&uri) {
        return bad_request("Syntax exception in path variables");
    }
    let count = app.page_size(num(&q, "count"));
    let start = num(&q, "start").unwrap_or(0);
    let mut st = app.lock();
    match method {
        Method::GET => {
            let mut list: Vec<&Comment> = if let Some(post) = st.post(&urn) {
                let activity = post.activity.clone();
                st.comments
                    .iter()
                    .filter(|c| c.object == activity && c.parent.is_none())
                    .collect()
            } else if st.comment(&urn).is_some() {
                st.comments
                    .iter()
                    .filter(|c| c.parent.as_deref() == Some(urn.as_str()))
                    .collect()
            } else {
                return not_found(&urn);
            };
            // Oldest first (LinkedIn's own order is UNCONFIRMED).
            list.sort_by_key(|c| c.created);
            let all = list.iter().map(|c| c.json(&st)).collect();
            let path = format!(
                "/rest/socialActions/{}/comments",
                crate::networks::linkedin::encode_urn(&urn)
            );
            axum::Json(collection(all, start, count, &path)).into_response()
        }
        Method::POST => create_comment(&mut st, &urn, &body),
        _ => bad_request("Unsupported method"),
    }
}
