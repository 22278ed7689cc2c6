//! Writing on Threads (`reference/networks.md` §7 "Writing").
//!
//! A reply is two calls: `POST /{user-id}/threads` with `media_type=TEXT`,
//! `text`, `reply_to_id` creates a container (`{"id": creation id}`), then
//! `POST /{user-id}/threads_publish` with `creation_id` publishes it
//! (`{"id": media id}`). Text containers are published at once (the docs'
//! ~30 s wait is for media; UNCONFIRMED for text). Threads has no
//! idempotency key: a container created but never published is invisible
//! and expires on its own, so after an uncertain attempt the outbox's
//! `find_reply` (our published replies under the item) decides, and a
//! resend makes a new container and publishes only that one: never two
//! published replies.
//!
//! Hide/unhide: `POST /{reply-id}/manage_reply` with `hide=true|false`
//! (top-level replies only; Threads hides the nested ones with it).
//! Delete: `DELETE /{media-id}`, our own posts only. No like, block or
//! mute call exists; `Capabilities::check` refuses those before sending.

use serde_json::{Value, json};

use super::ThreadsConnector;
use super::read::REPLY_FIELDS;
use crate::model::{Item, Network};
use crate::networks::capabilities::Capability;
use crate::networks::connector::Act;
use crate::networks::count;
use crate::networks::error::{ConnectorError, ErrorKind};
use crate::networks::graph::{self, MAX_PAGES, str_of};

/// Replies per page when looking for ours.
const FIND_PAGE: usize = 100;

impl ThreadsConnector {
    pub(super) async fn publish_reply(
        &self,
        item: &Item,
        text: &str,
        _key: &str,
    ) -> Result<String, ConnectorError> {
        graph::permit(Network::Threads, false, Capability::Reply, item)?;
        if let Some(problem) = count::count(Network::Threads, text).problem() {
            return Err(self.err(ErrorKind::Rejected, format!("Threads: {problem}")));
        }
        let container = self
            .post(
                &format!("{}/threads", self.user_id),
                &json!({
                    "media_type": "TEXT",
                    "text": text,
                    "reply_to_id": item.remote.native_id,
                }),
            )
            .await?;
        let creation = self.created_id(&container)?;
        let published = self
            .post(
                &format!("{}/threads_publish", self.user_id),
                &json!({ "creation_id": creation }),
            )
            .await?;
        self.created_id(&published)
    }

    fn created_id(&self, body: &Value) -> Result<String, ConnectorError> {
        str_of(body, "id")
            .map(str::to_string)
            .ok_or_else(|| self.err(ErrorKind::BadPayload, "the answer has no id"))
    }

    /// Our published reply to `item` with `text`, among its direct replies.
    pub(super) async fn find_our_reply(
        &self,
        item: &Item,
        text: &str,
    ) -> Result<Option<String>, ConnectorError> {
        let mut url = self.url(&format!(
            "{}/replies?fields={REPLY_FIELDS}&reverse=true&limit={FIND_PAGE}",
            item.remote.native_id
        ));
        for _ in 0..MAX_PAGES {
            let page = self.page(&url, FIND_PAGE).await?;
            let found = page.data.iter().find_map(|v| {
                let ours = self.item(item.remote.post.as_ref(), v)?;
                (ours.remote.from_us && ours.remote.text.trim() == text.trim())
                    .then_some(ours.remote.native_id)
            });
            if found.is_some() {
                return Ok(found);
            }
            match page.next {
                Some(next) => url = next,
                None => return Ok(None),
            }
        }
        Ok(None)
    }

    pub(super) async fn moderate(
        &self,
        item: &Item,
        act: Act,
        _key: &str,
    ) -> Result<String, ConnectorError> {
        graph::permit(Network::Threads, false, act.capability(), item)?;
        let id = &item.remote.native_id;
        let body = match act {
            Act::Hide | Act::Unhide => {
                let hide = act == Act::Hide;
                self.post(&format!("{id}/manage_reply"), &json!({ "hide": hide }))
                    .await?
            }
            Act::Delete => self.delete(id).await?,
            // Refused by the check above; kept explicit should the table change.
            Act::Like | Act::Unlike | Act::Block | Act::Mute | Act::Spam => {
                return Err(crate::networks::connector::unsupported(
                    Network::Threads,
                    act.as_str(),
                ));
            }
        };
        match body.get("success").and_then(Value::as_bool) {
            Some(true) => Ok(id.clone()),
            _ => Err(self.err(ErrorKind::BadPayload, "expected {\"success\": true}")),
        }
    }
}
