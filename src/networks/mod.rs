//! The connector layer's pure foundation: what each network allows, how it
//! counts reply text, how it signals rate limits and errors.
//!
//! Nothing here does I/O. Every fact comes from `reference/networks.md`
//! (section numbers are cited next to the code); where that file says
//! UNCONFIRMED, the code says which reading it took.
//!
//! - [`capabilities`](mod@capabilities): actions per network with their scope, DM windows
//!   (Meta 24 h / 7 days with `HUMAN_AGENT`, TikTok 48 h noted), and
//!   [`Capabilities::check`] giving an [`Impossible`] reason before sending;
//!   the per-network tables are in [`grants`], the wording in [`refusals`].
//! - [`count`](mod@count): reply-length rules and counters (X weighted, Mastodon,
//!   Bluesky graphemes + bytes, the rest); [`links`] finds URLs and mentions.
//! - [`error`] and [`classify`]: [`ErrorKind`] / [`ConnectorError`] and the
//!   per-network mapping from status, headers and body.
//! - [`ratelimit`]: each network's rate-limit headers into one [`RateLimit`],
//!   `Retry-After`, jittered [`backoff`]; [`quota`]: YouTube's daily units.
//! - [`headers`]: the [`Headers`] trait the parsers read through.
//! - [`report`]: report categories per network and what "mark spam" means.
//!
//! The I/O side (the `Connector` trait, the shared HTTP client, one module
//! per network) builds on these pure parts: it reads responses through
//! [`Headers`], classifies them with [`ConnectorError::from_response`] and
//! schedules retries with [`ErrorKind::retry_at`]. Adding a network means a
//! `Network` variant, then a row in each `match` of the pure modules (the
//! compiler lists them).

pub mod bluesky;
pub mod capabilities;
pub mod classify;
pub mod connector;
pub mod count;
pub mod error;
pub mod facebook;
pub mod grants;
pub mod graph;
pub mod headers;
pub mod http;
pub mod instagram;
pub mod linkedin;
pub mod links;
pub mod mastodon;
pub mod progress;
pub mod quota;
pub mod ratelimit;
pub mod refusals;
pub mod report;
pub mod threads;
pub mod tiktok;
pub mod vault;
pub mod x;
pub mod youtube;

pub use capabilities::{
    Capabilities, Capability, DmWindow, Grant, Impossible, Permit, Scope, Target, WindowExtension,
    capabilities,
};
pub use count::{Certainty, Counted, Counting, LengthRule, count, count_for};
pub use error::{ConnectorError, ErrorKind};
pub use headers::Headers;
pub use quota::{QuotaDay, YouTubeCall};
pub use ratelimit::{RateLimit, backoff};
