//! `guichet login mastodon|bluesky`: gets a working credential and hands
//! it to the user's secret store; guichet never writes it to a file.
//!
//! - Mastodon: registers the app (`POST /api/v1/apps`), opens the
//!   authorization-code flow with a loopback redirect on 127.0.0.1 (the
//!   address to open is printed), exchanges the code (`POST /oauth/token`)
//!   and checks the token with `verify_credentials`.
//! - Bluesky: reads the app password without echo, checks it with
//!   `createSession` (the session itself is kept sealed by the connector).
//! - X: OAuth 2.0 authorization code with PKCE (S256) and a loopback
//!   redirect on a fixed port (X wants the registered callback exact);
//!   the code is exchanged at `/2/oauth2/token`, the brand read with
//!   `/2/users/me`, and the refresh token (scope `offline.access`) is the
//!   secret kept: the connector turns it into access tokens.
//! - YouTube (`login/youtube.rs`): Google's installed-app OAuth with PKCE
//!   on a loopback redirect (any port); the refresh token is kept.
//! - TikTok, LinkedIn, Threads: their logins need an https redirect the
//!   user registers, so guichet prints the exact console steps and reads
//!   the pasted token without echo. TikTok with `--client-id` and
//!   `--client-secret`: the pasted token is the refresh token, checked by
//!   refreshing once (which gives the `open_id`); the refresh token the
//!   answer carries (TikTok may rotate it) is the one kept.
//!
//! The secret then goes to `--store-cmd` on stdin, is read back through
//! `--token-cmd` to prove the round trip, and the `[[accounts]]` block to
//! paste in `config.toml` is printed.

mod console;
mod x;
mod youtube;

use std::io::Write as _;
use std::process::{ExitCode, Stdio};
use std::time::Duration;

use anyhow::{Context as _, bail};
use serde_json::Value;
use tokio::sync::oneshot;

use super::args::{LoginCommand, SecretArgs};
use crate::config::TokenSource;

/// What guichet asks a Mastodon instance for (networks.md §8).
const MASTODON_SCOPES: &str = "read:accounts read:notifications read:statuses write:statuses write:favourites write:blocks write:mutes write:conversations";
/// How long the browser step may take.
const AUTHORIZE_WAIT: Duration = Duration::from_secs(600);

pub fn run(cmd: &LoginCommand) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .context("cannot build the HTTP client")?;
    let (block, secret, args) = match cmd {
        LoginCommand::Mastodon { instance, secret } => {
            let (handle, token) = runtime.block_on(mastodon(&client, instance))?;
            let block = account_block("mastodon", &handle, instance, &secret.token_cmd);
            (block, token, secret)
        }
        LoginCommand::Bluesky {
            handle,
            pds,
            secret,
        } => {
            let password = read_app_password(handle)?;
            let did = runtime.block_on(bluesky(&client, pds, handle, &password))?;
            eprintln!("app password accepted for {handle} ({did})");
            let block = account_block("bluesky", handle, pds, &secret.token_cmd);
            (block, password, secret)
        }
        LoginCommand::Tiktok {
            client_id: Some(client_id),
            client_secret: Some(client_secret),
            api,
            secret,
        } => {
            let (block, refresh_token) = runtime.block_on(console::tiktok(
                client_id,
                client_secret,
                api,
                &secret.token_cmd,
            ))?;
            (block, refresh_token, secret)
        }
        LoginCommand::Tiktok { secret, .. } => console::pasted(console::Pasted::TIKTOK, secret)?,
        LoginCommand::Linkedin { secret } => console::pasted(console::Pasted::LINKEDIN, secret)?,
        LoginCommand::Threads { secret } => console::pasted(console::Pasted::THREADS, secret)?,
        LoginCommand::X {
            client_id,
            port,
            authorize_url,
            api,
            secret,
        } => {
            let login =
                runtime.block_on(x::login(&client, client_id, *port, authorize_url, api))?;
            let block = x::block(&login, api, client_id, &secret.token_cmd);
            (block, login.refresh_token, secret)
        }
        LoginCommand::Youtube {
            client_id,
            client_secret,
            authorize_url,
            token_url,
            api,
            secret,
        } => {
            let google = youtube::Google {
                client_id,
                client_secret,
                authorize_url,
                token_url,
                api,
            };
            let login = runtime.block_on(youtube::login(&client, &google))?;
            let block = youtube::block(&google, &login, &secret.token_cmd);
            (block, login.refresh_token, secret)
        }
    };
    keep_secret(&secret, args)?;
    println!("# Add to config.toml:\n{block}");
    Ok(ExitCode::SUCCESS)
}

fn account_block(network: &str, handle: &str, base_url: &str, token_cmd: &str) -> String {
    let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
    format!(
        "[[accounts]]\nnetwork = \"{network}\"\nhandle = {}\nbase_url = {}\ntoken_cmd = {}\n",
        quote(handle),
        quote(base_url.trim_end_matches('/')),
        quote(token_cmd)
    )
}

