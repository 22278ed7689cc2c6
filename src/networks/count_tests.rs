//! Tests for `count.rs`. Every expected number is worked out by hand in the
//! comment next to it, from the rules quoted in networks.md §0.

use super::*;

fn x(text: &str) -> usize {
    count(Network::X, text).used
}

#[test]
fn x_latin_and_general_punctuation_weigh_one() {
    assert_eq!(x("hello"), 5);
    // 30 code points, all weight 1: é is U+00E9 (< 4352), — is U+2014 and
    // ’ is U+2019 (both in 8208–8223).
    assert_eq!(x("Hello, world! — it’s café time"), 30);
    // Arabic letters sit below U+10FF: 5 × 1.
    assert_eq!(x("مرحبا"), 5);
}

#[test]
fn x_cjk_hangul_and_symbols_outside_the_ranges_weigh_two() {
    assert_eq!(x("日本語"), 6); // 3 × 2
    assert_eq!(x("こんにちは"), 10); // 5 hiragana × 2
    assert_eq!(x("한국"), 4); // Hangul syllables U+D55C, U+AD6D × 2
    assert_eq!(x("Wait…"), 6); // 4 + … U+2026 (8230, just past 8223) × 2
    assert_eq!(x("Prix: 5 €"), 10); // "Prix: 5 " = 8, € U+20AC × 2
}

#[test]
fn x_emoji_sequences_count_two_whatever_their_length() {
    assert_eq!(x("👍"), 2); // one code point above U+10FF
    assert_eq!(x("👍🏽"), 2); // + skin tone: 2, not 2 + 2
    assert_eq!(x("👨‍👩‍👧"), 2); // 5 code points with ZWJs: 2, not 8
    assert_eq!(x("🇫🇷"), 2); // two regional indicators: 2, not 4
    assert_eq!(x("❤️"), 2); // U+2764 U+FE0F: 2, not 4
    assert_eq!(x("1️⃣"), 2); // keycap: 2, not 1 + 2 + 2
    assert_eq!(x("©"), 1); // text-style © stays a Latin-1 character
    assert_eq!(x("©️"), 2); // emoji-style ©
    assert_eq!(x("Merci 🙏"), 8); // 6 + 2
}

#[test]
fn x_urls_count_23_with_or_without_scheme() {
    // "see " 4 + URL 23 + " now" 4
    assert_eq!(x("see https://example.com/some/very/long/path?x=1 now"), 31);
    // "visit " 6 + 23 + " today" 6
    assert_eq!(x("visit cafelumen.com today"), 35);
    // A short URL still costs 23.
    assert_eq!(x("t.co/abc"), 23);
    // Trailing full stop is text: 23 + 1.
    assert_eq!(x("https://example.com."), 24);
    // An e-mail address is not a URL: 15 characters.
    assert_eq!(x("bob@example.com"), 15);
    // "日本" 4 + " " 1 + 23 + " " 1 + "👍" 2
    assert_eq!(x("日本 https://t.co/abc 👍"), 31);
}

#[test]
fn x_limit_is_280_weighted() {
    assert!(count(Network::X, &"a".repeat(280)).fits());
    let over = count(Network::X, &"a".repeat(281));
    assert_eq!(
        over.problem().as_deref(),
        Some("1 character over the limit (281/280)")
    );
    // 140 CJK characters fill the limit exactly; 141 overflow by 2.
    assert!(count(Network::X, &"語".repeat(140)).fits());
    assert_eq!(count(Network::X, &"語".repeat(141)).remaining(), -2);
    // 270 + " " + URL = 294 → 14 over.
    let c = count(Network::X, &format!("{} https://x.com/", "a".repeat(270)));
    assert_eq!((c.used, c.remaining()), (294, -14));
}

#[test]
fn x_without_nfc_only_over_counts() {
    // Decomposed é (e + U+0301) counts 2 where NFC would give 1; documented.
    assert_eq!(x("e\u{301}"), 2);
}

fn masto(text: &str) -> usize {
    count(Network::Mastodon, text).used
}

#[test]
fn mastodon_counts_graphemes_urls_and_mentions_without_domain() {
    // "Hello " 6 + "@alice" 6 + "!" 1
    assert_eq!(masto("Hello @alice@example.social!"), 13);
    // "Menu: " 6 + 23
    assert_eq!(
        masto("Menu: https://cafelumen.example/menu/autumn-2026"),
        29
    );
    // The @ inside a URL is part of the URL: 23.
    assert_eq!(masto("https://mastodon.social/@bob"), 23);
    assert_eq!(masto("👨‍👩‍👧"), 1); // one grapheme cluster
    assert_eq!(masto("e\u{301}"), 1);
    assert_eq!(masto("bob@example.com"), 15); // not a mention, not a URL
    assert_eq!(masto("@bob"), 4);
    // Mastodon does not link bare domains: 13 characters.
    assert_eq!(masto("cafelumen.com"), 13);
}

