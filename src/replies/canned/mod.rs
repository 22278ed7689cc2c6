//! The canned-reply library: replies kept as one TOML file each, rendered
//! with minijinja for the item at hand, and ranked for the fuzzy picker.
//!
//! # Where replies come from
//!
//! Three sources, each shown with its [`Scope`] in the picker:
//!
//! | scope               | shown as  | where                                          |
//! |---------------------|-----------|------------------------------------------------|
//! | [`Scope::Example`]  | `example` | `src/replies/canned/library/{fr,en}/*.toml`, embedded in the binary |
//! | [`Scope::Shared`]   | `team`    | the team folder named in the config            |
//! | [`Scope::Personal`] | `mine`    | `<config dir>/replies/`                        |
//!
//! Folders are read recursively (sub-folders such as `fr/` or `sav/` are
//! only for the team's tidiness); files not ending in `.toml` are ignored.
//! **The same `name` in a later scope replaces the earlier one: personal
//! over team, team over example**, so an agent can adapt a team reply
//! without touching the shared folder. Two files with the same name in one
//! scope are an error.
//!
//! # File format
//!
//! ```toml
//! name = "delivery-delay"        # optional: unique id, defaults to the file stem
//! title = "Delivery delay"       # required: what the picker shows
//! category = "Orders"            # optional, default "general"
//! lang = "en"                    # required: language of the reply (ISO 639-1)
//! networks = ["instagram", "facebook"]  # optional; empty or absent = every network
//! tags = ["delivery", "order"]   # optional: item tags this reply suits
//! kind = "dm"                    # optional: "dm" or "public"; absent = both
//! body = """
//! Hi {{ first_name }}, your order {{ ask("order number") }} left today.
//! {{ signature }}"""
//!
//! [variants]                     # optional: a body per network
//! x = "Hi {{ first_name }}! Order {{ ask(\"order number\") }} is on its way."
//! ```
//!
//! `body` and each variant are minijinja templates. Variables:
//! `first_name` (first word of the author's display name, else the handle),
//! `handle`, `author_name`, `network` (its proper name, "Instagram"),
//! `brand`, `agent`, `signature`, `link` (the item's permalink: rendering it
//! for an item without one is an error, never an empty string), `today` (the
//! date written in the reply's language, "23 novembre 2026"), `item_text`.
//! Functions: `ask("label")` renders the placeholder marker `[[label]]` the
//! composer prompts for (or the value given as `--var label=…`, spaces may
//! be written `_`); `one_of("a", "b", …)` picks one alternative per render,
//! so a wave of replies (see [`Wave`]) does not repeat itself.
//!
//! An unknown variable, a template syntax error or a template that fails
//! on a sample item (an unknown filter, `ask()` without a label) is a load
//! error naming the file and line. The output is trimmed of surrounding
//! blank lines. `library/en/delivery-delay.toml` carries these notes as
//! comments for people writing replies.
//!
//! # Extending
//!
//! A new variable: add it to [`VARIABLES`] and to the context in
//! `context.rs`. A new function: register it in `template::environment` and
//! list it in [`FUNCTIONS`]. Ranking weights live in `rank.rs`.

mod context;
mod file;
mod library;
mod rank;
mod template;

#[cfg(test)]
mod tests_library;
#[cfg(test)]
mod tests_render;

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use crate::model::{Item, Kind, Network};

pub use context::long_date;
pub use library::{Library, read_dir};
pub use rank::{Ranked, rank};
pub use template::{FUNCTIONS, RenderError, Rendered, VARIABLES, Vars, Wave};

/// Where a reply comes from; later scopes override earlier ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    Example,
    Shared,
    Personal,
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Scope::Example => "example",
            Scope::Shared => "team",
            Scope::Personal => "mine",
        })
    }
}

/// The sort of item a reply is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReplyKind {
    /// Private messages only.
    Dm,
    /// Comments, replies, mentions, quotes and reviews.
    Public,
}

impl ReplyKind {
    pub fn suits(self, kind: Kind) -> bool {
        (kind == Kind::DirectMessage) == (self == ReplyKind::Dm)
    }
}

/// One canned reply, parsed and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Canned {
    pub name: String,
    pub title: String,
    pub category: String,
    pub lang: String,
    /// Networks it suits; empty means all.
    pub networks: Vec<Network>,
    pub tags: Vec<String>,
    /// Restricts it to DMs or to public items.
    pub kind: Option<ReplyKind>,
    pub scope: Scope,
    /// The file it was read from (`<example>/…` for embedded ones).
    pub file: PathBuf,
    /// The scope whose reply of the same name this one replaces.
    pub overrides: Option<Scope>,
    pub body: String,
    pub variants: BTreeMap<Network, String>,
    /// 1-based line in `file` where each template starts (body under
    /// `"body"`, variants under the network name), to place render errors.
    pub(crate) lines: BTreeMap<String, usize>,
}

impl Canned {
    /// Whether the reply is meant for this item's network and kind.
    pub fn suits(&self, item: &Item) -> bool {
        let network_ok = self.networks.is_empty() || self.networks.contains(&item.remote.network);
        let kind_ok = self.kind.is_none_or(|k| k.suits(item.remote.kind));
        network_ok && kind_ok
    }

    /// The template used on `network`: its variant, else the body.
    pub fn template_for(&self, network: Network) -> &str {
        self.variants.get(&network).unwrap_or(&self.body)
    }
}
