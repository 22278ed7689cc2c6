//! What each network lets a brand do, and why an action is impossible.
//!
//! [`capabilities`] returns, per network, the actions its API allows with
//! their [`Scope`] (any item, only items under our own posts, only our own
//! items, only where X's 2026 "summoned" rule holds…), the DM reply window
//! and the length rules. [`Capabilities::check`] answers for one item before
//! anything is sent, so the UI and CLI can show an action as impossible with
//! the reason instead of failing after the fact.
//!
//! Every row comes from networks.md (section numbers in the comments). To
//! change what a network allows, edit its table in `grants.rs`; the wording
//! of refusals lives in `refusals.rs`.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::count::{LengthRule, dm_rule, reply_rule};
use super::grants;
use super::refusals;
use crate::model::{Kind, Network, Remote};

/// An action a connector may perform on an inbox item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Capability {
    /// Public reply (comment, reply post, status).
    Reply,
    /// Meta's one-shot private reply to a comment, which opens a DM.
    PrivateReply,
    /// A message in a DM conversation (Mastodon: a `direct` status; Bluesky: chat).
    DirectMessage,
    /// Like / favourite / react.
    Like,
    Unlike,
    /// Hide from the public (YouTube: hold for review).
    Hide,
    /// Undo a hide (YouTube: publish again).
    Unhide,
    /// YouTube's `rejected` moderation status: hides the thread, permanently.
    Reject,
    Delete,
    /// Block or ban the author (YouTube: `banAuthor`, which also rejects).
    Block,
    Mute,
    Report,
    /// Mark as spam (what that means per network: `networks::report`).
    Spam,
}

impl Capability {
    pub const ALL: [Capability; 13] = [
        Capability::Reply,
        Capability::PrivateReply,
        Capability::DirectMessage,
        Capability::Like,
        Capability::Unlike,
        Capability::Hide,
        Capability::Unhide,
        Capability::Reject,
        Capability::Delete,
        Capability::Block,
        Capability::Mute,
        Capability::Report,
        Capability::Spam,
    ];

    /// Stable snake_case name, for the outbox, logs and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Capability::Reply => "reply",
            Capability::PrivateReply => "private_reply",
            Capability::DirectMessage => "direct_message",
            Capability::Like => "like",
            Capability::Unlike => "unlike",
            Capability::Hide => "hide",
            Capability::Unhide => "unhide",
            Capability::Reject => "reject",
            Capability::Delete => "delete",
            Capability::Block => "block",
            Capability::Mute => "mute",
            Capability::Report => "report",
            Capability::Spam => "spam",
        }
    }
}

/// Which items an allowed action applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Any,
    /// Only inside an existing DM conversation (Meta: comments get a private reply).
    Conversations,
    /// Only items under a post (or conversation) the account owns.
    OnOwnPosts,
    /// Threads hide: only top-level replies under own posts (§7).
    TopLevelOnOwnPosts,
    /// Only items the account wrote itself.
    OwnOnly,
    /// Own items, or others' items under own posts (Page/IG/LinkedIn delete).
    OwnOrOnOwnPosts,
    /// X (2026): only where the author mentioned or quoted the account (§3).
    Summoned,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    pub capability: Capability,
    pub scope: Scope,
}

/// How long after the customer's last message a brand may answer a DM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DmWindow {
    /// Who sets the rule, for messages ("Meta").
    pub owner: &'static str,
    pub standard: TimeDelta,
    pub extension: Option<WindowExtension>,
}

/// A message tag that stretches the window (Meta's `HUMAN_AGENT`, §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowExtension {
    pub tag: &'static str,
    pub name: &'static str,
    pub until: TimeDelta,
}

/// How an allowed action must be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permit {
    Plain,
    /// Send with this message tag (`messaging_type=MESSAGE_TAG`, `tag=HUMAN_AGENT`).
    Tagged(&'static str),
}

/// Why an action cannot be done on an item, in words for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct Impossible {
    pub network: Network,
    pub action: Capability,
    pub reason: String,
}

