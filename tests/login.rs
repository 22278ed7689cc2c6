//! `guichet login` against the sandbox: the Mastodon authorization-code
//! flow with a loopback redirect (the test plays the browser), and the
//! Bluesky app-password check. The secret goes to the store command and
//! is read back through the token command; it is never printed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use guichet::model::Network;
use guichet::sandbox::Sandbox;

const ME: &str = "atelierlumen@piaille.fr";
const BSKY: &str = "atelierlumen.bsky.social";

fn guichet(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_guichet"));
    cmd.env("GUICHET_CONFIG_DIR", dir);
    cmd
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mastodon_login_registers_authorises_and_stores_the_token() {
    let sandbox = Sandbox::start(&[(Network::Mastodon, ME)], &[])
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret");
    let instance = sandbox.base_url(Network::Mastodon);
    let mut child = guichet(dir.path())
        .args(["login", "mastodon", "--instance", &instance])
        .arg("--store-cmd")
        .arg(format!("cat > '{}'", secret.display()))
        .arg("--token-cmd")
        .arg(format!("cat '{}'", secret.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (url, rest) = tokio::task::spawn_blocking(move || {
        let mut lines = BufReader::new(stderr).lines();
        let url = lines
            .by_ref()
            .map(Result::unwrap)
            .find_map(|l| {
                l.trim()
                    .contains("/oauth/authorize?")
                    .then(|| l.trim().to_string())
            })
            .unwrap();
        (url, lines)
    })
    .await
    .unwrap();
    assert!(
        url.starts_with(&format!("{instance}/oauth/authorize?response_type=code")),
        "{url}"
    );
    // The browser: the instance approves and sends it to the loopback address.
    let page = reqwest::get(&url).await.unwrap();
    assert!(page.status().is_success());
    assert!(page.text().await.unwrap().contains("close this tab"));
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let err: Vec<String> = rest.map(Result::unwrap).collect();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{stdout} {err:?}");
    let token = guichet::sandbox::mastodon::TOKEN;
    assert_eq!(std::fs::read_to_string(&secret).unwrap().trim(), token);
    assert!(
        !stdout.contains(token) && !err.iter().any(|l| l.contains(token)),
        "never printed"
    );
    // The printed block is a working config.
    let config: toml::Value =
        toml::from_str(stdout.trim_start_matches("# Add to config.toml:")).unwrap();
    let account = &config["accounts"][0];
    assert_eq!(account["handle"].as_str(), Some(ME));
    assert_eq!(account["base_url"].as_str(), Some(instance.as_str()));
    std::fs::write(dir.path().join("config.toml"), &stdout).unwrap();
    let accounts = guichet(dir.path())
        .arg("--config")
        .arg(dir.path().join("config.toml"))
        .arg("--store")
        .arg(dir.path().join("store"))
        .arg("accounts")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&accounts.stdout).contains("health    ok"),
        "{}",
        String::from_utf8_lossy(&accounts.stdout)
    );
}

fn bluesky_login(dir: &std::path::Path, pds: &str, password: &str) -> std::process::Output {
    let secret = dir.join("bsky-secret");
    let mut child = guichet(dir)
        .args(["login", "bluesky", "--handle", BSKY, "--pds", pds])
        .arg("--store-cmd")
        .arg(format!("cat > '{}'", secret.display()))
        .arg("--token-cmd")
        .arg(format!("cat '{}'", secret.display()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
    child.wait_with_output().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bluesky_login_checks_the_app_password_before_keeping_it() {
    let sandbox = Sandbox::start(&[(Network::Bluesky, BSKY)], &[])
        .await
        .unwrap();
    let pds = sandbox.base_url(Network::Bluesky);
    let dir = tempfile::tempdir().unwrap();
    let bad = {
        let (dir, pds) = (dir.path().to_path_buf(), pds.clone());
        tokio::task::spawn_blocking(move || bluesky_login(&dir, &pds, "wrong-pass-word-xxxx"))
            .await
            .unwrap()
    };
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("login refused"),
        "{bad:?}"
    );
    assert!(!dir.path().join("bsky-secret").exists(), "nothing kept");

    let good = {
        let (dir, pds) = (dir.path().to_path_buf(), pds.clone());
        tokio::task::spawn_blocking(move || {
            bluesky_login(&dir, &pds, guichet::sandbox::bluesky::APP_PASSWORD)
        })
        .await
        .unwrap()
    };
    let stdout = String::from_utf8_lossy(&good.stdout);
    assert!(
        good.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&good.stderr)
    );
    assert!(stdout.contains(&format!("handle = \"{BSKY}\"")) && stdout.contains("token_cmd = "));
    assert!(!stdout.contains(guichet::sandbox::bluesky::APP_PASSWORD));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("bsky-secret"))
            .unwrap()
            .trim(),
        guichet::sandbox::bluesky::APP_PASSWORD
    );
}

