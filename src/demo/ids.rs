//! Deterministic, realistic-looking native ids and permalinks for each network.
//!
//! Everything here is a pure function of a `u64` seed (usually a hash of a
//! sequence number or of an author key), so the demo inbox is the same on
//! every run. The shapes follow `reference/networks.md`: Facebook
//! `POSTID_COMMENTID`, Instagram/Threads numeric media ids, X and TikTok
//! 19-digit strings, YouTube `Ug…` comment ids, LinkedIn comment URNs,
//! Bluesky `at://did:plc:…/app.bsky.feed.post/3l…` URIs, Mastodon numeric
//! status ids. To support a new network, add an arm to [`comment_id`],
//! [`dm_message_id`] and [`item_permalink`].

use crate::model::Network;

/// Lowercase base32 alphabet used by AT Protocol TIDs and `did:plc` ids.
const B32: &[u8] = b"234567abcdefghijklmnopqrstuvwxyz";
/// URL-safe base64 alphabet (YouTube ids, Messenger mids, TikTok uids).
const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/// Letters and digits only (Instagram/Threads shortcodes, LinkedIn person ids).
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// The brand's Facebook Page id (post ids are `PAGEID_POSTID`).
pub const FB_PAGE_ID: &str = "108254316790412";
/// The brand's X user id (DM conversation ids are `smaller-larger`).
pub const X_BRAND_ID: &str = "1189034765221871616";
/// The brand's YouTube channel id.
pub const YT_CHANNEL_ID: &str = "UCq7Xh2LmR4tVb9sKd3eWnPa";
/// The brand's Bluesky DID.
pub const BSKY_BRAND_DID: &str = "did:plc:k4x2mlq7vdn3ra5wz6hye2ob";
/// The brand's LinkedIn organization URN.
pub const LI_ORG_URN: &str = "urn:li:organization:80412345";
/// Mastodon instance hosting the brand account.
pub const MASTODON_HOME: &str = "piaille.fr";

/// SplitMix64 finaliser: a cheap, well-mixed hash of a `u64`.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a over the bytes, then mixed: a stable hash of a string.
pub fn hash_str(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    mix(h)
}

/// `n` characters drawn from `alphabet`, driven by `seed`.
fn chars_from(seed: u64, n: usize, alphabet: &[u8]) -> String {
    let mut out = String::with_capacity(n);
    let mut h = seed;
    for i in 0..n {
        if i % 8 == 0 {
            h = mix(h ^ i as u64);
        }
        let len = alphabet.len().max(1) as u64;
        let idx = usize::try_from(h % len).unwrap_or(0);
        out.push(char::from(*alphabet.get(idx).unwrap_or(&b'a')));
        h /= len;
    }
    out
}

/// `n` decimal digits, the first one never zero.
pub fn digits(seed: u64, n: usize) -> String {
    let mut s = chars_from(seed, n, b"0123456789");
    if s.starts_with('0') {
        s.replace_range(0..1, "7");
    }
    s
}

pub fn base32(seed: u64, n: usize) -> String {
    chars_from(seed, n, B32)
}

pub fn base64(seed: u64, n: usize) -> String {
    chars_from(seed, n, B64)
}

pub fn alnum(seed: u64, n: usize) -> String {
    chars_from(seed, n, ALNUM)
}

/// A Bluesky record key (TID): 13 base32 characters starting with `3l`.
pub fn tid(seed: u64) -> String {
    format!("3l{}", base32(seed, 11))
}

/// The last segment of an `at://` URI (the record key).
pub fn rkey(uri: &str) -> &str {
    uri.rsplit('/').next().unwrap_or(uri)
}

