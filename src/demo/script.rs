//! A small builder that turns "who said what, where, how long ago" into
//! [`Item`]s with consistent ids, threads, permalinks and engagement.
//!
//! [`Ctx`] owns the growing item list and a sequence counter that seeds
//! every native id, so the same script always yields the same ids. Methods
//! return the new item's index; [`Ctx::edit`] then adjusts its local state
//! fluently. Ages are minutes before `now`. To support a new item shape, add
//! a method here that fills a [`Remote`] and calls [`Ctx::push`].

use chrono::{DateTime, Duration, Utc};

use crate::model::{
    Engagement, Item, Kind, LastAction, Network, Note, PostRef, Priority, Remote, Status,
};

use super::account;
use super::ids::{self, LinkCtx};
use super::people::{self, Person};
use super::posts::BrandPost;

pub struct Ctx {
    pub now: DateTime<Utc>,
    pub items: Vec<Item>,
    seq: u64,
}

/// What a new item says and who says it.
pub struct Say<'a> {
    pub who: &'a Person,
    pub text: &'a str,
    pub lang: &'a str,
    pub age: i64,
}

impl Ctx {
    pub fn new(now: DateTime<Utc>) -> Ctx {
        Ctx {
            now,
            items: Vec::with_capacity(400),
            seq: 0,
        }
    }

    fn next_seed(&mut self) -> u64 {
        self.seq += 1;
        ids::mix(0x4C55_4D45_4E00_0000 ^ self.seq)
    }

    pub fn at(&self, age: i64) -> DateTime<Utc> {
        self.now - Duration::minutes(age.max(1))
    }

    /// `minutes` after now (for snoozes that have not expired yet).
    pub fn later(&self, minutes: i64) -> DateTime<Utc> {
        self.now + Duration::minutes(minutes)
    }

    /// Minutes between `now` and the item at `idx` (0 when unknown).
    pub fn age_of(&self, idx: usize) -> i64 {
        self.items
            .get(idx)
            .map_or(0, |it| (self.now - it.remote.created_at).num_minutes())
    }

    pub fn count(&self, net: Network) -> usize {
        self.items
            .iter()
            .filter(|it| it.remote.network == net)
            .count()
    }

    fn push(&mut self, remote: Remote) -> usize {
        self.items.push(Item::new(remote));
        self.items.len() - 1
    }

    fn base(
        &self,
        net: Network,
        kind: Kind,
        native_id: String,
        s: &Say<'_>,
        from_us: bool,
    ) -> Remote {
        let author = if from_us {
            people::brand_author(net)
        } else {
            people::author(s.who, net)
        };
        Remote {
            network: net,
            account: account(net).to_string(),
            native_id,
            kind,
            thread_id: None,
            parent_id: None,
            post: None,
            author,
            text: s.text.to_string(),
            lang: Some(s.lang.to_string()),
            created_at: self.at(s.age),
            permalink: None,
            engagement: Engagement::default(),
            from_us,
            moderation: Default::default(),
        }
    }

    fn link(&self, r: &Remote, seed: u64) -> Option<String> {
        ids::item_permalink(&LinkCtx {
            net: r.network,
            native_id: &r.native_id,
            author_handle: &r.author.handle,
            post_id: r.post.as_ref().map(|p| p.id.as_str()),
            post_permalink: r.post.as_ref().and_then(|p| p.permalink.as_deref()),
            parent_id: r.parent_id.as_deref(),
            seed,
        })
    }

    /// A top-level comment under a brand post. On X, Threads, Mastodon and
    /// Bluesky an answer to our post is a `Reply` whose parent is the post.
    pub fn comment(&mut self, post: &BrandPost, s: Say<'_>) -> usize {
        self.under(post, s, false)
    }

