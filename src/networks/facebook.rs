//! Facebook Pages connector (`reference/networks.md` §1): comments and
//! replies under the Page's posts, and Messenger conversations, through the
//! Graph API with a Page access token.
//!
//! Reading: `/{page-id}/published_posts` (newest first), then each post's
//! `/{post-id}/comments?filter=stream&order=reverse_chronological` (flat:
//! replies carry `parent`, so one edge per post brings both levels), then
//! `/{page-id}/conversations?platform=messenger` with messages inlined. A
//! first sync walks posts until `depth` items; later passes use the shared
//! `since` cursor (see `graph.rs`) on the [`WATCHED_POSTS`] newest posts.
//! A comment on an older post is not polled: Meta's `feed` webhook is the
//! way to hear of those (not built yet).
//!
//! Writing: reply (`POST /{comment-id}/comments`), private reply and
//! Messenger replies through the Send API (window checked first, with
//! `HUMAN_AGENT` when the account holds it), like/unlike
//! (`/{id}/likes`), hide/unhide (`is_hidden`), delete, block
//! (`/{page-id}/blocked`), and spam for Messenger conversations
//! (`/{page-id}/moderate_conversations` with `MOVE_TO_SPAM`).

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::capabilities::Capability;
use super::connector::{Act, Connector, Fetched, unsupported};
use super::error::{ConnectorError, ErrorKind};
use super::graph::{self, Graph, Inbox, MAX_PAGES, Pass, str_of, time};
use crate::model::{Engagement, Item, Kind, Moderation, Network, PostRef, Remote};

/// Posts per page of `published_posts`.
const POSTS: usize = 25;
/// Comments per page of a post's comment stream.
const COMMENTS: usize = 100;
/// Posts whose comments an incremental pass reads again.
pub const WATCHED_POSTS: usize = 50;
const COMMENT_FIELDS: &str = "id,message,created_time,from,parent{id},is_hidden,like_count,comment_count,user_likes,permalink_url";

#[derive(Debug, Clone)]
pub struct FacebookConnector {
    /// The Page's name in item ids (`facebook:{account}:…`).
    account: String,
    page_id: String,
    human_agent: bool,
    graph: Graph,
}

impl FacebookConnector {
    /// Messenger moderation (§1): `POST /{page-id}/moderate_conversations`
    /// with `MOVE_TO_SPAM` for the person of a DM (the capability table
    /// keeps comments out). Returns their PSID.
    async fn move_to_spam(&self, item: &Item) -> Result<String, ConnectorError> {
        let psid = &item.remote.author.id;
        if item.remote.kind != Kind::DirectMessage || item.remote.from_us || psid.is_empty() {
            return Err(self.graph.err(
                ErrorKind::Rejected,
                "only a customer's Messenger conversation can be moved to spam",
            ));
        }
        let body = json!({ "user_ids": [psid], "actions": ["MOVE_TO_SPAM"] });
        let path = format!("{}/moderate_conversations", self.page_id);
        let answer = self.graph.post(&path, &body).await?;
        match answer.get("success").and_then(Value::as_bool) {
            Some(true) => Ok(psid.clone()),
            _ => Err(self
                .graph
                .err(ErrorKind::BadPayload, "expected {\"success\": true}")),
        }
    }

    /// `base` is the Graph host (`https://graph.facebook.com`); the version
    /// path is added here. `token` is the Page access token.
    pub fn new(
        base: &str,
        account: &str,
        page_id: &str,
        token: &str,
        human_agent: bool,
    ) -> Result<FacebookConnector, ConnectorError> {
        Ok(FacebookConnector {
            account: account.to_string(),
            page_id: page_id.to_string(),
            human_agent,
            graph: Graph::new(base, token, Network::Facebook)?,
        })
    }

