//! The sandbox: local replicas of the networks' HTTP APIs, for `demo` and
//! the tests. One server on 127.0.0.1 hosts every network under its own
//! path prefix (`/mastodon`, …), so a connector only ever sees a different
//! base URL. Each network keeps state and has a fault queue ([`Fault`]).
//!
//! To add a network: a module with its routes and control handle, nested
//! in [`Sandbox::start`], and its base URL in [`Sandbox::base_url`].

pub mod bluesky;
pub mod facebook;
pub mod faults;
pub mod graph;
pub mod instagram;
pub mod linkedin;
pub mod mastodon;
pub mod threads;
pub mod tiktok;
pub mod x;
pub mod youtube;

use std::net::SocketAddr;

use tokio::sync::oneshot;

pub use faults::{Fault, Faults, Holds};

use crate::model::{Item, Network};

/// A running sandbox. Dropping it stops the server.
pub struct Sandbox {
    pub addr: SocketAddr,
    pub mastodon: mastodon::Mastodon,
    pub bluesky: bluesky::Bluesky,
    pub facebook: facebook::Facebook,
    pub instagram: instagram::Instagram,
    pub youtube: youtube::YouTube,
    pub linkedin: linkedin::LinkedIn,
    pub tiktok: tiktok::TikTok,
    pub threads: threads::Threads,
    pub x: x::X,
    /// Answers held back after the work is done (see [`Holds`]).
    pub holds: Holds,
    stop: Option<oneshot::Sender<()>>,
}

impl Sandbox {
    /// Starts the sandbox on a free loopback port, seeded with `items`
    /// (the networks replay them in their own shapes). Must run inside a
    /// tokio runtime.
    pub async fn start(
        brand_accounts: &[(Network, &str)],
        items: &[Item],
    ) -> std::io::Result<Sandbox> {
        Sandbox::start_on(0, brand_accounts, items).await
    }

    /// As [`Sandbox::start`], on `port` of 127.0.0.1 (0: a free one).
    pub async fn start_on(
        port: u16,
        brand_accounts: &[(Network, &str)],
        items: &[Item],
    ) -> std::io::Result<Sandbox> {
        let me = brand_accounts
            .iter()
            .find(|(n, _)| *n == Network::Mastodon)
            .map_or("brand@mastodon.example", |(_, a)| *a);
        let mastodon = mastodon::Mastodon::new(me);
        mastodon.seed(items);
        let bsky = brand_accounts
            .iter()
            .find(|(n, _)| *n == Network::Bluesky)
            .map_or("brand.bsky.social", |(_, a)| *a);
        let bluesky = bluesky::Bluesky::new(bsky);
        bluesky.seed(items);
        let handle = |net: Network, default: &'static str| {
            brand_accounts
                .iter()
                .find(|(n, _)| *n == net)
                .map_or(default, |(_, a)| *a)
        };
        let facebook =
            facebook::Facebook::new(facebook::PAGE_ID, handle(Network::Facebook, "brand"));
        facebook.seed(items);
        let instagram = instagram::Instagram::new(
            instagram::IG_USER_ID,
            handle(Network::Instagram, "brand"),
            instagram::PAGE_ID,
        );
        instagram.seed(items);
        let holds = Holds::default();
        let youtube = youtube::YouTube::new(
            youtube::CHANNEL_ID,
            handle(Network::YouTube, "AtelierLumen"),
        );
        youtube.seed(items);
        let linkedin = linkedin::LinkedIn::new(linkedin::ORG_URN);
        linkedin.seed(items);
        let tiktok = tiktok::TikTok::new(tiktok::BUSINESS_ID, handle(Network::TikTok, "brand"));
        tiktok.seed(items);
        let threads =
            threads::Threads::new(threads::USER_ID, handle(Network::Threads, "atelier.lumen"));
        threads.seed(items);
        let x = x::X::new(handle(Network::X, "AtelierLumen"), x::BRAND_ID);
        x.seed(items);
        let app = axum::Router::new()
            .nest("/x", x::router(x.clone()))
            .nest("/threads", threads::router(threads.clone()))
            .nest("/tiktok", tiktok::router(tiktok.clone()))
            .nest("/linkedin", linkedin::router(linkedin.clone()))
            .nest("/youtube", youtube::router(youtube.clone()))
            .nest("/mastodon", mastodon::router(mastodon.clone()))
            .nest("/bluesky", bluesky::router(bluesky.clone()))
            .nest("/facebook", facebook::router(facebook.clone()))
            .nest("/instagram", instagram::router(instagram.clone()))
            .layer(axum::middleware::from_fn_with_state(
                holds.clone(),
                faults::hold_answers,
            ));
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(e) = serve.await {
                tracing::error!("sandbox server stopped: {e}");
            }
        });
        Ok(Sandbox {
            addr,
            mastodon,
            bluesky,
            facebook,
            instagram,
            youtube,
            linkedin,
            tiktok,
            threads,
            x,
            holds,
            stop: Some(stop),
        })
    }

    /// Where a connector for `network` should point.
    pub fn base_url(&self, network: Network) -> String {
        format!("http://{}/{}", self.addr, network.as_str())
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
