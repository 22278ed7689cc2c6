//! Writing on Bluesky (`reference/networks.md` §9, "Writing"): records in
//! the brand's repo (`com.atproto.repo.createRecord` / `putRecord` /
//! `deleteRecord`, with the session's access JWT).
//!
//! - A reply is an `app.bsky.feed.post` with `reply.root`/`reply.parent`
//!   strong refs (read from the parent's thread), `langs` (the item's: we
//!   answer in the customer's language) and facets (UTF-8 byte offsets) for
//!   `@handle` mentions, resolved to DIDs, and links. Over 300 graphemes is
//!   refused before sending ([`ErrorKind::Rejected`]). Bluesky has no
//!   idempotency key: `find_post_reply` looks in the thread for our reply.
//! - Like: an `app.bsky.feed.like` of the post's strong ref, unless
//!   `viewer.like` says it is liked already; unlike deletes that record.
//! - Hide/unhide: the root post's `app.bsky.feed.threadgate` (rkey = the
//!   root's rkey) read with `getRecord`, the reply's URI added to or removed
//!   from `hiddenReplies`, written back with `putRecord` (`swapRecord`: a
//!   concurrent change fails as `InvalidSwap` and is retried). Every other
//!   field, `allow` above all, is kept exactly: absent `allow` means anyone
//!   may reply, `[]` nobody. Only our own root post can carry a gate: other
//!   cases are refused before sending (the `OnOwnPosts` scope of
//!   `grants.rs`).
//! - Delete: our own records only. Block: an `app.bsky.graph.block` of the
//!   author's DID, unless `getProfile` shows one. Mute: `muteActor`.
//!   Spam: a `reasonSpam` report (`report.rs`).

use std::ops::Range;

use chrono::{SecondsFormat, Utc};
use serde_json::{Value, json};

use super::session::Call;
use super::{BLOCK, BlueskyConnector, LIKE, POST, PostView, StrongRef, THREADGATE, at_uri, err};
use crate::model::{Item, Kind, Network};
use crate::networks::connector::Act;
use crate::networks::count::count;
use crate::networks::error::{ConnectorError, ErrorKind};
use crate::networks::links::scheme_urls;
use crate::networks::report::{Report, ReportReason};

/// Most URIs a thread gate may hide (lexicon `maxLength`).
const MAX_HIDDEN: usize = 300;

fn now_iso() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// `@handle` mentions (a handle has a dot; trailing dots are punctuation),
/// as byte ranges including the `@`, with the handle.
pub fn handle_mentions(text: &str) -> Vec<(Range<usize>, String)> {
    let handle_char = |c: char| c.is_ascii_alphanumeric() || c == '.' || c == '-';
    let mut found = Vec::new();
    for (at, _) in text.match_indices('@') {
        let before = text[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '@') {
            continue;
        }
        let rest = &text[at + 1..];
        let len = rest.find(|c: char| !handle_char(c)).unwrap_or(rest.len());
        let handle = rest[..len].trim_end_matches(['.', '-']);
        let valid = handle.contains('.')
            && !handle.starts_with(['.', '-'])
            && !handle.contains("..")
            && handle
                .rsplit('.')
                .next()
                .is_some_and(|tld| tld.chars().next().is_some_and(|c| c.is_ascii_alphabetic()));
        if valid {
            found.push((at..at + 1 + handle.len(), handle.to_ascii_lowercase()));
        }
    }
    found
}

/// The thread gate with `uri` added to (`hide`) or removed from its
/// `hiddenReplies`; every other field kept as it was. `None`: no change.
pub(super) fn gate_with(
    existing: Option<&Value>,
    root: &str,
    uri: &str,
    hide: bool,
) -> Result<Option<Value>, ConnectorError> {
    let mut gate = match existing {
        Some(v) => v.clone(),
        None if !hide => return Ok(None),
        None => json!({ "$type": THREADGATE, "post": root, "createdAt": now_iso() }),
    };
    let Some(fields) = gate.as_object_mut() else {
        return Err(err(
            ErrorKind::BadPayload,
            "the thread gate is not an object",
        ));
    };
    let mut hidden: Vec<Value> = match fields.get("hiddenReplies") {
        Some(Value::Array(h)) => h.clone(),
        _ => Vec::new(),
    };
    let present = hidden.iter().any(|u| u.as_str() == Some(uri));
    match (hide, present) {
        (true, true) | (false, false) => return Ok(None),
        (true, false) if hidden.len() >= MAX_HIDDEN => {
            return Err(err(
                ErrorKind::Rejected,
                format!("a thread gate hides at most {MAX_HIDDEN} replies"),
            ));
        }
        (true, false) => hidden.push(Value::String(uri.to_string())),
        (false, true) => hidden.retain(|u| u.as_str() != Some(uri)),
    }
    fields.insert("hiddenReplies".into(), Value::Array(hidden));
    Ok(Some(gate))
}

