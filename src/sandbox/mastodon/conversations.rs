//! Direct conversations, as a Mastodon instance keeps them for its user:
//! one per thread and set of participants, created by the first direct
//! status between them, showing its last status. `GET
//! /api/v1/conversations` pages them by that last status's id (`max_id`,
//! `since_id`, `min_id`, `limit` 20 by default, 40 at most) with a `Link`
//! header; `POST /api/v1/conversations/:id/read` marks one read.
//! A deleted status leaves its conversation (which goes when empty), and
//! a blocked account's statuses are not shown.

use super::*;

impl Instance {
    /// The first status of `id`'s thread.
    fn root(&self, id: u64) -> u64 {
        let mut cur = id;
        while let Some(parent) = self.statuses.get(&cur).and_then(|s| s.in_reply_to_id) {
            if !self.statuses.contains_key(&parent) {
                break;
            }
            cur = parent;
        }
        cur
    }

    /// Files a direct status in our conversation with its participants
    /// (if it reaches us: ours, or mentioning us).
    pub(super) fn deliver(&mut self, id: u64) {
        let Some(status) = self.statuses.get(&id) else {
            return;
        };
        let ours = status.account.id == self.me.id;
        let to_us = status.mentions.iter().any(|m| m.id == self.me.id);
        if !ours && !to_us {
            return;
        }
        let mut participants: Vec<String> = std::iter::once(&status.account)
            .chain(status.mentions.iter())
            .filter(|a| a.id != self.me.id)
            .map(|a| a.id.clone())
            .collect();
        participants.sort();
        participants.dedup();
        let root = self.root(id);
        let found = self
            .conversations
            .iter()
            .position(|c| c.root == root && c.participants == participants);
        let index = match found {
            Some(i) => i,
            None => {
                let conversation = Conversation {
                    id: self.next_id(),
                    root,
                    participants,
                    statuses: Vec::new(),
                    unread: false,
                };
                self.conversations.push(conversation);
                self.conversations.len() - 1
            }
        };
        if let Some(c) = self.conversations.get_mut(index) {
            c.statuses.push(id);
            c.unread = !ours;
        }
    }

    /// The conversation's last status we can see.
    fn last_status(&self, c: &Conversation) -> Option<&Status> {
        c.statuses
            .iter()
            .filter_map(|id| self.statuses.get(id))
            .filter(|s| !self.blocks.contains(&s.account.id))
            .max_by_key(|s| s.id)
    }

    fn conversation_json(&self, c: &Conversation) -> Value {
        let accounts: Vec<Value> = c
            .participants
            .iter()
            .filter_map(|id| self.account_by_id(id))
            .map(|a| a.json(&self.host))
            .collect();
        json!({
            "id": c.id.to_string(),
            "unread": c.unread,
            "accounts": accounts,
            "last_status": self.last_status(c).map(|s| s.json(self)),
        })
    }
}

pub(super) async fn list(
    State(app): State<Mastodon>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    if let Err(resp) = gate(&app, &headers).await {
        return resp;
    }
    let q = pairs(raw);
    let get = |k: &str| {
        q.iter()
            .find(|(key, _)| key == k)
            .and_then(|(_, v)| v.parse::<u64>().ok())
    };
    let limit = get("limit").unwrap_or(20).clamp(1, 40) as usize;
    let (body, link) = {
        let st = app.lock();
        let mut visible: Vec<(u64, &Conversation)> = st
            .conversations
            .iter()
            .filter_map(|c| st.last_status(c).map(|s| (s.id, c)))
            .filter(|(last, _)| get("max_id").is_none_or(|m| *last < m))
            .filter(|(last, _)| get("since_id").is_none_or(|m| *last > m))
            .filter(|(last, _)| get("min_id").is_none_or(|m| *last > m))
            .collect();
        visible.sort_by_key(|(last, _)| std::cmp::Reverse(*last));
        // min_id pages forward: the window just above it, newest first.
        let page: Vec<(u64, &Conversation)> = if get("min_id").is_some() {
            let start = visible.len().saturating_sub(limit);
            visible[start..].to_vec()
        } else {
            visible.into_iter().take(limit).collect()
        };
        let body: Vec<Value> = page.iter().map(|(_, c)| st.conversation_json(c)).collect();
        let host = headers
            .get("host")
            .and_then(|h| h.to_str().ok())
            .unwrap_or("127.0.0.1");
        let base = format!("http://{host}/mastodon/api/v1/conversations?limit={limit}");
        let link = match (page.last(), page.first()) {
            (Some((oldest, _)), Some((newest, _))) => Some(format!(
                "<{base}&max_id={oldest}>; rel=\"next\", <{base}&min_id={newest}>; rel=\"prev\""
            )),
            _ => None,
        };
        (Value::Array(body), link)
    };
    ok(&app, body, link.map(|l| ("link", l)))
}

pub(super) async fn read(
    State(app): State<Mastodon>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(resp) = gate(&app, &headers).await {
        return resp;
    }
    let body = {
        let mut st = app.lock();
        let found = st
            .conversations
            .iter_mut()
            .find(|c| c.id.to_string() == id)
            .map(|c| {
                c.unread = false;
                c.clone()
            });
        match found {
            Some(c) => st.conversation_json(&c),
            None => return error(StatusCode::NOT_FOUND, "Record not found"),
        }
    };
    ok(&app, body, None)
}