/// Native id of a new comment or reply on `net`.
///
/// `post_id` is the brand post it sits under, `parent` the comment it answers
/// (YouTube reply ids extend their parent's), `author_id` the writer's native
/// id (Bluesky URIs live in the author's repository).
pub fn comment_id(
    net: Network,
    seed: u64,
    post_id: &str,
    parent: Option<&str>,
    author_id: &str,
) -> String {
    match net {
        Network::Facebook => {
            let post_part = post_id.rsplit('_').next().unwrap_or(post_id);
            format!("{post_part}_{}", digits(seed, 16))
        }
        Network::Instagram => format!("179{}", digits(seed, 14)),
        Network::Threads => format!("180{}", digits(seed, 14)),
        Network::X => format!("19{}", digits(seed, 17)),
        Network::TikTok => format!("74{}", digits(seed, 17)),
        Network::YouTube => match parent {
            Some(p) => format!("{p}.{}", base64(seed, 22)),
            None => {
                let prefix = ["Ugx", "Ugz", "Ugw", "Ugy"][usize::try_from(seed % 4).unwrap_or(0)];
                format!("{prefix}{}4AaABAg", alnum(seed, 16))
            }
        },
        Network::LinkedIn => format!("urn:li:comment:({post_id},72{})", digits(seed, 17)),
        Network::Mastodon => format!("1134{}", digits(seed, 14)),
        Network::Bluesky => format!("at://{author_id}/app.bsky.feed.post/{}", tid(seed)),
    }
}

/// Native id of a direct message on `net` (networks without DMs get a
/// comment-shaped id, which never happens in the demo data).
pub fn dm_message_id(net: Network, seed: u64) -> String {
    match net {
        Network::Facebook => format!("m_{}", base64(seed, 40)),
        Network::Instagram => format!(
            "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQx{}",
            digits(seed, 18)
        ),
        Network::X => format!("19{}", digits(seed, 17)),
        Network::Mastodon => format!("1134{}", digits(seed, 14)),
        Network::Bluesky => format!("3lc{}", base32(seed, 10)),
        other => comment_id(other, seed, "0_0", None, "did:plc:unknown"),
    }
}

/// Conversation id for a DM thread with the author `author_id`.
pub fn dm_conversation_id(net: Network, seed: u64, author_id: &str) -> String {
    match net {
        Network::Facebook => format!("t_{}", digits(seed, 17)),
        Network::Instagram => format!("aWdfZAGQZD{}", alnum(seed, 30)),
        Network::X => {
            // 1:1 conversation ids are `smaller-larger` of the two user ids.
            let (a, b) = if num_lt(author_id, X_BRAND_ID) {
                (author_id, X_BRAND_ID)
            } else {
                (X_BRAND_ID, author_id)
            };
            format!("{a}-{b}")
        }
        Network::Mastodon => digits(seed, 7),
        Network::Bluesky => base32(seed, 13),
        other => format!("{}-{}", other.as_str(), digits(seed, 12)),
    }
}

/// Numeric comparison of two decimal strings without parsing overflow.
fn num_lt(a: &str, b: &str) -> bool {
    (a.len(), a) < (b.len(), b)
}

/// Percent-encodes the few characters a LinkedIn URN puts in a query string.
pub fn urn_encode(urn: &str) -> String {
    urn.replace(':', "%3A")
        .replace('(', "%28")
        .replace(')', "%29")
        .replace(',', "%2C")
}

/// What a permalink needs to know about the item and its surroundings.
pub struct LinkCtx<'a> {
    pub net: Network,
    pub native_id: &'a str,
    pub author_handle: &'a str,
    pub post_id: Option<&'a str>,
    pub post_permalink: Option<&'a str>,
    pub parent_id: Option<&'a str>,
    pub seed: u64,
}

