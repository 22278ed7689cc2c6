//! The demo's escalations as a team's store would hold them: every
//! escalated demo item gets its escalation record (who, which tag, due by
//! the tag's SLA), written through the store like the `e` flow writes it.
//! Two are already overdue, so the inbox shows the boomerang at once.

use chrono::{DateTime, Duration, Utc};

use crate::change::LocalChange;
use crate::model::StatusKind;
use crate::store::{Store, StoreError};
use crate::triage::tags::Tags;

/// Who escalated them, in the demo's history.
const BY: &str = "léa";

/// Opens a record for each escalated item that has none; returns how many.
pub fn open_records(
    store: &dyn Store,
    tags: &Tags,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let open: Vec<u32> = store.escalations()?.into_iter().map(|(s, _)| s).collect();
    let mut rows: Vec<(i64, u32)> = store
        .rows()?
        .rows
        .iter()
        .filter(|r| r.status == StatusKind::Escalated && !open.contains(&r.seq))
        .map(|r| (r.created, r.seq))
        .collect();
    rows.sort_unstable();
    let mut done = 0;
    for (i, (_, seq)) in rows.into_iter().enumerate() {
        let Some(item) = store.get(seq)? else {
            continue;
        };
        let def = item
            .local
            .tags
            .iter()
            .filter_map(|t| tags.tags.get(t))
            .find(|d| d.escalates);
        let tag = def.map_or("complaint".to_string(), |d| d.name.clone());
        let Some(to) = item
            .local
            .assignee
            .clone()
            .or_else(|| def.and_then(|d| d.route.clone()))
        else {
            continue;
        };
        let sla = def
            .and_then(|d| d.first_response)
            .unwrap_or(Duration::hours(4));
        // The two oldest are late; the others fall due over the day.
        let due = match i {
            0 => now - Duration::hours(3),
            1 => now - Duration::minutes(40),
            n => now + sla + Duration::minutes(30 * i64::try_from(n).unwrap_or(0)),
        };
        let change = LocalChange::Escalate {
            to,
            tag,
            due: Some(due),
            note: None,
        };
        store.change(&[seq], &change, BY)?;
        done += 1;
    }
    Ok(done)
}
