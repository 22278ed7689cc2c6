//! The X sandbox's control handle: creating the network, seeding it from
//! demo items (keeping their snowflake ids), and what tests and the demo
//! do to it (a new mention, a reply under our post, a DM, a malformed
//! mention, an expired token, Enterprise access, reading back what the
//! brand posted, hid or muted). A child module, so it reaches the state.

use super::*;
use crate::model::{Item, Kind, Network};

/// A 1:1 conversation id: `{smaller id}-{larger id}` (§3).
pub fn one_to_one(a: &str, b: &str) -> String {
    let key = |s: &str| (s.len(), s.to_string());
    if key(a) <= key(b) {
        format!("{a}-{b}")
    } else {
        format!("{b}-{a}")
    }
}

impl World {
    /// The ids of the users `@named` in `text`.
    pub(super) fn mentioned_in(&self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for word in text.split_whitespace() {
            let Some(name) = word.strip_prefix('@') else {
                continue;
            };
            let name = name.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '_');
            let found = std::iter::once(&self.me)
                .chain(self.users.values())
                .find(|u| u.username.eq_ignore_ascii_case(name));
            if let Some(u) = found
                && !out.contains(&u.id)
            {
                out.push(u.id.clone());
            }
        }
        out
    }

    fn user(&mut self, id: &str, handle: &str, name: &str) -> String {
        let username = handle.trim_start_matches('@').to_string();
        self.users.entry(id.to_string()).or_insert_with(|| User {
            id: id.to_string(),
            username,
            name: name.to_string(),
        });
        id.to_string()
    }

    /// A user by username, created with a fresh id when unknown.
    fn user_named(&mut self, username: &str) -> String {
        let username = username.trim_start_matches('@');
        if let Some(u) = self.users.values().find(|u| u.username == username) {
            return u.id.clone();
        }
        let id = (1_600_000_000_000_000_000 + self.users.len() as u64).to_string();
        self.user(&id, username, username)
    }

    fn tweet(&mut self, id: u64, author: String, text: &str, parent: Option<u64>) -> u64 {
        let parent = parent.and_then(|p| self.tweets.get(&p)).cloned();
        let mut mentions = self.mentioned_in(text);
        if let Some(p) = &parent
            && p.author == self.me.id
            && !mentions.contains(&self.me.id)
        {
            // The reply's auto-populated mention of the post's author.
            mentions.push(self.me.id.clone());
        }
        self.next_id = self.next_id.max(id);
        self.tweets.insert(
            id,
            Tweet {
                id,
                author,
                text: text.to_string(),
                created_at: Utc::now(),
                conversation_id: parent.as_ref().map_or(id, |p| p.conversation_id),
                replied_to: parent.as_ref().map(|p| p.id),
                quoted: None,
                in_reply_to_user_id: parent.as_ref().map(|p| p.author.clone()),
                mentions,
                hidden: false,
                likes: 0,
            },
        );
        id
    }
}

impl X {
    /// A network where the brand is `@handle` with user id `user_id`.
    pub fn new(handle: &str, user_id: &str) -> X {
        let me = User {
            id: user_id.to_string(),
            username: handle.trim_start_matches('@').to_string(),
            name: "Brand".into(),
        };
        let world = World {
            me,
            users: BTreeMap::new(),
            tweets: BTreeMap::new(),
            raw_mentions: Vec::new(),
            dms: BTreeMap::new(),
            liked: BTreeSet::new(),
            muted: BTreeSet::new(),
            blocked: BTreeSet::new(),
            next_id: 1_990_000_000_000_000_000,
            remaining: RATE_LIMIT,
            window_reset: Utc::now() + Duration::minutes(15),
            token_expired: false,
            access: TOKEN.to_string(),
            refresh: REFRESH_TOKEN.to_string(),
            refreshes: 0,
            codes: BTreeMap::new(),
            logins: 0,
            enterprise: false,
            requests: 0,
        };
        X {
            state: Arc::new(Mutex::new(world)),
            faults: Faults::default(),
        }
    }

    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, World> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Replays the X items of a demo inbox: their brand posts become ours,
    /// comments reply to them, mentions and quotes name us, DMs land in
    /// their conversations; every snowflake id is kept.
    pub fn seed(&self, items: &[Item]) {
        let mut st = self.lock();
        let mut sorted: Vec<&Item> = items
            .iter()
            .filter(|i| i.remote.network == Network::X)
            .collect();
        sorted.sort_by_key(|i| i.remote.created_at);
        let me = st.me.id.clone();
        for item in sorted {
            let r = &item.remote;
            let author = if r.from_us {
                me.clone()
            } else {
                st.user(&r.author.id, &r.author.handle, &r.author.display_name)
            };
            let Ok(id) = r.native_id.parse::<u64>() else {
                continue;
            };
            if r.kind == Kind::DirectMessage {
                let conversation = r
                    .thread_id
                    .clone()
                    .unwrap_or_else(|| one_to_one(&me, &r.author.id));
                st.next_id = st.next_id.max(id);
                st.dms.insert(
                    id,
                    DmEvent {
                        id,
                        conversation,
                        sender: author,
                        text: r.text.clone(),
                        created_at: r.created_at,
                    },
                );
                continue;
            }
            let root = r.post.as_ref().and_then(|p| {
                let pid = p.id.parse::<u64>().ok()?;
                if !st.tweets.contains_key(&pid) {
                    st.tweet(pid, me.clone(), &p.text, None);
                    if let (Some(t), Some(at)) = (st.tweets.get_mut(&pid), p.created_at) {
                        t.created_at = at;
                    }
                }
                Some(pid)
            });
            let parent = match r.kind {
                Kind::Quote | Kind::Mention => r
                    .parent_id
                    .as_ref()
                    .and_then(|p| p.parse::<u64>().ok())
                    .filter(|p| st.tweets.contains_key(p)),
                _ => r
                    .parent_id
                    .as_ref()
                    .and_then(|p| p.parse::<u64>().ok())
                    .filter(|p| st.tweets.contains_key(p))
                    .or(root),
            };
            st.tweet(id, author, &r.text, parent);
            if let Some(t) = st.tweets.get_mut(&id) {
                t.created_at = r.created_at;
                t.likes = r.engagement.likes.unwrap_or(0);
                if r.kind == Kind::Quote {
                    t.quoted = root;
                }
                // Mentions and quotes reach our mentions timeline.
                if !r.from_us && !t.mentions.contains(&me) {
                    t.mentions.push(me.clone());
                }
            }
        }
    }

