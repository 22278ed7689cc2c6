//! Replying well: canned replies, the brand-guideline linter and the
//! placeholders they share.
//!
//! - [`canned`]: the reply library (embedded examples, personal and team
//!   files), minijinja rendering with item/author/brand/agent variables, and
//!   the fuzzy picker's ranking.
//! - [`lint`]: `guidelines.toml` and the rules every reply is checked
//!   against before it is sent.
//! - [`placeholder`]: the `[[label]]` markers an agent must fill in.
//! - [`Kit`]: all of it loaded from the configuration, shared by the TUI and
//!   the CLI.
//!
//! Per-network length counting lives in [`crate::networks::count`]; the lint
//! rule for maximum length uses it.

pub mod canned;
mod kit;
pub mod lint;
pub mod placeholder;

pub use kit::{Kit, KitRef};
