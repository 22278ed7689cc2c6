//! The LinkedIn sandbox's writes (`reference/networks.md` §6): a comment
//! or nested comment as the organisation (`POST .../comments`, 201 with
//! `x-restli-id`), reading or deleting one comment (`DELETE
//! .../comments/{id}?actor=…`, 204) and reactions (`POST
//! /rest/reactions?actor=…`, 201). A child module, so it reaches the
//! state's private fields.

use super::*;

pub(super) fn create_comment(st: &mut OrgState, target: &str, body: &[u8]) -> Response {
    let Ok(body) = serde_json::from_slice::<Value>(body) else {
        return bad_request("Cannot parse the request body as JSON");
    };
    let s = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_string);
    if s("actor").as_deref() != Some(st.org.as_str()) {
        return forbidden("partnerApiSocialActions.CREATE");
    }
    let text = body
        .pointer("/message/text")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if text.trim().is_empty() {
        return bad_request(
            "/message/text :: field is required but not found and has no default value",
        );
    }
    if text.chars().count() > MAX_COMMENT {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(100),
            "",
            "Comment text is too long",
        );
    }
    // Nested: the comment URN in the path or in `parentComment` (both
    // forms accepted, §6 UNCONFIRMED which one LinkedIn requires).
    let named = st
        .comment(target)
        .map(|c| c.urn.clone())
        .or_else(|| s("parentComment"));
    let (object, parent) = match named {
        Some(p) => {
            let Some(c) = st.comment(&p) else {
                return not_found(&p);
            };
            // One level of nesting: under a nested comment means under its parent.
            let top = c.parent.clone().unwrap_or_else(|| c.urn.clone());
            (c.object.clone(), Some(top))
        }
        None => match st.post(target) {
            Some(post) => (post.activity.clone(), None),
            None => return not_found(target),
        },
    };
    if let Some(o) =
        s("object").filter(|o| *o != object && st.post(o).is_none_or(|p| p.activity != object))
    {
        return bad_request(&format!("object {o} does not match the commented entity"));
    }
    let org = st.org.clone();
    let urn = st.add(&object, parent, &org, text);
    let Some(c) = st.comment(&urn) else {
        return not_found(&urn);
    };
    let mut resp = (StatusCode::CREATED, axum::Json(c.json(st))).into_response();
    if let Ok(v) = HeaderValue::from_str(&c.id) {
        resp.headers_mut().insert("x-restli-id", v);
    }
    resp
}

pub(super) async fn one_comment(
    State(app): State<LinkedIn>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Path((target, id)): Path<(String, String)>,
    Query(q): Q,
) -> Response {
    if let Err(resp) = app.gate(&method, &headers).await {
        return resp;
    }
    if !encoded_in_path(&uri) {
        return bad_request("Syntax exception in path variables");
    }
    let mut st = app.lock();
    let activity = st.post(&target).map(|p| p.activity.clone());
    let found = st
        .comments
        .iter()
        .find(|c| {
            c.raw.is_none()
                && c.id == id
                && (c.parent.as_deref() == Some(target.as_str())
                    || activity.as_deref() == Some(c.object.as_str()))
        })
        .cloned();
    let Some(c) = found else {
        return not_found(&format!("comment {id} on {target}"));
    };
    match method {
        Method::GET => axum::Json(c.json(&st)).into_response(),
        Method::DELETE => {
            if q.get("actor") != Some(&st.org) {
                return forbidden("partnerApiSocialActions.DELETE");
            }
            // The organisation may delete its own comments and any on its posts.
            st.comments
                .retain(|x| x.urn != c.urn && x.parent.as_deref() != Some(c.urn.as_str()));
            st.reactions.retain(|(_, root)| *root != c.urn);
            StatusCode::NO_CONTENT.into_response()
        }
        _ => bad_request("Unsupported method"),
    }
}

const REACTIONS: [&str; 6] = [
    "LIKE",
    "PRAISE",
    "EMPATHY",
    "INTEREST",
    "APPRECIATION",
    "ENTERTAINMENT",
];

pub(super) async fn reactions(
    State(app): State<LinkedIn>,
    method: Method,
    headers: HeaderMap,
    Query(q): Q,
    body: axum::body::Bytes,
) -> Response {
    if let Err(resp) = app.gate(&method, &headers).await {
        return resp;
    }
    if method != Method::POST {
        return bad_request("Unsupported method");
    }
    let mut st = app.lock();
    let actor = q.get("actor").cloned().unwrap_or_default();
    if actor != st.org {
        return forbidden("reactions.CREATE");
    }
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let root = body
        .get("root")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let kind = body
        .get("reactionType")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !REACTIONS.contains(&kind) {
        return bad_request(&format!("Invalid reactionType: {kind}"));
    }
    let Some(c) = st
        .comments
        .iter_mut()
        .find(|c| c.raw.is_none() && c.urn == root)
    else {
        return not_found(&root);
    };
    // A repeated reaction leaves things as once.
    if !c.liked {
        c.liked = true;
        c.likes += 1;
    }
    st.reactions.insert((actor.clone(), root.clone()));
    let id = format!("urn:li:reaction:({actor},{root})");
    let mut resp = (
        StatusCode::CREATED,
        axum::Json(json!({ "id": id, "root": root, "reactionType": kind,
            "created": { "actor": ADMIN_URN, "impersonator": actor, "time": millis(Utc::now()) } })),
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert("x-restli-id", v);
    }
    resp
}
