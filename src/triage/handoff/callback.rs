//! The return leg: `guichet serve-callbacks` answers a colleague's tool that
//! reports what became of a hand-off.
//!
//! `POST /handoff/<item id, percent-encoded>` with
//! `{"outcome": "refunded", "by": "Marie", "note": "optional", "done": true}`
//! (`note` and `done` may be left out; `done` then is false: a progress
//! report) and, when a token is configured, `Authorization: Bearer TOKEN`.
//!
//! | answer | when |
//! |---|---|
//! | 204 | recorded by the sink |
//! | 400 `{"error", "field"}` | bad JSON, a missing or wrong field, a bad item id |
//! | 401 | token configured, missing or wrong |
//! | 404 `{"error", "field": "item_id"}` | the sink does not know the item |
//! | 413 | body over 64 KiB |
//! | 500 | the sink failed (details in the log only) |
//!
//! The router only checks and parses; the sink (wired by the caller)
//! records the [`Callback`] in the store and returns the item to the queue.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::model::ItemId;

/// Largest accepted body.
pub const BODY_MAX: usize = 64 * 1024;
const OUTCOME_MAX: usize = 500;
const BY_MAX: usize = 200;
const NOTE_MAX: usize = 10_000;

/// What the colleague reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Callback {
    pub item_id: String,
    /// `refunded`, `replaced`, or free text.
    pub outcome: String,
    pub by: String,
    pub note: Option<String>,
    /// The colleague's part is over (false: a progress report).
    pub done: bool,
    /// When guichet received it.
    pub at: DateTime<Utc>,
}

/// Why the sink refused a callback.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SinkError {
    /// No such item in the store: 404.
    #[error("unknown item")]
    UnknownItem,
    /// The store failed: 500, the reason goes to the log only.
    #[error("{0}")]
    Failed(String),
}

/// Records a callback; called off the async threads.
pub type CallbackSink = Arc<dyn Fn(Callback) -> Result<(), SinkError> + Send + Sync>;

struct Inner {
    sink: CallbackSink,
    token: Option<String>,
}

/// The routes of `guichet serve-callbacks`.
pub fn callback_router(sink: CallbackSink, token: Option<String>) -> Router {
    Router::new()
        .route("/handoff/{*item_id}", post(receive))
        .layer(DefaultBodyLimit::max(BODY_MAX))
        .with_state(Arc::new(Inner { sink, token }))
}

/// `/handoff/<item id percent-encoded>`: the path a colleague's tool posts to.
pub fn callback_path(item_id: &str) -> String {
    let mut out = String::from("/handoff/");
    for b in item_id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn problem(status: StatusCode, field: &str, error: impl Into<String>) -> Response {
    let body = json!({ "error": error.into(), "field": field });
    (status, axum::Json(body)).into_response()
}

async fn receive(
    State(inner): State<Arc<Inner>>,
    path: Result<Path<String>, axum::extract::rejection::PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(token) = &inner.token
        && !authorized(&headers, token)
    {
        return unauthorized();
    }
    let item_id = match path {
        Ok(Path(id)) => id,
        Err(e) => return problem(StatusCode::BAD_REQUEST, "item_id", e.body_text()),
    };
    let item_id = match item_id.trim_start_matches('/').parse::<ItemId>() {
        Ok(id) => id.as_str().to_string(),
        Err(e) => return problem(StatusCode::BAD_REQUEST, "item_id", e),
    };
    let callback = match parse(&body, item_id) {
        Ok(c) => c,
        Err((field, error)) => return problem(StatusCode::BAD_REQUEST, field, error),
    };
    tracing::info!(item = %callback.item_id, by = %callback.by, done = callback.done, "hand-off callback");
    let sink = inner.sink.clone();
    match tokio::task::spawn_blocking(move || sink(callback)).await {
        Ok(Ok(())) => StatusCode::NO_CONTENT.into_response(),
        Ok(Err(SinkError::UnknownItem)) => {
            problem(StatusCode::NOT_FOUND, "item_id", "unknown item")
        }
        Ok(Err(SinkError::Failed(why))) => {
            tracing::warn!(error = %why, "hand-off callback not recorded");
            not_recorded()
        }
        Err(e) => {
            tracing::warn!(error = %e, "hand-off callback sink failed");
            not_recorded()
        }
    }
}

fn unauthorized() -> Response {
    let body = json!({ "error": "missing or wrong bearer token" });
    let challenge = [(header::WWW_AUTHENTICATE, "Bearer")];
    (StatusCode::UNAUTHORIZED, challenge, axum::Json(body)).into_response()
}

fn not_recorded() -> Response {
    let body = json!({ "error": "could not record the callback" });
    (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response()
}

/// `Authorization: Bearer TOKEN`, compared in constant time.
fn authorized(headers: &HeaderMap, token: &str) -> bool {
    let Some(given) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
    else {
        return false;
    };
    if given.is_empty() || given.len() != token.len() {
        return false;
    }
    given
        .bytes()
        .zip(token.bytes())
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0
}

type FieldError = (&'static str, String);

fn parse(body: &[u8], item_id: String) -> Result<Callback, FieldError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| ("body", format!("body is not JSON: {e}")))?;
    let Value::Object(map) = value else {
        return Err(("body", "body must be a JSON object".to_string()));
    };
    let outcome = required_text(&map, "outcome", OUTCOME_MAX)?;
    let by = required_text(&map, "by", BY_MAX)?;
    let note = match map.get("note") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.chars().count() > NOTE_MAX => {
            return Err(("note", format!("note is longer than {NOTE_MAX} characters")));
        }
        Some(Value::String(s)) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Some(_) => return Err(("note", "note must be a string".to_string())),
    };
    let done = match map.get("done") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(("done", "done must be true or false".to_string())),
    };
    Ok(Callback {
        item_id,
        outcome,
        by,
        note,
        done,
        at: Utc::now(),
    })
}

fn required_text(
    map: &serde_json::Map<String, Value>,
    field: &'static str,
    max: usize,
) -> Result<String, FieldError> {
    match map.get(field) {
        None | Some(Value::Null) => Err((field, format!("{field} is required"))),
        Some(Value::String(s)) => {
            let s = s.trim();
            if s.is_empty() {
                Err((field, format!("{field} is empty")))
            } else if s.chars().count() > max {
                Err((field, format!("{field} is longer than {max} characters")))
            } else {
                Ok(s.to_string())
            }
        }
        Some(_) => Err((field, format!("{field} must be a string"))),
    }
}
