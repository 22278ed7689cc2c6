//! The X sandbox's writes: `POST /2/tweets` (replies, under the 2026
//! "summoned" rule), `DELETE /2/tweets/:id`, `PUT /2/tweets/:id/hidden`,
//! likes, muting, blocking, and DMs in a conversation or with a
//! participant, each answering with X's documented `data` body.

// The errors here are finished HTTP answers, returned as they are.
#![allow(clippy::result_large_err)]

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::{Value, json};

use super::{DmEvent, Tweet, X, gate, invalid, ok, problem};

/// 403 for an unsummoned reply. The wording X uses is UNCONFIRMED in
/// networks.md; this is the generic problem shape with X's explanation.
const NOT_SUMMONED: &str = "Reply to this conversation is not allowed because you have not been mentioned or otherwise engaged by the author of the post you are replying to.";

fn json_body(body: &Bytes) -> Result<Value, Response> {
    serde_json::from_slice::<Value>(body)
        .ok()
        .filter(Value::is_object)
        .ok_or_else(|| invalid("The request body is not valid JSON"))
}

fn not_found(id: &str) -> Response {
    problem(
        StatusCode::NOT_FOUND,
        "resource-not-found",
        "Not Found Error",
        &format!("Could not find tweet with id: [{id}]."),
    )
}

fn forbidden(kind: &str, detail: &str) -> Response {
    problem(StatusCode::FORBIDDEN, kind, "Forbidden", detail)
}

fn me_only(app: &X, id: &str) -> Result<(), Response> {
    if app.lock().me.id == id {
        Ok(())
    } else {
        Err(forbidden(
            "not-authorized-for-resource",
            "You are not permitted to act for this user.",
        ))
    }
}