    async fn posts(
        &self,
        lower: Option<DateTime<Utc>>,
        depth: usize,
        pass: &mut Pass,
    ) -> Result<bool, ConnectorError> {
        let mut url = self.graph.url(&format!(
            "{}/published_posts?fields=id,message,created_time,permalink_url&limit={POSTS}",
            self.page_id
        ));
        let mut watched = 0;
        for _ in 0..MAX_PAGES {
            let edge = self.graph.edge(&url).await?;
            for raw in &edge.data {
                let Some(post) = post_ref(raw) else {
                    pass.skip(Network::Facebook, "post", raw);
                    continue;
                };
                self.comments(&post, lower, pass).await?;
                watched += 1;
                let done = match lower {
                    Some(_) => watched >= WATCHED_POSTS,
                    None => pass.items.len() >= depth,
                };
                if done {
                    return Ok(edge.next.is_some() || lower.is_none());
                }
            }
            match edge.next {
                Some(next) => url = next,
                None => break,
            }
        }
        Ok(false)
    }

    async fn comments(
        &self,
        post: &PostRef,
        lower: Option<DateTime<Utc>>,
        pass: &mut Pass,
    ) -> Result<(), ConnectorError> {
        let since = lower.map_or(String::new(), |l| format!("&since={}", l.timestamp()));
        let mut url = self.graph.url(&format!(
            "{}/comments?filter=stream&order=reverse_chronological&fields={COMMENT_FIELDS}&limit={COMMENTS}{since}",
            post.id
        ));
        for _ in 0..MAX_PAGES {
            let edge = self.graph.edge(&url).await?;
            let mut older = false;
            for raw in &edge.data {
                match self.comment(post, raw) {
                    Some(item) if lower.is_some_and(|l| item.remote.created_at < l) => older = true,
                    Some(item) => pass.add(item),
                    None => pass.skip(Network::Facebook, "comment", raw),
                }
            }
            match edge.next {
                Some(next) if !older => url = next,
                _ => break,
            }
        }
        Ok(())
    }

    /// One comment of the stream; `None` when it cannot be read.
    fn comment(&self, post: &PostRef, c: &Value) -> Option<Item> {
        let id = str_of(c, "id")?;
        let created = time(c.get("created_time"))?;
        let text = match c.get("message") {
            None | Some(Value::Null) => String::new(),
            Some(v) => v.as_str()?.to_string(),
        };
        // `from` is withheld without pages_read_user_content: keep the
        // comment, with an unknown author.
        let author = c.get("from").and_then(graph::author).unwrap_or_default();
        let parent = c
            .get("parent")
            .and_then(|p| str_of(p, "id"))
            .map(str::to_string);
        let count = |k: &str| c.get(k).and_then(Value::as_u64);
        Some(Item::new(Remote {
            network: Network::Facebook,
            account: self.account.clone(),
            native_id: id.to_string(),
            kind: if parent.is_some() {
                Kind::Reply
            } else {
                Kind::Comment
            },
            thread_id: Some(post.id.clone()),
            parent_id: parent,
            post: Some(post.clone()),
            from_us: author.id == self.page_id,
            author,
            text,
            lang: None,
            created_at: created,
            permalink: str_of(c, "permalink_url").map(str::to_string),
            engagement: Engagement {
                likes: count("like_count"),
                replies: count("comment_count"),
                shares: None,
            },
            moderation: Moderation {
                hidden: c.get("is_hidden").and_then(Value::as_bool) == Some(true),
                liked: c.get("user_likes").and_then(Value::as_bool) == Some(true),
                deleted: false,
            },
        }))
    }

    fn own(&self) -> [&str; 1] {
        [self.page_id.as_str()]
    }
}

fn post_ref(p: &Value) -> Option<PostRef> {
    Some(PostRef {
        id: str_of(p, "id")?.to_string(),
        text: str_of(p, "message").unwrap_or_default().to_string(),
        permalink: str_of(p, "permalink_url").map(str::to_string),
        created_at: Some(time(p.get("created_time"))?),
    })
}

impl Connector for FacebookConnector {
    fn network(&self) -> Network {
        Network::Facebook
    }

    fn account(&self) -> &str {
        &self.account
    }

