//! Writing (§3). Every write is first checked against X's 2026 rules
//! (`Capabilities::check` on the item's `Target`): a reply only where the
//! author mentioned or quoted us (or answered our post), no like or block
//! unless the account has Enterprise access, hide only in our
//! conversations, delete only our own. Then:
//!
//! - reply: `POST /2/tweets` `{"text","reply":{"in_reply_to_tweet_id"}}`;
//!   a DM: `POST /2/dm_conversations/:id/messages` `{"text"}`;
//! - `find_reply`: our post in the conversation answering the item
//!   (recent search `conversation_id:… from:…`), or our DM event in the
//!   conversation with that text;
//! - hide/unhide `PUT /2/tweets/:id/hidden`, delete `DELETE /2/tweets/:id`
//!   (a DM of ours: `DELETE /2/dm_events/:id`), like `POST
//!   /2/users/:id/likes`, unlike `DELETE /2/users/:id/likes/:tweet_id`,
//!   mute `POST /2/users/:id/muting`, block `POST /2/users/:id/blocking`.

use chrono::Utc;
use serde_json::{Value, json};

use super::wire::{DmEvent, Post};
use super::{XConnector, err};
use crate::model::{Item, Kind};
use crate::networks::capabilities::{Capability, Target, capabilities};
use crate::networks::connector::Act;
use crate::networks::error::{ConnectorError, ErrorKind};

fn str_at(body: &Value, pointer: &str, what: &str) -> Result<String, ConnectorError> {
    body.pointer(pointer)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| err(ErrorKind::BadPayload, format!("{what} is missing")))
}

/// The text without the leading `@user` names X may put in front.
fn body_text(text: &str) -> &str {
    let mut rest = text.trim_start();
    while let Some(after) = rest.strip_prefix('@') {
        let end = after.find(char::is_whitespace).unwrap_or(after.len());
        rest = after[end..].trim_start();
    }
    rest.trim_end()
}

impl XConnector {
    /// X's 2026 rules for `action` on `item`, before anything is sent.
    fn permit(&self, action: Capability, item: &Item) -> Result<(), ConnectorError> {
        if self.enterprise && matches!(action, Capability::Like | Capability::Unlike) {
            return Ok(());
        }
        if self.enterprise && action == Capability::Block && !item.remote.from_us {
            return Ok(());
        }
        let target = Target {
            hidden: item.remote.moderation.hidden,
            ..Target::from_remote(&item.remote)
        };
        capabilities(item.remote.network)
            .check(action, &target, Utc::now())
            .map(|_| ())
            .map_err(|no| err(ErrorKind::Rejected, no.reason))
    }

    fn thread(&self, item: &Item) -> Result<String, ConnectorError> {
        item.remote
            .thread_id
            .clone()
            .ok_or_else(|| err(ErrorKind::NotFound, "the item has no conversation id"))
    }

    pub(super) async fn post_reply(
        &self,
        item: &Item,
        text: &str,
    ) -> Result<String, ConnectorError> {
        self.permit(Capability::Reply, item)?;
        if item.remote.kind == Kind::DirectMessage {
            let conversation = self.thread(item)?;
            let url = format!("{}/2/dm_conversations/{conversation}/messages", self.base);
            let answer = self.post(&url, &json!({ "text": text })).await?;
            return str_at(&answer.body, "/data/dm_event_id", "the new DM event id");
        }
        let body = json!({
            "text": text,
            "reply": { "in_reply_to_tweet_id": item.remote.native_id },
        });
        let answer = self.post(&format!("{}/2/tweets", self.base), &body).await?;
        str_at(&answer.body, "/data/id", "the new post id")
    }