pub(super) async fn create(State(app): State<X>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = gate(&app, &headers).await {
        return r;
    }
    let body = match json_body(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let text = body
        .get("text")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if text.trim().is_empty() {
        return invalid("The `text` field can not be empty");
    }
    if text.chars().count() > 280 {
        return forbidden(
            "about:blank",
            "You are not allowed to create a Tweet with this text length.",
        );
    }
    let parent = body
        .pointer("/reply/in_reply_to_tweet_id")
        .and_then(Value::as_str);
    let answer = {
        let mut st = app.lock();
        let parent = match parent {
            None => None,
            Some(p) => match p.parse::<u64>().ok().and_then(|id| st.tweets.get(&id)) {
                Some(t) => Some(t.clone()),
                None => {
                    return invalid(&format!(
                        "The tweet [{p}] you are replying to does not exist"
                    ));
                }
            },
        };
        let me = st.me.id.clone();
        if let Some(p) = &parent {
            let quotes_us = p
                .quoted
                .and_then(|q| st.tweets.get(&q))
                .is_some_and(|q| q.author == me);
            if p.author != me && !p.mentions.contains(&me) && !quotes_us {
                return forbidden("about:blank", NOT_SUMMONED);
            }
        }
        let id = st.next_id();
        let mentions = st.mentioned_in(&text);
        st.tweets.insert(
            id,
            Tweet {
                id,
                author: me,
                text: text.clone(),
                created_at: Utc::now(),
                conversation_id: parent.as_ref().map_or(id, |p| p.conversation_id),
                replied_to: parent.as_ref().map(|p| p.id),
                quoted: None,
                in_reply_to_user_id: parent.as_ref().map(|p| p.author.clone()),
                mentions,
                hidden: false,
                likes: 0,
            },
        );
        json!({ "data": { "id": id.to_string(), "text": text, "edit_history_tweet_ids": [id.to_string()] } })
    };
    ok(&app, StatusCode::CREATED, answer)
}

pub(super) async fn destroy(
    State(app): State<X>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(r) = gate(&app, &headers).await {
        return r;
    }
    {
        let mut st = app.lock();
        let me = st.me.id.clone();
        let Some(t) = id.parse::<u64>().ok().and_then(|i| st.tweets.get(&i)) else {
            return not_found(&id);
        };
        if t.author != me {
            return forbidden("about:blank", "You are not allowed to delete this Tweet.");
        }
        let tid = t.id;
        st.tweets.remove(&tid);
    }
    ok(&app, StatusCode::OK, json!({ "data": { "deleted": true } }))
}

pub(super) async fn hide(
    State(app): State<X>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(r) = gate(&app, &headers).await {
        return r;
    }
    let Some(hidden) = json_body(&body)
        .ok()
        .and_then(|b| b.get("hidden").and_then(Value::as_bool))
    else {
        return invalid("The `hidden` field is required");
    };
    {
        let mut st = app.lock();
        let me = st.me.id.clone();
        let Some(t) = id.parse::<u64>().ok().and_then(|i| st.tweets.get(&i)) else {
            return not_found(&id);
        };
        let root_ours = st
            .tweets
            .get(&t.conversation_id)
            .is_some_and(|r| r.author == me);
        if !root_ours || t.author == me || t.id == t.conversation_id {
            return forbidden(
                "about:blank",
                "You can only hide replies in conversations you started.",
            );
        }
        let tid = t.id;
        if let Some(t) = st.tweets.get_mut(&tid) {
            t.hidden = hidden;
        }
    }
    ok(
        &app,
        StatusCode::OK,
        json!({ "data": { "hidden": hidden } }),
    )
}

fn enterprise(app: &X) -> Result<(), Response> {
    if app.lock().enterprise {
        Ok(())
    } else {
        Err(forbidden(
            "client-forbidden",
            "When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project with the required access level.",
        ))
    }
}

pub(super) async fn like(
    State(app): State<X>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(r) = gate(&app, &headers).await {
        return r;
    }
    if let Err(r) = me_only(&app, &id).and_then(|()| enterprise(&app)) {
        return r;
    }
    let tweet = json_body(&body).ok().and_then(|b| {
        b.get("tweet_id")
            .and_then(Value::as_str)
            .map(str::to_string)
    });
    {
        let mut st = app.lock();
        let Some(tid) = tweet
            .and_then(|t| t.parse::<u64>().ok())
            .filter(|t| st.tweets.contains_key(t))
        else {
            return invalid("The `tweet_id` field is not a known tweet");
        };
        if st.liked.insert(tid)
            && let Some(t) = st.tweets.get_mut(&tid)
        {
            t.likes += 1;
        }
    }
    ok(&app, StatusCode::OK, json!({ "data": { "liked": true } }))
}

pub(super) async fn unlike(
    State(app): State<X>,
    headers: HeaderMap,
    Path((id, tweet_id)): Path<(String, String)>,
) -> Response {
    if let Err(r) = gate(&app, &headers).await {
        return r;
    }
    if let Err(r) = me_only(&app, &id).and_then(|()| enterprise(&app)) {
        return r;
    }
    {
        let mut st = app.lock();
        let tid = tweet_id.parse::<u64>().unwrap_or(0);
        if st.liked.remove(&tid)
            && let Some(t) = st.tweets.get_mut(&tid)
        {
            t.likes = t.likes.saturating_sub(1);
        }
    }
    ok(&app, StatusCode::OK, json!({ "data": { "liked": false } }))
}

fn target_user(body: &Bytes) -> Result<String, Response> {
    json_body(body)?
        .get("target_user_id")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| invalid("The `target_user_id` field is required"))
}

pub(super) async fn mute(
    State(app): State<X>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(r) = gate(&app, &headers).await {
        return r;
    }
    let target = match me_only(&app, &id).and_then(|()| target_user(&body)) {
        Ok(t) => t,
        Err(r) => return r,
    };
    app.lock().muted.insert(target);
    ok(&app, StatusCode::OK, json!({ "data": { "muting": true } }))
}

