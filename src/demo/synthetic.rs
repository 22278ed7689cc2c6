//! The scale generator: any number of plausible items, lazily, for
//! benchmarks and scale tests (a million in a few seconds in release).
//!
//! [`Synthetic`] is an iterator driven by one seeded [`fastrand::Rng`]; item
//! `i` depends only on the seed and the items before it, so a shorter run is
//! a prefix of a longer one with the same seed. Native ids derive from the
//! index, so they are unique within a run. Threads are runs of consecutive
//! items sharing a `thread_id` (replies to a comment, or a DM conversation).
//! To change the mix, edit the weight tables at the top of this file.

use chrono::{DateTime, Duration, Utc};
use fastrand::Rng;

use crate::model::{
    Author, Engagement, Item, Kind, LastAction, Network, Note, PostRef, Priority, Remote, Status,
};

use super::account;
use super::ids::mix;
use super::words::{self, Banks};

/// How many distinct authors the generator draws from.
pub const AUTHORS: u64 = 50_000;
const POSTS_PER_NETWORK: usize = 64;
const YEAR_SECS: i64 = 365 * 24 * 3600;

const NETWORKS: [(Network, u32); 9] = [
    (Network::Instagram, 24),
    (Network::Facebook, 22),
    (Network::X, 14),
    (Network::TikTok, 12),
    (Network::YouTube, 10),
    (Network::LinkedIn, 5),
    (Network::Threads, 5),
    (Network::Mastodon, 4),
    (Network::Bluesky, 4),
];

/// A thread in progress: the next items answer its root.
struct Open {
    net: Network,
    kind: Kind,
    thread_id: String,
    root: String,
    post: Option<PostRef>,
    age: i64,
    remaining: u32,
}

/// Lazy, deterministic item generator; see [`synthetic`].
pub struct Synthetic {
    rng: Rng,
    now: DateTime<Utc>,
    index: u64,
    count: u64,
    /// Added to the index so different seeds give different ids.
    offset: u64,
    posts: Vec<Vec<PostRef>>,
    open: Option<Open>,
    banks: Banks,
}

/// `count` synthetic items for `seed`, spread over the 365 days before `now`.
pub fn synthetic(count: usize, seed: u64, now: DateTime<Utc>) -> impl Iterator<Item = Item> {
    Synthetic::new(count, seed, now)
}

impl Synthetic {
    pub fn new(count: usize, seed: u64, now: DateTime<Utc>) -> Synthetic {
        let mut rng = Rng::with_seed(seed);
        let banks = Banks::new();
        let posts = Network::ALL
            .iter()
            .map(|net| {
                (0..POSTS_PER_NETWORK)
                    .map(|p| make_post(&mut rng, &banks, *net, p, now))
                    .collect()
            })
            .collect();
        Synthetic {
            rng,
            now,
            index: 0,
            count: count as u64,
            offset: (mix(seed) % 1_000) * 1_000_000_000_000,
            posts,
            open: None,
            banks,
        }
    }

    fn pick_network(&mut self) -> Network {
        let mut roll = self.rng.u32(0..100);
        for (net, w) in NETWORKS {
            if roll < w {
                return net;
            }
            roll -= w;
        }
        Network::Instagram
    }

    fn post_for(&mut self, net: Network) -> Option<PostRef> {
        let list = self.posts.get(usize::from(net.index()))?;
        if list.is_empty() {
            return None;
        }
        list.get(self.rng.usize(0..list.len())).cloned()
    }