    pub(super) async fn find_posted(
        &self,
        item: &Item,
        text: &str,
    ) -> Result<Option<String>, ConnectorError> {
        let wanted = body_text(text);
        let conversation = self.thread(item)?;
        if item.remote.kind == Kind::DirectMessage {
            let url = self.url(
                &format!("/2/dm_conversations/{conversation}/dm_events"),
                &[
                    ("max_results", "100"),
                    ("event_types", "MessageCreate"),
                    (
                        "dm_event.fields",
                        "id,event_type,text,sender_id,dm_conversation_id,created_at",
                    ),
                ],
            )?;
            let answer = self.get(&url).await?;
            let found = answer
                .body
                .get("data")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|v| serde_json::from_value::<DmEvent>(v.clone()).ok())
                .find(|e| {
                    e.sender_id.as_deref() == Some(self.user_id.as_str())
                        && e.created_at >= item.remote.created_at
                        && e.text.as_deref().map(body_text) == Some(wanted)
                })
                .map(|e| e.id);
            return Ok(found);
        }
        let query = format!("conversation_id:{conversation} from:{}", self.handle);
        let url = self.url(
            "/2/tweets/search/recent",
            &[
                ("query", query.as_str()),
                ("max_results", "100"),
                ("since_id", item.remote.native_id.as_str()),
                (
                    "tweet.fields",
                    "author_id,conversation_id,created_at,referenced_tweets",
                ),
            ],
        )?;
        let answer = self.get(&url).await?;
        let found = answer
            .body
            .get("data")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|v| serde_json::from_value::<Post>(v.clone()).ok())
            .find(|p| {
                p.author_id == self.user_id
                    && body_text(&p.text) == wanted
                    && p.referenced_tweets
                        .iter()
                        .any(|r| r.kind == "replied_to" && r.id == item.remote.native_id)
            })
            .map(|p| p.id);
        Ok(found)
    }

    pub(super) async fn act_on(&self, item: &Item, act: Act) -> Result<String, ConnectorError> {
        self.permit(act.capability(), item)?;
        let id = &item.remote.native_id;
        let me = &self.user_id;
        let base = &self.base;
        let author = &item.remote.author.id;
        match act {
            Act::Hide | Act::Unhide => {
                let hidden = act == Act::Hide;
                let url = format!("{base}/2/tweets/{id}/hidden");
                let body = self.put(&url, &json!({ "hidden": hidden })).await?;
                match body.pointer("/data/hidden").and_then(Value::as_bool) {
                    Some(h) if h == hidden => Ok(id.clone()),
                    _ => Err(err(
                        ErrorKind::BadPayload,
                        "X did not confirm the hidden state",
                    )),
                }
            }
            Act::Delete => {
                let url = if item.remote.kind == Kind::DirectMessage {
                    format!("{base}/2/dm_events/{id}")
                } else {
                    format!("{base}/2/tweets/{id}")
                };
                let answer = self.delete(&url).await?;
                match answer
                    .body
                    .pointer("/data/deleted")
                    .and_then(Value::as_bool)
                {
                    Some(true) => Ok(id.clone()),
                    _ => Err(err(ErrorKind::NotFound, "X did not delete it")),
                }
            }
            Act::Like => {
                let url = format!("{base}/2/users/{me}/likes");
                self.post(&url, &json!({ "tweet_id": id })).await?;
                Ok(id.clone())
            }
            Act::Unlike => {
                self.delete(&format!("{base}/2/users/{me}/likes/{id}"))
                    .await?;
                Ok(id.clone())
            }
            // Refused by `permit` (X has no report or spam call, §3).
            Act::Spam => Err(crate::networks::connector::unsupported(
                crate::model::Network::X,
                act.as_str(),
            )),
            Act::Mute | Act::Block => {
                let verb = if act == Act::Mute {
                    "muting"
                } else {
                    "blocking"
                };
                let url = format!("{base}/2/users/{me}/{verb}");
                self.post(&url, &json!({ "target_user_id": author }))
                    .await?;
                Ok(author.clone())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::body_text;

    #[test]
    fn leading_mentions_do_not_count() {
        assert_eq!(body_text("@a @b hello there "), "hello there");
        assert_eq!(body_text("hello @a"), "hello @a");
    }
}