#[test]
fn mastodon_limit_default_500_and_per_instance() {
    // 490 + " " + "@zsc" = 495 fits, although the raw text is 509 characters.
    let text = format!("{} @zsc@fosstodon.org", "a".repeat(490));
    assert_eq!(count(Network::Mastodon, &text).used, 495);
    assert!(count(Network::Mastodon, &text).fits());
    // 477 + " " + 23 = 501: one over.
    let text = format!("{} https://cafelumen.example/", "a".repeat(477));
    assert_eq!(count(Network::Mastodon, &text).remaining(), -1);
    let big = LengthRule::mastodon(1000, 23);
    assert!(big.count(&text).fits());
}

#[test]
fn bluesky_counts_graphemes_and_bytes() {
    let fam = "👨‍👩‍👧"; // 1 grapheme, 18 UTF-8 bytes
    let c = count(Network::Bluesky, fam);
    assert_eq!(
        (c.used, c.bytes, c.limit, c.max_bytes),
        (1, 18, 300, Some(3000))
    );
    // 300 × é = 300 graphemes, 600 bytes: fits; 301 does not.
    assert!(count(Network::Bluesky, &"é".repeat(300)).fits());
    assert!(!count(Network::Bluesky, &"é".repeat(301)).fits());
    // 200 families: 200 graphemes but 3,600 bytes > 3,000.
    let c = count(Network::Bluesky, &fam.repeat(200));
    assert_eq!(c.used, 200);
    assert_eq!(
        c.problem().as_deref(),
        Some("too long in bytes (3600/3000 UTF-8 bytes)")
    );
    // No URL discount on Bluesky: 20 graphemes.
    assert_eq!(count(Network::Bluesky, "https://example.com/").used, 20);
}

#[test]
fn dms_use_the_dm_rule_where_there_is_one() {
    let a1000 = "a".repeat(1000);
    assert!(count_for(Network::Bluesky, Kind::DirectMessage, &a1000).fits());
    assert!(!count_for(Network::Bluesky, Kind::DirectMessage, &format!("{a1000}a")).fits());
    let a2001 = "a".repeat(2001);
    assert!(!count_for(Network::Facebook, Kind::DirectMessage, &a2001).fits());
    assert!(count_for(Network::Facebook, Kind::Comment, &a2001).fits());
    assert_eq!(
        count_for(Network::X, Kind::DirectMessage, "hi").limit,
        10_000
    );
    assert_eq!(
        count_for(Network::Instagram, Kind::DirectMessage, "hi").limit,
        1_000
    );
    // No DM rule on YouTube: the reply rule applies.
    assert_eq!(
        count_for(Network::YouTube, Kind::DirectMessage, "hi").limit,
        10_000
    );
}

#[test]
fn threads_500_code_points_and_at_most_five_links() {
    assert!(count(Network::Threads, &"a".repeat(500)).fits());
    assert_eq!(count(Network::Threads, "👍🏽").used, 2); // two code points
    let six = (1..=6)
        .map(|i| format!("https://l{i}.example"))
        .collect::<Vec<_>>()
        .join(" ");
    let c = count(Network::Threads, &six);
    assert_eq!(c.links, 6);
    assert_eq!(
        c.problem().as_deref(),
        Some("too many links (6; at most 5)")
    );
}

#[test]
fn unconfirmed_limits_are_flagged() {
    assert_eq!(count(Network::TikTok, &"é".repeat(150)).remaining(), 0);
    assert_eq!(count(Network::TikTok, &"👍🏽".repeat(76)).used, 152); // 2 code points each
    for n in [
        Network::TikTok,
        Network::LinkedIn,
        Network::YouTube,
        Network::Threads,
        Network::Facebook,
    ] {
        assert_eq!(reply_rule(n).certainty, Certainty::Unconfirmed, "{n}");
    }
    for n in [Network::X, Network::Mastodon, Network::Bluesky] {
        assert_eq!(reply_rule(n).certainty, Certainty::Documented, "{n}");
    }
    assert_eq!(reply_rule(Network::LinkedIn).limit, 1_250);
    assert_eq!(reply_rule(Network::Instagram).limit, 2_200);
}
