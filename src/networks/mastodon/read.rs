//! Reading the inbox (`reference/networks.md` §8): `mention` and `quote`
//! notifications (private mentions included, as `visibility: direct`), and
//! `GET /api/v1/conversations` for direct messages, each followed through
//! its `Link` header.
//!
//! Both streams share one saved cursor, `<newest notification id>/<newest
//! conversation last_status id>` (a plain id, as older versions saved it,
//! is the notification half). A first sync reads newest first down the
//! `next` links to the depth, DMs first; later passes start at `min_id`
//! and climb the `prev` links. A conversation shows only its last status:
//! the earlier ones from others arrived as mention notifications, and ours
//! are not inbox items.

use std::collections::HashSet;

use serde_json::Value;

use super::wire::{Conversation, Notification};
use super::{MastodonConnector, link};
use crate::model::{Item, ItemId, Network};
use crate::networks::connector::Fetched;
use crate::networks::error::{ConnectorError, ErrorKind};

/// Most notifications Mastodon returns per page (4.1+).
const NOTIFICATION_PAGE: usize = 80;
/// Most conversations Mastodon returns per page.
const CONVERSATION_PAGE: usize = 40;
/// Safety stop for an incremental pass (pages), whatever the backlog.
const MAX_PAGES: usize = 100;

/// The two halves of the saved cursor.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct Cursor {
    pub notifications: Option<String>,
    pub conversations: Option<String>,
}

impl Cursor {
    pub fn parse(saved: Option<&str>) -> Cursor {
        let Some(saved) = saved else {
            return Cursor::default();
        };
        let (n, c) = saved.split_once('/').unwrap_or((saved, ""));
        let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
        Cursor {
            notifications: some(n),
            conversations: some(c),
        }
    }

    pub fn render(&self) -> String {
        format!(
            "{}/{}",
            self.notifications.as_deref().unwrap_or(""),
            self.conversations.as_deref().unwrap_or("")
        )
    }
}

/// What one stream's pass read.
#[derive(Debug, Default)]
struct Pass {
    items: Vec<Item>,
    skipped: usize,
    newest: Option<String>,
    truncated: bool,
}

/// One page: readable items, skipped count, the id the cursor keeps (the
/// first entry's), and the `Link` header.
struct Page {
    items: Vec<Item>,
    skipped: usize,
    newest: Option<String>,
    link: Option<String>,
}

#[derive(Clone, Copy)]
enum Stream {
    Notifications,
    Conversations,
}

impl MastodonConnector {
    pub(super) async fn fetch(
        &self,
        cursor: Option<&str>,
        depth: usize,
    ) -> Result<Fetched, ConnectorError> {
        let saved = Cursor::parse(cursor);
        let dms = self
            .pass(
                Stream::Conversations,
                saved.conversations.as_deref(),
                depth,
                &HashSet::new(),
            )
            .await?;
        // A DM can come both ways: one item per status, counted once.
        let known: HashSet<ItemId> = dms.items.iter().map(|i| i.id.clone()).collect();
        let left = depth.saturating_sub(dms.items.len());
        let mentions = match (&saved.notifications, left) {
            // A first sync whose depth the DMs used up: the mentions'
            // own first sync waits for the next pass.
            (None, 0) => Pass {
                truncated: true,
                ..Pass::default()
            },
            _ => {
                self.pass(
                    Stream::Notifications,
                    saved.notifications.as_deref(),
                    left,
                    &known,
                )
                .await?
            }
        };
        let next = Cursor {
            notifications: mentions.newest.or(saved.notifications.clone()),
            conversations: dms.newest.or(saved.conversations.clone()),
        };
        Ok(Fetched {
            cursor: (next != saved).then(|| next.render()),
            skipped: dms.skipped + mentions.skipped,
            truncated: dms.truncated || mentions.truncated,
            items: dms.items.into_iter().chain(mentions.items).collect(),
        })
    }

