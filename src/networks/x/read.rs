//! Reading the inbox (§3): the mentions timeline (`GET
//! /2/users/:id/mentions`), replies in our recent posts' conversations
//! (`GET /2/tweets/search/recent?query=conversation_id:…`, the roots read
//! from `GET /2/users/:id/tweets`), and direct messages (`GET
//! /2/dm_events`). Pages follow `meta.next_token`; later passes start
//! after the saved `since_id` (DM events have none: they are read newest
//! first down to the last seen id).
//!
//! Saved cursor: `m=<mentions newest>;r=<search newest>;d=<DM newest>`.
//! A malformed post or event is logged and skipped, the page kept.

use std::collections::HashSet;

use reqwest::Url;
use serde_json::Value;

use super::wire::{Context, DmEvent, Mapper, Meta, Post, User, newer};
use super::{XConnector, err};
use crate::model::Item;
use crate::networks::connector::Fetched;
use crate::networks::error::{ConnectorError, ErrorKind};

const TWEET_FIELDS: &str = "author_id,conversation_id,created_at,in_reply_to_user_id,referenced_tweets,entities,public_metrics,reply_settings,edit_history_tweet_ids,lang";
const EXPANSIONS: &str = "author_id,in_reply_to_user_id,referenced_tweets.id";
const USER_FIELDS: &str = "username,name,profile_image_url,verified";
const DM_FIELDS: &str = "id,event_type,text,sender_id,dm_conversation_id,created_at,participant_ids,attachments,referenced_tweets";
/// Most results per page (mentions, search and DM events all allow 100).
const PAGE: usize = 100;
/// Safety stop for an incremental pass (pages), whatever the backlog.
const MAX_PAGES: usize = 50;
/// Own posts whose conversations are searched: 12 ids fit X's 512-char query.
const OWN_POSTS: usize = 12;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct Cursor {
    pub mentions: Option<String>,
    pub replies: Option<String>,
    pub dms: Option<String>,
}

impl Cursor {
    pub fn parse(saved: Option<&str>) -> Cursor {
        let mut c = Cursor::default();
        for part in saved.unwrap_or_default().split(';') {
            let Some((k, v)) = part.split_once('=') else {
                continue;
            };
            let v = (!v.is_empty()).then(|| v.to_string());
            match k {
                "m" => c.mentions = v,
                "r" => c.replies = v,
                "d" => c.dms = v,
                _ => {}
            }
        }
        c
    }

    pub fn render(&self) -> String {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        format!(
            "m={};r={};d={}",
            s(&self.mentions),
            s(&self.replies),
            s(&self.dms)
        )
    }
}

/// One stream's pass.
#[derive(Debug, Default)]
struct Pass {
    items: Vec<Item>,
    skipped: usize,
    newest: Option<String>,
    truncated: bool,
}

/// One answer page: entries still raw, `includes`, `meta`.
struct Page {
    data: Vec<Value>,
    users: Vec<User>,
    posts: Vec<(String, String)>,
    meta: Meta,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stream {
    Mentions,
    Replies,
    Dms,
}

fn bump(newest: &mut Option<String>, id: Option<&str>) {
    if let Some(id) = id
        && newest.as_deref().is_none_or(|n| newer(id, n))
    {
        *newest = Some(id.to_string());
    }
}

impl XConnector {
    pub(super) fn url(
        &self,
        path: &str,
        params: &[(&str, &str)],
    ) -> Result<String, ConnectorError> {
        Url::parse_with_params(&format!("{}{path}", self.base), params)
            .map(String::from)
            .map_err(|e| err(ErrorKind::BadPayload, format!("bad URL: {e}")))
    }