pub(super) async fn block(
    State(app): State<X>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(r) = gate(&app, &headers).await {
        return r;
    }
    let target = match me_only(&app, &id)
        .and_then(|()| enterprise(&app))
        .and_then(|()| target_user(&body))
    {
        Ok(t) => t,
        Err(r) => return r,
    };
    app.lock().blocked.insert(target);
    ok(
        &app,
        StatusCode::OK,
        json!({ "data": { "blocking": true } }),
    )
}

fn send_dm(app: &X, conversation: &str, body: &Bytes) -> Response {
    let text = match json_body(body) {
        Ok(b) => b
            .get("text")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        Err(r) => return r,
    };
    if text.trim().is_empty() {
        return invalid("The `text` field can not be empty");
    }
    let answer = {
        let mut st = app.lock();
        let me = st.me.id.clone();
        if !conversation.split('-').any(|p| p == me) {
            return problem(
                StatusCode::NOT_FOUND,
                "resource-not-found",
                "Not Found Error",
                &format!("Could not find dm_conversation with id: [{conversation}]."),
            );
        }
        let id = st.next_id();
        st.dms.insert(
            id,
            DmEvent {
                id,
                conversation: conversation.to_string(),
                sender: me,
                text,
                created_at: Utc::now(),
            },
        );
        json!({ "data": { "dm_conversation_id": conversation, "dm_event_id": id.to_string() } })
    };
    ok(app, StatusCode::CREATED, answer)
}

pub(super) async fn dm_in_conversation(
    State(app): State<X>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(r) = gate(&app, &headers).await {
        return r;
    }
    send_dm(&app, &id, &body)
}

pub(super) async fn dm_with(
    State(app): State<X>,
    headers: HeaderMap,
    Path(participant): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(r) = gate(&app, &headers).await {
        return r;
    }
    let me = app.lock().me.id.clone();
    send_dm(&app, &super::control::one_to_one(&me, &participant), &body)
}

pub(super) async fn dm_destroy(
    State(app): State<X>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(r) = gate(&app, &headers).await {
        return r;
    }
    {
        let mut st = app.lock();
        let me = st.me.id.clone();
        let Some(e) = id.parse::<u64>().ok().and_then(|i| st.dms.get(&i)) else {
            return not_found(&id);
        };
        if e.sender != me {
            return forbidden("about:blank", "You can only delete your own messages.");
        }
        let eid = e.id;
        st.dms.remove(&eid);
    }
    ok(&app, StatusCode::OK, json!({ "data": { "deleted": true } }))
}

/// `POST /2/oauth2/token` with `grant_type=refresh_token`: a new access
/// token and a new refresh token (the old one stops working), as X's
/// OAuth 2.0 answers; a wrong token or client is `invalid_request`.
pub(super) async fn token(State(app): State<X>, body: Bytes) -> Response {
    let form: std::collections::HashMap<String, String> = String::from_utf8_lossy(&body)
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let field = |k: &str| form.get(k).map_or("", String::as_str);
    let answer = {
        let mut st = app.lock();
        if field("grant_type") != "refresh_token"
            || field("client_id") != super::CLIENT_ID
            || field("refresh_token") != st.refresh
        {
            let body = json!({
                "error": "invalid_request",
                "error_description": "Value passed for the token was invalid.",
            });
            return (StatusCode::BAD_REQUEST, axum::Json(body)).into_response();
        }
        st.refreshes += 1;
        st.access = format!("{}-{}", super::TOKEN, st.refreshes);
        st.refresh = format!("{}-{}", super::REFRESH_TOKEN, st.refreshes);
        st.token_expired = false;
        json!({
            "token_type": "bearer", "expires_in": 7200, "access_token": st.access,
            "scope": "tweet.read tweet.write tweet.moderate.write users.read dm.read dm.write mute.write offline.access",
            "refresh_token": st.refresh,
        })
    };
    ok(&app, StatusCode::OK, answer)
}
