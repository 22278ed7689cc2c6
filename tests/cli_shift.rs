//! `guichet shift --summary [--since TIME]` and `guichet shift --last`
//! through the real binary, on a temporary store and config folder.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::{Command, Output};

use chrono::{TimeZone, Utc};
use guichet::store::{ShiftRecord, Store};
use guichet::triage::shift::{Inputs, Shift, summarize};

mod common;

struct Folder {
    dir: tempfile::TempDir,
}

impl Folder {
    fn new() -> Folder {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("config")).unwrap();
        Folder { dir }
    }

    fn store(&self) -> PathBuf {
        self.dir.path().join("store")
    }

    /// Runs `guichet ARGS --store STORE` as camille, with every user
    /// folder inside the temporary one.
    fn run(&self, args: &[&str]) -> Output {
        let home = self.dir.path().join("home");
        Command::new(env!("CARGO_BIN_EXE_guichet"))
            .args(args)
            .arg("--store")
            .arg(self.store())
            .env("GUICHET_CONFIG_DIR", self.dir.path().join("config"))
            .env("GUICHET_AGENT", "camille")
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("XDG_STATE_HOME", home.join(".local/state"))
            .env_remove("GUICHET_LOG")
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "{args:?}: {}", err(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

fn err(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Ids of the first `n` items of the inbox.
fn ids(f: &Folder, n: usize) -> Vec<String> {
    let limit = n.to_string();
    let json: serde_json::Value =
        serde_json::from_str(&f.ok(&["list", "--format", "json", "--limit", &limit])).unwrap();
    json.as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn summary_prints_what_the_agent_did_since_a_time() {
    let f = Folder::new();
    f.ok(&["gen", "--items", "40", "--seed", "7"]);
    let picked = ids(&f, 3);
    f.ok(&["done", &picked[0], &picked[1]]);
    f.ok(&["tag", &picked[2], "refund"]);

    let md = f.ok(&["shift", "--summary"]);
    assert!(md.starts_with("# Shift hand-over: camille\n"), "{md}");
    assert!(
        md.contains("| Handled | 2 |"),
        "a tag handles nothing: {md}"
    );
    assert!(md.contains("| Done | 2 |"), "{md}");
    assert!(md.contains("Median first response: none"), "{md}");
    // Pending: the unanswered items now, the same count `list` shows.
    let pending = {
        let json: serde_json::Value =
            serde_json::from_str(&f.ok(&["list", "--format", "json", "--limit", "1000"])).unwrap();
        json.as_array().unwrap().len()
    };
    assert!(
        md.contains(&format!("| Pending now | {pending} |")),
        "{pending} pending expected: {md}"
    );
    assert!(md.contains("items wait for an answer; the oldest:"), "{md}");

    // An earlier start includes them; a window opening now has nothing.
    let old = f.ok(&["shift", "--summary", "--since", "2001-01-01"]);
    assert!(old.contains("| Handled | 2 |"), "{old}");
    let fresh = f.ok(&["shift", "--summary", "--since", "0m"]);
    assert!(fresh.contains("| Handled | 0 |"), "{fresh}");
    let out = f.run(&["shift", "--summary", "--since", "someday"]);
    assert!(!out.status.success());
    assert!(
        err(&out).contains("--since: cannot read 'someday'"),
        "{}",
        err(&out)
    );
    let out = f.run(&["shift", "--summary", "--since", "2999-01-01"]);
    assert!(err(&out).contains("in the future"), "{}", err(&out));
    let out = f.run(&["shift", "--since", "8h"]);
    assert!(!out.status.success(), "--since needs --summary");
}

#[test]
fn last_prints_the_newest_stored_note() {
    let f = Folder::new();
    f.ok(&["gen", "--items", "5", "--seed", "7"]);
    let out = f.run(&["shift", "--last"]);
    assert!(!out.status.success());
    assert!(
        err(&out).contains("no shift has ended yet"),
        "{}",
        err(&out)
    );

    {
        let store = common::reopen(&f.store()).unwrap();
        for (agent, hour) in [("paul", 18), ("ana", 9)] {
            let at = |h| Utc.with_ymd_and_hms(2026, 11, 23, h, 0, 0).unwrap();
            let shift = Shift {
                agent: agent.into(),
                started: at(hour - 2),
                ended: at(hour),
            };
            store
                .save_shift(&ShiftRecord {
                    summary: summarize(&shift, &Inputs::default()),
                    markdown: format!("# Shift hand-over: {agent}\n"),
                })
                .unwrap();
        }
        store.flush().unwrap();
    }
    // sled lets go of its lock from a background thread: wait for it.
    drop(common::reopen(&f.store()).unwrap());
    let mut out = f.run(&["shift", "--last"]);
    for _ in 0..50 {
        if !err(&out).contains("in use") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        out = f.run(&["shift", "--last"]);
    }
    assert!(out.status.success(), "{}", err(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "# Shift hand-over: paul\n",
        "the shift that ended last, not the one saved last"
    );
}
