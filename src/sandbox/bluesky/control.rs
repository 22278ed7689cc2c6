//! The Bluesky sandbox's control handle: creating the server, seeding it
//! from demo items, and what tests and the demo do to it (a new mention or
//! brand post, expiring sessions, reading back what the brand posted,
//! liked, blocked, muted or hid, how often each method was called). A
//! child module, so it reaches the server state's private fields. The DM
//! controls are in [`chat`](super::chat).

use super::*;
use crate::model::{Item, Kind, Network};

impl Bluesky {
    /// A server for the brand account `handle` (e.g. `atelierlumen.bsky.social`).
    pub fn new(handle: &str) -> Bluesky {
        let handle = handle.trim_start_matches('@');
        let me = Profile {
            did: format!("did:plc:{}", base32(hash(handle), 24)),
            handle: handle.to_string(),
            display_name: "Brand".into(),
        };
        let pds = Pds {
            profiles: HashMap::from([(me.handle.clone(), me.clone())]),
            me,
            posts: BTreeMap::new(),
            records: BTreeMap::new(),
            muted: Vec::new(),
            notifications: Vec::new(),
            convos: Vec::new(),
            access: HashMap::new(),
            refresh: HashMap::new(),
            no_dm: std::collections::HashSet::new(),
            next: 0,
            last_indexed: DateTime::<Utc>::MIN_UTC,
            last_sent: DateTime::<Utc>::MIN_UTC,
            remaining: RATE_LIMIT,
            window_reset: Utc::now() + Duration::seconds(WINDOW_SECS),
            pds_endpoint: None,
            calls: HashMap::new(),
            reports: Vec::new(),
        };
        Bluesky {
            state: Arc::new(Mutex::new(pds)),
            faults: Faults::default(),
        }
    }

    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, Pds> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Seeds the server with the Bluesky items of a demo inbox: our posts
    /// and replies become the brand's records, comments and replies arrive
    /// as `reply` notifications, mentions as `mention`, quotes as `quote`;
    /// DMs become chat messages (convo = the item's thread).
    pub fn seed(&self, items: &[Item]) {
        let mut st = self.lock();
        let mut sorted: Vec<&Item> = items
            .iter()
            .filter(|i| i.remote.network == Network::Bluesky)
            .collect();
        sorted.sort_by_key(|i| i.remote.created_at);
        // The brand's records live under the brand's DID, as in the demo's URIs.
        if let Some(did) = sorted
            .iter()
            .find(|i| i.remote.from_us && i.remote.author.id.starts_with("did:"))
            .map(|i| i.remote.author.id.clone())
        {
            st.me.did = did;
            let me = st.me.clone();
            st.profiles.insert(me.handle.clone(), me);
        }
        for item in sorted {
            let r = &item.remote;
            if r.kind == Kind::DirectMessage {
                st.seed_dm(item);
                continue;
            }
            if let Some(p) = &r.post
                && !st.posts.contains_key(&p.id)
            {
                let at = p.created_at.unwrap_or(r.created_at - Duration::hours(2));
                let me = st.me.clone();
                st.insert(p.id.clone(), me, &p.text, at, None, None);
            }
            let author = if r.from_us {
                st.me.clone()
            } else {
                let did = Some(r.author.id.as_str()).filter(|d| d.starts_with("did:"));
                st.profile(&r.author.handle, did, &r.author.display_name)
            };
            let parent = r
                .parent_id
                .as_ref()
                .or(r.post.as_ref().map(|p| &p.id))
                .filter(|p| st.posts.contains_key(*p))
                .cloned();
            let (reason, reply_to, quoted) = match r.kind {
                Kind::Quote => ("quote", None, parent),
                Kind::Mention => ("mention", None, None),
                _ => ("reply", parent, None),
            };
            let subject = reply_to.clone().or(quoted.clone());
            st.insert(
                r.native_id.clone(),
                author,
                &r.text,
                r.created_at,
                reply_to.as_deref(),
                quoted.as_deref(),
            );
            if let Some(p) = st.posts.get_mut(&r.native_id) {
                p.likes = r.engagement.likes.unwrap_or(0);
                if let Some(lang) = &r.lang {
                    p.record["langs"] = json!([lang]);
                }
            }
            if !r.from_us {
                let indexed_at = st.stamp(r.created_at);
                st.notifications.push(Entry::Post {
                    reason,
                    uri: r.native_id.clone(),
                    subject,
                    indexed_at,
                });
            }
        }
    }

