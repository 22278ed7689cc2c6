//! The command channel (`handoff_cmd`): `sh -c CMD` with the JSON payload on
//! stdin, in its own process group, under a time limit.
//!
//! Exit codes (sysexits):
//! - `0`: delivered; the receipt is stdout's first line (or `exit 0`);
//! - `75` (`EX_TEMPFAIL`): not delivered, try again later;
//! - anything else: not delivered, and retrying will not help; the reason
//!   is stderr's first line;
//! - killed by a signal, or over the time limit: try again (the whole
//!   process group is killed at the limit, so `sh -c 'curl …'` stops too).
//!
//! Tokio's `process` feature is not enabled in this crate, so this uses
//! `std::process` with blocking pipe readers and polls for the exit.

use std::io::{Read, Write};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use super::deliver::DeliveryError;
use super::render;

/// Exit code a command uses to ask for a retry (`EX_TEMPFAIL`).
pub const EX_TEMPFAIL: i32 = 75;

/// Bytes kept of stdout and stderr each; the rest is read and dropped.
const OUTPUT_MAX: usize = 64 * 1024;

/// How long to wait for the pipes to close once the shell has exited (a
/// background grandchild may keep them open).
const DRAIN_GRACE: Duration = Duration::from_millis(500);

pub(super) async fn run(
    cmd: &str,
    stdin: Vec<u8>,
    timeout: Duration,
) -> Result<String, DeliveryError> {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(cmd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    let child = command.spawn().map_err(|e| {
        let retry = !matches!(
            e.kind(),
            std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied
        );
        DeliveryError {
            retry,
            reason: format!("cannot start the hand-off command: {e}"),
        }
    })?;
    let mut running = Running { child: Some(child) };
    let (input, output, errors) = running.pipes();
    if let Some(mut input) = input {
        // A command that does not read its stdin is fine: the broken pipe
        // is ignored, the exit code decides.
        tokio::task::spawn_blocking(move || {
            let _ = input.write_all(&stdin);
        });
    }
    let stdout = output.map(|o| tokio::task::spawn_blocking(move || read_capped(o)));
    let stderr = errors.map(|e| tokio::task::spawn_blocking(move || read_capped(e)));

    let status = running.wait(timeout).await?;
    let stdout = drain(stdout).await;
    let stderr = drain(stderr).await;
    match status.code() {
        Some(0) => Ok(first_line(&stdout).unwrap_or_else(|| "exit 0".to_string())),
        Some(code) => {
            let why = first_line(&stderr).unwrap_or_else(|| "no message on stderr".to_string());
            Err(DeliveryError {
                retry: code == EX_TEMPFAIL,
                reason: format!("hand-off command exited with {code}: {why}"),
            })
        }
        None => Err(DeliveryError::retry(
            "hand-off command was killed by a signal",
        )),
    }
}

/// The child, killed with its process group if dropped before it exits
/// (a timeout, or the caller giving up on the future).
struct Running {
    child: Option<Child>,
}

type Pipes = (
    Option<std::process::ChildStdin>,
    Option<std::process::ChildStdout>,
    Option<std::process::ChildStderr>,
);

impl Running {
    fn pipes(&mut self) -> Pipes {
        match self.child.as_mut() {
            Some(c) => (c.stdin.take(), c.stdout.take(), c.stderr.take()),
            None => (None, None, None),
        }
    }

    async fn wait(&mut self, timeout: Duration) -> Result<ExitStatus, DeliveryError> {
        let start = Instant::now();
        let mut pause = Duration::from_millis(2);
        loop {
            let Some(child) = self.child.as_mut() else {
                return Err(DeliveryError::retry("hand-off command vanished"));
            };
            match child.try_wait() {
                Ok(Some(status)) => {
                    self.child = None;
                    return Ok(status);
                }
                Ok(None) => {}
                Err(e) => {
                    return Err(DeliveryError::retry(format!(
                        "cannot wait for the hand-off command: {e}"
                    )));
                }
            }
            if start.elapsed() >= timeout {
                self.kill();
                return Err(DeliveryError::retry(format!(
                    "hand-off command timed out after {} ms",
                    timeout.as_millis()
                )));
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_millis(50));
        }
    }

    fn kill(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        #[cfg(unix)]
        {
            // The group: `sh -c 'a | b'` leaves children behind otherwise.
            let _ = Command::new("sh")
                .arg("-c")
                .arg("kill -s KILL -- -\"$1\" 2>/dev/null")
                .arg("sh")
                .arg(child.id().to_string())
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
        let _ = child.kill();
        // Reap it off the async thread; it is dead or dying.
        std::thread::spawn(move || {
            let _ = child.wait();
        });
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.kill();
    }
}

fn read_capped(mut pipe: impl Read) -> Vec<u8> {
    let mut kept = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match pipe.read(&mut buf) {
            Ok(0) | Err(_) => return kept,
            Ok(n) => {
                let room = OUTPUT_MAX.saturating_sub(kept.len());
                kept.extend_from_slice(&buf[..n.min(room)]);
            }
        }
    }
}

async fn drain(reader: Option<tokio::task::JoinHandle<Vec<u8>>>) -> Vec<u8> {
    let Some(reader) = reader else {
        return Vec::new();
    };
    match tokio::time::timeout(DRAIN_GRACE, reader).await {
        Ok(Ok(bytes)) => bytes,
        _ => Vec::new(),
    }
}

fn first_line(bytes: &[u8]) -> Option<String> {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(render::one_line)
        .find(|l| !l.is_empty())
        .map(|l| render::truncate(&l, 200))
}