#[test]
fn console_token_networks_explain_the_steps_and_keep_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("li-secret");
    let mut child = guichet(dir.path())
        .args(["login", "linkedin"])
        .arg("--store-cmd")
        .arg(format!("cat > '{}'", secret.display()))
        .arg("--token-cmd")
        .arg(format!("cat '{}'", secret.display()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "AQX-pasted-token").unwrap();
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stdout} {stderr}");
    assert!(
        stderr.contains("OAuth 2.0 tools") && stderr.contains("ADMINISTRATOR"),
        "{stderr}"
    );
    assert!(stdout.contains("network = \"linkedin\"") && stdout.contains("organization = "));
    assert!(!stdout.contains("AQX-pasted-token") && !stderr.contains("AQX-pasted-token"));
    assert_eq!(
        std::fs::read_to_string(&secret).unwrap().trim(),
        "AQX-pasted-token"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn x_login_runs_pkce_on_the_loopback_and_stores_the_refresh_token() {
    use guichet::sandbox::x::{BRAND_ID, CLIENT_ID, REFRESH_TOKEN, TOKEN};
    let sandbox = Sandbox::start(&[(Network::X, "AtelierLumen")], &[])
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("x-secret");
    let api = sandbox.base_url(Network::X);
    let mut child = guichet(dir.path())
        .args(["login", "x", "--client-id", CLIENT_ID, "--port", "0"])
        .arg("--authorize-url")
        .arg(format!("{api}/i/oauth2/authorize"))
        .arg("--api")
        .arg(&api)
        .arg("--store-cmd")
        .arg(format!("cat > '{}'", secret.display()))
        .arg("--token-cmd")
        .arg(format!("cat '{}'", secret.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (url, rest) = tokio::task::spawn_blocking(move || {
        let mut lines = BufReader::new(stderr).lines();
        let url = lines
            .by_ref()
            .map(Result::unwrap)
            .find_map(|l| {
                l.trim()
                    .contains("/i/oauth2/authorize?")
                    .then(|| l.trim().to_string())
            })
            .unwrap();
        (url, lines)
    })
    .await
    .unwrap();
    let query: std::collections::HashMap<String, String> = reqwest::Url::parse(&url)
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    assert_eq!(query["response_type"], "code");
    assert_eq!(query["code_challenge_method"], "S256");
    assert!(query["scope"].split(' ').any(|s| s == "offline.access"));
    assert!(query["redirect_uri"].starts_with("http://127.0.0.1:"));
    // The browser: X approves and sends it to the loopback address.
    let page = reqwest::get(&url).await.unwrap();
    assert!(page.status().is_success());
    assert!(page.text().await.unwrap().contains("close this tab"));
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let err: Vec<String> = rest.map(Result::unwrap).collect();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{stdout} {err:?}");
    assert_eq!(sandbox.x.logins(), 1);
    let refresh = sandbox.x.current_refresh_token();
    assert!(refresh.starts_with(REFRESH_TOKEN), "{refresh}");
    assert_eq!(std::fs::read_to_string(&secret).unwrap().trim(), refresh);
    for token in [refresh.as_str(), &format!("{TOKEN}-login-1")] {
        assert!(
            !stdout.contains(token) && !err.iter().any(|l| l.contains(token)),
            "never printed"
        );
    }
    // The printed block is a working config.
    let config: toml::Value =
        toml::from_str(stdout.trim_start_matches("# Add to config.toml:")).unwrap();
    let account = &config["accounts"][0];
    assert_eq!(account["network"].as_str(), Some("x"));
    assert_eq!(account["handle"].as_str(), Some("AtelierLumen"));
    assert_eq!(account["user_id"].as_str(), Some(BRAND_ID));
    assert_eq!(account["client_id"].as_str(), Some(CLIENT_ID));
    std::fs::write(dir.path().join("config.toml"), &stdout).unwrap();
    let accounts = || {
        guichet(dir.path())
            .arg("--config")
            .arg(dir.path().join("config.toml"))
            .arg("--store")
            .arg(dir.path().join("store"))
            .arg("accounts")
            .output()
            .unwrap()
    };
    // The refresh token becomes an access token, and the pair is kept:
    // a second run does not refresh again.
    for _ in 0..2 {
        let out = accounts();
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("health    ok"),
            "{} {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(sandbox.x.refreshes(), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn youtube_login_runs_google_pkce_on_the_loopback_and_stores_the_refresh_token() {
    use guichet::sandbox::youtube::{CHANNEL_ID, CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN};
    let sandbox = Sandbox::start(&[(Network::YouTube, "AtelierLumen")], &[])
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("yt-secret");
    let api = sandbox.base_url(Network::YouTube);
    let mut child = guichet(dir.path())
        .args(["login", "youtube", "--client-id", CLIENT_ID])
        .args(["--client-secret", CLIENT_SECRET])
        .arg("--authorize-url")
        .arg(format!("{api}/o/oauth2/v2/auth"))
        .arg("--token-url")
        .arg(format!("{api}/token"))
        .arg("--api")
        .arg(&api)
        .arg("--store-cmd")
        .arg(format!("cat > '{}'", secret.display()))
        .arg("--token-cmd")
        .arg(format!("cat '{}'", secret.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (url, rest) = tokio::task::spawn_blocking(move || {
        let mut lines = BufReader::new(stderr).lines();
        let url = lines
            .by_ref()
            .map(Result::unwrap)
            .find_map(|l| {
                l.trim()
                    .contains("/o/oauth2/v2/auth?")
                    .then(|| l.trim().to_string())
            })
            .unwrap();
        (url, lines)
    })
    .await
    .unwrap();
    let query: std::collections::HashMap<String, String> = reqwest::Url::parse(&url)
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(
        query["scope"],
        "https://www.googleapis.com/auth/youtube.force-ssl"
    );
    assert_eq!(query["access_type"], "offline");
    assert_eq!(query["prompt"], "consent");
    assert!(query["redirect_uri"].starts_with("http://127.0.0.1:"));
    // The browser: Google approves and sends it to the loopback address.
    let page = reqwest::get(&url).await.unwrap();
    assert!(page.status().is_success());
    assert!(page.text().await.unwrap().contains("close this tab"));
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let err: Vec<String> = rest.map(Result::unwrap).collect();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{stdout} {err:?}");
    assert_eq!(sandbox.youtube.logins(), 1);
    assert_eq!(
        std::fs::read_to_string(&secret).unwrap().trim(),
        REFRESH_TOKEN
    );
    for token in [REFRESH_TOKEN, "ya29."] {
        assert!(
            !stdout.contains(token) && !err.iter().any(|l| l.contains(token)),
            "never printed"
        );
    }
    let config: toml::Value =
        toml::from_str(stdout.trim_start_matches("# Add to config.toml:")).unwrap();
    let account = &config["accounts"][0];
    assert_eq!(account["network"].as_str(), Some("youtube"));
    assert_eq!(account["channel_id"].as_str(), Some(CHANNEL_ID));
    assert_eq!(account["client_id"].as_str(), Some(CLIENT_ID));
    assert_eq!(account["client_secret"].as_str(), Some(CLIENT_SECRET));
    assert_eq!(account["base_url"].as_str(), Some(api.as_str()));
    // The printed block is a working config: the refresh token becomes an
    // access token once, kept sealed for the next run.
    std::fs::write(dir.path().join("config.toml"), &stdout).unwrap();
    for _ in 0..2 {
        let out = guichet(dir.path())
            .arg("--config")
            .arg(dir.path().join("config.toml"))
            .arg("--store")
            .arg(dir.path().join("store"))
            .arg("accounts")
            .output()
            .unwrap();
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("health    ok"),
            "{} {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(sandbox.youtube.refreshes(), 1);
    }
}

fn tiktok_login(dir: &std::path::Path, api: &str, refresh_token: &str) -> std::process::Output {
    use guichet::sandbox::tiktok::{APP_ID, APP_SECRET};
    let secret = dir.join("tt-secret");
    let mut child = guichet(dir)
        .args(["login", "tiktok", "--client-id", APP_ID])
        .args(["--client-secret", APP_SECRET, "--api", api])
        .arg("--store-cmd")
        .arg(format!("cat > '{}'", secret.display()))
        .arg("--token-cmd")
        .arg(format!("cat '{}'", secret.display()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{refresh_token}").unwrap();
    child.wait_with_output().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tiktok_login_with_the_app_checks_and_stores_the_refresh_token() {
    use guichet::sandbox::tiktok::{APP_ID, BUSINESS_ID, REFRESH_TOKEN};
    let sandbox = Sandbox::start(&[(Network::TikTok, "atelierlumen")], &[])
        .await
        .unwrap();
    let api = sandbox.base_url(Network::TikTok);
    let dir = tempfile::tempdir().unwrap();

    // A refresh token TikTok refuses is not kept.
    let refused = tokio::task::spawn_blocking({
        let (dir, api) = (dir.path().to_path_buf(), api.clone());
        move || tiktok_login(&dir, &api, "not-the-refresh-token")
    })
    .await
    .unwrap();
    assert!(!refused.status.success());
    assert!(!String::from_utf8_lossy(&refused.stderr).contains("not-the-refresh-token"));
    assert!(!dir.path().join("tt-secret").exists());
    assert_eq!(sandbox.tiktok.refreshes(), 0);

    let out = tokio::task::spawn_blocking({
        let (dir, api) = (dir.path().to_path_buf(), api.clone());
        move || tiktok_login(&dir, &api, REFRESH_TOKEN)
    })
    .await
    .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    );
    assert!(out.status.success(), "{stdout} {stderr}");
    assert!(
        stderr.contains("data.refresh_token") && stderr.contains("not the access token"),
        "{stderr}"
    );
    assert_eq!(sandbox.tiktok.refreshes(), 1, "checked by refreshing once");
    // What is kept is the refresh token the answer carries (rotated).
    let kept = std::fs::read_to_string(dir.path().join("tt-secret")).unwrap();
    assert_eq!(kept.trim(), sandbox.tiktok.current_refresh_token());
    for secret in [REFRESH_TOKEN, kept.trim()] {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "never printed"
        );
    }
    let config: toml::Value =
        toml::from_str(stdout.trim_start_matches("# Add to config.toml:")).unwrap();
    let account = &config["accounts"][0];
    assert_eq!(account["network"].as_str(), Some("tiktok"));
    assert_eq!(account["business_id"].as_str(), Some(BUSINESS_ID));
    assert_eq!(account["client_id"].as_str(), Some(APP_ID));
    assert!(account["client_secret"].as_str().is_some());
    assert_eq!(account["base_url"].as_str(), Some(api.as_str()));
    assert!(account["token_cmd"].as_str().unwrap().contains("tt-secret"));
}
