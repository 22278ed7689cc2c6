//! Tests for `capabilities.rs` and the wording in `refusals.rs`, one fact
//! from networks.md per assertion where possible.

use super::*;
use crate::model::{Author, Engagement};
use crate::networks::count::LengthRule;
use crate::networks::refusals::span;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-09-14T19:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn ago(hours: i64) -> DateTime<Utc> {
    now() - TimeDelta::hours(hours)
}

fn dm(hours_ago: i64) -> Target {
    Target::new(Kind::DirectMessage, ago(hours_ago))
}

fn comment() -> Target {
    Target::new(Kind::Comment, ago(1))
}

fn reason(network: Network, action: Capability, target: Target) -> String {
    capabilities(network)
        .check(action, &target, now())
        .unwrap_err()
        .reason
}

#[test]
fn every_network_can_reply_and_declares_its_length_rule() {
    for n in Network::ALL {
        let caps = capabilities(n);
        assert!(caps.allows(Capability::Reply), "{n}");
        assert_eq!(caps.reply_limit, crate::networks::count::reply_rule(n));
    }
}

#[test]
fn action_tables_follow_networks_md() {
    use Capability::*;
    let has = |n: Network, a: Capability| capabilities(n).allows(a);
    // §3: like and block are gone from X self-serve; mute and hide stay.
    assert!(!has(Network::X, Like) && !has(Network::X, Block));
    assert!(has(Network::X, Mute) && has(Network::X, Hide) && has(Network::X, DirectMessage));
    // §2: Instagram hides and deletes, has no comment like and no block.
    assert!(has(Network::Instagram, Delete) && has(Network::Instagram, Hide));
    assert!(!has(Network::Instagram, Like) && !has(Network::Instagram, Block));
    // §6: LinkedIn has no hide, block or DM.
    for a in [Hide, Block, DirectMessage] {
        assert!(!has(Network::LinkedIn, a));
    }
    // §8: Mastodon has no hide, but favourite, block, mute, report.
    assert!(!has(Network::Mastodon, Hide));
    for a in [Like, Block, Mute, Report, DirectMessage] {
        assert!(has(Network::Mastodon, a));
    }
    // §4: only YouTube rejects; YouTube has no DM and no like.
    let rejecting: Vec<Network> = Network::ALL
        .into_iter()
        .filter(|n| has(*n, Reject))
        .collect();
    assert_eq!(rejecting, [Network::YouTube]);
    assert!(!has(Network::YouTube, DirectMessage) && !has(Network::YouTube, Like));
    // §5, §7: no DM on TikTok or Threads; private replies are Meta-only.
    assert!(!has(Network::TikTok, DirectMessage) && !has(Network::Threads, DirectMessage));
    let private: Vec<Network> = Network::ALL
        .into_iter()
        .filter(|n| has(*n, PrivateReply))
        .collect();
    assert_eq!(private, [Network::Facebook, Network::Instagram]);
}

#[test]
fn dm_windows_meta_24h_with_7_day_extension_tiktok_48h_others_none() {
    let fb = capabilities(Network::Facebook).dm_window.unwrap();
    assert_eq!(fb.standard, TimeDelta::hours(24));
    assert_eq!(fb.extension.unwrap().until, TimeDelta::days(7));
    assert_eq!(fb.extension.unwrap().tag, "HUMAN_AGENT");
    assert_eq!(capabilities(Network::Instagram).dm_window, Some(fb));
    assert_eq!(
        capabilities(Network::TikTok).dm_window.unwrap().standard,
        TimeDelta::hours(48)
    );
    for n in [
        Network::X,
        Network::Mastodon,
        Network::Bluesky,
        Network::YouTube,
        Network::LinkedIn,
        Network::Threads,
    ] {
        assert_eq!(capabilities(n).dm_window, None, "{n}");
    }
}

