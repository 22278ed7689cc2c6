//! A TikTok business account in miniature (`reference/networks.md` §5):
//! the TikTok Accounts endpoints guichet uses, under `/open_api/v1.3`, in
//! their documented shapes. Every answer, failures included, is HTTP 200
//! with the envelope `{"code","message","request_id","data"}` and an
//! `X-Tt-Logid` header; the token is read from the `Access-Token` header.
//! Documented limits are enforced: 40 requests a minute per endpoint
//! (code 40100), `max_count` 1–30 on comment lists, replies of at most 150
//! characters, only the account's own comments deletable, no reply list
//! under a hidden comment.
//!
//! State is kept: a reply posted here is in the next read, a hidden comment
//! reads back `"status": "HIDDEN"`, a deleted one (with its replies) is gone,
//! a like shows in `liked`. Ids are 19-digit strings, always.
//!
//! Error codes (the official table is UNCONFIRMED; these are the ones
//! `networks::classify` reads): 40001 no permission, 40002 bad parameter
//! (also "no such comment"), 40100 too many requests, 40102 access token
//! expired, 40105 access token incorrect or revoked, 50000 system error.
//!
//! Tokens: [`TOKEN`] is accepted until [`TikTok::expire_access_tokens`];
//! `tt_user/oauth2/refresh_token/` (no `Access-Token`) checks the app's
//! [`APP_ID`] and [`APP_SECRET`] and the current refresh token (at first
//! [`REFRESH_TOKEN`]), issues a new access token and rotates the refresh
//! token, as TikTok may. A refused refresh is an error code in HTTP 200
//! (which code TikTok sends is UNCONFIRMED: 40105 here).
//!
//! To extend: route the new path in `api::route`; keep field names and codes
//! as the real API.

mod api;
mod control;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::faults::{Fault, Faults};
use super::graph::Params;

/// The access token the sandbox accepts.
pub const TOKEN: &str = "sandbox-tiktok-access-token";
/// The app's App ID (`client_id`) and secret, for refreshing.
pub const APP_ID: &str = "7300000000000000001";
pub const APP_SECRET: &str = "sandbox-tiktok-app-secret";
/// The refresh token the sandbox accepts first (rotated by each refresh).
pub const REFRESH_TOKEN: &str = "sandbox-tiktok-refresh-token";
/// The account holder's `open_id`, sent as `business_id`.
pub const BUSINESS_ID: &str = "-000aLumenAtelierOpenId7xK2";
/// The brand's `unique_identifier` (the demo brand's).
pub const UNIQUE_ID: &str = "MS4wLjABAAAAa7Lumen0Atelier2Kx9";
/// Requests a minute per endpoint and account (§5).
pub const QPM: usize = 40;

pub const OK: i64 = 0;
pub const NO_PERMISSION: i64 = 40_001;
pub const BAD_PARAM: i64 = 40_002;
pub const TOO_MANY: i64 = 40_100;
pub const TOKEN_EXPIRED: i64 = 40_102;
pub const TOKEN_INVALID: i64 = 40_105;
pub const SYSTEM_ERROR: i64 = 50_000;

#[derive(Debug, Clone)]
struct Video {
    id: String,
    caption: String,
    created: DateTime<Utc>,
    share_url: String,
}

/// Who wrote a comment.
#[derive(Debug, Clone)]
struct Writer {
    unique_identifier: String,
    username: String,
    display_name: String,
}

#[derive(Debug, Clone)]
struct Comment {
    id: String,
    video: String,
    parent: Option<String>,
    from: Writer,
    owner: bool,
    text: String,
    created: DateTime<Utc>,
    hidden: bool,
    likes: u64,
    liked: bool,
    pinned: bool,
    /// Sent as is instead of the fields (malformed-entry tests).
    raw: Option<Value>,
}

/// The account's state.
#[derive(Debug)]
pub struct AccountState {
    business_id: String,
    me: Writer,
    videos: Vec<Video>,
    comments: Vec<Comment>,
    next: u64,
}

