//! The `slots` tree (schema 4): one fixed-size record per seq, stored
//! 2^[`SLOT_BITS`] per key, holding what the lookups by id, thread, author
//! and queue order need: creation time, status and three hashes.
//!
//! ```text
//! slot = created (i64 BE) · id hash (u64 BE) · thread hash (u32 BE)
//!      · author hash (u32 BE) · status (u8; 0xFF = no item)
//! ```
//!
//! A record sits at offset `(seq & mask) × SLOT_LEN` in its chunk, so
//! writing one is a slice copy. The lookups scan every record (about 25 MB
//! for a million items, a few milliseconds) and check each candidate
//! against the item itself, so a hash collision costs a wasted read and
//! never a wrong answer. This replaced one sled key per item in each of the
//! `ids`, `queue`, `by_thread` and `by_author` trees.

use std::collections::BTreeSet;

use crate::model::Item;

pub const SLOT_BITS: u32 = 10;
pub const SLOT_LEN: usize = 25;
const EMPTY: u8 = 0xFF;

pub fn slot_chunk(seq: u32) -> [u8; 4] {
    (seq >> SLOT_BITS).to_be_bytes()
}

/// FNV-1a, 64 bits: stable across builds and platforms, unlike std's hasher.
pub fn hash64(s: &str) -> u64 {
    hash_parts(&[s])
}

