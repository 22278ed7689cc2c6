//! The Instagram sandbox's control handle: creating the account, seeding
//! it from demo items (mentions excepted: they only arrive by webhook),
//! what tests and the demo make happen, and reading back what the brand
//! did. A child module, so it reaches the account state's private fields.

use super::*;
use crate::model::{Item, Kind, Network};
use crate::sandbox::graph::inbox::Sent;

impl Instagram {
    /// The account `username` (`ig_user_id`), linked to Page `page_id`.
    pub fn new(ig_user_id: &str, username: &str, page_id: &str) -> Instagram {
        let me = Party {
            id: ig_user_id.to_string(),
            name: username.to_string(),
        };
        let state = AccountState {
            inbox: Inbox::new(me.clone(), true),
            me,
            page_id: page_id.to_string(),
            media: Vec::new(),
            comments: Vec::new(),
            next: 60_000_000_000,
        };
        Instagram {
            state: Arc::new(Mutex::new(state)),
            gate: Gate::new(TOKEN, ig_user_id, "instagram", 80_002),
        }
    }

    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, AccountState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Seeds the account with the Instagram items of a demo inbox.
    pub fn seed(&self, items: &[Item]) {
        let mut st = self.lock();
        let mut sorted: Vec<&Item> = items
            .iter()
            .filter(|i| i.remote.network == Network::Instagram)
            .collect();
        sorted.sort_by_key(|i| i.remote.created_at);
        for item in sorted {
            let r = &item.remote;
            let from = if r.from_us {
                st.me.clone()
            } else {
                Party {
                    id: r.author.id.clone(),
                    name: r.author.handle.trim_start_matches('@').to_string(),
                }
            };
            if r.kind == Kind::DirectMessage {
                let conv = r.thread_id.clone();
                st.inbox.receive(
                    conv.as_deref(),
                    from,
                    &r.text,
                    r.created_at,
                    Some(r.native_id.clone()),
                );
                continue;
            }
            let Some(media) = &r.post else { continue };
            if !st.media.iter().any(|m| m.id == media.id) {
                st.media.push(Media {
                    id: media.id.clone(),
                    caption: media.text.clone(),
                    created: media
                        .created_at
                        .unwrap_or(r.created_at - chrono::Duration::hours(2)),
                    permalink: media
                        .permalink
                        .clone()
                        .unwrap_or_else(|| format!("https://www.instagram.com/p/{}/", media.id)),
                });
            }
            // A parent that is the media itself makes a top-level comment.
            let parent = r
                .parent_id
                .clone()
                .filter(|p| st.comments.iter().any(|c| c.id == *p));
            st.comments.push(Comment {
                id: r.native_id.clone(),
                media: media.id.clone(),
                parent,
                from,
                text: r.text.clone(),
                created: r.created_at,
                hidden: r.moderation.hidden,
                likes: r.engagement.likes.unwrap_or(0),
                raw: None,
            });
        }
    }

    /// New media by the account; returns its id.
    pub fn media(&self, caption: &str, at: DateTime<Utc>) -> String {
        let mut st = self.lock();
        let id = format!("180{:014}", st.next_id());
        st.media.push(Media {
            id: id.clone(),
            caption: caption.to_string(),
            created: at,
            permalink: format!("https://www.instagram.com/p/{id}/"),
        });
        id
    }

    pub fn newest_media(&self) -> Option<String> {
        let st = self.lock();
        st.media
            .iter()
            .max_by_key(|m| m.created)
            .map(|m| m.id.clone())
    }

    /// A person comments on `media` (`parent`: replies to it); returns its id.
    pub fn comment(
        &self,
        media: &str,
        parent: Option<&str>,
        (user_id, username): (&str, &str),
        text: &str,
        at: DateTime<Utc>,
    ) -> String {
        let from = Party {
            id: user_id.to_string(),
            name: username.to_string(),
        };
        self.lock().add(media, parent, from, text, at)
    }

    /// A comment entry in an arbitrary JSON shape (malformed-item tests).
    pub fn raw_comment(&self, media: &str, value: Value) {
        let mut st = self.lock();
        st.comments.push(Comment {
            id: String::new(),
            media: media.to_string(),
            parent: None,
            from: Party {
                id: String::new(),
                name: String::new(),
            },
            text: String::new(),
            created: Utc::now(),
            hidden: false,
            likes: 0,
            raw: Some(value),
        });
    }

    /// A DM from a person (IGSID `user_id`); returns the message id.
    pub fn message(
        &self,
        (user_id, username): (&str, &str),
        text: &str,
        at: DateTime<Utc>,
    ) -> String {
        let party = Party {
            id: user_id.to_string(),
            name: username.to_string(),
        };
        self.lock().inbox.receive(None, party, text, at, None)
    }

    /// `hidden` of a comment; `None` once deleted.
    pub fn comment_hidden(&self, id: &str) -> Option<bool> {
        self.lock().comment(id).map(|c| c.hidden)
    }

    /// The account's replies under comment `id`: (reply id, text).
    pub fn our_replies(&self, id: &str) -> Vec<(String, String)> {
        let st = self.lock();
        st.comments
            .iter()
            .filter(|c| c.parent.as_deref() == Some(id) && c.from.id == st.me.id)
            .map(|c| (c.id.clone(), c.text.clone()))
            .collect()
    }

    /// What went through the Send API, oldest first.
    pub fn sent(&self) -> Vec<Sent> {
        self.lock().inbox.sent.clone()
    }
}
