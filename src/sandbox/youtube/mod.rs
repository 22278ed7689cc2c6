//! A YouTube channel in miniature (`reference/networks.md` §4): the Data
//! API v3 comment endpoints guichet uses, in their documented shapes.
//! `commentThreads.list` (`allThreadsRelatedToChannelId` / `videoId`,
//! `moderationStatus`, `order`, `textFormat`, `maxResults`, `pageToken`,
//! a few replies inlined), `comments.list?parentId=`, `comments.insert`,
//! `comments.setModerationStatus` (204) and `comments.delete` (204),
//! `channels.list?mine=true`, and Google's installed-app OAuth (`oauth.rs`).
//!
//! State is kept: a reply posted is in the next read; a held comment leaves
//! the public list and shows under `moderationStatus=heldForReview`; a
//! rejected one is gone from both; `banAuthor` rejects the author's later
//! comments; a deleted comment (ours only) is gone with its replies.
//! Errors use Google's envelope (`{"error":{"code","message","errors":
//! [{"message","domain","reason"}],"status"}}`), and the replica keeps its
//! own daily quota counter with the documented unit costs: overspending
//! answers 403 `quotaExceeded`. The control handle is in `control.rs`.

mod control;
mod oauth;

pub use oauth::{CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN};

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use super::faults::{Fault, Faults};
use super::graph::form;
use crate::networks::quota::{YOUTUBE_DAILY_UNITS, YouTubeCall};

/// The OAuth access token the sandbox accepts.
pub const TOKEN: &str = "sandbox-youtube-access-token";
/// The sandbox channel's id (the demo brand's, `demo::ids::YT_CHANNEL_ID`).
pub const CHANNEL_ID: &str = "UCq7Xh2LmR4tVb9sKd3eWnPa";
/// Replies inlined in a thread (the rest through `comments.list`).
/// UNCONFIRMED how many YouTube inlines; the docs say "a subset".
pub const INLINED: usize = 5;

#[derive(Debug, Clone)]
struct Comment {
    id: String,
    video: String,
    parent: Option<String>,
    author_id: String,
    author_name: String,
    text: String,
    published: DateTime<Utc>,
    likes: u64,
    /// `published`, `heldForReview` or `rejected`.
    status: String,
    /// A thread entry in an arbitrary shape (malformed-item tests).
    raw: Option<Value>,
}

/// The channel's state.
#[derive(Debug)]
pub struct ChannelState {
    channel_id: String,
    title: String,
    comments: Vec<Comment>,
    banned: BTreeSet<String>,
    next: u64,
    daily: u32,
    used: u32,
    calls: usize,
    max_page: Option<usize>,
    oauth: oauth::OAuth,
}

/// Control handle: the channel's state and its fault queue.
#[derive(Debug, Clone)]
pub struct YouTube {
    state: Arc<Mutex<ChannelState>>,
    pub faults: Faults,
}

/// A Google API error answer.
fn error(status: StatusCode, reason: &str, domain: &str, message: &str) -> Response {
    let name = match status.as_u16() {
        400 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        429 => "RESOURCE_EXHAUSTED",
        _ => "INTERNAL",
    };
    let body = json!({ "error": {
        "code": status.as_u16(),
        "message": message,
        "errors": [{ "message": message, "domain": domain, "reason": reason }],
        "status": name,
    }});
    (status, axum::Json(body)).into_response()
}

fn not_found(id: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        "commentNotFound",
        "youtube.comment",
        &format!("The comment identified by the id parameter could not be found: {id}"),
    )
}

