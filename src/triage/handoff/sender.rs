//! The hand-off sender: delivers the outbox's due hand-offs with
//! [`deliver`](super::deliver_with), beside the network sends and tied to
//! no account. A retryable failure waits (30 s, doubling, at most an hour)
//! and is tried again on a later pass, up to [`MAX_ATTEMPTS`]; any other
//! failure stays failed, for the user (`!`, `reply.retry`). An entry left
//! `Sending` by a crash is sent again: the receiver drops the duplicate by
//! its idempotency key.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use super::order::HandoffOrder;
use super::{Limits, Smtp, deliver_with};
use crate::change::LocalChange;
use crate::outbox::{OutAction, OutboxEntry, OutboxError, SendState, blocking, save};
use crate::store::Store;

/// Attempts before a retryable hand-off failure is given up.
pub const MAX_ATTEMPTS: u32 = 8;

/// What a delivery needs besides the entry.
#[derive(Debug, Clone)]
pub struct HandoffSender {
    /// The `[smtp]` section, its password read; `Err` says why it could
    /// not be (the e-mail hand-offs then fail with that reason).
    pub smtp: Option<Result<Smtp, String>>,
    pub http: reqwest::Client,
    pub limits: Limits,
}

impl HandoffSender {
    /// Reads the SMTP password (env or `password_cmd`) now; blocking.
    pub fn from_config(config: &crate::config::Config) -> HandoffSender {
        HandoffSender {
            smtp: config.smtp.as_ref().map(|s| s.resolve()),
            http: reqwest::Client::new(),
            limits: Limits::default(),
        }
    }
}

/// How long to wait after the `attempts`-th failed attempt.
pub fn backoff(attempts: u32) -> Duration {
    let secs = 30i64.saturating_mul(1i64 << attempts.saturating_sub(1).min(7));
    Duration::seconds(secs.min(3_600))
}

fn order(entry: &OutboxEntry) -> Option<&HandoffOrder> {
    match &entry.action {
        OutAction::Handoff(order) => Some(order),
        _ => None,
    }
}

/// Due now: pending, left sending, or failed-retryable past its backoff.
fn due(entry: &OutboxEntry, now: DateTime<Utc>) -> bool {
    let Some(order) = order(entry) else {
        return false;
    };
    match entry.state {
        SendState::Pending | SendState::Sending { .. } => true,
        SendState::Failed { retry: true, .. } => order.not_before.is_none_or(|t| t <= now),
        _ => false,
    }
}

/// Delivers every hand-off due at `now`, oldest first. Returns the entries
/// it touched, in their new state.
pub async fn send_due(
    store: Arc<dyn Store>,
    sender: &HandoffSender,
    now: DateTime<Utc>,
) -> Result<Vec<OutboxEntry>, OutboxError> {
    let all = {
        let store = store.clone();
        blocking(move || store.outbox()).await?
    };
    let mut done = Vec::new();
    for entry in all.into_iter().filter(|e| due(e, now)) {
        done.push(send_one(&store, sender, entry, now).await?);
    }
    Ok(done)
}

async fn send_one(
    store: &Arc<dyn Store>,
    sender: &HandoffSender,
    mut entry: OutboxEntry,
    now: DateTime<Utc>,
) -> Result<OutboxEntry, OutboxError> {
    let OutAction::Handoff(order) = entry.action.clone() else {
        return Ok(entry);
    };
    entry.state = SendState::Sending { since: now };
    entry.attempts += 1;
    save(store, &entry).await?;
    let smtp = match &sender.smtp {
        Some(Ok(smtp)) => Some(smtp),
        Some(Err(why)) if matches!(order.channel, super::Channel::Email { .. }) => {
            let error = format!("SMTP is not usable: {why}");
            return fail(store, entry, &order, error, false, now).await;
        }
        _ => None,
    };
    let result = deliver_with(
        &order.channel,
        &order.handoff,
        smtp,
        &sender.http,
        &sender.limits,
    )
    .await;
    match result {
        Ok(receipt) => {
            entry.state = SendState::Sent {
                remote_id: receipt,
                at: now,
            };
            save(store, &entry).await?;
            let (store, item, by) = (store.clone(), entry.item.clone(), entry.by.clone());
            let what = format!("hand-off sent: {}", order.channel.describe());
            blocking(move || {
                if let Some((seq, _)) = store.find(&item)? {
                    store.change(&[seq], &LocalChange::Record(what), &by)?;
                }
                Ok(())
            })
            .await?;
            Ok(entry)
        }
        Err(e) => {
            let retry = e.retry && entry.attempts < MAX_ATTEMPTS;
            fail(store, entry, &order, e.reason, retry, now).await
        }
    }
}

async fn fail(
    store: &Arc<dyn Store>,
    mut entry: OutboxEntry,
    order: &HandoffOrder,
    error: String,
    retry: bool,
    now: DateTime<Utc>,
) -> Result<OutboxEntry, OutboxError> {
    tracing::warn!(entry = entry.id, item = %entry.item, error = %error, retry, "hand-off failed");
    let mut order = order.clone();
    order.not_before = retry.then(|| now + backoff(entry.attempts));
    entry.action = OutAction::Handoff(Box::new(order));
    entry.state = SendState::Failed { error, retry };
    save(store, &entry).await?;
    Ok(entry)
}