impl BlueskyConnector {
    /// The post at `uri` with `depth` levels of replies (raw thread view).
    async fn thread(&self, uri: &str, depth: &'static str) -> Result<Value, ConnectorError> {
        let params = vec![("uri", uri), ("depth", depth), ("parentHeight", "0")];
        let answer = self
            .call(Call::get("app.bsky.feed.getPostThread", params))
            .await?;
        let thread = answer.body.get("thread").cloned().unwrap_or(Value::Null);
        if thread.get("post").is_none() {
            return Err(err(ErrorKind::NotFound, format!("post not visible: {uri}")));
        }
        Ok(thread)
    }

    /// Facets for `@handle` mentions (resolved to DIDs; unknown handles
    /// stay plain text) and links, with UTF-8 byte offsets.
    pub(super) async fn facets(&self, text: &str) -> Result<Vec<Value>, ConnectorError> {
        let urls = scheme_urls(text);
        let mut facets = Vec::new();
        for (range, handle) in handle_mentions(text) {
            if urls
                .iter()
                .any(|u| u.start < range.end && range.start < u.end)
            {
                continue;
            }
            let params = vec![("handle", handle.as_str())];
            let did = match self
                .call(Call::get("com.atproto.identity.resolveHandle", params))
                .await
            {
                Ok(a) => a
                    .body
                    .get("did")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                Err(e) if matches!(e.kind, ErrorKind::Rejected | ErrorKind::NotFound) => None,
                Err(e) => return Err(e),
            };
            if let Some(did) = did {
                facets.push(json!({
                    "index": { "byteStart": range.start, "byteEnd": range.end },
                    "features": [{ "$type": "app.bsky.richtext.facet#mention", "did": did }],
                }));
            }
        }
        for u in urls {
            facets.push(json!({
                "index": { "byteStart": u.start, "byteEnd": u.end },
                "features": [{ "$type": "app.bsky.richtext.facet#link", "uri": &text[u.clone()] }],
            }));
        }
        facets.sort_by_key(|f| f.pointer("/index/byteStart").and_then(Value::as_u64));
        Ok(facets)
    }

    pub(super) async fn post_reply(
        &self,
        item: &Item,
        text: &str,
    ) -> Result<String, ConnectorError> {
        let counted = count(Network::Bluesky, text);
        if !counted.fits() {
            let why = counted.problem().unwrap_or_else(|| "too long".to_string());
            return Err(err(ErrorKind::Rejected, why));
        }
        let thread = self.thread(&item.remote.native_id, "0").await?;
        let parent: PostView = thread
            .get("post")
            .cloned()
            .and_then(|p| serde_json::from_value(p).ok())
            .ok_or_else(|| err(ErrorKind::BadPayload, "the parent post is unreadable"))?;
        let parent_ref = StrongRef {
            uri: parent.uri,
            cid: parent.cid,
        };
        let root = parent
            .record
            .reply
            .map_or_else(|| parent_ref.clone(), |r| r.root);
        let mut record = json!({
            "$type": POST,
            "text": text,
            "createdAt": now_iso(),
            "reply": { "root": root, "parent": parent_ref },
        });
        if let Some(lang) = &item.remote.lang {
            record["langs"] = json!([lang]);
        }
        let facets = self.facets(text).await?;
        if !facets.is_empty() {
            record["facets"] = Value::Array(facets);
        }
        self.create(POST, record).await.map(|(uri, _)| uri)
    }

    pub(super) async fn find_post_reply(
        &self,
        item: &Item,
        text: &str,
    ) -> Result<Option<String>, ConnectorError> {
        let did = self.open().await?.did;
        let thread = self.thread(&item.remote.native_id, "1").await?;
        let replies = thread.get("replies").and_then(Value::as_array);
        let found = replies.into_iter().flatten().find_map(|r| {
            let post: PostView = serde_json::from_value(r.get("post")?.clone()).ok()?;
            let ours = post.author.did == did || post.author.handle == self.handle;
            (ours && post.record.text.trim() == text.trim()).then_some(post.uri)
        });
        Ok(found)
    }

