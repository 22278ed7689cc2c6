//! CSV for a spreadsheet: one row per local day × network, and with
//! `--items`, after an empty line, one row per item the report counted.
//!
//! Every text cell is guarded against formula injection: a cell starting
//! with `=`, `+`, `-`, `@` (or a tab or carriage return, which some
//! spreadsheets skip before reading a formula) gets a leading apostrophe.

use std::io::{self, Write};

use chrono_tz::Tz;

pub use crate::cli::csv::guard;
use crate::cli::csv::record;
use crate::model::Item;
use crate::report::{ItemRow, Report};

pub const DAY_HEADER: [&str; 11] = [
    "date",
    "network",
    "received",
    "answered",
    "response_rate",
    "first_response_median_s",
    "first_response_p90_s",
    "hidden",
    "deleted",
    "blocked",
    "escalated",
];

pub const ITEM_HEADER: [&str; 16] = [
    "id",
    "network",
    "account",
    "kind",
    "created",
    "author",
    "received",
    "answered",
    "first_response_s",
    "negative",
    "hidden",
    "deleted",
    "blocked",
    "escalated",
    "sla_breached",
    "tags",
];

fn opt(n: Option<i64>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

/// The daily sheet.
pub fn days(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    record(out, &DAY_HEADER)?;
    for d in &report.days {
        let t = &d.tally;
        record(
            out,
            &[
                d.date.to_string(),
                d.network.to_string(),
                t.received.to_string(),
                t.answered.to_string(),
                t.response_rate
                    .map(|r| format!("{r:.4}"))
                    .unwrap_or_default(),
                opt(t.first_response.median_secs),
                opt(t.first_response.p90_secs),
                t.hidden.to_string(),
                t.deleted.to_string(),
                t.blocked.to_string(),
                t.escalated.to_string(),
            ],
        )?;
    }
    Ok(())
}

/// One item's row; `row` is what the report counted it for.
pub fn item(out: &mut dyn Write, row: &ItemRow, item: &Item, zone: Tz) -> io::Result<()> {
    let r = &item.remote;
    let flag = |b: bool| if b { "1" } else { "0" };
    let text = |s: &str| guard(&crate::text::one_line(s)).into_owned();
    record(
        out,
        &[
            text(item.id.as_str()),
            r.network.to_string(),
            text(&r.account),
            r.kind.to_string(),
            r.created_at.with_timezone(&zone).to_rfc3339(),
            text(&r.author.handle),
            flag(row.received).to_string(),
            flag(row.response_secs.is_some()).to_string(),
            opt(row.response_secs),
            flag(row.negative).to_string(),
            flag(row.hidden).to_string(),
            flag(row.deleted).to_string(),
            flag(row.blocked).to_string(),
            flag(row.escalated).to_string(),
            flag(row.sla_breached).to_string(),
            text(&item.local.tags.join(";")),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused() {
        assert_eq!(guard("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(guard("+33 6"), "'+33 6");
        assert_eq!(guard("-1"), "'-1");
        assert_eq!(guard("@fan"), "'@fan");
        assert_eq!(guard("fan"), "fan");
    }
}
