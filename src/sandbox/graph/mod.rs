//! What the Facebook and Instagram sandboxes share: Meta's Graph API
//! envelope (`reference/networks.md` §1). Versioned paths
//! (`/v23.0/{id}/{edge}`), a Page token as bearer or `access_token`,
//! `{data, paging{cursors, next}}` pages with absolute `next` URLs, the
//! `{"error":{message,type,code,error_subcode,fbtrace_id}}` body with
//! HTTP 400/403/500, `X-App-Usage` / `X-Business-Use-Case-Usage` headers on
//! every answer, and the shared fault queue. [`inbox`] is the Messenger
//! style inbox (conversations + Send API) both networks answer with;
//! [`moderate`] its `moderate_conversations` (Facebook routes it).

pub mod inbox;
pub mod moderate;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::faults::{Fault, Faults};

pub use crate::networks::graph::graph_time;

/// What every Graph replica keeps besides its content.
#[derive(Debug, Clone)]
pub struct Gate {
    /// The Page token this replica accepts.
    pub token: &'static str,
    /// The business object the usage header is keyed by (the Page / IG user).
    pub object_id: String,
    /// `pages` or `instagram`: the BUC usage type.
    pub usage_type: &'static str,
    /// The throttle code sent with an injected rate limit (32 or 80002).
    pub throttle_code: i64,
    pub faults: Faults,
    meter: Arc<Mutex<Meter>>,
}

#[derive(Debug, Default)]
struct Meter {
    calls: usize,
    usage_percent: u64,
    max_page: Option<usize>,
}

/// A request's parameters: the query string, then the body (JSON or form).
#[derive(Debug, Default, Clone)]
pub struct Params(pub HashMap<String, Value>);

impl Params {
    pub fn parse(uri: &Uri, body: &[u8]) -> Params {
        let mut map: HashMap<String, Value> = uri
            .query()
            .map(form)
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect();
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(obj)) => map.extend(obj),
            _ => {
                let text = String::from_utf8_lossy(body);
                for (k, v) in form(&text) {
                    // Form fields may carry JSON (`recipient={"id":"…"}`).
                    let value = serde_json::from_str(&v).unwrap_or(Value::String(v));
                    map.insert(k, value);
                }
            }
        }
        Params(map)
    }

    pub fn str(&self, key: &str) -> Option<String> {
        match self.0.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        }
    }

    /// `true`/`false` as a JSON bool or a string.
    pub fn bool(&self, key: &str) -> Option<bool> {
        match self.0.get(key)? {
            Value::Bool(b) => Some(*b),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
    }

    pub fn num(&self, key: &str) -> Option<i64> {
        self.str(key)?.parse().ok()
    }

    pub fn json(&self, key: &str) -> Option<Value> {
        match self.0.get(key)? {
            Value::String(s) => serde_json::from_str(s).ok(),
            other => Some(other.clone()),
        }
    }
}

/// `a=1&b=2` into decoded pairs.
pub fn form(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A Graph error answer.
pub fn error(status: StatusCode, code: i64, subcode: Option<i64>, message: &str) -> Response {
    let mut err = json!({
        "message": message,
        "type": if code == 190 { "OAuthException" } else { "GraphMethodException" },
        "code": code,
        "fbtrace_id": "AbCdEfGhIjKlMnOp",
    });
    if let Some(sub) = subcode {
        err["error_subcode"] = json!(sub);
    }
    (status, axum::Json(json!({ "error": err }))).into_response()
}

/// The "object does not exist" error (code 100, subcode 33).
pub fn not_found(id: &str) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        100,
        Some(33),
        &format!(
            "Unsupported get request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation."
        ),
    )
}

impl Gate {
    pub fn new(
        token: &'static str,
        object_id: &str,
        usage_type: &'static str,
        throttle_code: i64,
    ) -> Gate {
        Gate {
            token,
            object_id: object_id.to_string(),
            usage_type,
            throttle_code,
            faults: Faults::default(),
            meter: Arc::new(Mutex::new(Meter::default())),
        }
    }

    fn meter(&self) -> std::sync::MutexGuard<'_, Meter> {
        self.meter
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Requests answered so far (faults included).
    pub fn calls(&self) -> usize {
        self.meter().calls
    }

    /// The usage percentage the next answers report (Meta throttles at 100).
    pub fn set_usage(&self, percent: u64) {
        self.meter().usage_percent = percent;
    }

    /// Caps every page at `n` entries (page-boundary tests).
    pub fn set_max_page(&self, n: usize) {
        self.meter().max_page = Some(n.max(1));
    }

    pub fn page_size(&self, asked: Option<i64>, default: usize) -> usize {
        let asked = asked
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(default)
            .clamp(1, 100);
        self.meter().max_page.map_or(asked, |m| asked.min(m))
    }

    fn usage_headers(&self, headers: &mut HeaderMap, percent: u64, regain_minutes: u64) {
        let app = json!({ "call_count": percent, "total_cputime": percent / 2, "total_time": percent / 2 });
        let buc = json!({ self.object_id.clone(): [{
            "type": self.usage_type, "call_count": percent, "total_cputime": percent / 2,
            "total_time": percent / 2, "estimated_time_to_regain_access": regain_minutes,
        }]});
        for (k, v) in [
            ("x-app-usage", app.to_string()),
            ("x-business-use-case-usage", buc.to_string()),
        ] {
            if let Ok(v) = HeaderValue::from_str(&v) {
                headers.insert(k, v);
            }
        }
    }

