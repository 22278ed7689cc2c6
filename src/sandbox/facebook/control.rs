//! The Facebook sandbox's control handle: creating the Page, seeding it
//! from demo items, what tests and the demo make happen (a new comment, a
//! reply, a Messenger message, a malformed entry) and reading back what the
//! brand did (replies, hides, likes, messages sent, blocks). A child
//! module, so it reaches the Page state's private fields.

use super::*;
use crate::model::{Item, Kind, Network};
use crate::sandbox::graph::inbox::Sent;

impl Facebook {
    /// A Page named `name` with id `page_id`.
    pub fn new(page_id: &str, name: &str) -> Facebook {
        let page = Party {
            id: page_id.to_string(),
            name: name.to_string(),
        };
        let state = PageState {
            inbox: Inbox::new(page.clone(), false),
            page,
            posts: Vec::new(),
            comments: Vec::new(),
            blocked: BTreeSet::new(),
            next: 5_000_000_000_000_000,
        };
        Facebook {
            state: Arc::new(Mutex::new(state)),
            gate: Gate::new(TOKEN, page_id, "pages", 32),
        }
    }

    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, PageState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Seeds the Page with the Facebook items of a demo inbox: their posts,
    /// comments and replies (ours from the Page), and Messenger threads.
    pub fn seed(&self, items: &[Item]) {
        let mut st = self.lock();
        let mut sorted: Vec<&Item> = items
            .iter()
            .filter(|i| i.remote.network == Network::Facebook)
            .collect();
        sorted.sort_by_key(|i| i.remote.created_at);
        for item in sorted {
            let r = &item.remote;
            let from = if r.from_us {
                st.page.clone()
            } else {
                Party {
                    id: r.author.id.clone(),
                    name: r.author.display_name.clone(),
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
            let Some(post) = &r.post else { continue };
            if !st.posts.iter().any(|p| p.id == post.id) {
                let part = post.id.rsplit('_').next().unwrap_or(&post.id).to_string();
                let permalink = post.permalink.clone().unwrap_or_else(|| {
                    format!("https://www.facebook.com/{}/posts/{part}", st.page.id)
                });
                st.posts.push(Post {
                    id: post.id.clone(),
                    message: post.text.clone(),
                    created: post
                        .created_at
                        .unwrap_or(r.created_at - chrono::Duration::hours(2)),
                    permalink,
                });
            }
            let parent = r.parent_id.clone().filter(|p| *p != post.id);
            st.comments.push(Comment {
                id: r.native_id.clone(),
                post: post.id.clone(),
                parent,
                from,
                message: r.text.clone(),
                created: r.created_at,
                hidden: r.moderation.hidden,
                likes: r.engagement.likes.unwrap_or(0),
                liked: r.moderation.liked,
                permalink: r.permalink.clone().unwrap_or_default(),
                raw: None,
            });
        }
    }

    /// A new post by the Page; returns its id (`PAGEID_POSTID`).
    pub fn post(&self, message: &str, at: DateTime<Utc>) -> String {
        let mut st = self.lock();
        let n = st.next_id();
        let id = format!("{}_{n}", st.page.id);
        let permalink = format!("https://www.facebook.com/{}/posts/{n}", st.page.id);
        st.posts.push(Post {
            id: id.clone(),
            message: message.to_string(),
            created: at,
            permalink,
        });
        id
    }

    /// The Page's newest post.
    pub fn newest_post(&self) -> Option<String> {
        let st = self.lock();
        st.posts
            .iter()
            .max_by_key(|p| p.created)
            .map(|p| p.id.clone())
    }

    /// A person comments (`parent`: a reply to that comment); returns its id.
    pub fn comment(
        &self,
        post: &str,
        parent: Option<&str>,
        (user_id, name): (&str, &str),
        text: &str,
        at: DateTime<Utc>,
    ) -> String {
        let mut st = self.lock();
        let n = st.next_id();
        let part = post.rsplit('_').next().unwrap_or(post).to_string();
        let id = format!("{part}_{n}");
        let permalink = format!(
            "https://www.facebook.com/{}/posts/{part}?comment_id={n}",
            st.page.id
        );
        st.comments.push(Comment {
            id: id.clone(),
            post: post.to_string(),
            parent: parent.map(str::to_string),
            from: Party {
                id: user_id.to_string(),
                name: name.to_string(),
            },
            message: text.to_string(),
            created: at,
            hidden: false,
            likes: 0,
            liked: false,
            permalink,
            raw: None,
        });
        id
    }

    /// A comment entry in an arbitrary JSON shape (malformed-item tests).
    pub fn raw_comment(&self, post: &str, value: Value) {
        let mut st = self.lock();
        st.comments.push(Comment {
            id: String::new(),
            post: post.to_string(),
            parent: None,
            from: Party {
                id: String::new(),
                name: String::new(),
            },
            message: String::new(),
            created: Utc::now(),
            hidden: false,
            likes: 0,
            liked: false,
            permalink: String::new(),
            raw: Some(value),
        });
    }

    /// A Messenger message from a person (PSID `user_id`); returns its id.
    pub fn message(&self, (user_id, name): (&str, &str), text: &str, at: DateTime<Utc>) -> String {
        let party = Party {
            id: user_id.to_string(),
            name: name.to_string(),
        };
        self.lock().inbox.receive(None, party, text, at, None)
    }

    /// A message in an arbitrary shape, in the conversation with `user_id`.
    pub fn raw_message(&self, user_id: &str, value: Value) {
        self.lock().inbox.raw(user_id, value);
    }

    /// (is_hidden, user_likes, like_count) of a comment; `None` once deleted.
    pub fn comment_state(&self, id: &str) -> Option<(bool, bool, u64)> {
        let st = self.lock();
        st.comment(id).map(|c| (c.hidden, c.liked, c.likes))
    }

    /// The Page's replies under comment `id`: (reply id, text).
    pub fn page_replies(&self, id: &str) -> Vec<(String, String)> {
        let st = self.lock();
        st.comments
            .iter()
            .filter(|c| c.parent.as_deref() == Some(id) && c.from.id == st.page.id)
            .map(|c| (c.id.clone(), c.message.clone()))
            .collect()
    }

    /// What went through the Send API, oldest first.
    pub fn sent(&self) -> Vec<Sent> {
        self.lock().inbox.sent.clone()
    }

    pub fn blocked(&self) -> Vec<String> {
        self.lock().blocked.iter().cloned().collect()
    }

    /// What Messenger moderation did to the person `psid` (`MOVE_TO_SPAM`…).
    pub fn moderation(&self, psid: &str) -> std::collections::BTreeSet<String> {
        self.lock().inbox.moderation(psid)
    }
}
