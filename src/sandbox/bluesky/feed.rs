//! Sandbox AppView reads and the social graph: `listNotifications`
//! (newest first, `indexedAt` cursor, nothing from accounts we block),
//! `getPostThread` and `getPosts` (post views with `likeCount`,
//! `viewer.like` and, on a root, its `threadgate` view), `getBlocks`,
//! `getMutes` (offset cursors), `muteActor` / `unmuteActor` (200, no body).

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::{
    Auth, Bluesky, Entry, LIKE, POST, Pds, Post, THREADGATE, done, error, gate, invalid, iso,
    limit, ok, pairs, param,
};

impl Pds {
    /// Our like of `uri`, if any.
    pub(super) fn our_like(&self, uri: &str) -> Option<String> {
        self.ours(LIKE)
            .into_iter()
            .find(|(_, r)| r.value.pointer("/subject/uri").and_then(Value::as_str) == Some(uri))
            .map(|(u, _)| u.clone())
    }

    /// The thread gate view of a root post of ours, if it has one.
    pub(super) fn threadgate_view(&self, root: &str) -> Option<Value> {
        let rkey = root.strip_prefix(&format!("at://{}/{POST}/", self.me.did))?;
        let uri = format!("at://{}/{THREADGATE}/{rkey}", self.me.did);
        let r = self.records.get(&uri)?;
        Some(json!({ "uri": uri, "cid": r.cid, "record": r.value, "lists": [] }))
    }

    pub(super) fn post_view(&self, p: &Post) -> Value {
        let replies = self
            .posts
            .values()
            .filter(|r| r.parent() == Some(p.uri.as_str()))
            .count();
        let ours = self.our_like(&p.uri);
        let likes = p.likes + u64::from(ours.is_some());
        let mut viewer = json!({ "threadMuted": false, "replyDisabled": false });
        if let Some(like) = ours {
            viewer["like"] = json!(like);
        }
        let mut view = json!({
            "uri": p.uri, "cid": p.cid, "author": p.author.json(), "record": p.record,
            "replyCount": replies, "repostCount": 0, "likeCount": likes, "quoteCount": 0,
            "indexedAt": iso(p.indexed_at), "viewer": viewer, "labels": [],
        });
        if p.parent().is_none()
            && let Some(gate) = self.threadgate_view(&p.uri)
        {
            view["threadgate"] = gate;
        }
        view
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

    fn notification(&self, e: &Entry) -> Option<Value> {
        match e {
            Entry::Raw { value, .. } => Some(value.clone()),
            Entry::Post {
                reason,
                uri,
                subject,
                indexed_at,
            } => self.posts.get(uri).map(|p| {
                json!({
                    "uri": p.uri, "cid": p.cid, "author": p.author.json(),
                    "reason": reason, "reasonSubject": subject, "record": p.record,
                    "isRead": false, "indexedAt": iso(*indexed_at), "labels": [],
                })
            }),
        }
    }
}

pub(super) async fn list_notifications(
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
    let limit = match limit(&q) {
        Ok(l) => l,
        Err(m) => return invalid(&m),
    };
    let before = param(&q, "cursor")
        .and_then(|c| DateTime::parse_from_rfc3339(c).ok())
        .map(|c| c.with_timezone(&Utc));
    let body = {
        let st = app.lock();
        let blocked: Vec<String> = st.blocks().into_iter().map(|(did, _)| did).collect();
        let mut entries: Vec<&Entry> = st
            .notifications
            .iter()
            .filter(|e| match e {
                Entry::Post { reason, uri, .. } => {
                    let author = st.posts.get(uri).map(|p| p.author.did.as_str());
                    (reasons.is_empty() || reasons.contains(reason))
                        && !author.is_some_and(|a| blocked.iter().any(|b| b == a))
                }
                Entry::Raw { .. } => true,
            })
            .filter(|e| before.is_none_or(|b| e.indexed_at() < b))
            .collect();
        entries.sort_by_key(|e| std::cmp::Reverse(e.indexed_at()));
        let more = entries.len() > limit;
        entries.truncate(limit);
        let list: Vec<Value> = entries.iter().filter_map(|e| st.notification(e)).collect();
        let cursor = entries.last().filter(|_| more).map(|e| iso(e.indexed_at()));
        json!({ "notifications": list, "cursor": cursor, "priority": false })
    };
    ok(&app, body)
}

pub(super) async fn get_post_thread(
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
        let mut body = json!({ "thread": st.thread(post, depth, parents) });
        if let Some(gate) = st.threadgate_view(post.root()) {
            body["threadgate"] = gate;
        }
        body
    };
    ok(&app, body)
}