#[test]
fn meta_window_open_closed_and_extended_by_the_human_agent_tag() {
    let fb = capabilities(Network::Facebook);
    assert_eq!(
        fb.check(Capability::DirectMessage, &dm(23), now()),
        Ok(Permit::Plain)
    );
    // A Reply to a DM is a DirectMessage, with the same window.
    let err = fb.check(Capability::Reply, &dm(27), now()).unwrap_err();
    assert_eq!(err.action, Capability::DirectMessage);
    assert_eq!(
        err.reason,
        "Meta's 24-hour messaging window closed 3 h ago; a human agent tag extends it to 7 days."
    );
    let agent = fb.with_human_agent(true);
    assert_eq!(
        agent.check(Capability::Reply, &dm(27), now()),
        Ok(Permit::Tagged("HUMAN_AGENT"))
    );
    assert_eq!(
        agent
            .check(Capability::Reply, &dm(9 * 24), now())
            .unwrap_err()
            .reason,
        "Meta's messaging window has closed: the customer last wrote 9 days ago, past even the 7-day extension with a human agent tag."
    );
}

#[test]
fn the_window_runs_from_the_customers_last_message() {
    let ig = capabilities(Network::Instagram);
    let mut t = dm(100);
    t.last_customer_message_at = Some(ago(2));
    assert_eq!(
        ig.check(Capability::DirectMessage, &t, now()),
        Ok(Permit::Plain)
    );
}

#[test]
fn networks_without_a_window_always_answer_dms() {
    for n in [Network::X, Network::Mastodon, Network::Bluesky] {
        assert_eq!(
            capabilities(n).check(Capability::Reply, &dm(24 * 30), now()),
            Ok(Permit::Plain),
            "{n}"
        );
    }
}

#[test]
fn x_2026_rules() {
    let x = capabilities(Network::X);
    let mention = Target::new(Kind::Mention, ago(1));
    assert_eq!(
        x.check(Capability::Reply, &mention, now()),
        Ok(Permit::Plain)
    );
    // A top-level reply to our post carries our @handle: a summons by default.
    let top = Target::new(Kind::Reply, ago(1));
    assert!(x.check(Capability::Reply, &top, now()).is_ok());
    let mut deep = top;
    deep.nested = true;
    assert_eq!(
        reason(Network::X, Capability::Reply, deep),
        "X (2026 rules): you can only reply where the author mentioned or quoted you."
    );
    deep.summoned = Some(true);
    assert!(x.check(Capability::Reply, &deep, now()).is_ok());
    let mut unsummoned_mention = mention;
    unsummoned_mention.summoned = Some(false);
    assert!(
        x.check(Capability::Reply, &unsummoned_mention, now())
            .is_err()
    );
    assert!(reason(Network::X, Capability::Like, mention).contains("only Enterprise can like"));
    assert!(reason(Network::X, Capability::Block, mention).ends_with("mute the author instead."));
    assert_eq!(
        reason(Network::X, Capability::Hide, mention),
        "X only lets you hide replies in conversations you started."
    );
}

#[test]
fn delete_others_where_networks_only_delete_their_own() {
    assert_eq!(
        reason(Network::TikTok, Capability::Delete, comment()),
        "TikTok only lets an account delete its own comments; hide this one instead."
    );
    assert_eq!(
        reason(Network::YouTube, Capability::Delete, comment()),
        "YouTube only lets authors delete their own comments; reject it instead."
    );
    assert_eq!(
        reason(
            Network::Threads,
            Capability::Delete,
            Target::new(Kind::Reply, ago(1))
        ),
        "Threads only lets you delete your own posts; hide this reply instead."
    );
    let mut own = comment();
    own.ours = true;
    assert!(
        capabilities(Network::TikTok)
            .check(Capability::Delete, &own, now())
            .is_ok()
    );
    // §1, §2: a Page and an IG professional account delete comments on their own posts.
    for n in [Network::Facebook, Network::Instagram, Network::LinkedIn] {
        assert!(
            capabilities(n)
                .check(Capability::Delete, &comment(), now())
                .is_ok(),
            "{n}"
        );
    }
}

#[test]
fn threads_hides_only_top_level_replies() {
    let th = capabilities(Network::Threads);
    let top = Target::new(Kind::Reply, ago(1));
    assert!(th.check(Capability::Hide, &top, now()).is_ok());
    let mut nested = top;
    nested.nested = true;
    assert!(
        reason(Network::Threads, Capability::Unhide, nested)
            .starts_with("Threads only hides top-level replies")
    );
}

