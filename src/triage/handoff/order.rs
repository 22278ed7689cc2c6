//! A hand-off as the outbox keeps it: the packet and the one channel it
//! goes by, both fixed when the item was escalated (a later roster edit
//! does not redirect a hand-off already queued), and the earliest time of
//! the next attempt after a failure. Also: which channels a contact is
//! reached on, and how that reads in a notice.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Channel, Handoff};
use crate::triage::tags::{Contact, Via};

/// One hand-off to deliver over one channel (an [`crate::outbox::OutAction::Handoff`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoffOrder {
    pub handoff: Handoff,
    pub channel: Channel,
    /// After a retryable failure: not before this time (the backoff).
    pub not_before: Option<DateTime<Utc>>,
}

/// What the escalate flow decided, before it is turned into one
/// [`HandoffOrder`] per item and channel (reading each item from the store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoffPlan {
    pub tag: String,
    /// The roster name (or what was typed) of who takes it.
    pub assignee: String,
    pub note: Option<String>,
    pub due: Option<DateTime<Utc>>,
    pub at: DateTime<Utc>,
    pub channels: Vec<Channel>,
    /// Where `guichet serve-callbacks` is reachable (`[handoff] callback_url`).
    pub callback_base: Option<String>,
}

impl HandoffPlan {
    /// The orders for `item`, one per channel.
    pub fn orders(&self, item: &crate::model::Item, by: &str) -> Vec<HandoffOrder> {
        let mut handoff = Handoff::from_item(
            item,
            &self.tag,
            &self.assignee,
            self.note.as_deref(),
            self.due,
            by,
            self.at,
        );
        if let Some(base) = &self.callback_base {
            handoff = handoff.with_callback_base(base);
        }
        self.channels
            .iter()
            .map(|channel| HandoffOrder {
                handoff: handoff.clone(),
                channel: channel.clone(),
                not_before: None,
            })
            .collect()
    }
}

/// How `contact` is told: the tag's channel when the contact has it,
/// otherwise every channel the contact has (none: nobody can be told).
pub fn channels_for(contact: Option<&Contact>, via: Option<Via>) -> Vec<Channel> {
    let Some(c) = contact else {
        return Vec::new();
    };
    let of = |via: Via| -> Option<Channel> {
        match via {
            Via::Webhook => c.webhook.clone().map(|url| Channel::Webhook { url }),
            Via::Email => c.email.clone().map(|to| Channel::Email { to }),
            Via::Command => c.command.clone().map(|cmd| Channel::Command { cmd }),
        }
    };
    if let Some(one) = via.and_then(of) {
        return vec![one];
    }
    [Via::Webhook, Via::Email, Via::Command]
        .into_iter()
        .filter_map(of)
        .collect()
}

/// `webhook to https://chat.example and e-mail to marie@…`, without secrets.
pub fn describe_channels(channels: &[Channel]) -> String {
    let parts: Vec<String> = channels.iter().map(Channel::describe).collect();
    parts.join(" and ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marie() -> Contact {
        Contact {
            key: "marie".into(),
            name: "Marie".into(),
            email: Some("marie@example.org".into()),
            webhook: Some("https://chat.example/hooks/secret".into()),
            command: None,
            team: false,
        }
    }

    #[test]
    fn the_tag_channel_wins_else_every_channel_the_contact_has() {
        let m = marie();
        assert_eq!(
            channels_for(Some(&m), Some(Via::Email)),
            vec![Channel::Email {
                to: "marie@example.org".into()
            }]
        );
        let all = channels_for(Some(&m), Some(Via::Command));
        assert_eq!(all.len(), 2, "no command: both others");
        assert_eq!(
            describe_channels(&all),
            "webhook to https://chat.example and e-mail to marie@example.org"
        );
        assert!(channels_for(None, Some(Via::Email)).is_empty());
        let mute = Contact {
            email: None,
            webhook: None,
            ..m
        };
        assert!(channels_for(Some(&mute), None).is_empty());
    }
}
