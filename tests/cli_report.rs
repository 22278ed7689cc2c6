//! `guichet report` end to end in every format, on a store written here
//! with fixed dates and audit lines, in the Europe/Paris zone from config.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

use chrono::{DateTime, Utc};
use guichet::model::{Author, Item, Kind, Network, Remote};
use guichet::store::{AuditEntry, SledStore, Store};

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn item(native: &str, created: &str, handle: &str, followers: Option<u64>) -> Item {
    Item::new(Remote {
        network: Network::X,
        account: "brand".into(),
        native_id: native.into(),
        kind: Kind::Mention,
        thread_id: None,
        parent_id: None,
        post: None,
        author: Author {
            id: native.into(),
            handle: handle.into(),
            display_name: handle.into(),
            profile_url: None,
            followers,
        },
        text: "service nul".into(),
        lang: None,
        created_at: utc(created),
        permalink: None,
        engagement: Default::default(),
        from_us: false,
        moderation: Default::default(),
    })
}

struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new(config: &str) -> Setup {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("config")).unwrap();
        std::fs::write(dir.path().join("config/config.toml"), config).unwrap();
        let store = SledStore::open(&dir.path().join("store")).unwrap();
        store
            .ingest(vec![
                // Friday 27 March 2026, 10:00 and 11:00 in Paris.
                item(
                    "1",
                    "2026-03-27T09:00:00Z",
                    "=HYPERLINK(\"http://evil\")",
                    None,
                ),
                item(
                    "2",
                    "2026-03-27T10:00:00Z",
                    "<script>alert(1)</script>",
                    Some(99),
                ),
            ])
            .unwrap();
        store
            .import_audit(&[AuditEntry {
                at: utc("2026-03-27T10:30:00Z"),
                who: "camille".into(),
                item: "x:brand:1".parse().unwrap(),
                what: "status answered".into(),
            }])
            .unwrap();
        store.flush().unwrap();
        drop(store);
        Setup { dir }
    }

    /// `guichet report ARGS` (over Friday 27 to Sunday 29 March unless
    /// ARGS says another `--period`).
    fn run(&self, args: &[&str]) -> Output {
        let home = self.dir.path().join("home");
        let period: &[&str] = if args.contains(&"--period") {
            &[]
        } else {
            &["--period", "2026-03-27..2026-03-29"]
        };
        Command::new(env!("CARGO_BIN_EXE_guichet"))
            .env("GUICHET_CONFIG_DIR", self.dir.path().join("config"))
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env_remove("GUICHET_LOG")
            .arg("report")
            .args(period)
            .args(args)
            .arg("--store")
            .arg(self.dir.path().join("store"))
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn path(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join(name)
    }
}

const PARIS: &str = "timezone = \"Europe/Paris\"\n";

#[test]
fn markdown_has_the_totals_table() {
    let s = Setup::new(PARIS);
    let md = s.ok(&[]);
    assert!(md.starts_with("# Report: 2026-03-27..2026-03-29"), "{md}");
    // 2 received, 1 answered after 1 h 30 m.
    assert!(
        md.contains("| **total** | 2 | 1 | 50.0% | 1h 30m | 1h 30m | 0 | 0 | 0 | 0 |"),
        "{md}"
    );
    assert!(md.contains("(Europe/Paris)"), "{md}");
    // A hostile handle cannot open a tag or a table cell.
    assert!(md.contains("\\<script\\>"), "{md}");
}

#[test]
fn json_is_the_report_struct() {
    let s = Setup::new(PARIS);
    let v: serde_json::Value = serde_json::from_str(&s.ok(&["--format", "json"])).unwrap();
    assert_eq!(v["totals"]["received"], 2);
    assert_eq!(v["totals"]["answered"], 1);
    assert_eq!(v["totals"]["first_response"]["median_secs"], 5400);
    assert_eq!(v["header"]["zone"], "Europe/Paris");
    assert_eq!(v["header"]["from"], "2026-03-27T00:00:00+01:00");
    // 3 days × 1 network.
    assert_eq!(v["days"].as_array().unwrap().len(), 3);
}

#[test]
fn csv_has_day_rows_then_guarded_item_rows() {
    let s = Setup::new(PARIS);
    let csv = s.ok(&["--format", "csv"]);
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert!(lines[0].starts_with("date,network,received,answered,response_rate"));
    assert_eq!(lines[1], "2026-03-27,x,2,1,0.5000,5400,5400,0,0,0,0");
    assert_eq!(lines[2], "2026-03-28,x,0,0,,,,0,0,0,0");
    assert_eq!(lines.len(), 4);
    let csv = s.ok(&["--format", "csv", "--items"]);
    let items: Vec<&str> = csv
        .split("\r\n\r\n")
        .nth(1)
        .unwrap()
        .split("\r\n")
        .collect();
    assert!(items[0].starts_with("id,network,account,kind,created,author"));
    // The formula handle gets its apostrophe (and CSV quoting).
    assert!(
        items[1].starts_with("x:brand:1,x,brand,mention,2026-03-27T10:00:00+01:00,\"'=HYPERLINK(\"\"http://evil\"\")\",1,1,5400,1,"),
        "{}",
        items[1]
    );
}

#[test]
fn html_is_one_escaped_page_with_svg_charts() {
    let s = Setup::new(PARIS);
    let out = s.path("report.html");
    let printed = s.ok(&["--format", "html", "--out", out.to_str().unwrap()]);
    assert!(printed.is_empty());
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(
        html.matches("<svg").count(),
        5,
        "day bars, distribution, heat map, gauge, tags"
    );
    assert!(!html.contains("<script"), "hostile text escaped");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("http://") || html.contains("xmlns=\"http://www.w3.org/2000/svg\""));
}

#[test]
fn filters_and_errors() {
    let s = Setup::new(PARIS);
    let v: serde_json::Value =
        serde_json::from_str(&s.ok(&["--format", "json", "--network", "mastodon"])).unwrap();
    assert_eq!(v["totals"]["received"], 0);
    let v: serde_json::Value =
        serde_json::from_str(&s.ok(&["--format", "json", "--agent", "camille"])).unwrap();
    assert_eq!(v["totals"]["received"], 1);
    let out = s.run(&["--period", "yesterday"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("last-7-days"));
    let bad = Setup::new("timezone = \"Europe/Lutece\"\n");
    let out = bad.run(&[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("config.toml:1: key 'timezone'"), "{err}");
    assert!(Path::new(&s.path("store")).exists());
}
