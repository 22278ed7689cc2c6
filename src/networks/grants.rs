//! The per-network tables behind `capabilities.rs`: which actions each
//! network's API allows and with what [`Scope`], and the DM windows.
//!
//! One `const` table per network, each with the networks.md section it comes
//! from. To change what a network allows, edit its table here and the
//! matching assertions in `capabilities_tests.rs`.

use chrono::TimeDelta;

use super::capabilities::{Capability, DmWindow, Grant, Scope, WindowExtension};
use crate::model::Network;

/// Meta's Messenger / Instagram window (§1, §10.3): 24 h after the
/// customer's last message, 7 days for a human agent with `HUMAN_AGENT`.
pub const META_WINDOW: DmWindow = DmWindow {
    owner: "Meta",
    standard: TimeDelta::hours(24),
    extension: Some(WindowExtension {
        tag: "HUMAN_AGENT",
        name: "a human agent tag",
        until: TimeDelta::days(7),
    }),
};

/// From issue 4, not networks.md (which calls TikTok's Business Messaging
/// restricted and UNCONFIRMED): noted for the UI, with no DM action.
pub const TIKTOK_WINDOW: DmWindow = DmWindow {
    owner: "TikTok",
    standard: TimeDelta::hours(48),
    extension: None,
};

/// The action tables, one per network (networks.md section in brackets).
pub fn grants(network: Network) -> &'static [Grant] {
    use Capability::*;
    use Scope::*;
    const fn g(capability: Capability, scope: Scope) -> Grant {
        Grant { capability, scope }
    }
    // [§1] comments, Messenger, like as the Page, is_hidden, DELETE, /blocked,
    // moderate_conversations MOVE_TO_SPAM (conversations only).
    const FACEBOOK: &[Grant] = &[
        g(Reply, Any),
        g(PrivateReply, OnOwnPosts),
        g(DirectMessage, Conversations),
        g(Like, Any),
        g(Unlike, Any),
        g(Hide, OnOwnPosts),
        g(Unhide, OnOwnPosts),
        g(Delete, OwnOrOnOwnPosts),
        g(Block, Any),
        g(Spam, Conversations),
    ];

    // [§2] no comment-like endpoint (UNCONFIRMED absence), no block.
    const INSTAGRAM: &[Grant] = &[
        g(Reply, Any),
        g(PrivateReply, OnOwnPosts),
        g(DirectMessage, Conversations),
        g(Hide, OnOwnPosts),
        g(Unhide, OnOwnPosts),
        g(Delete, OwnOrOnOwnPosts),
    ];

    // [§3] 2026 self-serve: summoned replies only, no like, no block; mute stays.
    const X: &[Grant] = &[
        g(Reply, Summoned),
        g(DirectMessage, Any),
        g(Hide, OnOwnPosts),
        g(Unhide, OnOwnPosts),
        g(Delete, OwnOnly),
        g(Mute, Any),
    ];

    // [§4] setModerationStatus: heldForReview / published / rejected (+banAuthor);
    // markAsSpam is deprecated, so spam is `rejected`. No report call.
    const YOUTUBE: &[Grant] = &[
        g(Reply, Any),
        g(Hide, OnOwnPosts),
        g(Unhide, OnOwnPosts),
        g(Reject, OnOwnPosts),
        g(Delete, OwnOnly),
        g(Block, OnOwnPosts),
        g(Spam, OnOwnPosts),
    ];

    // [§5] like/unlike (the unlike value is UNCONFIRMED), HIDE/UNHIDE, delete own.
    const TIKTOK: &[Grant] = &[
        g(Reply, Any),
        g(Like, OnOwnPosts),
        g(Unlike, OnOwnPosts),
        g(Hide, OnOwnPosts),
        g(Unhide, OnOwnPosts),
        g(Delete, OwnOnly),
    ];

    // [§6] reply and like as the organisation; deleting other members'
    // comments on our posts is UNCONFIRMED but listed in the docs: allowed.
    const LINKEDIN: &[Grant] = &[g(Reply, Any), g(Like, Any), g(Delete, OwnOrOnOwnPosts)];

    // [§7] manage_reply (top-level only, cascades); delete own only; no like
    // found. Replies need our root post or threads_manage_mentions, which is
    // also what brings mentions into the inbox, so any inbox item qualifies.
    const THREADS: &[Grant] = &[
        g(Reply, Any),
        g(Hide, TopLevelOnOwnPosts),
        g(Unhide, TopLevelOnOwnPosts),
        g(Delete, OwnOnly),
    ];

    // [§8] direct statuses, favourite, block, mute, report (spam = category spam); no hide.
    const MASTODON: &[Grant] = &[
        g(Reply, Any),
        g(DirectMessage, Any),
        g(Like, Any),
        g(Unlike, Any),
        g(Delete, OwnOnly),
        g(Block, Any),
        g(Mute, Any),
        g(Report, Any),
        g(Spam, Any),
    ];

    // [§9] records, thread-gate hiddenReplies (root author only), chat,
    // createReport (spam = reasonSpam; a DM reports its author).
    const BLUESKY: &[Grant] = &[
        g(Reply, Any),
        g(DirectMessage, Any),
        g(Like, Any),
        g(Unlike, Any),
        g(Hide, OnOwnPosts),
        g(Unhide, OnOwnPosts),
        g(Delete, OwnOnly),
        g(Block, Any),
        g(Mute, Any),
        g(Report, Any),
        g(Spam, Any),
    ];
    match network {
        Network::Facebook => FACEBOOK,
        Network::Instagram => INSTAGRAM,
        Network::X => X,
        Network::YouTube => YOUTUBE,
        Network::TikTok => TIKTOK,
        Network::LinkedIn => LINKEDIN,
        Network::Threads => THREADS,
        Network::Mastodon => MASTODON,
        Network::Bluesky => BLUESKY,
    }
}
