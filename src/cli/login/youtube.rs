//! `guichet login youtube`: Google's OAuth 2.0 for installed apps
//! (networks.md §4): a loopback redirect on `http://127.0.0.1:{port}` (any
//! free port: Google accepts any for desktop clients), PKCE S256, scope
//! `youtube.force-ssl`, `access_type=offline` and `prompt=consent` so a
//! refresh token comes back. The code is exchanged at the token URL, the
//! channel found with `channels.list?part=id,snippet&mine=true` (1 unit),
//! and the refresh token is the secret kept: the connector turns it into
//! access tokens.

use anyhow::Context as _;
use serde_json::Value;

use super::{answer, field, json, loopback, pkce};
use crate::networks::youtube::{DEFAULT_BASE, DEFAULT_TOKEN_URL};

const SCOPE: &str = "https://www.googleapis.com/auth/youtube.force-ssl";

/// What `login youtube` was given.
pub(super) struct Google<'a> {
    pub client_id: &'a str,
    pub client_secret: &'a str,
    pub authorize_url: &'a str,
    pub token_url: &'a str,
    pub api: &'a str,
}

/// What it found: the channel and the long-lived secret.
pub(super) struct YouTubeLogin {
    handle: String,
    channel_id: String,
    pub refresh_token: String,
}

pub(super) async fn login(
    client: &reqwest::Client,
    g: &Google<'_>,
) -> anyhow::Result<YouTubeLogin> {
    let api = g.api.trim_end_matches('/');
    let (port, code_rx, server) = loopback(0).await?;
    let redirect = format!("http://127.0.0.1:{port}");
    let (verifier, challenge) = pkce();
    let state = format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
    let query = serde_urlencoded::to_string([
        ("response_type", "code"),
        ("client_id", g.client_id),
        ("redirect_uri", redirect.as_str()),
        ("scope", SCOPE),
        ("state", state.as_str()),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
        ("access_type", "offline"),
        ("prompt", "consent"),
    ])
    .context("building the authorize address")?;
    eprintln!(
        "Open this address in your browser and approve guichet as the channel's owner:\n  {}?{query}",
        g.authorize_url
    );
    eprintln!("(waiting for Google to send you back to 127.0.0.1:{port})");
    let code = answer(code_rx, server, &state, "Google").await?;
    let token = json(
        client
            .post(g.token_url)
            .form(&[
                ("code", code.as_str()),
                ("client_id", g.client_id),
                ("client_secret", g.client_secret),
                ("redirect_uri", redirect.as_str()),
                ("grant_type", "authorization_code"),
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
        "token exchange (access_type=offline)",
    )?;
    let channels = json(
        client
            .get(format!("{api}/youtube/v3/channels"))
            .query(&[("part", "id,snippet"), ("mine", "true")])
            .bearer_auth(&access)
            .send()
            .await
            .context("finding the channel")?,
        "channels.list",
    )
    .await?;
    let channel = channels
        .pointer("/items/0")
        .cloned()
        .context("this Google account has no YouTube channel")?;
    let channel_id = field(&channel, "id", "channels.list")?;
    let snippet = channel.get("snippet").cloned().unwrap_or_default();
    let handle = snippet
        .get("customUrl")
        .or_else(|| snippet.get("title"))
        .and_then(Value::as_str)
        .unwrap_or(&channel_id)
        .to_string();
    eprintln!("logged in as {handle} ({channel_id})");
    Ok(YouTubeLogin {
        handle,
        channel_id,
        refresh_token,
    })
}

/// The `[[accounts]]` block: `base_url` and `token_url` only when not
/// Google's own.
pub(super) fn block(g: &Google<'_>, login: &YouTubeLogin, token_cmd: &str) -> String {
    let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
    let mut out = format!(
        "[[accounts]]\nnetwork = \"youtube\"\nhandle = {}\n",
        quote(&login.handle)
    );
    let api = g.api.trim_end_matches('/');
    if api != DEFAULT_BASE {
        out.push_str(&format!("base_url = {}\n", quote(api)));
    }
    out.push_str(&format!(
        "channel_id = {}\nclient_id = {}  # with client_secret: token_cmd prints the refresh token\nclient_secret = {}\n",
        quote(&login.channel_id),
        quote(g.client_id),
        quote(g.client_secret)
    ));
    if g.token_url != DEFAULT_TOKEN_URL {
        out.push_str(&format!("token_url = {}\n", quote(g.token_url)));
    }
    out.push_str(&format!("token_cmd = {}\n", quote(token_cmd)));
    out
}
