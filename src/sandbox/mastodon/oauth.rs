//! Mastodon's app registration and OAuth authorization-code flow
//! (networks.md §8): `POST /api/v1/apps`, `GET /oauth/authorize`,
//! `POST /oauth/token`, and `GET /api/v2/instance` for the domain. The sandbox plays the user
//! too: `authorize` approves at once and redirects to the registered
//! `redirect_uri` with the code, where a real instance shows its consent
//! page first. Tokens issued are the sandbox's one token.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::{Mastodon, TOKEN};

#[derive(Debug, Clone)]
struct App {
    secret: String,
    redirect_uris: Vec<String>,
    scopes: String,
}

/// Registered apps and codes not yet exchanged.
#[derive(Debug, Default)]
pub struct Registry {
    apps: HashMap<String, App>,
    /// code → (client_id, redirect_uri, scope)
    codes: HashMap<String, (String, String, String)>,
    next: u64,
}

pub type Shared = Arc<Mutex<Registry>>;

fn registry(app: &Mastodon) -> std::sync::MutexGuard<'_, Registry> {
    app.oauth
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Form or JSON parameters, as Mastodon accepts both.
fn params(headers: &HeaderMap, body: &[u8]) -> HashMap<String, String> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if json {
        return match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => map
                .into_iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_string())))
                .collect(),
            _ => HashMap::new(),
        };
    }
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .unwrap_or_default()
        .into_iter()
        .collect()
}

fn oauth_error(code: StatusCode, error: &str, description: &str) -> Response {
    (
        code,
        axum::Json(json!({ "error": error, "error_description": description })),
    )
        .into_response()
}

async fn register(
    State(app): State<Mastodon>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let p = params(&headers, &body);
    let (Some(name), Some(uris)) = (p.get("client_name"), p.get("redirect_uris")) else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            axum::Json(json!({ "error": "Validation failed: Application name can't be blank, Redirect URI can't be blank" })),
        )
            .into_response();
    };
    let scopes = p
        .get("scopes")
        .cloned()
        .unwrap_or_else(|| "read".to_string());
    let redirect_uris: Vec<String> = uris.split_whitespace().map(str::to_string).collect();
    let mut reg = registry(&app);
    reg.next += 1;
    let id = reg.next;
    let client_id = format!("sandbox-client-{id}");
    let secret = format!("sandbox-secret-{id}-{:x}", fastrand::u64(..));
    reg.apps.insert(
        client_id.clone(),
        App {
            secret: secret.clone(),
            redirect_uris: redirect_uris.clone(),
            scopes: scopes.clone(),
        },
    );
    axum::Json(json!({
        "id": id.to_string(), "name": name, "website": p.get("website"),
        "scopes": scopes.split_whitespace().collect::<Vec<_>>(),
        "redirect_uri": redirect_uris.join("\n"), "redirect_uris": redirect_uris,
        "client_id": client_id, "client_secret": secret,
        "client_secret_expires_at": 0, "vapid_key": "sandbox",
    }))
    .into_response()
}

async fn authorize(State(app): State<Mastodon>, RawQuery(raw): RawQuery) -> Response {
    let q: HashMap<String, String> =
        serde_urlencoded::from_str::<Vec<(String, String)>>(&raw.unwrap_or_default())
            .unwrap_or_default()
            .into_iter()
            .collect();
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    if get("response_type") != "code" {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_response_type",
            "The authorization server does not support this response type.",
        );
    }
    let (client_id, redirect_uri) = (get("client_id"), get("redirect_uri"));
    let mut reg = registry(&app);
    let Some(registered) = reg.apps.get(&client_id).cloned() else {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client authentication failed due to unknown client.",
        );
    };
    if !registered.redirect_uris.contains(&redirect_uri) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_redirect_uri",
            "The redirect uri included is not valid.",
        );
    }
    let scope = q.get("scope").cloned().unwrap_or(registered.scopes);
    reg.next += 1;
    let code = format!("sandbox-code-{}-{:x}", reg.next, fastrand::u64(..));
    reg.codes
        .insert(code.clone(), (client_id, redirect_uri.clone(), scope));
    let mut location = format!("{redirect_uri}?code={code}");
    if let Some(state) = q.get("state") {
        location.push_str("&state=");
        location.push_str(&serde_urlencoded::to_string([("", state)]).unwrap_or_default()[1..]);
    }
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

async fn token(
    State(app): State<Mastodon>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let p = params(&headers, &body);
    let get = |k: &str| p.get(k).cloned().unwrap_or_default();
    if get("grant_type") != "authorization_code" {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "The authorization grant type is not supported by the authorization server.",
        );
    }
    let mut reg = registry(&app);
    let client_ok = reg
        .apps
        .get(&get("client_id"))
        .is_some_and(|a| a.secret == get("client_secret"));
    if !client_ok {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.",
        );
    }
    match reg.codes.remove(&get("code")) {
        Some((client, uri, scope)) if client == get("client_id") && uri == get("redirect_uri") => {
            axum::Json(json!({
                "access_token": TOKEN, "token_type": "Bearer", "scope": scope,
                "created_at": chrono::Utc::now().timestamp(),
            }))
            .into_response()
        }
        _ => oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.",
        ),
    }
}

/// `GET /api/v2/instance`: the instance's own domain (which account
/// handles use, whatever the address the API is reached at).
async fn instance(State(app): State<Mastodon>) -> Response {
    let domain = app.lock().host.clone();
    axum::Json(json!({
        "domain": domain, "title": "Piaille (sandbox)", "version": "4.3.0",
        "source_url": "https://github.com/mastodon/mastodon",
        "configuration": { "statuses": { "max_characters": 500, "characters_reserved_per_url": 23 } },
    }))
    .into_response()
}

pub fn router(app: Mastodon) -> Router {
    Router::new()
        .route("/api/v2/instance", get(instance))
        .route("/api/v1/apps", post(register))
        .route("/oauth/authorize", get(authorize))
        .route("/oauth/token", post(token))
        .with_state(app)
}
