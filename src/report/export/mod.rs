//! A report written out: Markdown for a message, CSV for a spreadsheet,
//! JSON for scripts, one self-contained HTML page with SVG charts for a
//! manager. Every format reads the same [`Report`]; text that came from the
//! networks (handles, tags) is escaped for the format it goes into.

pub mod csv;
pub mod html;
pub mod markdown;
mod svg;

use super::Report;

/// `45s`, `12m`, `1h 30m`, `2d 4h`; `-` when there is nothing.
pub fn duration(secs: Option<i64>) -> String {
    let Some(s) = secs else {
        return "-".to_string();
    };
    let s = s.max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3_600 => format!("{}m", s / 60),
        3_600..86_400 => match (s % 3_600) / 60 {
            0 => format!("{}h", s / 3_600),
            m => format!("{}h {m}m", s / 3_600),
        },
        _ => match (s % 86_400) / 3_600 {
            0 => format!("{}d", s / 86_400),
            h => format!("{}d {h}h", s / 86_400),
        },
    }
}

/// `66.7%`; `-` when undefined.
pub fn percent(ratio: Option<f64>) -> String {
    ratio.map_or_else(|| "-".to_string(), |r| format!("{:.1}%", r * 100.0))
}

/// A tally's numbers as table cells, in the order of every format's
/// columns: received, answered, rate, median, p90, hidden, deleted,
/// blocked, escalated.
pub fn tally_cells(t: &super::metrics::Tally) -> [String; 9] {
    [
        t.received.to_string(),
        t.answered.to_string(),
        percent(t.response_rate),
        duration(t.first_response.median_secs),
        duration(t.first_response.p90_secs),
        t.hidden.to_string(),
        t.deleted.to_string(),
        t.blocked.to_string(),
        t.escalated.to_string(),
    ]
}

/// An escalation row's numbers after its name: opened, resolved,
/// answered, open, resolution median.
pub fn escalation_cells(e: &super::metrics::EscalationRow) -> [String; 5] {
    [
        e.opened.to_string(),
        e.resolved.to_string(),
        e.answered.to_string(),
        e.open.to_string(),
        duration(e.resolution.median_secs),
    ]
}

/// The report as pretty JSON.
/// One line per engagement sum: received items, then the brand's posts.
pub fn engagement_lines(report: &Report) -> [String; 2] {
    [
        ("on items received", &report.engagement.received),
        ("on the brand's posts", &report.engagement.brand),
    ]
    .map(|(what, e)| {
        let rate = e
            .rate
            .map(|r| format!(", engagement rate {:.2}%", r * 100.0))
            .unwrap_or_default();
        format!(
            "{what}: {} likes, {} replies, {} shares over {} items{rate}",
            e.likes, e.replies, e.shares, e.items
        )
    })
}

pub fn json(report: &Report) -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(report)
}

/// The period line shared by the Markdown and HTML headers.
pub fn period_line(report: &Report) -> String {
    let h = &report.header;
    let clock = match &h.business_hours {
        Some(b) => format!("response times in business hours ({b})"),
        None => "response times in wall-clock time".to_string(),
    };
    format!(
        "{} → {} ({}) · {} · {clock}",
        short_time(&h.from),
        short_time(&h.to),
        h.zone,
        h.filter
    )
}

/// `2026-03-27T00:00:00+01:00` → `2026-03-27 00:00`.
pub fn short_time(rfc3339: &str) -> String {
    rfc3339.get(..16).unwrap_or(rfc3339).replace('T', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_people_write_them() {
        assert_eq!(duration(None), "-");
        assert_eq!(duration(Some(42)), "42s");
        assert_eq!(duration(Some(5_400)), "1h 30m");
        assert_eq!(duration(Some(7_200)), "2h");
        assert_eq!(duration(Some(226_800)), "2d 15h");
        assert_eq!(percent(Some(2.0 / 3.0)), "66.7%");
    }
}
