//! `guichet login x`: OAuth 2.0 authorization code with PKCE on a loopback
//! redirect (networks.md §3). The refresh token (scope `offline.access`) is
//! the long-lived secret the account keeps; the connector refreshes the
//! 2-hour access tokens from it.

use anyhow::Context as _;

use super::{answer, field, json, loopback, pkce};

/// What guichet asks X for (networks.md §3); `offline.access` brings the
/// refresh token.
const X_SCOPES: &str = "tweet.read tweet.write tweet.moderate.write users.read offline.access like.read like.write mute.read mute.write block.read block.write dm.read dm.write";
/// What `login x` found: the brand and the long-lived secret.
pub(super) struct XLogin {
    pub handle: String,
    pub user_id: String,
    pub refresh_token: String,
}

/// OAuth 2.0 with PKCE on a loopback redirect, then `GET /2/users/me`.
pub(super) async fn login(
    client: &reqwest::Client,
    client_id: &str,
    port: u16,
    authorize_url: &str,
    api: &str,
) -> anyhow::Result<XLogin> {
    let api = api.trim_end_matches('/');
    let (port, code_rx, server) = loopback(port).await?;
    let redirect = format!("http://127.0.0.1:{port}/callback");
    let (verifier, challenge) = pkce();
    let state = format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
    let query = serde_urlencoded::to_string([
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", redirect.as_str()),
        ("scope", X_SCOPES),
        ("state", state.as_str()),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ])
    .context("building the authorize address")?;
    eprintln!("Your X app's callback URL must be exactly {redirect}");
    eprintln!("Open this address in your browser and approve guichet:\n  {authorize_url}?{query}");
    eprintln!("(waiting for X to send you back to 127.0.0.1:{port})");
    let code = answer(code_rx, server, &state, "X").await?;
    let token = json(
        client
            .post(format!("{api}/2/oauth2/token"))
            .form(&[
                ("code", code.as_str()),
                ("grant_type", "authorization_code"),
                ("client_id", client_id),
                ("redirect_uri", redirect.as_str()),
                ("code_verifier", verifier.as_str()),
            ])
            .send()
            .await
            .context("exchanging the code")?,
        "token exchange",
    )
    .await?;
    let access = field(&token, "access_token", "token exchange")?;
    let refresh_token = field(
        &token,
        "refresh_token",
        "token exchange (scope offline.access)",
    )?;
    let me = json(
        client
            .get(format!("{api}/2/users/me"))
            .bearer_auth(&access)
            .send()
            .await
            .context("reading the account")?,
        "token check",
    )
    .await?;
    let data = me.get("data").cloned().unwrap_or_default();
    let user_id = field(&data, "id", "token check")?;
    let handle = field(&data, "username", "token check")?;
    eprintln!("logged in as @{handle} ({user_id})");
    Ok(XLogin {
        handle,
        user_id,
        refresh_token,
    })
}

/// The `[[accounts]]` block for the X account `login` found.
pub(super) fn block(login: &XLogin, api: &str, client_id: &str, token_cmd: &str) -> String {
    let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
    format!(
        "[[accounts]]\nnetwork = \"x\"\nhandle = {}\nbase_url = {}\nuser_id = {}\nclient_id = {}  # token_cmd prints the refresh token\ntoken_cmd = {}\n",
        quote(&login.handle),
        quote(api.trim_end_matches('/')),
        quote(&login.user_id),
        quote(client_id),
        quote(token_cmd)
    )
}
