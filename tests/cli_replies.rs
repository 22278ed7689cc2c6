//! The reply commands through the real binary, against the Mastodon
//! sandbox: `guichet lint` (findings, exit codes, stdin, brands) and
//! `guichet reply` with a canned reply and `--var`, refused placeholders,
//! guideline errors and an audited `--force`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use guichet::model::Network;
use guichet::sandbox::{Sandbox, mastodon::TOKEN};
use guichet::store::Store;

mod common;

const ME: &str = "atelierlumen@piaille.fr";
const ENV: &str = "GUICHET_TEST_MASTODON_TOKEN";

struct Setup {
    sandbox: Sandbox,
    dir: tempfile::TempDir,
}

impl Setup {
    async fn new() -> Setup {
        let sandbox = Sandbox::start(&[(Network::Mastodon, ME)], &[])
            .await
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let toml = format!(
            "agent = \"camille\"\nsignature = \"Camille\"\n[[accounts]]\nnetwork = \"mastodon\"\nhandle = \"{ME}\"\nbase_url = \"{}\"\ntoken_env = \"{ENV}\"\n",
            sandbox.base_url(Network::Mastodon)
        );
        std::fs::write(dir.path().join("config.toml"), toml).unwrap();
        Setup { sandbox, dir }
    }

    fn store(&self) -> PathBuf {
        self.dir.path().join("store")
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_guichet"));
        cmd.arg("--config")
            .arg(self.dir.path().join("config.toml"))
            .arg("--store")
            .arg(self.store())
            .args(args)
            .env("GUICHET_CONFIG_DIR", self.dir.path())
            .env(ENV, TOKEN);
        cmd
    }

    async fn run(&self, args: &[&str]) -> Output {
        let mut cmd = self.command(args);
        tokio::task::spawn_blocking(move || cmd.output().unwrap())
            .await
            .unwrap()
    }

    /// A new mention, synced into the store; its item id.
    async fn mention(&self, text: &str) -> String {
        let native = self
            .sandbox
            .mastodon
            .mention("margot@mastodon.social", text, false);
        let sync = self.run(&["sync"]).await;
        assert!(sync.status.success(), "{}", text_of(&sync));
        format!("mastodon:{ME}:{native}")
    }

    fn posted(&self) -> Vec<String> {
        self.sandbox
            .mastodon
            .posted_by_us()
            .into_iter()
            .map(|p| p.2)
            .collect()
    }
}

fn text_of(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lint_prints_each_finding_and_exits_1_on_errors() {
    let s = Setup::new().await;
    let out = s
        .run(&[
            "lint",
            "--network",
            "x",
            "Bonjour, appelez le 06 12 34 56 78 !!",
        ])
        .await;
    assert_eq!(out.status.code(), Some(1), "{}", text_of(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let phone = stdout
        .lines()
        .find(|l| l.starts_with("error ") && l.contains("06 12 34 56 78"))
        .unwrap_or_else(|| panic!("no personal-data line in {stdout}"));
    // Byte span of the number in the text.
    assert!(phone.contains(" 20..34 "), "{phone}");
    assert!(stdout.lines().any(|l| l.contains("(fix: ")), "{stdout}");

    let clean = s.run(&["lint", "--network", "x", "Bonjour, merci."]).await;
    assert_eq!(clean.status.code(), Some(0), "{}", text_of(&clean));
    assert!(String::from_utf8_lossy(&clean.stdout).starts_with("ok: "));

    // From stdin, as a DM: a phone number is fine in private.
    let mut child = s
        .command(&["lint", "--network", "mastodon", "--dm", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all("Bonjour, appelez le 06 12 34 56 78.\n".as_bytes())
        .unwrap();
    let dm = child.wait_with_output().unwrap();
    assert_eq!(dm.status.code(), Some(0), "{}", text_of(&dm));

    let unknown = s
        .run(&["lint", "--network", "x", "--brand", "nope", "Bonjour"])
        .await;
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        text_of(&unknown).contains("no brand 'nope'"),
        "{}",
        text_of(&unknown)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reply_with_a_canned_reply_fills_its_placeholder_and_sends() {
    let s = Setup::new().await;
    let id = s.mention("La bougie figue est-elle de retour ?").await;

    // Without the placeholder's value nothing is queued.
    let missing = s.run(&["reply", &id, "--template", "rupture-stock"]).await;
    assert_eq!(missing.status.code(), Some(1), "{}", text_of(&missing));
    assert!(
        text_of(&missing).contains("[[date de retour]]"),
        "{}",
        text_of(&missing)
    );
    assert!(s.posted().is_empty());

    let out = s
        .run(&[
            "reply",
            &id,
            "--template",
            "rupture-stock",
            "--var",
            "date de retour=15 décembre",
        ])
        .await;
    assert!(out.status.success(), "{}", text_of(&out));
    assert!(text_of(&out).contains("reply sent"), "{}", text_of(&out));
    let posted = s.posted();
    assert_eq!(posted.len(), 1);
    assert!(posted[0].contains("15 décembre"), "{}", posted[0]);
    assert!(
        posted[0].contains("Camille"),
        "the signature: {}",
        posted[0]
    );
    let store = common::reopen(&s.store()).unwrap();
    let usage = store.reply_usage("camille").unwrap();
    assert_eq!(usage["rupture-stock"].count, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_breaking_the_guidelines_needs_force_and_is_audited() {
    let s = Setup::new().await;
    let id = s.mention("Vous avez un numéro ?").await;
    let text = "Bonjour, appelez le 06 12 34 56 78.";
    let refused = s.run(&["reply", &id, "--text", text]).await;
    assert_eq!(refused.status.code(), Some(1), "{}", text_of(&refused));
    assert!(
        text_of(&refused).contains("breaks the brand guidelines"),
        "{}",
        text_of(&refused)
    );
    assert!(s.posted().is_empty());

    let forced = s.run(&["reply", &id, "--text", text, "--force"]).await;
    assert!(forced.status.success(), "{}", text_of(&forced));
    assert_eq!(s.posted().len(), 1);
    let store = common::reopen(&s.store()).unwrap();
    let audit = store.audit(10).unwrap();
    assert!(
        audit
            .iter()
            .any(|a| a.what.starts_with("sent despite guideline errors") && a.who == "camille"),
        "{audit:?}"
    );
}