#[derive(Debug)]
struct Meter {
    calls: usize,
    max_page: Option<usize>,
    qpm: usize,
    /// Per endpoint: the window's start and the calls in it.
    windows: HashMap<String, (Instant, usize)>,
    requests: u64,
}

/// The tokens: access tokens accepted or expired, the current refresh
/// token, and how many refreshes were answered.
#[derive(Debug)]
struct Auth {
    live: Vec<String>,
    expired: Vec<String>,
    refresh: String,
    refreshes: usize,
}

/// Control handle: the account's state, its faults and its meter.
#[derive(Debug, Clone)]
pub struct TikTok {
    state: Arc<Mutex<AccountState>>,
    pub faults: Faults,
    meter: Arc<Mutex<Meter>>,
    auth: Arc<Mutex<Auth>>,
}

/// The account's routes, to be nested under `/tiktok`.
pub fn router(app: TikTok) -> Router {
    Router::new()
        .route("/open_api/v1.3/{*path}", any(handle))
        .fallback(any(unknown))
        .with_state(app)
}

async fn unknown(State(app): State<TikTok>) -> Response {
    app.answer(BAD_PARAM, "Invalid request path.", Value::Null)
}

async fn handle(
    State(app): State<TikTok>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let path = uri
        .path()
        .split("/open_api/v1.3/")
        .nth(1)
        .unwrap_or_default()
        .trim_end_matches('/')
        .to_string();
    if path == "tt_user/oauth2/refresh_token" {
        app.meter().calls += 1;
        let params = Params::parse(&uri, &body);
        return match app.refresh(method.as_str(), &params) {
            Ok(data) => app.answer(OK, "OK", data),
            Err((code, message)) => app.answer(code, &message, Value::Null),
        };
    }
    if let Err(resp) = app.gate(&headers, &path).await {
        return resp;
    }
    let params = Params::parse(&uri, &body);
    let answer = {
        let mut st = app.lock();
        if params.str("business_id").as_deref() != Some(st.business_id.as_str()) {
            Err((
                NO_PERMISSION,
                "No permission to operate this business_id.".to_string(),
            ))
        } else {
            api::route(&app, &mut st, method.as_str(), &path, &params)
        }
    };
    match answer {
        Ok(data) => app.answer(OK, "OK", data),
        Err((code, message)) => app.answer(code, &message, Value::Null),
    }
}

impl TikTok {
    fn meter(&self) -> std::sync::MutexGuard<'_, Meter> {
        self.meter
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The envelope, always with HTTP 200.
    fn answer(&self, code: i64, message: &str, data: Value) -> Response {
        let n = {
            let mut m = self.meter();
            m.requests += 1;
            m.requests
        };
        let request_id = format!("{}{n:012}A", Utc::now().format("%Y%m%d%H%M%S"));
        let mut body = json!({ "code": code, "message": message, "request_id": request_id });
        if code == OK {
            body["data"] = if data.is_null() { json!({}) } else { data };
        }
        let mut resp = axum::Json(body).into_response();
        if let Ok(v) = HeaderValue::from_str(&request_id) {
            resp.headers_mut().insert("x-tt-logid", v);
        }
        resp
    }

