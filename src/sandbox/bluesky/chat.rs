//! The sandbox's chat service (`chat.bsky.convo.*`, `reference/networks.md`
//! §9 "Direct messages"), reached through the PDS: every route needs the
//! session's access token and the header `atproto-proxy:
//! did:web:api.bsky.chat#bsky_chat` (a 400 `InvalidRequest` without it, as
//! the PDS answers a method it has no service for). `listConvos` (most
//! recent activity first) and `getMessages` (newest first) page by `rev`
//! cursors; `sendMessage` checks 1000 graphemes / 10000 bytes and answers
//! the `#messageView`. Also the control methods for DMs.

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use unicode_segmentation::UnicodeSegmentation;

use super::{
    Auth, Bluesky, CHAT_PROXY, Convo, Message, Pds, Profile, bearer, error, gate, invalid, iso,
    limit, ok, pairs, param, tid,
};

const MESSAGE_VIEW: &str = "chat.bsky.convo.defs#messageView";

/// The proxy header check the PDS does before forwarding to the chat service.
/// Faults and the token, then the proxy header the PDS needs to forward,
/// then the app password's DM access.
async fn enter(app: &Bluesky, headers: &HeaderMap, nsid: &str) -> Result<(), Response> {
    gate(app, headers, Auth::Access).await?;
    let proxy = headers.get("atproto-proxy").and_then(|v| v.to_str().ok());
    if proxy != Some(CHAT_PROXY) {
        return Err(invalid(&format!("No service configured for {nsid}")));
    }
    let token = bearer(headers).unwrap_or_default();
    if app.lock().no_dm.contains(token) {
        return Err(error(401, "InvalidToken", "Bad token scope"));
    }
    Ok(())
}

fn invalid_convo() -> Response {
    error(400, "InvalidConvo", "Convo not found")
}

impl Pds {
    /// A unique, increasing `sentAt` no earlier than `at`.
    fn chat_stamp(&mut self, at: DateTime<Utc>) -> DateTime<Utc> {
        let t = at.max(self.last_sent + Duration::milliseconds(1));
        self.last_sent = t;
        t
    }

    /// The direct convo with `other`, created if needed (with `id` if given).
    fn convo_with(&mut self, other: &Profile, id: Option<&str>) -> usize {
        let found = self.convos.iter().position(|c| {
            id.map_or_else(
                || c.members.iter().any(|m| m.did == other.did),
                |id| c.id == id,
            )
        });
        if let Some(i) = found {
            return i;
        }
        let n = self.tick();
        let id = id.map_or_else(|| tid(n), str::to_string);
        self.convos.push(Convo {
            id,
            rev: tid(n),
            members: vec![self.me.clone(), other.clone()],
            messages: Vec::new(),
        });
        self.convos.len() - 1
    }

    /// Adds a message view to convo `i`; returns its id.
    fn push_message(
        &mut self,
        i: usize,
        sender: &str,
        text: &str,
        at: DateTime<Utc>,
        id: Option<&str>,
    ) -> String {
        let n = self.tick();
        let rev = tid(n);
        let id = id.map_or_else(|| rev.clone(), str::to_string);
        let sent_at = self.chat_stamp(at);
        let value = json!({
            "$type": MESSAGE_VIEW, "id": id, "rev": rev, "text": text,
            "sender": { "did": sender }, "sentAt": iso(sent_at),
        });
        if let Some(convo) = self.convos.get_mut(i) {
            convo.rev.clone_from(&rev);
            convo.messages.push(Message { rev, value });
        }
        id
    }

    fn convo_view(&self, c: &Convo) -> Value {
        let members: Vec<Value> = c
            .members
            .iter()
            .map(|m| {
                let mut p = m.json();
                p["chatDisabled"] = json!(false);
                p
            })
            .collect();
        let last = c.messages.iter().max_by(|a, b| a.rev.cmp(&b.rev));
        let mut view = json!({
            "id": c.id, "rev": c.rev, "members": members, "muted": false,
            "status": "accepted", "unreadCount": 0, "kind": "direct",
        });
        if let Some(last) = last {
            view["lastMessage"] = last.value.clone();
        }
        view
    }

    /// Seeds a demo DM: the convo is the item's thread, the id its own.
    pub(super) fn seed_dm(&mut self, item: &crate::model::Item) {
        let r = &item.remote;
        let Some(convo) = r.thread_id.as_deref() else {
            return;
        };
        let i = match self.convos.iter().position(|c| c.id == convo) {
            Some(i) => i,
            None if r.from_us => return,
            None => {
                let did = Some(r.author.id.as_str()).filter(|d| d.starts_with("did:"));
                let other = self.profile(&r.author.handle, did, &r.author.display_name);
                self.convo_with(&other, Some(convo))
            }
        };
        let sender = if r.from_us {
            self.me.did.clone()
        } else {
            r.author.id.clone()
        };
        self.push_message(i, &sender, &r.text, r.created_at, Some(&r.native_id));
    }
}

