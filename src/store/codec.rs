//! Key and value encoding for the sled trees.
//!
//! Keys are built so that sled's byte order is the order we want: integers
//! big-endian, signed times with the sign bit flipped, strings followed by a
//! 0x00 separator. Values carry a one-byte format version before their
//! postcard body, so a future format can be read next to the old one.

use serde::{Serialize, de::DeserializeOwned};

use super::StoreError;

/// Current value format. Bump it with a migration in `migrate.rs`.
/// Format 2 added `Remote::moderation`; every other value type is laid out
/// as in format 1, and `migrate.rs` rewrites format-1 items on open.
pub const VALUE_FORMAT: u8 = 2;

/// The oldest format whose non-item values still decode as they are.
const OLDEST_COMPATIBLE: u8 = 1;

pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, StoreError> {
    let mut out = Vec::with_capacity(512);
    out.push(VALUE_FORMAT);
    postcard::to_extend(value, out).map_err(|e| StoreError::Encode(e.to_string()))
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, StoreError> {
    match bytes.split_first() {
        Some((&v, body)) if (OLDEST_COMPATIBLE..=VALUE_FORMAT).contains(&v) => {
            postcard::from_bytes(body).map_err(|e| StoreError::Decode(e.to_string()))
        }
        Some((v, _)) => Err(StoreError::Decode(format!("unknown value format {v}"))),
        None => Err(StoreError::Decode("empty value".to_string())),
    }
}

pub fn seq_key(seq: u32) -> [u8; 4] {
    seq.to_be_bytes()
}

pub fn seq_from(bytes: &[u8]) -> Option<u32> {
    let arr: [u8; 4] = bytes.get(..4)?.try_into().ok()?;
    Some(u32::from_be_bytes(arr))
}

/// A time in nanoseconds since the epoch, clamped to what an `i64` holds
/// (times before 1677 or after 2262 sort at the ends).
pub fn nanos(t: chrono::DateTime<chrono::Utc>) -> i64 {
    t.timestamp_nanos_opt().unwrap_or(if t.timestamp() < 0 {
        i64::MIN
    } else {
        i64::MAX
    })
}

/// Order-preserving encoding of a signed time.
pub fn time_bytes(t: i64) -> [u8; 8] {
    ((t as u64) ^ (1 << 63)).to_be_bytes()
}

pub fn time_from(bytes: &[u8]) -> Option<i64> {
    let arr: [u8; 8] = bytes.get(..8)?.try_into().ok()?;
    Some((u64::from_be_bytes(arr) ^ (1 << 63)) as i64)
}

/// `tags` tree key: seq, then the tag name.
pub fn tag_key(seq: u32, tag: &str) -> Vec<u8> {
    let mut k = seq_key(seq).to_vec();
    k.extend_from_slice(tag.as_bytes());
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_keys_sort_like_times() {
        let times = [-5_000_000_000i64, -1, 0, 1, 1_700_000_000, i64::MAX];
        for w in times.windows(2) {
            assert!(time_bytes(w[0]) < time_bytes(w[1]));
        }
        for t in times {
            assert_eq!(time_from(&time_bytes(t)), Some(t));
        }
    }

    #[test]
    fn values_round_trip_and_reject_unknown_formats() {
        let v = vec!["a".to_string(), "é".to_string()];
        let bytes = encode(&v).unwrap();
        assert_eq!(decode::<Vec<String>>(&bytes).unwrap(), v);
        let mut future = bytes.clone();
        future[0] = 99;
        assert!(decode::<Vec<String>>(&future).is_err());
        assert!(decode::<Vec<String>>(&[]).is_err());
    }
}
