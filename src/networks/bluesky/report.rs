//! Reports to Bluesky's moderation service (`reference/networks.md` §9,
//! "Report"): `com.atproto.moderation.createReport` sent to the PDS with
//! `atproto-proxy` naming Bluesky's labeler, so the PDS forwards it there.
//!
//! A post is reported by its strong ref (uri + cid, read from `getPosts`);
//! a chat message has no strong ref, so a DM reports its author's account
//! (`com.atproto.admin.defs#repoRef`). The category becomes the
//! `reasonType` token and the comment the `reason` (≤ 2000 graphemes,
//! checked before sending). "Mark spam" is a report with `reasonSpam`.

use serde_json::{Value, json};

use super::session::Call;
use super::{BlueskyConnector, LABELER_PROXY, err};
use crate::model::{Item, Kind, Network};
use crate::networks::error::{ConnectorError, ErrorKind};
use crate::networks::report::Report;

impl BlueskyConnector {
    /// Files `report` on `item`; returns the report's id.
    pub(super) async fn report_on(
        &self,
        item: &Item,
        report: &Report,
    ) -> Result<String, ConnectorError> {
        report
            .check(Network::Bluesky)
            .map_err(|why| err(ErrorKind::Rejected, why))?;
        let subject = if item.remote.kind == Kind::DirectMessage {
            let did = self.author_did(item).await?;
            json!({ "$type": "com.atproto.admin.defs#repoRef", "did": did })
        } else {
            if item.remote.from_us {
                return Err(err(ErrorKind::Rejected, "cannot report our own post"));
            }
            let view = self.post_view(item).await?;
            let field = |k: &str| view.get(k).and_then(Value::as_str);
            let (Some(uri), Some(cid)) = (field("uri"), field("cid")) else {
                return Err(err(ErrorKind::BadPayload, "the post has no uri or cid"));
            };
            json!({ "$type": "com.atproto.repo.strongRef", "uri": uri, "cid": cid })
        };
        let mut body = json!({
            "reasonType": report.reason.bluesky_type(),
            "subject": subject,
        });
        if !report.comment.is_empty() {
            body["reason"] = Value::String(report.comment.clone());
        }
        let call = Call::post("com.atproto.moderation.createReport", body).proxy(LABELER_PROXY);
        let answer = self.call(call).await?;
        // The lexicon's `id` is an integer.
        match answer.body.get("id") {
            Some(Value::Number(n)) => Ok(n.to_string()),
            Some(Value::String(s)) => Ok(s.clone()),
            _ => Err(err(ErrorKind::BadPayload, "the report has no id")),
        }
    }
}
