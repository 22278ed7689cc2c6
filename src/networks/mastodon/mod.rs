//! Mastodon connector (`reference/networks.md` §8).
//!
//! - `read`: mention and quote notifications and `GET
//!   /api/v1/conversations` for DMs, `Link`-header paging, one saved
//!   cursor for both; content arrives as sanitised HTML and becomes text.
//! - `wire`: the JSON shapes and the status → item mapping (a DM's
//!   thread is its participants; `moderation.liked` is `favourited`).
//! - `write`: replies (direct ones to every participant), the context
//!   lookup before a resend, favourite, block, mute, delete of our own,
//!   reports (spam is the `spam` category).
//!
//! Every call goes through `MastodonConnector::get` / `post` / `delete`,
//! which read a 401 "The access token expired" as [`ErrorKind::AuthExpired`]
//! (Mastodon tokens do not expire by default, so other 401s stay revoked).

mod read;
mod wire;
mod write;

use serde_json::Value;

use super::connector::{Act, Connector, Fetched};
use super::error::{ConnectorError, ErrorKind};
use super::http::{Answer, Http};
use crate::model::{Item, Network};

#[derive(Clone)]
pub struct MastodonConnector {
    /// Instance base, e.g. `https://piaille.fr` (or the sandbox's).
    base: String,
    /// `user@instance`, as in item ids.
    account: String,
    token: String,
    http: Http,
}

impl std::fmt::Debug for MastodonConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MastodonConnector")
            .field("base", &self.base)
            .field("account", &self.account)
            .finish_non_exhaustive()
    }
}

/// The `rel="…"` target of a `Link` header.
pub fn link(header: &str, rel: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        let wanted = params
            .split(';')
            .any(|p| p.trim() == format!("rel=\"{rel}\""));
        wanted.then(|| {
            url.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string()
        })
    })
}

/// A 401 saying the token expired is [`ErrorKind::AuthExpired`] (an
/// instance can give tokens a lifetime); other 401s stay revoked.
fn refine(mut e: ConnectorError) -> ConnectorError {
    if e.kind == ErrorKind::AuthRevoked && e.message.to_ascii_lowercase().contains("expired") {
        e.kind = ErrorKind::AuthExpired;
    }
    e
}

impl MastodonConnector {
    pub fn new(
        base: &str,
        account: &str,
        token: &str,
    ) -> Result<MastodonConnector, ConnectorError> {
        Ok(MastodonConnector {
            base: base.trim_end_matches('/').to_string(),
            account: account.to_string(),
            token: token.to_string(),
            http: Http::new(Network::Mastodon)?,
        })
    }

    fn own_username(&self) -> &str {
        self.account.split('@').next().unwrap_or(&self.account)
    }

    async fn get(&self, url: &str) -> Result<Answer, ConnectorError> {
        self.http.get(url, &self.token).await.map_err(refine)
    }

    async fn post(
        &self,
        url: &str,
        body: &Value,
        idempotency: Option<&str>,
    ) -> Result<Answer, ConnectorError> {
        self.http
            .post_json(url, &self.token, body, idempotency)
            .await
            .map_err(refine)
    }

    async fn delete(&self, url: &str) -> Result<Answer, ConnectorError> {
        self.http.delete(url, &self.token).await.map_err(refine)
    }
}

impl Connector for MastodonConnector {
    async fn reply(
        &self,
        item: &Item,
        text: &str,
        idempotency_key: &str,
    ) -> Result<String, ConnectorError> {
        self.post_reply(item, text, idempotency_key).await
    }

    async fn find_reply(&self, item: &Item, text: &str) -> Result<Option<String>, ConnectorError> {
        self.find_posted(item, text).await
    }

    async fn act(
        &self,
        item: &Item,
        act: Act,
        _idempotency_key: &str,
    ) -> Result<String, ConnectorError> {
        self.act_on(item, act).await
    }

    async fn report(
        &self,
        item: &Item,
        report: &crate::networks::report::Report,
        _idempotency_key: &str,
    ) -> Result<String, ConnectorError> {
        self.file_report(item, report).await
    }

    fn network(&self) -> Network {
        Network::Mastodon
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
}

#[cfg(test)]
mod tests {
    use super::wire::Status;
    use super::*;
    use crate::model::Kind;