    fn make(&mut self) -> Item {
        let n = self.offset + self.index;
        let author_idx = {
            let u = self.rng.f64();
            ((u * u) * AUTHORS as f64) as u64 % AUTHORS
        };
        let fr = self.rng.u8(0..10) < 6;
        let text = compose(&mut self.rng, &self.banks, fr);
        let mut remote;
        if let Some(open) = self.open.as_mut().filter(|o| o.remaining > 0) {
            open.remaining -= 1;
            open.age = (open.age - self.rng.i64(0..=360.min(open.age))).max(0);
            let from_us = open.kind != Kind::DirectMessage && self.rng.u8(0..100) < 8;
            remote = base(
                open.net,
                open.kind,
                n,
                author_idx,
                text,
                fr,
                self.now - Duration::minutes(open.age),
            );
            remote.thread_id = Some(open.thread_id.clone());
            if open.kind == Kind::Reply {
                remote.parent_id = Some(open.root.clone());
            }
            remote.post = open.post.clone();
            remote.from_us = from_us;
        } else {
            let net = self.pick_network();
            let age_secs = {
                let u = self.rng.f64();
                (u * u.sqrt() * YEAR_SECS as f64) as i64
            };
            let kind = pick_kind(&mut self.rng, net);
            remote = base(
                net,
                kind,
                n,
                author_idx,
                text,
                fr,
                self.now - Duration::seconds(age_secs.max(60)),
            );
            let threaded = self.rng.u8(0..100) < 30;
            match kind {
                Kind::Comment | Kind::Review | Kind::Quote | Kind::Reply => {
                    let post = self.post_for(net);
                    remote.thread_id = post.as_ref().map(|p| p.id.clone());
                    if kind == Kind::Reply {
                        remote.parent_id = remote.thread_id.clone();
                    }
                    remote.post = post;
                }
                Kind::DirectMessage => remote.thread_id = Some(format!("conv-{n}")),
                Kind::Mention => {}
            }
            if threaded && matches!(kind, Kind::Comment | Kind::Reply | Kind::DirectMessage) {
                self.open = Some(Open {
                    net,
                    kind: if kind == Kind::DirectMessage {
                        Kind::DirectMessage
                    } else {
                        Kind::Reply
                    },
                    thread_id: remote
                        .thread_id
                        .clone()
                        .unwrap_or_else(|| remote.native_id.clone()),
                    root: remote.native_id.clone(),
                    post: remote.post.clone(),
                    age: age_secs / 60,
                    remaining: self.rng.u32(1..7),
                });
            }
        }
        remote.author = if remote.from_us {
            brand(remote.network)
        } else {
            author(author_idx, &self.banks)
        };
        let local = local_state(&mut self.rng, &remote, self.now);
        let mut item = Item::new(remote);
        item.local = local;
        item
    }
}

impl Iterator for Synthetic {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        if self.index >= self.count {
            return None;
        }
        let item = self.make();
        self.index += 1;
        Some(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = usize::try_from(self.count - self.index).unwrap_or(usize::MAX);
        (left, Some(left))
    }
}

impl ExactSizeIterator for Synthetic {}

fn pick_kind(rng: &mut Rng, net: Network) -> Kind {
    let roll = rng.u8(0..100);
    let social = matches!(
        net,
        Network::X | Network::Mastodon | Network::Bluesky | Network::Threads
    );
    match roll {
        0..=54 if social => Kind::Reply,
        0..=54 => Kind::Comment,
        55..=69 if social || net == Network::Instagram => Kind::Mention,
        70..=74 if social => Kind::Quote,
        75..=89
            if matches!(
                net,
                Network::Facebook
                    | Network::Instagram
                    | Network::X
                    | Network::Mastodon
                    | Network::Bluesky
            ) =>
        {
            Kind::DirectMessage
        }
        99 if net == Network::Facebook => Kind::Review,
        _ if social => Kind::Reply,
        _ => Kind::Comment,
    }
}

/// A native id in the network's usual shape, unique for `n`.
fn native_id(net: Network, n: u64, author: u64) -> String {
    match net {
        Network::Facebook => format!(
            "{}_{}",
            870_000_000_000_000 + n % 64,
            1_000_000_000_000_000 + n
        ),
        Network::Instagram => format!("17{n:015}"),
        Network::X => format!("19{n:017}"),
        Network::YouTube => format!("Ugx{n:019}4AaABAg"),
        Network::TikTok => format!("74{n:017}"),
        Network::LinkedIn => {
            format!("urn:li:comment:(urn:li:activity:7260000000000000000,72{n:017})")
        }
        Network::Threads => format!("18{n:015}"),
        Network::Mastodon => format!("11{n:016}"),
        Network::Bluesky => format!("at://did:plc:syn{author:021}/app.bsky.feed.post/3l{n:011}"),
    }
}

