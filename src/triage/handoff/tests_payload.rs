//! The packet and its renderings: the exact JSON shape of
//! `guichet.handoff/1`, the chat summary (truncation, hostile text), the
//! idempotency key, the e-mail subject and body.

use serde_json::json;

use super::tests_support::{at, due, handoff, item};
use super::{Handoff, SCHEMA};

#[test]
fn from_item_copies_the_item_and_the_escalation() {
    let h = handoff("Je veux être remboursé.");
    assert_eq!(h.item_id, "instagram:atelierlumen:17890");
    assert_eq!(
        (h.network.as_str(), h.account.as_str(), h.kind.as_str()),
        ("instagram", "atelierlumen", "comment")
    );
    assert_eq!(h.author.handle, "jdupont");
    assert_eq!(h.author.followers, Some(1200));
    assert_eq!(h.link.as_deref(), Some("https://instagram.com/p/abc"));
    assert_eq!(
        (h.tag.as_str(), h.assignee.as_str(), h.by.as_str()),
        ("refund", "Marie", "Paul")
    );
    assert_eq!(h.due, Some(due()));
    assert_eq!(h.callback_url, None);
    let blank = Handoff::from_item(&item("x"), "bug", "Léa", Some("  "), None, "Paul", at());
    assert_eq!(blank.note, None, "a blank note is no note");
}

#[test]
fn payload_has_the_documented_shape() {
    let h = handoff("Je veux être remboursé.").with_callback_base("https://cm.example.org/");
    let p = h.payload();
    let keys: Vec<&String> = p.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 4, "{keys:?}");
    assert_eq!(p["schema"], "guichet.handoff/1");
    assert_eq!(p["schema"], SCHEMA);
    assert_eq!(p["idempotency_key"], h.idempotency_key());
    assert_eq!(
        p["handoff"],
        json!({
            "item_id": "instagram:atelierlumen:17890",
            "network": "instagram",
            "account": "atelierlumen",
            "kind": "comment",
            "author": {
                "handle": "jdupont",
                "display_name": "Jean Dupont",
                "profile_url": "https://instagram.com/jdupont",
                "followers": 1200
            },
            "text": "Je veux être remboursé.",
            "link": "https://instagram.com/p/abc",
            "tag": "refund",
            "assignee": "Marie",
            "note": "Déjà remboursé une fois en octobre.",
            "due": "2026-11-25T09:00:00Z",
            "by": "Paul",
            "at": "2026-11-24T08:12:03Z",
            "callback_url": "https://cm.example.org/handoff/instagram%3Aatelierlumen%3A17890"
        })
    );
    // The structured part reads back as the same packet.
    let back: Handoff = serde_json::from_value(p["handoff"].clone()).unwrap();
    assert_eq!(back, h);
}

#[test]
fn summary_is_one_paragraph_with_everything_a_colleague_needs() {
    let text = handoff("Je veux être\nremboursé.").payload()["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        text,
        "[refund] escalated to Marie by Paul, due 2026-11-25 09:00 UTC. \
         Jean Dupont (@\u{200B}jdupont) on instagram (comment) wrote: \
         “Je veux être remboursé.” https://instagram.com/p/abc \
         Note: Déjà remboursé une fois en octobre."
    );
}

#[test]
fn summary_truncates_a_huge_text_but_the_packet_keeps_it() {
    let huge = "é".repeat(50_000) + " FIN";
    let h = handoff(&huge);
    let p = h.payload();
    let summary = p["text"].as_str().unwrap();
    assert!(
        summary.chars().count() < 800,
        "{} chars",
        summary.chars().count()
    );
    assert!(summary.contains(&format!("“{}…”", "é".repeat(279))));
    assert!(!summary.contains("FIN"));
    assert_eq!(p["handoff"]["text"].as_str().unwrap(), huge);
}

#[test]
fn truncation_never_splits_an_emoji() {
    let family = "👨‍👩‍👧";
    let h = handoff(&family.repeat(400));
    let summary = h.payload()["text"].as_str().unwrap().to_string();
    assert!(summary.contains(&format!("“{}…”", family.repeat(279))));
}

