//! Messenger moderation (`reference/networks.md` §1): `POST
//! /{page-id}/moderate_conversations` with `user_ids` (PSIDs) and
//! `actions` from `BLOCK_USER`, `UNBLOCK_USER`, `BAN_USER`, `UNBAN_USER`,
//! `MOVE_TO_SPAM`. Missing or unknown values are Graph error 100. The
//! state is kept per person: a conversation moved to spam leaves the
//! Page's inbox folder (`GET /{page-id}/conversations` shows it again only
//! with `folder=spam`); blocks and bans are listed by [`Inbox::moderation`].

use std::collections::BTreeSet;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::inbox::{Conversation, Inbox};
use super::{Params, error};

pub const MOVE_TO_SPAM: &str = "MOVE_TO_SPAM";
const ACTIONS: [&str; 5] = [
    "BLOCK_USER",
    "UNBLOCK_USER",
    "BAN_USER",
    "UNBAN_USER",
    MOVE_TO_SPAM,
];

fn bad(message: &str) -> Response {
    error(StatusCode::BAD_REQUEST, 100, None, message)
}

/// A list parameter: a JSON array, or one value.
fn list(p: &Params, key: &str) -> Vec<String> {
    match p.0.get(key) {
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect(),
        Some(Value::String(s)) if !s.is_empty() => vec![s.clone()],
        _ => Vec::new(),
    }
}

impl Inbox {
    /// `POST /{page-id}/moderate_conversations` → `{"success": true}`.
    #[allow(clippy::result_large_err)] // the error is the finished HTTP answer
    pub fn moderate(&mut self, p: &Params) -> Result<Value, Response> {
        let users = list(p, "user_ids");
        if users.is_empty() {
            return Err(bad("(#100) The parameter user_ids is required"));
        }
        let actions = list(p, "actions");
        if actions.is_empty() {
            return Err(bad("(#100) The parameter actions is required"));
        }
        if let Some((i, _)) = actions
            .iter()
            .enumerate()
            .find(|(_, a)| !ACTIONS.contains(&a.as_str()))
        {
            return Err(bad(&format!(
                "(#100) param actions[{i}] must be one of {{{}}}",
                ACTIONS.join(", ")
            )));
        }
        for user in users {
            let state = self.moderated.entry(user).or_default();
            for action in &actions {
                match action.as_str() {
                    "UNBLOCK_USER" => state.remove("BLOCK_USER"),
                    "UNBAN_USER" => state.remove("BAN_USER"),
                    other => state.insert(other.to_string()),
                };
            }
        }
        Ok(json!({ "success": true }))
    }

    /// What the Page did to a person through moderation (empty: nothing).
    pub fn moderation(&self, psid: &str) -> BTreeSet<String> {
        self.moderated.get(psid).cloned().unwrap_or_default()
    }

    /// Whether `c` is listed in `folder` (`inbox` unless asked otherwise).
    pub(super) fn in_folder(&self, c: &Conversation, folder: Option<&str>) -> bool {
        let spam = self
            .moderated
            .get(&c.with.id)
            .is_some_and(|s| s.contains(MOVE_TO_SPAM));
        match folder {
            Some("spam") => spam,
            _ => !spam,
        }
    }
}