fn author(idx: u64, banks: &Banks) -> Author {
    fn get(list: &[&'static str], i: usize) -> &'static str {
        list.get(i).copied().unwrap_or("x")
    }
    let h = mix(idx);
    let fi = usize::try_from(h % banks.first.len().max(1) as u64).unwrap_or(0);
    let li = usize::try_from((h >> 16) % banks.last.len().max(1) as u64).unwrap_or(0);
    let followers = match idx {
        0..=49 => Some(50_000 + h % 1_150_000),
        _ if h.is_multiple_of(3) => Some(h % 5_000),
        _ => None,
    };
    Author {
        id: format!("syn{idx}"),
        handle: format!(
            "{}.{}{idx}",
            get(&banks.first_key, fi),
            get(&banks.last_key, li)
        ),
        display_name: format!("{} {}", get(&banks.first, fi), get(&banks.last, li)),
        profile_url: None,
        followers,
    }
}

fn brand(net: Network) -> Author {
    Author {
        id: format!("brand-{}", net.as_str()),
        handle: account(net).to_string(),
        display_name: super::BRAND.to_string(),
        profile_url: None,
        followers: None,
    }
}

fn base(
    net: Network,
    kind: Kind,
    n: u64,
    author_idx: u64,
    text: String,
    fr: bool,
    at: DateTime<Utc>,
) -> Remote {
    let h = mix(n);
    Remote {
        network: net,
        account: account(net).to_string(),
        native_id: native_id(net, n, author_idx),
        kind,
        thread_id: None,
        parent_id: None,
        post: None,
        author: Author::default(),
        text,
        lang: Some(if fr { "fr" } else { "en" }.to_string()),
        created_at: at,
        permalink: None,
        engagement: Engagement {
            likes: Some(h % 50),
            replies: Some((h >> 8) % 4),
            shares: if h.is_multiple_of(5) {
                Some((h >> 16) % 10)
            } else {
                None
            },
        },
        from_us: false,
        moderation: Default::default(),
    }
}

fn choose(rng: &mut Rng, list: &[&'static str]) -> &'static str {
    if list.is_empty() {
        ""
    } else {
        list.get(rng.usize(0..list.len())).copied().unwrap_or("")
    }
}

/// 6–24 words from the FR or EN bank after an opener, sometimes a rare word.
fn compose(rng: &mut Rng, banks: &Banks, fr: bool) -> String {
    let (openers, bank) = if fr {
        (words::FR_OPENERS, banks.fr.as_slice())
    } else {
        (words::EN_OPENERS, banks.en.as_slice())
    };
    let mut s = String::with_capacity(160);
    s.push_str(choose(rng, openers));
    let len = rng.usize(6..=24);
    let rare_at = if rng.u16(0..500) == 0 {
        Some(rng.usize(0..len))
    } else {
        None
    };
    for i in 0..len {
        s.push(' ');
        if rare_at == Some(i) {
            s.push_str(choose(rng, &banks.rare));
        } else {
            s.push_str(choose(rng, bank));
        }
    }
    s.push_str(match rng.u8(0..6) {
        0 => " ?",
        1 => " !",
        2 => " 😍",
        _ => ".",
    });
    s
}

fn make_post(rng: &mut Rng, banks: &Banks, net: Network, p: usize, now: DateTime<Utc>) -> PostRef {
    let id = match net {
        Network::Facebook => format!("108254316790412_{}", 870_000_000_000_000 + p as u64),
        Network::YouTube => format!("synVideo{p:03}"),
        Network::LinkedIn => format!("urn:li:activity:72600000000000{p:05}"),
        Network::Bluesky => {
            format!("at://did:plc:k4x2mlq7vdn3ra5wz6hye2ob/app.bsky.feed.post/3lsyn{p:08}")
        }
        _ => format!("{}{p:05}", 17_000_000_000 + 1_000 * u64::from(net.index())),
    };
    let fr = rng.bool();
    PostRef {
        text: compose(rng, banks, fr),
        permalink: None,
        // Older than every generated item, which spans 365 days.
        created_at: Some(now - Duration::days(366 + i64::try_from(p).unwrap_or(0))),
        id,
    }
}

/// A status mix close to a real account's history: mostly handled.
fn local_state(rng: &mut Rng, r: &Remote, now: DateTime<Utc>) -> crate::model::Local {
    let mut local = crate::model::Local::default();
    let roll = rng.u8(0..100);
    local.status = match roll {
        _ if r.from_us => Status::Done,
        0..=44 => Status::Done,
        45..=69 => Status::Answered,
        70..=84 => Status::New,
        85..=92 => Status::Open,
        93..=97 => Status::Escalated,
        _ => Status::Snoozed {
            until: r.created_at + Duration::hours(i64::from(rng.u8(1..=240))),
        },
    };
    local.read = local.status != Status::New;
    local.priority = match rng.u8(0..100) {
        0..=7 => Priority::Low,
        8..=87 => Priority::Normal,
        88..=96 => Priority::High,
        _ => Priority::Urgent,
    };
    if local.status == Status::Escalated {
        let (tag, who) = words::ESCALATIONS
            .get(rng.usize(0..words::ESCALATIONS.len()))
            .copied()
            .unwrap_or(("complaint", "support-team"));
        local.tags.push(tag.to_string());
        local.assignee = Some(who.to_string());
        if rng.u8(0..4) == 0 {
            local.notes.push(Note {
                by: "camille".to_string(),
                at: r.created_at.min(now),
                text: "Voir historique client.".to_string(),
            });
        }
    }
    if matches!(local.status, Status::Done | Status::Answered) {
        let what = if local.status == Status::Done {
            "done"
        } else {
            "reply"
        };
        local.last_action = Some(LastAction {
            what: what.to_string(),
            by: "camille".to_string(),
            at: r.created_at,
        });
    }
    local
}