/// The facts about one item that decide what can be done with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub kind: Kind,
    pub created_at: DateTime<Utc>,
    /// DMs: when the customer last wrote (the window runs from there).
    pub last_customer_message_at: Option<DateTime<Utc>>,
    /// Sits under a post or conversation the account owns.
    pub under_own_post: bool,
    /// Answers another reply rather than our post.
    pub nested: bool,
    /// Written by the account itself.
    pub ours: bool,
    /// Currently hidden.
    pub hidden: bool,
    /// X: the author mentioned or quoted us; `None` = decide from the kind.
    pub summoned: Option<bool>,
}

impl Target {
    pub fn new(kind: Kind, created_at: DateTime<Utc>) -> Target {
        Target {
            kind,
            created_at,
            last_customer_message_at: None,
            under_own_post: matches!(kind, Kind::Comment | Kind::Reply | Kind::Review),
            nested: false,
            ours: false,
            hidden: false,
            summoned: None,
        }
    }

    /// Best guess from a stored item; connectors refine it with what the
    /// network says (hidden state, X mention entities).
    pub fn from_remote(remote: &Remote) -> Target {
        let nested = matches!((&remote.parent_id, &remote.thread_id), (Some(p), Some(t)) if p != t);
        let customer = remote.kind == Kind::DirectMessage && !remote.from_us;
        Target {
            nested,
            ours: remote.from_us,
            last_customer_message_at: customer.then_some(remote.created_at),
            ..Target::new(remote.kind, remote.created_at)
        }
    }

    /// X's 2026 rule. Unless the connector knows from `entities.mentions` /
    /// `referenced_tweets`, mentions and quotes are summons, and so is a
    /// top-level reply to our post, which carries our @handle as its
    /// auto-populated reply mention. UNCONFIRMED whether X counts that
    /// implicit mention; it is the reading that keeps the core use case (answering
    /// replies to our posts) open, and the connector can override it.
    pub fn is_summoned(&self) -> bool {
        self.summoned.unwrap_or(match self.kind {
            Kind::Mention | Kind::Quote => true,
            Kind::Reply | Kind::Comment => self.under_own_post && !self.nested,
            Kind::DirectMessage | Kind::Review => false,
        })
    }
}

/// Everything a network allows, as declared by its connector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    pub network: Network,
    pub actions: &'static [Grant],
    pub dm_window: Option<DmWindow>,
    /// Meta private replies: about 7 days after the comment (§1, UNCONFIRMED).
    pub private_reply_window: Option<TimeDelta>,
    pub reply_limit: LengthRule,
    pub dm_limit: Option<LengthRule>,
    /// The account holds Meta's Human Agent permission (configuration).
    pub human_agent: bool,
}

/// The capabilities of `network` with default account settings.
pub fn capabilities(network: Network) -> Capabilities {
    let meta = matches!(network, Network::Facebook | Network::Instagram);
    Capabilities {
        network,
        actions: grants::grants(network),
        dm_window: match network {
            Network::Facebook | Network::Instagram => Some(grants::META_WINDOW),
            Network::TikTok => Some(grants::TIKTOK_WINDOW),
            _ => None,
        },
        private_reply_window: meta.then_some(TimeDelta::days(7)),
        reply_limit: reply_rule(network),
        dm_limit: dm_rule(network),
        human_agent: false,
    }
}

impl Capabilities {
    /// The same network for an account that holds Meta's Human Agent feature.
    pub fn with_human_agent(self, enabled: bool) -> Capabilities {
        Capabilities {
            human_agent: enabled,
            ..self
        }
    }

    /// The same network with an instance's own reply rule (Mastodon).
    pub fn with_reply_limit(self, rule: LengthRule) -> Capabilities {
        // A Mastodon DM is a status too, so the instance rule covers both.
        let mastodon = self.network == Network::Mastodon;
        Capabilities {
            reply_limit: rule,
            dm_limit: if mastodon { Some(rule) } else { self.dm_limit },
            ..self
        }
    }

    pub fn grant(&self, action: Capability) -> Option<Grant> {
        self.actions
            .iter()
            .copied()
            .find(|g| g.capability == action)
    }

