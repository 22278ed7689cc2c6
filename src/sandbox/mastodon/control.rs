//! The Mastodon sandbox's control handle: creating the instance, seeding
//! it from demo items, and what tests and the demo do to it (a new mention
//! or DM, an edit, a malformed notification, dismissed notifications, an
//! expired token, reading back what the brand posted). A child module, so
//! it reaches the instance state's private fields.

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
            accounts: BTreeMap::new(),
            statuses: BTreeMap::new(),
            notifications: Vec::new(),
            conversations: Vec::new(),
            blocks: BTreeSet::new(),
            mutes: BTreeMap::new(),
            next_id: 110_000_000_000_000_000,
            idempotency: HashMap::new(),
            remaining: RATE_LIMIT,
            window_reset: Utc::now() + Duration::minutes(5),
            token_expired: false,
            reports: Vec::new(),
        };
        Mastodon {
            oauth: Default::default(),
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
    /// posts and replies become our statuses, the rest arrive as mentions
    /// (a DM as a direct one, in its conversation).
    pub fn seed(&self, items: &[Item]) {
        let mut st = self.lock();
        let mut native: HashMap<String, u64> = HashMap::new();
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
                    st.insert(Status::new(id, me, post, at, "public", None));
                    native.insert(p.clone(), id);
                    id
                }
            });
            let account = if r.from_us {
                st.me.clone()
            } else {
                st.account(&r.author.handle, &r.author.display_name)
            };
            let visibility = if r.kind == Kind::DirectMessage {
                "direct"
            } else {
                "public"
            };
            let mut mentions = st.mentions_in(&r.text);
            if !r.from_us && !mentions.iter().any(|m| m.id == st.me.id) {
                mentions.insert(0, st.me.clone());
            }
            // Our direct reply reaches who we answered.
            let answered = in_reply_to
                .and_then(|p| st.statuses.get(&p))
                .map(|p| p.account.clone())
                .filter(|a| a.id != st.me.id && !mentions.iter().any(|m| m.id == a.id));
            if let (true, Some(a)) = (r.from_us && visibility == "direct", answered) {
                mentions.push(a);
            }
            // Keep the demo's own status id, so a sync finds the same item.
            let id = r
                .native_id
                .parse::<u64>()
                .ok()
                .filter(|id| !st.statuses.contains_key(id))
                .unwrap_or_else(|| st.next_id());
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
            status.mentions = mentions;
            native.insert(r.native_id.clone(), id);
            st.insert(status);
            if !r.from_us {
                let nid = st.next_id();
                st.notifications.push(Entry::Mention {
                    id: nid,
                    status: id,
                    created_at: r.created_at,
                });
            }
        }
        // New ids keep growing past the seeded ones, as snowflakes do.
        if let Some(top) = st.statuses.keys().max().copied() {
            st.next_id = st.next_id.max(top);
        }
    }

    /// A new mention arrives (what a person would post); returns its id.
    pub fn mention(&self, acct: &str, text: &str, direct: bool) -> String {
        let visibility = if direct { "direct" } else { "public" };
        self.arrive(acct, text, visibility, None, true)
    }

    /// A direct message from `acct` (to us, and to whoever `text` also
    /// mentions), in reply to `in_reply_to` when it continues a
    /// conversation; it notifies us and files in the conversation.
    /// Returns the status id.
    pub fn dm(&self, acct: &str, text: &str, in_reply_to: Option<&str>) -> String {
        self.arrive(acct, text, "direct", in_reply_to, true)
    }

    /// As [`Mastodon::dm`], its notification already dismissed: only the
    /// conversation shows it.
    pub fn dm_without_notification(
        &self,
        acct: &str,
        text: &str,
        in_reply_to: Option<&str>,
    ) -> String {
        self.arrive(acct, text, "direct", in_reply_to, false)
    }

    fn arrive(
        &self,
        acct: &str,
        text: &str,
        visibility: &'static str,
        in_reply_to: Option<&str>,
        notify: bool,
    ) -> String {
        let mut st = self.lock();
        let account = st.account(acct, "");
        let parent = in_reply_to
            .and_then(|p| p.parse::<u64>().ok())
            .filter(|p| st.statuses.contains_key(p));
        let mut mentions = vec![st.me.clone()];
        for m in st.mentions_in(text) {
            if !mentions.iter().any(|k| k.id == m.id) && m.id != account.id {
                mentions.push(m);
            }
        }
        let id = st.next_id();
        let mut status = Status::new(
            id,
            account,
            text.to_string(),
            Utc::now(),
            visibility,
            parent,
        );
        status.mentions = mentions;
        st.insert(status);
        if notify {
            st.notify(id);
        }
        id.to_string()
    }

    /// Dismisses every notification (`POST /api/v1/notifications/clear`).
    pub fn clear_notifications(&self) {
        self.lock().notifications.clear();
    }

    /// From now on the token is refused as expired (401, as Doorkeeper
    /// words it); `false` makes it valid again.
    pub fn expire_token(&self, expired: bool) {
        self.lock().token_expired = expired;
    }

    /// The account id the instance gave `acct`.
    pub fn account_id(&self, acct: &str) -> Option<String> {
        let st = self.lock();
        let acct = st.local_acct(acct.trim_start_matches('@'));
        if acct == st.me.acct {
            return Some(st.me.id.clone());
        }
        st.accounts.get(&acct).map(|a| a.id.clone())
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
