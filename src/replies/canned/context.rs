//! What a template sees: the variables built from the item, the author
//! and the caller's [`Vars`], the date written per language, and the sample
//! item used for load-time trial renders. A new variable goes in
//! [`context`] and in [`super::template::VARIABLES`].

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use minijinja::value::Value;

use super::template::Vars;
use super::{Canned, ReplyKind};
use crate::model::{Author, Engagement, Item, Kind, Moderation, Network, Remote};

/// The variables for rendering `canned` for `item`.
pub(crate) fn context(canned: &Canned, item: &Item, vars: &Vars) -> BTreeMap<&'static str, Value> {
    let remote = &item.remote;
    let author = &remote.author;
    let mut ctx = BTreeMap::new();
    ctx.insert("first_name", Value::from(first_name(author)));
    ctx.insert("handle", Value::from(handle(&author.handle)));
    let author_name = if author.display_name.trim().is_empty() {
        handle(&author.handle)
    } else {
        author.display_name.trim().to_string()
    };
    ctx.insert("author_name", Value::from(author_name));
    ctx.insert(
        "network",
        Value::from(crate::networks::refusals::name(remote.network)),
    );
    ctx.insert("brand", Value::from(vars.brand.clone()));
    ctx.insert("agent", Value::from(vars.agent.clone()));
    ctx.insert("signature", Value::from(vars.signature.clone()));
    // Left out when absent: SemiStrict makes printing it an error.
    if let Some(link) = remote.permalink.as_deref().filter(|l| !l.trim().is_empty()) {
        ctx.insert("link", Value::from(link));
    }
    ctx.insert("today", Value::from(long_date(vars.today, &canned.lang)));
    ctx.insert("item_text", Value::from(remote.text.clone()));
    ctx
}

/// The handle with one leading `@`.
pub(crate) fn handle(raw: &str) -> String {
    format!("@{}", raw.trim().trim_start_matches('@'))
}

/// The name to greet: the first word of the display name that has a
/// letter (emoji and punctuation trimmed), else the handle's user part.
pub(crate) fn first_name(author: &Author) -> String {
    let word = author
        .display_name
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        // A display name that is really a handle ("margot@mastodon.social",
        // "margaux.lfv", "lea_99") is no first name: it falls back below.
        .find(|w| w.chars().any(char::is_alphabetic) && !looks_like_handle(w));
    match word {
        Some(w) if w.chars().count() > 1 && w.chars().all(|c| !c.is_lowercase()) => {
            // "JULIE" reads as shouting in a reply: "Julie".
            capitalized(&w.to_lowercase())
        }
        Some(w) => w.to_string(),
        None => {
            let user = author.handle.trim().trim_start_matches('@');
            let user = user.split('@').next().unwrap_or(user);
            // "julie.bsky.social", "margaux.lfv", "lea_99" greet "Julie",
            // "Margaux", "Lea"; a handle with no usable part stays whole.
            let part = user
                .split(['.', '_', '-'])
                .next()
                .unwrap_or(user)
                .trim_matches(|c: char| c.is_ascii_digit());
            if part.chars().filter(|c| c.is_alphabetic()).count() >= 2 {
                capitalized(part)
            } else {
                user.to_string()
            }
        }
    }
}

fn looks_like_handle(word: &str) -> bool {
    word.contains(['@', '.', '_']) || word.chars().any(|c| c.is_ascii_digit())
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(head) => head.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `date` as written in a sentence in `lang`; ISO for languages we do not
/// know.
pub fn long_date(date: NaiveDate, lang: &str) -> String {
    const FR: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    const ES: [&str; 12] = [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ];
    let (d, y) = (date.day(), date.year());
    let m = date.month0() as usize;
    let month = |names: [&'static str; 12]| names.get(m).copied().unwrap_or_default();
    match lang {
        "fr" if d == 1 => format!("1er {} {y}", month(FR)),
        "fr" => format!("{d} {} {y}", month(FR)),
        "en" => format!("{d} {} {y}", month(EN)),
        "es" => format!("{d} de {} de {y}", month(ES)),
        _ => date.format("%Y-%m-%d").to_string(),
    }
}

/// Values for load-time trial renders.
pub(crate) fn sample_vars() -> Vars {
    Vars {
        brand: "Brand".into(),
        agent: "Agent".into(),
        signature: "— Agent".into(),
        today: NaiveDate::default(),
        filled: BTreeMap::new(),
    }
}

/// An item with every field a template can read, for trial renders.
pub(crate) fn sample_item(network: Network, kind: Option<ReplyKind>) -> Item {
    Item::new(Remote {
        network,
        account: "brand".into(),
        native_id: "sample".into(),
        kind: match kind {
            Some(ReplyKind::Dm) => Kind::DirectMessage,
            _ => Kind::Comment,
        },
        thread_id: None,
        parent_id: None,
        post: None,
        author: Author {
            id: "sample".into(),
            handle: "sample".into(),
            display_name: "Sample Person".into(),
            profile_url: None,
            followers: None,
        },
        text: "Sample text".into(),
        lang: None,
        created_at: DateTime::<Utc>::default(),
        permalink: Some("https://example.com/sample".into()),
        engagement: Engagement::default(),
        from_us: false,
        moderation: Moderation::default(),
    })
}
