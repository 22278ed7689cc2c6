//! X API v2 JSON shapes (§3) and how a post or a DM event becomes an item.
//!
//! A post is a `Quote` when it quotes one of ours, a `Reply` when it
//! answers one of our posts directly (parent = thread = our post), a
//! `Mention` when it names us (`entities.mentions`) anywhere else, and a
//! nested `Reply` (parent ≠ thread) in our conversation otherwise. That is what
//! `Target::from_remote` reads to apply X's 2026 "summoned" reply rule.
//! X reports neither our likes nor hidden replies on posts, so
//! `moderation` stays as the outbox last set it on our side.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::model::{Author, Engagement, Item, Kind, Network, PostRef, Remote};

#[derive(Debug, Clone, Deserialize)]
pub struct Post {
    pub id: String,
    pub text: String,
    pub author_id: String,
    #[serde(default)]
    pub conversation_id: Option<String>,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub referenced_tweets: Vec<Reference>,
    #[serde(default)]
    pub entities: Option<Entities>,
    #[serde(default)]
    pub public_metrics: Option<Metrics>,
    #[serde(default)]
    pub lang: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Reference {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Entities {
    #[serde(default)]
    pub mentions: Vec<MentionEntity>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MentionEntity {
    pub username: String,
    #[serde(default)]
    pub id: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
pub struct Metrics {
    #[serde(default)]
    pub like_count: u64,
    #[serde(default)]
    pub reply_count: u64,
    #[serde(default)]
    pub retweet_count: u64,
    #[serde(default)]
    pub quote_count: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct User {
    pub id: String,
    pub name: String,
    pub username: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DmEvent {
    pub id: String,
    pub event_type: String,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub sender_id: Option<String>,
    #[serde(default)]
    pub dm_conversation_id: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// `meta` of a list answer.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Meta {
    #[serde(default)]
    pub newest_id: Option<String>,
    #[serde(default)]
    pub next_token: Option<String>,
}

/// What one pass knows beside the post itself: the users and posts of
/// `includes`, and our own recent posts.
#[derive(Debug, Default)]
pub struct Context {
    pub users: HashMap<String, User>,
    /// Authors of the referenced posts in `includes.tweets`.
    pub post_authors: HashMap<String, String>,
    /// Our recent root posts: id → (text, created_at).
    pub own_posts: HashMap<String, (String, DateTime<Utc>)>,
}

/// Snowflake order on decimal strings (longer is newer).
pub fn newer(a: &str, b: &str) -> bool {
    (a.len(), a) > (b.len(), b)
}

pub struct Mapper<'a> {
    pub handle: &'a str,
    pub user_id: &'a str,
}

impl Mapper<'_> {
    fn author(&self, id: &str, ctx: &Context) -> Author {
        match ctx.users.get(id) {
            Some(u) => Author {
                id: u.id.clone(),
                handle: format!("@{}", u.username),
                display_name: u.name.clone(),
                profile_url: Some(format!("https://x.com/{}", u.username)),
                followers: None,
            },
            None => Author {
                id: id.to_string(),
                handle: String::new(),
                display_name: String::new(),
                profile_url: None,
                followers: None,
            },
        }
    }

    fn mentions_us(&self, post: &Post) -> bool {
        match &post.entities {
            Some(e) => e.mentions.iter().any(|m| {
                m.id.as_deref() == Some(self.user_id)
                    || m.username.eq_ignore_ascii_case(self.handle)
            }),
            None => post.text.split_whitespace().any(|w| {
                w.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '_')
                    .strip_prefix('@')
                    .is_some_and(|u| u.eq_ignore_ascii_case(self.handle))
            }),
        }
    }

    pub fn kind(&self, post: &Post, ctx: &Context) -> Kind {
        let reference = |kind: &str| {
            post.referenced_tweets
                .iter()
                .find(|r| r.kind == kind)
                .map(|r| r.id.as_str())
        };
        let ours = |id: &str| {
            ctx.own_posts.contains_key(id)
                || ctx.post_authors.get(id).map(String::as_str) == Some(self.user_id)
        };
        if reference("quoted").is_some_and(ours) {
            return Kind::Quote;
        }
        let conversation = post.conversation_id.as_deref();
        let in_ours = conversation.is_some_and(ours);
        match reference("replied_to") {
            Some(parent) if in_ours && Some(parent) == conversation => Kind::Reply,
            _ if self.mentions_us(post) => Kind::Mention,
            _ if in_ours => Kind::Reply,
            _ => Kind::Mention,
        }
    }

    pub fn post(&self, post: Post, ctx: &Context) -> Item {
        let kind = self.kind(&post, ctx);
        let author = self.author(&post.author_id, ctx);
        let parent = post
            .referenced_tweets
            .iter()
            .find(|r| r.kind == "replied_to")
            .map(|r| r.id.clone());
        let own = post
            .conversation_id
            .as_ref()
            .and_then(|c| ctx.own_posts.get(c).map(|p| (c, p)));
        let root = post.conversation_id.as_ref().and_then(|c| match own {
            Some((id, (text, at))) => Some(PostRef {
                id: id.clone(),
                text: text.clone(),
                permalink: Some(format!("https://x.com/{}/status/{id}", self.handle)),
                created_at: Some(*at),
            }),
            None => (c != &post.id).then(|| PostRef {
                id: c.clone(),
                ..PostRef::default()
            }),
        });
        let username = author.handle.trim_start_matches('@').to_string();
        let metrics = post.public_metrics.unwrap_or_default();
        Item::new(Remote {
            network: Network::X,
            account: self.handle.to_string(),
            permalink: Some(format!("https://x.com/{username}/status/{}", post.id)),
            native_id: post.id,
            kind,
            thread_id: post.conversation_id,
            parent_id: parent,
            post: root,
            from_us: post.author_id == self.user_id,
            author,
            text: post.text,
            lang: post.lang,
            created_at: post.created_at,
            engagement: Engagement {
                likes: Some(metrics.like_count),
                replies: Some(metrics.reply_count),
                shares: Some(metrics.retweet_count + metrics.quote_count),
            },
            moderation: Default::default(),
        })
    }

    /// A `MessageCreate` event; `None` for joins and leaves.
    pub fn dm(&self, event: DmEvent, ctx: &Context) -> Option<Item> {
        if event.event_type != "MessageCreate" {
            return None;
        }
        let sender = event.sender_id.clone().unwrap_or_default();
        let conversation = event.dm_conversation_id.clone();
        Some(Item::new(Remote {
            network: Network::X,
            account: self.handle.to_string(),
            native_id: event.id,
            kind: Kind::DirectMessage,
            permalink: conversation
                .as_ref()
                .map(|c| format!("https://x.com/messages/{c}")),
            thread_id: conversation,
            parent_id: None,
            post: None,
            from_us: sender == self.user_id,
            author: self.author(&sender, ctx),
            text: event.text.unwrap_or_default(),
            lang: None,
            created_at: event.created_at,
            engagement: Engagement::default(),
            moderation: Default::default(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(v: serde_json::Value) -> Post {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn maps_the_reference_example() {
        let m = Mapper {
            handle: "cafelumen",
            user_id: "2244994945",
        };
        let mut ctx = Context::default();
        ctx.users.insert(
            "1500000000000000001".into(),
            User {
                id: "1500000000000000001".into(),
                name: "Sam P".into(),
                username: "sam_p".into(),
            },
        );
        let p = post(serde_json::json!({
            "id": "1834567890123456789",
            "text": "@cafelumen is the terrace open tonight?",
            "author_id": "1500000000000000001",
            "conversation_id": "1834567890123456789",
            "created_at": "2026-09-14T19:02:11.000Z",
            "in_reply_to_user_id": "2244994945",
            "edit_history_tweet_ids": ["1834567890123456789"],
            "entities": { "mentions": [ { "start": 0, "end": 10, "username": "cafelumen", "id": "2244994945" } ] },
            "public_metrics": { "retweet_count": 0, "reply_count": 0, "like_count": 1, "quote_count": 0 }
        }));
        let item = m.post(p, &ctx);
        assert_eq!(item.id.as_str(), "x:cafelumen:1834567890123456789");
        assert_eq!(item.remote.kind, Kind::Mention);
        assert_eq!(item.remote.author.handle, "@sam_p");
        assert_eq!(item.remote.engagement.likes, Some(1));
        assert_eq!(
            item.remote.permalink.as_deref(),
            Some("https://x.com/sam_p/status/1834567890123456789")
        );
        assert!(!item.remote.from_us);
    }

    #[test]
    fn kinds_follow_the_summoned_rule() {
        let m = Mapper {
            handle: "brand",
            user_id: "1",
        };
        let mut ctx = Context::default();
        ctx.own_posts
            .insert("100".into(), ("ours".into(), Utc::now()));
        let base = |refs: serde_json::Value, text: &str| {
            post(serde_json::json!({
                "id": "200", "text": text, "author_id": "9", "conversation_id": "100",
                "created_at": "2026-09-14T19:02:11.000Z", "referenced_tweets": refs,
                "entities": { "mentions": [] }
            }))
        };
        let top = base(
            serde_json::json!([{ "type": "replied_to", "id": "100" }]),
            "hi",
        );
        assert_eq!(m.kind(&top, &ctx), Kind::Reply);
        let nested = base(
            serde_json::json!([{ "type": "replied_to", "id": "150" }]),
            "hi",
        );
        assert_eq!(m.kind(&nested, &ctx), Kind::Reply);
        let quote = base(
            serde_json::json!([{ "type": "quoted", "id": "100" }]),
            "look",
        );
        assert_eq!(m.kind(&quote, &ctx), Kind::Quote);
        assert!(newer("1000", "999") && !newer("12", "13"));
    }
}
