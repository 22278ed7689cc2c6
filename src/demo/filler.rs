//! Fills the demo inbox up to a realistic per-network volume by composing
//! messages from the text bank, on top of the hand-written scenes.
//!
//! Everything is driven by one seeded [`fastrand::Rng`], so the result is
//! the same for a given `now`. [`TARGETS`] sets how many items each network
//! ends with (Instagram and Facebook heaviest); [`kind_weights`] and
//! [`cat_weights`] set what those items are. To tune the mix, edit those
//! tables; to add a kind of item, add a [`Shape`] arm in [`one`].

use fastrand::Rng;

use crate::model::{Kind, Network, Priority, Status};

use super::people::{self, Person};
use super::posts::{self, BrandPost, D, H};
use super::script::{Ctx, Say};
use super::texts::{self, Cat};

/// Items per network once scenes and filler are combined.
pub const TARGETS: [(Network, usize); 9] = [
    (Network::Instagram, 92),
    (Network::Facebook, 78),
    (Network::X, 50),
    (Network::TikTok, 42),
    (Network::YouTube, 36),
    (Network::LinkedIn, 18),
    (Network::Threads, 16),
    (Network::Mastodon, 14),
    (Network::Bluesky, 16),
];

const SEED: u64 = 0x1A7E_11E2_2024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Comment,
    Reply,
    Dm,
    Mention,
    Quote,
}

/// Relative weights of each item shape on `net`.
fn kind_weights(net: Network) -> &'static [(Shape, u32)] {
    use Shape::*;
    match net {
        Network::Facebook => &[(Comment, 66), (Reply, 16), (Dm, 18)],
        Network::Instagram => &[(Comment, 64), (Reply, 12), (Dm, 15), (Mention, 9)],
        Network::X => &[(Comment, 40), (Mention, 35), (Quote, 10), (Dm, 15)],
        Network::YouTube => &[(Comment, 80), (Reply, 20)],
        Network::TikTok => &[(Comment, 85), (Reply, 15)],
        Network::LinkedIn => &[(Comment, 85), (Reply, 15)],
        Network::Threads => &[(Comment, 60), (Mention, 30), (Quote, 10)],
        Network::Mastodon => &[(Mention, 55), (Comment, 30), (Dm, 15)],
        Network::Bluesky => &[(Comment, 45), (Mention, 30), (Quote, 15), (Dm, 10)],
    }
}

/// Relative weights of each message category for a shape.
fn cat_weights(shape: Shape) -> &'static [(Cat, u32)] {
    use Cat::*;
    match shape {
        Shape::Comment => &[
            (Praise, 28),
            (Question, 24),
            (General, 18),
            (Complaint, 12),
            (Spam, 9),
            (Ugc, 4),
            (Collab, 2),
        ],
        Shape::Reply => &[
            (Praise, 25),
            (General, 30),
            (Question, 20),
            (Complaint, 15),
            (Spam, 10),
        ],
        Shape::Dm => &[
            (Question, 45),
            (Complaint, 30),
            (Collab, 12),
            (Spam, 8),
            (Praise, 5),
        ],
        Shape::Mention => &[
            (Praise, 30),
            (Ugc, 20),
            (Question, 20),
            (Complaint, 20),
            (Spam, 5),
            (General, 5),
        ],
        Shape::Quote => &[(Praise, 50), (General, 25), (Complaint, 25)],
    }
}

fn weighted<T: Copy>(rng: &mut Rng, table: &[(T, u32)]) -> Option<T> {
    let total: u32 = table.iter().map(|(_, w)| w).sum();
    if total == 0 {
        return None;
    }
    let mut roll = rng.u32(0..total);
    for (t, w) in table {
        if roll < *w {
            return Some(*t);
        }
        roll -= w;
    }
    None
}

fn choose<'a, T>(rng: &mut Rng, items: &'a [T]) -> Option<&'a T> {
    if items.is_empty() {
        None
    } else {
        items.get(rng.usize(0..items.len()))
    }
}

/// An age in minutes below `max`, denser near now.
fn recent_age(rng: &mut Rng, max: i64) -> i64 {
    let u = rng.f64();
    ((max as f64) * u.powf(1.35)).round() as i64
}

/// Appends filler items until every network reaches its [`TARGETS`] count.
pub fn fill(ctx: &mut Ctx) {
    let mut rng = Rng::with_seed(SEED);
    let casuals = people::casuals(120);
    for (net, target) in TARGETS {
        while ctx.count(net) < target {
            one(ctx, &mut rng, net, &casuals);
        }
    }
}

