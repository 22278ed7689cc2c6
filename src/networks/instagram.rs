//! Instagram connector (`reference/networks.md` §2), the "Instagram API
//! with Facebook Login" flavour: `graph.facebook.com`, the linked Page's
//! token, the IG user id for media and the Page id for messaging.
//!
//! Reading: `/{ig-user-id}/media` (newest first), each media's
//! `/{ig-media-id}/comments` with `replies{…}` inlined (followed through
//! their `next` when there are more), then `/{page-id}/conversations?
//! platform=instagram`. Instagram documents no `since` and no order for
//! comments, so a pass reads the [`WATCHED_MEDIA`] newest media's comments
//! whole and keeps what is at or after the cursor (see `graph.rs`).
//! Mentions in other people's media arrive only by the `mentions` webhook
//! (§2): they are not polled.
//!
//! Writing: reply (`POST /{ig-comment-id}/replies`, on the top-level
//! comment: Instagram replies to replies there anyway), private reply and
//! DM replies through the Page's Send API (24 h window, `HUMAN_AGENT` up
//! to 7 days), hide/unhide (`hide=`), delete. There is no like or block
//! in the API (§2): those are refused, never faked.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::capabilities::Capability;
use super::connector::{Act, Connector, Fetched, unsupported};
use super::error::{ConnectorError, ErrorKind};
use super::graph::{self, Edge, Graph, Inbox, MAX_PAGES, Pass, str_of, time};
use crate::model::{Author, Engagement, Item, Kind, Moderation, Network, PostRef, Remote};

const MEDIA: usize = 25;
const COMMENTS: usize = 50;
/// Media whose comments an incremental pass reads again.
pub const WATCHED_MEDIA: usize = 30;
const REPLY_FIELDS: &str = "id,text,timestamp,username,from,parent_id,hidden,like_count";

#[derive(Debug, Clone)]
pub struct InstagramConnector {
    /// The username in item ids (`instagram:{account}:…`).
    account: String,
    ig_user_id: String,
    page_id: String,
    human_agent: bool,
    graph: Graph,
}

impl InstagramConnector {
    /// `base` is the Graph host; `token` the linked Page's access token.
    pub fn new(
        base: &str,
        account: &str,
        ig_user_id: &str,
        page_id: &str,
        token: &str,
        human_agent: bool,
    ) -> Result<InstagramConnector, ConnectorError> {
        Ok(InstagramConnector {
            account: account.to_string(),
            ig_user_id: ig_user_id.to_string(),
            page_id: page_id.to_string(),
            human_agent,
            graph: Graph::new(base, token, Network::Instagram)?,
        })
    }

    fn own(&self) -> [&str; 2] {
        [self.ig_user_id.as_str(), self.page_id.as_str()]
    }

