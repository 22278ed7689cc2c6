//! Audit lines to go with the scale generator's items: what a team would
//! have logged while handling them, so reports have a year of history to
//! read (benchmarks, scale tests). Deterministic for a seed.
//!
//! For each item, by its generated status: answered and done items get a
//! `status answered` a few minutes to two days after they arrived (done
//! ones a `status done` later); escalated ones a `tag +…`, `assign …` and
//! `status escalated`; a few get `hide sent`, `delete sent` or `block
//! sent`. Nothing is dated after `now`.

use chrono::{DateTime, Duration, Utc};
use fastrand::Rng;

use crate::model::{Item, Status};
use crate::store::AuditEntry;

const AGENTS: [&str; 3] = ["camille", "marc", "ines"];

/// Audit lines for `items`, with their own times (use `Store::import_audit`).
pub fn synthetic_audit(items: &[Item], seed: u64, now: DateTime<Utc>) -> Vec<AuditEntry> {
    let mut rng = Rng::with_seed(seed);
    let mut out = Vec::with_capacity(items.len() * 2);
    for item in items {
        if item.remote.from_us {
            continue;
        }
        let who = AGENTS[rng.usize(0..AGENTS.len())];
        let created = item.remote.created_at;
        let mut line = |at: DateTime<Utc>, what: String| {
            if at <= now {
                out.push(AuditEntry {
                    at,
                    who: who.to_string(),
                    item: item.id.clone(),
                    what,
                });
            }
        };
        // Mostly within hours, a tail up to two days.
        let longest = if rng.u8(0..5) == 0 { 172_800 } else { 14_400 };
        let answer = created + Duration::seconds(rng.i64(120..=longest));
        match item.local.status {
            Status::Answered => line(answer, "status answered".into()),
            Status::Done => {
                line(answer, "status answered".into());
                line(
                    answer + Duration::minutes(rng.i64(1..=600)),
                    "status done".into(),
                );
            }
            Status::Escalated => {
                let at = created + Duration::minutes(rng.i64(5..=240));
                let tag = item
                    .local
                    .tags
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "complaint".into());
                line(at, format!("tag +{tag}"));
                let to = item
                    .local
                    .assignee
                    .clone()
                    .unwrap_or_else(|| "support-team".into());
                line(at, format!("assign {to}"));
                line(at, "status escalated".into());
            }
            _ => {}
        }
        match rng.u16(0..1000) {
            0..=29 => line(
                created + Duration::minutes(rng.i64(1..=120)),
                "hide sent".into(),
            ),
            30..=34 => line(
                created + Duration::minutes(rng.i64(1..=120)),
                "delete sent".into(),
            ),
            35..=39 => line(
                created + Duration::minutes(rng.i64(1..=120)),
                "block sent".into(),
            ),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_follow_the_items_status_and_stay_in_the_past() {
        let now = Utc::now();
        let items: Vec<Item> = crate::demo::synthetic(2_000, 3, now).collect();
        let lines = synthetic_audit(&items, 3, now);
        assert!(lines.iter().all(|l| l.at <= now));
        let answered = items
            .iter()
            .filter(|i| {
                !i.remote.from_us && matches!(i.local.status, Status::Answered | Status::Done)
            })
            .count();
        let logged = lines.iter().filter(|l| l.what == "status answered").count();
        // Answers dated after `now` (items of the last hours) are left out.
        assert!(
            logged <= answered && logged * 10 >= answered * 9,
            "{logged} of {answered}"
        );
        assert!(lines.iter().any(|l| l.what == "status escalated"));
        assert!(lines.iter().any(|l| l.what == "hide sent"));
        assert_eq!(lines, synthetic_audit(&items, 3, now), "deterministic");
    }
}
