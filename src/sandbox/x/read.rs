//! The X sandbox's reads: `GET /2/users/me`, the mentions timeline, a
//! user's posts, recent search by `conversation_id:` (and `from:`), and
//! DM events, all newest first and paged by `max_results` + token.

// The errors here are finished HTTP answers, returned as they are.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::{Tweet, World, X, gate, invalid, ok, problem, time, untoken};

type Params = Query<HashMap<String, String>>;

/// One page of `ids` (newest first) after the filters and the token.
struct Paged {
    ids: Vec<u64>,
    next: Option<u64>,
}

fn page(
    mut ids: Vec<u64>,
    q: &HashMap<String, String>,
    range: (usize, usize, usize),
) -> Result<Paged, Response> {
    let (min, max, default) = range;
    let size = match q.get("max_results") {
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (min..=max).contains(&n) => n,
            _ => {
                return Err(invalid(&format!(
                    "The `max_results` query parameter value [{v}] is not between {min} and {max}"
                )));
            }
        },
        None => default,
    };
    let num = |k: &str| -> Result<Option<u64>, Response> {
        match q.get(k) {
            None => Ok(None),
            Some(v) => v.parse::<u64>().map(Some).map_err(|_| {
                invalid(&format!(
                    "The `{k}` query parameter value [{v}] is not valid"
                ))
            }),
        }
    };
    let since = num("since_id")?;
    let until = num("until_id")?;
    let below = match q.get("pagination_token").or(q.get("next_token")) {
        None => None,
        Some(t) => match untoken(t) {
            Some(id) => Some(id),
            None => {
                return Err(invalid(&format!(
                    "The `pagination_token` query parameter value [{t}] is not valid"
                )));
            }
        },
    };
    ids.sort_unstable_by(|a, b| b.cmp(a));
    ids.retain(|id| {
        since.is_none_or(|s| *id > s)
            && until.is_none_or(|u| *id < u)
            && below.is_none_or(|b| *id < b)
    });
    let next = (ids.len() > size).then(|| ids[size - 1]);
    ids.truncate(size);
    Ok(Paged { ids, next })
}

fn check_user(st: &World, id: &str) -> Result<(), Response> {
    if id == st.me.id {
        Ok(())
    } else {
        Err(problem(
            StatusCode::FORBIDDEN,
            "not-authorized-for-resource",
            "Forbidden",
            "You are not authorized to access this user's timeline.",
        ))
    }
}

/// A list of posts, with their authors and referenced posts expanded.
fn posts(st: &World, paged: &Paged, raw: &[(u64, Value)]) -> Value {
    let mut data = Vec::new();
    let mut authors = Vec::new();
    let mut refs = Vec::new();
    for id in &paged.ids {
        if let Some(t) = st.tweets.get(id) {
            data.push(st.tweet_json(t));
            authors.push(t.author.clone());
            refs.extend(t.replied_to.iter().chain(t.quoted.iter()));
        } else if let Some((_, v)) = raw.iter().find(|(r, _)| r == id) {
            data.push(v.clone());
        }
    }
    st.list(&data, &authors, &refs, paged.next)
}

pub(super) async fn me(State(app): State<X>, headers: HeaderMap) -> Response {
    if let Err(r) = gate(&app, &headers).await {
        return r;
    }
    let body = {
        let st = app.lock();
        json!({ "data": st.user_json(&st.me.id.clone()) })
    };
    ok(&app, StatusCode::OK, body)
}

pub(super) async fn mentions(
    State(app): State<X>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Params,
) -> Response {
    if let Err(r) = gate(&app, &headers).await {
        return r;
    }
    let body = {
        let st = app.lock();
        if let Err(r) = check_user(&st, &id) {
            return r;
        }
        let mut ids: Vec<u64> = st
            .tweets
            .values()
            .filter(|t| t.author != st.me.id && t.mentions.contains(&st.me.id))
            .filter(|t| !st.blocked.contains(&t.author))
            .map(|t| t.id)
            .collect();
        ids.extend(st.raw_mentions.iter().map(|(id, _)| *id));
        let paged = match page(ids, &q, (5, 100, 10)) {
            Ok(p) => p,
            Err(r) => return r,
        };
        posts(&st, &paged, &st.raw_mentions)
    };
    ok(&app, StatusCode::OK, body)
}