/// Gives the secret to the user's store, then reads it back.
fn keep_secret(secret: &str, args: &SecretArgs) -> anyhow::Result<()> {
    let mut child = std::process::Command::new("sh")
        .arg("-c")
        .arg(&args.store_cmd)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .with_context(|| format!("cannot run --store-cmd `{}`", args.store_cmd))?;
    if let Some(mut stdin) = child.stdin.take() {
        // `pass insert -m` and friends read until end of input.
        writeln!(stdin, "{secret}").context("cannot hand the secret to --store-cmd")?;
    }
    let status = child.wait().context("--store-cmd did not finish")?;
    if !status.success() {
        bail!("--store-cmd `{}` failed ({status})", args.store_cmd);
    }
    let back = TokenSource::Command(args.token_cmd.clone())
        .resolve()
        .map_err(|e| anyhow::anyhow!("reading the secret back: {e}"))?;
    if back != secret.trim() {
        bail!(
            "--token-cmd `{}` does not print what --store-cmd stored; fix the pair and log in again",
            args.token_cmd
        );
    }
    eprintln!("secret stored; guichet reads it with `{}`", args.token_cmd);
    Ok(())
}

async fn json(resp: reqwest::Response, what: &str) -> anyhow::Result<Value> {
    let status = resp.status();
    let body: Value = resp
        .json()
        .await
        .with_context(|| format!("{what}: the answer is not JSON"))?;
    if !status.is_success() {
        let why = body
            .get("error_description")
            .or_else(|| body.get("error"))
            .or_else(|| body.get("message"))
            .and_then(Value::as_str)
            .unwrap_or("no reason given");
        bail!("{what} refused ({status}): {why}");
    }
    Ok(body)
}

fn field(body: &Value, key: &str, what: &str) -> anyhow::Result<String> {
    body.get(key)
        .and_then(Value::as_str)
        .map(str::to_string)
        .with_context(|| format!("{what}: no `{key}` in the answer"))
}

async fn mastodon(client: &reqwest::Client, instance: &str) -> anyhow::Result<(String, String)> {
    let base = instance.trim_end_matches('/');
    let host = reqwest::Url::parse(base)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .with_context(|| format!("`{instance}` is not an instance URL (https://…)"))?;
    let (port, code_rx, server) = loopback(0).await?;
    let redirect = format!("http://127.0.0.1:{port}/callback");
    let app = json(
        client
            .post(format!("{base}/api/v1/apps"))
            .form(&[
                ("client_name", "guichet"),
                ("redirect_uris", redirect.as_str()),
                ("scopes", MASTODON_SCOPES),
            ])
            .send()
            .await
            .context("registering guichet on the instance")?,
        "app registration",
    )
    .await?;
    let (client_id, client_secret) = (
        field(&app, "client_id", "app registration")?,
        field(&app, "client_secret", "app registration")?,
    );
    let state = format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
    let query = serde_urlencoded::to_string([
        ("response_type", "code"),
        ("client_id", client_id.as_str()),
        ("redirect_uri", redirect.as_str()),
        ("scope", MASTODON_SCOPES),
        ("state", state.as_str()),
    ])
    .context("building the authorize address")?;
    eprintln!(
        "Open this address in your browser and approve guichet:\n  {base}/oauth/authorize?{query}"
    );
    eprintln!("(waiting for the instance to send you back to 127.0.0.1:{port})");
    let code = answer(code_rx, server, &state, "the instance").await?;
    let token = json(
        client
            .post(format!("{base}/oauth/token"))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("client_id", client_id.as_str()),
                ("client_secret", client_secret.as_str()),
                ("redirect_uri", redirect.as_str()),
                ("scope", MASTODON_SCOPES),
            ])
            .send()
            .await
            .context("exchanging the code")?,
        "token exchange",
    )
    .await?;
    let access = field(&token, "access_token", "token exchange")?;
    let me = json(
        client
            .get(format!("{base}/api/v1/accounts/verify_credentials"))
            .bearer_auth(&access)
            .send()
            .await
            .context("checking the token")?,
        "token check",
    )
    .await?;
    let acct = field(&me, "acct", "token check")?;
    // Handles use the instance's domain, which can differ from the host
    // the API answers on; ask the instance, fall back to the host.
    let domain = match client.get(format!("{base}/api/v2/instance")).send().await {
        Ok(resp) => json(resp, "instance")
            .await
            .ok()
            .and_then(|v| v.get("domain").and_then(Value::as_str).map(str::to_string)),
        Err(_) => None,
    }
    .unwrap_or(host);
    let handle = if acct.contains('@') {
        acct
    } else {
        format!("{acct}@{domain}")
    };
    eprintln!("logged in as {handle}");
    Ok((handle, access))
}

/// What the browser brought back to the loopback address.
struct Callback {
    code: Option<String>,
    state: String,
    error: Option<String>,
}