    /// Our own new post; returns its id.
    pub fn post(&self, text: &str) -> String {
        let mut st = self.lock();
        let id = st.next_id();
        let me = st.me.id.clone();
        st.tweet(id, me, text, None).to_string()
    }

    /// `@username` posts `text` (naming us if the text does); returns its id.
    pub fn mention(&self, username: &str, text: &str) -> String {
        let mut st = self.lock();
        let author = st.user_named(username);
        let id = st.next_id();
        st.tweet(id, author, text, None).to_string()
    }

    /// `@username` replies to post `parent` with `text`; returns its id.
    pub fn reply(&self, username: &str, parent: &str, text: &str) -> String {
        let mut st = self.lock();
        let author = st.user_named(username);
        let id = st.next_id();
        let parent = parent.parse::<u64>().ok();
        st.tweet(id, author, text, parent).to_string()
    }

    /// `@username` quotes post `quoted` with `text`; returns its id.
    pub fn quote(&self, username: &str, quoted: &str, text: &str) -> String {
        let mut st = self.lock();
        let author = st.user_named(username);
        let id = st.next_id();
        st.tweet(id, author, text, None);
        let q = quoted.parse::<u64>().ok();
        let me = st.me.id.clone();
        let quotes_us = q
            .and_then(|q| st.tweets.get(&q))
            .is_some_and(|t| t.author == me);
        if let Some(t) = st.tweets.get_mut(&id) {
            t.quoted = q;
            if quotes_us && !t.mentions.contains(&me) {
                t.mentions.push(me);
            }
        }
        id.to_string()
    }

    /// `@username` writes us a DM; returns the event id.
    pub fn dm(&self, username: &str, text: &str) -> String {
        let mut st = self.lock();
        let sender = st.user_named(username);
        let id = st.next_id();
        let conversation = one_to_one(&st.me.id, &sender);
        st.dms.insert(
            id,
            DmEvent {
                id,
                conversation,
                sender,
                text: text.to_string(),
                created_at: Utc::now(),
            },
        );
        id.to_string()
    }

    /// A mention the network sends in a shape a client must survive.
    pub fn raw_mention(&self, value: Value) -> String {
        let mut st = self.lock();
        let id = st.next_id();
        st.raw_mentions.push((id, value));
        id.to_string()
    }

    /// Every post of ours: (id, the post it answers, text).
    pub fn posted_by_us(&self) -> Vec<(String, Option<String>, String)> {
        let st = self.lock();
        st.tweets
            .values()
            .filter(|t| t.author == st.me.id)
            .map(|t| {
                (
                    t.id.to_string(),
                    t.replied_to.map(|p| p.to_string()),
                    t.text.clone(),
                )
            })
            .collect()
    }

    /// Every DM of ours: (event id, conversation, text).
    pub fn dms_by_us(&self) -> Vec<(String, String, String)> {
        let st = self.lock();
        st.dms
            .values()
            .filter(|e| e.sender == st.me.id)
            .map(|e| (e.id.to_string(), e.conversation.clone(), e.text.clone()))
            .collect()
    }

    pub fn is_hidden(&self, id: &str) -> bool {
        let st = self.lock();
        id.parse::<u64>()
            .ok()
            .and_then(|i| st.tweets.get(&i))
            .is_some_and(|t| t.hidden)
    }

    pub fn exists(&self, id: &str) -> bool {
        let st = self.lock();
        id.parse::<u64>()
            .is_ok_and(|i| st.tweets.contains_key(&i) || st.dms.contains_key(&i))
    }

    pub fn is_liked(&self, id: &str) -> bool {
        id.parse::<u64>()
            .is_ok_and(|i| self.lock().liked.contains(&i))
    }

    pub fn is_muted(&self, user_id: &str) -> bool {
        self.lock().muted.contains(user_id)
    }

    /// The token stops working (X user tokens last 2 hours).
    pub fn expire_token(&self, expired: bool) {
        self.lock().token_expired = expired;
    }

    /// How many authorization codes were exchanged (`login x`).
    pub fn logins(&self) -> u64 {
        self.lock().logins
    }

    /// Refresh grants answered so far.
    pub fn refreshes(&self) -> u64 {
        self.lock().refreshes
    }

    /// The refresh token that works now (it rotates on every refresh).
    pub fn current_refresh_token(&self) -> String {
        self.lock().refresh.clone()
    }

    /// Likes and blocks are allowed (Enterprise access).
    pub fn set_enterprise(&self, enterprise: bool) {
        self.lock().enterprise = enterprise;
    }

    /// Requests received so far (to prove a client does not hammer).
    pub fn requests(&self) -> u64 {
        self.lock().requests
    }

    pub fn brand_id(&self) -> String {
        self.lock().me.id.clone()
    }
}
