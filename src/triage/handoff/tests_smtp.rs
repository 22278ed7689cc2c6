//! The e-mail channel against a fake SMTP server written here (tokio
//! TcpListener, enough SMTP for lettre): envelope, decoded subject and
//! UTF-8 body, and the 4xx / 5xx classification.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use super::tests_support::{closed_port, handoff, http};
use super::{Channel, Limits, Security, Smtp, deliver, deliver_with};

#[derive(Debug, Clone, Default)]
pub(super) struct Session {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    pub data: String,
}

pub(super) type Sessions = Arc<Mutex<Vec<Session>>>;

/// Listens on 127.0.0.1:0; answers `rcpt_reply` to RCPT TO.
pub(super) async fn fake_smtp(rcpt_reply: &'static str) -> (u16, Sessions) {
    fake_smtp_with(rcpt_reply, None).await
}

/// [`fake_smtp`], offering AUTH PLAIN and answering `auth_reply` to it.
async fn fake_smtp_with(
    rcpt_reply: &'static str,
    auth_reply: Option<&'static str>,
) -> (u16, Sessions) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let sessions = Sessions::default();
    let record = sessions.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(converse(socket, rcpt_reply, auth_reply, record.clone()));
        }
    });
    (port, sessions)
}

async fn converse(
    socket: tokio::net::TcpStream,
    rcpt_reply: &str,
    auth_reply: Option<&str>,
    sessions: Sessions,
) {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    let mut session = Session::default();
    write.write_all(b"220 fake.test ESMTP\r\n").await.unwrap();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let upper = line.to_ascii_uppercase();
        let reply = if upper.starts_with("EHLO") && auth_reply.is_some() {
            "250-fake.test\r\n250 AUTH PLAIN".to_string()
        } else if upper.starts_with("EHLO") {
            "250-fake.test\r\n250 HELP".to_string()
        } else if let (true, Some(auth)) = (upper.starts_with("AUTH"), auth_reply) {
            auth.to_string()
        } else if upper.starts_with("HELO")
            || upper.starts_with("RSET")
            || upper.starts_with("NOOP")
        {
            "250 OK".to_string()
        } else if upper.starts_with("MAIL FROM:") {
            session.mail_from = line[10..].trim().to_string();
            "250 OK".to_string()
        } else if upper.starts_with("RCPT TO:") {
            session.rcpt_to.push(line[8..].trim().to_string());
            rcpt_reply.to_string()
        } else if upper.starts_with("DATA") {
            write.write_all(b"354 go ahead\r\n").await.unwrap();
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                    return;
                }
                if line == ".\r\n" {
                    break;
                }
                let unstuffed = line.strip_prefix('.').unwrap_or(&line);
                data.push_str(unstuffed);
            }
            session.data = data;
            sessions.lock().unwrap().push(session.clone());
            "250 2.0.0 Ok: queued as 42".to_string()
        } else if upper.starts_with("QUIT") {
            let _ = write.write_all(b"221 bye\r\n").await;
            return;
        } else {
            "502 unknown command".to_string()
        };
        if write
            .write_all(format!("{reply}\r\n").as_bytes())
            .await
            .is_err()
        {
            return;
        }
    }
}

pub(super) fn smtp(port: u16) -> Smtp {
    Smtp {
        host: "127.0.0.1".into(),
        port,
        from: "guichet <cm@atelier-lumen.test>".into(),
        username: None,
        password: None,
        security: Security::None,
    }
}

fn email(to: &str) -> Channel {
    Channel::Email { to: to.into() }
}