pub(super) async fn own_tweets(
    State(app): State<X>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Params,
) -> Response {
    if let Err(r) = gate(&app, &headers).await {
        return r;
    }
    let body = {
        let st = app.lock();
        let exclude = q.get("exclude").map_or("", String::as_str);
        let ids: Vec<u64> = st
            .tweets
            .values()
            .filter(|t| t.author == id)
            .filter(|t| !exclude.contains("replies") || t.replied_to.is_none())
            .map(|t| t.id)
            .collect();
        let paged = match page(ids, &q, (5, 100, 10)) {
            Ok(p) => p,
            Err(r) => return r,
        };
        posts(&st, &paged, &[])
    };
    ok(&app, StatusCode::OK, body)
}

/// The operators guichet sends: `conversation_id:N` (joined by `OR`) and
/// `from:username`.
fn matches(t: &Tweet, st: &World, query: &str) -> bool {
    let mut conversations = Vec::new();
    let mut from = None;
    for word in query.split_whitespace() {
        let word = word.trim_matches(|c| c == '(' || c == ')');
        if let Some(c) = word.strip_prefix("conversation_id:") {
            conversations.push(c.parse::<u64>().unwrap_or(0));
        } else if let Some(f) = word.strip_prefix("from:") {
            from = Some(f.to_ascii_lowercase());
        }
    }
    let by = |username: &str| {
        st.users
            .get(&t.author)
            .or((t.author == st.me.id).then_some(&st.me))
            .is_some_and(|u| u.username.to_ascii_lowercase() == username)
    };
    (conversations.is_empty() || conversations.contains(&t.conversation_id))
        && from.as_deref().is_none_or(by)
}

pub(super) async fn search(State(app): State<X>, headers: HeaderMap, Query(q): Params) -> Response {
    if let Err(r) = gate(&app, &headers).await {
        return r;
    }
    let Some(query) = q.get("query").cloned() else {
        return invalid("The `query` query parameter can not be empty");
    };
    if query.chars().count() > 512 {
        return invalid("The `query` query parameter value is longer than 512 characters");
    }
    let body = {
        let st = app.lock();
        let ids: Vec<u64> = st
            .tweets
            .values()
            .filter(|t| matches(t, &st, &query))
            .map(|t| t.id)
            .collect();
        let paged = match page(ids, &q, (10, 100, 10)) {
            Ok(p) => p,
            Err(r) => return r,
        };
        posts(&st, &paged, &[])
    };
    ok(&app, StatusCode::OK, body)
}

fn events(
    st: &World,
    conversation: Option<&str>,
    q: &HashMap<String, String>,
) -> Result<Value, Response> {
    let ids: Vec<u64> = st
        .dms
        .values()
        .filter(|e| conversation.is_none_or(|c| e.conversation == c))
        .map(|e| e.id)
        .collect();
    let paged = page(ids, q, (1, 100, 100))?;
    let mut data = Vec::new();
    let mut senders = Vec::new();
    for e in paged.ids.iter().filter_map(|id| st.dms.get(id)) {
        data.push(json!({
            "id": e.id.to_string(), "event_type": "MessageCreate", "text": e.text,
            "sender_id": e.sender, "dm_conversation_id": e.conversation,
            "created_at": time(e.created_at),
        }));
        senders.push(e.sender.clone());
    }
    let mut body = st.list(&data, &senders, &[], paged.next);
    // DM event lists carry no newest/oldest ids.
    if let Some(meta) = body.get_mut("meta").and_then(Value::as_object_mut) {
        meta.remove("newest_id");
        meta.remove("oldest_id");
    }
    Ok(body)
}

pub(super) async fn dm_events(
    State(app): State<X>,
    headers: HeaderMap,
    Query(q): Params,
) -> Response {
    if let Err(r) = gate(&app, &headers).await {
        return r;
    }
    let body = match events(&app.lock(), None, &q) {
        Ok(b) => b,
        Err(r) => return r,
    };
    ok(&app, StatusCode::OK, body)
}

pub(super) async fn conversation_events(
    State(app): State<X>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Params,
) -> Response {
    if let Err(r) = gate(&app, &headers).await {
        return r;
    }
    let body = match events(&app.lock(), Some(&id), &q) {
        Ok(b) => b,
        Err(r) => return r,
    };
    ok(&app, StatusCode::OK, body)
}
