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
