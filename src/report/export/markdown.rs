//! The report as Markdown, to paste in a message or a wiki page. Text from
//! the networks is put on one line and its Markdown characters escaped, so
//! a handle cannot break a table or inject a link.

use std::fmt::Write as _;

use super::{duration, percent, period_line};
use crate::report::Report;
use crate::report::compare::Headline;
use crate::report::metrics::{AuthorRow, EscalationRow, Tally};

/// Escapes what Markdown would read as markup (and table pipes).
pub fn escape(s: &str) -> String {
    let line = crate::text::one_line(s);
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn tally_row(name: &str, t: &Tally) -> String {
    format!("| {name} | {} |", super::tally_cells(t).join(" | "))
}

fn escalation_table(out: &mut String, first: &str, rows: &[EscalationRow]) {
    let _ = writeln!(
        out,
        "| {first} | opened | resolved | answered | open | resolution median |\n|---|---:|---:|---:|---:|---:|"
    );
    for e in rows {
        let _ = writeln!(
            out,
            "| {} | {} |",
            escape(&e.name),
            super::escalation_cells(e).join(" | ")
        );
    }
}

fn authors(out: &mut String, title: &str, rows: &[AuthorRow]) {
    let list: Vec<String> = rows
        .iter()
        .map(|a| {
            let followers = a
                .followers
                .map(|f| format!(", {f} followers"))
                .unwrap_or_default();
            format!(
                "{} ({}, {} items, {} negative{followers})",
                escape(&a.handle),
                a.network,
                a.items,
                a.negative
            )
        })
        .collect();
    let shown = if list.is_empty() {
        "-".to_string()
    } else {
        list.join("; ")
    };
    let _ = writeln!(out, "- {title}: {shown}");
}

/// The whole report.
pub fn render(report: &Report) -> String {
    render_with(report, None)
}

/// The whole report, with the comparison with the period before (see
/// [`crate::report::compare`]) under its period line when given.
pub fn render_with(report: &Report, previous: Option<&Headline>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Report: {}\n", escape(&report.header.label));
    let _ = writeln!(out, "{}\n", period_line(report));
    if let Some(before) = previous {
        let _ = writeln!(out, "{}", crate::report::compare::markdown(report, before));
    }
    let _ = writeln!(
        out,
        "| | received | answered | response rate | first response (median) | p90 | hidden | deleted | blocked | escalated |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    let _ = writeln!(out, "{}", tally_row("**total**", &report.totals));
    for n in &report.networks {
        let _ = writeln!(out, "{}", tally_row(n.network.as_str(), &n.tally));
    }
    let s = &report.sla;
    let _ = writeln!(
        out,
        "\n## SLA\n\n{} met · {} breached · {} pending ({} met)",
        s.met,
        s.breached,
        s.pending,
        percent(s.ratio())
    );
    let _ = writeln!(
        out,
        "\n## Escalations\n\nResolution time: median {}, p90 {}.\n",
        duration(report.escalations.resolution.median_secs),
        duration(report.escalations.resolution.p90_secs)
    );
    escalation_table(&mut out, "tag", &report.escalations.by_tag);
    out.push('\n');
    escalation_table(&mut out, "assignee", &report.escalations.by_assignee);
    let _ = writeln!(out, "\n## First response times\n");
    for b in &report.histogram {
        let _ = writeln!(out, "- {}: {}", escape(b.label), b.count);
    }
    let _ = writeln!(out, "\n## Top authors\n");
    authors(&mut out, "most active", &report.authors.most_active);
    authors(&mut out, "most negative", &report.authors.most_negative);
    authors(&mut out, "influencers", &report.authors.influencers);
    let _ = writeln!(out, "\n## Engagement\n");
    for line in super::engagement_lines(report) {
        let _ = writeln!(out, "- {line}");
    }
    let _ = writeln!(out, "\n## Busiest hours\n");
    let _ = writeln!(out, "{}", busiest(report));
    let _ = writeln!(out, "\n## Tags\n");
    if report.tags.is_empty() {
        let _ = writeln!(out, "-");
    }
    for t in &report.tags {
        let _ = writeln!(out, "- {}: {}", escape(&t.tag), t.items);
    }
    out
}

/// The three busiest weekday-hours, to plan answer rounds.
fn busiest(report: &Report) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let mut cells: Vec<(usize, usize, usize)> = report
        .heatmap
        .iter()
        .enumerate()
        .flat_map(|(d, hours)| hours.iter().enumerate().map(move |(h, n)| (*n, d, h)))
        .filter(|c| c.0 > 0)
        .collect();
    cells.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let top: Vec<String> = cells
        .iter()
        .take(3)
        .map(|(n, d, h)| format!("{} {h:02}:00 ({n})", DAYS.get(*d).unwrap_or(&"?")))
        .collect();
    if top.is_empty() {
        "-".to_string()
    } else {
        top.join(", ")
    }
}
