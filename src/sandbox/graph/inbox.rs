//! The Messenger-style inbox the Facebook and Instagram replicas share
//! (`reference/networks.md` §1 "Messenger", §2 "Instagram Messaging"):
//! `/{page-id}/conversations?platform=…` with messages inlined,
//! `/{conversation-id}/messages`, and the Send API `POST /{page-id}/messages`
//! with its rules: 24 h after the person's last message for a `RESPONSE`,
//! 7 days with `MESSAGE_TAG` + `HUMAN_AGENT`, one private reply per comment.

use std::collections::HashSet;

use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use super::{Params, error, graph_time, page};

/// Someone in a conversation: Facebook shows `name`, Instagram `username`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct Message {
    pub id: String,
    pub from: Party,
    pub to: Party,
    pub text: String,
    pub created: DateTime<Utc>,
    /// A message in a shape clients must survive (malformed-item tests).
    pub raw: Option<Value>,
}

#[derive(Debug, Clone)]
pub struct Conversation {
    pub id: String,
    pub with: Party,
    pub messages: Vec<Message>,
}

/// What the brand sent through the Send API, as the network received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub recipient: Value,
    pub messaging_type: String,
    pub tag: Option<String>,
    pub text: String,
    pub message_id: String,
}

/// A comment a private reply may answer: its author and time.
#[derive(Debug, Clone)]
pub struct Commenter {
    pub author: Party,
    pub created: DateTime<Utc>,
}

#[derive(Debug)]
pub struct Inbox {
    pub me: Party,
    pub instagram: bool,
    pub conversations: Vec<Conversation>,
    pub sent: Vec<Sent>,
    private_replied: HashSet<String>,
    /// Messenger moderation per PSID (`moderate.rs`).
    pub(super) moderated: std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
    next: u64,
}

impl Inbox {
    pub fn new(me: Party, instagram: bool) -> Inbox {
        Inbox {
            me,
            instagram,
            conversations: Vec::new(),
            sent: Vec::new(),
            private_replied: HashSet::new(),
            moderated: Default::default(),
            next: 9_000_000,
        }
    }

    pub fn message_id(&mut self) -> String {
        self.next += 1;
        if self.instagram {
            format!("aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQx{}", self.next)
        } else {
            format!("m_sandbox{}", self.next)
        }
    }

    fn conversation_id(&mut self) -> String {
        self.next += 1;
        if self.instagram {
            format!("aWdfZAGQZDsandbox{}", self.next)
        } else {
            format!("t_{}", 10_000_000_000_000_000 + self.next)
        }
    }

    fn party(&self, p: &Party) -> Value {
        if self.instagram {
            json!({ "id": p.id, "username": p.name })
        } else {
            json!({ "id": p.id, "name": p.name, "email": format!("{}@facebook.com", p.id) })
        }
    }

    fn message_json(&self, m: &Message) -> Value {
        m.raw.clone().unwrap_or_else(|| {
            json!({
                "id": m.id, "created_time": graph_time(m.created),
                "from": self.party(&m.from), "to": { "data": [self.party(&m.to)] },
                "message": m.text,
            })
        })
    }

    fn newest_messages(&self, c: &Conversation) -> Vec<Value> {
        let mut ms: Vec<&Message> = c.messages.iter().collect();
        ms.sort_by_key(|m| std::cmp::Reverse(m.created));
        ms.into_iter().map(|m| self.message_json(m)).collect()
    }

    fn updated(c: &Conversation) -> DateTime<Utc> {
        c.messages
            .iter()
            .map(|m| m.created)
            .max()
            .unwrap_or_default()
    }

    /// `GET /{page-id}/conversations`, most recently updated first, with
    /// `per` messages inlined (the `messages.limit(N)` asked, capped).
    pub fn conversations(
        &self,
        p: &Params,
        limit: usize,
        per: usize,
        root: &str,
        q: &[(String, String)],
    ) -> Value {
        let fields = p.str("fields").unwrap_or_default();
        let folder = p.str("folder");
        let mut convs: Vec<&Conversation> = self
            .conversations
            .iter()
            .filter(|c| self.in_folder(c, folder.as_deref()))
            .collect();
        convs.sort_by_key(|c| std::cmp::Reverse(Inbox::updated(c)));
        let all: Vec<Value> = convs
            .iter()
            .map(|c| {
                let mut v = json!({
                    "id": c.id, "updated_time": graph_time(Inbox::updated(c)),
                    "message_count": c.messages.len(), "unread_count": 0, "can_reply": true,
                    "participants": { "data": [self.party(&c.with), self.party(&self.me)] },
                });
                if fields.contains("messages") {
                    let q = [
                        (
                            "fields".to_string(),
                            "id,created_time,from,to,message".to_string(),
                        ),
                        ("limit".to_string(), per.to_string()),
                    ];
                    let url = format!("{root}/{}/messages", c.id);
                    v["messages"] = page(self.newest_messages(c), None, per, &url, &q);
                }
                v
            })
            .collect();
        page(
            all,
            p.str("after").as_deref(),
            limit,
            &format!("{root}/{}/conversations", self.me.id),
            q,
        )
    }

    /// `GET /{conversation-id}/messages`, newest first; `None`: no such conversation.
    pub fn messages(
        &self,
        id: &str,
        p: &Params,
        limit: usize,
        root: &str,
        q: &[(String, String)],
    ) -> Option<Value> {
        let c = self.conversations.iter().find(|c| c.id == id)?;
        Some(page(
            self.newest_messages(c),
            p.str("after").as_deref(),
            limit,
            &format!("{root}/{id}/messages"),
            q,
        ))
    }