    pub fn allows(&self, action: Capability) -> bool {
        self.grant(action).is_some()
    }

    /// The length rule for answering an item of `kind`.
    pub fn length_rule(&self, kind: Kind) -> LengthRule {
        match (kind, self.dm_limit) {
            (Kind::DirectMessage, Some(rule)) => rule,
            _ => self.reply_limit,
        }
    }

    /// Whether `action` can be done on `target` at `now`, and how to send it.
    /// A `Reply` to a DM is checked as a `DirectMessage`.
    pub fn check(
        &self,
        action: Capability,
        target: &Target,
        now: DateTime<Utc>,
    ) -> Result<Permit, Impossible> {
        let is_dm = target.kind == Kind::DirectMessage;
        let action = match action {
            Capability::Reply if is_dm => Capability::DirectMessage,
            other => other,
        };
        let refuse = |reason: String| Impossible {
            network: self.network,
            action,
            reason,
        };
        let Some(grant) = self.grant(action) else {
            return Err(refuse(refusals::missing(self, action)));
        };
        if is_dm && !refusals::applies_to_dms(action) {
            return Err(refuse(refusals::not_for_dms(action)));
        }
        if target.ours
            && matches!(
                action,
                Capability::Block | Capability::Mute | Capability::Report | Capability::Spam
            )
        {
            return Err(refuse("This is the account's own post.".to_string()));
        }
        if !in_scope(grant.scope, target) {
            return Err(refuse(refusals::out_of_scope(
                self,
                action,
                grant.scope,
                target,
            )));
        }
        self.timing(action, target, now).map_err(refuse)
    }

    /// Every action with its verdict for `target`, in [`Capability::ALL`] order.
    pub fn verdicts(
        &self,
        target: &Target,
        now: DateTime<Utc>,
    ) -> Vec<(Capability, Result<Permit, Impossible>)> {
        Capability::ALL
            .iter()
            .map(|a| (*a, self.check(*a, target, now)))
            .collect()
    }

    /// Rules that depend on the item's state and on time.
    fn timing(
        &self,
        action: Capability,
        target: &Target,
        now: DateTime<Utc>,
    ) -> Result<Permit, String> {
        if action == Capability::Reply && target.hidden && self.network == Network::Instagram {
            // §2: "hidden comments cannot be replied to".
            return Err(
                "Instagram does not accept replies to hidden comments; unhide it first."
                    .to_string(),
            );
        }
        if let (Capability::PrivateReply, Some(window)) = (action, self.private_reply_window) {
            let age = now - target.created_at;
            if age > window {
                return Err(refusals::private_reply_closed(self.network, window, age));
            }
        }
        match (action, target.kind, self.dm_window) {
            (Capability::DirectMessage, Kind::DirectMessage, Some(window)) => {
                let since = target.last_customer_message_at.unwrap_or(target.created_at);
                window_verdict(&window, now - since, self.human_agent)
            }
            _ => Ok(Permit::Plain),
        }
    }
}

fn in_scope(scope: Scope, t: &Target) -> bool {
    match scope {
        Scope::Any => true,
        Scope::Conversations => t.kind == Kind::DirectMessage,
        Scope::OnOwnPosts => t.under_own_post,
        Scope::TopLevelOnOwnPosts => t.under_own_post && !t.nested,
        Scope::OwnOnly => t.ours,
        Scope::OwnOrOnOwnPosts => t.ours || t.under_own_post,
        Scope::Summoned => t.is_summoned(),
    }
}

/// The DM window at `age` since the customer's last message.
fn window_verdict(window: &DmWindow, age: TimeDelta, human_agent: bool) -> Result<Permit, String> {
    if age <= window.standard {
        return Ok(Permit::Plain);
    }
    match window.extension {
        Some(ext) if age <= ext.until && human_agent => Ok(Permit::Tagged(ext.tag)),
        _ => Err(refusals::window_closed(window, age)),
    }
}

#[cfg(test)]
#[path = "capabilities_tests.rs"]
mod tests;
