//! The search text, kept in a plain file beside sled (`search-text` in the
//! store's directory) rather than in a sled tree, with the queue lines'
//! glances (chunk numbers from [`super::glance::GLANCE_BASE`]).
//!
//! A search reads the folded text of every item (about 150 MB for a
//! million). Read through sled, those pages stayed referenced by its cache
//! and the process kept them: about 170 MB more after the first search.
//! Read with positioned reads into one reused buffer, they sit in the
//! kernel's page cache, which is not the process's memory.
//!
//! The file is a log of chunk records, `chunk (u32 BE) · len (u32 BE) ·
//! bytes` (a [`super::chunks::TextChunk`] of 256 seqs), appended when a
//! chunk changes; the latest record of a chunk wins. Opening reads the
//! headers to index them and cuts a torn last record. When dead records
//! outweigh live ones the file is rewritten and swapped in (rename).
//!
//! It is derived data, like `rows` and `slots`: an ingest writes it
//! between raising and lowering the store's `dirty` flag (syncing it
//! before the flag goes), and a rebuild rewrites it from the items.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::StoreError;
use super::chunks::TextChunk;

pub const FILE_NAME: &str = "search-text";

const HEADER: usize = 8;

/// Dead bytes above which, and above the live bytes, the file is rewritten.
const COMPACT_FROM: u64 = 32 * 1024 * 1024;

fn io(e: std::io::Error) -> StoreError {
    StoreError::Sled(sled::Error::Io(e))
}

struct Inner {
    file: File,
    index: Index,
    end: u64,
    dead: u64,
}

pub struct TextFile {
    path: PathBuf,
    inner: Mutex<Inner>,
    /// Keeps a temporary store's directory alive.
    _temp: Option<tempfile::TempDir>,
}

fn open_file(path: &Path) -> Result<File, StoreError> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(io)
}

/// Chunk → offset of its payload and its length.
type Index = BTreeMap<u32, (u64, u32)>;

/// Reads the record headers; returns the index, where the good records
/// end and how many bytes earlier copies hold.
fn scan(file: &File) -> Result<(Index, u64, u64), StoreError> {
    let len = file.metadata().map_err(io)?.len();
    let mut index = BTreeMap::new();
    let (mut at, mut dead) = (0u64, 0u64);
    let mut header = [0u8; HEADER];
    while at + HEADER as u64 <= len {
        file.read_exact_at(&mut header, at).map_err(io)?;
        let chunk = u32::from_be_bytes([header[0], header[1], header[2], header[3]]);
        let size = u32::from_be_bytes([header[4], header[5], header[6], header[7]]);
        let payload = at + HEADER as u64;
        if payload + u64::from(size) > len {
            break;
        }
        if let Some((_, old)) = index.insert(chunk, (payload, size)) {
            dead += HEADER as u64 + u64::from(old);
        }
        at = payload + u64::from(size);
    }
    Ok((index, at, dead))
}

