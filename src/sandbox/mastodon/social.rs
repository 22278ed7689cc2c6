//! One status (`GET` and `DELETE /api/v1/statuses/:id`), favourites, and
//! relationships with other accounts (`POST /api/v1/accounts/:id/block`,
//! `unblock`, `mute`, `unmute`, read back through `GET
//! /api/v1/accounts/relationships?id[]=…`), as a real instance answers
//! them: a Status or a Relationship, 404 `Record not found` for what does
//! not exist, and only our own statuses can be deleted (another's is not
//! found, as `Status.where(account: current_account).find` says).

use super::*;

fn parse_id(id: &str) -> Option<u64> {
    id.parse::<u64>().ok()
}

pub(super) async fn show(
    State(app): State<Mastodon>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(resp) = gate(&app, &headers).await {
        return resp;
    }
    let body = {
        let st = app.lock();
        match parse_id(&id).and_then(|i| st.statuses.get(&i)) {
            Some(s) => s.json(&st),
            None => return error(StatusCode::NOT_FOUND, "Record not found"),
        }
    };
    ok(&app, body, None)
}

pub(super) async fn destroy(
    State(app): State<Mastodon>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(resp) = gate(&app, &headers).await {
        return resp;
    }
    let body = {
        let mut st = app.lock();
        let me = st.me.id.clone();
        let Some(status) = parse_id(&id)
            .and_then(|i| st.statuses.get(&i))
            .filter(|s| s.account.id == me)
            .cloned()
        else {
            return error(StatusCode::NOT_FOUND, "Record not found");
        };
        // The answer is the status with its source text, for redrafting.
        let mut body = status.json(&st);
        body["text"] = Value::String(status.text.clone());
        st.statuses.remove(&status.id);
        if let Some(parent) = status.in_reply_to_id.and_then(|p| st.statuses.get_mut(&p)) {
            parent.replies = parent.replies.saturating_sub(1);
        }
        st.notifications
            .retain(|e| !matches!(e, Entry::Mention { status: s, .. } if *s == status.id));
        for c in &mut st.conversations {
            c.statuses.retain(|s| *s != status.id);
        }
        st.conversations.retain(|c| !c.statuses.is_empty());
        st.idempotency.retain(|_, s| *s != status.id);
        body
    };
    ok(&app, body, None)
}

/// `POST /api/v1/statuses/:id/favourite` and `/unfavourite`.
pub(super) async fn favourite(
    State(app): State<Mastodon>,
    headers: HeaderMap,
    Path((id, verb)): Path<(String, String)>,
) -> Response {
    if let Err(resp) = gate(&app, &headers).await {
        return resp;
    }
    let on = match verb.as_str() {
        "favourite" => true,
        "unfavourite" => false,
        _ => return error(StatusCode::NOT_FOUND, "Record not found"),
    };
    let body = {
        let mut st = app.lock();
        let Some(s) = parse_id(&id).and_then(|i| st.statuses.get_mut(&i)) else {
            return error(StatusCode::NOT_FOUND, "Record not found");
        };
        if s.favourited != on {
            s.favourited = on;
            s.favourites = if on {
                s.favourites + 1
            } else {
                s.favourites.saturating_sub(1)
            };
        }
        let s = s.clone();
        s.json(&st)
    };
    ok(&app, body, None)
}

impl Instance {
    fn relationship(&self, id: &str) -> Value {
        let muting = self.mutes.get(id);
        json!({
            "id": id,
            "following": false, "showing_reblogs": false, "notifying": false,
            "languages": null, "followed_by": false,
            "blocking": self.blocks.contains(id), "blocked_by": false,
            "muting": muting.is_some(),
            "muting_notifications": muting.copied().unwrap_or(false),
            "muting_expires_at": null,
            "requested": false, "requested_by": false,
            "domain_blocking": false, "endorsed": false, "note": "",
        })
    }
}

/// Whether a mute covers notifications: `notifications` (default true),
/// from a JSON or form body.
fn mute_notifications(body: &[u8]) -> bool {
    let value = match serde_json::from_slice::<Value>(body) {
        Ok(v) => v.get("notifications").cloned(),
        Err(_) => String::from_utf8_lossy(body)
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == "notifications")
            .map(|(_, v)| Value::String(v.to_string())),
    };
    match value {
        Some(Value::Bool(b)) => b,
        Some(Value::String(s)) => !matches!(s.as_str(), "false" | "0"),
        _ => true,
    }
}

/// `POST /api/v1/accounts/:id/{block,unblock,mute,unmute}` → Relationship.
pub(super) async fn relate(
    State(app): State<Mastodon>,
    headers: HeaderMap,
    Path((id, verb)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Response {
    if let Err(resp) = gate(&app, &headers).await {
        return resp;
    }
    let answer = {
        let mut st = app.lock();
        if st.account_by_id(&id).is_none() {
            return error(StatusCode::NOT_FOUND, "Record not found");
        }
        if id == st.me.id {
            return error(StatusCode::FORBIDDEN, "This action is not allowed");
        }
        match verb.as_str() {
            "block" => {
                st.blocks.insert(id.clone());
            }
            "unblock" => {
                st.blocks.remove(&id);
            }
            "mute" => {
                st.mutes.insert(id.clone(), mute_notifications(&body));
            }
            "unmute" => {
                st.mutes.remove(&id);
            }
            _ => return error(StatusCode::NOT_FOUND, "Record not found"),
        }
        st.relationship(&id)
    };
    ok(&app, answer, None)
}

/// `GET /api/v1/accounts/relationships?id[]=1&id[]=2`: one per known id.
pub(super) async fn relationships(
    State(app): State<Mastodon>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    if let Err(resp) = gate(&app, &headers).await {
        return resp;
    }
    let body = {
        let st = app.lock();
        let list: Vec<Value> = pairs(raw)
            .into_iter()
            .filter(|(k, _)| k == "id[]" || k == "id")
            .filter(|(_, id)| st.account_by_id(id).is_some())
            .map(|(_, id)| st.relationship(&id))
            .collect();
        Value::Array(list)
    };
    ok(&app, body, None)
}