fn one(ctx: &mut Ctx, rng: &mut Rng, net: Network, casuals: &[Person]) {
    let mut shape = weighted(rng, kind_weights(net)).unwrap_or(Shape::Comment);
    let parent = if shape == Shape::Reply {
        pick_parent(ctx, rng, net)
    } else {
        None
    };
    if shape == Shape::Reply && parent.is_none() {
        shape = Shape::Comment;
    }
    let on_net: Vec<&'static BrandPost> = posts::on(net).collect();
    let post = match (shape, parent) {
        (Shape::Reply, Some((p, _))) => ctx
            .items
            .get(p)
            .and_then(|it| it.remote.post.as_ref())
            .and_then(|r| posts::by_id(&r.id)),
        (Shape::Comment | Shape::Quote, _) => choose(rng, &on_net).copied(),
        _ => None,
    };
    if matches!(shape, Shape::Comment | Shape::Quote) && post.is_none() {
        shape = Shape::Mention;
    }
    let mut cat = weighted(rng, cat_weights(shape)).unwrap_or(Cat::Praise);
    if cat == Cat::Ugc && !matches!(net, Network::Instagram | Network::TikTok | Network::Threads) {
        cat = Cat::Praise;
    }
    // Under a post, many messages are about that post; on LinkedIn most are.
    let on_topic = match post {
        Some(_) if net == Network::LinkedIn => cat != Cat::Spam && rng.u8(0..10) < 7,
        Some(_) => matches!(cat, Cat::Praise | Cat::General | Cat::Question) && rng.u8(0..100) < 45,
        None => false,
    };
    if on_topic {
        cat = Cat::General;
    }
    let (who, fixed) = pick_author(rng, cat, casuals);
    let (text, lang) = match (fixed, post) {
        (Some((t, l)), _) => (t.to_string(), l),
        (None, Some(p)) if on_topic => {
            let bank = texts::topical(p.topic, who.lang);
            (compose(rng, cat, who.lang, net, shape, bank), who.lang)
        }
        (None, _) => {
            let bank = texts::bank(cat, who.lang);
            (compose(rng, cat, who.lang, net, shape, bank), who.lang)
        }
    };
    let idx = match (shape, parent, post) {
        (Shape::Reply, Some((p, p_age)), _) => {
            let age = (recent_age(rng, p_age - 2)).max(2);
            ctx.reply(
                p,
                Say {
                    who: &who,
                    text: &text,
                    lang,
                    age,
                },
            )
        }
        (Shape::Quote, _, Some(post)) => {
            let age = recent_age(rng, post.age - 5).max(3);
            ctx.quote(
                post,
                Say {
                    who: &who,
                    text: &text,
                    lang,
                    age,
                },
            )
        }
        (Shape::Comment, _, Some(post)) => {
            let age = recent_age(rng, post.age - 5).max(3);
            ctx.comment(
                post,
                Say {
                    who: &who,
                    text: &text,
                    lang,
                    age,
                },
            )
        }
        (Shape::Dm, _, _) => {
            let conv = ctx.conversation(net, &who);
            let age = recent_age(rng, 10 * D - H).max(3);
            let first = ctx.dm(
                net,
                &conv,
                Say {
                    who: &who,
                    text: &text,
                    lang,
                    age,
                },
            );
            if cat != Cat::Spam && rng.u8(0..10) < 3 && age > 20 {
                let follow = choose(rng, follow_ups(lang)).copied().unwrap_or("?");
                let later = ctx.dm(
                    net,
                    &conv,
                    Say {
                        who: &who,
                        text: follow,
                        lang,
                        age: age - rng.i64(2..20),
                    },
                );
                triage(ctx, rng, later, cat);
            }
            first
        }
        _ => {
            let age = recent_age(rng, 10 * D - H).max(3);
            ctx.mention(
                net,
                Say {
                    who: &who,
                    text: &text,
                    lang,
                    age,
                },
            )
        }
    };
    triage(ctx, rng, idx, cat);
}

/// A top-level comment on `net` to answer, with its age in minutes.
fn pick_parent(ctx: &Ctx, rng: &mut Rng, net: Network) -> Option<(usize, i64)> {
    let candidates: Vec<usize> = ctx
        .items
        .iter()
        .enumerate()
        .filter(|(_, it)| {
            let r = &it.remote;
            r.network == net
                && !r.from_us
                && r.post.is_some()
                && (r.kind == Kind::Comment || r.parent_id == r.thread_id)
        })
        .map(|(i, _)| i)
        .collect();
    let idx = *choose(rng, &candidates)?;
    let age = ctx.age_of(idx);
    (age > 6).then_some((idx, age))
}

/// Who writes a message of category `cat`; spam and collaboration pitches
/// come with their fixed text.
fn pick_author(
    rng: &mut Rng,
    cat: Cat,
    casuals: &[Person],
) -> (Person, Option<(&'static str, &'static str)>) {
    match cat {
        Cat::Spam => {
            let j = rng.usize(0..texts::SPAM.len());
            let who = match j {
                0 | 5 => people::SPAM_CRYPTO,
                1 | 6 => people::SPAM_COLLAB,
                2 => people::SPAM_GIVEAWAY,
                _ => people::SPAM_BOOST,
            };
            let lang = if matches!(j, 2 | 5) { "fr" } else { "en" };
            let text = texts::SPAM.get(j).copied().unwrap_or("DM me for collab 💰");
            (who, Some((text, lang)))
        }
        Cat::Collab => {
            // Each pitch names its sender's audience, so text and author go together.
            let lang = if rng.u8(0..10) < 6 { "fr" } else { "en" };
            let bank = texts::bank(Cat::Collab, lang);
            let j = rng.usize(0..bank.len().max(1));
            let who = match (lang, j) {
                ("fr", 0) => people::MILA,
                ("en", 0) => people::HANNAH,
                ("en", 1) => people::MAPLE,
                _ => choose(rng, casuals).cloned().unwrap_or(people::LEA),
            };
            let text = bank.get(j).copied().unwrap_or("DM me for collab 💰");
            (who, Some((text, lang)))
        }
        _ if rng.u8(0..100) < 35 => (
            choose(rng, &people::RECURRING)
                .cloned()
                .unwrap_or(people::MARGAUX),
            None,
        ),
        _ => (choose(rng, casuals).cloned().unwrap_or(people::LEA), None),
    }
}