impl TextFile {
    /// Opens (or creates) the file of the store in `dir`; `None`: a
    /// temporary store, whose file goes with it.
    pub fn open(dir: Option<&Path>) -> Result<TextFile, StoreError> {
        let (path, temp) = match dir {
            Some(dir) => (dir.join(FILE_NAME), None),
            None => {
                let temp = tempfile::tempdir().map_err(io)?;
                (temp.path().join(FILE_NAME), Some(temp))
            }
        };
        let file = open_file(&path)?;
        let (index, end, dead) = scan(&file)?;
        if end < file.metadata().map_err(io)?.len() {
            tracing::warn!(path = %path.display(), "cutting a torn search-text record");
            file.set_len(end).map_err(io)?;
        }
        Ok(TextFile {
            path,
            inner: Mutex::new(Inner {
                file,
                index,
                end,
                dead,
            }),
            _temp: temp,
        })
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether the file holds no chunk.
    pub fn is_empty(&self) -> bool {
        self.inner().index.is_empty()
    }

    /// Whether the file holds a chunk numbered `from` or above.
    pub fn has_from(&self, from: u32) -> bool {
        self.inner().index.range(from..).next().is_some()
    }

    /// The chunk's bytes, if written.
    pub fn get(&self, chunk: u32) -> Result<Option<Vec<u8>>, StoreError> {
        let inner = self.inner();
        let Some(&(at, len)) = inner.index.get(&chunk) else {
            return Ok(None);
        };
        let mut buf = vec![0u8; len as usize];
        inner.file.read_exact_at(&mut buf, at).map_err(io)?;
        Ok(Some(buf))
    }

    /// Appends new versions of chunks in one write.
    pub fn put_many(&self, chunks: &[(u32, Vec<u8>)]) -> Result<(), StoreError> {
        if chunks.is_empty() {
            return Ok(());
        }
        let mut inner = self.inner();
        let mut buf = Vec::with_capacity(chunks.iter().map(|(_, b)| b.len() + HEADER).sum());
        let mut placed = Vec::with_capacity(chunks.len());
        for (chunk, bytes) in chunks {
            let len = u32::try_from(bytes.len())
                .map_err(|_| StoreError::Encode("search-text chunk over 4 GB".into()))?;
            buf.extend_from_slice(&chunk.to_be_bytes());
            buf.extend_from_slice(&len.to_be_bytes());
            placed.push((*chunk, inner.end + buf.len() as u64, len));
            buf.extend_from_slice(bytes);
        }
        let end = inner.end;
        inner.file.write_all_at(&buf, end).map_err(io)?;
        inner.end += buf.len() as u64;
        for (chunk, at, len) in placed {
            if let Some((_, old)) = inner.index.insert(chunk, (at, len)) {
                inner.dead += HEADER as u64 + u64::from(old);
            }
        }
        let live = inner.end - inner.dead;
        if inner.dead > COMPACT_FROM && inner.dead > live {
            self.rewrite(&mut inner)?;
        }
        Ok(())
    }

    /// Writes the live records to a new file and swaps it in.
    fn rewrite(&self, inner: &mut Inner) -> Result<(), StoreError> {
        let tmp = self.path.with_extension("rewrite");
        let mut out = std::io::BufWriter::new(File::create(&tmp).map_err(io)?);
        let mut index = BTreeMap::new();
        let mut at = 0u64;
        let mut buf = Vec::new();
        for (&chunk, &(from, len)) in &inner.index {
            buf.resize(len as usize, 0);
            inner.file.read_exact_at(&mut buf, from).map_err(io)?;
            out.write_all(&chunk.to_be_bytes()).map_err(io)?;
            out.write_all(&len.to_be_bytes()).map_err(io)?;
            out.write_all(&buf).map_err(io)?;
            index.insert(chunk, (at + HEADER as u64, len));
            at += HEADER as u64 + u64::from(len);
        }
        let file = out.into_inner().map_err(|e| io(e.into_error()))?;
        file.sync_all().map_err(io)?;
        std::fs::rename(&tmp, &self.path).map_err(io)?;
        *inner = Inner {
            file: open_file(&self.path)?,
            index,
            end: at,
            dead: 0,
        };
        Ok(())
    }

    /// Drops every chunk.
    pub fn clear(&self) -> Result<(), StoreError> {
        let mut inner = self.inner();
        inner.file.set_len(0).map_err(io)?;
        inner.index.clear();
        inner.end = 0;
        inner.dead = 0;
        Ok(())
    }

    /// Makes what was written durable.
    pub fn sync(&self) -> Result<(), StoreError> {
        self.inner().file.sync_data().map_err(io)
    }

    /// Calls `visit` with each chunk's bytes in chunk order, reading the
    /// chunks whose numbers fall in `range` into one reused buffer.
    pub fn scan_chunks(
        &self,
        range: std::ops::Range<u32>,
        visit: &mut dyn FnMut(&[u8]),
    ) -> Result<(), StoreError> {
        let (file, places) = {
            let inner = self.inner();
            let places: Vec<(u64, u32)> = inner.index.range(range).map(|(_, p)| *p).collect();
            (inner.file.try_clone().map_err(io)?, places)
        };
        let mut buf = Vec::new();
        for (at, len) in places {
            buf.resize(len as usize, 0);
            // The cloned handle reads the file this index describes, even
            // if a rewrite has renamed another one into its place since.
            file.read_exact_at(&mut buf, at).map_err(io)?;
            visit(&buf);
        }
        Ok(())
    }

    /// Seqs whose text holds every word, ascending; `last` is the
    /// highest chunk in use. Two halves of the chunks, one per core.
    pub fn find(&self, words: &[String], last: u32) -> Result<Vec<u32>, StoreError> {
        let finders: Vec<memchr::memmem::Finder> = words
            .iter()
            .map(|w| memchr::memmem::Finder::new(w.as_bytes()))
            .collect();
        let scan = |range: std::ops::Range<u32>| -> Result<Vec<u32>, StoreError> {
            let mut out = Vec::new();
            self.scan_chunks(range, &mut |chunk| {
                for (seq, text) in TextChunk::entries(chunk) {
                    if finders.iter().all(|f| f.find(text).is_some()) {
                        out.push(seq);
                    }
                }
            })?;
            Ok(out)
        };
        let mid = last / 2 + 1;
        let (low, high) = std::thread::scope(|s| {
            let low = s.spawn(|| scan(0..mid));
            let high = scan(mid..super::glance::GLANCE_BASE);
            (low.join(), high)
        });
        let mut out =
            low.map_err(|_| StoreError::Transaction("search thread panicked".into()))??;
        out.extend(high?);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_read_back_the_latest_copy_after_reopen_and_a_torn_tail() {
        let dir = tempfile::tempdir().unwrap();
        {
            let f = TextFile::open(Some(dir.path())).unwrap();
            f.put_many(&[(1, b"one".to_vec()), (0, b"zero".to_vec())])
                .unwrap();
            f.put_many(&[(1, b"uno".to_vec())]).unwrap();
            f.sync().unwrap();
        }
        // A crash in the middle of a record: its header without its bytes.
        let path = dir.path().join(FILE_NAME);
        let mut raw = OpenOptions::new().append(true).open(&path).unwrap();
        raw.write_all(&[0, 0, 0, 2, 0, 0, 0, 50, b'x']).unwrap();
        let f = TextFile::open(Some(dir.path())).unwrap();
        assert_eq!(f.get(1).unwrap().unwrap(), b"uno");
        assert_eq!(f.get(0).unwrap().unwrap(), b"zero");
        assert_eq!(f.get(2).unwrap(), None, "the torn record is gone");
        let mut seen = Vec::new();
        f.scan_chunks(0..u32::MAX, &mut |b| seen.push(b.to_vec()))
            .unwrap();
        assert_eq!(seen, [b"zero".to_vec(), b"uno".to_vec()]);
        f.clear().unwrap();
        assert!(f.is_empty());
    }

    #[test]
    fn a_file_mostly_dead_is_rewritten_with_the_live_chunks() {
        let f = TextFile::open(None).unwrap();
        let big = vec![7u8; 1 << 20];
        // 40 copies of one 1 MB chunk: past 32 MB dead the file is
        // rewritten to the live 1 MB, and a few more copies follow.
        for _ in 0..40 {
            f.put_many(&[(3, big.clone()), (4, b"small".to_vec())])
                .unwrap();
        }
        let inner = f.inner();
        assert!(inner.end < 10 << 20, "rewritten: {} bytes", inner.end);
        assert!(inner.dead < 8 << 20);
        drop(inner);
        assert_eq!(f.get(3).unwrap().unwrap(), big);
        assert_eq!(f.get(4).unwrap().unwrap(), b"small");
    }
}