    pub(super) async fn fetch(
        &self,
        cursor: Option<&str>,
        depth: usize,
    ) -> Result<Fetched, ConnectorError> {
        let saved = Cursor::parse(cursor);
        let mut ctx = Context::default();
        self.own_posts(&mut ctx).await?;
        let mut seen: HashSet<String> = HashSet::new();
        let mut out = Fetched::default();
        let mut next = saved.clone();
        let streams = [
            (Stream::Dms, saved.dms.clone()),
            (Stream::Mentions, saved.mentions.clone()),
            (Stream::Replies, saved.replies.clone()),
        ];
        for (stream, since) in streams {
            let left = depth.saturating_sub(out.items.len());
            if since.is_none() && left == 0 {
                // This stream's first sync waits for the next pass.
                out.truncated = true;
                continue;
            }
            if stream == Stream::Replies && ctx.own_posts.is_empty() {
                continue;
            }
            let pass = self.pass(stream, since.as_deref(), left, &mut ctx).await?;
            out.skipped += pass.skipped;
            out.truncated |= pass.truncated;
            for item in pass.items {
                if seen.insert(item.remote.native_id.clone()) {
                    out.items.push(item);
                }
            }
            let slot = match stream {
                Stream::Mentions => &mut next.mentions,
                Stream::Replies => &mut next.replies,
                Stream::Dms => &mut next.dms,
            };
            bump(slot, pass.newest.as_deref());
        }
        out.cursor = (next != saved).then(|| next.render());
        Ok(out)
    }

    /// Our newest root posts (`GET /2/users/:id/tweets`, replies and
    /// reposts excluded): their conversations are searched for replies.
    async fn own_posts(&self, ctx: &mut Context) -> Result<(), ConnectorError> {
        let url = self.url(
            &format!("/2/users/{}/tweets", self.user_id),
            &[
                ("max_results", &OWN_POSTS.to_string()),
                ("exclude", "replies,retweets"),
                ("tweet.fields", "created_at,conversation_id"),
            ],
        )?;
        let page = self.page(&url).await?;
        for v in page.data {
            match serde_json::from_value::<Post>(v) {
                Ok(p) => {
                    ctx.own_posts.insert(p.id, (p.text, p.created_at));
                }
                Err(e) => tracing::warn!(error = %e, "unreadable x post of ours skipped"),
            }
        }
        Ok(())
    }

    fn first_url(
        &self,
        stream: Stream,
        since: Option<&str>,
        ctx: &Context,
    ) -> Result<String, ConnectorError> {
        let max = PAGE.to_string();
        let mut params: Vec<(&str, String)> = vec![("max_results", max)];
        let path = match stream {
            Stream::Mentions | Stream::Replies => {
                params.push(("tweet.fields", TWEET_FIELDS.into()));
                params.push(("expansions", EXPANSIONS.into()));
                params.push(("user.fields", USER_FIELDS.into()));
                if let Some(s) = since {
                    params.push(("since_id", s.into()));
                }
                if stream == Stream::Mentions {
                    format!("/2/users/{}/mentions", self.user_id)
                } else {
                    let mut roots: Vec<&String> = ctx.own_posts.keys().collect();
                    roots.sort();
                    let query: Vec<String> = roots
                        .iter()
                        .map(|r| format!("conversation_id:{r}"))
                        .collect();
                    params.push(("query", query.join(" OR ")));
                    "/2/tweets/search/recent".to_string()
                }
            }
            Stream::Dms => {
                params.push(("event_types", "MessageCreate".into()));
                params.push(("dm_event.fields", DM_FIELDS.into()));
                params.push(("expansions", "sender_id,participant_ids".into()));
                params.push(("user.fields", USER_FIELDS.into()));
                "/2/dm_events".to_string()
            }
        };
        let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.url(&path, &pairs)
    }