    fn under(&mut self, post: &BrandPost, s: Say<'_>, from_us: bool) -> usize {
        let net = post.net;
        let seed = self.next_seed();
        let author_id = people::author_id(s.who, net);
        let native = ids::comment_id(net, seed, post.id, None, &author_id);
        let kind = match net {
            Network::X | Network::Threads | Network::Mastodon | Network::Bluesky => Kind::Reply,
            _ => Kind::Comment,
        };
        let mut r = self.base(net, kind, native, &s, from_us);
        r.thread_id = Some(post.id.to_string());
        if kind == Kind::Reply {
            r.parent_id = Some(post.id.to_string());
        }
        r.post = Some(post.post_ref(self.now));
        r.permalink = self.link(&r, seed);
        r.engagement = Engagement {
            likes: Some(seed % 7),
            replies: Some(0),
            shares: None,
        };
        self.push(r)
    }

    /// A reply to the item at `parent`, in the same thread and under the same post.
    pub fn reply(&mut self, parent: usize, s: Say<'_>) -> usize {
        self.reply_as(parent, s, false)
    }

    /// Our own earlier reply to `parent`: from the brand, already done.
    pub fn our_reply(&mut self, parent: usize, text: &str, lang: &str, age: i64) -> usize {
        let s = Say {
            who: &people::BRAND_SELF,
            text,
            lang,
            age,
        };
        let idx = self.reply_as(parent, s, true);
        self.edit(idx).ours();
        idx
    }

    fn reply_as(&mut self, parent: usize, s: Say<'_>, from_us: bool) -> usize {
        let Some(p) = self.items.get(parent).map(|it| it.remote.clone()) else {
            return usize::MAX;
        };
        let net = p.network;
        let seed = self.next_seed();
        let author_id = if from_us {
            people::brand_author(net).id
        } else {
            people::author_id(s.who, net)
        };
        let post_id = p
            .post
            .as_ref()
            .map_or(p.native_id.as_str(), |x| x.id.as_str());
        // YouTube has a single reply level: replies hang under the top-level comment.
        let yt_root = match (net, p.parent_id.as_deref()) {
            (Network::YouTube, Some(root)) => root.to_string(),
            _ => p.native_id.clone(),
        };
        let native = ids::comment_id(net, seed, post_id, Some(&yt_root), &author_id);
        let mut r = self.base(net, Kind::Reply, native, &s, from_us);
        r.thread_id = p.thread_id.clone().or_else(|| Some(p.native_id.clone()));
        r.parent_id = Some(if net == Network::YouTube {
            yt_root
        } else {
            p.native_id.clone()
        });
        // Under a mention or quote, the post giving context is that item itself.
        r.post = p.post.clone().or_else(|| {
            Some(PostRef {
                id: p.native_id.clone(),
                text: p.text.clone(),
                permalink: p.permalink.clone(),
                created_at: Some(p.created_at),
            })
        });
        r.permalink = self.link(&r, seed);
        r.engagement = Engagement {
            likes: Some(seed % 4),
            replies: Some(0),
            shares: None,
        };
        if let Some(it) = self.items.get_mut(parent) {
            let n = it.remote.engagement.replies.unwrap_or(0);
            it.remote.engagement.replies = Some(n + 1);
        }
        self.push(r)
    }

    /// A direct message in conversation `conv` (its thread id).
    pub fn dm(&mut self, net: Network, conv: &str, s: Say<'_>) -> usize {
        self.dm_as(net, conv, s, false)
    }

    /// Our own earlier message in a DM conversation.
    pub fn our_dm(&mut self, net: Network, conv: &str, text: &str, lang: &str, age: i64) -> usize {
        let s = Say {
            who: &people::BRAND_SELF,
            text,
            lang,
            age,
        };
        let idx = self.dm_as(net, conv, s, true);
        self.edit(idx).ours();
        idx
    }

    fn dm_as(&mut self, net: Network, conv: &str, s: Say<'_>, from_us: bool) -> usize {
        let seed = self.next_seed();
        let native = ids::dm_message_id(net, seed);
        let mut r = self.base(net, Kind::DirectMessage, native, &s, from_us);
        r.thread_id = Some(conv.to_string());
        r.permalink = ids::dm_permalink(net, conv);
        self.push(r)
    }

