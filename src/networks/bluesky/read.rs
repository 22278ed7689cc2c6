//! Reading Bluesky (`reference/networks.md` §9, "Reading"): one sync pass
//! reads `listNotifications` filtered to replies, mentions and quotes,
//! newest first, paged by `cursor` until the newest `indexedAt` of the
//! previous pass, then the chat DMs ([`chat`](super::chat)). The new posts'
//! moderation comes from `getPosts` (≤25 URIs a call): `liked` from
//! `viewer.like`, `hidden` when the post's URI is in its root's thread-gate
//! `hiddenReplies` (the root's `threadgate` view).

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::session::Call;
use super::{BlueskyConnector, MAX_PAGES, Notification, PAGE, POST, at_uri, err, parse_time};
use crate::model::{Author, Engagement, Item, Kind, Moderation, Network, Remote};
use crate::networks::connector::Fetched;
use crate::networks::error::{ConnectorError, ErrorKind};

/// `getPosts` takes at most this many URIs.
const POSTS_BATCH: usize = 25;

/// Where each stream resumes. Stored as `<indexedAt>` (notifications only,
/// the format before chat was read) or `<indexedAt>|dm:<sentAt>`; either
/// part may be empty when that stream has never had anything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct SyncCursor {
    pub notifications: Option<String>,
    pub dms: Option<String>,
}

impl SyncCursor {
    pub(super) fn parse(s: Option<&str>) -> SyncCursor {
        let some = |p: &str| Some(p.to_string()).filter(|p| !p.is_empty());
        match s.map(|s| s.split_once("|dm:").unwrap_or((s, ""))) {
            Some((n, d)) => SyncCursor {
                notifications: some(n),
                dms: some(d),
            },
            None => SyncCursor::default(),
        }
    }

    pub(super) fn format(&self) -> String {
        let n = self.notifications.as_deref().unwrap_or("");
        match &self.dms {
            Some(d) => format!("{n}|dm:{d}"),
            None => n.to_string(),
        }
    }
}

impl BlueskyConnector {
    /// One pass over both streams; `depth` bounds a first sync in total.
    pub(super) async fn fetch_all(
        &self,
        cursor: Option<&str>,
        depth: usize,
    ) -> Result<Fetched, ConnectorError> {
        let before = SyncCursor::parse(cursor);
        let own_did = self.open().await?.did;
        let mut out = self
            .fetch_notifications(before.notifications.as_deref(), depth, &own_did)
            .await?;
        self.fill_moderation(&mut out.items).await?;
        let mut after = SyncCursor {
            notifications: out.cursor.take().or(before.notifications.clone()),
            dms: before.dms.clone(),
        };
        let left = depth.saturating_sub(out.items.len());
        let dms = self
            .fetch_dms(before.dms.as_deref(), left, &own_did)
            .await?;
        if let Some(dms) = dms {
            out.items.extend(dms.items);
            out.skipped += dms.skipped;
            out.truncated |= dms.truncated;
            if dms.cursor.is_some() {
                after.dms = dms.cursor;
            }
        }
        out.cursor = (after != before).then(|| after.format());
        Ok(out)
    }

    async fn fetch_notifications(
        &self,
        cursor: Option<&str>,
        depth: usize,
        own_did: &str,
    ) -> Result<Fetched, ConnectorError> {
        let seen = cursor.and_then(parse_time);
        let limit = PAGE.to_string();
        let mut out = Fetched::default();
        let mut page_cursor: Option<String> = None;
        let mut done = false;
        for _ in 0..MAX_PAGES {
            let mut params = vec![
                ("reasons", "reply"),
                ("reasons", "mention"),
                ("reasons", "quote"),
                ("limit", limit.as_str()),
            ];
            if let Some(c) = &page_cursor {
                params.push(("cursor", c.as_str()));
            }
            let answer = self
                .call(Call::get("app.bsky.notification.listNotifications", params))
                .await?;
            let Some(entries) = answer.body.get("notifications").and_then(Value::as_array) else {
                return Err(err(ErrorKind::BadPayload, "notifications: expected a list"));
            };
            for entry in entries {
                let at = entry.get("indexedAt").and_then(Value::as_str);
                let Some((at, when)) = at.and_then(|s| parse_time(s).map(|t| (s, t))) else {
                    tracing::warn!("bluesky notification without indexedAt skipped");
                    out.skipped += 1;
                    continue;
                };
                if seen.is_some_and(|s| when <= s) {
                    done = true;
                    break;
                }
                if seen.is_none() && out.items.len() >= depth {
                    out.truncated = true;
                    done = true;
                    break;
                }
                if out.cursor.is_none() {
                    out.cursor = Some(at.to_string());
                }
                match serde_json::from_value::<Notification>(entry.clone()) {
                    Ok(n) if n.record.kind != POST => {
                        tracing::warn!(uri = %n.uri, kind = %n.record.kind, "bluesky record of an unknown type skipped");
                        out.skipped += 1;
                    }
                    Ok(n) if ["reply", "mention", "quote"].contains(&n.reason.as_str()) => {
                        out.items.push(self.item(n, own_did));
                    }
                    Ok(_) => {}
                    Err(e) => {
                        let shown: String = entry.to_string().chars().take(500).collect();
                        tracing::warn!(error = %e, payload = %shown, "unreadable bluesky notification skipped");
                        out.skipped += 1;
                    }
                }
            }
            let next = answer.body.get("cursor").and_then(Value::as_str);
            match next {
                Some(next) if !done && !entries.is_empty() => {
                    page_cursor = Some(next.to_string());
                }
                _ => return Ok(out),
            }
        }
        out.truncated = true;
        Ok(out)
    }