    /// Faults and auth, before any handler runs. `Err` is the answer to send.
    pub async fn check(&self, headers: &HeaderMap, params: &Params) -> Result<(), Response> {
        self.meter().calls += 1;
        match self.faults.next() {
            Some(Fault::RateLimited { reset_secs }) => {
                let mut resp = error(
                    StatusCode::FORBIDDEN,
                    self.throttle_code,
                    None,
                    &format!(
                        "(#{}) There have been too many calls for this account. Wait a bit and try again.",
                        self.throttle_code
                    ),
                );
                self.usage_headers(resp.headers_mut(), 100, reset_secs.div_ceil(60));
                return Err(resp);
            }
            Some(Fault::ServerError) => {
                return Err(error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    2,
                    None,
                    "An unexpected error has occurred. Please retry your request later.",
                ));
            }
            Some(Fault::Malformed) => {
                return Err((StatusCode::OK, "{\"data\": [{\"id\": \"1\", oops").into_response());
            }
            Some(Fault::Unauthorized) => {
                return Err(error(
                    StatusCode::BAD_REQUEST,
                    190,
                    Some(463),
                    "Error validating access token: Session has expired on Monday, 23-Nov-26 09:00:00 PST.",
                ));
            }
            Some(Fault::Slow { millis }) => {
                tokio::time::sleep(std::time::Duration::from_millis(millis)).await;
            }
            None => {}
        }
        let bearer = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::to_string);
        let token = bearer.or_else(|| params.str("access_token"));
        if token.as_deref() != Some(self.token) {
            return Err(error(
                StatusCode::BAD_REQUEST,
                190,
                None,
                "Invalid OAuth access token - Cannot parse access token",
            ));
        }
        Ok(())
    }

    /// A 200 answer with the usage headers.
    pub fn ok(&self, body: Value) -> Response {
        let percent = self.meter().usage_percent;
        let mut resp = axum::Json(body).into_response();
        self.usage_headers(resp.headers_mut(), percent, 0);
        resp
    }
}

/// Where a request came in: the scheme+host and the versioned root
/// (`http://127.0.0.1:port/facebook/v23.0`), for absolute `next` URLs.
pub fn root(headers: &HeaderMap, uri: &Uri) -> String {
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let path = uri.path();
    let end = path
        .match_indices("/v")
        .find(|(i, _)| path[i + 2..].starts_with(|c: char| c.is_ascii_digit()))
        .map_or(0, |(i, _)| i);
    let version_end = path[end + 1..]
        .find('/')
        .map_or(path.len(), |j| end + 1 + j);
    format!("http://{host}{}", &path[..version_end])
}

/// One page of `all`, from the opaque `after` cursor, in the Graph shape.
/// `next` repeats `query` (minus `after`) on `url`.
pub fn page(
    all: Vec<Value>,
    after: Option<&str>,
    limit: usize,
    url: &str,
    query: &[(String, String)],
) -> Value {
    let start = after
        .and_then(|a| a.strip_prefix("QVFI"))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0)
        .min(all.len());
    let end = (start + limit).min(all.len());
    let data: Vec<Value> = all[start..end].to_vec();
    let mut paging =
        json!({ "cursors": { "before": format!("QVFI{start}"), "after": format!("QVFI{end}") } });
    if end < all.len() {
        let mut q: Vec<String> = query
            .iter()
            .filter(|(k, _)| k != "after" && k != "access_token")
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect();
        q.push(format!("after=QVFI{end}"));
        paging["next"] = json!(format!("{url}?{}", q.join("&")));
    }
    if start > 0 {
        paging["previous"] = json!(format!("{url}?before=QVFI{start}"));
    }
    json!({ "data": data, "paging": paging })
}

fn encode(v: &str) -> String {
    let mut out = String::new();
    for b in v.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'~'
            | b','
            | b'('
            | b')' => out.push(char::from(b)),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The `.limit(N)` of an inlined edge in `fields` (`messages.limit(20){…}`).
pub fn inline_limit(fields: &str, edge: &str) -> Option<usize> {
    let at = fields.find(&format!("{edge}.limit("))?;
    let rest = &fields[at + edge.len() + 7..];
    rest.split(')').next()?.parse().ok()
}

/// Newest first, by a time field.
pub fn newest_first<T>(v: &mut [T], at: impl Fn(&T) -> DateTime<Utc>) {
    v.sort_by_key(|x| std::cmp::Reverse(at(x)));
}

/// A `since` parameter (Unix seconds or a Graph time) as a time.
pub fn since(params: &Params) -> Option<DateTime<Utc>> {
    let raw = params.str("since")?;
    raw.parse::<i64>()
        .ok()
        .and_then(|s| DateTime::from_timestamp(s, 0))
        .or_else(|| crate::networks::graph::time(Some(&Value::String(raw))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_and_paging() {
        assert_eq!(decode("a%7Bb%7D+c"), "a{b} c");
        assert_eq!(
            inline_limit("id,messages.limit(20){id}", "messages"),
            Some(20)
        );
        let all: Vec<Value> = (0..5).map(|i| json!(i)).collect();
        let p = page(
            all.clone(),
            None,
            2,
            "http://h/v23.0/1/feed",
            &[("limit".into(), "2".into())],
        );
        assert_eq!(p["data"], json!([0, 1]));
        assert_eq!(
            p["paging"]["next"],
            json!("http://h/v23.0/1/feed?limit=2&after=QVFI2")
        );
        let last = page(all, Some("QVFI4"), 2, "u", &[]);
        assert_eq!(last["data"], json!([4]));
        assert!(last["paging"].get("next").is_none());
        let uri: Uri = "/facebook/v23.0/123/feed?x=1".parse().unwrap();
        assert_eq!(
            root(&HeaderMap::new(), &uri),
            "http://127.0.0.1/facebook/v23.0"
        );
    }
}
