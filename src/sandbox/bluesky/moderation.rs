//! `com.atproto.moderation.createReport` (`reference/networks.md` §9,
//! "Report"), as the PDS forwards it to Bluesky's moderation service: the
//! session's access token; an `atproto-proxy` header, when sent, must name
//! that service ([`LABELER_PROXY`]; without one the PDS uses its default
//! report service, Bluesky's too); a known `reasonType`; `reason` at most
//! 2000 graphemes; a `subject` that is a strong ref to a post (its `cid`
//! must match the post's) or a `repoRef` to an account. The answer echoes
//! the report with its integer `id`, `reportedBy` and `createdAt`; every
//! report is kept and read back with [`Bluesky::reports`].

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::Utc;
use serde_json::{Value, json};
use unicode_segmentation::UnicodeSegmentation;

use super::{Auth, Bluesky, gate, invalid, iso, ok};

/// Bluesky's labeler, as clients name it in `atproto-proxy`.
pub const LABELER_PROXY: &str = "did:plc:ar7c4by46qjdydhdevvrndac#atproto_labeler";
const MAX_REASON: usize = 2000;
const REASONS: [&str; 6] = [
    "com.atproto.moderation.defs#reasonSpam",
    "com.atproto.moderation.defs#reasonViolation",
    "com.atproto.moderation.defs#reasonMisleading",
    "com.atproto.moderation.defs#reasonSexual",
    "com.atproto.moderation.defs#reasonRude",
    "com.atproto.moderation.defs#reasonOther",
];

/// What is wrong with `subject`, as the lexicon validator words it.
fn check_subject(app: &Bluesky, subject: Option<&Value>) -> Result<(), String> {
    let Some(subject) = subject else {
        return Err("Input must have the property \"subject\"".into());
    };
    let field = |k: &str| subject.get(k).and_then(Value::as_str);
    match field("$type") {
        Some("com.atproto.repo.strongRef") => {
            let (Some(uri), Some(cid)) = (field("uri"), field("cid")) else {
                return Err("Input/subject must have the properties \"uri\" and \"cid\"".into());
            };
            if !uri.starts_with("at://") {
                return Err("Input/subject/uri must be a valid at-uri".into());
            }
            match app.lock().posts.get(uri) {
                Some(post) if post.cid != cid => Err("Input/subject/cid does not match".into()),
                _ => Ok(()),
            }
        }
        Some("com.atproto.admin.defs#repoRef") => match field("did") {
            Some(did) if did.starts_with("did:") => Ok(()),
            _ => Err("Input/subject/did must be a valid did".into()),
        },
        _ => Err("Input/subject must be an object which includes the \"$type\" property".into()),
    }
}

pub(super) async fn create_report(
    State(app): State<Bluesky>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if let Err(resp) = gate(&app, &headers, Auth::Access).await {
        return resp;
    }
    let proxy = headers.get("atproto-proxy").and_then(|v| v.to_str().ok());
    if proxy.is_some_and(|p| p != LABELER_PROXY) {
        return invalid("could not resolve proxy did service url");
    }
    let Ok(input) = serde_json::from_slice::<Value>(&body) else {
        return invalid("Input must be an object");
    };
    let reason_type = input.get("reasonType").and_then(Value::as_str);
    let Some(reason_type) = reason_type.filter(|r| REASONS.contains(r)) else {
        return invalid("Invalid reasonType");
    };
    let reason = input.get("reason").and_then(Value::as_str);
    if reason.is_some_and(|r| r.graphemes(true).count() > MAX_REASON) {
        return invalid("Input/reason must not be longer than 2000 graphemes");
    }
    if let Err(why) = check_subject(&app, input.get("subject")) {
        return invalid(&why);
    }
    let report = {
        let mut st = app.lock();
        let id = st.tick();
        let mut report = json!({
            "id": id,
            "reasonType": reason_type,
            "subject": input.get("subject"),
            "reportedBy": st.me.did,
            "createdAt": iso(Utc::now()),
        });
        if let Some(reason) = reason {
            report["reason"] = Value::String(reason.to_string());
        }
        st.reports.push(report.clone());
        report
    };
    ok(&app, report)
}

impl Bluesky {
    /// Every report filed, oldest first, as `createReport` answered it.
    pub fn reports(&self) -> Vec<Value> {
        self.lock().reports.clone()
    }
}