#[test]
fn hiding_needs_our_own_post() {
    let mention = Target::new(Kind::Mention, ago(1));
    assert_eq!(
        reason(Network::Bluesky, Capability::Hide, mention),
        "Bluesky only lets the thread's root author hide replies."
    );
    assert_eq!(
        reason(Network::YouTube, Capability::Block, mention),
        "YouTube: 'ban author' only works on comments under your own posts."
    );
    assert_eq!(
        reason(Network::Mastodon, Capability::Hide, comment()),
        "Mastodon has no way to hide a reply; mute, block or report the author instead."
    );
}

#[test]
fn instagram_hidden_comments_take_no_reply() {
    let mut hidden = comment();
    hidden.hidden = true;
    assert_eq!(
        reason(Network::Instagram, Capability::Reply, hidden),
        "Instagram does not accept replies to hidden comments; unhide it first."
    );
    assert!(
        capabilities(Network::Facebook)
            .check(Capability::Reply, &hidden, now())
            .is_ok()
    );
}

#[test]
fn private_replies_and_dm_scope_on_meta() {
    let fb = capabilities(Network::Facebook);
    assert_eq!(
        fb.check(Capability::PrivateReply, &comment(), now()),
        Ok(Permit::Plain)
    );
    let old = Target::new(Kind::Comment, ago(8 * 24));
    assert_eq!(
        reason(Network::Facebook, Capability::PrivateReply, old),
        "Facebook only allows a private reply within 7 days of the comment; this one is 8 days old."
    );
    assert_eq!(
        reason(Network::Instagram, Capability::DirectMessage, comment()),
        "On Instagram, answer a comment privately with a private reply (one per comment)."
    );
    // Elsewhere a DM to a public author is fine (Mastodon direct reply, Bluesky chat).
    assert!(
        capabilities(Network::Mastodon)
            .check(Capability::DirectMessage, &comment(), now())
            .is_ok()
    );
}

#[test]
fn public_only_actions_refuse_dms_and_own_posts_are_not_blocked() {
    assert_eq!(
        reason(Network::Facebook, Capability::Hide, dm(1)),
        "'hide' applies to public posts and comments, not to direct messages."
    );
    assert!(
        capabilities(Network::Mastodon)
            .check(Capability::Block, &dm(1), now())
            .is_ok()
    );
    let mut own = comment();
    own.ours = true;
    assert!(
        capabilities(Network::Mastodon)
            .check(Capability::Block, &own, now())
            .is_err()
    );
}

#[test]
fn missing_actions_explain_the_platform_rule() {
    assert!(reason(Network::TikTok, Capability::DirectMessage, dm(1)).contains("within 48 h"));
    assert!(
        reason(Network::LinkedIn, Capability::Hide, comment())
            .starts_with("LinkedIn's API has no hide")
    );
    assert_eq!(
        reason(Network::Threads, Capability::Like, comment()),
        "Threads' API has no like endpoint."
    );
    assert_eq!(
        reason(Network::Facebook, Capability::Report, comment()),
        "Facebook's Graph API has no report call: hide, delete or ban here, or report it on facebook.com."
    );
    assert!(reason(Network::Bluesky, Capability::Reject, comment()).starts_with("Only YouTube"));
}

#[test]
fn verdicts_cover_every_action() {
    let v = capabilities(Network::Bluesky).verdicts(&comment(), now());
    assert_eq!(v.len(), Capability::ALL.len());
    let ok: Vec<Capability> = v
        .iter()
        .filter(|(_, r)| r.is_ok())
        .map(|(a, _)| *a)
        .collect();
    use Capability::*;
    assert_eq!(
        ok,
        [
            Reply,
            DirectMessage,
            Like,
            Unlike,
            Hide,
            Unhide,
            Block,
            Mute,
            Report,
            Spam
        ]
    );
}

