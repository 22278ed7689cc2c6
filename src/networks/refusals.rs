//! The words: network names, each network's name for an action, and the
//! reasons an action is impossible (shown in the UI and the CLI as-is).
//!
//! Reasons name the network's own rule and, where there is one, what to do
//! instead. To word a new refusal, add a `(network, action)` arm to
//! [`missing`] or [`out_of_scope`]; the generic arms cover the rest.

use chrono::TimeDelta;

use super::capabilities::{Capabilities, Capability, DmWindow, Scope, Target};
use crate::model::Network;

/// The network's proper name, for sentences.
pub fn name(network: Network) -> &'static str {
    match network {
        Network::Facebook => "Facebook",
        Network::Instagram => "Instagram",
        Network::X => "X",
        Network::YouTube => "YouTube",
        Network::TikTok => "TikTok",
        Network::LinkedIn => "LinkedIn",
        Network::Threads => "Threads",
        Network::Mastodon => "Mastodon",
        Network::Bluesky => "Bluesky",
    }
}

impl Capability {
    /// The action as the network's users know it, for menus and hints.
    pub fn label(self, network: Network) -> &'static str {
        use Capability::*;
        match (network, self) {
            (Network::Mastodon, Like) => "favourite",
            (Network::Mastodon, Unlike) => "unfavourite",
            (Network::Mastodon, DirectMessage) => "direct reply",
            (Network::Bluesky, DirectMessage) => "chat",
            (Network::Bluesky, Hide) => "hide (thread gate)",
            (Network::YouTube, Hide) => "hold for review",
            (Network::YouTube, Unhide) => "publish",
            (Network::YouTube, Block) => "ban author",
            (Network::Facebook, Block) => "ban from Page",
            (Network::LinkedIn, Like) => "react",
            (Network::YouTube, Spam) => "reject as spam",
            (Network::Facebook, Spam) => "move to spam",
            (Network::Mastodon | Network::Bluesky, Spam) => "report as spam",
            (_, Reply) => "reply",
            (_, PrivateReply) => "private reply",
            (_, DirectMessage) => "direct message",
            (_, Like) => "like",
            (_, Unlike) => "unlike",
            (_, Hide) => "hide",
            (_, Unhide) => "unhide",
            (_, Reject) => "reject",
            (_, Delete) => "delete",
            (_, Block) => "block",
            (_, Mute) => "mute",
            (_, Report) => "report",
            (_, Spam) => "mark spam",
        }
    }
}

fn verb(action: Capability) -> &'static str {
    use Capability::*;
    match action {
        Reply => "reply",
        PrivateReply => "reply privately to a comment",
        DirectMessage => "send direct messages",
        Like | Unlike => "like",
        Hide | Unhide => "hide",
        Reject => "reject a comment",
        Delete => "delete",
        Block => "block",
        Mute => "mute",
        Report => "report",
        Spam => "mark spam",
    }
}

/// Why `caps` has no `action` at all.
pub fn missing(caps: &Capabilities, action: Capability) -> String {
    use Capability::*;
    let n = name(caps.network);
    match (caps.network, action) {
        (Network::X, Like | Unlike) => {
            "X (2026 rules): likes through the API were removed from self-serve tiers; only Enterprise can like.".into()
        }
        (Network::X, Block) => {
            "X (2026 rules): blocking through the API is Enterprise-only; mute the author instead.".into()
        }
        (Network::X, PrivateReply) => "X has no private reply to a post; send a direct message instead.".into(),
        (Network::Instagram, Like | Unlike) => "Instagram's API has no way to like a comment.".into(),
        (Network::YouTube, Like | Unlike) => {
            "YouTube's API cannot like a comment (viewerRating is read-only).".into()
        }
        (Network::YouTube, PrivateReply | DirectMessage) => "YouTube has no direct messages.".into(),
        (Network::TikTok, PrivateReply | DirectMessage) => {
            let hours = caps.dm_window.map_or(48, |w| w.standard.num_hours());
            format!(
                "TikTok offers this app no DM API (Business Messaging is restricted; it allows business replies within {hours} h)."
            )
        }
        (Network::LinkedIn, Hide | Unhide | Block | PrivateReply | DirectMessage) => {
            "LinkedIn's API has no hide, block or organisation messages; reply or delete instead.".into()
        }
        (Network::Threads, PrivateReply | DirectMessage) => "Threads has no DM API.".into(),
        (Network::Threads, Like | Unlike) => "Threads' API has no like endpoint.".into(),
        (Network::Mastodon, Hide | Unhide) => {
            "Mastodon has no way to hide a reply; mute, block or report the author instead.".into()
        }
        (Network::Mastodon, PrivateReply) => "On Mastodon, answer privately with a direct reply.".into(),
        (Network::Bluesky, PrivateReply) => "On Bluesky, answer privately in chat.".into(),
        (_, Reject) => format!("Only YouTube has a rejected status; on {n}, hide or delete instead."),
        (_, Report | Spam) => no_report(caps.network),
        _ => format!("{n}'s API does not let a brand {}.", verb(action)),
    }
}