    async fn pass(
        &self,
        stream: Stream,
        since: Option<&str>,
        depth: usize,
        ctx: &mut Context,
    ) -> Result<Pass, ConnectorError> {
        let first = self.first_url(stream, since, ctx)?;
        // Search takes `next_token`; the timelines take `pagination_token`.
        let token_name = match stream {
            Stream::Replies => "next_token",
            _ => "pagination_token",
        };
        let mapper = Mapper {
            handle: &self.handle,
            user_id: &self.user_id,
        };
        let mut out = Pass::default();
        let mut url = first.clone();
        for _ in 0..MAX_PAGES {
            let page = self.page(&url).await?;
            for u in page.users {
                ctx.users.insert(u.id.clone(), u);
            }
            ctx.post_authors.extend(page.posts);
            bump(&mut out.newest, page.meta.newest_id.as_deref());
            let mut reached_seen = false;
            for v in page.data {
                let id = v.get("id").and_then(Value::as_str).map(str::to_string);
                if stream == Stream::Dms {
                    // Newest first: stop at what the last pass saw.
                    if let (Some(id), Some(seen)) = (&id, since)
                        && !newer(id, seen)
                    {
                        reached_seen = true;
                        break;
                    }
                    bump(&mut out.newest, id.as_deref());
                }
                let item = match stream {
                    Stream::Dms => {
                        serde_json::from_value::<DmEvent>(v.clone()).map(|e| mapper.dm(e, ctx))
                    }
                    _ => serde_json::from_value::<Post>(v.clone()).map(|p| {
                        // Search returns our root post too; it is not inbox work.
                        (p.conversation_id.as_deref() != Some(p.id.as_str())
                            || p.author_id != self.user_id)
                            .then(|| mapper.post(p, ctx))
                    }),
                };
                match item {
                    Ok(Some(item)) => out.items.push(item),
                    Ok(None) => {}
                    Err(e) => {
                        let shown: String = v.to_string().chars().take(500).collect();
                        tracing::warn!(error = %e, payload = %shown, "unreadable x entry skipped");
                        out.skipped += 1;
                    }
                }
            }
            if since.is_none() && out.items.len() >= depth {
                out.truncated = page.meta.next_token.is_some() || out.items.len() > depth;
                out.items.truncate(depth);
                break;
            }
            match page.meta.next_token {
                Some(token) if !reached_seen => {
                    let mut next = Url::parse(&first)
                        .map_err(|e| err(ErrorKind::BadPayload, format!("bad URL: {e}")))?;
                    next.query_pairs_mut().append_pair(token_name, &token);
                    url = next.into();
                }
                _ => break,
            }
        }
        Ok(out)
    }

    async fn page(&self, url: &str) -> Result<Page, ConnectorError> {
        let answer = self.get(url).await?;
        let body = answer.body;
        if !body.is_object() {
            return Err(err(ErrorKind::BadPayload, "expected a JSON object"));
        }
        let data = match body.get("data") {
            Some(Value::Array(a)) => a.clone(),
            None | Some(Value::Null) => Vec::new(),
            Some(_) => return Err(err(ErrorKind::BadPayload, "`data` is not a list")),
        };
        let includes = body.get("includes");
        let users = includes
            .and_then(|i| i.get("users"))
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|u| serde_json::from_value::<User>(u.clone()).ok())
                    .collect()
            })
            .unwrap_or_default();
        let posts = includes
            .and_then(|i| i.get("tweets"))
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|t| {
                        let id = t.get("id")?.as_str()?;
                        let author = t.get("author_id")?.as_str()?;
                        Some((id.to_string(), author.to_string()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let meta = body
            .get("meta")
            .and_then(|m| serde_json::from_value::<Meta>(m.clone()).ok())
            .unwrap_or_default();
        if let Some(errors) = body.get("errors") {
            // Partial errors (§3): per-resource, not a failed call.
            tracing::debug!(%errors, "x partial errors");
        }
        Ok(Page {
            data,
            users,
            posts,
            meta,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Cursor;

    #[test]
    fn cursor_round_trips() {
        assert_eq!(Cursor::parse(None), Cursor::default());
        let c = Cursor {
            mentions: Some("12".into()),
            replies: None,
            dms: Some("99".into()),
        };
        assert_eq!(c.render(), "m=12;r=;d=99");
        assert_eq!(Cursor::parse(Some(&c.render())), c);
    }
}