#[test]
fn hostile_text_is_inert_in_chat_and_exact_in_json() {
    let hostile = "<!channel> @everyone \"}]} \\ \u{0} \u{7}</script><@U123|x>";
    let h = Handoff {
        author: super::HandoffAuthor {
            handle: "here".into(),
            display_name: "@channel\nnew line".into(),
            profile_url: None,
            followers: None,
        },
        ..handoff(hostile)
    };
    let p = h.payload();
    let summary = p["text"].as_str().unwrap();
    for bad in [
        "<",
        ">",
        "@everyone",
        "@here",
        "@channel",
        "\n",
        "\u{0}",
        "\u{7}",
    ] {
        assert!(!summary.contains(bad), "{bad:?} in {summary}");
    }
    assert!(
        summary.contains("‹!channel› @\u{200B}everyone"),
        "{summary}"
    );
    // The wire form is valid JSON that reads back to the exact words.
    let wire = serde_json::to_string(&p).unwrap();
    assert!(!wire.contains('\u{0}'));
    let back: serde_json::Value = serde_json::from_str(&wire).unwrap();
    assert_eq!(back["handoff"]["text"], hostile);
    assert_eq!(
        back["handoff"]["author"]["display_name"],
        "@channel\nnew line"
    );
}

#[test]
fn summary_links_stay_clickable_and_harmless() {
    let summary = |link: &str| {
        let h = Handoff {
            link: Some(link.into()),
            ..handoff("x")
        };
        h.payload()["text"].as_str().unwrap().to_string()
    };
    let toot = "https://mastodon.social/@atelierlumen/113";
    assert!(
        summary(toot).contains(&format!("” {toot} Note:")),
        "{}",
        summary(toot)
    );
    let odd = summary("https://example.org/a b<!channel>");
    assert!(
        odd.contains("https://example.org/a%20b%3C!channel%3E"),
        "{odd}"
    );
    for bad in ["javascript:alert(1)", "not a link", "file:///etc/passwd"] {
        assert!(
            summary(bad).ends_with("” Note: Déjà remboursé une fois en octobre."),
            "{bad}"
        );
    }
}

#[test]
fn idempotency_key_depends_on_item_tag_and_time_only() {
    let a = handoff("one");
    let key = a.idempotency_key();
    assert!(key.starts_with("gh1-") && key.len() == 36, "{key}");
    let reworded = Handoff {
        note: None,
        text: "two".into(),
        ..a.clone()
    };
    assert_eq!(reworded.idempotency_key(), key, "same escalation, same key");
    let other_tag = Handoff {
        tag: "legal".into(),
        ..a.clone()
    };
    assert_ne!(other_tag.idempotency_key(), key);
    let later = Handoff {
        at: a.at + chrono::Duration::nanoseconds(1),
        ..a.clone()
    };
    assert_ne!(later.idempotency_key(), key);
}

#[test]
fn subject_is_one_line() {
    let mut h = handoff("x");
    assert_eq!(
        h.subject(),
        "[guichet] refund for Marie: Jean Dupont (@jdupont) on instagram (due 2026-11-25 09:00 UTC)"
    );
    h.tag = "re\r\nBcc: evil@example.org".into();
    h.due = None;
    assert!(!h.subject().contains('\n') && !h.subject().contains('\r'));
}

#[test]
fn email_body_quotes_the_words_and_explains_the_callback() {
    let h =
        handoff("Bonjour,\nje veux être remboursé !").with_callback_base("http://cm.local:8787");
    let body = h.email_body();
    assert!(body.starts_with("Marie,\n\nPaul escalated an item to you with the tag \"refund\".\nDue: 2026-11-25 09:00 UTC\n"), "{body}");
    assert!(body.contains("From: Jean Dupont (@jdupont), 1200 followers\n"));
    assert!(body.contains("> Bonjour,\n> je veux être remboursé !\n"));
    assert!(body.contains("Note from Paul:\n\n> Déjà remboursé une fois en octobre.\n"));
    assert!(body.contains("Link: https://instagram.com/p/abc\n"));
    assert!(body.contains("POST http://cm.local:8787/handoff/instagram%3Aatelierlumen%3A17890\n"));
    assert!(body.contains(&h.idempotency_key()));
}

#[test]
fn handoff_round_trips_through_postcard_for_the_outbox() {
    let h = handoff("Je veux être remboursé.");
    let bytes = postcard::to_allocvec(&h).unwrap();
    let back: Handoff = postcard::from_bytes(&bytes).unwrap();
    assert_eq!(back, h);
}