/// Why a network has no report or spam call, and what to do instead.
fn no_report(network: Network) -> String {
    match network {
        Network::X => {
            "X has no report endpoint in its API: report it on x.com; here you can hide the reply or mute the author.".into()
        }
        Network::YouTube => {
            "YouTube's API has no report call (comments.markAsSpam is deprecated): mark it as spam to reject it, or report it in YouTube Studio.".into()
        }
        Network::Facebook => {
            "Facebook's Graph API has no report call: hide, delete or ban here, or report it on facebook.com.".into()
        }
        Network::Instagram => {
            "Instagram's API has no report or spam call: hide or delete it here, or report it in the Instagram app.".into()
        }
        Network::TikTok => {
            "TikTok's API has no report or spam call: hide it here, or report it in the TikTok app.".into()
        }
        Network::LinkedIn => {
            "LinkedIn's API has no report or spam call: delete it here, or report it on linkedin.com.".into()
        }
        Network::Threads => {
            "Threads' API has no report or spam call: hide it here, or report it in the Threads app.".into()
        }
        Network::Mastodon | Network::Bluesky => format!("{}'s API cannot report this.", name(network)),
    }
}

/// Actions that make sense on a direct message.
pub fn applies_to_dms(action: Capability) -> bool {
    use Capability::*;
    matches!(
        action,
        DirectMessage | Delete | Block | Mute | Report | Spam
    )
}

pub fn not_for_dms(action: Capability) -> String {
    format!(
        "'{}' applies to public posts and comments, not to direct messages.",
        action.label(Network::X)
    )
}

/// Why `target` falls outside the action's `scope` on `caps.network`.
pub fn out_of_scope(
    caps: &Capabilities,
    action: Capability,
    scope: Scope,
    target: &Target,
) -> String {
    let n = name(caps.network);
    let hides = caps.allows(Capability::Hide);
    match (caps.network, scope) {
        (Network::X, Scope::Summoned) => {
            "X (2026 rules): you can only reply where the author mentioned or quoted you.".into()
        }
        (Network::Facebook, Scope::Conversations) if action == Capability::Spam => {
            "Facebook moves only Messenger conversations to spam; hide or delete this comment, or ban its author.".into()
        }
        (_, Scope::Conversations) => {
            format!("On {n}, answer a comment privately with a private reply (one per comment).")
        }
        (Network::YouTube, Scope::OwnOnly) => {
            "YouTube only lets authors delete their own comments; reject it instead.".into()
        }
        (Network::TikTok, Scope::OwnOnly) => {
            "TikTok only lets an account delete its own comments; hide this one instead.".into()
        }
        (_, Scope::OwnOnly) if hides && target.under_own_post => {
            format!("{n} only lets you delete your own posts; hide this reply instead.")
        }
        (Network::Mastodon, Scope::OwnOnly) => {
            "Mastodon only lets you delete your own posts; mute, block or report the author instead.".into()
        }
        (_, Scope::OwnOnly) => format!("{n} only lets you delete your own posts."),
        (Network::Threads, Scope::TopLevelOnOwnPosts) if target.under_own_post => {
            "Threads only hides top-level replies (hiding one hides its nested replies); hide the reply this one answers.".into()
        }
        (Network::X, Scope::OnOwnPosts) => {
            "X only lets you hide replies in conversations you started.".into()
        }
        (Network::Bluesky, Scope::OnOwnPosts) => {
            "Bluesky only lets the thread's root author hide replies.".into()
        }
        _ => format!(
            "{n}: '{}' only works on comments under your own posts.",
            action.label(caps.network)
        ),
    }
}

pub fn private_reply_closed(network: Network, window: TimeDelta, age: TimeDelta) -> String {
    format!(
        "{} only allows a private reply within {} of the comment; this one is {} old.",
        name(network),
        span(window),
        span(age)
    )
}

/// The DM window has closed (and no extension applies).
pub fn window_closed(window: &DmWindow, age: TimeDelta) -> String {
    let owner = window.owner;
    let length = adjective(window.standard);
    match window.extension {
        Some(ext) if age <= ext.until => format!(
            "{owner}'s {length} messaging window closed {} ago; {} extends it to {}.",
            span(age - window.standard),
            ext.name,
            span(ext.until)
        ),
        Some(ext) => format!(
            "{owner}'s messaging window has closed: the customer last wrote {} ago, past even the {} extension with {}.",
            span(age),
            adjective(ext.until),
            ext.name
        ),
        None => format!(
            "{owner}'s {length} messaging window closed {} ago.",
            span(age - window.standard)
        ),
    }
}

/// `24-hour`, `7-day`.
fn adjective(d: TimeDelta) -> String {
    match d.num_hours() {
        h if h > 48 && h % 24 == 0 => format!("{}-day", h / 24),
        h => format!("{h}-hour"),
    }
}

/// A duration for people: `12 min`, `3 h`, `9 days`.
pub fn span(d: TimeDelta) -> String {
    match (d.num_minutes(), d.num_hours(), d.num_days()) {
        (m, _, _) if m < 1 => "less than a minute".into(),
        (m, _, _) if m < 60 => format!("{m} min"),
        (_, h, _) if h < 48 => format!("{h} h"),
        (_, _, days) => format!("{days} days"),
    }
}