/// How a post addressed to the brand starts on networks that need a handle.
fn address(net: Network, shape: Shape) -> &'static str {
    match (net, shape) {
        (Network::X, Shape::Comment | Shape::Mention) => "@AtelierLumen ",
        (Network::Mastodon, Shape::Comment | Shape::Mention | Shape::Dm) => {
            "@atelierlumen@piaille.fr "
        }
        (Network::Bluesky, Shape::Mention) => "@atelierlumen.bsky.social ",
        (Network::Instagram | Network::Threads, Shape::Mention) => "@atelier.lumen ",
        _ => "",
    }
}

/// A message from `bank`, sometimes with a greeting and a closer.
fn compose(
    rng: &mut Rng,
    cat: Cat,
    lang: &str,
    net: Network,
    shape: Shape,
    bank: &[&'static str],
) -> String {
    let body = choose(rng, bank).copied().unwrap_or("😍");
    let mut out = String::from(address(net, shape));
    if matches!(cat, Cat::Question | Cat::Complaint) && rng.u8(0..10) < 4 && !body.contains('\n') {
        out.push_str(choose(rng, texts::greeting(lang)).copied().unwrap_or(""));
        let mut chars = body.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_lowercase());
            out.push_str(chars.as_str());
        }
    } else {
        out.push_str(body);
    }
    if rng.u8(0..10) < 3 && !body.contains('\n') {
        out.push_str(choose(rng, texts::closer(cat, lang)).copied().unwrap_or(""));
    }
    out
}

fn follow_ups(lang: &str) -> &'static [&'static str] {
    if lang == "fr" {
        &[
            "Vous êtes là ?",
            "Merci d'avance !",
            "Je précise : commande passée sur le site.",
            "?",
            "Bon, je relance…",
        ]
    } else {
        &[
            "Hello?",
            "Thanks in advance!",
            "Just to add: I ordered on the website.",
            "Any update?",
        ]
    }
}

/// Local state for a filler item: older items are mostly handled, recent
/// ones mostly new; some complaints are escalated.
fn triage(ctx: &mut Ctx, rng: &mut Rng, idx: usize, cat: Cat) {
    let age = ctx.age_of(idx);
    let r = rng.f64();
    let who = if rng.bool() { "camille" } else { "theo" };
    let delay = rng.i64(10..600).min(age - 1).max(0);
    if cat == Cat::Spam {
        if age > 24 * H {
            ctx.edit(idx)
                .status(Status::Done)
                .tags(&["spam"])
                .action("hide", who, age - delay);
        }
        return;
    }
    let status = if age > 48 * H {
        [
            (0.62, Status::Done),
            (0.80, Status::Answered),
            (0.90, Status::Open),
        ]
    } else if age > 12 * H {
        [
            (0.25, Status::Done),
            (0.40, Status::Answered),
            (0.65, Status::Open),
        ]
    } else {
        [
            (0.0, Status::Done),
            (0.08, Status::Answered),
            (0.20, Status::Open),
        ]
    }
    .into_iter()
    .find(|(p, _)| r < *p)
    .map_or(Status::New, |(_, s)| s);
    let edit = ctx.edit(idx).status(status);
    let edit = match status {
        Status::Done => edit.action(if rng.bool() { "done" } else { "like" }, who, age - delay),
        Status::Answered => edit.action("reply", who, age - delay),
        _ => edit,
    };
    let pending = matches!(status, Status::New | Status::Open);
    match cat {
        Cat::Complaint if pending && rng.u8(0..100) < 35 => {
            let tag = if rng.bool() { "delivery" } else { "refund" };
            let team = if rng.u8(0..4) == 0 {
                "camille"
            } else {
                "support-team"
            };
            edit.escalate(&["complaint", tag], team, (age - delay).max(0))
                .priority(Priority::High);
        }
        Cat::Complaint if rng.u8(0..10) < 4 => {
            edit.priority(Priority::High).tags(&["complaint"]);
        }
        Cat::Collab if pending => {
            edit.tags(&["influencer"]).assign("theo");
        }
        Cat::Ugc if rng.bool() => {
            edit.tags(&["ugc-request"]);
        }
        Cat::Praise | Cat::General if rng.u8(0..4) == 0 => {
            edit.priority(Priority::Low);
        }
        _ => {}
    }
}
