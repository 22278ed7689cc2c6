//! An Instagram professional account in miniature (`reference/networks.md`
//! §2, the Facebook-login flavour on `graph.facebook.com`): `/{ig-user-id}/media`,
//! a media's `/comments` with `replies{…}` inlined, `/{ig-comment-id}/replies`,
//! `hide=`, `DELETE`, and DMs through the linked Page's
//! `/conversations?platform=instagram` and Send API (`graph::inbox`).
//! There is no like endpoint: `/likes` answers as Graph does for an
//! unsupported call. State is kept, as in the Facebook replica.

use std::collections::HashMap;
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
use super::graph::{self, Gate, Params, error, graph_time, not_found};

/// The (Page) access token the sandbox accepts.
pub const TOKEN: &str = "sandbox-instagram-page-token";
/// The sandbox account's IG user id (the demo brand's).
pub const IG_USER_ID: &str = "17841405822304914";
/// The Facebook Page the account is linked to (messaging goes through it).
pub const PAGE_ID: &str = "108254316790412";

#[derive(Debug, Clone)]
struct Media {
    id: String,
    caption: String,
    created: DateTime<Utc>,
    permalink: String,
}

#[derive(Debug, Clone)]
struct Comment {
    id: String,
    media: String,
    parent: Option<String>,
    from: Party,
    text: String,
    created: DateTime<Utc>,
    hidden: bool,
    likes: u64,
    raw: Option<Value>,
}

#[derive(Debug)]
pub struct AccountState {
    me: Party,
    page_id: String,
    media: Vec<Media>,
    comments: Vec<Comment>,
    inbox: Inbox,
    next: u64,
}

/// Control handle: the account's state and its gate.
#[derive(Debug, Clone)]
pub struct Instagram {
    state: Arc<Mutex<AccountState>>,
    pub gate: Gate,
}

impl Comment {
    fn json(&self, st: &AccountState, with_replies: bool) -> Value {
        if let Some(raw) = &self.raw {
            return raw.clone();
        }
        let mut v = json!({
            "id": self.id, "text": self.text, "timestamp": graph_time(self.created),
            "username": self.from.name, "from": { "id": self.from.id, "username": self.from.name },
            "like_count": self.likes, "hidden": self.hidden, "media": { "id": self.media },
        });
        if let Some(parent) = &self.parent {
            v["parent_id"] = json!(parent);
        }
        if with_replies && self.parent.is_none() {
            let replies: Vec<Value> = st
                .replies(&self.id)
                .iter()
                .map(|r| r.json(st, false))
                .collect();
            if !replies.is_empty() {
                v["replies"] = json!({ "data": replies });
            }
        }
        v
    }
}

impl AccountState {
    fn next_id(&mut self) -> u64 {
        self.next += 1;
        self.next
    }

    fn comment(&self, id: &str) -> Option<&Comment> {
        self.comments.iter().find(|c| c.id == id && c.raw.is_none())
    }

    fn replies(&self, id: &str) -> Vec<&Comment> {
        let mut r: Vec<&Comment> = self
            .comments
            .iter()
            .filter(|c| c.parent.as_deref() == Some(id))
            .collect();
        r.sort_by_key(|c| c.created);
        r
    }

    fn add(
        &mut self,
        media: &str,
        parent: Option<&str>,
        from: Party,
        text: &str,
        at: DateTime<Utc>,
    ) -> String {
        let id = format!("179{:014}", self.next_id());
        self.comments.push(Comment {
            id: id.clone(),
            media: media.to_string(),
            parent: parent.map(str::to_string),
            from,
            text: text.to_string(),
            created: at,
            hidden: false,
            likes: 0,
            raw: None,
        });
        id
    }
}

/// The account's routes, to be nested under `/instagram`.
pub fn router(app: Instagram) -> Router {
    Router::new()
        .route("/{version}/{id}", any(handle))
        .route("/{version}/{id}/{edge}", any(handle))
        .with_state(app)
}

