//! Sandbox repo writes and reads (`com.atproto.repo.*`) on the brand's
//! repo: `createRecord` (posts with checked strong refs, likes, blocks,
//! thread gates; other collections stored unvalidated as the PDS does),
//! `putRecord` (with `swapRecord`: a stale CID is a 400 `InvalidSwap`),
//! `deleteRecord` (a missing record is no error) and `getRecord` (a 400
//! `RecordNotFound` when absent). Records are checked as the lexicons say:
//! `$type`, `createdAt`, a like's strong ref, a block's DID, a thread gate
//! on one of our posts with the same rkey and at most 300 `hiddenReplies`.

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::Utc;
use serde_json::{Value, json};
use unicode_segmentation::UnicodeSegmentation;

use super::{
    Auth, BLOCK, Bluesky, LIKE, POST, Pds, Record, THREADGATE, cid_for, error, gate, invalid, ok,
    pairs, param, tid,
};

fn text_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// The lexicon checks the PDS runs on a record of `collection` at `rkey`.
fn validate(st: &Pds, collection: &str, rkey: &str, record: &Value) -> Result<(), String> {
    let bad = |what: &str| Err(format!("Invalid {collection} record: {what}"));
    let known = [POST, LIKE, BLOCK, THREADGATE].contains(&collection);
    if text_of(record, "$type").is_some_and(|t| t != collection)
        || (known && text_of(record, "$type").is_none())
    {
        return bad("Record/$type must be the collection's NSID");
    }
    if known && text_of(record, "createdAt").is_none() {
        return bad("Record must have the property \"createdAt\"");
    }
    match collection {
        POST => {
            let text = text_of(record, "text").unwrap_or("");
            if text.graphemes(true).count() > 300 || text.len() > 3000 {
                return bad("Record/text must not be longer than 300 graphemes");
            }
            for part in ["root", "parent"] {
                let Some(r) = record.get("reply") else { break };
                let uri = r.pointer(&format!("/{part}/uri")).and_then(Value::as_str);
                let cid = r.pointer(&format!("/{part}/cid")).and_then(Value::as_str);
                let known = uri.and_then(|u| st.posts.get(u));
                if known.is_none_or(|p| Some(p.cid.as_str()) != cid) {
                    return bad(&format!("reply {part} is not a valid strong ref"));
                }
            }
        }
        LIKE => {
            let uri = record.pointer("/subject/uri").and_then(Value::as_str);
            let cid = record.pointer("/subject/cid").and_then(Value::as_str);
            if !uri.is_some_and(|u| u.starts_with("at://")) || cid.is_none() {
                return bad("Record/subject must be a strong ref");
            }
        }
        BLOCK if !text_of(record, "subject").is_some_and(|s| s.starts_with("did:")) => {
            return bad("Record/subject must be a valid did");
        }
        THREADGATE => {
            let root = format!("at://{}/{POST}/{rkey}", st.me.did);
            if text_of(record, "post") != Some(root.as_str()) || !st.posts.contains_key(&root) {
                return bad("Record/post must be the root post with the same rkey, in this repo");
            }
            match record.get("hiddenReplies") {
                None => {}
                Some(Value::Array(h)) if h.len() > 300 => {
                    return bad("Record/hiddenReplies must not have more than 300 elements");
                }
                Some(Value::Array(h))
                    if h.iter()
                        .all(|u| u.as_str().is_some_and(|u| u.starts_with("at://"))) => {}
                Some(_) => return bad("Record/hiddenReplies must be a list of at-uris"),
            }
            if record.get("allow").is_some_and(|a| !a.is_array()) {
                return bad("Record/allow must be an array");
            }
        }
        _ => {}
    }
    Ok(())
}

/// The JSON input for our repo, or the `InvalidRequest` message to send.
fn input_for(st: &Pds, body: &[u8]) -> Result<Value, String> {
    let Ok(input) = serde_json::from_slice::<Value>(body) else {
        return Err("Input must be JSON".into());
    };
    let repo = text_of(&input, "repo");
    if repo != Some(st.me.did.as_str()) && repo != Some(st.me.handle.as_str()) {
        return Err("Invalid repo".into());
    }
    if text_of(&input, "collection").is_none() {
        return Err("Input must have the property \"collection\"".into());
    }
    Ok(input)
}

fn written(uri: &str, cid: &str, n: u64, known: bool) -> Value {
    json!({
        "uri": uri, "cid": cid, "commit": { "cid": cid_for(&format!("{cid}{n}")), "rev": tid(n) },
        "validationStatus": if known { "valid" } else { "unknown" },
    })
}

