//! Mastodon's JSON shapes (`reference/networks.md` §8) and how one status
//! becomes an [`Item`]: notifications, statuses, accounts, conversations.
//!
//! The same status gives the same item whichever way it arrived (a
//! `mention` notification or a conversation's `last_status`): the item id
//! is the status id, and a direct status's thread is its participants
//! (see [`dm_thread`]), which both sources carry.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::MastodonConnector;
use crate::model::{Author, Engagement, Item, Kind, Moderation, Network, Remote};
use crate::text::html_to_text;

#[derive(Debug, Deserialize)]
pub(super) struct Notification {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub status: Option<Status>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Conversation {
    pub id: String,
    pub last_status: Option<Status>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Status {
    pub id: String,
    pub uri: Option<String>,
    pub url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub account: Account,
    pub content: String,
    #[serde(default)]
    pub spoiler_text: String,
    pub visibility: String,
    pub in_reply_to_id: Option<String>,
    pub language: Option<String>,
    #[serde(default)]
    pub mentions: Vec<Mention>,
    #[serde(default)]
    pub replies_count: Option<u64>,
    #[serde(default)]
    pub reblogs_count: Option<u64>,
    #[serde(default)]
    pub favourites_count: Option<u64>,
    /// Whether the brand account favourited it (absent when unauthenticated).
    #[serde(default)]
    pub favourited: Option<bool>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Account {
    pub id: String,
    pub acct: String,
    #[serde(default)]
    pub display_name: String,
    pub url: Option<String>,
    pub followers_count: Option<u64>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Mention {
    pub id: String,
    pub acct: String,
}

/// The thread of a direct status: `dm-` and the account ids of everyone
/// in it but us, sorted (`dm-42`, `dm-42+77`). A notification does not
/// carry the conversation id, but both it and the conversation carry the
/// participants, so a DM gets one thread whichever way it arrived.
pub(super) fn dm_thread(participants: &[String]) -> String {
    let mut ids: Vec<&str> = participants.iter().map(String::as_str).collect();
    ids.sort_unstable();
    ids.dedup();
    format!("dm-{}", ids.join("+"))
}

impl MastodonConnector {
    /// `acct` is the brand account (`user` as the home instance writes it,
    /// or `user@instance`).
    pub(super) fn is_us(&self, acct: &str) -> bool {
        acct == self.own_username() || acct == self.account
    }

    /// Everyone in a status but us: its author and who it mentions, as
    /// (account id, `acct`).
    pub(super) fn others(&self, s: &Status) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        let all = std::iter::once((&s.account.id, &s.account.acct))
            .chain(s.mentions.iter().map(|m| (&m.id, &m.acct)));
        for (id, acct) in all {
            if !self.is_us(acct) && !out.iter().any(|(known, _)| known == id) {
                out.push((id.clone(), acct.clone()));
            }
        }
        out
    }

    /// The item for a status. `notification` is the notification type it
    /// came with (`mention`, `quote`), `None` from a conversation.
    pub(super) fn item(&self, notification: Option<&str>, s: Status) -> Item {
        let kind = match (notification, s.visibility.as_str(), &s.in_reply_to_id) {
            (Some("quote"), _, _) => Kind::Quote,
            (_, "direct", _) => Kind::DirectMessage,
            (_, _, Some(_)) => Kind::Reply,
            _ => Kind::Mention,
        };
        let thread_id = match kind {
            Kind::DirectMessage => {
                let ids: Vec<String> = self.others(&s).into_iter().map(|(id, _)| id).collect();
                dm_thread(&ids)
            }
            _ => s.in_reply_to_id.clone().unwrap_or_else(|| s.id.clone()),
        };
        let mut text = html_to_text(&s.content);
        if !s.spoiler_text.is_empty() {
            text = format!("CW: {}\n\n{text}", s.spoiler_text);
        }
        let from_us = self.is_us(&s.account.acct);
        Item::new(Remote {
            network: Network::Mastodon,
            account: self.account.clone(),
            native_id: s.id,
            kind,
            thread_id: Some(thread_id),
            parent_id: s.in_reply_to_id,
            post: None,
            author: Author {
                id: s.account.id,
                handle: format!("@{}", s.account.acct),
                display_name: s.account.display_name,
                profile_url: s.account.url,
                followers: s.account.followers_count,
            },
            text,
            lang: s.language,
            created_at: s.created_at,
            permalink: s.url.or(s.uri),
            engagement: Engagement {
                likes: s.favourites_count,
                replies: s.replies_count,
                shares: s.reblogs_count,
            },
            from_us,
            moderation: Moderation {
                liked: s.favourited.unwrap_or(false),
                ..Moderation::default()
            },
        })
    }
}

/// The text without the `@acct` mentions it starts with (how Mastodon
/// clients address a reply; the instance renders them as `@user`).
pub(super) fn without_leading_mentions(text: &str) -> &str {
    let mut rest = text.trim_start();
    while let Some(tail) = rest.strip_prefix('@') {
        let end = tail.find(char::is_whitespace).unwrap_or(tail.len());
        rest = tail[end..].trim_start();
    }
    rest.trim_end()
}
