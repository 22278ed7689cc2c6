//! Triage: escalation and delegation, and moderation rules.
//!
//! - [`auto`]: the rules run after each sync: apply, propose, approve,
//!   dismiss, each audited.
//! - [`handoff`]: telling a colleague about an escalated item (webhook,
//!   e-mail over SMTP, a command), with the payload they receive and the
//!   callbacks that close the loop.
//! - [`rules`]: `rules.toml` auto-moderation rules: conditions over an item
//!   and its context, actions, and `propose` or `apply` modes.
//! - [`shift`]: a shift's summary (counts, median first response,
//!   escalations, what is still open) and its Markdown hand-over note.
//! - [`tags`]: `tags.toml`: escalation tags with routes, SLAs and hand-off
//!   channels, and the roster of people and teams they route to.

pub mod answered;
pub mod auto;
pub mod handoff;
pub mod rules;
pub mod shift;
pub mod tags;
