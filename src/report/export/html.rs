//! The report as one self-contained HTML page (no script, no external
//! file): the tables of the Markdown export and the charts as inline SVG.
//! Every piece of text is escaped.

use std::fmt::Write as _;

use super::period_line;
use super::svg::{self, esc};
use crate::report::Report;
use crate::report::metrics::{AuthorRow, EscalationRow, Tally};

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:760px;margin:2em auto;color:#222}\
table{border-collapse:collapse;margin:1em 0}td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:right}\
td:first-child,th:first-child{text-align:left}h2{margin-top:2em}.muted{color:#666}";

fn tally_cells(name: &str, t: &Tally) -> String {
    let cells: String = super::tally_cells(t)
        .iter()
        .map(|c| format!("<td>{c}</td>"))
        .collect();
    format!("<tr><td>{}</td>{cells}</tr>", esc(name))
}

fn escalations(out: &mut String, first: &str, rows: &[EscalationRow]) {
    let _ = write!(
        out,
        "<table><tr><th>{first}</th><th>opened</th><th>resolved</th><th>answered</th><th>open</th><th>resolution median</th></tr>"
    );
    for e in rows {
        let cells: String = super::escalation_cells(e)
            .iter()
            .map(|c| format!("<td>{c}</td>"))
            .collect();
        let _ = write!(out, "<tr><td>{}</td>{cells}</tr>", esc(&e.name));
    }
    out.push_str("</table>");
}

fn authors(out: &mut String, title: &str, rows: &[AuthorRow]) {
    let _ = write!(
        out,
        "<h3>{}</h3><table><tr><th>author</th><th>network</th><th>items</th><th>negative</th><th>followers</th></tr>",
        esc(title)
    );
    for a in rows {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&a.handle),
            a.network,
            a.items,
            a.negative,
            a.followers.map(|f| f.to_string()).unwrap_or_default()
        );
    }
    out.push_str("</table>");
}

/// The whole page.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let title = format!("Report: {}", report.header.label);
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title><style>{STYLE}</style></head><body><h1>{t}</h1><p class=\"muted\">{}</p>",
        esc(&period_line(report)),
        t = esc(&title)
    );
    out.push_str("<table><tr><th></th><th>received</th><th>answered</th><th>response rate</th><th>first response (median)</th><th>p90</th><th>hidden</th><th>deleted</th><th>blocked</th><th>escalated</th></tr>");
    out.push_str(&tally_cells("total", &report.totals));
    for n in &report.networks {
        out.push_str(&tally_cells(n.network.as_str(), &n.tally));
    }
    out.push_str("</table><h2>Volume per day</h2>");
    out.push_str(&svg::day_bars(&report.days));
    out.push_str("<p>");
    for n in &report.networks {
        let _ = write!(
            out,
            "<span style=\"color:{}\">■</span> {} ",
            svg::colour(n.network),
            esc(n.network.as_str())
        );
    }
    out.push_str("</p><h2>First-response times</h2>");
    out.push_str(&svg::histogram(&report.histogram));
    out.push_str("<h2>When items arrive</h2>");
    out.push_str(&svg::heatmap(&report.heatmap));
    out.push_str("<h2>SLA</h2>");
    let s = &report.sla;
    out.push_str(&svg::gauge(s.ratio(), s.met, s.breached));
    let _ = write!(out, "<p>{} pending.</p><h2>Escalations</h2>", s.pending);
    escalations(&mut out, "tag", &report.escalations.by_tag);
    escalations(&mut out, "assignee", &report.escalations.by_assignee);
    out.push_str("<h2>Tags</h2>");
    out.push_str(&svg::tag_bars(&report.tags));
    out.push_str("<h2>Top authors</h2>");
    authors(&mut out, "Most active", &report.authors.most_active);
    authors(&mut out, "Most negative", &report.authors.most_negative);
    authors(&mut out, "Influencers", &report.authors.influencers);
    out.push_str("<h2>Engagement</h2><ul>");
    for line in super::engagement_lines(report) {
        let _ = write!(out, "<li>{line}</li>");
    }
    out.push_str("</ul></body></html>\n");
    out
}
