//! Bluesky DMs (`reference/networks.md` §9, "Direct messages"): the
//! `chat.bsky.convo.*` calls, sent to the account's PDS with the header
//! `atproto-proxy: did:web:api.bsky.chat#bsky_chat`.
//!
//! A pass pages `listConvos` (most recent activity first) and, in every
//! convo whose `lastMessage` is newer than the DM cursor, `getMessages`
//! (newest first, the reading networks.md marks UNCONFIRMED) down to that
//! cursor. Messages from others become [`Kind::DirectMessage`] items with
//! the convo id as thread; ours, deleted and system messages are not items.
//! The DM cursor is the newest `sentAt` read. An app password without DM
//! access (`InvalidToken` "Bad token scope") skips DMs with a warning
//! rather than failing the notifications.
//!
//! Replying to a DM is a `sendMessage` in its convo; [`find_reply`] looks
//! for our message with the same text in the convo's latest page.
//!
//! [`find_reply`]: crate::networks::connector::Connector::find_reply

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

use super::session::Call;
use super::{BlueskyConnector, MAX_PAGES, PAGE, Profile, err, parse_time};
use crate::model::{Author, Engagement, Item, Kind, Moderation, Network, Remote};
use crate::networks::connector::Fetched;
use crate::networks::count::count_for;
use crate::networks::error::{ConnectorError, ErrorKind};

const MESSAGE_VIEW: &str = "chat.bsky.convo.defs#messageView";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MessageView {
    id: String,
    text: String,
    sender: Sender,
    sent_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize)]
struct Sender {
    did: String,
}

/// What one pass has read so far.
struct Pass<'a> {
    seen: Option<DateTime<Utc>>,
    depth: usize,
    own_did: &'a str,
    out: Fetched,
    newest: Option<(DateTime<Utc>, String)>,
}

impl Pass<'_> {
    fn saw(&mut self, at: DateTime<Utc>, raw: &str) {
        if self.newest.as_ref().is_none_or(|(t, _)| at > *t) {
            self.newest = Some((at, raw.to_string()));
        }
    }
}