    /// A new post by `handle` mentioning us, or replying to `reply_to` (an
    /// AT-URI); returns its URI.
    pub fn mention(&self, handle: &str, text: &str, reply_to: Option<&str>) -> String {
        let mut st = self.lock();
        let name = handle
            .trim_start_matches('@')
            .split('.')
            .next()
            .unwrap_or(handle);
        let author = st.profile(handle, None, name);
        let n = st.tick();
        let uri = format!("at://{}/{POST}/3lx{}", author.did, base32(n, 10));
        let now = Utc::now();
        st.insert(uri.clone(), author, text, now, reply_to, None);
        let indexed_at = st.stamp(now);
        let reason = if reply_to.is_some() {
            "reply"
        } else {
            "mention"
        };
        st.notifications.push(Entry::Post {
            reason,
            uri: uri.clone(),
            subject: reply_to.map(str::to_string),
            indexed_at,
        });
        uri
    }

    /// A notification in an arbitrary JSON shape (malformed-payload tests).
    pub fn raw_notification(&self, value: Value) {
        let mut st = self.lock();
        let indexed_at = st.stamp(Utc::now());
        st.notifications.push(Entry::Raw { indexed_at, value });
    }

    /// Every access token issued so far expires (the next call with one
    /// gets `ExpiredToken`; refresh tokens stay valid).
    pub fn expire_sessions(&self) {
        self.lock().access.values_mut().for_each(|e| *e = true);
    }

    /// The stored record of a post (to check facets, langs, reply refs).
    pub fn record(&self, uri: &str) -> Option<Value> {
        self.lock().posts.get(uri).map(|p| p.record.clone())
    }

    /// Posts our account made, oldest first: (uri, parent uri, text).
    pub fn posted_by_us(&self) -> Vec<(String, Option<String>, String)> {
        let st = self.lock();
        let mut ours: Vec<&Post> = st
            .posts
            .values()
            .filter(|p| p.author.did == st.me.did)
            .collect();
        ours.sort_by_key(|p| p.indexed_at);
        let text = |p: &Post| {
            p.record
                .get("text")
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let row = |p: &&Post| {
            (
                p.uri.clone(),
                p.parent().map(str::to_string),
                text(p).unwrap_or_default(),
            )
        };
        ours.iter().map(row).collect()
    }

    /// A new root post by the brand; returns its URI.
    pub fn brand_post(&self, text: &str) -> String {
        let mut st = self.lock();
        let n = st.tick();
        let uri = format!("at://{}/{POST}/{}", st.me.did, tid(n));
        let (me, at) = (st.me.clone(), st.stamp(Utc::now()));
        st.insert(uri.clone(), me, text, at, None, None);
        uri
    }

    /// The brand account's DID.
    pub fn did(&self) -> String {
        self.lock().me.did.clone()
    }

    /// The thread gate record on our root post `root`, as stored.
    pub fn threadgate(&self, root: &str) -> Option<Value> {
        let st = self.lock();
        st.threadgate_view(root).map(|v| v["record"].clone())
    }

    /// Writes a thread gate on our root post `root` directly (as another
    /// client would have): `allow` as given (`None`: absent).
    pub fn set_threadgate(&self, root: &str, allow: Option<Value>, hidden: &[&str]) {
        let mut st = self.lock();
        let Some(rkey) = root.rsplit('/').next().map(str::to_string) else {
            return;
        };
        let mut value = json!({
            "$type": THREADGATE, "post": root, "createdAt": iso(Utc::now()), "hiddenReplies": hidden,
        });
        if let Some(allow) = allow {
            value["allow"] = allow;
        }
        let n = st.tick();
        let uri = format!("at://{}/{THREADGATE}/{rkey}", st.me.did);
        let cid = cid_for(&format!("{uri}#{n}"));
        st.records.insert(uri, Record { cid, value, seq: n });
    }

    /// Our like record on `uri`, if any, and the post's like count.
    pub fn like_of(&self, uri: &str) -> (Option<String>, u64) {
        let st = self.lock();
        let count = st.posts.get(uri).map_or(0, |p| {
            st.post_view(p)["likeCount"].as_u64().unwrap_or_default()
        });
        (st.our_like(uri), count)
    }

    /// The DIDs we block, newest first.
    pub fn blocked(&self) -> Vec<String> {
        self.lock()
            .blocks()
            .into_iter()
            .map(|(did, _)| did)
            .collect()
    }

    /// The DIDs we mute, oldest first.
    pub fn muted(&self) -> Vec<String> {
        self.lock().muted.clone()
    }

    /// How many requests `nsid` has had.
    pub fn calls(&self, nsid: &str) -> u64 {
        self.lock().calls.get(nsid).copied().unwrap_or(0)
    }

    /// The PDS endpoint `createSession` names in its `didDoc` (default:
    /// this server as the client reached it, under `/bluesky`).
    pub fn set_pds_endpoint(&self, endpoint: Option<&str>) {
        self.lock().pds_endpoint = endpoint.map(str::to_string);
    }
}
