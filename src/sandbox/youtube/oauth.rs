//! Google's OAuth 2.0 for installed apps, as the YouTube sandbox serves it
//! (`reference/networks.md` §4 "Access and auth"): `GET /o/oauth2/v2/auth`
//! (checks the client, a loopback `redirect_uri`, the S256 challenge; the
//! user approves at once: 302 to `redirect_uri?code=…&state=…`), and
//! `POST /token`: the `authorization_code` grant (client secret and PKCE
//! verifier checked) and the `refresh_token` grant (a fresh access token
//! the API accepts; the refresh token is not rotated). Errors are Google's
//! `{"error":"invalid_grant","error_description":…}` bodies. A child
//! module, so it reaches the channel state's private fields.

use std::collections::HashMap;

use axum::body::Bytes;

use super::*;

/// The sandbox's Google OAuth client id.
pub const CLIENT_ID: &str = "sandbox-youtube.apps.googleusercontent.com";
/// Its client secret.
pub const CLIENT_SECRET: &str = "sandbox-youtube-client-secret";
/// The refresh token the sandbox accepts (Google does not rotate it).
pub const REFRESH_TOKEN: &str = "1//sandbox-youtube-refresh-token";

/// What the token endpoint issued and accepts.
#[derive(Debug)]
pub(super) struct OAuth {
    /// Authorization codes: the redirect and S256 challenge each was for.
    codes: HashMap<String, (String, String)>,
    /// The refresh token that works (`None`: revoked).
    refresh: Option<String>,
    /// Access tokens issued and still valid.
    pub(super) access: Vec<String>,
    refreshes: usize,
    logins: usize,
}

impl Default for OAuth {
    fn default() -> OAuth {
        OAuth {
            codes: HashMap::new(),
            refresh: Some(REFRESH_TOKEN.to_string()),
            access: Vec::new(),
            refreshes: 0,
            logins: 0,
        }
    }
}

impl YouTube {
    /// Refresh-token grants answered.
    pub fn refreshes(&self) -> usize {
        self.lock().oauth.refreshes
    }

    /// Authorization codes exchanged.
    pub fn logins(&self) -> usize {
        self.lock().oauth.logins
    }

    /// The access tokens issued so far stop working (they expired).
    pub fn expire_access_tokens(&self) {
        self.lock().oauth.access.clear();
    }

    /// The user revoked guichet's access: refreshes are `invalid_grant`.
    pub fn revoke(&self) {
        let mut st = self.lock();
        st.oauth.refresh = None;
        st.oauth.access.clear();
    }
}

/// Google's OAuth error body (400).
fn oauth_error(error: &str, description: &str) -> Response {
    let body = json!({ "error": error, "error_description": description });
    (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
}

/// `GET /o/oauth2/v2/auth`.
pub(super) async fn authorize(
    State(app): State<YouTube>,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Response {
    let q: HashMap<String, String> =
        serde_urlencoded::from_str(&raw.unwrap_or_default()).unwrap_or_default();
    let field = |k: &str| q.get(k).map_or("", String::as_str);
    let redirect_uri = field("redirect_uri");
    let loopback = redirect_uri
        .strip_prefix("http://127.0.0.1:")
        .map(|rest| rest.split('/').next().unwrap_or_default())
        .is_some_and(|port| port.parse::<u16>().is_ok());
    if field("client_id") != CLIENT_ID || !loopback {
        return (
            StatusCode::BAD_REQUEST,
            "Error 400: invalid_request. You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy.",
        )
            .into_response();
    }
    let back = |params: &[(&str, &str)]| {
        let query = serde_urlencoded::to_string(params).unwrap_or_default();
        let mut resp = StatusCode::FOUND.into_response();
        if let Ok(to) = HeaderValue::from_str(&format!("{redirect_uri}?{query}")) {
            resp.headers_mut().insert(axum::http::header::LOCATION, to);
        }
        resp
    };
    let state = field("state");
    let challenge = field("code_challenge");
    if field("response_type") != "code"
        || field("code_challenge_method") != "S256"
        || challenge.is_empty()
        || !field("scope")
            .split(' ')
            .any(|s| s == "https://www.googleapis.com/auth/youtube.force-ssl")
    {
        return back(&[("error", "invalid_request"), ("state", state)]);
    }
    let code = format!("4/sandbox-youtube-code-{:016x}", fastrand::u64(..));
    app.lock().oauth.codes.insert(
        code.clone(),
        (redirect_uri.to_string(), challenge.to_string()),
    );
    back(&[("code", code.as_str()), ("state", state)])
}

/// `POST /token`.
pub(super) async fn token(State(app): State<YouTube>, body: Bytes) -> Response {
    use base64::Engine as _;
    let form: HashMap<String, String> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let field = |k: &str| form.get(k).map_or("", String::as_str);
    if field("client_id") != CLIENT_ID || field("client_secret") != CLIENT_SECRET {
        let body = json!({ "error": "invalid_client", "error_description": "Unauthorized" });
        return (StatusCode::UNAUTHORIZED, axum::Json(body)).into_response();
    }
    let mut st = app.lock();
    let access = format!("ya29.sandbox-{:016x}", fastrand::u64(..));
    let answer = match field("grant_type") {
        "authorization_code" => {
            let Some((redirect, challenge)) = st.oauth.codes.remove(field("code")) else {
                return oauth_error("invalid_grant", "Malformed auth code.");
            };
            let verifier = field("code_verifier");
            let digest = <sha2::Sha256 as sha2::Digest>::digest(verifier.as_bytes());
            let s256 = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest);
            if field("redirect_uri") != redirect {
                return oauth_error("redirect_uri_mismatch", "Bad Request");
            }
            if !(43..=128).contains(&verifier.len()) || s256 != challenge {
                return oauth_error("invalid_grant", "Invalid code verifier.");
            }
            st.oauth.logins += 1;
            st.oauth.refresh = Some(REFRESH_TOKEN.to_string());
            json!({
                "access_token": access, "expires_in": 3599, "token_type": "Bearer",
                "scope": "https://www.googleapis.com/auth/youtube.force-ssl",
                "refresh_token": REFRESH_TOKEN,
            })
        }
        "refresh_token" => {
            if st.oauth.refresh.as_deref() != Some(field("refresh_token")) {
                return oauth_error("invalid_grant", "Token has been expired or revoked.");
            }
            st.oauth.refreshes += 1;
            json!({
                "access_token": access, "expires_in": 3599, "token_type": "Bearer",
                "scope": "https://www.googleapis.com/auth/youtube.force-ssl",
            })
        }
        _ => return oauth_error("unsupported_grant_type", "Invalid grant_type: "),
    };
    st.oauth.access.push(access);
    axum::Json(answer).into_response()
}

/// `channels.list?part=id,snippet&mine=true`: the authorised channel.
#[allow(clippy::result_large_err)] // the error is the finished HTTP answer
pub(super) fn channels(st: &ChannelState, get: &Query<'_>) -> Result<Value, Response> {
    if get("mine") != Some("true") {
        return Err(bad(
            "missingRequiredParameter",
            "No filter selected. Expected one of: mine, id, forHandle",
        ));
    }
    Ok(json!({
        "kind": "youtube#channelListResponse",
        "pageInfo": { "totalResults": 1, "resultsPerPage": 5 },
        "items": [{
            "kind": "youtube#channel",
            "id": st.channel_id,
            "snippet": {
                "title": st.title,
                "customUrl": format!("@{}", st.title.to_lowercase()),
            },
        }],
    }))
}