fn bad(reason: &str, message: &str) -> Response {
    error(StatusCode::BAD_REQUEST, reason, "youtube.comment", message)
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

impl ChannelState {
    fn find(&self, id: &str) -> Option<&Comment> {
        self.comments.iter().find(|c| c.id == id && c.raw.is_none())
    }

    fn comment_json(&self, c: &Comment, html: bool) -> Value {
        let display = if html {
            c.text
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('\n', "<br>")
        } else {
            c.text.clone()
        };
        let handle = c.author_name.trim_start_matches('@');
        let mut snippet = json!({
            "channelId": self.channel_id,
            "videoId": c.video,
            "textDisplay": display,
            "textOriginal": c.text,
            "authorDisplayName": c.author_name,
            "authorProfileImageUrl": "https://yt3.ggpht.com/ytc/default=s48-c-k-c0x00ffffff-no-rj",
            "authorChannelUrl": format!("http://www.youtube.com/@{handle}"),
            "authorChannelId": { "value": c.author_id },
            "canRate": true,
            "viewerRating": "none",
            "likeCount": c.likes,
            "moderationStatus": c.status,
            "publishedAt": time(c.published),
            "updatedAt": time(c.published),
        });
        if let Some(p) = &c.parent {
            snippet["parentId"] = json!(p);
        }
        json!({ "kind": "youtube#comment", "etag": format!("e{}", c.published.timestamp()), "id": c.id, "snippet": snippet })
    }

    /// Published replies of `parent`, oldest first.
    fn replies_of(&self, parent: &str, status: &str) -> Vec<&Comment> {
        let mut v: Vec<&Comment> = self
            .comments
            .iter()
            .filter(|c| {
                c.raw.is_none() && c.parent.as_deref() == Some(parent) && c.status == status
            })
            .collect();
        v.sort_by_key(|c| c.published);
        v
    }

    fn thread_json(&self, top: &Comment, status: &str, html: bool) -> Value {
        if let Some(raw) = &top.raw {
            return raw.clone();
        }
        let published = self.replies_of(&top.id, "published");
        let shown: Vec<&Comment> = if status == "published" {
            published.iter().take(INLINED).copied().collect()
        } else {
            self.replies_of(&top.id, status)
        };
        let mut thread = json!({
            "kind": "youtube#commentThread",
            "etag": format!("t{}", top.published.timestamp()),
            "id": top.id,
            "snippet": {
                "channelId": self.channel_id,
                "videoId": top.video,
                "topLevelComment": self.comment_json(top, html),
                "canReply": true,
                "totalReplyCount": published.len(),
                "isPublic": true,
            },
        });
        if !shown.is_empty() {
            thread["replies"] = json!({ "comments": shown.iter().map(|c| self.comment_json(c, html)).collect::<Vec<_>>() });
        }
        thread
    }

    fn page_size(&self, asked: Option<&str>) -> usize {
        let n = asked
            .and_then(|a| a.parse().ok())
            .unwrap_or(20usize)
            .clamp(1, 100);
        self.max_page.map_or(n, |m| n.min(m))
    }

    fn next_id(&mut self) -> u64 {
        self.next += 1;
        self.next
    }
}

/// One page of `all` from an opaque `pageToken`.
fn page(all: Vec<Value>, token: Option<&str>, size: usize, kind: &str) -> Value {
    let start = token
        .and_then(|t| t.strip_prefix("QURTSl9p"))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0)
        .min(all.len());
    let end = (start + size).min(all.len());
    let mut body = json!({
        "kind": kind,
        "etag": format!("p{start}"),
        "pageInfo": { "totalResults": all.len(), "resultsPerPage": size },
        "items": all[start..end].to_vec(),
    });
    if end < all.len() {
        body["nextPageToken"] = json!(format!("QURTSl9p{end}"));
    }
    body
}

/// The channel's routes, to be nested under `/youtube`.
pub fn router(app: YouTube) -> Router {
    Router::new()
        .route("/youtube/v3/commentThreads", any(handle))
        .route("/youtube/v3/comments", any(handle))
        .route("/youtube/v3/comments/setModerationStatus", any(handle))
        .route("/youtube/v3/channels", any(handle))
        .route("/o/oauth2/v2/auth", axum::routing::get(oauth::authorize))
        .route("/token", axum::routing::post(oauth::token))
        .with_state(app)
}

fn cost(method: &Method, path: &str) -> YouTubeCall {
    match (method.as_str(), path.rsplit('/').next().unwrap_or_default()) {
        ("GET", "commentThreads") => YouTubeCall::CommentThreadsList,
        ("POST", "commentThreads") => YouTubeCall::CommentThreadsInsert,
        ("POST", "setModerationStatus") => YouTubeCall::SetModerationStatus,
        ("POST", _) => YouTubeCall::CommentsInsert,
        ("PUT", _) => YouTubeCall::CommentsUpdate,
        ("DELETE", _) => YouTubeCall::CommentsDelete,
        ("GET", "channels") => YouTubeCall::ChannelsList,
        _ => YouTubeCall::CommentsList,
    }
}