pub(super) async fn get_posts(
    State(app): State<Bluesky>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    if let Err(resp) = gate(&app, &headers, Auth::Access).await {
        return resp;
    }
    let q = pairs(raw);
    let uris: Vec<&str> = q
        .iter()
        .filter(|(k, _)| k == "uris")
        .map(|(_, v)| v.as_str())
        .collect();
    if uris.len() > 25 {
        return invalid("uris must not have more than 25 elements");
    }
    let body = {
        let st = app.lock();
        let posts: Vec<Value> = uris
            .iter()
            .filter_map(|u| st.posts.get(*u))
            .map(|p| st.post_view(p))
            .collect();
        json!({ "posts": posts })
    };
    ok(&app, body)
}

/// One page of profile views for `dids`, with an offset cursor.
fn profile_page(
    st: &Pds,
    dids: &[String],
    q: &[(String, String)],
    key: &str,
) -> Result<Value, String> {
    let limit = limit(q)?;
    let start = match param(q, "cursor").map(str::parse::<usize>) {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(_)) => return Err("Malformed cursor".to_string()),
    };
    let page: Vec<Value> = dids
        .iter()
        .skip(start)
        .take(limit)
        .map(|did| {
            st.actor(did).map_or_else(
                || json!({ "did": did, "handle": "handle.invalid", "labels": [] }),
                super::Profile::json,
            )
        })
        .collect();
    let end = start + page.len();
    let mut body = json!({ key: page });
    if end < dids.len() {
        body["cursor"] = json!(end.to_string());
    }
    Ok(body)
}

pub(super) async fn get_blocks(
    State(app): State<Bluesky>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    if let Err(resp) = gate(&app, &headers, Auth::Access).await {
        return resp;
    }
    let q = pairs(raw);
    let body = {
        let st = app.lock();
        let dids: Vec<String> = st.blocks().into_iter().map(|(did, _)| did).collect();
        profile_page(&st, &dids, &q, "blocks")
    };
    match body {
        Ok(body) => ok(&app, body),
        Err(m) => invalid(&m),
    }
}

pub(super) async fn get_mutes(
    State(app): State<Bluesky>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    if let Err(resp) = gate(&app, &headers, Auth::Access).await {
        return resp;
    }
    let q = pairs(raw);
    let body = {
        let st = app.lock();
        let dids: Vec<String> = st.muted.iter().rev().cloned().collect();
        profile_page(&st, &dids, &q, "mutes")
    };
    match body {
        Ok(body) => ok(&app, body),
        Err(m) => invalid(&m),
    }
}

/// `muteActor` / `unmuteActor`: `{"actor": <did or handle>}`.
async fn set_mute(app: Bluesky, headers: HeaderMap, body: &[u8], mute: bool) -> Response {
    if let Err(resp) = gate(&app, &headers, Auth::Access).await {
        return resp;
    }
    let input: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let Some(actor) = input.get("actor").and_then(Value::as_str) else {
        return invalid("Input must have the property \"actor\"");
    };
    {
        let mut st = app.lock();
        let Some(did) = st.actor(actor).map(|p| p.did.clone()) else {
            return invalid("Actor not found");
        };
        if did == st.me.did {
            return invalid("Cannot mute oneself");
        }
        st.muted.retain(|d| *d != did);
        if mute {
            st.muted.push(did);
        }
    }
    done(&app)
}

pub(super) async fn mute_actor(
    State(app): State<Bluesky>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    set_mute(app, headers, &body, true).await
}

pub(super) async fn unmute_actor(
    State(app): State<Bluesky>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    set_mute(app, headers, &body, false).await
}