    /// `POST /{page-id}/messages`. `comment` finds a comment for a private reply.
    #[allow(clippy::result_large_err)] // the error is the finished HTTP answer
    pub fn send(
        &mut self,
        p: &Params,
        comment: impl Fn(&str) -> Option<Commenter>,
    ) -> Result<Value, Response> {
        let bad = |msg: &str| error(StatusCode::BAD_REQUEST, 100, None, msg);
        let recipient = p
            .json("recipient")
            .ok_or_else(|| bad("(#100) param recipient must be non-empty."))?;
        let text = p
            .json("message")
            .and_then(|m| m.get("text").and_then(Value::as_str).map(str::to_string))
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| {
                bad("(#100) Message cannot be empty, must provide valid attachment or text")
            })?;
        let kind = p.str("messaging_type").unwrap_or_else(|| "RESPONSE".into());
        let tag = p.str("tag");
        let now = Utc::now();
        let closed = || {
            error(
                StatusCode::BAD_REQUEST,
                551,
                Some(2_018_109),
                "(#551) This person isn't available right now.",
            )
        };
        let (to, conversation) =
            if let Some(cid) = recipient.get("comment_id").and_then(Value::as_str) {
                let c = comment(cid).ok_or_else(|| super::not_found(cid))?;
                if now - c.created > Duration::days(7) {
                    return Err(closed());
                }
                if !self.private_replied.insert(cid.to_string()) {
                    return Err(error(
                        StatusCode::BAD_REQUEST,
                        10_903,
                        None,
                        "This comment has already been replied to privately.",
                    ));
                }
                let existing = self
                    .conversations
                    .iter()
                    .position(|x| x.with.id == c.author.id);
                (c.author, existing)
            } else {
                let id = recipient
                    .get("id")
                    .and_then(Value::as_str)
                    .ok_or_else(|| bad("(#100) No matching user found"))?;
                let at = self
                    .conversations
                    .iter()
                    .position(|c| c.with.id == id)
                    .ok_or_else(|| bad("(#100) No matching user found"))?;
                let last = self.conversations[at]
                    .messages
                    .iter()
                    .filter(|m| m.from.id == id)
                    .map(|m| m.created)
                    .max()
                    .unwrap_or_default();
                let age = now - last;
                let allowed = match (kind.as_str(), tag.as_deref()) {
                    ("RESPONSE", _) => age <= Duration::hours(24),
                    ("MESSAGE_TAG", Some("HUMAN_AGENT")) => age <= Duration::days(7),
                    _ => false,
                };
                if !allowed {
                    return Err(closed());
                }
                (self.conversations[at].with.clone(), Some(at))
            };
        let message_id = self.message_id();
        let at = match conversation {
            Some(at) => at,
            None => {
                let id = self.conversation_id();
                self.conversations.push(Conversation {
                    id,
                    with: to.clone(),
                    messages: Vec::new(),
                });
                self.conversations.len() - 1
            }
        };
        let me = self.me.clone();
        if let Some(c) = self.conversations.get_mut(at) {
            c.messages.push(Message {
                id: message_id.clone(),
                from: me,
                to: to.clone(),
                text: text.clone(),
                created: now,
                raw: None,
            });
        }
        self.sent.push(Sent {
            recipient,
            messaging_type: kind,
            tag,
            text,
            message_id: message_id.clone(),
        });
        Ok(json!({ "recipient_id": to.id, "message_id": message_id }))
    }

    /// A message from `from` in their conversation (created if new).
    pub fn receive(
        &mut self,
        conversation: Option<&str>,
        from: Party,
        text: &str,
        at: DateTime<Utc>,
        id: Option<String>,
    ) -> String {
        let id = id.unwrap_or_else(|| self.message_id());
        let me = self.me.clone();
        let ours = from.id == me.id;
        let pos = match conversation {
            Some(cid) => self.conversations.iter().position(|c| c.id == cid),
            None => self.conversations.iter().position(|c| c.with.id == from.id),
        };
        let at_conv = match pos {
            Some(p) => p,
            None => {
                let cid = conversation.map_or_else(|| self.conversation_id(), str::to_string);
                let with = if ours {
                    Party {
                        id: "0".into(),
                        name: "unknown".into(),
                    }
                } else {
                    from.clone()
                };
                self.conversations.push(Conversation {
                    id: cid,
                    with,
                    messages: Vec::new(),
                });
                self.conversations.len() - 1
            }
        };
        if let Some(c) = self.conversations.get_mut(at_conv) {
            if !ours && c.with.id == "0" {
                c.with = from.clone();
            }
            let to = if ours { c.with.clone() } else { me };
            c.messages.push(Message {
                id: id.clone(),
                from,
                to,
                text: text.to_string(),
                created: at,
                raw: None,
            });
        }
        id
    }

    /// A message in an arbitrary JSON shape, in the conversation with `with`.
    pub fn raw(&mut self, with: &str, value: Value) {
        let now = Utc::now();
        if let Some(c) = self.conversations.iter_mut().find(|c| c.with.id == with) {
            let (from, to) = (c.with.clone(), c.with.clone());
            c.messages.push(Message {
                id: String::new(),
                from,
                to,
                text: String::new(),
                created: now,
                raw: Some(value),
            });
        }
    }
}
