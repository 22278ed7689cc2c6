//! The callback receiver over real HTTP: 204 with the sink called, 401
//! without the token, 400 naming the bad field, 404 for an unknown item.

use std::sync::{Arc, Mutex};

use chrono::Utc;
use serde_json::{Value, json};

use super::tests_support::{http, serve};
use super::{Callback, CallbackSink, SinkError, callback_path, callback_router};

const KNOWN: &str = "bluesky:brand.bsky.social:at://did:plc:x/app.bsky.feed.post/1";

struct Server {
    base: String,
    got: Arc<Mutex<Vec<Callback>>>,
}

async fn server(token: Option<&str>) -> Server {
    let got: Arc<Mutex<Vec<Callback>>> = Arc::default();
    let record = got.clone();
    let sink: CallbackSink = Arc::new(move |c: Callback| {
        if c.item_id == KNOWN {
            record.lock().unwrap().push(c);
            Ok(())
        } else if c.item_id.ends_with(":broken") {
            Err(SinkError::Failed("sled: disk full at /home/cm".into()))
        } else {
            Err(SinkError::UnknownItem)
        }
    });
    let addr = serve(callback_router(sink, token.map(str::to_string))).await;
    Server {
        base: format!("http://{addr}"),
        got,
    }
}

async fn post(s: &Server, id: &str, token: Option<&str>, body: &str) -> (u16, Value) {
    let mut req = http()
        .post(format!("{}{}", s.base, callback_path(id)))
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

const GOOD: &str =
    r#"{"outcome": "refunded", "by": "Marie", "note": "  48 € par virement ", "done": true}"#;

#[tokio::test]
async fn a_good_callback_reaches_the_sink() {
    let s = server(Some("t0ken")).await;
    let before = Utc::now();
    let (status, body) = post(&s, KNOWN, Some("t0ken"), GOOD).await;
    assert_eq!(status, 204, "{body}");
    let got = s.got.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    let c = &got[0];
    assert_eq!(
        c.item_id, KNOWN,
        "the percent-encoded id (with / and :) is decoded"
    );
    assert_eq!((c.outcome.as_str(), c.by.as_str()), ("refunded", "Marie"));
    assert_eq!(c.note.as_deref(), Some("48 € par virement"));
    assert!(c.done);
    assert!(c.at >= before && c.at <= Utc::now());
}

#[tokio::test]
async fn done_and_note_are_optional() {
    let s = server(None).await;
    let (status, _) = post(
        &s,
        KNOWN,
        None,
        r#"{"outcome": "called the customer", "by": "Marie"}"#,
    )
    .await;
    assert_eq!(status, 204);
    let c = s.got.lock().unwrap()[0].clone();
    assert_eq!((c.note, c.done), (None, false));
}

#[tokio::test]
async fn the_token_is_required_when_configured() {
    let s = server(Some("t0ken")).await;
    for token in [None, Some("wrong"), Some("t0ke"), Some("")] {
        let (status, body) = post(&s, KNOWN, token, GOOD).await;
        assert_eq!(status, 401, "{token:?}");
        assert!(!body.to_string().contains("t0ken"));
    }
    let raw = http()
        .post(format!("{}{}", s.base, callback_path(KNOWN)))
        .header("authorization", "Basic dDBrZW4=")
        .body(GOOD)
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status().as_u16(), 401);
    assert!(s.got.lock().unwrap().is_empty());
}

#[tokio::test]
async fn bad_bodies_name_the_field() {
    let s = server(None).await;
    for (body, field) in [
        ("not json", "body"),
        ("[1, 2]", "body"),
        (r#"{"by": "Marie"}"#, "outcome"),
        (r#"{"outcome": "  ", "by": "Marie"}"#, "outcome"),
        (r#"{"outcome": 3, "by": "Marie"}"#, "outcome"),
        (r#"{"outcome": "refunded"}"#, "by"),
        (r#"{"outcome": "refunded", "by": ["Marie"]}"#, "by"),
        (
            r#"{"outcome": "refunded", "by": "Marie", "note": 1}"#,
            "note",
        ),
        (
            r#"{"outcome": "refunded", "by": "Marie", "done": "yes"}"#,
            "done",
        ),
    ] {
        let (status, answer) = post(&s, KNOWN, None, body).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(answer["field"], field, "{body}: {answer}");
        assert!(
            answer["error"].as_str().unwrap().contains(field),
            "{answer}"
        );
    }
    let long = json!({"outcome": "x".repeat(501), "by": "Marie"}).to_string();
    assert_eq!(post(&s, KNOWN, None, &long).await.1["field"], "outcome");
    assert!(s.got.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_malformed_id_is_a_bad_request_and_an_unknown_one_is_not_found() {
    let s = server(None).await;
    let (status, answer) = post(&s, "not-an-id", None, GOOD).await;
    assert_eq!((status, answer["field"].as_str()), (400, Some("item_id")));
    let (status, answer) = post(&s, "instagram:atelierlumen:nope", None, GOOD).await;
    assert_eq!((status, answer["field"].as_str()), (404, Some("item_id")));
    assert_eq!(answer["error"], "unknown item");
}

#[tokio::test]
async fn a_failing_sink_is_a_server_error_without_details() {
    let s = server(None).await;
    let (status, answer) = post(&s, "instagram:atelierlumen:broken", None, GOOD).await;
    assert_eq!(status, 500);
    assert!(!answer.to_string().contains("disk full"), "{answer}");
}

#[tokio::test]
async fn other_methods_and_paths_are_refused() {
    let s = server(None).await;
    let get = http()
        .get(format!("{}{}", s.base, callback_path(KNOWN)))
        .send()
        .await
        .unwrap();
    assert_eq!(get.status().as_u16(), 405);
    let elsewhere = http()
        .post(format!("{}/other", s.base))
        .body(GOOD)
        .send()
        .await
        .unwrap();
    assert_eq!(elsewhere.status().as_u16(), 404);
    let huge = json!({"outcome": "x", "by": "Marie", "note": "n".repeat(100_000)}).to_string();
    assert_eq!(post(&s, KNOWN, None, &huge).await.0, 413);
}

#[test]
fn callback_paths_are_percent_encoded() {
    assert_eq!(
        callback_path("bluesky:b.bsky.social:at://did:plc:x/p/1"),
        "/handoff/bluesky%3Ab.bsky.social%3Aat%3A%2F%2Fdid%3Aplc%3Ax%2Fp%2F1"
    );
    assert_eq!(callback_path("x:é:1"), "/handoff/x%3A%C3%A9%3A1");
}
