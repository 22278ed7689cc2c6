//! The Threads sandbox's control handle: creating the account, seeding it
//! from demo items, what tests and the demo make happen (a new post, a
//! reply, a mention, a malformed entry, an aged or retired token) and
//! reading back what the brand did (replies, hides, containers, refreshes).
//! A child module, so it reaches the account state's private fields.

use super::*;
use crate::model::{Item, Kind, Network};

impl Threads {
    /// The account `username` with id `user_id`. Its [`TOKEN`] is 50 days
    /// old: 10 days left, old enough to be refreshed.
    pub fn new(user_id: &str, username: &str) -> Threads {
        let now = Utc::now();
        let mut tokens = HashMap::new();
        tokens.insert(
            TOKEN.to_string(),
            Token {
                issued: now - TimeDelta::days(50),
                expires: now + TimeDelta::days(10),
            },
        );
        let state = AccountState {
            user_id: user_id.to_string(),
            username: username.trim_start_matches('@').to_string(),
            posts: Vec::new(),
            media: Vec::new(),
            containers: HashMap::new(),
            tokens,
            refreshes: 0,
            calls: 0,
            usage_percent: 3,
            max_page: None,
            cursors_only: false,
            next: 500_000_000_000,
        };
        Threads {
            state: Arc::new(Mutex::new(state)),
            faults: Faults::default(),
        }
    }

    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, AccountState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Seeds the account with the Threads items of a demo inbox: our posts
    /// and the replies under them (ours included), and the posts that
    /// mention or quote us. Native ids are kept.
    pub fn seed(&self, items: &[Item]) {
        let mut st = self.lock();
        let mut sorted: Vec<&Item> = items
            .iter()
            .filter(|i| i.remote.network == Network::Threads)
            .collect();
        sorted.sort_by_key(|i| i.remote.created_at);
        for item in sorted {
            let r = &item.remote;
            let username = if r.from_us {
                st.username.clone()
            } else {
                r.author.handle.trim_start_matches('@').to_string()
            };
            let permalink = r.permalink.clone().unwrap_or_else(|| {
                format!("https://www.threads.net/@{username}/post/S{}", r.native_id)
            });
            let mention = matches!(r.kind, Kind::Mention | Kind::Quote);
            let (root, replied_to) = match (&r.post, mention) {
                (Some(post), false) => {
                    if !st.posts.iter().any(|p| p.id == post.id) {
                        let created = post
                            .created_at
                            .unwrap_or(r.created_at - TimeDelta::hours(2));
                        let permalink = post.permalink.clone().unwrap_or_else(|| {
                            format!("https://www.threads.net/@{}/post/P{}", st.username, post.id)
                        });
                        st.posts.push(Post {
                            id: post.id.clone(),
                            text: post.text.clone(),
                            created,
                            permalink,
                        });
                    }
                    let parent = r
                        .parent_id
                        .clone()
                        .filter(|p| st.find(p).is_some())
                        .unwrap_or_else(|| post.id.clone());
                    (Some(post.id.clone()), Some(parent))
                }
                (None, false) => continue,
                (_, true) => (None, None),
            };
            st.media.push(Media {
                id: r.native_id.clone(),
                root,
                replied_to,
                username,
                ours: r.from_us,
                text: r.text.clone(),
                created: r.created_at,
                hidden: r.moderation.hidden,
                quote: r.kind == Kind::Quote,
                permalink,
                raw: None,
            });
        }
    }

    /// A new post of ours; returns its id.
    pub fn post(&self, text: &str, at: DateTime<Utc>) -> String {
        let mut st = self.lock();
        let id = st.next_id();
        let permalink = format!("https://www.threads.net/@{}/post/P{id}", st.username);
        st.posts.push(Post {
            id: id.clone(),
            text: text.to_string(),
            created: at,
            permalink,
        });
        id
    }

    /// Our newest post.
    pub fn newest_post(&self) -> Option<String> {
        let st = self.lock();
        st.posts
            .iter()
            .max_by_key(|p| p.created)
            .map(|p| p.id.clone())
    }

