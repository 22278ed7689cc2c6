//! LinkedIn connector (`reference/networks.md` §6, Community Management
//! API): comments and nested comments under the organisation's posts, read
//! and answered as the organisation.
//!
//! - `rest`: the versioned REST client. Every call carries
//!   `LinkedIn-Version: YYYYMM` ([`VERSION`] unless configured) and
//!   `X-Restli-Protocol-Version: 2.0.0`; an HTTP 426 (version sunset)
//!   surfaces as `ErrorKind::VersionRetired` naming the version sent.
//! - `read`: posts, comments, nested comments into items (see there for
//!   the incremental scheme).
//! - here: the [`Connector`] impl and the writes. Reply as the
//!   organisation (`POST /rest/socialActions/{parent comment URN}/comments`
//!   with `actor`, `object`, `message`, `parentComment`), like through the
//!   Reactions API (`POST /rest/reactions?actor=…`), delete
//!   (`DELETE /rest/socialActions/{target URN}/comments/{id}?actor=…`).
//!   LinkedIn has no hide, block, mute, unlike call we know of, nor
//!   organisation DMs: those are refused by [`Capabilities::check`] before
//!   anything is sent.
//!
//! [`Capabilities::check`]: crate::networks::capabilities::Capabilities::check

mod read;
mod rest;

use chrono::Utc;
use serde_json::{Value, json};

use super::capabilities::{Capability, Target, capabilities};
use super::connector::{Act, Connector, Fetched, unsupported};
use super::count::count_for;
use super::error::{ConnectorError, ErrorKind};
use crate::model::{Item, Kind, Network};
use read::{COMMENTS, comment_parts};
use rest::{Rest, encode, err};

pub use read::WATCHED_POSTS;
pub use rest::encode as encode_urn;

/// The `LinkedIn-Version` guichet is written against (§6: monthly
/// versions, each served at least 12 months; no default on LinkedIn's
/// side, so it is always sent).
pub const VERSION: &str = "202607";
/// LinkedIn's API host; paths start with `/rest/`.
pub const DEFAULT_BASE: &str = "https://api.linkedin.com";

#[derive(Debug, Clone)]
pub struct LinkedInConnector {
    /// How guichet names the organisation in item ids (`linkedin:{account}:…`).
    account: String,
    /// `urn:li:organization:{id}`: the author of our posts, the `actor` of
    /// our comments and reactions.
    org: String,
    rest: Rest,
}

impl LinkedInConnector {
    /// `base`: the API host ([`DEFAULT_BASE`], or the sandbox's
    /// `http://127.0.0.1:P/linkedin`). `account`: the organisation's name in
    /// item ids (the demo's `atelier-lumen`). `organization`: its URN
    /// (`urn:li:organization:80412345`) or bare numeric id. `token`: a
    /// 3-legged OAuth access token of an administrator of the organisation
    /// with `r/w_organization_social(_feed)`. Sends [`VERSION`].
    pub fn new(
        base: &str,
        account: &str,
        organization: &str,
        token: &str,
    ) -> Result<LinkedInConnector, ConnectorError> {
        LinkedInConnector::with_version(base, account, organization, token, VERSION)
    }

    /// As [`LinkedInConnector::new`], sending `version` (`YYYYMM`).
    pub fn with_version(
        base: &str,
        account: &str,
        organization: &str,
        token: &str,
        version: &str,
    ) -> Result<LinkedInConnector, ConnectorError> {
        let org = if organization.starts_with("urn:li:organization:") {
            organization.to_string()
        } else {
            format!("urn:li:organization:{organization}")
        };
        Ok(LinkedInConnector {
            account: account.to_string(),
            org,
            rest: Rest::new(base, token, version)?,
        })
    }

    /// The organisation URN this connector acts as.
    pub fn organization(&self) -> &str {
        &self.org
    }

    /// `action` on `item`, as LinkedIn's rules say, before anything is sent.
    fn check(&self, item: &Item, action: Capability) -> Result<(), ConnectorError> {
        let caps = capabilities(Network::LinkedIn);
        let target = Target::from_remote(&item.remote);
        caps.check(action, &target, Utc::now())
            .map(|_| ())
            .map_err(|no| {
                // What LinkedIn has no call for is `unsupported`; the rest
                // (scope) is a refusal of this item.
                let kind = if caps.allows(action) {
                    ErrorKind::Rejected
                } else {
                    unsupported(Network::LinkedIn, action.as_str()).kind
                };
                ConnectorError::new(Network::LinkedIn, kind, no.reason)
            })
    }

    /// The top-level comment a reply to `item` nests under: LinkedIn nests
    /// one level, so answering a nested comment answers its parent.
    fn parent_comment(item: &Item) -> String {
        let r = &item.remote;
        match (r.kind, r.parent_id.as_deref()) {
            (Kind::Reply, Some(p)) if comment_parts(p).is_some() => p.to_string(),
            _ => r.native_id.clone(),
        }
    }