async fn handle(
    State(app): State<YouTube>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    app.lock().calls += 1;
    match app.faults.next() {
        Some(Fault::RateLimited { reset_secs }) => {
            let mut resp = error(
                StatusCode::TOO_MANY_REQUESTS,
                "rateLimitExceeded",
                "youtube.quota",
                "The request cannot be completed because you have exceeded your quota.",
            );
            if let Ok(v) = HeaderValue::from_str(&reset_secs.to_string()) {
                resp.headers_mut().insert("retry-after", v);
            }
            return resp;
        }
        Some(Fault::ServerError) => {
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "backendError",
                "global",
                "Backend Error",
            );
        }
        Some(Fault::Malformed) => {
            return (
                StatusCode::OK,
                "{\"kind\": \"youtube#commentThreadListResponse\", \"items\": [{\"id\"",
            )
                .into_response();
        }
        Some(Fault::Unauthorized) => return unauthenticated(),
        Some(Fault::Slow { millis }) => {
            tokio::time::sleep(std::time::Duration::from_millis(millis)).await;
        }
        None => {}
    }
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let mut st = app.lock();
    if !bearer.is_some_and(|b| b == TOKEN || st.oauth.access.iter().any(|a| a == b)) {
        return unauthenticated();
    }
    let call = cost(&method, uri.path());
    let q: Vec<(String, String)> = uri.query().map(form).unwrap_or_default();
    let get = |k: &str| q.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
    if st.used.saturating_add(call.cost()) > st.daily {
        return error(
            StatusCode::FORBIDDEN,
            "quotaExceeded",
            "youtube.quota",
            "The request cannot be completed because you have exceeded your <a href=\"/youtube/v3/getting-started#quota\">quota</a>.",
        );
    }
    // Every request costs its units, even one that fails (§4).
    st.used += call.cost();
    let json_body: Option<Value> = serde_json::from_slice(&body).ok();
    let answer = route(&mut st, &method, uri.path(), &get, json_body.as_ref());
    match answer {
        Ok(Some(v)) => axum::Json(v).into_response(),
        Ok(None) => StatusCode::NO_CONTENT.into_response(),
        Err(resp) => resp,
    }
}

fn unauthenticated() -> Response {
    error(
        StatusCode::UNAUTHORIZED,
        "authError",
        "global",
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
    )
}

type Query<'a> = dyn Fn(&str) -> Option<&'a str> + 'a;

#[allow(clippy::result_large_err)] // the error is the finished HTTP answer
fn route(
    st: &mut ChannelState,
    method: &Method,
    path: &str,
    get: &Query<'_>,
    body: Option<&Value>,
) -> Result<Option<Value>, Response> {
    let resource = path.rsplit('/').next().unwrap_or_default();
    match (method.as_str(), resource) {
        ("GET", "commentThreads") => list_threads(st, get).map(Some),
        ("GET", "channels") => oauth::channels(st, get).map(Some),
        ("GET", "comments") => {
            let Some(parent) = get("parentId") else {
                return Err(bad(
                    "missingRequiredParameter",
                    "No filter selected. Expected one of: id, parentId",
                ));
            };
            if st.find(parent).is_none() {
                return Err(not_found(parent));
            }
            let html = get("textFormat") != Some("plainText");
            let all = st
                .replies_of(parent, "published")
                .iter()
                .map(|c| st.comment_json(c, html))
                .collect();
            let size = st.page_size(get("maxResults"));
            Ok(Some(page(
                all,
                get("pageToken"),
                size,
                "youtube#commentListResponse",
            )))
        }
        ("POST", "comments") => insert(st, body).map(Some),
        ("POST", "setModerationStatus") => moderate(st, get).map(|()| None),
        ("DELETE", "comments") => {
            let id = get("id").unwrap_or_default().to_string();
            let c = st.find(&id).ok_or_else(|| not_found(&id))?;
            if c.author_id != st.channel_id {
                return Err(error(
                    StatusCode::FORBIDDEN,
                    "forbidden",
                    "youtube.comment",
                    "The comment could not be deleted: only its author can delete it.",
                ));
            }
            st.comments
                .retain(|c| c.id != id && c.parent.as_deref() != Some(id.as_str()));
            Ok(None)
        }
        _ => Err(bad("invalidRequest", "Unsupported request")),
    }
}

