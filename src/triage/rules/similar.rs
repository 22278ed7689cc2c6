//! Near-duplicate texts, for spam waves: a text is the set of its folded
//! words; two texts are alike when their Jaccard similarity (shared words
//! over all words) reaches a threshold.
//!
//! Identical word sets form one group, so a thousand copies cost one.
//! Candidate groups come from MinHash signatures cut into 16 bands of 5
//! rows (locality-sensitive hashing): groups that agree on a whole band
//! share a bucket. Every candidate is then checked exactly, so a count is
//! never too high; a pair may be missed: 0.2 % of pairs at similarity 0.8,
//! 5 % at 0.7, 27 % at 0.6 and 60 % at 0.5, the lowest threshold allowed.
//! Exact copies (same words) are one group and always found. Finding the
//! look-alikes of one text costs a dozen lookups whatever the batch, where
//! comparing word lists would grow with it.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::detect::{self, Words};

/// Maps and sets keyed by hashes and short words: a multiply-rotate hash
/// (as rustc's) is several times cheaper than SipHash. Their keys are
/// already hashes, or the rules' own words, so seeding buys nothing.
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fast>>;

#[derive(Default, Clone, Copy)]
pub struct Fast(u64);

impl Fast {
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for Fast {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word.iter_mut().zip(chunk).for_each(|(w, b)| *w = *b);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
}

/// Fewer distinct words than this, and a text has no near-duplicates
/// ("merci !" from five people is not a spam wave).
pub const MIN_WORDS: usize = 4;
const BANDS: usize = 16;
const ROWS: usize = 5;

#[derive(Default)]
pub struct Similar {
    /// Every group's sorted word hashes, end to end (one allocation, and
    /// neighbours in memory), and where each group's are.
    arena: Vec<u64>,
    spans: Vec<(u32, u32)>,
    of_set: FastMap<u64, u32>,
    /// (band key, group), sorted once every group is in.
    buckets: Vec<(u64, u32)>,
    /// Where the keys starting with each top-bits prefix begin in
    /// `buckets`: a lookup is one jump and a few neighbours instead of a
    /// binary search across memory.
    directory: Vec<u32>,
    shift: u32,
    /// Whether a group shares a bucket with another: most texts share
    /// none, and then have no look-alike to search for.
    shared: Vec<bool>,
}

impl Similar {
    /// The group of `words` (a [`word_set`]), created when new.
    pub fn insert(&mut self, words: Vec<u64>) -> u32 {
        let set = set_hash(&words);
        if let Some(g) = self.of_set.get(&set) {
            return *g;
        }
        let g = u32::try_from(self.spans.len()).unwrap_or(u32::MAX);
        for key in band_keys(&words) {
            self.buckets.push((key, g));
        }
        let start = u32::try_from(self.arena.len()).unwrap_or(u32::MAX);
        let len = u32::try_from(words.len()).unwrap_or(u32::MAX);
        self.arena.extend_from_slice(&words);
        self.spans.push((start, len));
        self.of_set.insert(set, g);
        g
    }

    /// Call once after the last insert.
    pub fn finish(&mut self) {
        self.buckets.sort_unstable();
        self.shared = vec![false; self.spans.len()];
        for run in self.buckets.chunk_by(|a, b| a.0 == b.0) {
            if run.len() > 1 {
                for (_, g) in run {
                    if let Some(flag) = self.shared.get_mut(*g as usize) {
                        *flag = true;
                    }
                }
            }
        }
        // About eight keys per directory slot.
        let bits = (self.buckets.len() / 8).max(1).ilog2().clamp(4, 24);
        self.shift = 64 - bits;
        let slots = 1usize << bits;
        self.directory = Vec::with_capacity(slots + 1);
        let mut at = 0usize;
        for slot in 0..=slots {
            while self
                .buckets
                .get(at)
                .is_some_and(|(k, _)| ((k >> self.shift) as usize) < slot)
            {
                at += 1;
            }
            self.directory.push(u32::try_from(at).unwrap_or(u32::MAX));
        }
    }

    /// The groups in `key`'s bucket.
    fn bucket(&self, key: u64) -> impl Iterator<Item = u32> + '_ {
        let slot = if self.directory.is_empty() {
            0
        } else {
            (key >> self.shift) as usize
        };
        let from = self.directory.get(slot).map_or(0, |i| *i as usize);
        let to = self
            .directory
            .get(slot + 1)
            .map_or(self.buckets.len(), |i| *i as usize);
        self.buckets
            .get(from..to)
            .unwrap_or(&[])
            .iter()
            .filter(move |(k, _)| *k == key)
            .map(|(_, g)| *g)
    }

    pub fn group_of(&self, words: &[u64]) -> Option<u32> {
        self.of_set.get(&set_hash(words)).copied()
    }

    pub fn words(&self, group: u32) -> Option<&[u64]> {
        let (start, len) = *self.spans.get(group as usize)?;
        self.arena
            .get(start as usize..(start as usize + len as usize))
    }

    /// Groups at least `similarity` like `group` (itself included).
    pub fn like_group(&self, group: u32, similarity: f32) -> Vec<u32> {
        match (self.shared.get(group as usize), self.words(group)) {
            (Some(true), Some(words)) => self.like(words, similarity),
            _ => vec![group],
        }
    }