/// A one-shot HTTP listener on 127.0.0.1:`port` (0: a free one) for the
/// OAuth redirect.
async fn loopback(
    port: u16,
) -> anyhow::Result<(
    u16,
    oneshot::Receiver<Callback>,
    tokio::task::JoinHandle<()>,
)> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .with_context(|| format!("cannot listen on 127.0.0.1:{port} for the browser's answer"))?;
    let port = listener.local_addr()?.port();
    let (tx, rx) = oneshot::channel();
    let tx = std::sync::Arc::new(std::sync::Mutex::new(Some(tx)));
    let handler = move |axum::extract::RawQuery(raw): axum::extract::RawQuery| async move {
        let q: std::collections::HashMap<String, String> =
            serde_urlencoded::from_str(&raw.unwrap_or_default()).unwrap_or_default();
        let cb = Callback {
            code: q.get("code").cloned(),
            state: q.get("state").cloned().unwrap_or_default(),
            error: q
                .get("error_description")
                .or_else(|| q.get("error"))
                .cloned(),
        };
        let sender = tx
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(sender) = sender {
            let _ = sender.send(cb);
        }
        "guichet has its answer: you can close this tab."
    };
    // X and Mastodon come back to `/callback`, Google to the bare address.
    let app = axum::Router::new()
        .route("/callback", axum::routing::get(handler.clone()))
        .route("/", axum::routing::get(handler));
    let server = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::warn!("login listener: {e}");
        }
    });
    Ok((port, rx, server))
}

/// The app password, without echo on a terminal; from stdin otherwise.
fn read_app_password(handle: &str) -> anyhow::Result<String> {
    read_secret(&format!(
        "App password for {handle} (xxxx-xxxx-xxxx-xxxx): "
    ))
}

/// A secret typed without echo on a terminal, or one line of stdin.
fn read_secret(prompt: &str) -> anyhow::Result<String> {
    use std::io::IsTerminal;
    let secret = if std::io::stdin().is_terminal() {
        rpassword::prompt_password(prompt).context("cannot read the secret")?
    } else {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("cannot read the secret from stdin")?;
        line
    };
    let secret = secret.trim().to_string();
    if secret.is_empty() {
        bail!("nothing was given");
    }
    Ok(secret)
}

/// Waits for the browser's answer and checks it belongs to this login.
async fn answer(
    code_rx: oneshot::Receiver<Callback>,
    server: tokio::task::JoinHandle<()>,
    state: &str,
    who: &str,
) -> anyhow::Result<String> {
    let got = tokio::time::timeout(AUTHORIZE_WAIT, code_rx)
        .await
        .context("no answer from the browser within 10 minutes")?
        .context("the loopback listener stopped")?;
    server.abort();
    if got.state != state {
        bail!("the answer's state does not match this login; try again");
    }
    got.code.with_context(|| {
        format!(
            "{who} refused: {}",
            got.error.as_deref().unwrap_or("no code in the answer")
        )
    })
}

/// The PKCE pair (RFC 7636): a random verifier of 64 unreserved
/// characters and its S256 challenge.
fn pkce() -> (String, String) {
    use base64::Engine as _;
    use chacha20poly1305::aead::rand_core::RngCore as _;
    let mut bytes = [0u8; 48];
    chacha20poly1305::aead::OsRng.fill_bytes(&mut bytes);
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let verifier = b64.encode(bytes);
    let challenge = b64.encode(<sha2::Sha256 as sha2::Digest>::digest(verifier.as_bytes()));
    (verifier, challenge)
}

async fn bluesky(
    client: &reqwest::Client,
    pds: &str,
    handle: &str,
    password: &str,
) -> anyhow::Result<String> {
    let base = pds.trim_end_matches('/');
    let session = json(
        client
            .post(format!("{base}/xrpc/com.atproto.server.createSession"))
            .json(&serde_json::json!({ "identifier": handle, "password": password }))
            .send()
            .await
            .with_context(|| format!("cannot reach {base}"))?,
        "login",
    )
    .await?;
    field(&session, "did", "login")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_block_is_valid_toml_with_the_token_command() {
        let block = account_block(
            "mastodon",
            "atelier@piaille.fr",
            "https://piaille.fr/",
            "pass show \"guichet/m\"",
        );
        let parsed: toml::Value = toml::from_str(&block).unwrap();
        let account = &parsed["accounts"][0];
        assert_eq!(account["base_url"].as_str(), Some("https://piaille.fr"));
        assert_eq!(
            account["token_cmd"].as_str(),
            Some("pass show \"guichet/m\"")
        );
    }

    #[test]
    fn the_pkce_challenge_is_the_s256_of_a_fresh_verifier() {
        use base64::Engine as _;
        let (verifier, challenge) = pkce();
        assert!((43..=128).contains(&verifier.len()), "{verifier}");
        assert!(
            verifier
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c))
        );
        let digest = <sha2::Sha256 as sha2::Digest>::digest(verifier.as_bytes());
        assert_eq!(
            challenge,
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
        );
        assert_ne!(pkce().0, verifier, "random");
    }
}