    fn item(&self, n: Notification, own_did: &str) -> Item {
        let kind = match n.reason.as_str() {
            "quote" => Kind::Quote,
            "mention" => Kind::Mention,
            _ => Kind::Reply,
        };
        let reply = n.record.reply;
        let rkey = n.uri.rsplit('/').next().unwrap_or_default().to_string();
        let from_us = n.author.did == own_did || n.author.handle == self.handle;
        Item::new(Remote {
            network: Network::Bluesky,
            account: self.handle.clone(),
            thread_id: Some(reply.as_ref().map_or(n.uri.clone(), |r| r.root.uri.clone())),
            parent_id: reply.map(|r| r.parent.uri),
            post: None,
            author: Author {
                id: n.author.did,
                handle: format!("@{}", n.author.handle),
                display_name: n.author.display_name.unwrap_or_default(),
                profile_url: Some(format!("https://bsky.app/profile/{}", n.author.handle)),
                followers: None,
            },
            text: n.record.text,
            lang: n.record.langs.into_iter().next(),
            created_at: n.record.created_at,
            permalink: Some(format!(
                "https://bsky.app/profile/{}/post/{rkey}",
                n.author.handle
            )),
            engagement: Engagement::default(),
            native_id: n.uri,
            kind,
            from_us,
            moderation: Moderation::default(),
        })
    }

    /// Post views by URI (`getPosts`, in batches); posts the AppView does
    /// not return are simply absent.
    pub(super) async fn posts(
        &self,
        uris: &[&str],
    ) -> Result<HashMap<String, Value>, ConnectorError> {
        let mut found = HashMap::new();
        for batch in uris.chunks(POSTS_BATCH) {
            let params = batch.iter().map(|u| ("uris", *u)).collect();
            let answer = self
                .call(Call::get("app.bsky.feed.getPosts", params))
                .await?;
            let Some(posts) = answer.body.get("posts").and_then(Value::as_array) else {
                return Err(err(ErrorKind::BadPayload, "getPosts: expected a list"));
            };
            for p in posts {
                if let Some(uri) = p.get("uri").and_then(Value::as_str) {
                    found.insert(uri.to_string(), p.clone());
                }
            }
        }
        Ok(found)
    }

    /// `liked` and `hidden` for new posts, as the network says.
    async fn fill_moderation(&self, items: &mut [Item]) -> Result<(), ConnectorError> {
        if items.is_empty() {
            return Ok(());
        }
        let mut uris: Vec<&str> = Vec::new();
        let mut seen = HashSet::new();
        for i in items.iter() {
            let ids = [
                Some(i.remote.native_id.as_str()),
                i.remote.thread_id.as_deref(),
            ];
            for uri in ids.into_iter().flatten().filter(|u| at_uri(u).is_some()) {
                if seen.insert(uri) {
                    uris.push(uri);
                }
            }
        }
        // Moderation is a nicety: a refused or unreadable batch leaves it
        // unknown rather than blocking the items (auth, rate limits and
        // outages still stop the pass).
        let views = match self.posts(&uris).await {
            Ok(views) => views,
            Err(e) if matches!(e.kind, ErrorKind::Rejected | ErrorKind::BadPayload) => {
                tracing::warn!(error = %e, "bluesky: moderation not read");
                return Ok(());
            }
            Err(e) => return Err(e),
        };
        for item in items.iter_mut() {
            let r = &mut item.remote;
            let view = views.get(&r.native_id);
            r.moderation.liked = view
                .and_then(|v| v.pointer("/viewer/like"))
                .and_then(Value::as_str)
                .is_some();
            let root = r.thread_id.as_ref().and_then(|t| views.get(t));
            r.moderation.hidden = r.thread_id.as_deref() != Some(r.native_id.as_str())
                && root.is_some_and(|root| hidden_in(root, &r.native_id));
        }
        Ok(())
    }
}

/// Whether `uri` is in the `hiddenReplies` of `root`'s thread gate.
pub(super) fn hidden_in(root: &Value, uri: &str) -> bool {
    root.pointer("/threadgate/record/hiddenReplies")
        .and_then(Value::as_array)
        .is_some_and(|h| h.iter().any(|u| u.as_str() == Some(uri)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cursor_keeps_both_streams_and_reads_the_old_format() {
        let old = SyncCursor::parse(Some("2026-09-14T17:40:01.002Z"));
        assert_eq!(
            old.notifications.as_deref(),
            Some("2026-09-14T17:40:01.002Z")
        );
        assert_eq!(old.dms, None);
        assert_eq!(old.format(), "2026-09-14T17:40:01.002Z");
        let both = SyncCursor {
            notifications: None,
            dms: Some("2026-09-14T18:00:00.000Z".into()),
        };
        assert_eq!(both.format(), "|dm:2026-09-14T18:00:00.000Z");
        assert_eq!(SyncCursor::parse(Some(&both.format())), both);
        assert_eq!(SyncCursor::parse(None), SyncCursor::default());
    }
}