    /// `createRecord` in our repo; returns the new record's (uri, cid).
    async fn create(
        &self,
        collection: &str,
        record: Value,
    ) -> Result<(String, String), ConnectorError> {
        let did = self.open().await?.did;
        let body = json!({ "repo": did, "collection": collection, "record": record });
        let answer = self
            .call(Call::post("com.atproto.repo.createRecord", body))
            .await?;
        let field = |k: &str| {
            answer
                .body
                .get(k)
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        match (field("uri"), field("cid")) {
            (Some(uri), Some(cid)) => Ok((uri, cid)),
            _ => Err(err(ErrorKind::BadPayload, "the new record has no uri")),
        }
    }

    /// `deleteRecord` of one of our records, by AT-URI.
    async fn delete(&self, uri: &str) -> Result<(), ConnectorError> {
        let did = self.open().await?.did;
        let Some((repo, collection, rkey)) = at_uri(uri) else {
            return Err(err(ErrorKind::Rejected, format!("not an AT-URI: {uri}")));
        };
        if repo != did {
            return Err(err(
                ErrorKind::Rejected,
                "only the account's own records can be deleted",
            ));
        }
        let body = json!({ "repo": did, "collection": collection, "rkey": rkey });
        self.call(Call::post("com.atproto.repo.deleteRecord", body))
            .await
            .map(|_| ())
    }

    /// The item's post as the AppView shows it to us (`viewer` included).
    pub(super) async fn post_view(&self, item: &Item) -> Result<Value, ConnectorError> {
        let uri = item.remote.native_id.as_str();
        self.posts(&[uri])
            .await?
            .remove(uri)
            .ok_or_else(|| err(ErrorKind::NotFound, format!("post not visible: {uri}")))
    }

    pub(super) async fn act_on(&self, item: &Item, act: Act) -> Result<String, ConnectorError> {
        let is_dm = item.remote.kind == Kind::DirectMessage;
        if is_dm && !matches!(act, Act::Block | Act::Mute | Act::Spam) {
            return Err(err(
                ErrorKind::Rejected,
                format!("{} does not apply to a Bluesky DM", act.as_str()),
            ));
        }
        match act {
            Act::Like => self.like(item).await,
            Act::Unlike => self.unlike(item).await,
            Act::Hide => self.gate(item, true).await,
            Act::Unhide => self.gate(item, false).await,
            Act::Delete => {
                let uri = item.remote.native_id.as_str();
                self.delete(uri).await.map(|()| uri.to_string())
            }
            Act::Block => self.block(item).await,
            // A report with `reasonSpam` (a DM's: its author).
            Act::Spam => {
                let spam = Report::new(ReportReason::Spam, "");
                self.report_on(item, &spam).await
            }
            Act::Mute => {
                let did = self.author_did(item).await?;
                let body = json!({ "actor": did });
                self.call(Call::post("app.bsky.graph.muteActor", body).no_output())
                    .await?;
                Ok(did)
            }
        }
    }

    async fn like(&self, item: &Item) -> Result<String, ConnectorError> {
        let view = self.post_view(item).await?;
        if let Some(like) = view.pointer("/viewer/like").and_then(Value::as_str) {
            return Ok(like.to_string());
        }
        let field = |k: &str| view.get(k).and_then(Value::as_str);
        let (Some(uri), Some(cid)) = (field("uri"), field("cid")) else {
            return Err(err(ErrorKind::BadPayload, "the post has no uri or cid"));
        };
        let record = json!({
            "$type": LIKE,
            "subject": { "uri": uri, "cid": cid },
            "createdAt": now_iso(),
        });
        self.create(LIKE, record).await.map(|(uri, _)| uri)
    }

    async fn unlike(&self, item: &Item) -> Result<String, ConnectorError> {
        let view = self.post_view(item).await?;
        match view.pointer("/viewer/like").and_then(Value::as_str) {
            Some(like) => self.delete(like).await.map(|()| like.to_string()),
            None => Ok(item.remote.native_id.clone()),
        }
    }

    /// The author's DID, refusing our own account.
    pub(super) async fn author_did(&self, item: &Item) -> Result<String, ConnectorError> {
        let own = self.open().await?.did;
        let did = &item.remote.author.id;
        if !did.starts_with("did:") {
            return Err(err(ErrorKind::Rejected, "the author has no DID"));
        }
        if *did == own || item.remote.from_us {
            return Err(err(ErrorKind::Rejected, "this is the account itself"));
        }
        Ok(did.clone())
    }

    async fn block(&self, item: &Item) -> Result<String, ConnectorError> {
        let did = self.author_did(item).await?;
        let params = vec![("actor", did.as_str())];
        let profile = self
            .call(Call::get("app.bsky.actor.getProfile", params))
            .await?;
        if let Some(block) = profile
            .body
            .pointer("/viewer/blocking")
            .and_then(Value::as_str)
        {
            return Ok(block.to_string());
        }
        let record = json!({ "$type": BLOCK, "subject": did, "createdAt": now_iso() });
        self.create(BLOCK, record).await.map(|(uri, _)| uri)
    }

    /// Hides or unhides a reply through its root's thread gate.
    async fn gate(&self, item: &Item, hide: bool) -> Result<String, ConnectorError> {
        let own = self.open().await?.did;
        let uri = item.remote.native_id.as_str();
        let view = self.post_view(item).await?;
        let root = view
            .pointer("/record/reply/root/uri")
            .and_then(Value::as_str)
            .or(item.remote.thread_id.as_deref())
            .filter(|r| *r != uri)
            .ok_or_else(|| err(ErrorKind::Rejected, "only a reply can be hidden"))?;
        let Some((repo, _, rkey)) = at_uri(root).filter(|(_, c, _)| *c == POST) else {
            return Err(err(ErrorKind::Rejected, format!("not a post: {root}")));
        };
        if repo != own {
            return Err(err(
                ErrorKind::Rejected,
                "replies can only be hidden under the account's own posts",
            ));
        }
        let params = vec![
            ("repo", own.as_str()),
            ("collection", THREADGATE),
            ("rkey", rkey),
        ];
        let existing = match self
            .call(Call::get("com.atproto.repo.getRecord", params))
            .await
        {
            Ok(a) => Some(a.body),
            Err(e) if e.kind == ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        let gate_uri = format!("at://{own}/{THREADGATE}/{rkey}");
        let value = existing.as_ref().and_then(|e| e.get("value"));
        let Some(record) = gate_with(value, root, uri, hide)? else {
            return Ok(gate_uri);
        };
        let mut body = json!({
            "repo": own, "collection": THREADGATE, "rkey": rkey, "record": record,
        });
        if let Some(cid) = existing.as_ref().and_then(|e| e.get("cid")) {
            body["swapRecord"] = cid.clone();
        }
        let answer = self
            .call(Call::post("com.atproto.repo.putRecord", body))
            .await?;
        Ok(answer
            .body
            .get("uri")
            .and_then(Value::as_str)
            .map_or(gate_uri, str::to_string))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOT: &str = "at://did:plc:me/app.bsky.feed.post/3lroot";
    const R1: &str = "at://did:plc:a/app.bsky.feed.post/3lr1";

    #[test]
    fn hiding_keeps_allow_exactly_as_it_was() {
        let nobody = json!({ "$type": THREADGATE, "post": ROOT, "createdAt": "2026-01-01T00:00:00.000Z", "allow": [] });
        let hidden = gate_with(Some(&nobody), ROOT, R1, true).unwrap().unwrap();
        assert_eq!(hidden["allow"], json!([]), "an empty allow stays empty");
        assert_eq!(hidden["hiddenReplies"], json!([R1]));
        assert_eq!(hidden["createdAt"], nobody["createdAt"]);
        let shown = gate_with(Some(&hidden), ROOT, R1, false).unwrap().unwrap();
        assert_eq!(shown["allow"], json!([]));
        assert_eq!(shown["hiddenReplies"], json!([]));

        let fresh = gate_with(None, ROOT, R1, true).unwrap().unwrap();
        assert!(fresh.get("allow").is_none(), "no gate: anyone may reply");
        assert_eq!(fresh["post"], ROOT);
        assert_eq!(gate_with(None, ROOT, R1, false).unwrap(), None);
        assert_eq!(gate_with(Some(&hidden), ROOT, R1, true).unwrap(), None);
    }

    #[test]
    fn a_full_gate_is_refused() {
        let many: Vec<String> = (0..MAX_HIDDEN).map(|i| format!("{R1}{i}")).collect();
        let gate = json!({ "$type": THREADGATE, "post": ROOT, "hiddenReplies": many });
        let e = gate_with(Some(&gate), ROOT, R1, true).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Rejected);
    }
}
