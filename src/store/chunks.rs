//! Chunked records: queue rows (a sled tree) and search text (the
//! `search-text` file, see [`super::text_file`]) stored many items per
//! key, because sled's cost is per key. Reading a million rows is then a
//! thousand reads instead of a million, and a search scans a few thousand
//! chunks.
//!
//! - `rows`: key = `seq >> ROW_BITS`; value = a [`RowChunk`]: the rows of up
//!   to 1,024 items with chunk-local string dictionaries, so decoding does
//!   not allocate a string per row.
//! - search text: chunk = `seq >> TEXT_BITS`; [`TextChunk`] bytes: `seq`,
//!   length and folded text per item, scanned without decoding.
//!
//! Writers read a chunk, change it with [`RowChunk::put`]/[`TextChunk::put`]
//! and write it back whole.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::rows::{RowRecord, RowSet};
use crate::model::{Kind, Network, Priority, StatusKind};

pub const ROW_BITS: u32 = 10;
pub const TEXT_BITS: u32 = 8;

pub fn row_chunk(seq: u32) -> [u8; 4] {
    (seq >> ROW_BITS).to_be_bytes()
}

pub fn text_chunk(seq: u32) -> [u8; 4] {
    (seq >> TEXT_BITS).to_be_bytes()
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Packed {
    seq: u32,
    created: i64,
    snooze_until: i64,
    network: u8,
    kind: u8,
    status: u8,
    priority: u8,
    read: bool,
    account: u16,
    /// 0 = none, else dictionary index + 1 (same for `lang`).
    assignee: u16,
    lang: u16,
    tags: Vec<u16>,
}

/// Rows of up to 1,024 consecutive seqs, sorted by seq.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowChunk {
    accounts: Vec<String>,
    assignees: Vec<String>,
    langs: Vec<String>,
    tags: Vec<String>,
    rows: Vec<Packed>,
}

fn local(dict: &mut Vec<String>, s: &str) -> u16 {
    let i = dict.iter().position(|x| x == s).unwrap_or_else(|| {
        dict.push(s.to_string());
        dict.len() - 1
    });
    u16::try_from(i).unwrap_or(u16::MAX)
}

fn local_opt(dict: &mut Vec<String>, s: Option<&str>) -> u16 {
    s.map_or(0, |s| local(dict, s).saturating_add(1))
}

fn name(dict: &[String], i: u16) -> Option<&str> {
    dict.get(usize::from(i)).map(String::as_str)
}

impl RowChunk {
    /// Inserts or replaces the row of `seq`.
    pub fn put(&mut self, seq: u32, created: i64, rec: &RowRecord) {
        let packed = Packed {
            seq,
            created,
            snooze_until: rec.snooze_until,
            network: rec.network,
            kind: rec.kind,
            status: rec.status,
            priority: rec.priority,
            read: rec.read,
            account: local(&mut self.accounts, &rec.account),
            assignee: local_opt(&mut self.assignees, rec.assignee.as_deref()),
            lang: local_opt(&mut self.langs, rec.lang.as_deref()),
            tags: rec.tags.iter().map(|t| local(&mut self.tags, t)).collect(),
        };
        match self.rows.binary_search_by_key(&seq, |p| p.seq) {
            Ok(i) => self.rows[i] = packed,
            Err(i) => self.rows.insert(i, packed),
        }
    }

