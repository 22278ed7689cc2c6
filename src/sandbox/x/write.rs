//! The X sandbox's writes: `POST /2/tweets` (replies, under the 2026
//! "summoned" rule), `DELETE /2/tweets/:id`, `PUT /2/tweets/:id/hidden`,
//! likes, muting, blocking, and DMs in a conversation or with a
//! participant, each answering with X's documented `data` body; and
//! X's OAuth 2.0: the authorize page and the token endpoint.

// The errors here are finished HTTP answers, returned as they are.
#![allow(clippy::result_large_err)]

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::{Value, json};

use super::{DmEvent, Grant, Tweet, X, gate, invalid, ok, problem};

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

/// X's OAuth 2.0 error body (400).
fn oauth_error(error: &str, description: &str) -> Response {
    let body = json!({ "error": error, "error_description": description });
    (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
}

/// `GET /i/oauth2/authorize` (on `x.com`): checks the client, the
/// loopback redirect and the PKCE method, keeps the challenge, and, the
/// user approving at once, sends the browser to
/// `redirect_uri?state=…&code=…`. A wrong client or redirect is an error
/// page, as X shows (it never redirects to an unregistered address).
pub(super) async fn authorize(
    State(app): State<X>,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Response {
    let q: std::collections::HashMap<String, String> =
        serde_urlencoded::from_str(&raw.unwrap_or_default()).unwrap_or_default();
    let field = |k: &str| q.get(k).map_or("", String::as_str);
    let redirect_uri = field("redirect_uri");
    let loopback = redirect_uri
        .strip_prefix("http://127.0.0.1:")
        .and_then(|rest| rest.split_once('/'))
        .is_some_and(|(port, path)| port.parse::<u16>().is_ok() && path == "callback");
    if field("client_id") != super::CLIENT_ID || !loopback {
        return (
            StatusCode::BAD_REQUEST,
            "Something went wrong: you weren't able to give access to the App.",
        )
            .into_response();
    }
    let back = |params: &[(&str, &str)]| {
        let query = serde_urlencoded::to_string(params).unwrap_or_default();
        let mut resp = StatusCode::FOUND.into_response();
        if let Ok(to) = axum::http::HeaderValue::from_str(&format!("{redirect_uri}?{query}")) {
            resp.headers_mut().insert(axum::http::header::LOCATION, to);
        }
        resp
    };
    let state = field("state");
    let challenge = field("code_challenge");
    if field("response_type") != "code"
        || field("code_challenge_method") != "S256"
        || challenge.is_empty()
    {
        return back(&[
            ("error", "invalid_request"),
            (
                "error_description",
                "response_type=code and a code_challenge with code_challenge_method=S256 are required",
            ),
            ("state", state),
        ]);
    }
    let code = {
        let mut st = app.lock();
        let code = format!("sandbox-x-code-{:016x}", fastrand::u64(..));
        let grant = Grant {
            redirect_uri: redirect_uri.to_string(),
            challenge: challenge.to_string(),
            offline: field("scope").split(' ').any(|s| s == "offline.access"),
        };
        st.codes.insert(code.clone(), grant);
        code
    };
    back(&[("state", state), ("code", code.as_str())])
}

/// The `authorization_code` grant: the code is used once, for the
/// redirect it was issued for, with the verifier whose S256 is the kept
/// challenge.
fn exchange(app: &X, field: &dyn Fn(&str) -> String) -> Result<Value, Response> {
    use base64::Engine as _;
    let mut st = app.lock();
    let Some(grant) = st.codes.remove(&field("code")) else {
        return Err(oauth_error(
            "invalid_request",
            "Value passed for the authorization code was invalid.",
        ));
    };
    let verifier = field("code_verifier");
    let digest = <sha2::Sha256 as sha2::Digest>::digest(verifier.as_bytes());
    let s256 = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest);
    if field("redirect_uri") != grant.redirect_uri {
        return Err(oauth_error(
            "invalid_request",
            "Value passed for the redirect uri did not match the uri of the authorization code.",
        ));
    }
    if !(43..=128).contains(&verifier.len()) || s256 != grant.challenge {
        return Err(oauth_error(
            "invalid_request",
            "Value passed for the code verifier did not match the code challenge.",
        ));
    }
    st.logins += 1;
    st.access = format!("{}-login-{}", super::TOKEN, st.logins);
    st.refresh = format!("{}-login-{}", super::REFRESH_TOKEN, st.logins);
    st.token_expired = false;
    let mut answer = json!({
        "token_type": "bearer", "expires_in": 7200, "access_token": st.access,
        "scope": "tweet.read tweet.write tweet.moderate.write users.read dm.read dm.write mute.write",
    });
    if grant.offline {
        answer["scope"] = json!(
            "tweet.read tweet.write tweet.moderate.write users.read dm.read dm.write mute.write offline.access"
        );
        answer["refresh_token"] = json!(st.refresh);
    }
    Ok(answer)
}

/// `POST /2/oauth2/token`: the `authorization_code` grant (PKCE), or
/// `grant_type=refresh_token`: a new access token and a new refresh
/// token (the old one stops working), as X's OAuth 2.0 answers; a wrong
/// code, verifier, token or client is `invalid_request`.
pub(super) async fn token(State(app): State<X>, body: Bytes) -> Response {
    let form: std::collections::HashMap<String, String> =
        serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let field = |k: &str| form.get(k).map_or("", String::as_str);
    if field("client_id") != super::CLIENT_ID {
        return oauth_error(
            "invalid_request",
            "Value passed for the client id was invalid.",
        );
    }
    let answer = match field("grant_type") {
        "authorization_code" => match exchange(&app, &|k: &str| field(k).to_string()) {
            Ok(answer) => answer,
            Err(resp) => return resp,
        },
        "refresh_token" => {
            let mut st = app.lock();
            if field("refresh_token") != st.refresh {
                return oauth_error("invalid_request", "Value passed for the token was invalid.");
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
        }
        _ => return oauth_error("unsupported_grant_type", "The grant type is not supported."),
    };
    ok(&app, StatusCode::OK, answer)
}
