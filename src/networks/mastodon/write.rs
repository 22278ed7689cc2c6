//! Writing (`reference/networks.md` §8): replies with an
//! `Idempotency-Key` (public, or `direct` to everyone in a DM, each
//! `@acct` mentioned so it reaches them), the context lookup that finds a
//! reply already posted, and the textless actions: favourite and
//! unfavourite, block and mute the author, delete one of our statuses;
//! reports (`POST /api/v1/reports`), spam being the `spam` category.
//! Mastodon has no hide.

use serde_json::{Value, json};

use super::MastodonConnector;
use super::wire::{Status, without_leading_mentions};
use crate::model::{Item, Kind, Network};
use crate::networks::connector::{Act, unsupported};
use crate::networks::error::{ConnectorError, ErrorKind};
use crate::networks::report::{Report, ReportReason};
use crate::text::html_to_text;

fn bad_payload(what: &str) -> ConnectorError {
    ConnectorError::new(Network::Mastodon, ErrorKind::BadPayload, what.to_string())
}

fn id_of(body: &Value, what: &str) -> Result<String, ConnectorError> {
    body.get("id")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| bad_payload(&format!("{what} has no id")))
}

/// `text` names `handle` as a word of its own (`@bo` is not in `@bob`).
fn mentions(text: &str, handle: &str) -> bool {
    text.split_whitespace()
        .any(|w| w.trim_end_matches(|c: char| c.is_ascii_punctuation()) == handle)
}

/// `text` starting with each `@acct` it does not already mention.
fn addressed(handles: &[String], text: &str) -> String {
    let missing: Vec<&str> = handles
        .iter()
        .map(String::as_str)
        .filter(|h| h.len() > 1 && !mentions(text, h))
        .collect();
    if missing.is_empty() {
        text.to_string()
    } else {
        format!("{} {text}", missing.join(" "))
    }
}

impl MastodonConnector {
    /// One status, read as an item (`GET /api/v1/statuses/:id`): what a
    /// DM reply needs to know who to address, and how the app can store
    /// a status of ours it just posted.
    pub async fn status(&self, id: &str) -> Result<Item, ConnectorError> {
        let url = format!("{}/api/v1/statuses/{id}", self.base);
        let answer = self.get(&url).await?;
        let status: Status = serde_json::from_value(answer.body)
            .map_err(|e| bad_payload(&format!("unreadable status: {e}")))?;
        Ok(self.item(None, status))
    }

    /// Who a reply to `item` must mention: its author, and for a DM
    /// everyone else in it (read from the status, which names them).
    async fn recipients(&self, item: &Item) -> Result<Vec<String>, ConnectorError> {
        let mut handles = Vec::new();
        if !item.remote.from_us {
            handles.push(item.remote.author.handle.clone());
        }
        if item.remote.kind == Kind::DirectMessage {
            let url = format!("{}/api/v1/statuses/{}", self.base, item.remote.native_id);
            let answer = self.get(&url).await?;
            let status: Status = serde_json::from_value(answer.body)
                .map_err(|e| bad_payload(&format!("unreadable status: {e}")))?;
            for (_, acct) in self.others(&status) {
                let handle = format!("@{acct}");
                if !handles.contains(&handle) {
                    handles.push(handle);
                }
            }
        }
        Ok(handles)
    }

    pub(super) async fn post_reply(
        &self,
        item: &Item,
        text: &str,
        idempotency_key: &str,
    ) -> Result<String, ConnectorError> {
        let direct = item.remote.kind == Kind::DirectMessage;
        let handles = self.recipients(item).await?;
        let body = json!({
            "status": addressed(&handles, text),
            "in_reply_to_id": item.remote.native_id,
            "visibility": if direct { "direct" } else { "public" },
        });
        let url = format!("{}/api/v1/statuses", self.base);
        let answer = self.post(&url, &body, Some(idempotency_key)).await?;
        id_of(&answer.body, "the new status")
    }

