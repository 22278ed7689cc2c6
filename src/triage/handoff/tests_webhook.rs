//! The webhook channel against a real local receiver: body and headers,
//! status classification, a closed port, and a retry loop that ends with
//! exactly one success.

use std::time::Duration;

use super::tests_support::{closed_port, handoff, http, receiver};
use super::{Channel, DeliveryError, Limits, deliver, deliver_with};

#[tokio::test]
async fn delivers_the_payload_with_its_headers() {
    let (r, url) = receiver(&[]).await;
    let h = handoff("Je veux être remboursé.");
    let receipt = deliver(&Channel::Webhook { url: url.clone() }, &h, None, &http())
        .await
        .unwrap();
    assert!(
        receipt.starts_with("HTTP 200 OK from http://127.0.0.1:"),
        "{receipt}"
    );
    assert!(!receipt.contains("s3cr3t"), "the hook's path is a secret");
    let seen = r.seen();
    assert_eq!(seen.len(), 1);
    let body: serde_json::Value = serde_json::from_slice(&seen[0].body).unwrap();
    assert_eq!(body, h.payload());
    let header = |name: &str| {
        seen[0]
            .headers
            .get(name)
            .unwrap()
            .to_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(header("content-type"), "application/json");
    assert_eq!(
        header("user-agent"),
        concat!("guichet/", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(header("idempotency-key"), h.idempotency_key());

    // A second delivery of the same hand-off carries the same key.
    deliver(&Channel::Webhook { url }, &h, None, &http())
        .await
        .unwrap();
    let seen = r.seen();
    assert_eq!(
        seen[1].headers["idempotency-key"],
        seen[0].headers["idempotency-key"]
    );
}

async fn fails_with(status: u16) -> DeliveryError {
    let (r, url) = receiver(&[status]).await;
    let e = deliver(&Channel::Webhook { url }, &handoff("x"), None, &http())
        .await
        .unwrap_err();
    assert_eq!(r.seen().len(), 1);
    assert!(e.reason.contains(&status.to_string()), "{}", e.reason);
    assert!(!e.reason.contains("s3cr3t"), "{}", e.reason);
    e
}

#[tokio::test]
async fn server_errors_and_throttling_are_retried() {
    for status in [500, 502, 503, 429, 408] {
        assert!(fails_with(status).await.retry, "{status}");
    }
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    for status in [400, 401, 403, 404, 410, 422] {
        assert!(!fails_with(status).await.retry, "{status}");
    }
}

#[tokio::test]
async fn a_closed_port_is_retried() {
    let url = format!("http://127.0.0.1:{}/hooks/s3cr3t", closed_port());
    let e = deliver(&Channel::Webhook { url }, &handoff("x"), None, &http())
        .await
        .unwrap_err();
    assert!(e.retry, "{e}");
    assert!(!e.reason.contains("s3cr3t"), "{}", e.reason);
}

#[tokio::test]
async fn a_silent_receiver_times_out_and_is_retried() {
    // Accepts the connection and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let hold = tokio::spawn(async move {
        let (_socket, _) = listener.accept().await.unwrap();
        tokio::time::sleep(Duration::from_secs(30)).await;
    });
    let limits = Limits {
        webhook: Duration::from_millis(300),
        ..Limits::default()
    };
    let e = deliver_with(
        &Channel::Webhook { url },
        &handoff("x"),
        None,
        &http(),
        &limits,
    )
    .await
    .unwrap_err();
    assert!(e.retry && e.reason.contains("timed out"), "{e}");
    hold.abort();
}

#[tokio::test]
async fn bad_urls_are_not_retried() {
    for url in ["not a url", "ftp://example.org/x", "file:///etc/passwd"] {
        let e = deliver(
            &Channel::Webhook { url: url.into() },
            &handoff("x"),
            None,
            &http(),
        )
        .await
        .unwrap_err();
        assert!(!e.retry, "{url}: {e}");
    }
}

#[tokio::test]
async fn retrying_until_delivered_records_one_success() {
    let (r, url) = receiver(&[503, 502]).await;
    let h = handoff("Colis jamais arrivé.");
    let channel = Channel::Webhook { url };
    let mut attempts = 0;
    let receipt = loop {
        attempts += 1;
        match deliver(&channel, &h, None, &http()).await {
            Ok(receipt) => break receipt,
            Err(e) if e.retry && attempts < 5 => {
                tokio::time::sleep(Duration::from_millis(10)).await
            }
            Err(e) => panic!("gave up after {attempts}: {e}"),
        }
    };
    assert!(receipt.starts_with("HTTP 200"), "{receipt}");
    assert_eq!(attempts, 3);
    let seen = r.seen();
    let statuses: Vec<u16> = seen.iter().map(|s| s.status).collect();
    assert_eq!(statuses, [503, 502, 200]);
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1);
    let keys: Vec<_> = seen
        .iter()
        .map(|s| s.headers["idempotency-key"].clone())
        .collect();
    assert!(keys.iter().all(|k| *k == keys[0]), "one key across retries");
}

#[test]
fn channel_debug_hides_secrets() {
    let hook = Channel::Webhook {
        url: "https://hooks.slack.com/services/T0/B0/secret".into(),
    };
    assert_eq!(format!("{hook:?}"), "webhook to https://hooks.slack.com");
    let cmd = Channel::Command {
        cmd: "curl -H 'Authorization: Bearer tok' …".into(),
    };
    assert_eq!(format!("{cmd:?}"), "command");
    let smtp = super::Smtp {
        host: "smtp.example.org".into(),
        port: 587,
        from: "cm@example.org".into(),
        username: Some("cm".into()),
        password: Some("hunter2".into()),
        security: super::Security::StartTls,
    };
    let shown = format!("{smtp:?}");
    assert!(
        !shown.contains("hunter2") && shown.contains("<redacted>"),
        "{shown}"
    );
}
