//! The `trail` tree (schema 5): the audit lines a report uses, kept as
//! compact events grouped by hour, so a year's report reads about 9,000
//! values instead of decoding a million audit lines one key at a time.
//!
//! Key: the hour (`time_bytes` of hours since the epoch). Value: a
//! [`Bucket`], the hour's names (who, tag, assignee) and its events, each
//! with its time in nanoseconds, the [`hash64`] of the item's id, and what
//! happened ([`What`], read from the line's words by
//! [`What::parse_all`]). Lines a report does not use are not kept here; the
//! `audit` tree keeps every line as it was written.
//!
//! Every writer of audit lines appends here in the same step: a local
//! change in its transaction, an import with the `trail-dirty` flag raised
//! around the two batches (a crash between them rebuilds the trail on the
//! next open, see [`rebuild`]).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sled::transaction::{ConflictableTransactionError, TransactionalTree};

use super::codec::{decode, encode, nanos, time_bytes, time_from};
use super::slots::hash64;
use super::{AuditEntry, StoreError};
use crate::report::trail::What;

/// Raised while an import writes the audit and the trail separately.
pub const TRAIL_DIRTY: &[u8] = b"trail-dirty";

const HOUR_NANOS: i64 = 3_600_000_000_000;

/// Audit lines read per step while rebuilding.
const REBUILD_BATCH: usize = 50_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Packed {
    at: i64,
    item: u64,
    who: u16,
    what: u8,
    /// A name index + 1 (the tag or the assignee), 0 when none.
    arg: u16,
}

/// One hour of events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Bucket {
    names: Vec<String>,
    events: Vec<Packed>,
}

impl Bucket {
    fn name(&mut self, s: &str) -> u16 {
        let i = self.names.iter().position(|n| n == s).unwrap_or_else(|| {
            self.names.push(s.to_string());
            self.names.len() - 1
        });
        u16::try_from(i).unwrap_or(u16::MAX)
    }

    fn push(&mut self, at: i64, item: u64, who: &str, what: &What) {
        let (code, arg) = match what {
            What::Answered => (0, None),
            What::Done => (1, None),
            What::Escalated => (2, None),
            What::TagAdded(t) => (3, Some(t.as_str())),
            What::Assigned(a) => (4, Some(a.as_str())),
            What::Hidden => (5, None),
            What::Deleted => (6, None),
            What::Blocked => (7, None),
        };
        let who = self.name(who);
        let arg = arg.map_or(0, |a| self.name(a).saturating_add(1));
        self.events.push(Packed {
            at,
            item,
            who,
            what: code,
            arg,
        });
    }
}

fn hour_key(at: i64) -> [u8; 8] {
    time_bytes(at.div_euclid(HOUR_NANOS))
}

/// One event as a report reads it; `who` indexes [`TrailRead::names`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrailEvent {
    pub at: DateTime<Utc>,
    /// [`hash64`] of the item's id.
    pub item: u64,
    pub who: u32,
    pub what: What,
}

/// The events of a time range, with one table of who did them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrailRead {
    pub names: Vec<String>,
    pub events: Vec<TrailEvent>,
}

impl TrailRead {
    /// Adds a bucket's events in `[from, to)`; `index` finds the names
    /// already in [`TrailRead::names`].
    fn add(&mut self, bucket: Bucket, from: i64, to: i64, index: &mut HashMap<String, u32>) {
        let mut names: Vec<Option<u32>> = vec![None; bucket.names.len()];
        let mut global = |out: &mut Vec<String>, i: u16| -> Option<u32> {
            let slot = names.get_mut(usize::from(i))?;
            if slot.is_none() {
                let name = bucket.names.get(usize::from(i))?;
                let at = *index.entry(name.clone()).or_insert_with(|| {
                    out.push(name.clone());
                    u32::try_from(out.len() - 1).unwrap_or(u32::MAX)
                });
                *slot = Some(at);
            }
            *slot
        };
        for p in bucket.events {
            if !(from..to).contains(&p.at) {
                continue;
            }
            let Some(who) = global(&mut self.names, p.who) else {
                continue;
            };
            let arg = || -> Option<String> {
                let i = p.arg.checked_sub(1)?;
                bucket.names.get(usize::from(i)).cloned()
            };
            let what = match p.what {
                0 => What::Answered,
                1 => What::Done,
                2 => What::Escalated,
                3 => match arg() {
                    Some(t) => What::TagAdded(t),
                    None => continue,
                },
                4 => match arg() {
                    Some(a) => What::Assigned(a),
                    None => continue,
                },
                5 => What::Hidden,
                6 => What::Deleted,
                7 => What::Blocked,
                // A code from a newer build: not ours to read.
                _ => continue,
            };
            self.events.push(TrailEvent {
                at: DateTime::from_timestamp_nanos(p.at),
                item: p.item,
                who,
                what,
            });
        }
    }
}

