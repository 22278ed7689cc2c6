//! Live progress of one account's pass, for `guichet sync`'s per-account
//! lines. The caller runs the pass inside [`scoped`]; the shared HTTP layer
//! counts every answer it reads and the sync pass marks its phases, so no
//! connector has to know about progress. Outside a scope, recording is a
//! no-op.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicU64, AtomicUsize, Ordering};

/// Where a pass stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Phase {
    Waiting = 0,
    Sending = 1,
    Fetching = 2,
    Storing = 3,
    Done = 4,
    Failed = 5,
}

impl Phase {
    fn from_u8(v: u8) -> Phase {
        match v {
            1 => Phase::Sending,
            2 => Phase::Fetching,
            3 => Phase::Storing,
            4 => Phase::Done,
            5 => Phase::Failed,
            _ => Phase::Waiting,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Waiting => "waiting",
            Phase::Sending => "sending the outbox",
            Phase::Fetching => "fetching",
            Phase::Storing => "storing",
            Phase::Done => "done",
            Phase::Failed => "failed",
        }
    }
}

/// Counters one pass updates and a display reads.
#[derive(Debug, Default)]
pub struct Progress {
    phase: AtomicU8,
    requests: AtomicU64,
    bytes: AtomicU64,
    items: AtomicUsize,
}

/// A point-in-time copy of [`Progress`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snapshot {
    pub phase: Phase,
    pub requests: u64,
    pub bytes: u64,
    /// Items fetched (known once the fetch is over).
    pub items: usize,
}

impl Progress {
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            phase: Phase::from_u8(self.phase.load(Ordering::Relaxed)),
            requests: self.requests.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
            items: self.items.load(Ordering::Relaxed),
        }
    }

    pub fn set_phase(&self, phase: Phase) {
        self.phase.store(phase as u8, Ordering::Relaxed);
    }
}

tokio::task_local! {
    static CURRENT: Arc<Progress>;
}

/// Runs `fut` with `progress` receiving what the HTTP layer and the sync
/// pass report.
pub async fn scoped<F: Future>(progress: Arc<Progress>, fut: F) -> F::Output {
    CURRENT.scope(progress, fut).await
}

/// One answer of `bytes` was read (called by the HTTP layer).
pub fn record_answer(bytes: usize) {
    let _ = CURRENT.try_with(|p| {
        p.requests.fetch_add(1, Ordering::Relaxed);
        p.bytes.fetch_add(bytes as u64, Ordering::Relaxed);
    });
}

/// The pass moved on to `phase`; `items` when the count is known.
pub fn mark(phase: Phase, items: Option<usize>) {
    let _ = CURRENT.try_with(|p| {
        p.set_phase(phase);
        if let Some(n) = items {
            p.items.store(n, Ordering::Relaxed);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn records_only_inside_a_scope() {
        record_answer(10);
        let p = Arc::new(Progress::default());
        scoped(p.clone(), async {
            record_answer(100);
            record_answer(50);
            mark(Phase::Storing, Some(7));
        })
        .await;
        record_answer(1);
        let s = p.snapshot();
        assert_eq!((s.requests, s.bytes, s.items), (2, 150, 7));
        assert_eq!(s.phase, Phase::Storing);
    }
}
