//! Items stored many per sled key ([`ITEMS_TREE`], schema 6), because
//! sled's cost is per key: a batch of new items, whose seqs are
//! consecutive, is a few chunk writes instead of one write per item.
//!
//! Chunks are small on purpose. sled reads and caches whole leaves (up to
//! 16 keys), and its cache only evicts once a shard has queued 64 reads, so
//! every leaf a session touches stays in memory for a long time. With 64
//! items per chunk (schema 4 and 5) a leaf held up to 480 KB, and each
//! screen of search hits kept 10–20 MB. With 16 it holds up to 128 KB
//! (about 70 KB kept per item read), and queue lines read no item at all
//! (see [`super::glance`]). 8 per chunk halved that again but cost 40% of
//! the ingest speed (10k bench: 101,000 items/s against 157,000).
//!
//! A chunk holds the items of up to 2^[`ITEM_BITS`] consecutive seqs as
//! raw bytes, with an index so one item decodes without the others:
//!
//! ```text
//! count (u32 BE) · count × [seq (u32 BE) · end offset (u32 BE)] · bodies
//! ```
//!
//! Each body is an item as [`super::codec::encode`] writes it (format byte
//! first), so item values keep their versioning inside a chunk.

use std::collections::BTreeMap;

use super::StoreError;
use super::codec::{decode, encode};
use crate::model::Item;

/// Items per chunk: 2^4 = 16, about 8 KB of value.
pub const ITEM_BITS: u32 = 4;

/// The tree of item chunks of [`ITEM_BITS`].
pub const ITEMS_TREE: &str = "items_16";

/// The tree of schema 4 and 5: 64 items per chunk.
pub const OLD_ITEMS_TREE: &str = "item_chunks";

/// The tree of schema 6: 8 items per chunk.
pub const ITEMS_8_TREE: &str = "items_8";

pub fn item_chunk(seq: u32) -> [u8; 4] {
    (seq >> ITEM_BITS).to_be_bytes()
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    let arr: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
    Some(u32::from_be_bytes(arr))
}

/// Reads a chunk value in place.
pub struct ChunkView<'a> {
    bytes: &'a [u8],
    count: usize,
}

impl<'a> ChunkView<'a> {
    pub fn new(bytes: &'a [u8]) -> ChunkView<'a> {
        let count = u32_at(bytes, 0).unwrap_or(0) as usize;
        // A count the value cannot hold is a damaged chunk: read nothing.
        let count = if 4 + count * 8 <= bytes.len() {
            count
        } else {
            0
        };
        ChunkView { bytes, count }
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    fn seq_at(&self, i: usize) -> Option<u32> {
        u32_at(self.bytes, 4 + i * 8)
    }

    fn body_at(&self, i: usize) -> Option<&'a [u8]> {
        let base = 4 + self.count * 8;
        let start = match i {
            0 => 0,
            _ => u32_at(self.bytes, 4 + (i - 1) * 8 + 4)? as usize,
        };
        let end = u32_at(self.bytes, 4 + i * 8 + 4)? as usize;
        self.bytes.get(base + start..base + end)
    }

    /// The encoded item of `seq`, if the chunk has it.
    pub fn body(&self, seq: u32) -> Option<&'a [u8]> {
        let (mut lo, mut hi) = (0, self.count);
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.seq_at(mid)?.cmp(&seq) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return self.body_at(mid),
            }
        }
        None
    }

    pub fn get(&self, seq: u32) -> Result<Option<Item>, StoreError> {
        self.body(seq).map(decode).transpose()
    }

    /// Every `(seq, encoded item)`, in seq order.
    pub fn entries(&self) -> impl Iterator<Item = (u32, &'a [u8])> + '_ {
        (0..self.count).map_while(|i| Some((self.seq_at(i)?, self.body_at(i)?)))
    }
}

/// A chunk being rewritten: encoded items by seq.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChunkBuf {
    items: BTreeMap<u32, Vec<u8>>,
}

impl ChunkBuf {
    pub fn from_bytes(bytes: &[u8]) -> ChunkBuf {
        ChunkBuf {
            items: ChunkView::new(bytes)
                .entries()
                .map(|(s, b)| (s, b.to_vec()))
                .collect(),
        }
    }

    pub fn get(&self, seq: u32) -> Result<Option<Item>, StoreError> {
        self.items.get(&seq).map(|b| decode(b)).transpose()
    }

    pub fn put(&mut self, seq: u32, item: &Item) -> Result<(), StoreError> {
        self.put_encoded(seq, encode(item)?);
        Ok(())
    }

    pub fn put_encoded(&mut self, seq: u32, body: Vec<u8>) {
        self.items.insert(seq, body);
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let body_len: usize = self.items.values().map(Vec::len).sum();
        let mut out = Vec::with_capacity(4 + self.items.len() * 8 + body_len);
        let count = u32::try_from(self.items.len()).unwrap_or(u32::MAX);
        out.extend_from_slice(&count.to_be_bytes());
        let mut end = 0usize;
        for (seq, body) in &self.items {
            end += body.len();
            out.extend_from_slice(&seq.to_be_bytes());
            out.extend_from_slice(&u32::try_from(end).unwrap_or(u32::MAX).to_be_bytes());
        }
        for body in self.items.values() {
            out.extend_from_slice(body);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Network;

    fn item(native: &str, text: &str) -> Item {
        let mut it = crate::demo::synthetic(1, 1, chrono::Utc::now())
            .next()
            .unwrap();
        it.remote.network = Network::X;
        it.remote.native_id = native.into();
        it.remote.text = text.into();
        it.id = it.remote.id();
        it
    }

    #[test]
    fn chunks_round_trip_replace_and_read_one_item() {
        let mut buf = ChunkBuf::default();
        buf.put(65, &item("b", "second")).unwrap();
        buf.put(64, &item("a", "first")).unwrap();
        buf.put(65, &item("b", "second, edited")).unwrap();
        let bytes = buf.to_bytes();
        let view = ChunkView::new(&bytes);
        assert_eq!(view.len(), 2);
        assert_eq!(view.get(64).unwrap().unwrap().remote.text, "first");
        assert_eq!(view.get(65).unwrap().unwrap().remote.text, "second, edited");
        assert!(view.get(66).unwrap().is_none());
        assert_eq!(ChunkBuf::from_bytes(&bytes), buf);
        assert_eq!(item_chunk(15), [0, 0, 0, 0]);
        assert_eq!(item_chunk(16), [0, 0, 0, 1]);
        assert_eq!(item_chunk(64), [0, 0, 0, 4]);
        // Damaged values read as empty instead of panicking.
        assert!(ChunkView::new(&bytes[..6]).is_empty());
        assert!(ChunkView::new(&[]).is_empty());
        let cut = ChunkView::new(&bytes[..bytes.len() - 3]);
        assert!(cut.get(65).unwrap().is_none());
    }
}
