//! The `facts` tree (schema 5): what a report needs of an item's remote
//! half that the queue rows do not hold, one fixed-size record per seq,
//! 2^[`FACT_BITS`] per key (the same grouping as `slots` and `rows`, so a
//! report reads the three chunks of a group together).
//!
//! ```text
//! fact = created (i64 BE, nanoseconds) · parent hash (u64 BE; 0 = none)
//!      · author hash (u64 BE) · followers (u32 BE) · likes (u32 BE)
//!      · replies (u32 BE) · shares (u32 BE) · sentiment (i8) · flags (u8)
//! ```
//!
//! Counts saturate below `u32::MAX`, which means "the network did not
//! say". Flags: bit 0 is set on every written record (a clear bit is a gap
//! in the chunk), bit 1 marks the brand's own items. The sentiment is the
//! lexicon score of the text when it was written (clamped to ±127);
//! [`crate::report::sentiment::LEXICON`] changing raises a rebuild.
//!
//! A report reads these instead of decoding a million items: no text, no
//! strings, no time parsing, a slice read per field.

use chrono::{DateTime, Utc};

use super::codec::nanos;
use super::slots::{SLOT_BITS, hash_parts, hash64};
use crate::model::{Engagement, Item, ItemId};

pub const FACT_BITS: u32 = SLOT_BITS;
pub const FACT_LEN: usize = 42;
const PRESENT: u8 = 1;
const FROM_US: u8 = 2;
const UNKNOWN: u32 = u32::MAX;

pub fn fact_chunk(seq: u32) -> [u8; 4] {
    (seq >> FACT_BITS).to_be_bytes()
}

/// One item's report record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fact {
    /// Creation time in nanoseconds since the epoch.
    pub created: i64,
    /// [`hash64`] of the id of the item this one answers (0: none).
    pub parent: u64,
    /// [`author_key_hash`] of the author.
    pub author: u64,
    pub followers: Option<u64>,
    pub engagement: Engagement,
    pub sentiment: i8,
    pub from_us: bool,
}

/// A 64-bit hash of `network:author id` ([`Item::author_key`]).
pub fn author_key_hash(item: &Item) -> u64 {
    let r = &item.remote;
    hash_parts(&[r.network.as_str(), &r.author.id])
}

fn count(n: Option<u64>) -> u32 {
    n.map_or(UNKNOWN, |n| {
        u32::try_from(n).unwrap_or(UNKNOWN - 1).min(UNKNOWN - 1)
    })
}

fn uncount(n: u32) -> Option<u64> {
    (n != UNKNOWN).then_some(u64::from(n))
}

impl Fact {
    /// The record of `item`, whose text scored `sentiment`.
    pub fn of(item: &Item, sentiment: i32) -> Fact {
        let r = &item.remote;
        let parent = r.parent_id.as_deref().map_or(0, |p| {
            hash64(ItemId::new(r.network, &r.account, p).as_str())
        });
        Fact {
            created: nanos(r.created_at),
            parent,
            author: author_key_hash(item),
            followers: r.author.followers,
            engagement: r.engagement,
            sentiment: i8::try_from(sentiment.clamp(-127, 127)).unwrap_or(0),
            from_us: r.from_us,
        }
    }

    pub fn created_at(&self) -> DateTime<Utc> {
        DateTime::from_timestamp_nanos(self.created)
    }

    fn write(&self, out: &mut [u8]) {
        let e = &self.engagement;
        out[0..8].copy_from_slice(&self.created.to_be_bytes());
        out[8..16].copy_from_slice(&self.parent.to_be_bytes());
        out[16..24].copy_from_slice(&self.author.to_be_bytes());
        out[24..28].copy_from_slice(&count(self.followers).to_be_bytes());
        out[28..32].copy_from_slice(&count(e.likes).to_be_bytes());
        out[32..36].copy_from_slice(&count(e.replies).to_be_bytes());
        out[36..40].copy_from_slice(&count(e.shares).to_be_bytes());
        out[40] = self.sentiment.to_be_bytes()[0];
        out[41] = PRESENT | if self.from_us { FROM_US } else { 0 };
    }

    fn read(rec: &[u8]) -> Option<Fact> {
        let flags = *rec.get(41)?;
        if flags & PRESENT == 0 {
            return None;
        }
        let u64_at = |at: usize| -> Option<u64> {
            Some(u64::from_be_bytes(rec.get(at..at + 8)?.try_into().ok()?))
        };
        let u32_at = |at: usize| -> Option<u32> {
            Some(u32::from_be_bytes(rec.get(at..at + 4)?.try_into().ok()?))
        };
        Some(Fact {
            created: i64::from_be_bytes(rec.get(0..8)?.try_into().ok()?),
            parent: u64_at(8)?,
            author: u64_at(16)?,
            followers: uncount(u32_at(24)?),
            engagement: Engagement {
                likes: uncount(u32_at(28)?),
                replies: uncount(u32_at(32)?),
                shares: uncount(u32_at(36)?),
            },
            sentiment: i8::from_be_bytes([*rec.get(40)?]),
            from_us: flags & FROM_US != 0,
        })
    }
}

/// Writes `fact` for `seq` into a chunk value, growing it as needed (gaps
/// read as empty: their flags byte is 0).
pub fn put(chunk: &mut Vec<u8>, seq: u32, fact: &Fact) {
    let at = (seq & ((1 << FACT_BITS) - 1)) as usize * FACT_LEN;
    if chunk.len() < at + FACT_LEN {
        chunk.resize(at + FACT_LEN, 0);
    }
    fact.write(&mut chunk[at..at + FACT_LEN]);
}

/// The fact of `seq` in its chunk value, if written.
pub fn get(chunk: &[u8], seq: u32) -> Option<Fact> {
    let at = (seq & ((1 << FACT_BITS) - 1)) as usize * FACT_LEN;
    Fact::read(chunk.get(at..at + FACT_LEN)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_round_trip_and_gaps_read_empty() {
        let mut item = crate::demo::synthetic(1, 3, Utc::now()).next().unwrap();
        item.remote.parent_id = Some("p1".into());
        item.remote.author.followers = Some(10_000_000_000);
        item.remote.engagement = Engagement {
            likes: Some(3),
            replies: None,
            shares: Some(0),
        };
        item.remote.from_us = true;
        let fact = Fact::of(&item, -400);
        assert_eq!(fact.sentiment, -127);
        assert_eq!(
            fact.parent,
            hash64(&format!(
                "{}:{}:p1",
                item.remote.network.as_str(),
                item.remote.account
            ))
        );
        assert_eq!(fact.created_at(), item.remote.created_at);
        let mut chunk = Vec::new();
        put(&mut chunk, 1024 + 5, &fact);
        let back = get(&chunk, 1024 + 5).unwrap();
        assert_eq!(back.followers, Some(u64::from(u32::MAX - 1)));
        assert_eq!(back.engagement, item.remote.engagement);
        assert!(back.from_us);
        assert_eq!(
            Fact {
                followers: None,
                ..back
            },
            Fact {
                followers: None,
                ..fact
            }
        );
        assert_eq!(get(&chunk, 1024 + 2), None, "a gap is empty");
        assert_eq!(get(&chunk, 1024 + 9), None, "past the end is empty");
    }
}
