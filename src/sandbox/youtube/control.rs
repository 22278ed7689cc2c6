//! The YouTube sandbox's control handle: creating the channel, seeding it
//! from demo items, what tests and the demo make happen (a new comment or
//! reply, a malformed thread, a small quota, small pages) and reading back
//! what the brand did (replies, moderation statuses, bans, units spent).
//! A child module, so it reaches the channel state's private fields.

use super::*;
use crate::model::{Item, Kind, Network};

/// The part after the dot of a reply id (`<parentId>.<suffix>`).
pub(super) fn suffix(n: u64) -> String {
    format!("9zYx{n:018}")
}

impl YouTube {
    /// A channel `channel_id` named `title`, with the default daily quota.
    pub fn new(channel_id: &str, title: &str) -> YouTube {
        let state = ChannelState {
            channel_id: channel_id.to_string(),
            title: title.trim_start_matches('@').to_string(),
            comments: Vec::new(),
            banned: BTreeSet::new(),
            next: 0,
            daily: YOUTUBE_DAILY_UNITS,
            used: 0,
            calls: 0,
            max_page: None,
            oauth: oauth::OAuth::default(),
        };
        YouTube {
            state: Arc::new(Mutex::new(state)),
            faults: Faults::default(),
        }
    }

    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, ChannelState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Seeds the channel with the YouTube items of a demo inbox, keeping
    /// their ids (YouTube's are strings: `Ug…`, replies `<parent>.<suffix>`).
    pub fn seed(&self, items: &[Item]) {
        let mut st = self.lock();
        let mut sorted: Vec<&Item> = items
            .iter()
            .filter(|i| i.remote.network == Network::YouTube)
            .collect();
        sorted.sort_by_key(|i| i.remote.created_at);
        for item in sorted {
            let r = &item.remote;
            let video = r
                .post
                .as_ref()
                .map(|p| p.id.clone())
                .or_else(|| r.thread_id.clone())
                .unwrap_or_default();
            let parent = match r.kind {
                Kind::Reply => r.parent_id.clone().filter(|p| *p != video),
                _ => None,
            };
            let (author_id, author_name) = if r.from_us {
                (st.channel_id.clone(), format!("@{}", st.title))
            } else {
                (r.author.id.clone(), r.author.handle.clone())
            };
            st.comments.push(Comment {
                id: r.native_id.clone(),
                video,
                parent,
                author_id,
                author_name,
                text: r.text.clone(),
                published: r.created_at,
                likes: r.engagement.likes.unwrap_or(0),
                status: if r.moderation.hidden {
                    "heldForReview".into()
                } else {
                    "published".into()
                },
                raw: None,
            });
        }
    }

    /// A person comments on `video` (`parent`: a reply to that top-level
    /// comment); returns its id. A banned author's comment is rejected.
    pub fn comment(
        &self,
        video: &str,
        parent: Option<&str>,
        (author_id, name): (&str, &str),
        text: &str,
        at: DateTime<Utc>,
    ) -> String {
        let mut st = self.lock();
        let n = st.next_id();
        let id = match parent {
            Some(p) => format!("{p}.{}", suffix(n)),
            None => format!("Ugz{n:016}4AaABAg"),
        };
        let status = if st.banned.contains(author_id) {
            "rejected"
        } else {
            "published"
        };
        st.comments.push(Comment {
            id: id.clone(),
            video: video.to_string(),
            parent: parent.map(str::to_string),
            author_id: author_id.to_string(),
            author_name: name.to_string(),
            text: text.to_string(),
            published: at,
            likes: 0,
            status: status.into(),
            raw: None,
        });
        id
    }

    /// A thread entry in an arbitrary JSON shape, listed as the newest.
    pub fn raw_thread(&self, value: Value) {
        let mut st = self.lock();
        st.comments.push(Comment {
            id: String::new(),
            video: String::new(),
            parent: None,
            author_id: String::new(),
            author_name: String::new(),
            text: String::new(),
            published: Utc::now() + chrono::TimeDelta::days(1),
            likes: 0,
            status: "published".into(),
            raw: Some(value),
        });
    }

    /// The newest video with comments.
    pub fn newest_video(&self) -> Option<String> {
        let st = self.lock();
        st.comments
            .iter()
            .filter(|c| c.raw.is_none())
            .max_by_key(|c| c.published)
            .map(|c| c.video.clone())
    }

    /// A comment's `moderationStatus`; `None` once deleted.
    pub fn status(&self, id: &str) -> Option<String> {
        self.lock().find(id).map(|c| c.status.clone())
    }

    /// The channel's replies under top-level comment `id`: (reply id, text).
    pub fn channel_replies(&self, id: &str) -> Vec<(String, String)> {
        let st = self.lock();
        st.comments
            .iter()
            .filter(|c| c.parent.as_deref() == Some(id) && c.author_id == st.channel_id)
            .map(|c| (c.id.clone(), c.text.clone()))
            .collect()
    }

    /// YouTube holds a comment for review on its own (filters, blocked words).
    pub fn hold(&self, id: &str) {
        let mut st = self.lock();
        if let Some(c) = st.comments.iter_mut().find(|c| c.id == id) {
            c.status = "heldForReview".into();
        }
    }

    /// Authors banned with `banAuthor=true`.
    pub fn banned(&self) -> Vec<String> {
        self.lock().banned.iter().cloned().collect()
    }

    /// Sets the daily allocation (units) and what is spent of it.
    pub fn set_quota(&self, daily: u32, used: u32) {
        let mut st = self.lock();
        st.daily = daily;
        st.used = used;
    }

    /// Units spent today.
    pub fn units_used(&self) -> u32 {
        self.lock().used
    }

    /// Requests answered so far (faults included).
    pub fn calls(&self) -> usize {
        self.lock().calls
    }

    /// Caps every page at `n` entries (page-boundary tests).
    pub fn set_max_page(&self, n: usize) {
        self.lock().max_page = Some(n.max(1));
    }
}
