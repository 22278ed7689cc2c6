//! Fault injection for the sandbox: a queue of faults per network, each
//! consumed by the next request, so a test (or the demo) can make a network
//! rate-limit, fail, send garbage or revoke the token exactly once.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

/// What the next request to a sandboxed network suffers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// 429 with the network's own rate-limit signal, reset in `reset_secs`.
    RateLimited { reset_secs: u64 },
    /// A 5xx the client should retry.
    ServerError,
    /// 200 with a body that is not JSON.
    Malformed,
    /// 401: the token expired or was revoked.
    Unauthorized,
    /// The answer arrives after `millis`.
    Slow { millis: u64 },
}

/// A shared, cloneable queue of faults.
#[derive(Debug, Clone, Default)]
pub struct Faults(Arc<Mutex<VecDeque<Fault>>>);

impl Faults {
    pub fn push(&self, fault: Fault) {
        self.lock().push_back(fault);
    }

    /// The fault for this request, if one is queued.
    pub fn next(&self) -> Option<Fault> {
        self.lock().pop_front()
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Fault>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Answers held back *after* the network has done the work: the request
/// succeeds on the server, but the client waits `millis` for the answer.
/// This is how a test makes an outcome uncertain (a crash or a timeout
/// after the request left), which the outbox must check before resending.
#[derive(Debug, Clone, Default)]
pub struct Holds(Arc<Mutex<Vec<Hold>>>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct Hold {
    method: String,
    path_contains: String,
    millis: u64,
}

impl Holds {
    /// The next `method` request whose path contains `path_contains` is
    /// processed, then answered after `millis`.
    pub fn push(&self, method: &str, path_contains: &str, millis: u64) {
        self.lock().push(Hold {
            method: method.to_uppercase(),
            path_contains: path_contains.to_string(),
            millis,
        });
    }

    /// Takes the hold for this request, if one matches.
    pub fn take(&self, method: &str, path: &str) -> Option<u64> {
        let mut holds = self.lock();
        let i = holds
            .iter()
            .position(|h| h.method == method && path.contains(&h.path_contains))?;
        Some(holds.remove(i).millis)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Hold>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The axum middleware behind [`Holds`].
pub async fn hold_answers(
    axum::extract::State(holds): axum::extract::State<Holds>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let held = holds.take(request.method().as_str(), request.uri().path());
    let response = next.run(request).await;
    if let Some(millis) = held {
        tokio::time::sleep(std::time::Duration::from_millis(millis)).await;
    }
    response
}
