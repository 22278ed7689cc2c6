//! Hand-off: telling a colleague, reliably, that an item was escalated to
//! them, and hearing back from them.
//!
//! This module owns the packet ([`Handoff`]), its three renderings (the JSON
//! payload, an e-mail subject and body) and the delivery engine
//! ([`deliver`]) over three channels: a webhook, e-mail over SMTP, a local
//! command. It keeps no state: the durable outbox stores the hand-off first
//! and calls [`deliver`] again while [`DeliveryError::retry`] says so. The
//! return leg is [`callback_router`] (`guichet serve-callbacks`).
//!
//! # Payload schema `guichet.handoff/1`
//!
//! The webhook body and the command's stdin are the same JSON object:
//!
//! ```json
//! {
//!   "schema": "guichet.handoff/1",
//!   "idempotency_key": "gh1-…",          // same as the Idempotency-Key header
//!   "text": "[refund] for Marie, due …",  // one-paragraph chat summary
//!   "handoff": {
//!     "item_id": "instagram:atelierlumen:1789",
//!     "network": "instagram", "account": "atelierlumen", "kind": "comment",
//!     "author": { "handle": "jdupont", "display_name": "Jean Dupont",
//!                 "profile_url": "https://…" | null, "followers": 1200 | null },
//!     "text": "the customer's words, in full",
//!     "link": "https://…" | null,
//!     "tag": "refund", "assignee": "Marie", "note": "…" | null,
//!     "due": "2026-11-25T09:00:00Z" | null,
//!     "by": "Paul", "at": "2026-11-24T08:12:03Z",
//!     "callback_url": "http://…/handoff/instagram%3Aatelierlumen%3A1789" | null
//!   }
//! }
//! ```
//!
//! The top-level `text` is what Slack, Mattermost and Teams incoming
//! webhooks display as is (for Discord, use the hook's Slack-compatible
//! URL, ending in `/slack`). Everything the customer
//! controls in it (their words, name, handle, the link) is made inert: `<`
//! and `>` become `‹ ›` (no `<!channel>`, `<@U…>`, `<url|label>`), an `@` is
//! followed by a zero-width space (no `@everyone` ping), line breaks and
//! control characters become spaces, and it is truncated; the link is
//! shown only if it is an http(s) URL. The assignee, tag and CM's name are
//! trusted config and kept (so a roster may hold `<@U123>` to ping). The structured
//! `handoff` part carries the exact words. Readers must ignore unknown
//! fields; a breaking change bumps the schema to `guichet.handoff/2`.
//!
//! The outbox keeps each hand-off as a [`HandoffOrder`] (packet and
//! channel), queued by the escalate flow from a [`HandoffPlan`]; [`send_due`]
//! delivers them, retrying with backoff.
//!
//! To add a channel: a [`Channel`] variant, its sender module, its arm in
//! [`deliver`], and an error classification documented on [`DeliveryError`].

mod callback;
mod command;
mod deliver;
mod email;
mod order;
mod render;
mod sender;
#[cfg(test)]
mod tests_callback;
#[cfg(test)]
mod tests_command;
#[cfg(test)]
mod tests_outbox;
#[cfg(test)]
mod tests_payload;
#[cfg(test)]
mod tests_smtp;
#[cfg(test)]
mod tests_support;
#[cfg(test)]
mod tests_webhook;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use callback::{Callback, CallbackSink, SinkError, callback_path, callback_router};
pub use deliver::{Channel, DeliveryError, Limits, Security, Smtp, deliver, deliver_with};
pub use order::{HandoffOrder, HandoffPlan, channels_for, describe_channels};
pub use sender::{HandoffSender, MAX_ATTEMPTS, backoff, send_due};

/// The payload's schema name and version.
pub const SCHEMA: &str = "guichet.handoff/1";

/// Who wrote the escalated item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoffAuthor {
    pub handle: String,
    pub display_name: String,
    pub profile_url: Option<String>,
    pub followers: Option<u64>,
}

/// What the colleague receives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handoff {
    /// `network:account:native_id`.
    pub item_id: String,
    pub network: String,
    pub account: String,
    pub kind: String,
    pub author: HandoffAuthor,
    /// The customer's words.
    pub text: String,
    /// Permalink.
    pub link: Option<String>,
    /// The escalation tag, e.g. `refund`.
    pub tag: String,
    /// Who must act.
    pub assignee: String,
    /// The community manager's internal note.
    pub note: Option<String>,
    /// From the tag's SLA.
    pub due: Option<DateTime<Utc>>,
    /// The community manager who escalated.
    pub by: String,
    pub at: DateTime<Utc>,
    /// Where the colleague's tool can post the outcome (see [`callback_router`]).
    pub callback_url: Option<String>,
}

impl Handoff {
    pub fn from_item(
        item: &crate::model::Item,
        tag: &str,
        assignee: &str,
        note: Option<&str>,
        due: Option<DateTime<Utc>>,
        by: &str,
        at: DateTime<Utc>,
    ) -> Handoff {
        let remote = &item.remote;
        Handoff {
            item_id: item.id.as_str().to_string(),
            network: remote.network.as_str().to_string(),
            account: remote.account.clone(),
            kind: remote.kind.as_str().to_string(),
            author: HandoffAuthor {
                handle: remote.author.handle.clone(),
                display_name: remote.author.display_name.clone(),
                profile_url: remote.author.profile_url.clone(),
                followers: remote.author.followers,
            },
            text: remote.text.clone(),
            link: remote.permalink.clone(),
            tag: tag.to_string(),
            assignee: assignee.to_string(),
            note: note.map(str::to_string).filter(|n| !n.trim().is_empty()),
            due,
            by: by.to_string(),
            at,
            callback_url: None,
        }
    }

    /// Sets [`Handoff::callback_url`] from the base URL `guichet
    /// serve-callbacks` is reachable at (e.g. `https://cm.example.org`).
    pub fn with_callback_base(mut self, base: &str) -> Handoff {
        let base = base.trim_end_matches('/');
        self.callback_url = Some(format!("{base}{}", callback_path(&self.item_id)));
        self
    }

    /// Stable across retries and restarts: the same item, tag and escalation
    /// time give the same key, so a receiver can drop a duplicate delivery.
    pub fn idempotency_key(&self) -> String {
        let mut hash = Sha256::new();
        for part in [
            SCHEMA,
            &self.item_id,
            &self.tag,
            &self.at.to_rfc3339_opts(SecondsFormat::Nanos, true),
        ] {
            hash.update(part.as_bytes());
            hash.update([0u8]);
        }
        let digest = hash.finalize();
        let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
        format!("gh1-{hex}")
    }

    /// The JSON body (see the module header for the schema).
    pub fn payload(&self) -> serde_json::Value {
        serde_json::json!({
            "schema": SCHEMA,
            "idempotency_key": self.idempotency_key(),
            "text": render::summary(self),
            "handoff": self,
        })
    }

    /// The e-mail subject: one line, tag, assignee, author, due.
    pub fn subject(&self) -> String {
        render::subject(self)
    }

    /// The plain-text e-mail body.
    pub fn email_body(&self) -> String {
        render::email_body(self)
    }
}