    /// Faults, the per-endpoint limit and the token, before any handler.
    async fn gate(&self, headers: &HeaderMap, path: &str) -> Result<(), Response> {
        self.meter().calls += 1;
        match self.faults.next() {
            Some(Fault::RateLimited { .. }) => {
                // TikTok sends no reset time (§5): the client picks its wait.
                return Err(self.answer(
                    TOO_MANY,
                    "Too many requests. Please retry in some time.",
                    Value::Null,
                ));
            }
            Some(Fault::ServerError) => {
                return Err(self.answer(
                    SYSTEM_ERROR,
                    "System error, please try again later.",
                    Value::Null,
                ));
            }
            Some(Fault::Malformed) => {
                return Err((
                    axum::http::StatusCode::OK,
                    "{\"code\": 0, \"data\": {\"comments\": [ oops",
                )
                    .into_response());
            }
            Some(Fault::Unauthorized) => {
                return Err(self.answer(
                    TOKEN_EXPIRED,
                    "Access token has expired. Please refresh it.",
                    Value::Null,
                ));
            }
            Some(Fault::Slow { millis }) => {
                tokio::time::sleep(Duration::from_millis(millis)).await;
            }
            None => {}
        }
        let token = headers
            .get("access-token")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let (live, expired) = {
            let auth = self.auth();
            (
                auth.live.iter().any(|t| t == token),
                auth.expired.iter().any(|t| t == token),
            )
        };
        if expired {
            return Err(self.answer(
                TOKEN_EXPIRED,
                "Access token has expired. Please refresh it.",
                Value::Null,
            ));
        }
        if !live {
            return Err(self.answer(
                TOKEN_INVALID,
                "Access token is incorrect or has been revoked.",
                Value::Null,
            ));
        }
        let limited = {
            let mut m = self.meter();
            let qpm = m.qpm;
            let now = Instant::now();
            let w = m.windows.entry(path.to_string()).or_insert((now, 0));
            if now.duration_since(w.0) >= Duration::from_secs(60) {
                *w = (now, 0);
            }
            w.1 += 1;
            w.1 > qpm
        };
        if limited {
            return Err(self.answer(
                TOO_MANY,
                "Too many requests. Please retry in some time.",
                Value::Null,
            ));
        }
        Ok(())
    }

    /// Requests answered so far (faults included).
    pub fn calls(&self) -> usize {
        self.meter().calls
    }

    /// Caps every page at `n` entries (page-boundary tests).
    pub fn set_max_page(&self, n: usize) {
        self.meter().max_page = Some(n.max(1));
    }

    /// The per-endpoint limit a minute ([`QPM`] unless changed).
    pub fn set_qpm(&self, n: usize) {
        self.meter().qpm = n;
    }

    fn auth(&self) -> std::sync::MutexGuard<'_, Auth> {
        self.auth
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// `tt_user/oauth2/refresh_token/`: a new access token (24 h) and a
    /// rotated refresh token, for the app and the current refresh token.
    fn refresh(&self, method: &str, p: &Params) -> Result<Value, (i64, String)> {
        if method != "POST" {
            return Err((BAD_PARAM, "Use POST.".to_string()));
        }
        if p.str("grant_type").as_deref() != Some("refresh_token") {
            return Err((BAD_PARAM, "grant_type must be refresh_token.".to_string()));
        }
        if p.str("client_id").as_deref() != Some(APP_ID)
            || p.str("client_secret").as_deref() != Some(APP_SECRET)
        {
            return Err((BAD_PARAM, "Invalid client_id or client_secret.".to_string()));
        }
        let mut auth = self.auth();
        if p.str("refresh_token").as_deref() != Some(auth.refresh.as_str()) {
            return Err((
                TOKEN_INVALID,
                "Refresh token is invalid or has expired.".to_string(),
            ));
        }
        auth.refreshes += 1;
        let n = auth.refreshes;
        let access = format!("{TOKEN}-{n}");
        auth.live.push(access.clone());
        auth.refresh = format!("{REFRESH_TOKEN}-{n}");
        let business_id = self.lock().business_id.clone();
        Ok(json!({
            "access_token": access,
            "expires_in": 86_400,
            "refresh_token": auth.refresh,
            "refresh_token_expires_in": 31_536_000,
            "open_id": business_id,
            "scope": "user.info.basic,video.list,comment.list,comment.list.manage",
            "token_type": "Bearer",
        }))
    }

    /// Refreshes answered so far.
    pub fn refreshes(&self) -> usize {
        self.auth().refreshes
    }

    /// Every access token issued so far now answers "expired" (40102).
    pub fn expire_access_tokens(&self) {
        let mut auth = self.auth();
        let live = std::mem::take(&mut auth.live);
        auth.expired.extend(live);
    }

    /// The refresh token the sandbox accepts now (rotated by each refresh).
    pub fn current_refresh_token(&self) -> String {
        self.auth().refresh.clone()
    }

    fn page_size(&self, asked: usize) -> usize {
        self.meter().max_page.map_or(asked, |m| asked.min(m))
    }
}
