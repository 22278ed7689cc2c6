//! The outbox and the account commands through the real binary: a reply
//! killed mid-send goes out exactly once after a restart; `accounts`,
//! the moderation commands and `sandbox` behave as a person would see.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use guichet::model::{Network, Status};
use guichet::outbox::SendState;
use guichet::sandbox::{Sandbox, mastodon::TOKEN};

mod common;

const ME: &str = "atelierlumen@piaille.fr";
const ENV: &str = "GUICHET_TEST_MASTODON_TOKEN";

struct Setup {
    sandbox: Sandbox,
    dir: tempfile::TempDir,
}

impl Setup {
    async fn new() -> Setup {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 23, 12, 0, 0)
            .single()
            .unwrap();
        let sandbox = Sandbox::start(&[(Network::Mastodon, ME)], &guichet::demo::demo_items(now))
            .await
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let toml = format!(
            "agent = \"camille\"\n[[accounts]]\nnetwork = \"mastodon\"\nhandle = \"{ME}\"\nbase_url = \"{}\"\ntoken_env = \"{ENV}\"\n",
            sandbox.base_url(Network::Mastodon)
        );
        std::fs::write(dir.path().join("config.toml"), toml).unwrap();
        Setup { sandbox, dir }
    }

    fn store(&self) -> PathBuf {
        self.dir.path().join("store")
    }

    fn command(&self, args: &[&str], token: &str) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_guichet"));
        cmd.arg("--config")
            .arg(self.dir.path().join("config.toml"))
            .arg("--store")
            .arg(self.store())
            .args(args)
            .env("GUICHET_CONFIG_DIR", self.dir.path())
            .env(ENV, token);
        cmd
    }

    async fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, TOKEN).await
    }

    async fn run_with(&self, args: &[&str], token: &str) -> Output {
        let mut cmd = self.command(args, token);
        tokio::task::spawn_blocking(move || cmd.output().unwrap())
            .await
            .unwrap()
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn open(store: &Path) -> guichet::store::SledStore {
    common::reopen(store).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_killed_mid_send_goes_out_exactly_once_after_restart() {
    let s = Setup::new().await;
    let native =
        s.sandbox
            .mastodon
            .mention("asker@mastodon.social", "Livrez-vous en Belgique ?", false);
    let sync = s.run(&["sync"]).await;
    assert!(sync.status.success(), "{}", text(&sync));
    let id = format!("mastodon:{ME}:{native}");

    // The instance posts the reply, but the answer never reaches guichet:
    // the process is killed while it waits.
    s.sandbox.holds.push("POST", "/api/v1/statuses", 60_000);
    let mut child = s
        .command(&["reply", &id, "Oui, sous 3 jours ouvrés."], TOKEN)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while s
        .sandbox
        .mastodon
        .posted_by_us()
        .iter()
        .all(|p| p.1.as_deref() != Some(&native))
    {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the reply never left"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    {
        let store = open(&s.store());
        let entries = guichet::store::Store::outbox(&store).unwrap();
        assert_eq!(entries.len(), 1);
        assert!(
            matches!(entries[0].state, SendState::Sending { .. }),
            "the outcome is uncertain: {:?}",
            entries[0].state
        );
    }

    // The next run finds the reply on the instance instead of posting again.
    let again = s.run(&["sync"]).await;
    assert!(again.status.success(), "{}", text(&again));
    assert!(text(&again).contains("outbox: 1 sent"), "{}", text(&again));
    let ours: Vec<_> = s
        .sandbox
        .mastodon
        .posted_by_us()
        .into_iter()
        .filter(|p| p.1.as_deref() == Some(&native))
        .collect();
    assert_eq!(ours.len(), 1, "sent exactly once: {ours:?}");
    let store = open(&s.store());
    let entries = guichet::store::Store::outbox(&store).unwrap();
    match &entries[0].state {
        SendState::Sent { remote_id, .. } => assert_eq!(remote_id, &ours[0].0),
        other => panic!("not confirmed: {other:?}"),
    }
    let (_, item) = guichet::store::Store::find(&store, &id.parse().unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(item.local.status, Status::Answered);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_killed_before_the_instance_saw_it_is_sent_once_after_restart() {
    let s = Setup::new().await;
    let native = s
        .sandbox
        .mastodon
        .mention("asker@mastodon.social", "Un code promo ?", false);
    assert!(s.run(&["sync"]).await.status.success());
    let id = format!("mastodon:{ME}:{native}");
    s.sandbox
        .mastodon
        .faults
        .push(guichet::sandbox::Fault::Slow { millis: 60_000 });
    let mut child = s
        .command(&["reply", &id, "Pas en ce moment, désolés."], TOKEN)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait for the entry to be marked Sending (the request has left).
    let store_path = s.store();
    let started = Instant::now();
    loop {
        assert!(started.elapsed() < Duration::from_secs(30), "never sent");
        tokio::time::sleep(Duration::from_millis(100)).await;
        if s.sandbox.mastodon.faults.next().is_none() {
            // The fault was taken by the request, which now waits.
            break;
        }
        // Not taken yet: put it back.
        s.sandbox
            .mastodon
            .faults
            .push(guichet::sandbox::Fault::Slow { millis: 60_000 });
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        s.sandbox
            .mastodon
            .posted_by_us()
            .iter()
            .all(|p| p.1.as_deref() != Some(&native))
    );
    let again = s.run(&["sync"]).await;
    assert!(again.status.success(), "{}", text(&again));
    let ours = s
        .sandbox
        .mastodon
        .posted_by_us()
        .into_iter()
        .filter(|p| p.1.as_deref() == Some(&native))
        .count();
    assert_eq!(ours, 1, "{}", text(&again));
    let store = open(&store_path);
    let (_, item) = guichet::store::Store::find(&store, &id.parse().unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(item.local.status, Status::Answered);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_shows_health_and_never_the_token() {
    let s = Setup::new().await;
    let before = s.run(&["accounts", "--offline"]).await;
    assert!(before.status.success(), "{}", text(&before));
    let out = text(&before);
    assert!(out.contains(&format!("mastodon:{ME}")), "{out}");
    #[cfg(unix)]
    assert!(
        String::from_utf8_lossy(&before.stderr).contains("can be read by other users"),
        "a config others can read is flagged: {out}"
    );
    assert!(
        out.contains(&format!("from ${ENV}")) && out.contains("never"),
        "{out}"
    );

    assert!(s.run(&["sync"]).await.status.success());
    let live = s.run(&["accounts"]).await;
    let out = text(&live);
    assert!(live.status.success(), "{out}");
    assert!(
        out.contains("health    ok") && out.contains(" ago ("),
        "{out}"
    );
    assert!(!out.contains(TOKEN), "the token is never shown");

    let bad = s.run_with(&["accounts"], "revoked-token").await;
    let out = text(&bad);
    assert_eq!(bad.status.code(), Some(1), "{out}");
    assert!(out.contains("auth"), "{out}");
    assert!(!out.contains("revoked-token"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moderation_commands_check_the_rules_then_send() {
    let s = Setup::new().await;
    let native = s
        .sandbox
        .mastodon
        .mention("fan@mastodon.social", "Superbe vitrine !", false);
    assert!(s.run(&["sync"]).await.status.success());
    let id = format!("mastodon:{ME}:{native}");
    // Mastodon has no hide: refused before anything is queued.
    let hide = s.run(&["hide", &id]).await;
    assert_eq!(hide.status.code(), Some(1));
    assert!(text(&hide).contains("cannot hide"), "{}", text(&hide));
    {
        let store = open(&s.store());
        assert!(guichet::store::Store::outbox(&store).unwrap().is_empty());
    }
    let like = s.run(&["like", &id]).await;
    assert!(like.status.success(), "{}", text(&like));
    assert!(text(&like).contains("like sent"), "{}", text(&like));
    let store = open(&s.store());
    let (_, item) = guichet::store::Store::find(&store, &id.parse().unwrap())
        .unwrap()
        .unwrap();
    assert!(item.remote.moderation.liked);
    assert_eq!(
        item.local.last_action.map(|a| (a.what, a.by)),
        Some(("like sent".to_string(), "camille".to_string()))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spam_and_report_item_reach_the_instance() {
    let s = Setup::new().await;
    let native =
        s.sandbox
            .mastodon
            .mention("promo@mastodon.social", "Des abonnés pas chers", false);
    assert!(s.run(&["sync"]).await.status.success());
    let id = format!("mastodon:{ME}:{native}");
    // A category Mastodon does not have: refused, nothing queued.
    let rude = s.run(&["report-item", "--reason", "rude", &id]).await;
    assert_eq!(rude.status.code(), Some(1));
    assert!(
        text(&rude).contains("Mastodon has no 'rude' report category"),
        "{}",
        text(&rude)
    );
    let nonsense = s.run(&["report-item", "--reason", "meh", &id]).await;
    assert!(
        text(&nonsense).contains("expected one of spam"),
        "{}",
        text(&nonsense)
    );
    let args = [
        "report-item",
        "--reason",
        "spam",
        "--comment",
        "vend des abonnés",
        &id,
    ];
    let report = s.run(&args).await;
    assert!(report.status.success(), "{}", text(&report));
    assert!(text(&report).contains("report sent"), "{}", text(&report));
    let spam = s.run(&["spam", &id]).await;
    assert!(spam.status.success(), "{}", text(&spam));
    let filed = s.sandbox.mastodon.reports();
    assert_eq!(filed.len(), 2);
    assert_eq!(filed[0]["comment"], "vend des abonnés");
    assert_eq!(filed[1]["category"], "spam");
    let store = open(&s.store());
    let (_, item) = guichet::store::Store::find(&store, &id.parse().unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(item.local.status, guichet::model::Status::Done);
}

#[test]
fn the_sandbox_command_prints_a_working_accounts_block() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_guichet"))
        .args(["sandbox", "--port", "0"])
        .env("GUICHET_CONFIG_DIR", std::env::temp_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut block = String::new();
    for line in std::io::BufRead::lines(std::io::BufReader::new(stdout)) {
        let line = line.unwrap();
        let done = line.starts_with("# serving on http://127.0.0.1:");
        block.push_str(&line);
        block.push('\n');
        if done {
            break;
        }
    }
    let url = block
        .lines()
        .find_map(|l| {
            l.strip_prefix("base_url = \"")
                .and_then(|r| r.strip_suffix('"'))
        })
        .unwrap()
        .to_string();
    let probe =
        std::net::TcpStream::connect(url.trim_start_matches("http://").split('/').next().unwrap());
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(probe.is_ok(), "the sandbox listens where it says: {block}");
    assert!(
        block.contains("network = \"mastodon\"")
            && block.contains("export GUICHET_SANDBOX_MASTODON="),
        "{block}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_shows_the_youtube_quota_spent_today() {
    use guichet::sandbox::youtube;
    let now = Utc
        .with_ymd_and_hms(2026, 11, 23, 12, 0, 0)
        .single()
        .unwrap();
    let sandbox = Sandbox::start(&[], &guichet::demo::demo_items(now))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let toml = format!(
        "[[accounts]]\nnetwork = \"youtube\"\nhandle = \"AtelierLumen\"\nchannel_id = \"{}\"\nbase_url = \"{}\"\ntoken_env = \"GUICHET_TEST_YT\"\n",
        youtube::CHANNEL_ID,
        sandbox.base_url(Network::YouTube)
    );
    std::fs::write(dir.path().join("config.toml"), toml).unwrap();
    let run = |args: &'static [&'static str]| {
        let dir = dir.path().to_path_buf();
        tokio::task::spawn_blocking(move || {
            Command::new(env!("CARGO_BIN_EXE_guichet"))
                .arg("--config")
                .arg(dir.join("config.toml"))
                .arg("--store")
                .arg(dir.join("store"))
                .args(args)
                .env("GUICHET_CONFIG_DIR", &dir)
                .env("GUICHET_TEST_YT", youtube::TOKEN)
                .output()
                .unwrap()
        })
    };
    let sync = run(&["sync"]).await.unwrap();
    assert!(sync.status.success(), "{}", text(&sync));
    let out = run(&["accounts", "--offline"]).await.unwrap();
    let shown = text(&out);
    assert!(
        shown.contains("quota     ") && shown.contains(" of 10000 units used today"),
        "{shown}"
    );
}