    /// A reply by `username` to `to` (our post, or a reply under it).
    pub fn reply(&self, to: &str, username: &str, text: &str, at: DateTime<Utc>) -> String {
        let mut st = self.lock();
        let root = st
            .find(to)
            .and_then(|m| m.root.clone())
            .unwrap_or_else(|| to.to_string());
        let id = st.next_id();
        let ours = username == st.username;
        st.media.push(Media {
            id: id.clone(),
            root: Some(root),
            replied_to: Some(to.to_string()),
            username: username.to_string(),
            ours,
            text: text.to_string(),
            created: at,
            hidden: false,
            quote: false,
            permalink: format!("https://www.threads.net/@{username}/post/S{id}"),
            raw: None,
        });
        id
    }

    /// A post by `username` that mentions us.
    pub fn mention(&self, username: &str, text: &str, at: DateTime<Utc>) -> String {
        let mut st = self.lock();
        let id = st.next_id();
        st.media.push(Media {
            id: id.clone(),
            root: None,
            replied_to: None,
            username: username.to_string(),
            ours: false,
            text: text.to_string(),
            created: at,
            hidden: false,
            quote: false,
            permalink: format!("https://www.threads.net/@{username}/post/S{id}"),
            raw: None,
        });
        id
    }

    /// An entry sent as is in `post`'s conversation (malformed-item tests).
    pub fn raw_reply(&self, post: &str, value: Value) {
        let mut st = self.lock();
        let id = st.next_id();
        st.media.push(Media {
            id,
            root: Some(post.to_string()),
            replied_to: Some(post.to_string()),
            username: String::new(),
            ours: false,
            text: String::new(),
            created: Utc::now(),
            hidden: false,
            quote: false,
            permalink: String::new(),
            raw: Some(value),
        });
    }

    /// The `hide_status` a reply reads back with, or `None` when it is gone.
    pub fn hide_status(&self, id: &str) -> Option<String> {
        let st = self.lock();
        let m = st.find(id)?;
        m.json(&st)
            .get("hide_status")
            .and_then(Value::as_str)
            .map(str::to_string)
    }

    /// Our published replies to `to`: (id, text).
    pub fn our_replies(&self, to: &str) -> Vec<(String, String)> {
        let st = self.lock();
        st.media
            .iter()
            .filter(|m| m.ours && m.replied_to.as_deref() == Some(to))
            .map(|m| (m.id.clone(), m.text.clone()))
            .collect()
    }

    /// Containers made so far: (created, published).
    pub fn containers(&self) -> (usize, usize) {
        let st = self.lock();
        let published = st
            .containers
            .values()
            .filter(|c| c.published.is_some())
            .count();
        (st.containers.len(), published)
    }

    /// Publishes nothing but makes a container, as a crash between the two
    /// calls would leave it; returns the container id.
    pub fn orphan_container(&self, reply_to: &str, text: &str) -> String {
        let mut st = self.lock();
        let id = st.next_id();
        st.containers.insert(
            id.clone(),
            Container {
                text: text.to_string(),
                reply_to: reply_to.to_string(),
                published: None,
            },
        );
        id
    }

    /// Tokens issued by `refresh_access_token` so far.
    pub fn refreshes(&self) -> usize {
        self.lock().refreshes
    }

    /// Makes `token` expired from now on (a lapsed or replaced token).
    pub fn retire_token(&self, token: &str) {
        if let Some(t) = self.lock().tokens.get_mut(token) {
            t.expires = Utc::now() - TimeDelta::seconds(1);
        }
    }

    /// Makes `token` issued `age` ago (a fresh token cannot be refreshed).
    pub fn set_token_age(&self, token: &str, age: TimeDelta) {
        if let Some(t) = self.lock().tokens.get_mut(token) {
            t.issued = Utc::now() - age;
        }
    }

    /// Requests answered so far (faults and refreshes included).
    pub fn calls(&self) -> usize {
        self.lock().calls
    }

    /// The `X-App-Usage` percentage the next answers report.
    pub fn set_usage(&self, percent: u64) {
        self.lock().usage_percent = percent;
    }

    /// Caps every page at `n` entries (page-boundary tests).
    pub fn set_max_page(&self, n: usize) {
        self.lock().max_page = Some(n.max(1));
    }

    /// Pages carry only `paging.cursors` (no `next` URL), as networks.md's example.
    pub fn set_cursors_only(&self, on: bool) {
        self.lock().cursors_only = on;
    }
}