    /// The id of a created comment: the body's URN, its `id`, or the
    /// `x-restli-id` header (where LinkedIn puts it is UNCONFIRMED).
    fn created_urn(object: &str, reply: &rest::Reply) -> Option<String> {
        let body = &reply.body;
        let s = |k: &str| body.get(k).and_then(Value::as_str);
        if let Some(urn) = s("$URN").or_else(|| s("commentUrn")) {
            return Some(urn.to_string());
        }
        let id = s("id").map(str::to_string).or_else(|| {
            reply
                .headers
                .get("x-restli-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        })?;
        if id.starts_with("urn:li:comment:") {
            return Some(id);
        }
        Some(format!("urn:li:comment:({object},{id})"))
    }
}

impl Connector for LinkedInConnector {
    fn network(&self) -> Network {
        Network::LinkedIn
    }

    fn account(&self) -> &str {
        &self.account
    }

    async fn fetch_new(
        &self,
        cursor: Option<&str>,
        depth: usize,
    ) -> Result<Fetched, ConnectorError> {
        self.fetch(cursor, depth).await
    }

    /// LinkedIn has no idempotency key: `find_reply` covers uncertain sends.
    async fn reply(&self, item: &Item, text: &str, _key: &str) -> Result<String, ConnectorError> {
        self.check(item, Capability::Reply)?;
        if let Some(problem) = count_for(Network::LinkedIn, item.remote.kind, text).problem() {
            return Err(err(ErrorKind::Rejected, problem));
        }
        let parent = Self::parent_comment(item);
        // `object` is the activity the comment URN names (as in §6's
        // example); whether LinkedIn wants the parent URN in the path, in
        // `parentComment`, or both is UNCONFIRMED: both are sent.
        let object = comment_parts(&parent)
            .map(|(o, _)| o.to_string())
            .or_else(|| item.remote.thread_id.clone())
            .ok_or_else(|| err(ErrorKind::Rejected, "this comment names no post"))?;
        let body = json!({
            "actor": self.org,
            "object": object,
            "message": { "text": text },
            "parentComment": parent,
        });
        let path = format!("/rest/socialActions/{}/comments", encode(&parent));
        let answer = self.rest.post(&path, &body).await?;
        Self::created_urn(&object, &answer)
            .ok_or_else(|| err(ErrorKind::BadPayload, "the created comment has no id"))
    }

    async fn find_reply(&self, item: &Item, text: &str) -> Result<Option<String>, ConnectorError> {
        let parent = Self::parent_comment(item);
        let path = format!("/rest/socialActions/{}/comments", encode(&parent));
        let elements = self.rest_all(&path).await?;
        Ok(elements.iter().find_map(|c| {
            let ours = c.get("actor").and_then(Value::as_str) == Some(self.org.as_str());
            let same = c
                .pointer("/message/text")
                .and_then(Value::as_str)
                .map(str::trim)
                == Some(text.trim());
            let urn = c
                .get("$URN")
                .or_else(|| c.get("commentUrn"))
                .and_then(Value::as_str)?;
            (ours && same).then(|| urn.to_string())
        }))
    }

    async fn act(&self, item: &Item, act: Act, _key: &str) -> Result<String, ConnectorError> {
        self.check(item, act.capability())?;
        let urn = &item.remote.native_id;
        match act {
            Act::Like => {
                let path = format!("/rest/reactions?actor={}", encode(&self.org));
                let body = json!({ "root": urn, "reactionType": "LIKE" });
                let answer = self.rest.post(&path, &body).await?;
                let id = answer
                    .headers
                    .get("x-restli-id")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string);
                Ok(id.unwrap_or_else(|| urn.clone()))
            }
            Act::Delete => {
                let (activity, id) = comment_parts(urn)
                    .ok_or_else(|| err(ErrorKind::Rejected, "not a LinkedIn comment URN"))?;
                // A nested comment is addressed under its parent comment, a
                // top-level one under the activity its URN names.
                let target = match (item.remote.kind, item.remote.parent_id.as_deref()) {
                    (Kind::Reply, Some(p)) if comment_parts(p).is_some() => p,
                    _ => activity,
                };
                let path = format!(
                    "/rest/socialActions/{}/comments/{}?actor={}",
                    encode(target),
                    encode(id),
                    encode(&self.org)
                );
                self.rest.delete(&path).await?;
                Ok(urn.clone())
            }
            // Refused by `check` above; kept for completeness.
            other => Err(unsupported(Network::LinkedIn, other.as_str())),
        }
    }

    /// No organisation messages on LinkedIn: refused with the reason.
    async fn private_reply(
        &self,
        item: &Item,
        _text: &str,
        _key: &str,
    ) -> Result<String, ConnectorError> {
        self.check(item, Capability::PrivateReply)?;
        Err(unsupported(Network::LinkedIn, "private reply"))
    }
}

impl LinkedInConnector {
    async fn rest_all(&self, path: &str) -> Result<Vec<Value>, ConnectorError> {
        self.all(path, COMMENTS).await
    }

    /// The `LinkedIn-Version` this connector sends.
    pub fn version(&self) -> &str {
        self.rest.version()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_token() {
        let c = LinkedInConnector::new(DEFAULT_BASE, "brand", "42", "AQV-secret-token").unwrap();
        assert!(!format!("{c:?}").contains("AQV-secret-token"));
        assert_eq!(c.organization(), "urn:li:organization:42");
        assert_eq!(c.version(), VERSION);
    }

    #[test]
    fn a_created_comment_is_named_from_body_or_header() {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-restli-id", "7241".parse().unwrap());
        let bare = rest::Reply {
            body: Value::Null,
            headers,
        };
        assert_eq!(
            LinkedInConnector::created_urn("urn:li:activity:1", &bare).as_deref(),
            Some("urn:li:comment:(urn:li:activity:1,7241)")
        );
        let full = rest::Reply {
            body: json!({ "$URN": "urn:li:comment:(urn:li:activity:1,9)" }),
            headers: reqwest::header::HeaderMap::new(),
        };
        assert_eq!(
            LinkedInConnector::created_urn("x", &full).as_deref(),
            Some("urn:li:comment:(urn:li:activity:1,9)")
        );
    }
}
