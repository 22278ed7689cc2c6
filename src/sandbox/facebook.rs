//! A Facebook Page in miniature (`reference/networks.md` §1): the Graph
//! endpoints guichet uses, in their documented shapes. `published_posts`,
//! a post's or a comment's `/comments` (`filter`, `order`, `since`,
//! cursors), comment and reply writes, `is_hidden`, `/likes`, `DELETE`,
//! `/blocked`, and the Messenger inbox (`graph::inbox`) with
//! `moderate_conversations` (`graph::moderate`). State is kept: a
//! reply posted here is in the next read, a hidden comment reads back
//! hidden, a deleted one is gone, a like shows in `user_likes`.
//!
//! To extend: route the new edge in [`handle`]; keep field names, codes
//! and status codes as the real API.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use axum::routing::any;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

mod control;

use super::graph::inbox::{Commenter, Inbox, Party};
use super::graph::{self, Gate, Params, error, graph_time, not_found, since};

/// The Page access token the sandbox accepts.
pub const TOKEN: &str = "sandbox-facebook-page-token";
/// The sandbox Page's id (the demo brand's).
pub const PAGE_ID: &str = "108254316790412";

#[derive(Debug, Clone)]
struct Post {
    id: String,
    message: String,
    created: DateTime<Utc>,
    permalink: String,
}

#[derive(Debug, Clone)]
struct Comment {
    id: String,
    post: String,
    parent: Option<String>,
    from: Party,
    message: String,
    created: DateTime<Utc>,
    hidden: bool,
    likes: u64,
    liked: bool,
    permalink: String,
    raw: Option<Value>,
}

/// The Page's state.
#[derive(Debug)]
pub struct PageState {
    page: Party,
    posts: Vec<Post>,
    comments: Vec<Comment>,
    inbox: Inbox,
    blocked: BTreeSet<String>,
    next: u64,
}

/// Control handle: the Page's state and its gate (faults, usage, paging).
#[derive(Debug, Clone)]
pub struct Facebook {
    state: Arc<Mutex<PageState>>,
    pub gate: Gate,
}

impl Comment {
    fn json(&self, st: &PageState) -> Value {
        if let Some(raw) = &self.raw {
            return raw.clone();
        }
        let replies = st
            .comments
            .iter()
            .filter(|c| c.parent.as_deref() == Some(&self.id))
            .count();
        let mut v = json!({
            "id": self.id, "message": self.message, "created_time": graph_time(self.created),
            "from": { "id": self.from.id, "name": self.from.name },
            "is_hidden": self.hidden, "like_count": self.likes, "user_likes": self.liked,
            "comment_count": replies, "can_hide": self.from.id != st.page.id,
            "can_remove": true, "can_like": true, "can_reply_privately": self.from.id != st.page.id,
            "permalink_url": self.permalink,
        });
        if let Some(parent) = &self.parent {
            v["parent"] = json!({ "id": parent });
        }
        v
    }
}

impl PageState {
    fn next_id(&mut self) -> u64 {
        self.next += 1;
        self.next
    }

    fn comment(&self, id: &str) -> Option<&Comment> {
        self.comments.iter().find(|c| c.id == id && c.raw.is_none())
    }

    /// A new comment by the Page under `target` (a post or a comment; a
    /// reply to a reply goes under its top-level comment, §1).
    fn add_comment(&mut self, target: &str, message: &str) -> Option<String> {
        let (post, parent) = if let Some(c) = self.comment(target) {
            (
                c.post.clone(),
                Some(c.parent.clone().unwrap_or_else(|| c.id.clone())),
            )
        } else if self.posts.iter().any(|p| p.id == target) {
            (target.to_string(), None)
        } else {
            return None;
        };
        let n = self.next_id();
        let post_part = post.rsplit('_').next().unwrap_or(&post).to_string();
        let id = format!("{post_part}_{n}");
        let permalink = format!(
            "https://www.facebook.com/{}/posts/{post_part}?comment_id={}",
            self.page.id,
            id.rsplit('_').next().unwrap_or(&id)
        );
        self.comments.push(Comment {
            id: id.clone(),
            post,
            parent,
            from: self.page.clone(),
            message: message.to_string(),
            created: Utc::now(),
            hidden: false,
            likes: 0,
            liked: false,
            permalink,
            raw: None,
        });
        Some(id)
    }
}

/// The Page's routes, to be nested under `/facebook`.
pub fn router(app: Facebook) -> Router {
    Router::new()
        .route("/{version}/{id}", any(handle))
        .route("/{version}/{id}/{edge}", any(handle))
        .with_state(app)
}