fn load(bytes: Option<sled::IVec>) -> Bucket {
    bytes.map_or_else(Bucket::default, |v| {
        decode(&v).unwrap_or_else(|e| {
            tracing::error!(error = %e, "unreadable trail hour replaced");
            Bucket::default()
        })
    })
}

/// Appends the events of `lines` (one read and write per hour touched).
pub fn append(tree: &sled::Tree, lines: &[AuditEntry]) -> Result<(), StoreError> {
    let mut hours: BTreeMap<[u8; 8], Vec<(&AuditEntry, What)>> = BTreeMap::new();
    for line in lines {
        for what in What::parse_all(&line.what) {
            hours
                .entry(hour_key(nanos(line.at)))
                .or_default()
                .push((line, what));
        }
    }
    let mut batch = sled::Batch::default();
    for (key, events) in hours {
        let mut bucket = load(tree.get(key)?);
        for (line, what) in events {
            bucket.push(nanos(line.at), hash64(line.item.as_str()), &line.who, &what);
        }
        batch.insert(&key, encode(&bucket)?);
    }
    tree.apply_batch(batch)?;
    Ok(())
}

/// Appends the events of one line inside a transaction.
pub fn append_tx(
    tree: &TransactionalTree,
    line: &AuditEntry,
) -> Result<(), ConflictableTransactionError<StoreError>> {
    let whats = What::parse_all(&line.what);
    if whats.is_empty() {
        return Ok(());
    }
    let at = nanos(line.at);
    let key = hour_key(at);
    let mut bucket = load(tree.get(key)?);
    for what in &whats {
        bucket.push(at, hash64(line.item.as_str()), &line.who, what);
    }
    let value = encode(&bucket).map_err(ConflictableTransactionError::Abort)?;
    tree.insert(&key, value)?;
    Ok(())
}

/// The events of `[from, to)`, in the order they were written.
pub fn read(
    tree: &sled::Tree,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<TrailRead, StoreError> {
    let mut out = TrailRead::default();
    if to <= from {
        return Ok(out);
    }
    let (lo, hi) = (nanos(from), nanos(to));
    let last = hour_key(hi.saturating_sub(1));
    let mut index = HashMap::new();
    for entry in tree.range(hour_key(lo)..=last) {
        let (k, v) = entry?;
        match decode::<Bucket>(&v) {
            Ok(bucket) => out.add(bucket, lo, hi, &mut index),
            Err(e) => {
                let hour = time_from(&k).unwrap_or_default();
                tracing::error!(hour, error = %e, "unreadable trail hour skipped");
            }
        }
    }
    Ok(out)
}

/// Rebuilds the trail from every audit line.
pub fn rebuild(audit: &sled::Tree, trail: &sled::Tree) -> Result<(), StoreError> {
    trail.clear()?;
    let mut lines = Vec::with_capacity(REBUILD_BATCH);
    for entry in audit.iter() {
        let (_, v) = entry?;
        match decode::<AuditEntry>(&v) {
            Ok(line) => lines.push(line),
            Err(e) => tracing::error!(error = %e, "unreadable audit line skipped"),
        }
        if lines.len() >= REBUILD_BATCH {
            append(trail, &std::mem::take(&mut lines))?;
        }
    }
    append(trail, &lines)
}
