//! Logins for networks whose tokens come from their developer console
//! (TikTok, LinkedIn, Threads): the exact steps to get one, the pasted
//! secret read without echo, and the config lines it needs. With the app's
//! client id and secret, TikTok takes its refresh token and checks it.

use anyhow::bail;

use super::read_secret;
use crate::cli::args::SecretArgs;

/// A network whose tokens come from its developer console: the steps to
/// get one, and the config lines it needs.
pub(super) struct Pasted {
    network: &'static str,
    steps: &'static str,
    config: &'static str,
}

impl Pasted {
    pub(super) const TIKTOK: Pasted = Pasted {
        network: "tiktok",
        steps: "TikTok's login needs an https redirect you control, so guichet cannot run it from a terminal.
  1. In the TikTok API for Business developer portal, open your app (App Detail > Basic Information)
     and copy its authorization URL; add &state=guichet and open it signed in as the brand account.
  2. TikTok redirects to your app's https redirect URL with ?auth_code=…; within 10 minutes, exchange it:
     POST https://business-api.tiktok.com/open_api/v1.3/tt_user/oauth2/token/
     {\"client_id\": APP_ID, \"client_secret\": SECRET, \"grant_type\": \"authorization_code\", \"auth_code\": CODE, \"redirect_uri\": URL}
  3. Paste data.access_token below (it lasts 24 h; data.refresh_token lasts a year), and put data.open_id
     in the account's business_id.",
        config: "business_id = \"OPEN_ID\"  # data.open_id from the token answer\n",
    };
    pub(super) const LINKEDIN: Pasted = Pasted {
        network: "linkedin",
        steps: "LinkedIn's Community Management API has no device or loopback login.
  1. In the LinkedIn developer portal, open your app (with the Community Management API product),
     Auth tab > OAuth 2.0 tools > Create token, with the scopes r_organization_social_feed and
     w_organization_social_feed (older apps: r_organization_social, w_organization_social).
  2. Sign in as an ADMINISTRATOR of the organization page and approve.
  3. Paste the access token below (it lasts about 60 days). The organization's URN is listed by
     GET https://api.linkedin.com/rest/organizationAcls?q=roleAssignee.",
        config: "organization = \"urn:li:organization:ID\"\n",
    };
    pub(super) const THREADS: Pasted = Pasted {
        network: "threads",
        steps: "Threads' login needs an https redirect registered with your Meta app.
  1. In the Meta developer dashboard, open your app's Threads use case > Settings, and generate a
     token for the brand's Threads account (User Token Generator), with threads_basic,
     threads_read_replies, threads_manage_replies and threads_content_publish.
  2. That token is already long-lived (60 days); guichet refreshes it before it lapses.
  3. Paste it below. Your Threads user id is given by GET https://graph.threads.net/v1.0/me?fields=id,username.",
        config: "user_id = \"THREADS_USER_ID\"\n",
    };
}

/// TikTok's steps when guichet keeps the refresh token.
const TIKTOK_REFRESH_STEPS: &str = "TikTok's login needs an https redirect you control, so guichet cannot run it from a terminal.
  1. In the TikTok API for Business developer portal, open your app (App Detail > Basic Information)
     and copy its authorization URL; add &state=guichet and open it signed in as the brand account.
  2. TikTok redirects to your app's https redirect URL with ?auth_code=…; within 10 minutes, exchange it:
     POST https://business-api.tiktok.com/open_api/v1.3/tt_user/oauth2/token/
     {\"client_id\": APP_ID, \"client_secret\": SECRET, \"grant_type\": \"authorization_code\", \"auth_code\": CODE, \"redirect_uri\": URL}
  3. Paste data.refresh_token below (not the access token): it lasts a year, and guichet renews the
     24-hour access tokens from it. guichet checks it by refreshing once and reads your open_id.";

/// `guichet login tiktok --client-id … --client-secret …`: reads the
/// pasted refresh token, checks it by refreshing once against `api`, and
/// returns the config block and the refresh token to keep (the answer's:
/// TikTok may rotate it on a refresh).
pub(super) async fn tiktok(
    client_id: &str,
    client_secret: &str,
    api: &str,
    token_cmd: &str,
) -> anyhow::Result<(String, String)> {
    eprintln!("{TIKTOK_REFRESH_STEPS}\n");
    let pasted = read_secret("tiktok refresh token: ")?;
    let got = crate::networks::tiktok::check_refresh(api, client_id, client_secret, &pasted)
        .await
        .map_err(|e| anyhow::anyhow!("the refresh token was not accepted: {}", e.message))?;
    if got.open_id.is_empty() {
        bail!("the refresh answer has no open_id");
    }
    eprintln!("refresh token accepted (open_id {})", got.open_id);
    let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
    let block = format!(
        "[[accounts]]\nnetwork = \"tiktok\"\nhandle = \"YOUR_HANDLE\"\nbase_url = {}\nbusiness_id = {}\nclient_id = {}\nclient_secret = {}\ntoken_cmd = {}  # prints the refresh token\n",
        quote(api.trim_end_matches('/')),
        quote(&got.open_id),
        quote(client_id),
        quote(client_secret),
        quote(token_cmd)
    );
    Ok((block, got.refresh_token))
}

/// Explains the console steps, reads the pasted token without echo, keeps
/// it in the user's secret store and prints the config block.
pub(super) fn pasted(
    net: Pasted,
    secret: &SecretArgs,
) -> anyhow::Result<(String, String, &SecretArgs)> {
    eprintln!("{}\n", net.steps);
    let token = read_secret(&format!("{} access token: ", net.network))?;
    let block = format!(
        "[[accounts]]\nnetwork = \"{}\"\nhandle = \"YOUR_HANDLE\"\n{}token_cmd = {}\n",
        net.network,
        net.config,
        toml::Value::String(secret.token_cmd.clone())
    );
    Ok((block, token, secret))
}
