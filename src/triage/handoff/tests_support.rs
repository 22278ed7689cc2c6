//! Test fixtures for the hand-off tests: a sample escalated item, an HTTP
//! client without proxies, and a recording webhook receiver (axum on
//! 127.0.0.1:0) that answers a scripted list of statuses.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use chrono::{DateTime, TimeZone, Utc};

use super::Handoff;
use crate::model::{Author, Engagement, Item, Kind, Moderation, Network, Remote};

pub fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 8, 12, 3).unwrap()
}

pub fn due() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap()
}

pub fn item(text: &str) -> Item {
    Item::new(Remote {
        network: Network::Instagram,
        account: "atelierlumen".into(),
        native_id: "17890".into(),
        kind: Kind::Comment,
        thread_id: None,
        parent_id: None,
        post: None,
        author: Author {
            id: "u1".into(),
            handle: "jdupont".into(),
            display_name: "Jean Dupont".into(),
            profile_url: Some("https://instagram.com/jdupont".into()),
            followers: Some(1200),
        },
        text: text.into(),
        lang: Some("fr".into()),
        created_at: at(),
        permalink: Some("https://instagram.com/p/abc".into()),
        engagement: Engagement::default(),
        from_us: false,
        moderation: Moderation::default(),
    })
}

pub fn handoff(text: &str) -> Handoff {
    Handoff::from_item(
        &item(text),
        "refund",
        "Marie",
        Some("Déjà remboursé une fois en octobre."),
        Some(due()),
        "Paul",
        at(),
    )
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// One request the receiver saw, and what it answered.
#[derive(Debug, Clone)]
pub struct Seen {
    pub headers: HeaderMap,
    pub body: Bytes,
    pub status: u16,
}

#[derive(Clone, Default)]
pub struct Receiver {
    pub seen: Arc<Mutex<Vec<Seen>>>,
    /// Statuses to answer, in order; 200 once exhausted.
    pub script: Arc<Mutex<VecDeque<u16>>>,
}

impl Receiver {
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

async fn record(
    State(r): State<Receiver>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let status = r.script.lock().unwrap().pop_front().unwrap_or(200);
    r.seen.lock().unwrap().push(Seen {
        headers,
        body,
        status,
    });
    let text = if status == 200 { "ok" } else { "nope" };
    (StatusCode::from_u16(status).unwrap(), text.to_string())
}

/// Starts a receiver answering `script` then 200; returns its hook URL.
pub async fn receiver(script: &[u16]) -> (Receiver, String) {
    let r = Receiver {
        script: Arc::new(Mutex::new(script.iter().copied().collect())),
        ..Receiver::default()
    };
    let app = axum::Router::new()
        .route("/hooks/{secret}", post(record))
        .with_state(r.clone());
    let addr = serve(app).await;
    (r, format!("http://{addr}/hooks/s3cr3t-path"))
}

pub async fn serve(app: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    addr
}

/// A port nothing listens on (bound, then released).
pub fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}
