//! Glances: what a queue line shows of an item (its id, the author's
//! handle and the start of the text), kept in the store's text file beside
//! the search text rather than read from the items.
//!
//! Reading an item goes through sled, whose cache keeps every leaf it read
//! until that leaf's cache shard has seen 64 reads. Scrolling a search's
//! hits reads items from all over the store, and before glances 320 pages
//! of hits took the TUI from 128 MB to 380 MB. Glances are read with
//! positioned reads (the kernel's page cache, not the process's memory),
//! so the queue reads whole items only for the selected and opened ones.
//!
//! A glance is derived from the item's remote half, like the search text:
//! written in the same ingest and rebuild, under the same `dirty` flag.
//! Glance chunks live in the text file's upper half of chunk numbers
//! (from [`GLANCE_BASE`]), 2^[`GLANCE_BITS`] seqs per chunk, in the
//! [`super::chunks::TextChunk`] layout.

use crate::model::Item;

/// Seqs per glance chunk: 2^6 = 64 (about 13 KB to read for one line).
pub const GLANCE_BITS: u32 = 6;

/// Text-file chunk numbers from here on are glance chunks.
pub const GLANCE_BASE: u32 = 1 << 31;

/// Characters of text a glance keeps: more than the widest queue line.
pub const TEXT_CHARS: usize = 400;

/// The text-file chunk holding the glance of `seq`.
pub fn glance_chunk(seq: u32) -> u32 {
    GLANCE_BASE | (seq >> GLANCE_BITS)
}

/// A queue line's view of an item. The text is raw: the UI sanitizes it
/// like any item text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glance {
    pub id: String,
    pub handle: String,
    pub text: String,
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    let len = u32::try_from(s.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&s.as_bytes()[..len as usize]);
}

fn take_str<'a>(bytes: &mut &'a [u8]) -> Option<&'a str> {
    let len = u32::from_be_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
    let s = std::str::from_utf8(bytes.get(4..4 + len)?).ok()?;
    *bytes = &bytes[4 + len..];
    Some(s)
}

impl Glance {
    /// `id len · id · handle len · handle · text` (lengths u32 BE).
    pub fn encode(item: &Item) -> Vec<u8> {
        let text = crate::text::prefix(&item.remote.text, TEXT_CHARS).0;
        let handle = &item.remote.author.handle;
        let id = item.id.as_str();
        let mut out = Vec::with_capacity(8 + id.len() + handle.len() + text.len());
        put_str(&mut out, id);
        put_str(&mut out, handle);
        out.extend_from_slice(text.as_bytes());
        out
    }

    /// `None` for bytes [`Glance::encode`] did not write.
    pub fn decode(mut bytes: &[u8]) -> Option<Glance> {
        let id = take_str(&mut bytes)?.to_string();
        let handle = take_str(&mut bytes)?.to_string();
        let text = std::str::from_utf8(bytes).ok()?.to_string();
        Some(Glance { id, handle, text })
    }

    /// The glance of a whole item (what a read of the text file gives).
    pub fn of(item: &Item) -> Glance {
        Glance::decode(&Glance::encode(item)).unwrap_or_else(|| Glance {
            id: item.id.to_string(),
            handle: item.remote.author.handle.clone(),
            text: String::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_glance_round_trips_and_keeps_the_start_of_long_text() {
        let mut item = crate::demo::synthetic(1, 1, chrono::Utc::now())
            .next()
            .unwrap();
        item.remote.author.handle = "zoé_😀".into();
        item.remote.text = "é".repeat(1000);
        let g = Glance::decode(&Glance::encode(&item)).unwrap();
        assert_eq!(g.id, item.id.as_str());
        assert_eq!(g.handle, "zoé_😀");
        assert_eq!(g.text.chars().count(), TEXT_CHARS);
        assert_eq!(Glance::of(&item), g);
    }

    #[test]
    fn damaged_bytes_give_no_glance() {
        assert!(Glance::decode(&[]).is_none());
        assert!(Glance::decode(&[0, 0, 0, 9, b'a']).is_none());
        assert!(Glance::decode(&[0, 0, 0, 1, 0xff, 0, 0, 0, 0]).is_none());
    }

    #[test]
    fn glance_chunks_sit_above_the_search_chunks() {
        assert_eq!(glance_chunk(0), GLANCE_BASE);
        assert_eq!(glance_chunk(64), GLANCE_BASE + 1);
        let last_search_chunk = u32::MAX >> super::super::chunks::TEXT_BITS;
        assert!(last_search_chunk < GLANCE_BASE);
    }
}