    /// Groups whose word set is at least `similarity` like `words`
    /// (its own group included).
    pub fn like(&self, words: &[u64], similarity: f32) -> Vec<u32> {
        let mut found: Vec<u32> = Vec::new();
        for key in band_keys(words) {
            found.extend(self.bucket(key));
        }
        found.sort_unstable();
        found.dedup();
        // 0.8 in f32 is a hair above 0.8: a pair at exactly 0.8 must pass.
        let t = f64::from(similarity) - 1e-6;
        let n = words.len() as f64;
        found.retain(|g| {
            // Sets of too different sizes cannot be alike: cheap to rule out.
            let m = self.spans.get(*g as usize).map_or(0, |(_, len)| *len) as f64;
            m >= n * t
                && n >= m * t
                && self
                    .words(*g)
                    .is_some_and(|other| jaccard(words, other) >= t)
        });
        found
    }
}

/// The distinct folded words of a text, hashed and sorted; `None` for a
/// text too short to compare.
pub fn word_set(text: &str) -> Option<Vec<u64>> {
    let mut set = Words::new(detect::bounded(text)).hashes;
    set.sort_unstable();
    set.dedup();
    (set.len() >= MIN_WORDS).then_some(set)
}

/// One key per band: the band's number and its rows of the MinHash
/// signature (the smallest value of one hash function over the words).
fn band_keys(words: &[u64]) -> [u64; BANDS] {
    let mut signature = [u32::MAX; BANDS * ROWS];
    for w in words {
        let x = mix(*w);
        for (slot, (a, b)) in signature.iter_mut().zip(PARAMS.iter()) {
            // Multiply-add-shift: a universal family, one (a, b) per row.
            let h = (a.wrapping_mul(x).wrapping_add(*b) >> 32) as u32;
            *slot = (*slot).min(h);
        }
    }
    let mut keys = [0u64; BANDS];
    for (band, key) in keys.iter_mut().enumerate() {
        let rows = signature.get(band * ROWS..(band + 1) * ROWS).unwrap_or(&[]);
        *key = rows.iter().fold(fnv(&band.to_le_bytes()), |h, r| {
            let h = (h ^ u64::from(*r)).wrapping_mul(0x0100_0000_01b3);
            h ^ (h >> 32)
        });
    }
    keys
}

/// The splitmix64 finalizer: spreads every input bit over the output.
const fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// One (odd multiplier, addend) pair per signature row, fixed so that
/// signatures are stable across runs.
const PARAMS: [(u64, u64); BANDS * ROWS] = params();

const fn params() -> [(u64, u64); BANDS * ROWS] {
    let mut out = [(0u64, 0u64); BANDS * ROWS];
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut i = 0;
    while i < BANDS * ROWS {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let a = mix(state) | 1;
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        out[i] = (a, mix(state));
        i += 1;
    }
    out
}

fn set_hash(words: &[u64]) -> u64 {
    fold(words.len() as u64, words)
}

/// Hashes a few numbers into one.
fn fold(start: u64, values: &[u64]) -> u64 {
    values.iter().fold(fnv(&start.to_le_bytes()), |h, v| {
        let h = (h ^ v).wrapping_mul(0x0100_0000_01b3);
        h ^ (h >> 32)
    })
}

/// FNV-1a: fast and stable across runs.
pub fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// |a ∩ b| / |a ∪ b| of two sorted, deduplicated sets.
fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    let (mut i, mut j, mut both) = (0, 0, 0usize);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        match x.cmp(y) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - both;
    if union == 0 {
        return 0.0;
    }
    both as f64 / union as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(text: &str) -> Vec<u64> {
        word_set(text).unwrap()
    }

    #[test]
    fn finds_near_copies_and_not_strangers() {
        let mut index = Similar::default();
        let base =
            "gagnez cinq cents euros par jour depuis chez vous methode infaillible contactez moi";
        let a = index.insert(set(base));
        let b = index.insert(set(&format!("{base} vite")));
        let c = index.insert(set(
            "ma bougie a noirci tout le verre des le premier allumage",
        ));
        assert_eq!(index.insert(set(base)), a, "same words, same group");
        index.finish();
        assert_eq!(index.like(&set(base), 0.8), vec![a, b]);
        assert_eq!(index.like(&set(base), 1.0), vec![a]);
        assert!(!index.like(&set(base), 0.5).contains(&c));
        assert_eq!(word_set("merci beaucoup !"), None);
    }

    #[test]
    fn pairs_at_the_threshold_are_rarely_missed() {
        // 100 pairs with Jaccard 0.8 (16 shared words of 20).
        let mut missed = 0;
        for p in 0..100 {
            let shared: Vec<String> = (0..16).map(|i| format!("w{p}x{i}")).collect();
            let a = format!("{} a{p}a b{p}b", shared.join(" "));
            let b = format!("{} c{p}c d{p}d", shared.join(" "));
            let mut index = Similar::default();
            let g = index.insert(set(&b));
            index.finish();
            if !index.like(&set(&a), 0.8).contains(&g) {
                missed += 1;
            }
        }
        assert!(missed <= 3, "{missed} of 100 missed");
    }
}
