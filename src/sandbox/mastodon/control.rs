//! The Mastodon sandbox's control handle: creating the instance, seeding
//! it from demo items, and what tests and the demo do to it (a new mention,
//! an edit, a malformed notification, reading back what the brand posted).
//! A child module, so it reaches the instance state's private fields.

use super::*;

impl Mastodon {
    /// An instance for the brand account `me` (`user@host`).
    pub fn new(me: &str) -> Mastodon {
        let host = me
            .split('@')
            .nth(1)
            .unwrap_or("mastodon.example")
            .to_string();
        let me = Account {
            id: "1".into(),
            acct: me.split('@').next().unwrap_or(me).to_string(),
            display_name: "Brand".into(),
        };
        let instance = Instance {
            host,
            me,
            statuses: BTreeMap::new(),
            notifications: Vec::new(),
            next_id: 110_000_000_000_000_000,
            idempotency: HashMap::new(),
            remaining: RATE_LIMIT,
            window_reset: Utc::now() + Duration::minutes(5),
        };
        Mastodon {
            state: Arc::new(Mutex::new(instance)),
            faults: Faults::default(),
        }
    }

    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, Instance> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Seeds the instance with the Mastodon items of a demo inbox: our own
    /// posts and replies become our statuses, the rest arrive as mentions.
    pub fn seed(&self, items: &[Item]) {
        let mut st = self.lock();
        let mut native: HashMap<String, u64> = HashMap::new();
        let mut accounts: HashMap<String, Account> = HashMap::new();
        let mut sorted: Vec<&Item> = items
            .iter()
            .filter(|i| i.remote.network == Network::Mastodon)
            .collect();
        sorted.sort_by_key(|i| i.remote.created_at);
        for item in sorted {
            let r = &item.remote;
            let parent = r.parent_id.as_ref().or(r.post.as_ref().map(|p| &p.id));
            let in_reply_to = parent.map(|p| match native.get(p) {
                Some(id) => *id,
                None => {
                    let id = st.next_id();
                    let post = r.post.as_ref().map_or_else(String::new, |p| p.text.clone());
                    let at = r
                        .post
                        .as_ref()
                        .and_then(|p| p.created_at)
                        .unwrap_or(r.created_at - Duration::hours(2));
                    let me = st.me.clone();
                    st.statuses
                        .insert(id, Status::new(id, me, post, at, "public", None));
                    native.insert(p.clone(), id);
                    id
                }
            });
            let account = if r.from_us {
                st.me.clone()
            } else {
                let next = 900_000 + accounts.len();
                accounts
                    .entry(r.author.id.clone())
                    .or_insert_with(|| Account {
                        id: next.to_string(),
                        acct: r.author.handle.trim_start_matches('@').to_string(),
                        display_name: r.author.display_name.clone(),
                    })
                    .clone()
            };
            let visibility = if r.kind == Kind::DirectMessage {
                "direct"
            } else {
                "public"
            };
            let id = st.next_id();
            let mut status = Status::new(
                id,
                account,
                r.text.clone(),
                r.created_at,
                visibility,
                in_reply_to,
            );
            status.language = r.lang.clone();
            status.favourites = r.engagement.likes.unwrap_or(0);
            native.insert(r.native_id.clone(), id);
            st.statuses.insert(id, status);
            if !r.from_us {
                let nid = st.next_id();
                st.notifications.push(Entry::Mention {
                    id: nid,
                    status: id,
                    created_at: r.created_at,
                });
            }
        }
    }

    /// A new mention arrives (what a person would post); returns its id.
    pub fn mention(&self, acct: &str, text: &str, direct: bool) -> String {
        let mut st = self.lock();
        let id = st.next_id();
        let account = Account {
            id: format!("7{}", acct.len()),
            acct: acct.to_string(),
            display_name: acct.to_string(),
        };
        let visibility = if direct { "direct" } else { "public" };
        st.statuses.insert(
            id,
            Status::new(id, account, text.to_string(), Utc::now(), visibility, None),
        );
        let nid = st.next_id();
        st.notifications.push(Entry::Mention {
            id: nid,
            status: id,
            created_at: Utc::now(),
        });
        id.to_string()
    }

    /// Edits a status in place (a person fixed a typo).
    pub fn edit(&self, status_id: &str, text: &str) -> bool {
        let mut st = self.lock();
        let found = status_id
            .parse::<u64>()
            .ok()
            .and_then(|id| st.statuses.get_mut(&id));
        found.map(|s| s.text = text.to_string()).is_some()
    }

    /// A notification in an arbitrary JSON shape (malformed-payload tests).
    pub fn raw_notification(&self, value: Value) {
        let mut st = self.lock();
        let id = st.next_id();
        st.notifications.push(Entry::Raw { id, value });
    }

    /// Statuses our account posted, oldest first: (id, in_reply_to, text).
    pub fn posted_by_us(&self) -> Vec<(String, Option<String>, String)> {
        let st = self.lock();
        st.statuses
            .values()
            .filter(|s| s.account.id == st.me.id)
            .map(|s| {
                (
                    s.id.to_string(),
                    s.in_reply_to_id.map(|i| i.to_string()),
                    s.text.clone(),
                )
            })
            .collect()
    }
}
