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
        moderation: Default::default(),
    }
}

pub fn item(network: Network, native: &str, text: &str, created: i64) -> Item {
    Item::new(remote(network, native, text, created))
}
pub mod session;

/// Opens a store that was just dropped. sled releases its directory lock
/// from a background thread, so an immediate reopen can briefly fail with
/// "could not acquire lock"; that, and only that, is retried.
pub fn reopen(
    path: &std::path::Path,
) -> Result<guichet::store::SledStore, guichet::store::StoreError> {
    let mut tries = 0;
    loop {
        match guichet::store::SledStore::open(path) {
            Err(e) if e.to_string().contains("could not acquire lock") && tries < 100 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            other => return other,
        }
    }
}

/// Asserts a sync pass was stopped by a rate limit lifting in about
/// `secs` seconds (as the network's own reset header said).
pub fn assert_rate_limited<T: std::fmt::Debug>(
    result: Result<T, guichet::sync::SyncError>,
    secs: i64,
) {
    use guichet::networks::error::ErrorKind;
    match result {
        Err(guichet::sync::SyncError::Connector(e)) => match e.kind {
            ErrorKind::RateLimited { until } => {
                let wait = (until - Utc::now()).num_seconds();
                assert!(
                    (secs - 10..=secs + 1).contains(&wait),
                    "reset read from the network's header: {wait}"
                );
            }
            other => panic!("expected a rate limit, got {other:?}"),
        },
        other => panic!("expected a rate limit, got {other:?}"),
    }
}

/// The local decisions a re-sync must keep: done, tagged "refund".
pub fn decide_locally(store: &std::sync::Arc<dyn guichet::store::Store>, seq: u32) {
    use guichet::change::LocalChange;
    store
        .change(
            &[seq],
            &LocalChange::SetStatus(guichet::model::Status::Done),
            "camille",
        )
        .unwrap();
    store
        .change(
            &[seq],
            &LocalChange::AddTag {
                tag: "refund".into(),
                why: None,
            },
            "camille",
        )
        .unwrap();
}
