//! The e-mail channel: a plain-text UTF-8 message (quoted-printable, so
//! French accents survive any relay) over SMTP with lettre.
//!
//! The `Message-ID` is derived from the hand-off's idempotency key, so a
//! duplicate sent after a crash can be spotted by the colleague's mail
//! client. Reply-To is the community manager when `by` is an address.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::deliver::{DeliveryError, Security, Smtp};
use super::{Handoff, render};

pub(super) async fn send(
    smtp: &Smtp,
    to: &str,
    handoff: &Handoff,
    timeout: Duration,
) -> Result<String, DeliveryError> {
    let message = build(smtp, to, handoff)?;
    let transport = transport(smtp, timeout)?;
    let response = tokio::time::timeout(timeout, transport.send(message))
        .await
        .map_err(|_| {
            DeliveryError::retry(format!(
                "SMTP {}:{} timed out after {} s",
                smtp.host,
                smtp.port,
                timeout.as_secs()
            ))
        })?
        .map_err(|e| classify(&e, smtp))?;
    let words = response.message().collect::<Vec<_>>().join(" ");
    Ok(format!("SMTP {} {}", response.code(), words.trim()))
}

/// The message, or a permanent error for an address that does not parse.
pub(super) fn build(smtp: &Smtp, to: &str, handoff: &Handoff) -> Result<Message, DeliveryError> {
    let to: Mailbox = to
        .trim()
        .parse()
        .map_err(|e| DeliveryError::fatal(format!("bad recipient address '{to}': {e}")))?;
    let from: Mailbox =
        smtp.from.trim().parse().map_err(|e| {
            DeliveryError::fatal(format!("bad sender address '{}': {e}", smtp.from))
        })?;
    let mut builder = Message::builder()
        .from(from)
        .to(to)
        .subject(render::one_line(&handoff.subject()))
        .message_id(Some(format!(
            "<{}@guichet.handoff>",
            handoff.idempotency_key()
        )))
        .header(ContentType::TEXT_PLAIN)
        .header(ContentTransferEncoding::QuotedPrintable);
    if let Ok(cm) = handoff.by.trim().parse::<Mailbox>() {
        builder = builder.reply_to(cm);
    }
    builder
        .body(handoff.email_body())
        .map_err(|e| DeliveryError::fatal(format!("cannot build the e-mail: {e}")))
}

fn transport(
    smtp: &Smtp,
    timeout: Duration,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, DeliveryError> {
    let tls_error = |e: lettre::transport::smtp::Error| {
        DeliveryError::fatal(format!("SMTP {}: cannot set up TLS: {e}", smtp.host))
    };
    let builder = match smtp.security {
        Security::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
        Security::StartTls => {
            AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host).map_err(tls_error)?
        }
        Security::Tls => {
            AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host).map_err(tls_error)?
        }
    };
    let mut builder = builder.port(smtp.port).timeout(Some(timeout));
    if let (Some(user), Some(password)) = (&smtp.username, &smtp.password) {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
    }
    Ok(builder.build())
}

/// 4xx and the network are worth retrying; 5xx, TLS and client errors need
/// the user. lettre's messages hold the server's words, never our password.
fn classify(e: &lettre::transport::smtp::Error, smtp: &Smtp) -> DeliveryError {
    let reason = format!("SMTP {}:{}: {e}", smtp.host, smtp.port);
    if e.is_permanent() || e.is_tls() || e.is_client() {
        DeliveryError::fatal(reason)
    } else {
        // Transient (4xx), timeouts, refused or cut connections, garbled
        // replies, a transport shut down under us.
        DeliveryError::retry(reason)
    }
}