    async fn media(
        &self,
        lower: Option<DateTime<Utc>>,
        depth: usize,
        pass: &mut Pass,
    ) -> Result<bool, ConnectorError> {
        let mut url = self.graph.url(&format!(
            "{}/media?fields=id,caption,permalink,timestamp,comments_count&limit={MEDIA}",
            self.ig_user_id
        ));
        let mut watched = 0;
        for _ in 0..MAX_PAGES {
            let edge = self.graph.edge(&url).await?;
            for raw in &edge.data {
                let Some(media) = media_ref(raw) else {
                    pass.skip(Network::Instagram, "media", raw);
                    continue;
                };
                self.comments(&media, lower, pass).await?;
                watched += 1;
                let done = match lower {
                    Some(_) => watched >= WATCHED_MEDIA,
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
        media: &PostRef,
        lower: Option<DateTime<Utc>>,
        pass: &mut Pass,
    ) -> Result<(), ConnectorError> {
        let mut url = self.graph.url(&format!(
            "{}/comments?fields=id,text,timestamp,username,from,like_count,hidden,parent_id,replies{{{REPLY_FIELDS}}}&limit={COMMENTS}",
            media.id
        ));
        for _ in 0..MAX_PAGES {
            let edge = self.graph.edge(&url).await?;
            for raw in &edge.data {
                let Some(item) = self.comment(media, raw, None) else {
                    pass.skip(Network::Instagram, "comment", raw);
                    continue;
                };
                let top = item.remote.native_id.clone();
                keep(pass, lower, item);
                let inline = raw.get("replies").and_then(|r| self.graph.parse_edge(r));
                self.replies(media, &top, inline, lower, pass).await?;
            }
            match edge.next {
                Some(next) => url = next,
                None => break,
            }
        }
        Ok(())
    }

    async fn replies(
        &self,
        media: &PostRef,
        top: &str,
        mut edge: Option<Edge>,
        lower: Option<DateTime<Utc>>,
        pass: &mut Pass,
    ) -> Result<(), ConnectorError> {
        for _ in 0..MAX_PAGES {
            let Some(page) = edge.take() else { break };
            for raw in &page.data {
                match self.comment(media, raw, Some(top)) {
                    Some(item) => keep(pass, lower, item),
                    None => pass.skip(Network::Instagram, "reply", raw),
                }
            }
            if let Some(next) = page.next {
                edge = Some(self.graph.edge(&next).await?);
            }
        }
        Ok(())
    }

    /// A comment (or, with `top`, a reply to it); `None` when unreadable.
    fn comment(&self, media: &PostRef, c: &Value, top: Option<&str>) -> Option<Item> {
        let id = str_of(c, "id")?;
        let created = time(c.get("timestamp"))?;
        let text = match c.get("text") {
            None | Some(Value::Null) => String::new(),
            Some(v) => v.as_str()?.to_string(),
        };
        let username = str_of(c, "username");
        let author = c
            .get("from")
            .and_then(graph::author)
            .or_else(|| {
                username.map(|u| Author {
                    id: String::new(),
                    handle: u.to_string(),
                    display_name: u.to_string(),
                    profile_url: Some(format!("https://www.instagram.com/{u}/")),
                    followers: None,
                })
            })
            .unwrap_or_default();
        let parent = str_of(c, "parent_id").or(top).map(str::to_string);
        let from_us = author.id == self.ig_user_id || username == Some(self.account.as_str());
        Some(Item::new(Remote {
            network: Network::Instagram,
            account: self.account.clone(),
            native_id: id.to_string(),
            kind: if parent.is_some() {
                Kind::Reply
            } else {
                Kind::Comment
            },
            thread_id: Some(media.id.clone()),
            permalink: media.permalink.as_ref().map(|p| match &parent {
                Some(top) => format!("{p}c/{top}/r/{id}/"),
                None => format!("{p}c/{id}/"),
            }),
            parent_id: parent,
            post: Some(media.clone()),
            author,
            text,
            lang: None,
            created_at: created,
            engagement: Engagement {
                likes: c.get("like_count").and_then(Value::as_u64),
                replies: None,
                shares: None,
            },
            from_us,
            moderation: Moderation {
                hidden: c.get("hidden").and_then(Value::as_bool) == Some(true),
                liked: false,
                deleted: false,
            },
        }))
    }

    /// The top-level comment an item's replies hang under.
    fn top_level(item: &Item) -> &str {
        match item.remote.kind {
            Kind::Reply => item.remote.parent_id.as_deref(),
            _ => None,
        }
        .unwrap_or(&item.remote.native_id)
    }
}

fn keep(pass: &mut Pass, lower: Option<DateTime<Utc>>, item: Item) {
    if lower.is_none_or(|l| item.remote.created_at >= l) {
        pass.add(item);
    }
}

fn media_ref(m: &Value) -> Option<PostRef> {
    Some(PostRef {
        id: str_of(m, "id")?.to_string(),
        text: str_of(m, "caption").unwrap_or_default().to_string(),
        permalink: str_of(m, "permalink").map(str::to_string),
        created_at: Some(time(m.get("timestamp"))?),
    })
}

impl Connector for InstagramConnector {
    fn network(&self) -> Network {
        Network::Instagram
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
        let more = self.media(lower, depth, &mut pass).await?;
        let own = self.own();
        let inbox = Inbox {
            graph: &self.graph,
            network: Network::Instagram,
            account: &self.account,
            page_id: &self.page_id,
            own_ids: &own,
            platform: "instagram",
        };
        inbox.read(lower, depth, &mut pass).await?;
        Ok(pass.finish(cursor, lower, depth, more))
    }

    async fn reply(&self, item: &Item, text: &str, _key: &str) -> Result<String, ConnectorError> {
        let permit = graph::permit(
            Network::Instagram,
            self.human_agent,
            Capability::Reply,
            item,
        )?;
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
        let top = Self::top_level(item);
        let body = self
            .graph
            .post(&format!("{top}/replies"), &json!({ "message": text }))
            .await?;
        graph::created_id(&self.graph, &body)
    }

    async fn find_reply(&self, item: &Item, text: &str) -> Result<Option<String>, ConnectorError> {
        if item.remote.kind == Kind::DirectMessage {
            return graph::find_our_message(&self.graph, item, &self.own(), text).await;
        }
        let top = Self::top_level(item);
        let url = self.graph.url(&format!(
            "{top}/replies?fields={REPLY_FIELDS}&limit={COMMENTS}"
        ));
        let mut next = Some(url);
        for _ in 0..MAX_PAGES {
            let Some(url) = next.take() else { break };
            let edge = self.graph.edge(&url).await?;
            let found = edge.data.iter().find_map(|c| {
                let ours = c.get("from").and_then(|f| str_of(f, "id")) == Some(&self.ig_user_id)
                    || str_of(c, "username") == Some(self.account.as_str());
                let same = str_of(c, "text").map(str::trim) == Some(text.trim());
                (ours && same).then(|| str_of(c, "id").map(str::to_string))?
            });
            if found.is_some() {
                return Ok(found);
            }
            next = edge.next;
        }
        Ok(None)
    }

    async fn act(&self, item: &Item, act: Act, _key: &str) -> Result<String, ConnectorError> {
        let id = &item.remote.native_id;
        let body = match act {
            Act::Hide => self.graph.post(id, &json!({ "hide": true })).await?,
            Act::Unhide => self.graph.post(id, &json!({ "hide": false })).await?,
            Act::Delete => self.graph.delete(id).await?,
            // §2: no like, block or spam endpoint for Instagram comments.
            Act::Like | Act::Unlike | Act::Block | Act::Mute | Act::Spam => {
                return Err(unsupported(Network::Instagram, act.as_str()));
            }
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
            Network::Instagram,
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
