//! Builders shared by the integration tests.
#![allow(dead_code)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, TimeZone, Utc};
use guichet::model::{Author, Engagement, Item, Kind, Network, Remote};

pub fn at(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_760_000_000 + secs, 0)
        .single()
        .unwrap_or_default()
}

pub fn remote(network: Network, native: &str, text: &str, created: i64) -> Remote {
    Remote {
        network,
        account: "brand".into(),
        native_id: native.into(),
        kind: Kind::Comment,
        thread_id: Some("post1".into()),
        parent_id: None,
        post: None,
        author: Author {
            id: format!("author-{}", native.len() % 3),
            handle: format!("@fan{}", native.len() % 3),
            display_name: "Fan".into(),
            profile_url: None,
            followers: Some(10),
        },
        text: text.into(),
        lang: Some("fr".into()),
        created_at: at(created),
        permalink: None,
        engagement: Engagement::default(),
        from_us: false,
    }
}

pub fn item(network: Network, native: &str, text: &str, created: i64) -> Item {
    Item::new(remote(network, native, text, created))
}
pub mod session;