    #[test]
    fn link_header_targets() {
        let h = "<https://m.example/api/v1/notifications?max_id=34975535>; rel=\"next\", <https://m.example/api/v1/notifications?min_id=34975861>; rel=\"prev\"";
        assert_eq!(
            link(h, "next").as_deref(),
            Some("https://m.example/api/v1/notifications?max_id=34975535")
        );
        assert_eq!(
            link(h, "prev").as_deref(),
            Some("https://m.example/api/v1/notifications?min_id=34975861")
        );
        assert_eq!(link(h, "last"), None);
    }

    #[test]
    fn maps_the_reference_example() {
        let c = MastodonConnector::new(
            "https://mastodon.example",
            "cafelumen@mastodon.example",
            "t",
        )
        .unwrap();
        let status: Status = serde_json::from_value(serde_json::json!({
            "id": "103186126728896492",
            "uri": "https://fosstodon.org/users/zsc/statuses/103186126728896492",
            "url": "https://fosstodon.org/@zsc/103186126728896492",
            "created_at": "2026-09-14T07:49:01.940Z",
            "in_reply_to_id": "103186038209478945",
            "visibility": "public", "spoiler_text": "", "language": "en",
            "content": "<p><span class=\"h-card\"><a href=\"https://mastodon.example/@cafelumen\" class=\"u-url mention\">@<span>cafelumen</span></a></span> are you open on Sunday?</p>",
            "replies_count": 0, "reblogs_count": 0, "favourites_count": 0,
            "account": { "id": "971724", "username": "zsc", "acct": "zsc@fosstodon.org", "display_name": "Z. S. C." }
        }))
        .unwrap();
        let item = c.item(Some("mention"), status);
        assert_eq!(
            item.id.as_str(),
            "mastodon:cafelumen@mastodon.example:103186126728896492"
        );
        assert_eq!(item.remote.kind, Kind::Reply);
        assert_eq!(item.remote.text, "@cafelumen are you open on Sunday?");
        assert_eq!(item.remote.author.handle, "@zsc@fosstodon.org");
        assert_eq!(item.remote.thread_id.as_deref(), Some("103186038209478945"));
        assert!(!item.remote.from_us);
        assert!(!item.remote.moderation.liked);
    }

    #[test]
    fn a_direct_status_is_a_dm_threaded_by_its_participants() {
        let c = MastodonConnector::new("https://m.example", "brand@m.example", "t").unwrap();
        let status = |favourited: bool| -> Status {
            serde_json::from_value(serde_json::json!({
                "id": "9", "created_at": "2026-09-14T07:49:01.940Z",
                "visibility": "direct", "content": "<p>@brand @bo salut</p>",
                "in_reply_to_id": null, "favourited": favourited,
                "mentions": [
                    { "id": "1", "username": "brand", "acct": "brand", "url": null },
                    { "id": "77", "username": "bo", "acct": "bo@x.y", "url": null }
                ],
                "account": { "id": "42", "username": "ana", "acct": "ana@z.w" }
            }))
            .unwrap()
        };
        let from_mention = c.item(Some("mention"), status(true));
        let from_conversation = c.item(None, status(true));
        assert_eq!(from_mention, from_conversation, "one item whichever way");
        assert_eq!(from_mention.remote.kind, Kind::DirectMessage);
        assert_eq!(from_mention.remote.thread_id.as_deref(), Some("dm-42+77"));
        assert!(from_mention.remote.moderation.liked, "favourited");
        assert!(!c.item(None, status(false)).remote.moderation.liked);
    }

    #[test]
    fn an_expired_token_is_not_a_revoked_one() {
        let e = |m: &str| ConnectorError::new(Network::Mastodon, ErrorKind::AuthRevoked, m);
        assert_eq!(
            refine(e("The access token expired")).kind,
            ErrorKind::AuthExpired
        );
        assert_eq!(
            refine(e("The access token is invalid")).kind,
            ErrorKind::AuthRevoked
        );
    }

    #[test]
    fn debug_never_shows_the_token() {
        let c = MastodonConnector::new("https://m.example", "brand@m.example", "s3cr3t").unwrap();
        assert!(!format!("{c:?}").contains("s3cr3t"));
    }
}