    /// The stored record of `seq`, with its creation time.
    pub fn get(&self, seq: u32) -> Option<(i64, RowRecord)> {
        let p = &self.rows[self.rows.binary_search_by_key(&seq, |p| p.seq).ok()?];
        let opt = |dict: &[String], i: u16| {
            i.checked_sub(1)
                .and_then(|i| name(dict, i))
                .map(str::to_string)
        };
        let rec = RowRecord {
            network: p.network,
            kind: p.kind,
            status: p.status,
            priority: p.priority,
            read: p.read,
            snooze_until: p.snooze_until,
            account: name(&self.accounts, p.account)
                .unwrap_or_default()
                .to_string(),
            assignee: opt(&self.assignees, p.assignee),
            tags: p
                .tags
                .iter()
                .filter_map(|t| name(&self.tags, *t))
                .map(str::to_string)
                .collect(),
            lang: opt(&self.langs, p.lang),
        };
        Some((p.created, rec))
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Appends every row to `set`, mapping the chunk's dictionaries onto
    /// the set's interner once per chunk rather than once per row.
    pub fn load_into(&self, set: &mut RowSet) {
        let accounts: Vec<u16> = self.accounts.iter().map(|a| set.names.account(a)).collect();
        let tags: Vec<u16> = self.tags.iter().map(|t| set.names.tag(t)).collect();
        let assignees: Vec<u16> = self
            .assignees
            .iter()
            .map(|a| set.names.assignee(Some(a)))
            .collect();
        let langs: Vec<u16> = self.langs.iter().map(|l| set.names.lang(Some(l))).collect();
        let via = |map: &[u16], i: u16| map.get(usize::from(i)).copied().unwrap_or(0);
        let via_opt = |map: &[u16], i: u16| i.checked_sub(1).map_or(0, |i| via(map, i));
        // The chunk's tag combinations, each interned once.
        let mut sets: std::collections::HashMap<&[u16], u32> = std::collections::HashMap::new();
        for p in &self.rows {
            set.rows.push(super::Row {
                seq: p.seq,
                created: p.created,
                snooze_until: super::rows::secs(p.snooze_until),
                tags: match sets.get(p.tags.as_slice()) {
                    Some(set) => *set,
                    None => {
                        let mapped: Vec<u16> = p.tags.iter().map(|t| via(&tags, *t)).collect();
                        let id = set.names.tag_set_of(&mapped);
                        sets.insert(&p.tags, id);
                        id
                    }
                },
                account: via(&accounts, p.account),
                assignee: via_opt(&assignees, p.assignee),
                lang: via_opt(&langs, p.lang),
                network: Network::from_index(p.network).unwrap_or(Network::Facebook),
                kind: Kind::from_index(p.kind).unwrap_or(Kind::Comment),
                status: StatusKind::from_index(p.status).unwrap_or(StatusKind::New),
                priority: Priority::from_index(p.priority).unwrap_or_default(),
                read: p.read,
                proposed: false,
            });
        }
    }

    /// Drops dictionary entries no row uses any more (tags removed…).
    pub fn compact(&mut self) {
        let old = std::mem::take(self);
        for p in &old.rows {
            if let Some((created, rec)) = old.get(p.seq) {
                self.put(p.seq, created, &rec);
            }
        }
    }
}

/// Folded search text of up to 256 consecutive seqs, as raw bytes:
/// `seq (u32 BE) · len (u32 BE) · UTF-8 text`, sorted by seq.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextChunk(pub Vec<u8>);

impl TextChunk {
    /// Walks `(seq, text)` entries; stops at the first malformed one.
    pub fn entries(bytes: &[u8]) -> impl Iterator<Item = (u32, &[u8])> {
        let mut rest = bytes;
        std::iter::from_fn(move || {
            let seq = u32::from_be_bytes(rest.get(0..4)?.try_into().ok()?);
            let len = u32::from_be_bytes(rest.get(4..8)?.try_into().ok()?) as usize;
            let text = rest.get(8..8 + len)?;
            rest = &rest[8 + len..];
            Some((seq, text))
        })
    }

    /// Inserts or replaces the text of `seq`.
    pub fn put(&mut self, seq: u32, text: &str) {
        self.put_many(&[(seq, text.to_string())]);
    }

    /// Inserts or replaces several texts, rewriting the chunk once.
    pub fn put_many<T: AsRef<[u8]>>(&mut self, updates: &[(u32, T)]) {
        let mut merged: BTreeMap<u32, &[u8]> = TextChunk::entries(&self.0).collect();
        for (seq, text) in updates {
            merged.insert(*seq, text.as_ref());
        }
        let size = merged.values().map(|t| t.len() + 8).sum();
        let mut out = Vec::with_capacity(size);
        for (s, t) in merged {
            out.extend_from_slice(&s.to_be_bytes());
            out.extend_from_slice(&u32::try_from(t.len()).unwrap_or(u32::MAX).to_be_bytes());
            out.extend_from_slice(t);
        }
        self.0 = out;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(tags: &[&str], assignee: Option<&str>) -> RowRecord {
        RowRecord {
            network: Network::Bluesky.index(),
            kind: Kind::Reply.index(),
            status: StatusKind::Open.index(),
            priority: Priority::High.index(),
            read: true,
            snooze_until: 5,
            account: "brand".into(),
            assignee: assignee.map(str::to_string),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            lang: Some("fr".into()),
        }
    }

    #[test]
    fn row_chunks_round_trip_and_replace() {
        let mut c = RowChunk::default();
        c.put(7, 100, &rec(&["refund"], Some("camille")));
        c.put(3, 50, &rec(&[], None));
        c.put(7, 100, &rec(&["legal", "urgent"], None));
        assert_eq!(c.len(), 2);
        assert_eq!(c.get(7), Some((100, rec(&["legal", "urgent"], None))));
        assert_eq!(c.get(3), Some((50, rec(&[], None))));
        c.compact();
        assert_eq!(
            c.tags,
            vec!["legal", "urgent"],
            "unused dictionary entries go"
        );
        let bytes = crate::store::codec::encode(&c).unwrap();
        let back: RowChunk = crate::store::codec::decode(&bytes).unwrap();
        let mut set = RowSet::default();
        back.load_into(&mut set);
        assert_eq!(
            set.rows.iter().map(|r| r.seq).collect::<Vec<_>>(),
            vec![3, 7]
        );
        let tags = set.names.tag_set(set.rows[1].tags);
        assert_eq!(tags.len(), 2);
        assert_eq!(set.names.tag_name(tags[0]), "legal");
        assert_eq!(set.rows[0].assignee, 0);
    }

    #[test]
    fn text_chunks_keep_order_and_replace() {
        let mut t = TextChunk::default();
        t.put(9, "neuf");
        t.put(2, "deux");
        t.put(9, "nine");
        let got: Vec<(u32, &[u8])> = TextChunk::entries(&t.0).collect();
        assert_eq!(got, vec![(2, b"deux".as_slice()), (9, b"nine".as_slice())]);
        // A truncated value stops the walk instead of panicking.
        assert_eq!(TextChunk::entries(&t.0[..t.0.len() - 1]).count(), 1);
    }
}