    async fn fetch_new(
        &self,
        cursor: Option<&str>,
        depth: usize,
    ) -> Result<Fetched, ConnectorError> {
        let lower = graph::lower_bound(cursor);
        let mut pass = Pass::default();
        let truncated = self.posts(lower, depth, &mut pass).await?;
        let own = self.own();
        let inbox = Inbox {
            graph: &self.graph,
            network: Network::Facebook,
            account: &self.account,
            page_id: &self.page_id,
            own_ids: &own,
            platform: "messenger",
        };
        inbox.read(lower, depth, &mut pass).await?;
        Ok(pass.finish(cursor, lower, depth, truncated))
    }

    async fn reply(&self, item: &Item, text: &str, _key: &str) -> Result<String, ConnectorError> {
        let permit = graph::permit(Network::Facebook, self.human_agent, Capability::Reply, item)?;
        if item.remote.kind == Kind::DirectMessage {
            let to = graph::dm_recipient(item).ok_or_else(|| {
                self.graph.err(
                    ErrorKind::Rejected,
                    "this message is ours: nobody to answer",
                )
            })?;
            return self
                .graph
                .send_message(&self.page_id, to, text, permit)
                .await;
        }
        // Graph has no idempotency key; `find_reply` covers uncertain sends.
        let body = self
            .graph
            .post(
                &format!("{}/comments", item.remote.native_id),
                &json!({ "message": text }),
            )
            .await?;
        graph::created_id(&self.graph, &body)
    }

    async fn find_reply(&self, item: &Item, text: &str) -> Result<Option<String>, ConnectorError> {
        if item.remote.kind == Kind::DirectMessage {
            return graph::find_our_message(&self.graph, item, &self.own(), text).await;
        }
        // A reply to a reply is attached to the top-level comment (§1).
        let under = match item.remote.kind {
            Kind::Reply => item.remote.parent_id.as_deref(),
            _ => None,
        }
        .unwrap_or(&item.remote.native_id);
        let url = self.graph.url(&format!(
            "{under}/comments?filter=stream&order=reverse_chronological&fields=id,message,from,created_time&limit={COMMENTS}"
        ));
        let edge = self.graph.edge(&url).await?;
        Ok(edge.data.iter().find_map(|c| {
            let from = c.get("from").and_then(|f| str_of(f, "id"))?;
            let same = str_of(c, "message").map(str::trim) == Some(text.trim());
            (from == self.page_id && same).then(|| str_of(c, "id").map(str::to_string))?
        }))
    }

    async fn act(&self, item: &Item, act: Act, _key: &str) -> Result<String, ConnectorError> {
        let id = &item.remote.native_id;
        let body = match act {
            Act::Like => self.graph.post(&format!("{id}/likes"), &json!({})).await?,
            Act::Unlike => self.graph.delete(&format!("{id}/likes")).await?,
            Act::Hide => self.graph.post(id, &json!({ "is_hidden": true })).await?,
            Act::Unhide => self.graph.post(id, &json!({ "is_hidden": false })).await?,
            Act::Delete => self.graph.delete(id).await?,
            Act::Block => {
                let user = &item.remote.author.id;
                let body = self
                    .graph
                    .post(
                        &format!("{}/blocked", self.page_id),
                        &json!({ "user": user }),
                    )
                    .await?;
                return match body.get(user.as_str()).and_then(Value::as_bool) {
                    Some(true) => Ok(user.clone()),
                    _ => Err(self
                        .graph
                        .err(ErrorKind::Rejected, "the Page could not block this person")),
                };
            }
            Act::Spam => return self.move_to_spam(item).await,
            Act::Mute => return Err(unsupported(Network::Facebook, act.as_str())),
        };
        match body.get("success").and_then(Value::as_bool) {
            Some(true) => Ok(id.clone()),
            _ => Err(self
                .graph
                .err(ErrorKind::BadPayload, "expected {\"success\": true}")),
        }
    }

    async fn private_reply(
        &self,
        item: &Item,
        text: &str,
        _key: &str,
    ) -> Result<String, ConnectorError> {
        let permit = graph::permit(
            Network::Facebook,
            self.human_agent,
            Capability::PrivateReply,
            item,
        )?;
        let to = json!({ "comment_id": item.remote.native_id });
        self.graph
            .send_message(&self.page_id, to, text, permit)
            .await
    }
}