    /// A conversation id for a DM thread between `who` and the brand on `net`.
    pub fn conversation(&mut self, net: Network, who: &Person) -> String {
        let seed = self.next_seed();
        ids::dm_conversation_id(net, seed, &people::author_id(who, net))
    }

    /// A post that mentions the brand, outside any brand post.
    pub fn mention(&mut self, net: Network, s: Say<'_>) -> usize {
        let seed = self.next_seed();
        let author_id = people::author_id(s.who, net);
        let native = ids::comment_id(net, seed, "", None, &author_id);
        let mut r = self.base(net, Kind::Mention, native, &s, false);
        r.permalink = self.link(&r, seed);
        r.engagement = Engagement {
            likes: Some(seed % 40),
            replies: Some(0),
            shares: Some(seed % 5),
        };
        self.push(r)
    }

    /// A post quoting one of ours (the quoted post is its context).
    pub fn quote(&mut self, post: &BrandPost, s: Say<'_>) -> usize {
        let idx = self.mention(post.net, s);
        if let Some(it) = self.items.get_mut(idx) {
            it.remote.kind = Kind::Quote;
            it.remote.post = Some(post.post_ref(self.now));
        }
        idx
    }

    /// Adjusts the local state (and engagement) of the item at `idx`.
    pub fn edit(&mut self, idx: usize) -> Edit<'_> {
        let now = self.now;
        Edit {
            item: self.items.get_mut(idx),
            now,
        }
    }
}

/// Fluent edits of one item's local state. Does nothing on a bad index.
pub struct Edit<'a> {
    item: Option<&'a mut Item>,
    now: DateTime<Utc>,
}

impl Edit<'_> {
    fn with(mut self, f: impl FnOnce(&mut Item, DateTime<Utc>)) -> Self {
        if let Some(it) = self.item.as_deref_mut() {
            f(it, self.now);
        }
        self
    }

    pub fn status(self, status: Status) -> Self {
        self.with(|it, _| {
            it.local.status = status;
            it.local.read = status != Status::New;
        })
    }

    pub fn read(self) -> Self {
        self.with(|it, _| {
            it.local.read = true;
            if it.local.status == Status::New {
                it.local.status = Status::Open;
            }
        })
    }

    pub fn priority(self, p: Priority) -> Self {
        self.with(|it, _| it.local.priority = p)
    }

    pub fn tags(self, tags: &[&str]) -> Self {
        self.with(|it, _| it.local.tags.extend(tags.iter().map(|t| t.to_string())))
    }

    pub fn assign(self, who: &str) -> Self {
        self.with(|it, _| it.local.assignee = Some(who.to_string()))
    }

    /// An internal note written `age` minutes before now.
    pub fn note(self, by: &str, age: i64, text: &str) -> Self {
        self.with(|it, now| {
            it.local.notes.push(Note {
                by: by.to_string(),
                at: now - Duration::minutes(age),
                text: text.to_string(),
            })
        })
    }

    pub fn action(self, what: &str, by: &str, age: i64) -> Self {
        self.with(|it, now| {
            it.local.last_action = Some(LastAction {
                what: what.to_string(),
                by: by.to_string(),
                at: now - Duration::minutes(age.max(0)),
            })
        })
    }

    /// Escalated to `assignee` with `tags`, by camille.
    pub fn escalate(self, tags: &[&str], assignee: &str, age: i64) -> Self {
        self.status(Status::Escalated)
            .tags(tags)
            .assign(assignee)
            .action("escalate", "camille", age)
    }

    pub fn likes(self, likes: u64, replies: Option<u64>) -> Self {
        self.with(|it, _| {
            it.remote.engagement.likes = Some(likes);
            if replies.is_some() {
                it.remote.engagement.replies = replies;
            }
        })
    }

    /// Our own message: done, read, with who sent it.
    fn ours(self) -> Self {
        self.with(|it, _| {
            it.local.status = Status::Done;
            it.local.read = true;
            it.local.last_action = Some(LastAction {
                what: "reply".to_string(),
                by: "camille".to_string(),
                at: it.remote.created_at,
            });
        })
    }
}
