//! The `guichet` binary end to end: seeding with `gen`, `list` in every
//! format, local changes and what `show` and `audit` then report, exit codes
//! and messages for bad configuration, unknown ids and views, and `doctor`.
//!
//! Every run gets a temporary store, config folder and XDG/home folders, so
//! the user's real configuration, store and logs are never touched.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// A sandbox: temp folders, and a store seeded with `gen` on demand.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("config")).unwrap();
        Sandbox { dir }
    }

    /// A sandbox whose store holds 500 synthetic items.
    fn seeded() -> Sandbox {
        let sb = Sandbox::new();
        let out = sb.run(&["gen", "--items", "500", "--seed", "7"]);
        assert!(out.status.success(), "gen failed: {}", stderr(&out));
        let line = stdout(&out);
        assert!(line.starts_with("generated 500 items in "), "{line}");
        assert!(line.trim_end().ends_with("items/s)"), "{line}");
        sb
    }

    fn config_dir(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    fn store(&self) -> PathBuf {
        self.dir.path().join("store")
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_guichet"));
        let home = self.dir.path().join("home");
        cmd.env("GUICHET_CONFIG_DIR", self.config_dir())
            .env("GUICHET_AGENT", "camille")
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("XDG_STATE_HOME", home.join(".local/state"))
            .env("XDG_CACHE_HOME", home.join(".cache"))
            .env_remove("GUICHET_LOG");
        cmd
    }

    /// Runs `guichet ARGS --store STORE`.
    fn run(&self, args: &[&str]) -> Output {
        self.command()
            .args(args)
            .arg("--store")
            .arg(self.store())
            .output()
            .unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        let out = self.run(args);
        assert!(out.status.success(), "{args:?} failed: {}", stderr(&out));
        serde_json::from_str(&stdout(&out)).unwrap()
    }

    fn list_ids(&self, args: &[&str]) -> Vec<String> {
        let mut all = vec!["list", "--format", "json"];
        all.extend_from_slice(args);
        let list = self.json(&all);
        list.as_array()
            .unwrap()
            .iter()
            .map(|v| v["id"].as_str().unwrap().to_string())
            .collect()
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

/// The effective status of a listed item, as the queue sees it now.
fn unanswered(item: &Value) -> bool {
    match &item["local"]["status"] {
        Value::String(s) => s == "New" || s == "Open",
        // An expired snooze is open again.
        Value::Object(o) => {
            o["Snoozed"]["until"].as_str().unwrap() < chrono::Utc::now().to_rfc3339().as_str()
        }
        other => panic!("unexpected status {other}"),
    }
}

/// Splits CSV text (RFC 4180) into records of fields.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let (mut record, mut field, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => record.push(std::mem::take(&mut field)),
            ('\r', false) => {}
            ('\n', false) => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (c, _) => field.push(c),
        }
    }
    records
}

#[test]
fn list_defaults_to_unanswered_items_oldest_first() {
    let sb = Sandbox::seeded();
    let inbox = sb.json(&["list", "--format", "json"]);
    let items = inbox.as_array().unwrap();
    assert!(!items.is_empty());
    assert!(
        items.iter().all(unanswered),
        "the default list holds answered items"
    );
    let times: Vec<&str> = items
        .iter()
        .map(|v| v["remote"]["created_at"].as_str().unwrap())
        .collect();
    let parsed: Vec<chrono::DateTime<chrono::Utc>> =
        times.iter().map(|t| t.parse().unwrap()).collect();
    assert!(parsed.windows(2).all(|w| w[0] <= w[1]), "not oldest first");
    assert!(items[0]["seq"].is_u64());

    let all = sb.json(&["list", "--view", "All", "--format", "json"]);
    assert_eq!(all.as_array().unwrap().len(), 500);
    let newest = sb.json(&[
        "list", "--sort", "newest", "--limit", "3", "--format", "json",
    ]);
    let newest: Vec<&Value> = newest.as_array().unwrap().iter().collect();
    assert_eq!(newest.len(), 3);
    assert_eq!(newest[0]["id"], items[items.len() - 1]["id"]);

    let table = sb.run(&["list", "--limit", "20"]);
    assert!(table.status.success());
    let text = stdout(&table);
    assert!(text.starts_with("ID "), "{text}");
    assert!(!text.contains('\u{1b}'));
}

