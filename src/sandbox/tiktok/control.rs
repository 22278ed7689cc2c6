//! The TikTok sandbox's control handle: creating the account, seeding it
//! from demo items, what tests and the demo make happen (a video, a
//! comment, a reply, a malformed entry) and reading back what the brand did
//! (replies, hides, likes, deletes). A child module, so it reaches the
//! account state's private fields.

use super::*;
use crate::model::{Item, Kind, Network};

impl TikTok {
    /// The account `username` whose holder's `open_id` is `business_id`.
    pub fn new(business_id: &str, username: &str) -> TikTok {
        let state = AccountState {
            business_id: business_id.to_string(),
            me: Writer {
                unique_identifier: UNIQUE_ID.to_string(),
                username: username.to_string(),
                display_name: username.to_string(),
            },
            videos: Vec::new(),
            comments: Vec::new(),
            // Above every demo id ("74" + 17 digits) and far above 2^53.
            next: 7_600_000_000_000_000_000,
        };
        TikTok {
            state: Arc::new(Mutex::new(state)),
            faults: Faults::default(),
            meter: Arc::new(Mutex::new(Meter {
                calls: 0,
                max_page: None,
                qpm: QPM,
                windows: HashMap::new(),
                requests: 0,
            })),
            auth: Arc::new(Mutex::new(Auth {
                live: vec![TOKEN.to_string()],
                expired: Vec::new(),
                refresh: REFRESH_TOKEN.to_string(),
                refreshes: 0,
            })),
        }
    }

    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, AccountState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Seeds the account with the TikTok items of a demo inbox: their
    /// videos, comments and replies (ours as the owner), keeping their ids.
    /// A reply to a reply joins its top-level comment (one reply level).
    pub fn seed(&self, items: &[Item]) {
        let mut st = self.lock();
        let mut sorted: Vec<&Item> = items
            .iter()
            .filter(|i| i.remote.network == Network::TikTok)
            .collect();
        sorted.sort_by_key(|i| i.remote.created_at);
        for item in sorted {
            let r = &item.remote;
            let Some(post) = &r.post else { continue };
            if !st.videos.iter().any(|v| v.id == post.id) {
                let share_url = post.permalink.clone().unwrap_or_else(|| {
                    format!(
                        "https://www.tiktok.com/@{}/video/{}",
                        st.me.username, post.id
                    )
                });
                st.videos.push(Video {
                    id: post.id.clone(),
                    caption: post.text.clone(),
                    created: post
                        .created_at
                        .unwrap_or(r.created_at - chrono::Duration::hours(2)),
                    share_url,
                });
            }
            let parent = match (r.kind, &r.parent_id) {
                (Kind::Reply, Some(p)) if *p != post.id => {
                    let root = st.live(p).map(|c| c.parent.clone().unwrap_or(c.id.clone()));
                    Some(root.unwrap_or_else(|| p.clone()))
                }
                _ => None,
            };
            let from = if r.from_us {
                st.me.clone()
            } else {
                Writer {
                    unique_identifier: r.author.id.clone(),
                    username: r.author.handle.trim_start_matches('@').to_string(),
                    display_name: r.author.display_name.clone(),
                }
            };
            st.comments.push(Comment {
                id: r.native_id.clone(),
                video: post.id.clone(),
                parent,
                from,
                owner: r.from_us,
                text: r.text.clone(),
                created: r.created_at,
                hidden: r.moderation.hidden,
                likes: r.engagement.likes.unwrap_or(0),
                liked: r.moderation.liked,
                pinned: false,
                raw: None,
            });
        }
    }

    /// A new video by the account; returns its id.
    pub fn video(&self, caption: &str, at: DateTime<Utc>) -> String {
        let mut st = self.lock();
        let id = st.next_id();
        let share_url = format!("https://www.tiktok.com/@{}/video/{id}", st.me.username);
        st.videos.push(Video {
            id: id.clone(),
            caption: caption.to_string(),
            created: at,
            share_url,
        });
        id
    }

    /// The account's newest video.
    pub fn newest_video(&self) -> Option<String> {
        let st = self.lock();
        st.videos
            .iter()
            .max_by_key(|v| v.created)
            .map(|v| v.id.clone())
    }

    /// A person comments on `video` (`parent`: a reply to that top-level
    /// comment) as (`unique_identifier`, `username`, `display_name`);
    /// returns the comment's id.
    pub fn comment(
        &self,
        video: &str,
        parent: Option<&str>,
        (uid, username, name): (&str, &str, &str),
        text: &str,
        at: DateTime<Utc>,
    ) -> String {
        let from = Writer {
            unique_identifier: uid.to_string(),
            username: username.to_string(),
            display_name: name.to_string(),
        };
        self.lock().add(video, parent, from, false, text, at)
    }

    /// A comment entry in an arbitrary JSON shape (malformed-item tests).
    pub fn raw_comment(&self, video: &str, value: Value) {
        let mut st = self.lock();
        let me = st.me.clone();
        st.comments.push(Comment {
            id: String::new(),
            video: video.to_string(),
            parent: None,
            from: me,
            owner: false,
            text: String::new(),
            created: Utc::now(),
            hidden: false,
            likes: 0,
            liked: false,
            pinned: false,
            raw: Some(value),
        });
    }

    /// (hidden, liked, likes) of a comment; `None` once deleted.
    pub fn comment_state(&self, id: &str) -> Option<(bool, bool, u64)> {
        let st = self.lock();
        st.live(id).map(|c| (c.hidden, c.liked, c.likes))
    }

    /// The account's replies under top-level comment `id`: (id, text).
    pub fn our_replies(&self, id: &str) -> Vec<(String, String)> {
        let st = self.lock();
        st.comments
            .iter()
            .filter(|c| c.parent.as_deref() == Some(id) && c.owner && c.raw.is_none())
            .map(|c| (c.id.clone(), c.text.clone()))
            .collect()
    }

    /// How many comments and replies the account has (malformed excepted).
    pub fn comment_count(&self) -> usize {
        self.lock()
            .comments
            .iter()
            .filter(|c| c.raw.is_none())
            .count()
    }
}
