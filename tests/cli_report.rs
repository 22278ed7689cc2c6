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

fn answered(native: &str, at: &str) -> AuditEntry {
    AuditEntry {
        at: utc(at),
        who: "camille".into(),
        item: format!("x:brand:{native}").parse().unwrap(),
        what: "status answered".into(),
    }
}

impl Setup {
    /// Two items on Friday 27 March, one answered after 1 h 30.
    fn new(config: &str) -> Setup {
        Setup::with(config, Vec::new(), Vec::new())
    }

    /// The same, with more items and audit lines.
    fn with(config: &str, mut more: Vec<Item>, mut audit: Vec<AuditEntry>) -> Setup {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("config")).unwrap();
        std::fs::write(dir.path().join("config/config.toml"), config).unwrap();
        let store = SledStore::open(&dir.path().join("store")).unwrap();
        more.extend(vec![
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
        ]);
        store.ingest(more).unwrap();
        audit.push(answered("1", "2026-03-27T10:30:00Z"));
        store.import_audit(&audit).unwrap();
        store.flush().unwrap();
        drop(store);
        Setup { dir }
    }

    /// `guichet report ARGS` (over Friday 27 to Sunday 29 March unless
    /// ARGS says another `--period`). sled lets go of the store's lock
    /// from a background thread after the setup drops it: a run that finds
    /// the store "in use" is tried again.
    fn run(&self, args: &[&str]) -> Output {
        let mut out = self.run_once(args);
        for _ in 0..50 {
            if !String::from_utf8_lossy(&out.stderr).contains("in use") {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
            out = self.run_once(args);
        }
        out
    }

    fn run_once(&self, args: &[&str]) -> Output {
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

/// 27–29 March against the three days before (24–26 March): 4 items on
/// Wednesday 25, 3 answered after 30 min, 1 h and 2 h (median, nearest
/// rank 2 of 3: 1 h). So received 2 vs 4 (-50%), answered 1 vs 3 (-67%),
/// rate 50% vs 75% (-25 points), median 1 h 30 vs 1 h (+30m).
fn compared() -> Setup {
    let items = (3..=6)
        .map(|n| item(&n.to_string(), "2026-03-25T09:00:00Z", "regular", None))
        .collect();
    let audit = vec![
        answered("3", "2026-03-25T09:30:00Z"),
        answered("4", "2026-03-25T10:00:00Z"),
        answered("5", "2026-03-25T11:00:00Z"),
    ];
    Setup::with(PARIS, items, audit)
}

#[test]
fn compare_adds_the_period_before_in_markdown() {
    let s = compared();
    let md = s.ok(&["--compare"]);
    let section = md
        .find("## Compared with 2026-03-24..2026-03-26 (2026-03-24 00:00 → 2026-03-27 00:00)")
        .unwrap_or_else(|| panic!("{md}"));
    assert!(
        section < md.find("| **total** |").unwrap(),
        "under the period line, before the tables: {md}"
    );
    for row in [
        "| received | 2 | 4 | -50% |",
        "| answered | 1 | 3 | -67% |",
        "| response rate | 50.0% | 75.0% | -25.0 pts |",
        "| first response (median) | 1h 30m | 1h | +30m |",
        "| SLA met | 0 of 0 (-) | 0 of 0 (-) | - |",
    ] {
        assert!(md.contains(row), "{row} missing:\n{md}");
    }
    assert!(!s.ok(&[]).contains("Compared with"), "only with --compare");
}

#[test]
fn compare_adds_previous_to_the_json() {
    let s = compared();
    let v: serde_json::Value =
        serde_json::from_str(&s.ok(&["--format", "json", "--compare"])).unwrap();
    assert_eq!(v["totals"]["received"], 2, "the report is unchanged");
    let p = &v["previous"];
    assert_eq!(p["label"], "2026-03-24..2026-03-26");
    assert_eq!(p["from"], "2026-03-24T00:00:00+01:00");
    assert_eq!(p["to"], "2026-03-27T00:00:00+01:00");
    assert_eq!(p["received"], 4);
    assert_eq!(p["answered"], 3);
    assert_eq!(p["response_rate"], 0.75);
    assert_eq!(p["median_first_response_secs"], 3600);
    assert_eq!(p["sla_met"], 0);
    assert!(p["sla_met_rate"].is_null());
    let plain: serde_json::Value = serde_json::from_str(&s.ok(&["--format", "json"])).unwrap();
    assert!(plain.get("previous").is_none());

    // A month is compared with the calendar month before.
    let v: serde_json::Value =
        serde_json::from_str(&s.ok(&["--format", "json", "--compare", "--period", "this-month"]))
            .unwrap();
    assert_eq!(v["previous"]["label"], "last month");
    assert!(
        v["previous"]["from"]
            .as_str()
            .unwrap()
            .contains("-01T00:00:00"),
        "{}",
        v["previous"]
    );

    let out = s.run(&["--format", "csv", "--compare"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--compare goes with --format md or json"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