/// [`hash64`] of the parts joined by `:`, without building the string.
pub fn hash_parts(parts: &[&str]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for (i, part) in parts.iter().enumerate() {
        let sep: &[u8] = if i > 0 { b":" } else { b"" };
        for b in sep.iter().chain(part.as_bytes()) {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

fn fold32(h: u64) -> u32 {
    (h ^ (h >> 32)) as u32
}

/// The thread hash of an item: that of [`Item::thread_key`].
pub fn thread_hash(item: &Item) -> u32 {
    let r = &item.remote;
    let thread = r.thread_id.as_deref().unwrap_or(&r.native_id);
    fold32(hash_parts(&[r.network.as_str(), &r.account, thread]))
}

/// The author hash of an item: that of [`Item::author_key`].
pub fn author_hash(item: &Item) -> u32 {
    let r = &item.remote;
    fold32(hash_parts(&[r.network.as_str(), &r.author.id]))
}

/// One item's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub created: i64,
    pub id: u64,
    pub thread: u32,
    pub author: u32,
    pub status: u8,
}

impl Slot {
    pub fn of(item: &Item) -> Slot {
        Slot {
            created: item.remote.created_at.timestamp(),
            id: hash64(item.id.as_str()),
            thread: thread_hash(item),
            author: author_hash(item),
            status: item.local.status.kind().index(),
        }
    }

    fn write(&self, out: &mut [u8]) {
        out[0..8].copy_from_slice(&self.created.to_be_bytes());
        out[8..16].copy_from_slice(&self.id.to_be_bytes());
        out[16..20].copy_from_slice(&self.thread.to_be_bytes());
        out[20..24].copy_from_slice(&self.author.to_be_bytes());
        out[24] = self.status;
    }

    fn read(rec: &[u8]) -> Option<Slot> {
        let status = *rec.get(24)?;
        if status == EMPTY {
            return None;
        }
        Some(Slot {
            created: i64::from_be_bytes(rec.get(0..8)?.try_into().ok()?),
            id: u64::from_be_bytes(rec.get(8..16)?.try_into().ok()?),
            thread: u32::from_be_bytes(rec.get(16..20)?.try_into().ok()?),
            author: u32::from_be_bytes(rec.get(20..24)?.try_into().ok()?),
            status,
        })
    }
}

/// Writes `slot` for `seq` into a chunk value, growing it as needed.
pub fn put(chunk: &mut Vec<u8>, seq: u32, slot: &Slot) {
    let at = (seq & ((1 << SLOT_BITS) - 1)) as usize * SLOT_LEN;
    if chunk.len() < at + SLOT_LEN {
        // Missing records in between are marked empty.
        let from = chunk.len() / SLOT_LEN;
        chunk.resize(at + SLOT_LEN, 0);
        for i in from..at / SLOT_LEN {
            chunk[i * SLOT_LEN + 24] = EMPTY;
        }
    }
    slot.write(&mut chunk[at..at + SLOT_LEN]);
}

/// Every `(seq, slot)` of a chunk value stored under `key`.
pub fn entries(key: &[u8], chunk: &[u8]) -> impl Iterator<Item = (u32, Slot)> {
    let base = super::codec::seq_from(key).unwrap_or(0) << SLOT_BITS;
    chunk
        .chunks_exact(SLOT_LEN)
        .zip(0u32..)
        .filter_map(move |(rec, i)| Some((base | i, Slot::read(rec)?)))
}

/// Id hash → seq for every item, kept in memory by a store that ingests
/// (about 12 bytes per item). Built from `slots` on first use.
#[derive(Debug, Default)]
pub struct IdMap {
    /// Sorted by hash; parallel vectors to avoid padding.
    hashes: Vec<u64>,
    seqs: Vec<u32>,
    /// Added since the last merge.
    recent: BTreeSet<(u64, u32)>,
}

const MERGE_AT: usize = 65_536;

impl IdMap {
    pub fn from_pairs(mut pairs: Vec<(u64, u32)>) -> IdMap {
        pairs.sort_unstable();
        let (hashes, seqs) = pairs.into_iter().unzip();
        IdMap {
            hashes,
            seqs,
            recent: BTreeSet::new(),
        }
    }

    /// Seqs whose id has this hash (almost always zero or one).
    pub fn candidates(&self, hash: u64) -> Vec<u32> {
        let lo = self.hashes.partition_point(|h| *h < hash);
        let hi = self.hashes.partition_point(|h| *h <= hash);
        let mut out: Vec<u32> = self.seqs[lo..hi].to_vec();
        out.extend(self.recent.range((hash, 0)..=(hash, u32::MAX)).map(|p| p.1));
        out
    }

    pub fn insert(&mut self, hash: u64, seq: u32) {
        self.recent.insert((hash, seq));
        if self.recent.len() >= MERGE_AT {
            let mut pairs: Vec<(u64, u32)> =
                self.hashes.drain(..).zip(self.seqs.drain(..)).collect();
            pairs.extend(std::mem::take(&mut self.recent));
            *self = IdMap::from_pairs(pairs);
        }
    }

    pub fn len(&self) -> usize {
        self.hashes.len() + self.recent.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(created: i64, status: u8) -> Slot {
        Slot {
            created,
            id: 99,
            thread: 7,
            author: 8,
            status,
        }
    }

    #[test]
    fn slots_sit_at_their_offset_and_gaps_read_empty() {
        let mut chunk = Vec::new();
        put(&mut chunk, 1024 + 3, &slot(-5, 1));
        put(&mut chunk, 1024 + 1, &slot(7, 0));
        let got: Vec<(u32, Slot)> = entries(&1u32.to_be_bytes(), &chunk).collect();
        assert_eq!(got, vec![(1025, slot(7, 0)), (1027, slot(-5, 1))]);
        put(&mut chunk, 1027, &slot(9, 2));
        assert_eq!(
            entries(&1u32.to_be_bytes(), &chunk).nth(1).unwrap().1,
            slot(9, 2)
        );
    }

    #[test]
    fn hashes_are_stable_and_id_map_finds_collisions() {
        assert_eq!(hash64(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash64("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(hash_parts(&["x", "brand", "1"]), hash64("x:brand:1"));
        let item = crate::demo::synthetic(1, 3, chrono::Utc::now())
            .next()
            .unwrap();
        assert_eq!(thread_hash(&item), fold32(hash64(&item.thread_key())));
        assert_eq!(author_hash(&item), fold32(hash64(&item.author_key())));
        let mut map = IdMap::from_pairs(vec![(5, 1), (3, 0), (5, 2)]);
        map.insert(5, 9);
        map.insert(4, 10);
        assert_eq!(map.candidates(5), vec![1, 2, 9]);
        assert_eq!(map.candidates(4), vec![10]);
        assert!(map.candidates(6).is_empty());
        assert_eq!(map.len(), 5);
    }
}