impl BlueskyConnector {
    /// New DMs since `cursor` (a `sentAt`); `None` when the app password
    /// has no DM access.
    pub(super) async fn fetch_dms(
        &self,
        cursor: Option<&str>,
        depth: usize,
        own_did: &str,
    ) -> Result<Option<Fetched>, ConnectorError> {
        let mut pass = Pass {
            seen: cursor.and_then(parse_time),
            depth,
            own_did,
            out: Fetched::default(),
            newest: None,
        };
        let limit = PAGE.to_string();
        let mut page_cursor: Option<String> = None;
        'pages: for _ in 0..MAX_PAGES {
            let mut params = vec![("limit", limit.as_str())];
            if let Some(c) = &page_cursor {
                params.push(("cursor", c.as_str()));
            }
            let call = Call::get("chat.bsky.convo.listConvos", params).chat();
            let answer = match self.call(call).await {
                Err(e) if e.kind == ErrorKind::PermissionMissing => {
                    tracing::warn!(handle = %self.handle, error = %e, "bluesky: no DM access, DMs not read");
                    return Ok(None);
                }
                other => other?,
            };
            let Some(convos) = answer.body.get("convos").and_then(Value::as_array) else {
                return Err(err(ErrorKind::BadPayload, "listConvos: expected a list"));
            };
            for convo in convos {
                let last = convo.pointer("/lastMessage/sentAt").and_then(Value::as_str);
                let Some((raw, last)) = last.and_then(|s| parse_time(s).map(|t| (s, t))) else {
                    continue;
                };
                if pass.seen.is_some_and(|s| last <= s) {
                    break 'pages;
                }
                // Even when the depth limit leaves no room, the next pass
                // starts after the newest message, as for notifications.
                pass.saw(last, raw);
                let Some(id) = convo.get("id").and_then(Value::as_str) else {
                    tracing::warn!("bluesky convo without id skipped");
                    pass.out.skipped += 1;
                    continue;
                };
                let members: HashMap<String, Profile> = convo
                    .get("members")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|m| serde_json::from_value::<Profile>(m.clone()).ok())
                    .map(|p| (p.did.clone(), p))
                    .collect();
                self.read_convo(id, &members, &mut pass).await?;
                if pass.out.truncated {
                    break 'pages;
                }
            }
            match answer.body.get("cursor").and_then(Value::as_str) {
                Some(next) if !convos.is_empty() => page_cursor = Some(next.to_string()),
                _ => break,
            }
        }
        let mut out = pass.out;
        out.cursor = pass.newest.map(|(_, raw)| raw);
        Ok(Some(out))
    }

    /// The convo's messages newer than the pass's cursor.
    async fn read_convo(
        &self,
        convo: &str,
        members: &HashMap<String, Profile>,
        pass: &mut Pass<'_>,
    ) -> Result<(), ConnectorError> {
        let limit = PAGE.to_string();
        let mut page_cursor: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut params = vec![("convoId", convo), ("limit", limit.as_str())];
            if let Some(c) = &page_cursor {
                params.push(("cursor", c.as_str()));
            }
            let call = Call::get("chat.bsky.convo.getMessages", params).chat();
            let answer = self.call(call).await?;
            let Some(messages) = answer.body.get("messages").and_then(Value::as_array) else {
                return Err(err(ErrorKind::BadPayload, "getMessages: expected a list"));
            };
            let mut reached_seen = false;
            for m in messages {
                let raw = m.get("sentAt").and_then(Value::as_str);
                let Some((raw, at)) = raw.and_then(|s| parse_time(s).map(|t| (s, t))) else {
                    tracing::warn!(convo, "bluesky message without sentAt skipped");
                    pass.out.skipped += 1;
                    continue;
                };
                if pass.seen.is_some_and(|s| at <= s) {
                    reached_seen = true;
                    continue;
                }
                if pass.seen.is_none() && pass.out.items.len() >= pass.depth {
                    pass.out.truncated = true;
                    return Ok(());
                }
                pass.saw(at, raw);
                let kind = m.get("$type").and_then(Value::as_str);
                if kind.is_some_and(|k| k != MESSAGE_VIEW) {
                    continue; // deleted or system message
                }
                match serde_json::from_value::<MessageView>(m.clone()) {
                    Ok(msg) if msg.sender.did == pass.own_did => {}
                    Ok(msg) => pass.out.items.push(self.dm_item(convo, msg, members)),
                    Err(e) => {
                        let shown: String = m.to_string().chars().take(500).collect();
                        tracing::warn!(error = %e, payload = %shown, "unreadable bluesky message skipped");
                        pass.out.skipped += 1;
                    }
                }
            }
            match answer.body.get("cursor").and_then(Value::as_str) {
                Some(next) if !reached_seen && !messages.is_empty() => {
                    page_cursor = Some(next.to_string());
                }
                _ => return Ok(()),
            }
        }
        pass.out.truncated = true;
        Ok(())
    }

    fn dm_item(&self, convo: &str, msg: MessageView, members: &HashMap<String, Profile>) -> Item {
        let who = members.get(&msg.sender.did);
        let handle = who.map_or(msg.sender.did.as_str(), |p| p.handle.as_str());
        Item::new(Remote {
            network: Network::Bluesky,
            account: self.handle.clone(),
            thread_id: Some(convo.to_string()),
            parent_id: None,
            post: None,
            author: Author {
                id: msg.sender.did.clone(),
                handle: format!("@{handle}"),
                display_name: who.and_then(|p| p.display_name.clone()).unwrap_or_default(),
                profile_url: Some(format!("https://bsky.app/profile/{handle}")),
                followers: None,
            },
            text: msg.text,
            lang: None,
            created_at: msg.sent_at,
            permalink: Some(format!("https://bsky.app/messages/{convo}")),
            engagement: Engagement::default(),
            native_id: msg.id,
            kind: Kind::DirectMessage,
            from_us: false,
            moderation: Moderation::default(),
        })
    }

    fn convo_of(item: &Item) -> Result<&str, ConnectorError> {
        item.remote
            .thread_id
            .as_deref()
            .ok_or_else(|| err(ErrorKind::Rejected, "this DM has no conversation id"))
    }

    /// Our answer in the item's convo; returns the new message's id.
    pub(super) async fn send_message(
        &self,
        item: &Item,
        text: &str,
    ) -> Result<String, ConnectorError> {
        let counted = count_for(Network::Bluesky, Kind::DirectMessage, text);
        if !counted.fits() {
            let why = counted.problem().unwrap_or_else(|| "too long".to_string());
            return Err(err(ErrorKind::Rejected, why));
        }
        let convo = Self::convo_of(item)?;
        let mut message = json!({ "text": text });
        let facets = self.facets(text).await?;
        if !facets.is_empty() {
            message["facets"] = Value::Array(facets);
        }
        let body = json!({ "convoId": convo, "message": message });
        let answer = self
            .call(Call::post("chat.bsky.convo.sendMessage", body).chat())
            .await?;
        answer
            .body
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| err(ErrorKind::BadPayload, "the sent message has no id"))
    }

    /// Our message with this text in the convo's latest page, sent after
    /// the item.
    pub(super) async fn find_message(
        &self,
        item: &Item,
        text: &str,
    ) -> Result<Option<String>, ConnectorError> {
        let did = self.open().await?.did;
        let convo = Self::convo_of(item)?;
        let limit = PAGE.to_string();
        let params = vec![("convoId", convo), ("limit", limit.as_str())];
        let answer = self
            .call(Call::get("chat.bsky.convo.getMessages", params).chat())
            .await?;
        let messages = answer.body.get("messages").and_then(Value::as_array);
        let found = messages.into_iter().flatten().find_map(|m| {
            let msg: MessageView = serde_json::from_value(m.clone()).ok()?;
            let ours = msg.sender.did == did && msg.sent_at >= item.remote.created_at;
            (ours && msg.text.trim() == text.trim()).then_some(msg.id)
        });
        Ok(found)
    }
}