async fn handle(
    State(app): State<Instagram>,
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
    let root = format!("http://{host}/instagram/{version}");
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
    st: &mut AccountState,
    method: &Method,
    id: &str,
    edge: Option<&str>,
    p: &Params,
    root: &str,
    query: &[(String, String)],
) -> Result<Value, Response> {
    let limit = |default| gate.page_size(p.num("limit"), default);
    let after = p.str("after");
    let is_me = id == st.me.id || id == st.page_id || id == "me";
    let url = format!("{root}/{id}/{}", edge.unwrap_or_default());
    match (method.as_str(), edge) {
        ("GET", Some("media")) if is_me => {
            let mut media = st.media.clone();
            graph::newest_first(&mut media, |m| m.created);
            let all = media
                .iter()
                .map(|m| {
                    let count = st.comments.iter().filter(|c| c.media == m.id && c.raw.is_none()).count();
                    json!({ "id": m.id, "caption": m.caption, "permalink": m.permalink,
                            "timestamp": graph_time(m.created), "comments_count": count,
                            "media_type": "IMAGE", "media_product_type": "FEED", "username": st.me.name })
                })
                .collect();
            Ok(graph::page(all, after.as_deref(), limit(25), &url, query))
        }
        ("GET", Some("conversations")) if is_me => {
            let fields = p.str("fields").unwrap_or_default();
            let asked =
                graph::inline_limit(&fields, "messages").and_then(|n| i64::try_from(n).ok());
            let per = gate.page_size(asked, 20);
            Ok(st.inbox.conversations(p, limit(25), per, root, query))
        }
        ("POST", Some("messages")) if is_me => {
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
        ("GET", Some("messages")) => st
            .inbox
            .messages(id, p, limit(20), root, query)
            .ok_or_else(|| not_found(id)),
        ("GET", Some("comments")) => {
            if !st.media.iter().any(|m| m.id == id) {
                return Err(not_found(id));
            }
            let with_replies = p.str("fields").is_some_and(|f| f.contains("replies"));
            let mut list: Vec<&Comment> = st
                .comments
                .iter()
                .filter(|c| c.media == id && c.parent.is_none())
                .collect();
            graph::newest_first(&mut list, |c| c.created);
            let all = list.iter().map(|c| c.json(st, with_replies)).collect();
            Ok(graph::page(all, after.as_deref(), limit(25), &url, query))
        }
        ("GET", Some("replies")) => {
            if st.comment(id).is_none() {
                return Err(not_found(id));
            }
            let all = st.replies(id).iter().map(|c| c.json(st, false)).collect();
            Ok(graph::page(all, after.as_deref(), limit(25), &url, query))
        }
        ("POST", Some(edge @ ("comments" | "replies"))) => {
            let text = p
                .str("message")
                .filter(|m| !m.trim().is_empty())
                .ok_or_else(|| {
                    error(
                        StatusCode::BAD_REQUEST,
                        100,
                        None,
                        "(#100) The parameter message is required",
                    )
                })?;
            let me = st.me.clone();
            let new = if edge == "comments" && st.media.iter().any(|m| m.id == id) {
                st.add(id, None, me, &text, Utc::now())
            } else if edge == "replies" {
                let c = st.comment(id).ok_or_else(|| not_found(id))?;
                if c.hidden {
                    return Err(error(
                        StatusCode::BAD_REQUEST,
                        100,
                        None,
                        "(#100) Cannot reply to a hidden comment",
                    ));
                }
                // A reply to a reply is attached to the top-level comment (§2).
                let (media, top) = (
                    c.media.clone(),
                    c.parent.clone().unwrap_or_else(|| c.id.clone()),
                );
                st.add(&media, Some(&top), me, &text, Utc::now())
            } else {
                return Err(not_found(id));
            };
            Ok(json!({ "id": new }))
        }
        ("POST", None) => {
            let hide = p.bool("hide");
            let c = st
                .comments
                .iter_mut()
                .find(|c| c.id == id && c.raw.is_none())
                .ok_or_else(|| not_found(id))?;
            if let Some(h) = hide {
                c.hidden = h;
            }
            Ok(json!({ "success": true }))
        }
        ("DELETE", None) => {
            if st.comment(id).is_none() {
                return Err(not_found(id));
            }
            st.comments
                .retain(|c| c.id != id && c.parent.as_deref() != Some(id));
            Ok(json!({ "success": true }))
        }
        ("GET", None) => st
            .comment(id)
            .map(|c| c.json(st, false))
            .ok_or_else(|| not_found(id)),
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
