use std::path::Path;

use chrono::{Duration, TimeZone, Utc};

use super::*;

#[test]
fn the_example_defines_the_nine_shipped_tags_with_routes_and_slas() {
    let tags = Tags::parse(EXAMPLE, Path::new("tags.example.toml")).unwrap();
    let names: Vec<&str> = tags.tags.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "bug",
            "complaint",
            "delivery",
            "influencer",
            "legal",
            "refund",
            "sales-lead",
            "ugc-request",
            "urgent"
        ]
    );
    let refund = &tags.tags["refund"];
    assert_eq!(refund.route.as_deref(), Some("marie"));
    assert_eq!(refund.handoff, Some(Via::Email));
    assert!(refund.escalates);
    let at = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
    assert_eq!(refund.first_response_due(at), Some(at + Duration::hours(2)));
    assert_eq!(refund.resolution_due(at), Some(at + Duration::days(3)));
    assert!(tags.roster["sav"].team && !tags.roster["marie"].team);
    let mut exclusive = tags.exclusive_with("refund");
    exclusive.sort_unstable();
    assert_eq!(exclusive, ["bug", "complaint", "delivery", "legal"]);
    assert!(
        tags.exclusive_with("sales-lead").is_empty(),
        "not a pick-one group"
    );
}

#[test]
fn durations() {
    assert_eq!(parse_duration("30m"), Ok(Duration::minutes(30)));
    assert_eq!(parse_duration("2h"), Ok(Duration::hours(2)));
    assert_eq!(parse_duration("1w"), Ok(Duration::weeks(1)));
    for bad in ["", "h", "2", "0h", "2y", "-1d", "99999999999999999999d"] {
        assert!(parse_duration(bad).is_err(), "{bad}");
    }
}

#[test]
fn problems_name_file_line_and_key() {
    let src = "[people.marie]\nemail = \"m@x.fr\"\n\n[tags.refund]\nroute = \"paul\"\nfirst_response = \"soon\"\ngroup = \"case\"\n\n[tags.legal]\nroute = \"marie\"\nhandoff = \"webhook\"\n";
    let errs = Tags::parse(src, Path::new("tags.toml")).unwrap_err().0;
    let shown: Vec<String> = errs.iter().map(ToString::to_string).collect();
    let has = |needle: &str| shown.iter().any(|e| e.contains(needle));
    assert!(has("tags.toml:5: key 'tags.refund.route'"), "{shown:#?}");
    assert!(
        has("tags.toml:6: key 'tags.refund.first_response'"),
        "{shown:#?}"
    );
    assert!(has("tags.toml:7: key 'tags.refund.group'"), "{shown:#?}");
    assert!(
        has("tags.toml:11: key 'tags.legal.handoff': 'marie' has no webhook address"),
        "{shown:#?}"
    );
    let unknown = Tags::parse("[tags.x]\ncolour = \"red\"\n", Path::new("tags.toml")).unwrap_err();
    assert!(unknown.to_string().contains("tags.toml:2"), "{unknown}");
}