/// Headers unfolded, and the body; both as received.
fn split(data: &str) -> (String, String) {
    let (head, body) = data.split_once("\r\n\r\n").unwrap();
    (
        head.replace("\r\n ", " ").replace("\r\n\t", " "),
        body.to_string(),
    )
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.split("\r\n").find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// RFC 2047 encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`), joined.
fn decode_words(value: &str) -> String {
    let re = regex::Regex::new(r"=\?[^?]+\?([bBqQ])\?([^?]*)\?=").unwrap();
    let mut out = Vec::new();
    let mut last = 0;
    for m in re.captures_iter(value) {
        let whole = m.get(0).unwrap();
        let between = &value[last..whole.start()];
        if !(last > 0 && between.trim().is_empty()) {
            out.extend_from_slice(between.as_bytes());
        }
        let text = &m[2];
        if m[1].eq_ignore_ascii_case("b") {
            out.extend(
                base64::engine::general_purpose::STANDARD
                    .decode(text)
                    .unwrap(),
            );
        } else {
            out.extend(quoted_printable(&text.replace('_', " ")));
        }
        last = whole.end();
    }
    out.extend_from_slice(&value.as_bytes()[last..]);
    String::from_utf8(out).unwrap()
}

fn quoted_printable(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' && b[i + 1..].starts_with(b"\r\n") {
            i += 3;
        } else if b[i] == b'=' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

fn decoded_body(head: &str, body: &str) -> String {
    let bytes = match header(head, "Content-Transfer-Encoding") {
        Some(e) if e.eq_ignore_ascii_case("quoted-printable") => quoted_printable(body),
        Some(e) if e.eq_ignore_ascii_case("base64") => base64::engine::general_purpose::STANDARD
            .decode(body.replace("\r\n", ""))
            .unwrap(),
        _ => body.as_bytes().to_vec(),
    };
    String::from_utf8(bytes).unwrap().replace("\r\n", "\n")
}

#[tokio::test]
async fn delivers_a_utf8_plain_text_mail() {
    let (port, sessions) = fake_smtp("250 OK").await;
    let h = handoff("Bonjour, je veux être remboursé à 100 % ! Ça fait déjà 3 semaines.");
    let receipt = deliver(
        &email("Marie Curie <marie@atelier-lumen.test>"),
        &h,
        Some(&smtp(port)),
        &http(),
    )
    .await
    .unwrap();
    assert_eq!(receipt, "SMTP 250 2.0.0 Ok: queued as 42");
    let sessions = sessions.lock().unwrap().clone();
    assert_eq!(sessions.len(), 1);
    let s = &sessions[0];
    assert!(
        s.mail_from.starts_with("<cm@atelier-lumen.test>"),
        "{}",
        s.mail_from
    );
    assert_eq!(s.rcpt_to, ["<marie@atelier-lumen.test>"]);
    let (head, body) = split(&s.data);
    assert_eq!(decode_words(header(&head, "Subject").unwrap()), h.subject());
    assert!(
        header(&head, "To")
            .unwrap()
            .contains("marie@atelier-lumen.test")
    );
    assert_eq!(
        header(&head, "Message-ID"),
        Some(format!("<{}@guichet.handoff>", h.idempotency_key()).as_str())
    );
    assert!(
        header(&head, "Content-Type")
            .unwrap()
            .contains("charset=utf-8"),
        "{head}"
    );
    let text = decoded_body(&head, &body);
    assert!(
        text.contains("> Bonjour, je veux être remboursé à 100 % ! Ça fait déjà 3 semaines."),
        "{text}"
    );
    assert!(text.contains("> Déjà remboursé une fois en octobre."));
    assert_eq!(text.trim_end(), h.email_body().trim_end());
}

#[tokio::test]
async fn reply_to_is_the_cm_when_by_is_an_address() {
    let (port, sessions) = fake_smtp("250 OK").await;
    let mut h = handoff("x");
    h.by = "paul@atelier-lumen.test".into();
    deliver(
        &email("marie@atelier-lumen.test"),
        &h,
        Some(&smtp(port)),
        &http(),
    )
    .await
    .unwrap();
    let data = sessions.lock().unwrap()[0].data.clone();
    let (head, _) = split(&data);
    assert_eq!(header(&head, "Reply-To"), Some("paul@atelier-lumen.test"));
}

#[tokio::test]
async fn a_temporary_refusal_is_retried() {
    let (port, sessions) = fake_smtp("451 4.3.0 try again later").await;
    let e = deliver(
        &email("marie@atelier-lumen.test"),
        &handoff("x"),
        Some(&smtp(port)),
        &http(),
    )
    .await
    .unwrap_err();
    assert!(e.retry, "{e}");
    assert!(
        e.reason.contains("451") || e.reason.contains("try again"),
        "{e}"
    );
    assert!(sessions.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_permanent_refusal_is_not_retried() {
    let (port, _) = fake_smtp("550 5.1.1 no such user").await;
    let e = deliver(
        &email("nobody@atelier-lumen.test"),
        &handoff("x"),
        Some(&smtp(port)),
        &http(),
    )
    .await
    .unwrap_err();
    assert!(!e.retry, "{e}");
    assert!(e.reason.contains("no such user"), "{e}");
}

#[tokio::test]
async fn a_closed_port_is_retried_and_a_bad_address_is_not() {
    let limits = Limits {
        smtp: Duration::from_secs(5),
        ..Limits::default()
    };
    let down = smtp(closed_port());
    let e = deliver_with(
        &email("marie@atelier-lumen.test"),
        &handoff("x"),
        Some(&down),
        &http(),
        &limits,
    )
    .await
    .unwrap_err();
    assert!(e.retry, "{e}");
    for bad in ["marie", "marie@", "a b@c", ""] {
        let e = deliver(&email(bad), &handoff("x"), Some(&down), &http())
            .await
            .unwrap_err();
        assert!(!e.retry, "{bad:?}: {e}");
    }
    let e = deliver(
        &email("marie@atelier-lumen.test"),
        &handoff("x"),
        None,
        &http(),
    )
    .await
    .unwrap_err();
    assert!(!e.retry && e.reason.contains("smtp"), "{e}");
}

#[tokio::test]
async fn a_refused_login_is_final_and_never_shows_the_password() {
    let (port, sessions) = fake_smtp_with("250 OK", Some("535 5.7.8 authentication failed")).await;
    let with_password = Smtp {
        username: Some("cm".into()),
        password: Some("hunter2-secret".into()),
        ..smtp(port)
    };
    let e = deliver(
        &email("marie@atelier-lumen.test"),
        &handoff("x"),
        Some(&with_password),
        &http(),
    )
    .await
    .unwrap_err();
    assert!(!e.retry, "{e}");
    assert!(e.reason.contains("authentication failed"), "{e}");
    assert!(!e.reason.contains("hunter2"), "{e}");
    assert!(sessions.lock().unwrap().is_empty());
}
