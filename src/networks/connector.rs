//! The [`Connector`] trait: what the sync engine asks of every network.
//!
//! A connector turns the network's documented HTTP API into [`Item`]s. It
//! never knows whether it talks to the real network or to the sandbox:
//! only its base URL differs. It skips (and logs) items it cannot read
//! rather than failing the page. Writes go through the outbox (`crate::outbox`).

use std::future::Future;

use serde::{Deserialize, Serialize};

use super::capabilities::Capability;
use super::error::{ConnectorError, ErrorKind};
use super::report::Report;
use crate::model::{Item, Network};

/// A write with no text of its own, sent through the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Act {
    Like,
    Unlike,
    Hide,
    Unhide,
    Delete,
    /// Block (ban) the item's author.
    Block,
    /// Mute the item's author.
    Mute,
    /// Mark as spam: a spam report (Mastodon, Bluesky), YouTube's
    /// `rejected`, Messenger's `MOVE_TO_SPAM` (see `networks::report`).
    /// Stored in the outbox: new variants go at the end.
    Spam,
}

impl Act {
    pub const ALL: [Act; 8] = [
        Act::Like,
        Act::Unlike,
        Act::Hide,
        Act::Unhide,
        Act::Delete,
        Act::Block,
        Act::Mute,
        Act::Spam,
    ];

    pub fn capability(self) -> Capability {
        match self {
            Act::Like => Capability::Like,
            Act::Unlike => Capability::Unlike,
            Act::Hide => Capability::Hide,
            Act::Unhide => Capability::Unhide,
            Act::Delete => Capability::Delete,
            Act::Block => Capability::Block,
            Act::Mute => Capability::Mute,
            Act::Spam => Capability::Spam,
        }
    }

    pub fn as_str(self) -> &'static str {
        self.capability().as_str()
    }

    /// Acting on an item twice leaves it as once (a second like, hide or
    /// block changes nothing), so an uncertain attempt can simply be sent
    /// again. Only a delete can fail the second time (not found), which
    /// the outbox reads as done. A spam report sent twice files two
    /// reports (neither Mastodon nor Bluesky lets us list ours to check).
    pub fn is_idempotent(self) -> bool {
        self != Act::Spam
    }
}

/// The error a connector returns for an action its network has no call for.
pub fn unsupported(network: Network, what: &str) -> ConnectorError {
    ConnectorError::new(
        network,
        ErrorKind::PermissionMissing,
        format!("guichet has no {what} call for {} yet", network.as_str()),
    )
}

/// One sync pass: what is new, and where to resume next time.
#[derive(Debug, Default)]
pub struct Fetched {
    pub items: Vec<Item>,
    /// The cursor to save once `items` are stored (None: keep the old one).
    pub cursor: Option<String>,
    /// Items in the pages that could not be read (logged, not stored).
    pub skipped: usize,
    /// More pages remained when the depth limit stopped the pass.
    pub truncated: bool,
}

pub trait Connector: Send + Sync {
    fn network(&self) -> Network;

    /// The brand account this connector reads (the `account` of item ids).
    fn account(&self) -> &str;

    /// Items newer than `cursor` (everything recent, down to `depth` items,
    /// on a first sync).
    fn fetch_new(
        &self,
        cursor: Option<&str>,
        depth: usize,
    ) -> impl Future<Output = Result<Fetched, ConnectorError>> + Send;

    /// Posts `text` as the brand's reply to `item` (a direct reply for a
    /// DM), with an idempotency key; returns the reply's remote id.
    fn reply(
        &self,
        item: &Item,
        text: &str,
        idempotency_key: &str,
    ) -> impl Future<Output = Result<String, ConnectorError>> + Send;

    /// Looks on the network for a reply of ours to `item` with this text
    /// (used before resending after an uncertain attempt).
    fn find_reply(
        &self,
        item: &Item,
        text: &str,
    ) -> impl Future<Output = Result<Option<String>, ConnectorError>> + Send;

    /// Performs a textless write on `item` (or on its author, for block and
    /// mute). Returns the remote id of what was created (a like record) or
    /// of the item acted on.
    fn act(
        &self,
        item: &Item,
        act: Act,
        idempotency_key: &str,
    ) -> impl Future<Output = Result<String, ConnectorError>> + Send {
        let _ = (item, idempotency_key);
        let network = self.network();
        async move { Err(unsupported(network, act.as_str())) }
    }

    /// Reports `item` (its author, for a Bluesky DM) to the network's
    /// moderators. Returns the report's id.
    fn report(
        &self,
        item: &Item,
        report: &Report,
        idempotency_key: &str,
    ) -> impl Future<Output = Result<String, ConnectorError>> + Send {
        let _ = (item, report, idempotency_key);
        let network = self.network();
        async move { Err(unsupported(network, "report")) }
    }

    /// Meta's private reply: a DM to the author of a public comment.
    fn private_reply(
        &self,
        item: &Item,
        text: &str,
        idempotency_key: &str,
    ) -> impl Future<Output = Result<String, ConnectorError>> + Send {
        let _ = (item, text, idempotency_key);
        let network = self.network();
        async move { Err(unsupported(network, "private reply")) }
    }

    /// The day's API quota, for networks that count one (YouTube).
    fn quota(&self) -> Option<super::quota::QuotaDay> {
        None
    }

    /// Carries over what an earlier run spent today.
    fn carry_quota(&self, saved: &super::quota::QuotaDay) {
        let _ = saved;
    }

    /// The sync stream's name, under which its cursor is stored.
    fn stream(&self) -> String {
        format!("{}:{}/inbox", self.network().as_str(), self.account())
    }
}