async fn handle(
    State(app): State<Facebook>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Path(path): Path<HashMap<String, String>>,
    body: axum::body::Bytes,
) -> Response {
    let params = Params::parse(&uri, &body);
    if let Err(resp) = app.gate.check(&headers, &params).await {
        return resp;
    }
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let version = path.get("version").cloned().unwrap_or_default();
    let root = format!("http://{host}/facebook/{version}");
    let id = path.get("id").cloned().unwrap_or_default();
    let edge = path.get("edge").cloned();
    let query = uri.query().map(graph::form).unwrap_or_default();
    let answer = {
        let mut st = app.lock();
        route(
            &app.gate,
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
        Ok(body) => app.gate.ok(body),
        Err(resp) => resp,
    }
}

// The error is the finished HTTP answer; only the sandbox builds these.
#[allow(clippy::too_many_arguments, clippy::result_large_err)]
fn route(
    gate: &Gate,
    st: &mut PageState,
    method: &Method,
    id: &str,
    edge: Option<&str>,
    p: &Params,
    root: &str,
    query: &[(String, String)],
) -> Result<Value, Response> {
    let limit = |default| gate.page_size(p.num("limit"), default);
    let after = p.str("after");
    let is_page = id == st.page.id || id == "me";
    match (method.as_str(), edge) {
        ("GET", Some("published_posts" | "posts" | "feed")) if is_page => {
            let mut posts = st.posts.clone();
            graph::newest_first(&mut posts, |p| p.created);
            let all = posts
                .iter()
                .map(|p| json!({ "id": p.id, "message": p.message, "created_time": graph_time(p.created), "permalink_url": p.permalink }))
                .collect();
            let url = format!("{root}/{id}/{}", edge.unwrap_or_default());
            Ok(graph::page(all, after.as_deref(), limit(25), &url, query))
        }
        ("GET", Some("conversations")) if is_page => {
            let fields = p.str("fields").unwrap_or_default();
            let asked =
                graph::inline_limit(&fields, "messages").and_then(|n| i64::try_from(n).ok());
            let per = gate.page_size(asked, 20);
            Ok(st.inbox.conversations(p, limit(25), per, root, query))
        }
        ("GET", Some("blocked")) if is_page => {
            let all = st.blocked.iter().map(|u| json!({ "id": u })).collect();
            Ok(graph::page(
                all,
                after.as_deref(),
                limit(25),
                &format!("{root}/{id}/blocked"),
                query,
            ))
        }
        ("POST", Some("messages")) if is_page => {
            let comments: Vec<(String, Commenter)> = st
                .comments
                .iter()
                .filter(|c| c.raw.is_none())
                .map(|c| {
                    (
                        c.id.clone(),
                        Commenter {
                            author: c.from.clone(),
                            created: c.created,
                        },
                    )
                })
                .collect();
            st.inbox.send(p, |cid| {
                comments
                    .iter()
                    .find(|(id, _)| id == cid)
                    .map(|(_, c)| c.clone())
            })
        }
        ("POST", Some("moderate_conversations")) if is_page => st.inbox.moderate(p),
        ("POST", Some("blocked")) if is_page => {
            let user = p
                .str("user")
                .or_else(|| p.str("uid"))
                .or_else(|| p.str("psid"))
                .ok_or_else(|| {
                    error(
                        StatusCode::BAD_REQUEST,
                        100,
                        None,
                        "(#100) param user must be non-empty.",
                    )
                })?;
            st.blocked.insert(user.clone());
            Ok(json!({ user: true }))
        }
        ("GET", Some("messages")) => st
            .inbox
            .messages(id, p, limit(20), root, query)
            .ok_or_else(|| not_found(id)),
        ("GET", Some("comments")) => {
            let is_post = st.posts.iter().any(|x| x.id == id);
            if !is_post && st.comment(id).is_none() {
                return Err(not_found(id));
            }
            let stream = p.str("filter").as_deref() == Some("stream");
            let from = since(p);
            let mut list: Vec<&Comment> = st
                .comments
                .iter()
                .filter(|c| {
                    if is_post {
                        c.post == id && (stream || c.parent.is_none())
                    } else {
                        c.parent.as_deref() == Some(id)
                    }
                })
                .filter(|c| from.is_none_or(|f| c.created >= f))
                .collect();
            list.sort_by_key(|c| c.created);
            if p.str("order").as_deref() == Some("reverse_chronological") {
                list.reverse();
            }
            let all = list.iter().map(|c| c.json(st)).collect();
            Ok(graph::page(
                all,
                after.as_deref(),
                limit(25),
                &format!("{root}/{id}/comments"),
                query,
            ))
        }
        ("POST", Some("comments")) => {
            let message = p
                .str("message")
                .filter(|m| !m.trim().is_empty())
                .ok_or_else(|| {
                    error(
                        StatusCode::BAD_REQUEST,
                        100,
                        None,
                        "(#100) Missing message or attachment",
                    )
                })?;
            let new = st.add_comment(id, &message).ok_or_else(|| not_found(id))?;
            Ok(json!({ "id": new }))
        }
        ("POST" | "DELETE", Some("likes")) => {
            let like = method == Method::POST;
            let c = st
                .comments
                .iter_mut()
                .find(|c| c.id == id && c.raw.is_none())
                .ok_or_else(|| not_found(id))?;
            if c.liked != like {
                c.liked = like;
                c.likes = if like {
                    c.likes + 1
                } else {
                    c.likes.saturating_sub(1)
                };
            }
            Ok(json!({ "success": true }))
        }
        ("GET", None) => {
            if let Some(c) = st.comment(id) {
                return Ok(c.json(st));
            }
            st.posts
                .iter()
                .find(|x| x.id == id)
                .map(|x| json!({ "id": x.id, "message": x.message, "created_time": graph_time(x.created), "permalink_url": x.permalink }))
                .ok_or_else(|| not_found(id))
        }
        ("POST", None) => {
            let hidden = p.bool("is_hidden");
            let message = p.str("message");
            let c = st
                .comments
                .iter_mut()
                .find(|c| c.id == id && c.raw.is_none())
                .ok_or_else(|| not_found(id))?;
            if let Some(h) = hidden {
                c.hidden = h;
            }
            if let Some(m) = message {
                c.message = m;
            }
            Ok(json!({ "success": true }))
        }
        ("DELETE", None) => {
            if st.comment(id).is_none() {
                return Err(not_found(id));
            }
            // Deleting a comment takes its replies with it.
            st.comments
                .retain(|c| c.id != id && c.parent.as_deref() != Some(id));
            Ok(json!({ "success": true }))
        }
        _ => Err(error(
            StatusCode::BAD_REQUEST,
            100,
            None,
            &format!(
                "Unsupported {} request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.",
                method.as_str().to_lowercase()
            ),
        )),
    }
}