#[test]
fn list_csv_filters_by_network() {
    let sb = Sandbox::seeded();
    let out = sb.run(&["list", "network:x", "--view", "All", "--format", "csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let records = parse_csv(&stdout(&out));
    let header =
        "id,network,account,kind,author_handle,created_at,status,priority,tags,assignee,text";
    assert_eq!(records[0].join(","), header);
    assert!(records.len() > 1, "no x items in 500 synthetic ones");
    for r in &records[1..] {
        assert_eq!(r.len(), 11, "{r:?}");
        assert_eq!(r[1], "x");
        assert!(r[0].starts_with("x:"));
        assert!(
            chrono::DateTime::parse_from_rfc3339(&r[5]).is_ok(),
            "{}",
            r[5]
        );
    }
}

#[test]
fn done_removes_an_item_from_the_inbox() {
    let sb = Sandbox::seeded();
    let ids = sb.list_ids(&[]);
    let id = &ids[0];
    let out = sb.run(&["done", id]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), format!("{id}: status done"));
    assert!(!sb.list_ids(&[]).contains(id));
    assert!(sb.list_ids(&["status:done"]).contains(id));
    let shown = sb.json(&["show", id, "--format", "json"]);
    assert_eq!(shown["local"]["status"], "Done");
    assert_eq!(shown["status"], "done");

    let again = sb.run(&["done", id]);
    assert!(stdout(&again).contains("unchanged"), "{}", stdout(&again));
    let reopen = sb.run(&["reopen", id]);
    assert!(reopen.status.success());
    assert!(sb.list_ids(&[]).contains(id));

    let audit = stdout(&sb.run(&["audit", "--limit", "5"]));
    let first = audit.lines().next().unwrap();
    assert!(
        first.contains("camille") && first.contains(id.as_str()) && first.contains("status open"),
        "{audit}"
    );
}

#[test]
fn a_typo_in_a_list_of_ids_changes_nothing() {
    let sb = Sandbox::seeded();
    let ids = sb.list_ids(&[]);
    let out = sb.run(&["done", &ids[0], "x:nope:404", &ids[1]]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no item x:nope:404"),
        "{}",
        stderr(&out)
    );
    let after = sb.list_ids(&[]);
    assert!(after.contains(&ids[0]) && after.contains(&ids[1]));
}

#[test]
fn tag_records_who_and_why() {
    let sb = Sandbox::seeded();
    let inbox = sb.json(&["list", "--format", "json"]);
    let untagged = inbox.as_array().unwrap().iter().find(|v| {
        !v["local"]["tags"]
            .as_array()
            .unwrap()
            .contains(&"refund".into())
    });
    let id = untagged.unwrap()["id"].as_str().unwrap().to_string();
    let out = sb.run(&["tag", &id, "refund", "--why", "asked twice"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let shown = sb.run(&["show", &id]);
    assert!(shown.status.success());
    let text = stdout(&shown);
    assert!(
        text.contains("refund  by camille") && text.contains("asked twice"),
        "{text}"
    );
    assert!(sb.list_ids(&["tag:refund"]).contains(&id));

    sb.run(&["note", &id, "called", "back"]);
    sb.run(&["assign", &id, "support"]);
    let snooze = sb.run(&["snooze", &id, "--until", "2h"]);
    assert!(snooze.status.success(), "{}", stderr(&snooze));
    let text = stdout(&sb.run(&["show", &id]));
    assert!(
        text.contains("called back") && text.contains("assigned to support"),
        "{text}"
    );
    assert!(text.contains("snoozed until"), "{text}");
    assert!(!sb.list_ids(&[]).contains(&id));
    assert!(sb.list_ids(&["--view", "Snoozed"]).contains(&id));
}

#[test]
fn a_bad_config_file_exits_2_naming_file_and_line() {
    let sb = Sandbox::new();
    let file = sb.dir.path().join("config.toml");
    std::fs::write(&file, "agent = \"camille\"\nthemee = 1\n").unwrap();
    let out = sb
        .command()
        .arg("--config")
        .arg(&file)
        .args(["list"])
        .arg("--store")
        .arg(sb.store())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("config.toml:2"), "{err}");
    assert!(err.starts_with("guichet: "), "{err}");
    assert!(stdout(&out).is_empty());
}

#[test]
fn unknown_ids_and_views_are_clear_errors() {
    let sb = Sandbox::seeded();
    let out = sb.run(&["show", "x:brand:does-not-exist"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out).trim(),
        "guichet: no item x:brand:does-not-exist"
    );

    let out = sb.run(&["list", "--view", "Nope"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("unknown view 'Nope'"), "{err}");
    for name in [
        "Inbox",
        "DMs",
        "Urgent",
        "Escalated",
        "Snoozed",
        "Done",
        "All",
    ] {
        assert!(err.contains(name), "{name} missing from: {err}");
    }
}

#[test]
fn doctor_names_the_bad_line_of_keymap_toml() {
    let sb = Sandbox::seeded();
    let keymap = sb.config_dir().join("keymap.toml");
    std::fs::write(&keymap, "[queue]\n\"j\" = \"queue.no_such_action\"\n").unwrap();
    let out = sb.run(&["doctor"]);
    assert_eq!(out.status.code(), Some(1));
    let report = stdout(&out);
    assert!(report.contains("keymap.toml:2"), "{report}");
    assert!(
        report.contains("✓ store:") && report.contains("500 items"),
        "{report}"
    );

    std::fs::remove_file(&keymap).unwrap();
    let out = sb.run(&["doctor"]);
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(stdout(&out).contains("everything looks fine"));
}

#[test]
fn doctor_checks_what_hand_offs_need_without_showing_the_password() {
    let sb = Sandbox::seeded();
    let tags = "[people.marie]\nname = \"Marie\"\nemail = \"marie@example.org\"\n";
    std::fs::write(sb.config_dir().join("tags.toml"), tags).unwrap();
    let out = sb.run(&["doctor"]);
    assert_eq!(out.status.code(), Some(1));
    let report = stdout(&out);
    assert!(
        report.contains("✗ hand-offs by e-mail to marie need an [smtp] section"),
        "{report}"
    );
    let config = "[smtp]\nhost = \"127.0.0.1\"\nfrom = \"cm@example.org\"\nusername = \"cm\"\npassword_env = \"GUICHET_TEST_SMTP_PW\"\n\n[handoff]\ncallback_url = \"https://cm.example.org\"\n";
    std::fs::write(sb.config_dir().join("config.toml"), config).unwrap();
    let out = sb.run(&["doctor"]);
    let report = stdout(&out);
    assert!(
        report.contains(
            "✗ smtp: SMTP password: the environment variable GUICHET_TEST_SMTP_PW is not set"
        ),
        "{report}"
    );
    let out = sb
        .command()
        .env("GUICHET_TEST_SMTP_PW", "hunter2")
        .args(["doctor", "--store"])
        .arg(sb.store())
        .output()
        .unwrap();
    let report = stdout(&out);
    assert!(out.status.success(), "{report}");
    assert!(
        report.contains("✓ smtp: 127.0.0.1:587 (starttls) (password read from its source)"),
        "{report}"
    );
    assert!(report.contains("✓ hand-off callbacks: https://cm.example.org/handoff/"));
    assert!(!report.contains("hunter2"));
}

#[test]
fn sync_delivers_queued_hand_offs_even_without_accounts() {
    use guichet::store::Store;
    use guichet::triage::handoff::{Channel, HandoffPlan};
    let sb = Sandbox::new();
    let got = sb.dir.path().join("handoff.json");
    {
        let store = guichet::store::SledStore::open(&sb.store()).unwrap();
        let item = guichet::demo::demo_items(chrono::Utc::now()).remove(0);
        store.ingest(vec![item.clone()]).unwrap();
        let plan = HandoffPlan {
            tag: "refund".into(),
            assignee: "Marie".into(),
            note: None,
            due: None,
            at: chrono::Utc::now(),
            channels: vec![Channel::Command {
                cmd: format!("cat > '{}'", got.display()),
            }],
            callback_base: None,
        };
        for order in plan.orders(&item, "camille") {
            let action = guichet::outbox::OutAction::Handoff(Box::new(order));
            store.enqueue(&item.id, action, "camille").unwrap();
        }
    }
    let out = sb.run(&["sync"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("hand-offs: 1 sent, 0 not sent"),
        "{}",
        stdout(&out)
    );
    let payload: Value = serde_json::from_str(&std::fs::read_to_string(&got).unwrap()).unwrap();
    assert_eq!(payload["handoff"]["tag"], "refund");
    // Nothing left: a second run has no accounts and nothing to deliver.
    let out = sb.run(&["sync"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no accounts to sync"),
        "{}",
        stderr(&out)
    );
}

/// `report --format json` over the year before today, as JSON.
fn year_report(sb: &Sandbox) -> Value {
    let today = chrono::Utc::now().date_naive();
    let period = format!("{}..{today}", today - chrono::Days::new(366));
    let out = sb.run(&["report", "--period", &period, "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap()
}

#[test]
fn gen_audit_gives_reports_a_history() {
    let plain = Sandbox::new();
    let out = plain.run(&["gen", "--items", "3000", "--seed", "7"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let with = Sandbox::new();
    let out = with.run(&["gen", "--items", "3000", "--seed", "7", "--audit"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let line = stdout(&out);
    let lines: usize = line
        .strip_prefix("generated 3000 items and ")
        .and_then(|rest| rest.split_once(" audit lines in "))
        .map(|(n, _)| n.parse().unwrap())
        .unwrap_or_else(|| panic!("{line}"));
    assert!(lines > 1000, "{line}");

    let (before, after) = (year_report(&plain), year_report(&with));
    let total = |v: &Value, key: &str| v["totals"][key].as_u64().unwrap();
    assert_eq!(
        total(&before, "received"),
        total(&after, "received"),
        "the same items"
    );
    assert!(total(&after, "received") > 2000);
    // Without audit lines only the brand's synced replies answer; with
    // them, answers, escalations and moderation are there.
    assert!(
        total(&after, "answered") > total(&before, "answered") + 500,
        "{} vs {}",
        total(&after, "answered"),
        total(&before, "answered")
    );
    assert_eq!(total(&before, "escalated"), 0);
    assert!(total(&after, "escalated") > 0);
    assert!(total(&after, "hidden") > 0);
    assert!(
        after["totals"]["first_response"]["median_secs"]
            .as_i64()
            .unwrap()
            > 0
    );
    assert!(
        !after["escalations"]["by_tag"]
            .as_array()
            .unwrap()
            .is_empty(),
        "{}",
        after["escalations"]
    );
}

#[test]
fn gen_refuses_to_run_without_an_explicit_store() {
    let sb = Sandbox::new();
    let out = sb.command().args(["gen", "--items", "5"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("explicit --store"),
        "{}",
        stderr(&out)
    );
    assert!(!Path::new(&sb.dir.path().join("home/.local/share/guichet")).exists());
}

#[test]
fn a_bad_canned_reply_or_guideline_is_named_by_file_and_line_before_the_tui() {
    let sb = Sandbox::seeded();
    let replies = sb.config_dir().join("replies");
    std::fs::create_dir_all(&replies).unwrap();
    std::fs::write(
        replies.join("merci.toml"),
        "title = \"Merci\"\nlang = \"fr\"\nbody = \"\"\"\nMerci {{ prenom }} !\n\"\"\"\n",
    )
    .unwrap();
    std::fs::write(
        sb.config_dir().join("guidelines.toml"),
        "[brands.lumen]\nname = \"Atelier Lumen\"\n\n[brands.lumen.emoji]\nmax = \"two\"\n",
    )
    .unwrap();
    let out = sb.run(&["doctor"]);
    assert_eq!(out.status.code(), Some(1));
    let report = stdout(&out);
    assert!(report.contains("merci.toml:4"), "{report}");
    assert!(report.contains("prenom"), "{report}");
    assert!(report.contains("guidelines.toml:5"), "{report}");

    // The TUI refuses to start, naming the same problems, exit code 2.
    let tui = sb.run(&[]);
    assert_eq!(tui.status.code(), Some(2), "{}", stderr(&tui));
    assert!(stderr(&tui).contains("merci.toml:4"), "{}", stderr(&tui));

    std::fs::remove_file(replies.join("merci.toml")).unwrap();
    std::fs::remove_file(sb.config_dir().join("guidelines.toml")).unwrap();
    let out = sb.run(&["doctor"]);
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("canned replies: 20 examples"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn rules_test_shows_what_would_fire_without_acting() {
    let sb = Sandbox::seeded();
    let rules = sb.config_dir().join("rules.toml");
    std::fs::write(
        &rules,
        "[[rule]]\nname = \"Refunds\"\nwords = [\"rembours*\", \"refund*\"]\ntag = \"refund\"\n\n[[rule]]\nname = \"Broken\"\nregex = \"(unclosed\"\ntag = \"x\"\n",
    )
    .unwrap();
    let bad = sb.run(&["rules", "test", rules.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    assert!(stderr(&bad).contains("rules.toml:8"), "{}", stderr(&bad));

    std::fs::write(
        &rules,
        "[[rule]]\nname = \"Refunds\"\nwords = [\"rembours*\", \"refund*\"]\ntag = \"refund\"\n",
    )
    .unwrap();
    let before = stdout(&sb.run(&["audit", "--limit", "1000"]));
    let out = sb.run(&["rules", "test", rules.to_str().unwrap(), "--limit", "3"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report = stdout(&out);
    assert!(
        report.contains(" · Refunds · propose · tag refund · "),
        "{report}"
    );
    assert!(
        report.contains("of 500 items; nothing was changed."),
        "{report}"
    );
    assert_eq!(
        stdout(&sb.run(&["audit", "--limit", "1000"])),
        before,
        "nothing acted"
    );
}