pub(super) async fn create_record(
    State(app): State<Bluesky>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if let Err(resp) = gate(&app, &headers, Auth::Access).await {
        return resp;
    }
    let body = {
        let mut st = app.lock();
        let input = match input_for(&st, &body) {
            Ok(i) => i,
            Err(m) => return invalid(&m),
        };
        let collection = text_of(&input, "collection")
            .unwrap_or_default()
            .to_string();
        let record = input.get("record").cloned().unwrap_or(Value::Null);
        let n = st.tick();
        let rkey = text_of(&input, "rkey").map_or_else(|| tid(n), str::to_string);
        if let Err(m) = validate(&st, &collection, &rkey, &record) {
            return invalid(&m);
        }
        let uri = format!("at://{}/{collection}/{rkey}", st.me.did);
        if st.posts.contains_key(&uri) || st.records.contains_key(&uri) {
            return invalid(&format!("Record already exists: {uri}"));
        }
        let cid = cid_for(&format!("{uri}#{n}"));
        if collection == POST {
            let (me, at) = (st.me.clone(), st.stamp(Utc::now()));
            st.store(uri.clone(), me, record, at);
            let cid = cid_for(&uri);
            written(&uri, &cid, n, true)
        } else {
            let known = [LIKE, BLOCK, THREADGATE].contains(&collection.as_str());
            let stored = Record {
                cid: cid.clone(),
                value: record,
                seq: n,
            };
            st.records.insert(uri.clone(), stored);
            written(&uri, &cid, n, known)
        }
    };
    ok(&app, body)
}

pub(super) async fn put_record(
    State(app): State<Bluesky>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if let Err(resp) = gate(&app, &headers, Auth::Access).await {
        return resp;
    }
    let body = {
        let mut st = app.lock();
        let input = match input_for(&st, &body) {
            Ok(i) => i,
            Err(m) => return invalid(&m),
        };
        let collection = text_of(&input, "collection")
            .unwrap_or_default()
            .to_string();
        let Some(rkey) = text_of(&input, "rkey").map(str::to_string) else {
            return invalid("Input must have the property \"rkey\"");
        };
        if collection == POST {
            return invalid("Updating app.bsky.feed.post records is not supported here");
        }
        let record = input.get("record").cloned().unwrap_or(Value::Null);
        if let Err(m) = validate(&st, &collection, &rkey, &record) {
            return invalid(&m);
        }
        let uri = format!("at://{}/{collection}/{rkey}", st.me.did);
        let current = st.records.get(&uri).map(|r| (r.cid.clone(), r.seq));
        if let Some(swap) = input.get("swapRecord") {
            let at = current.as_ref().map(|(c, _)| c.as_str());
            if swap.as_str() != at {
                let was = at.unwrap_or("null");
                return error(400, "InvalidSwap", &format!("Record was at {was}"));
            }
        }
        let n = st.tick();
        let cid = cid_for(&format!("{uri}#{n}"));
        let seq = current.map_or(n, |(_, s)| s);
        let stored = Record {
            cid: cid.clone(),
            value: record,
            seq,
        };
        st.records.insert(uri.clone(), stored);
        let known = [LIKE, BLOCK, THREADGATE].contains(&collection.as_str());
        written(&uri, &cid, n, known)
    };
    ok(&app, body)
}

pub(super) async fn delete_record(
    State(app): State<Bluesky>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if let Err(resp) = gate(&app, &headers, Auth::Access).await {
        return resp;
    }
    let body = {
        let mut st = app.lock();
        let input = match input_for(&st, &body) {
            Ok(i) => i,
            Err(m) => return invalid(&m),
        };
        let collection = text_of(&input, "collection").unwrap_or_default();
        let Some(rkey) = text_of(&input, "rkey") else {
            return invalid("Input must have the property \"rkey\"");
        };
        let uri = format!("at://{}/{collection}/{rkey}", st.me.did);
        let current = match collection {
            POST => st.posts.get(&uri).map(|p| p.cid.clone()),
            _ => st.records.get(&uri).map(|r| r.cid.clone()),
        };
        if let Some(swap) = input.get("swapRecord")
            && swap.as_str() != current.as_deref()
        {
            let was = current.as_deref().unwrap_or("null");
            return error(400, "InvalidSwap", &format!("Record was at {was}"));
        }
        st.posts.remove(&uri);
        st.records.remove(&uri);
        let n = st.tick();
        json!({ "commit": { "cid": cid_for(&format!("{uri}-{n}")), "rev": tid(n) } })
    };
    ok(&app, body)
}

pub(super) async fn get_record(
    State(app): State<Bluesky>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    if let Err(resp) = gate(&app, &headers, Auth::None).await {
        return resp;
    }
    let q = pairs(raw);
    let (Some(repo), Some(collection), Some(rkey)) = (
        param(&q, "repo"),
        param(&q, "collection"),
        param(&q, "rkey"),
    ) else {
        return invalid("Params must have the properties \"repo\", \"collection\" and \"rkey\"");
    };
    let body = {
        let st = app.lock();
        let did = st.actor(repo).map_or(repo, |p| p.did.as_str());
        let uri = format!("at://{did}/{collection}/{rkey}");
        let found = match collection {
            POST => st
                .posts
                .get(&uri)
                .map(|p| (p.cid.clone(), p.record.clone())),
            _ => st
                .records
                .get(&uri)
                .map(|r| (r.cid.clone(), r.value.clone())),
        };
        let Some((cid, value)) = found else {
            return error(
                400,
                "RecordNotFound",
                &format!("Could not locate record: {uri}"),
            );
        };
        json!({ "uri": uri, "cid": cid, "value": value })
    };
    ok(&app, body)
}
