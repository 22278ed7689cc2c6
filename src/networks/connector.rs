//! The [`Connector`] trait: what the sync engine asks of every network.
//!
//! A connector turns the network's documented HTTP API into [`Item`]s. It
//! never knows whether it talks to the real network or to the sandbox:
//! only its base URL differs. It skips (and logs) items it cannot read
//! rather than failing the page. Writes go through the outbox (`crate::outbox`).

use std::future::Future;

use super::error::ConnectorError;
use crate::model::{Item, Network};

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

    /// The sync stream's name, under which its cursor is stored.
    fn stream(&self) -> String {
        format!("{}:{}/inbox", self.network().as_str(), self.account())
    }
}