#[allow(clippy::result_large_err)]
fn list_threads(st: &ChannelState, get: &Query<'_>) -> Result<Value, Response> {
    let status = get("moderationStatus").unwrap_or("published");
    if !matches!(status, "published" | "heldForReview" | "likelySpam") {
        return Err(bad("invalidModerationStatus", "Invalid moderationStatus"));
    }
    let video = get("videoId");
    match (get("allThreadsRelatedToChannelId"), video) {
        (Some(ch), _) if ch == st.channel_id => {}
        (None, Some(_)) => {}
        (Some(_), _) => {
            return Err(error(
                StatusCode::FORBIDDEN,
                "forbidden",
                "youtube.commentThread",
                "The channel's comments cannot be listed with these credentials.",
            ));
        }
        (None, None) => {
            return Err(bad(
                "missingRequiredParameter",
                "No filter selected. Expected one of: allThreadsRelatedToChannelId, channelId, id, videoId",
            ));
        }
    }
    let html = get("textFormat") != Some("plainText");
    let mut tops: Vec<&Comment> = st
        .comments
        .iter()
        .filter(|c| c.parent.is_none() && video.is_none_or(|v| c.video == v))
        .filter(|c| {
            c.raw.is_some() && status == "published"
                || c.raw.is_none()
                    && if status == "published" {
                        c.status == "published"
                    } else {
                        c.status == status || !st.replies_of(&c.id, status).is_empty()
                    }
        })
        .collect();
    // order=time (the default): newest top-level comment first.
    tops.sort_by_key(|c| std::cmp::Reverse(c.published));
    let all = tops
        .iter()
        .map(|c| st.thread_json(c, status, html))
        .collect();
    let size = st.page_size(get("maxResults"));
    Ok(page(
        all,
        get("pageToken"),
        size,
        "youtube#commentThreadListResponse",
    ))
}

#[allow(clippy::result_large_err)]
fn insert(st: &mut ChannelState, body: Option<&Value>) -> Result<Value, Response> {
    let snippet = body.and_then(|b| b.get("snippet"));
    let parent = snippet
        .and_then(|s| s.get("parentId"))
        .and_then(Value::as_str)
        .ok_or_else(|| bad("parentIdMissing", "No parent ID specified."))?
        .to_string();
    let text = snippet
        .and_then(|s| s.get("textOriginal"))
        .and_then(Value::as_str)
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| bad("commentTextRequired", "The comment text is required."))?
        .to_string();
    if text.chars().count() > 10_000 {
        return Err(bad("commentTextTooLong", "The comment text is too long."));
    }
    let top = st
        .find(&parent)
        .cloned()
        .ok_or_else(|| not_found(&parent))?;
    if top.parent.is_some() {
        return Err(bad(
            "operationNotSupported",
            "Replies can only be made to top-level comments.",
        ));
    }
    if top.status != "published" {
        return Err(error(
            StatusCode::FORBIDDEN,
            "parentCommentIsPrivate",
            "youtube.comment",
            "The parent comment is not public.",
        ));
    }
    let n = st.next_id();
    let comment = Comment {
        id: format!("{parent}.{}", control::suffix(n)),
        video: top.video.clone(),
        parent: Some(parent),
        author_id: st.channel_id.clone(),
        author_name: format!("@{}", st.title),
        text,
        published: Utc::now(),
        likes: 0,
        status: "published".into(),
        raw: None,
    };
    let v = st.comment_json(&comment, false);
    st.comments.push(comment);
    Ok(v)
}

#[allow(clippy::result_large_err)]
fn moderate(st: &mut ChannelState, get: &Query<'_>) -> Result<(), Response> {
    let ids: Vec<String> = get("id")
        .unwrap_or_default()
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if ids.is_empty() || ids.len() > 50 {
        return Err(bad(
            "invalidParameter",
            "Between 1 and 50 comment ids are required.",
        ));
    }
    let status = get("moderationStatus").unwrap_or_default().to_string();
    if !matches!(status.as_str(), "heldForReview" | "published" | "rejected") {
        return Err(bad("invalidModerationStatus", "Invalid moderationStatus"));
    }
    let ban = get("banAuthor") == Some("true");
    if ban && status != "rejected" {
        return Err(bad(
            "banWithoutReject",
            "banAuthor can only be used with moderationStatus=rejected.",
        ));
    }
    for id in &ids {
        // A rejected comment is out of reach: it cannot be published again.
        if st.find(id).is_none_or(|c| c.status == "rejected") {
            return Err(not_found(id));
        }
    }
    for id in &ids {
        let mut author = None;
        for c in st.comments.iter_mut().filter(|c| c.raw.is_none()) {
            if c.id == *id {
                c.status = status.clone();
                author = Some(c.author_id.clone());
            } else if status == "rejected" && c.parent.as_deref() == Some(id.as_str()) {
                // `rejected` takes the replies with it.
                c.status = status.clone();
            }
        }
        if let (true, Some(a)) = (ban, author) {
            st.banned.insert(a);
        }
    }
    Ok(())
}
