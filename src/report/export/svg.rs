//! Inline SVG charts for the HTML report: stacked bars per day and
//! network, a distribution, a weekday × hour heat map, horizontal bars and
//! a gauge. Plain strings, no script; every label goes through [`esc`].

use std::fmt::Write as _;

use crate::model::Network;
use crate::report::metrics::{Bucket, DayRow, TagCount};

/// Escapes text for HTML and SVG (elements and attributes).
pub fn esc(s: &str) -> String {
    let line = crate::text::one_line(s);
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One colour per network, readable on white.
pub fn colour(n: Network) -> &'static str {
    match n {
        Network::Facebook => "#1877f2",
        Network::Instagram => "#c13584",
        Network::X => "#333333",
        Network::YouTube => "#d62828",
        Network::TikTok => "#00a3a3",
        Network::LinkedIn => "#0a66c2",
        Network::Threads => "#7a5c3e",
        Network::Mastodon => "#6364ff",
        Network::Bluesky => "#1185fe",
    }
}

const W: usize = 720;

fn open(out: &mut String, h: usize, title: &str) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {h}" width="{W}" height="{h}" role="img" aria-label="{t}"><title>{t}</title>"#,
        t = esc(title)
    );
}

/// Received items per day, stacked by network.
pub fn day_bars(days: &[DayRow]) -> String {
    let mut dates: Vec<chrono::NaiveDate> = days.iter().map(|d| d.date).collect();
    dates.dedup();
    let totals: Vec<usize> = dates
        .iter()
        .map(|date| {
            days.iter()
                .filter(|d| d.date == *date)
                .map(|d| d.tally.received)
                .sum()
        })
        .collect();
    let max = totals.iter().copied().max().unwrap_or(0).max(1);
    let (h, base) = (220usize, 190usize);
    let mut out = String::new();
    open(&mut out, h, "Items received per day and network");
    let slot = (W - 40) as f64 / dates.len().max(1) as f64;
    for (i, date) in dates.iter().enumerate() {
        let x = 30.0 + i as f64 * slot;
        let mut y = base as f64;
        for d in days
            .iter()
            .filter(|d| d.date == *date && d.tally.received > 0)
        {
            let bh = d.tally.received as f64 / max as f64 * 160.0;
            y -= bh;
            let _ = write!(
                out,
                r#"<rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{bh:.1}" fill="{}"><title>{} {}: {}</title></rect>"#,
                (slot * 0.8).max(1.0),
                colour(d.network),
                d.date,
                esc(d.network.as_str()),
                d.tally.received
            );
        }
        if dates.len() <= 31 {
            let _ = write!(
                out,
                r#"<text x="{:.1}" y="{}" font-size="9" text-anchor="middle">{}</text>"#,
                x + slot * 0.4,
                base + 14,
                date.format("%d/%m")
            );
        }
    }
    let _ = write!(
        out,
        r##"<text x="4" y="24" font-size="10">{max}</text><line x1="28" y1="{base}" x2="{W}" y2="{base}" stroke="#999"/></svg>"##
    );
    out
}

/// Vertical bars with labels (the response-time distribution).
pub fn histogram(buckets: &[Bucket]) -> String {
    let max = buckets.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    let mut out = String::new();
    open(&mut out, 200, "First-response time distribution");
    let slot = (W - 40) as f64 / buckets.len().max(1) as f64;
    for (i, b) in buckets.iter().enumerate() {
        let x = 30.0 + i as f64 * slot;
        let bh = b.count as f64 / max as f64 * 140.0;
        let _ = write!(
            out,
            r##"<rect x="{x:.1}" y="{:.1}" width="{:.1}" height="{bh:.1}" fill="#4a7ab5"/><text x="{:.1}" y="185" font-size="11" text-anchor="middle">{}</text><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle">{}</text>"##,
            165.0 - bh,
            slot * 0.7,
            x + slot * 0.35,
            esc(b.label),
            x + slot * 0.35,
            160.0 - bh,
            b.count
        );
    }
    out.push_str("</svg>");
    out
}

/// Weekday × hour grid, darker where more items arrived.
pub fn heatmap(cells: &[[usize; 24]; 7]) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let max = cells.iter().flatten().copied().max().unwrap_or(0).max(1);
    let mut out = String::new();
    open(&mut out, 200, "Items received by weekday and hour");
    for (d, row) in cells.iter().enumerate() {
        let y = 10 + d * 24;
        let _ = write!(
            out,
            r#"<text x="0" y="{}" font-size="11">{}</text>"#,
            y + 15,
            DAYS.get(d).unwrap_or(&"")
        );
        for (h, n) in row.iter().enumerate() {
            let x = 36 + h * 28;
            let alpha = 0.06 + 0.94 * (*n as f64 / max as f64);
            let _ = write!(
                out,
                r##"<rect x="{x}" y="{y}" width="26" height="22" fill="#c0392b" fill-opacity="{alpha:.2}"><title>{} {h:02}h: {n}</title></rect>"##,
                DAYS.get(d).unwrap_or(&"")
            );
        }
    }
    for h in (0..24).step_by(3) {
        let _ = write!(
            out,
            r#"<text x="{}" y="196" font-size="10">{h:02}h</text>"#,
            36 + h * 28
        );
    }
    out.push_str("</svg>");
    out
}

/// Horizontal bars (the tag breakdown).
pub fn tag_bars(tags: &[TagCount]) -> String {
    let shown = &tags[..tags.len().min(12)];
    let max = shown.iter().map(|t| t.items).max().unwrap_or(0).max(1);
    let h = 20 + shown.len() * 22;
    let mut out = String::new();
    open(&mut out, h, "Tags of the items received");
    for (i, t) in shown.iter().enumerate() {
        let y = 10 + i * 22;
        let bw = t.items as f64 / max as f64 * 480.0;
        let _ = write!(
            out,
            r##"<text x="0" y="{}" font-size="12">{}</text><rect x="160" y="{y}" width="{bw:.1}" height="16" fill="#8e44ad"/><text x="{:.1}" y="{}" font-size="11">{}</text>"##,
            y + 13,
            esc(&crate::text::truncate(&t.tag, 22)),
            166.0 + bw,
            y + 13,
            t.items
        );
    }
    out.push_str("</svg>");
    out
}

/// A half-circle gauge of the SLA timers met.
pub fn gauge(ratio: Option<f64>, met: usize, breached: usize) -> String {
    let r = ratio.unwrap_or(0.0).clamp(0.0, 1.0);
    let angle = std::f64::consts::PI * (1.0 - r);
    let (cx, cy, rad) = (180.0, 150.0, 120.0);
    let (x, y) = (cx + rad * angle.cos(), cy - rad * angle.sin());
    let label = ratio.map_or_else(
        || "no SLA timer settled".to_string(),
        |r| format!("{:.0}% met", r * 100.0),
    );
    let mut out = String::new();
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 360 190" width="360" height="190" role="img" aria-label="SLA"><title>SLA timers met</title><path d="M 60 150 A 120 120 0 0 1 300 150" fill="none" stroke="#e5e5e5" stroke-width="24"/>"##
    );
    if r > 0.0 {
        let _ = write!(
            out,
            r##"<path d="M 60 150 A 120 120 0 0 1 {x:.1} {y:.1}" fill="none" stroke="#27ae60" stroke-width="24"/>"##
        );
    }
    let _ = write!(
        out,
        r#"<text x="180" y="140" font-size="22" text-anchor="middle">{}</text><text x="180" y="175" font-size="12" text-anchor="middle">{met} met · {breached} breached</text></svg>"#,
        esc(&label)
    );
    out
}