    async fn pass(
        &self,
        stream: Stream,
        seen: Option<&str>,
        depth: usize,
        known: &HashSet<ItemId>,
    ) -> Result<Pass, ConnectorError> {
        let first = match stream {
            Stream::Notifications => format!(
                "{}/api/v1/notifications?types[]=mention&types[]=quote&limit={NOTIFICATION_PAGE}",
                self.base
            ),
            Stream::Conversations => format!(
                "{}/api/v1/conversations?limit={CONVERSATION_PAGE}",
                self.base
            ),
        };
        let mut out = Pass::default();
        match seen {
            // Forward from the newest seen: each `min_id` page is the
            // window just above it; its `prev` link continues upward.
            Some(seen) => {
                let mut url = format!("{first}&min_id={seen}");
                for _ in 0..MAX_PAGES {
                    let page = self.page(stream, &url).await?;
                    out.items
                        .extend(page.items.into_iter().filter(|i| !known.contains(&i.id)));
                    out.skipped += page.skipped;
                    if page.newest.is_none() {
                        break;
                    }
                    out.newest = page.newest;
                    match page.link.as_deref().and_then(|l| link(l, "prev")) {
                        Some(prev) => url = prev,
                        None => break,
                    }
                }
            }
            // First sync: newest first, back through `next` links to `depth`.
            None => {
                let mut url = first;
                loop {
                    let page = self.page(stream, &url).await?;
                    if out.newest.is_none() {
                        out.newest = page.newest.clone();
                    }
                    out.items
                        .extend(page.items.into_iter().filter(|i| !known.contains(&i.id)));
                    out.skipped += page.skipped;
                    if page.newest.is_none() {
                        break;
                    }
                    if out.items.len() >= depth {
                        out.truncated = true;
                        out.items.truncate(depth);
                        break;
                    }
                    match page.link.as_deref().and_then(|l| link(l, "next")) {
                        Some(next) => url = next,
                        None => break,
                    }
                }
            }
        }
        Ok(out)
    }

    async fn page(&self, stream: Stream, url: &str) -> Result<Page, ConnectorError> {
        let answer = self.get(url).await?;
        let link_header = answer
            .headers
            .get("link")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let Value::Array(entries) = answer.body else {
            return Err(ConnectorError::new(
                Network::Mastodon,
                ErrorKind::BadPayload,
                "expected a JSON array".to_string(),
            ));
        };
        let newest = entries
            .first()
            .and_then(|e| match stream {
                Stream::Notifications => e.get("id"),
                // Conversations page by their last status.
                Stream::Conversations => e.get("last_status").and_then(|s| s.get("id")),
            })
            .and_then(Value::as_str)
            .map(str::to_string);
        let mut page = Page {
            items: Vec::new(),
            skipped: 0,
            newest,
            link: link_header,
        };
        for entry in entries {
            match stream {
                Stream::Notifications => self.notification(entry, &mut page),
                Stream::Conversations => self.conversation(entry, &mut page),
            }
        }
        Ok(page)
    }

    fn notification(&self, entry: Value, page: &mut Page) {
        match serde_json::from_value::<Notification>(entry.clone()) {
            Ok(n) if n.kind == "mention" || n.kind == "quote" => match n.status {
                Some(status) => page.items.push(self.item(Some(&n.kind), status)),
                None => {
                    tracing::warn!(id = %n.id, "mastodon mention without a status skipped");
                    page.skipped += 1;
                }
            },
            Ok(_) => {}
            Err(e) => {
                let shown: String = entry.to_string().chars().take(500).collect();
                tracing::warn!(error = %e, payload = %shown, "unreadable mastodon notification skipped");
                page.skipped += 1;
            }
        }
    }

    fn conversation(&self, entry: Value, page: &mut Page) {
        match serde_json::from_value::<Conversation>(entry.clone()) {
            Ok(c) => match c.last_status {
                // Ours are not inbox items; a conversation whose statuses
                // were all deleted has none.
                Some(s) if !self.is_us(&s.account.acct) => page.items.push(self.item(None, s)),
                Some(_) => {}
                None => tracing::debug!(id = %c.id, "mastodon conversation without a status"),
            },
            Err(e) => {
                let shown: String = entry.to_string().chars().take(500).collect();
                tracing::warn!(error = %e, payload = %shown, "unreadable mastodon conversation skipped");
                page.skipped += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Cursor;

    #[test]
    fn cursor_halves_and_the_old_plain_form() {
        assert_eq!(Cursor::parse(None), Cursor::default());
        let old = Cursor::parse(Some("34975861"));
        assert_eq!(old.notifications.as_deref(), Some("34975861"));
        assert_eq!(old.conversations, None);
        let both = Cursor {
            notifications: Some("12".into()),
            conversations: Some("110".into()),
        };
        assert_eq!(both.render(), "12/110");
        assert_eq!(Cursor::parse(Some(&both.render())), both);
        let dms_only = Cursor::parse(Some("/110"));
        assert_eq!(dms_only.notifications, None);
        assert_eq!(dms_only.conversations.as_deref(), Some("110"));
    }
}
