//! How sled is configured: its page cache and its segment size.
//!
//! sled writes a page larger than a quarter of a segment to a blob file of
//! its own, and counts a blob page in its cache by the size of the pointer
//! to it, not by its size, so the cache never evicts it. With sled's
//! default 512 KB segments, every leaf holding our chunks (rows, slots,
//! search text: tens of KB per value) crossed the 128 KB line: a search
//! over a million items left about 150 MB of text pages resident for good,
//! and every rewritten leaf went to a new blob file. With 8 MB segments the
//! line is at 2 MB, those leaves stay in the log, and the cache's capacity
//! bounds them.
//!
//! sled records the segment size in the store's `conf` file and refuses to
//! open a store with another one, so a store keeps the size it was made
//! with: stores made before this change are opened with theirs (512 KB),
//! and get the new size when a migration copies them into a fresh
//! directory (`compact`).

use std::path::Path;

/// Page cache size: large enough for the working set of the queue, small
/// enough to keep a million-item session under its memory budget.
pub const CACHE_BYTES: u64 = 48 * 1024 * 1024;

/// Segment size of stores made by this build.
pub const SEGMENT_BYTES: usize = 8 << 20;

/// The configuration of a new store.
pub fn fresh() -> sled::Config {
    sled::Config::new()
        .cache_capacity(CACHE_BYTES)
        .segment_size(SEGMENT_BYTES)
}

/// The configuration to open the store at `path` with: its own segment
/// size when it has one.
pub fn config(path: &Path) -> sled::Config {
    let segment = recorded(path).unwrap_or(SEGMENT_BYTES);
    sled::Config::new()
        .path(path)
        .cache_capacity(CACHE_BYTES)
        .segment_size(segment)
}

/// The segment size sled recorded in `path/conf`, if any.
pub fn recorded(path: &Path) -> Option<usize> {
    // The file ends with a binary checksum: read it as bytes.
    let conf = std::fs::read(path.join("conf")).ok()?;
    String::from_utf8_lossy(&conf)
        .lines()
        .find_map(|l| l.strip_prefix("segment_size:")?.trim().parse().ok())
}