pub(super) async fn list_convos(
    State(app): State<Bluesky>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    if let Err(resp) = enter(&app, &headers, "chat.bsky.convo.listConvos").await {
        return resp;
    }
    let q = pairs(raw);
    let limit = match limit(&q) {
        Ok(l) => l,
        Err(m) => return invalid(&m),
    };
    let before = param(&q, "cursor");
    let body = {
        let st = app.lock();
        let mut convos: Vec<&Convo> = st
            .convos
            .iter()
            .filter(|c| before.is_none_or(|b| c.rev.as_str() < b))
            .collect();
        convos.sort_by(|a, b| b.rev.cmp(&a.rev));
        let more = convos.len() > limit;
        convos.truncate(limit);
        let list: Vec<Value> = convos.iter().map(|c| st.convo_view(c)).collect();
        let mut body = json!({ "convos": list });
        if let Some(last) = convos.last().filter(|_| more) {
            body["cursor"] = json!(last.rev);
        }
        body
    };
    ok(&app, body)
}

pub(super) async fn get_messages(
    State(app): State<Bluesky>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    if let Err(resp) = enter(&app, &headers, "chat.bsky.convo.getMessages").await {
        return resp;
    }
    let q = pairs(raw);
    let limit = match limit(&q) {
        Ok(l) => l,
        Err(m) => return invalid(&m),
    };
    let Some(id) = param(&q, "convoId") else {
        return invalid("Params must have the property \"convoId\"");
    };
    let before = param(&q, "cursor");
    let body = {
        let st = app.lock();
        let Some(convo) = st.convos.iter().find(|c| c.id == id) else {
            return invalid_convo();
        };
        let mut messages: Vec<&Message> = convo
            .messages
            .iter()
            .filter(|m| before.is_none_or(|b| m.rev.as_str() < b))
            .collect();
        messages.sort_by(|a, b| b.rev.cmp(&a.rev));
        let more = messages.len() > limit;
        messages.truncate(limit);
        let list: Vec<Value> = messages.iter().map(|m| m.value.clone()).collect();
        let mut body = json!({ "messages": list });
        if let Some(last) = messages.last().filter(|_| more) {
            body["cursor"] = json!(last.rev);
        }
        body
    };
    ok(&app, body)
}

pub(super) async fn send_message(
    State(app): State<Bluesky>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if let Err(resp) = enter(&app, &headers, "chat.bsky.convo.sendMessage").await {
        return resp;
    }
    let Ok(input) = serde_json::from_slice::<Value>(&body) else {
        return invalid("Input must be JSON");
    };
    let convo = input.get("convoId").and_then(Value::as_str);
    let text = input.pointer("/message/text").and_then(Value::as_str);
    let (Some(convo), Some(text)) = (convo, text) else {
        return invalid("Input must have the properties \"convoId\" and \"message.text\"");
    };
    if text.graphemes(true).count() > 1000 || text.len() > 10_000 {
        return invalid("Invalid message: text must not be longer than 1000 graphemes");
    }
    let body = {
        let mut st = app.lock();
        let Some(i) = st.convos.iter().position(|c| c.id == convo) else {
            return invalid_convo();
        };
        let me = st.me.did.clone();
        let id = st.push_message(i, &me, text, Utc::now(), None);
        let mut view = st.convos[i]
            .messages
            .iter()
            .find(|m| m.value.get("id").and_then(Value::as_str) == Some(id.as_str()))
            .map(|m| m.value.clone())
            .unwrap_or(Value::Null);
        if let Some(facets) = input.pointer("/message/facets") {
            view["facets"] = facets.clone();
        }
        if let Some(m) = st.convos[i].messages.last_mut() {
            m.value = view.clone();
        }
        view
    };
    ok(&app, body)
}

impl Bluesky {
    /// A new DM from `handle` (a convo is opened if needed); returns
    /// (convo id, message id).
    pub fn dm(&self, handle: &str, text: &str) -> (String, String) {
        let mut st = self.lock();
        let name = handle.split('.').next().unwrap_or(handle);
        let other = st.profile(handle, None, name);
        let i = st.convo_with(&other, None);
        let id = st.push_message(i, &other.did, text, Utc::now(), None);
        let convo = st.convos.get(i).map(|c| c.id.clone()).unwrap_or_default();
        (convo, id)
    }

    /// A message in an arbitrary JSON shape in convo `convo` (malformed-
    /// payload tests); it sorts as the newest.
    pub fn raw_message(&self, convo: &str, value: Value) {
        let mut st = self.lock();
        let n = st.tick();
        if let Some(c) = st.convos.iter_mut().find(|c| c.id == convo) {
            c.rev = tid(n);
            c.messages.push(Message { rev: tid(n), value });
        }
    }

    /// A convo's messages, oldest first, as the service returns them.
    pub fn messages(&self, convo: &str) -> Vec<Value> {
        let st = self.lock();
        let Some(c) = st.convos.iter().find(|c| c.id == convo) else {
            return Vec::new();
        };
        let mut list: Vec<&Message> = c.messages.iter().collect();
        list.sort_by(|a, b| a.rev.cmp(&b.rev));
        list.into_iter().map(|m| m.value.clone()).collect()
    }

    /// The ids of every convo, most recent activity first.
    pub fn convos(&self) -> Vec<String> {
        let st = self.lock();
        let mut list: Vec<&Convo> = st.convos.iter().collect();
        list.sort_by(|a, b| b.rev.cmp(&a.rev));
        list.into_iter().map(|c| c.id.clone()).collect()
    }
}