    /// Our reply to `item` with this text among its replies (public or
    /// direct: the context shows both to us). Compared without the
    /// leading mentions, which the instance renders as `@user`.
    pub(super) async fn find_posted(
        &self,
        item: &Item,
        text: &str,
    ) -> Result<Option<String>, ConnectorError> {
        let url = format!(
            "{}/api/v1/statuses/{}/context",
            self.base, item.remote.native_id
        );
        let answer = self.get(&url).await?;
        let wanted = without_leading_mentions(text);
        let found = answer
            .body
            .get("descendants")
            .and_then(Value::as_array)
            .and_then(|list| {
                list.iter().find_map(|s| {
                    let status: Status = serde_json::from_value(s.clone()).ok()?;
                    let posted = html_to_text(&status.content);
                    let same = without_leading_mentions(&posted) == wanted;
                    let under = status.in_reply_to_id.as_deref() == Some(&item.remote.native_id);
                    (self.is_us(&status.account.acct) && under && same).then_some(status.id)
                })
            });
        Ok(found)
    }

    pub(super) async fn act_on(&self, item: &Item, act: Act) -> Result<String, ConnectorError> {
        let base = &self.base;
        let status = &item.remote.native_id;
        match act {
            Act::Like | Act::Unlike => {
                let verb = if act == Act::Like {
                    "favourite"
                } else {
                    "unfavourite"
                };
                let url = format!("{base}/api/v1/statuses/{status}/{verb}");
                let answer = self.post(&url, &json!({}), None).await?;
                id_of(&answer.body, "the favourited status")
            }
            Act::Block | Act::Mute => {
                let author = &item.remote.author.id;
                if item.remote.from_us || author.is_empty() {
                    return Err(ConnectorError::new(
                        Network::Mastodon,
                        ErrorKind::Rejected,
                        format!("cannot {} our own account", act.as_str()),
                    ));
                }
                let (verb, body) = if act == Act::Block {
                    ("block", json!({}))
                } else {
                    // Notifications too (the default), for good.
                    ("mute", json!({ "notifications": true, "duration": 0 }))
                };
                let url = format!("{base}/api/v1/accounts/{author}/{verb}");
                let answer = self.post(&url, &body, None).await?;
                // A Relationship: its id is the account's.
                id_of(&answer.body, "the relationship")
            }
            // Mastodon deletes only our own statuses (another's answers
            // 404, which the outbox would read as already deleted).
            Act::Delete if item.remote.from_us => {
                let url = format!("{base}/api/v1/statuses/{status}");
                let answer = self.delete(&url).await?;
                id_of(&answer.body, "the deleted status")
            }
            Act::Delete => Err(ConnectorError::new(
                Network::Mastodon,
                ErrorKind::Rejected,
                "Mastodon deletes only our own statuses",
            )),
            // §8: spam is a report in the `spam` category.
            Act::Spam => {
                self.file_report(item, &Report::new(ReportReason::Spam, ""))
                    .await
            }
            Act::Hide | Act::Unhide => Err(unsupported(Network::Mastodon, act.as_str())),
        }
    }

    /// `POST /api/v1/reports` (§8): the author's account, the status (a
    /// DM's too), the category and the comment for the instance's
    /// moderators. Returns the report's id.
    pub(super) async fn file_report(
        &self,
        item: &Item,
        report: &Report,
    ) -> Result<String, ConnectorError> {
        report
            .check(Network::Mastodon)
            .map_err(|why| ConnectorError::new(Network::Mastodon, ErrorKind::Rejected, why))?;
        let author = &item.remote.author.id;
        if item.remote.from_us || author.is_empty() {
            return Err(ConnectorError::new(
                Network::Mastodon,
                ErrorKind::Rejected,
                "cannot report our own account",
            ));
        }
        let mut body = json!({
            "account_id": author,
            "status_ids": [item.remote.native_id],
            "category": report.reason.as_str(),
        });
        if !report.comment.is_empty() {
            body["comment"] = Value::String(report.comment.clone());
        }
        let url = format!("{}/api/v1/reports", self.base);
        let answer = self.post(&url, &body, None).await?;
        id_of(&answer.body, "the report")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_start_with_the_missing_mentions() {
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            addressed(&h(&["@ana@m.social", "@bo"]), "Bonjour"),
            "@ana@m.social @bo Bonjour"
        );
        assert_eq!(addressed(&h(&["@bo"]), "@bo merci"), "@bo merci");
        assert_eq!(addressed(&[], "merci"), "merci");
        assert_eq!(addressed(&h(&["@bo"]), "@bob, @bo."), "@bob, @bo.");
        assert_eq!(addressed(&h(&["@bo"]), "@bob merci"), "@bo @bob merci");
        assert_eq!(
            without_leading_mentions("@ana @bo@x.y  Bonjour à vous "),
            "Bonjour à vous"
        );
    }
}
