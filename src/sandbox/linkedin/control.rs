//! The LinkedIn sandbox's control handle: creating the organisation,
//! seeding it from demo items, what tests and the demo make happen (a
//! post, a comment, a nested comment, a malformed entry, a retired
//! version, a spent quota) and reading back what the brand did (replies,
//! reactions, deletes, how many calls and writes arrived). A child module,
//! so it reaches the state's private fields.

use super::*;
use crate::model::{Item, Network};

impl LinkedIn {
    /// The organisation `org` (`urn:li:organization:…`), with no posts.
    pub fn new(org: &str) -> LinkedIn {
        let state = OrgState {
            org: org.to_string(),
            posts: Vec::new(),
            comments: Vec::new(),
            reactions: BTreeSet::new(),
            next: 7_270_000_000_000_000_000,
        };
        let meter = Meter {
            calls: 0,
            writes: 0,
            max_page: None,
            oldest: OLDEST_VERSION.to_string(),
            newest: NEWEST_VERSION.to_string(),
            quota: None,
            retry_after: false,
        };
        LinkedIn {
            state: Arc::new(Mutex::new(state)),
            faults: Faults::default(),
            meter: Arc::new(Mutex::new(meter)),
        }
    }

    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, OrgState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Seeds the organisation with the LinkedIn items of a demo inbox: their
    /// posts and comments, keeping the comment URNs (the brand's own come
    /// from the organisation; others from the author's member URN).
    pub fn seed(&self, items: &[Item]) {
        let mut st = self.lock();
        let mut sorted: Vec<&Item> = items
            .iter()
            .filter(|i| i.remote.network == Network::LinkedIn)
            .collect();
        sorted.sort_by_key(|i| i.remote.created_at);
        for item in sorted {
            let r = &item.remote;
            let (Some(post), Some((object, id))) = (&r.post, comment_parts(&r.native_id)) else {
                continue;
            };
            if st.post(&post.id).is_none() {
                let created = post
                    .created_at
                    .unwrap_or(r.created_at - chrono::Duration::hours(2));
                st.posts.push(Post {
                    urn: post.id.clone(),
                    activity: object.clone(),
                    commentary: post.text.clone(),
                    created,
                    modified: created,
                });
            }
            let parent = r
                .parent_id
                .clone()
                .filter(|p| p.starts_with("urn:li:comment:"));
            let actor = if r.from_us {
                st.org.clone()
            } else {
                r.author.id.clone()
            };
            st.comments.push(Comment {
                urn: r.native_id.clone(),
                id,
                object,
                parent,
                actor,
                text: r.text.clone(),
                created: r.created_at,
                likes: r.engagement.likes.unwrap_or(0),
                liked: r.moderation.liked,
                raw: None,
            });
        }
    }

    /// A new post by the organisation; returns its `urn:li:share:…`.
    pub fn post(&self, commentary: &str, at: DateTime<Utc>) -> String {
        let mut st = self.lock();
        let n = st.next_id();
        let urn = format!("urn:li:share:{n}");
        st.posts.push(Post {
            urn: urn.clone(),
            activity: format!("urn:li:activity:{n}"),
            commentary: commentary.to_string(),
            created: at,
            modified: at,
        });
        urn
    }

    /// The organisation's most recently modified post.
    pub fn newest_post(&self) -> Option<String> {
        let st = self.lock();
        st.posts
            .iter()
            .max_by_key(|p| p.modified)
            .map(|p| p.urn.clone())
    }

    /// A member (`actor`, a person URN) comments on `post`, or under the
    /// comment `parent`; returns the comment URN.
    pub fn comment(
        &self,
        post: &str,
        parent: Option<&str>,
        actor: &str,
        text: &str,
        at: DateTime<Utc>,
    ) -> String {
        let mut st = self.lock();
        let object = st
            .post(post)
            .map_or_else(|| post.to_string(), |p| p.activity.clone());
        let urn = st.add(&object, parent.map(str::to_string), actor, text);
        if let Some(c) = st.comments.iter_mut().find(|c| c.urn == urn) {
            c.created = at;
        }
        urn
    }

    /// A top-level entry in an arbitrary JSON shape (malformed-item tests).
    pub fn raw_comment(&self, post: &str, value: Value) {
        let mut st = self.lock();
        let object = st
            .post(post)
            .map_or_else(|| post.to_string(), |p| p.activity.clone());
        st.comments.push(Comment {
            urn: String::new(),
            id: String::new(),
            object,
            parent: None,
            actor: String::new(),
            text: String::new(),
            created: Utc::now(),
            likes: 0,
            liked: false,
            raw: Some(value),
        });
    }

    /// (liked by the organisation, total likes) of a comment; `None` once deleted.
    pub fn comment_state(&self, urn: &str) -> Option<(bool, u64)> {
        let st = self.lock();
        st.comment(urn).map(|c| (c.liked, c.likes))
    }

    /// The organisation's comments nested under `urn`: (URN, text).
    pub fn org_replies(&self, urn: &str) -> Vec<(String, String)> {
        let st = self.lock();
        st.comments
            .iter()
            .filter(|c| c.parent.as_deref() == Some(urn) && c.actor == st.org)
            .map(|c| (c.urn.clone(), c.text.clone()))
            .collect()
    }

    /// Every reaction: (actor, root).
    pub fn reactions(&self) -> Vec<(String, String)> {
        self.lock().reactions.iter().cloned().collect()
    }

    /// Requests received so far (refused ones included).
    pub fn calls(&self) -> usize {
        self.meter().calls
    }

    /// Non-GET requests received so far (refused ones included).
    pub fn writes(&self) -> usize {
        self.meter().writes
    }

    /// Caps every page at `n` elements (page-boundary tests).
    pub fn set_max_page(&self, n: usize) {
        self.meter().max_page = Some(n.max(1));
    }

    /// The `LinkedIn-Version`s served: `oldest..=newest` (`YYYYMM`).
    pub fn set_versions(&self, oldest: &str, newest: &str) {
        let mut m = self.meter();
        m.oldest = oldest.to_string();
        m.newest = newest.to_string();
    }

    /// The day's quota: after `calls` more requests, every call is 429.
    pub fn set_quota(&self, calls: Option<usize>) {
        let mut m = self.meter();
        m.quota = calls.map(|n| m.calls + n);
    }

    /// Whether 429s carry `Retry-After` (LinkedIn documents none).
    pub fn set_retry_after(&self, on: bool) {
        self.meter().retry_after = on;
    }
}