/// Public URL of a comment, reply, mention or quote.
pub fn item_permalink(c: &LinkCtx<'_>) -> Option<String> {
    let id = c.native_id;
    let url = match c.net {
        Network::Facebook => {
            let post = c.post_id?;
            let (page, post_part) = post.split_once('_')?;
            let cid = id.rsplit('_').next().unwrap_or(id);
            match c.parent_id {
                Some(parent) => {
                    let pid = parent.rsplit('_').next().unwrap_or(parent);
                    format!(
                        "https://www.facebook.com/{page}/posts/{post_part}?comment_id={pid}&reply_comment_id={cid}"
                    )
                }
                None => {
                    format!("https://www.facebook.com/{page}/posts/{post_part}?comment_id={cid}")
                }
            }
        }
        Network::Instagram => match (c.post_permalink, c.parent_id) {
            (Some(base), Some(parent)) => format!("{base}c/{parent}/r/{id}/"),
            (Some(base), None) => format!("{base}c/{id}/"),
            (None, _) => format!("https://www.instagram.com/p/{}/", shortcode(c.seed)),
        },
        Network::X => format!("https://x.com/{}/status/{id}", c.author_handle),
        Network::YouTube => format!("https://www.youtube.com/watch?v={}&lc={id}", c.post_id?),
        Network::TikTok => c.post_permalink?.to_string(),
        Network::LinkedIn => {
            let activity = c.post_id?;
            format!(
                "https://www.linkedin.com/feed/update/{activity}/?commentUrn={}",
                urn_encode(id)
            )
        }
        Network::Threads => format!(
            "https://www.threads.net/@{}/post/{}",
            c.author_handle,
            shortcode(c.seed)
        ),
        Network::Mastodon => {
            let (user, instance) = c.author_handle.split_once('@')?;
            format!("https://{instance}/@{user}/{id}")
        }
        Network::Bluesky => format!(
            "https://bsky.app/profile/{}/post/{}",
            c.author_handle,
            rkey(id)
        ),
    };
    Some(url)
}

/// Where a DM conversation opens in the network's own web inbox.
pub fn dm_permalink(net: Network, conversation: &str) -> Option<String> {
    match net {
        Network::Facebook => Some(format!(
            "https://business.facebook.com/latest/inbox/messenger?thread_id={conversation}"
        )),
        Network::Instagram => Some(format!(
            "https://www.instagram.com/direct/t/{conversation}/"
        )),
        Network::X => Some(format!("https://x.com/messages/{conversation}")),
        Network::Bluesky => Some(format!("https://bsky.app/messages/{conversation}")),
        Network::Mastodon => Some(format!("https://{MASTODON_HOME}/conversations")),
        _ => None,
    }
}

/// An 11-character Instagram/Threads shortcode.
pub fn shortcode(seed: u64) -> String {
    format!("D{}", alnum(seed, 10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_look_native() {
        let fb = comment_id(
            Network::Facebook,
            1,
            "108254316790412_862391045718264",
            None,
            "",
        );
        assert!(fb.starts_with("862391045718264_"));
        assert_eq!(fb.len(), 15 + 1 + 16);
        let x = comment_id(Network::X, 2, "", None, "");
        assert_eq!(x.len(), 19);
        assert!(x.bytes().all(|b| b.is_ascii_digit()));
        let yt = comment_id(Network::YouTube, 3, "", None, "");
        assert!(yt.starts_with("Ug") && yt.ends_with("4AaABAg") && yt.len() == 26);
        let yt_reply = comment_id(Network::YouTube, 4, "", Some(&yt), "");
        assert!(yt_reply.starts_with(&format!("{yt}.")));
        let bs = comment_id(Network::Bluesky, 5, "", None, "did:plc:abc");
        assert!(bs.starts_with("at://did:plc:abc/app.bsky.feed.post/3l"));
        assert_eq!(rkey(&bs).len(), 13);
        let li = comment_id(Network::LinkedIn, 6, "urn:li:activity:1", None, "");
        assert!(li.starts_with("urn:li:comment:(urn:li:activity:1,72"));
    }

    #[test]
    fn x_dm_conversation_orders_ids() {
        let conv = dm_conversation_id(Network::X, 1, "2244994945");
        assert_eq!(conv, format!("2244994945-{X_BRAND_ID}"));
    }
}
