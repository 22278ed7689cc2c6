//! `POST /api/v1/reports` (`reference/networks.md` §8) as an instance
//! answers it: `account_id` must name a known account (404 `Record not
//! found`, as `Account.find` says), every `status_ids[]` must be one of
//! that account's statuses (404 otherwise), `category` one of
//! `spam|legal|violation|other` (default `other`), and `comment` at most
//! 1000 characters (422 `Validation failed`). The answer is a Report
//! entity; the instance keeps every report for its moderators, which tests
//! read back with [`Mastodon::reports`].

use super::*;

/// The categories an instance accepts (Mastodon's `Report.category`).
const CATEGORIES: [&str; 4] = ["spam", "legal", "violation", "other"];
const MAX_COMMENT: usize = 1000;

/// A report, as the instance's moderators see it.
#[derive(Debug, Clone)]
pub(super) struct Filed {
    id: u64,
    account_id: String,
    status_ids: Vec<String>,
    category: String,
    comment: String,
    forward: bool,
    created_at: DateTime<Utc>,
}

impl Filed {
    fn json(&self, inst: &Instance) -> Value {
        let target = inst
            .account_by_id(&self.account_id)
            .map(|a| a.json(&inst.host));
        json!({
            "id": self.id.to_string(),
            "action_taken": false, "action_taken_at": null,
            "category": self.category, "comment": self.comment,
            "forwarded": self.forward,
            "created_at": self.created_at.to_rfc3339_opts(SecondsFormat::Millis, true),
            "status_ids": self.status_ids, "rule_ids": null,
            "target_account": target,
        })
    }
}

fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

pub(super) async fn create(
    State(app): State<Mastodon>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if let Err(resp) = gate(&app, &headers).await {
        return resp;
    }
    let Ok(Value::Object(params)) = serde_json::from_slice::<Value>(&body) else {
        return error(StatusCode::NOT_FOUND, "Record not found");
    };
    let text = |k: &str| match params.get(k) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let account_id = text("account_id").unwrap_or_default();
    let category = text("category").unwrap_or_else(|| "other".to_string());
    let comment = text("comment").unwrap_or_default();
    let forward = matches!(params.get("forward"), Some(Value::Bool(true)));
    let status_ids = strings(params.get("status_ids"));
    let answer = {
        let mut st = app.lock();
        if st.account_by_id(&account_id).is_none() {
            return error(StatusCode::NOT_FOUND, "Record not found");
        }
        let theirs = |id: &String| {
            id.parse::<u64>()
                .ok()
                .and_then(|i| st.statuses.get(&i))
                .is_some_and(|s| s.account.id == account_id)
        };
        if !status_ids.iter().all(theirs) {
            return error(StatusCode::NOT_FOUND, "Record not found");
        }
        if !CATEGORIES.contains(&category.as_str()) {
            return error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Validation failed: Category is not included in the list",
            );
        }
        if comment.chars().count() > MAX_COMMENT {
            return error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Validation failed: Comment is too long (maximum is 1000 characters)",
            );
        }
        let filed = Filed {
            id: st.next_id(),
            account_id,
            status_ids,
            category,
            comment,
            forward,
            created_at: Utc::now(),
        };
        let answer = filed.json(&st);
        st.reports.push(filed);
        answer
    };
    ok(&app, answer, None)
}

impl Mastodon {
    /// Every report filed on the instance, oldest first, as Report entities.
    pub fn reports(&self) -> Vec<Value> {
        let st = self.lock();
        st.reports.iter().map(|r| r.json(&st)).collect()
    }
}