#[test]
fn report_and_spam_follow_networks_md() {
    use Capability::{Report, Spam};
    let has = |n: Network, a: Capability| capabilities(n).allows(a);
    // §8, §9: Mastodon and Bluesky report (spam is a report category).
    for n in [Network::Mastodon, Network::Bluesky] {
        assert!(has(n, Report) && has(n, Spam), "{n}");
        // A DM can be reported too (Bluesky: its author's account).
        assert!(capabilities(n).check(Spam, &dm(1), now()).is_ok(), "{n}");
        assert!(capabilities(n).check(Report, &dm(1), now()).is_ok(), "{n}");
    }
    // §4: YouTube spam is `rejected` (markAsSpam is deprecated), no report.
    assert!(has(Network::YouTube, Spam) && !has(Network::YouTube, Report));
    assert!(reason(Network::YouTube, Report, comment()).contains("markAsSpam is deprecated"));
    // §1: Facebook moves Messenger conversations to spam, never comments.
    assert!(
        capabilities(Network::Facebook)
            .check(Spam, &dm(30), now())
            .is_ok()
    );
    assert!(
        reason(Network::Facebook, Spam, comment()).starts_with("Facebook moves only Messenger")
    );
    assert!(reason(Network::Facebook, Report, comment()).contains("facebook.com"));
    // Nothing anywhere else, each with what to do instead.
    assert_eq!(
        reason(Network::X, Report, comment()),
        "X has no report endpoint in its API: report it on x.com; here you can hide the reply or mute the author."
    );
    for (n, instead) in [
        (Network::X, "x.com"),
        (Network::Instagram, "Instagram app"),
        (Network::TikTok, "TikTok app"),
        (Network::LinkedIn, "linkedin.com"),
        (Network::Threads, "Threads app"),
    ] {
        assert!(!has(n, Report) && !has(n, Spam), "{n}");
        assert!(reason(n, Spam, comment()).contains(instead), "{n}");
        assert!(reason(n, Report, comment()).contains(instead), "{n}");
    }
    // Never our own post.
    let mut own = comment();
    own.ours = true;
    assert_eq!(
        reason(Network::Mastodon, Spam, own),
        "This is the account's own post."
    );
    assert_eq!(Spam.label(Network::YouTube), "reject as spam");
    assert_eq!(Spam.label(Network::Mastodon), "report as spam");
}

#[test]
fn target_from_remote() {
    let remote = Remote {
        network: Network::Threads,
        account: "cafe".into(),
        native_id: "2".into(),
        kind: Kind::Reply,
        thread_id: Some("root".into()),
        parent_id: Some("1".into()),
        post: None,
        author: Author::default(),
        text: "hi".into(),
        lang: None,
        created_at: ago(2),
        permalink: None,
        engagement: Engagement::default(),
        from_us: false,
        moderation: Default::default(),
    };
    let t = Target::from_remote(&remote);
    assert!(t.nested && t.under_own_post && !t.ours);
    assert_eq!(t.last_customer_message_at, None);
    let d = Target::from_remote(&Remote {
        kind: Kind::DirectMessage,
        ..remote
    });
    assert_eq!(d.last_customer_message_at, Some(ago(2)));
}

#[test]
fn labels_names_and_instance_limits() {
    assert_eq!(Capability::Like.label(Network::Mastodon), "favourite");
    assert_eq!(Capability::Hide.label(Network::YouTube), "hold for review");
    assert_eq!(Capability::DirectMessage.label(Network::Bluesky), "chat");
    let names: std::collections::BTreeSet<&str> =
        Capability::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(names.len(), Capability::ALL.len());
    let big = capabilities(Network::Mastodon).with_reply_limit(LengthRule::mastodon(5000, 23));
    assert_eq!(big.length_rule(Kind::DirectMessage).limit, 5000);
    assert_eq!(
        capabilities(Network::Bluesky)
            .length_rule(Kind::DirectMessage)
            .limit,
        1000
    );
}

#[test]
fn spans_read_naturally() {
    assert_eq!(span(TimeDelta::seconds(30)), "less than a minute");
    assert_eq!(span(TimeDelta::minutes(12)), "12 min");
    assert_eq!(span(TimeDelta::hours(47)), "47 h");
    assert_eq!(span(TimeDelta::hours(48)), "2 days");
}
