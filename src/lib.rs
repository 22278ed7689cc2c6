//! guichet: a terminal unified social inbox.
//!
//! Module map (see README for the long version):
//! - [`model`]: items, ids, statuses: the domain.
//! - [`store`]: the `Store` trait and its sled implementation (the truth).
//! - [`filter`]: filters and saved views, shared by the TUI and the CLI.
//! - [`action`]: the registry of named, bindable actions.
//! - [`keymap`], [`theme`]: embedded defaults merged with the user's files.
//! - [`config`]: `config.toml`, paths, errors naming file, line and key.
//! - [`text`]: sanitizing hostile text and measuring it by display width.
//! - [`lang`]: the language of a text the network gave none for.
//! - [`pii`]: e-mail and phone patterns shared by the linter and the rules.
//! - [`replies`]: canned replies, the brand-guideline linter, placeholders.
//! - [`triage`]: escalation hand-offs and auto-moderation rules.
//! - [`tui`]: terminal guard, event loop, pure update, views.
//! - [`demo`]: the deterministic demo inbox and the scale generator.
//! - [`cli`]: the scriptable commands (`list`, `show`, `done`, `tag`, `doctor`…).

pub mod action;
pub mod change;
pub mod cli;
pub mod config;
pub mod demo;
pub mod filter;
pub mod keymap;
pub mod lang;
pub mod logging;
pub mod model;
pub mod networks;
pub mod outbox;
pub mod pii;
pub mod replies;
pub mod report;
pub mod sandbox;
pub mod store;
pub mod sync;
pub mod text;
pub mod theme;
pub mod triage;
pub mod tui;
pub mod when;
