//! The command channel: the JSON reaches stdin, exit codes map to retry or
//! not, stderr explains, and a command over its time limit is killed.

use std::time::{Duration, Instant};

use super::tests_support::{handoff, http};
use super::{Channel, Limits, deliver, deliver_with};

fn cmd(cmd: String) -> Channel {
    Channel::Command { cmd }
}

#[tokio::test]
async fn the_payload_reaches_stdin_and_stdout_is_the_receipt() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("handoff.json");
    let h = handoff("Je veux être remboursé.");
    let receipt = deliver(
        &cmd(format!(
            "cat > '{}' && echo 'ticket #42 opened' && echo second line",
            file.display()
        )),
        &h,
        None,
        &http(),
    )
    .await
    .unwrap();
    assert_eq!(receipt, "ticket #42 opened");
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(written, h.payload());
}

#[tokio::test]
async fn silent_success_has_a_plain_receipt() {
    let receipt = deliver(&cmd("true".into()), &handoff("x"), None, &http())
        .await
        .unwrap();
    assert_eq!(receipt, "exit 0");
}

#[tokio::test]
async fn a_command_that_ignores_stdin_still_counts() {
    let huge = "x".repeat(300_000);
    let receipt = deliver(&cmd("echo fine".into()), &handoff(&huge), None, &http())
        .await
        .unwrap();
    assert_eq!(receipt, "fine");
}

#[tokio::test]
async fn exit_75_asks_for_a_retry() {
    let e = deliver(
        &cmd("echo 'relay busy' >&2; exit 75".into()),
        &handoff("x"),
        None,
        &http(),
    )
    .await
    .unwrap_err();
    assert!(e.retry, "{e}");
    assert_eq!(e.reason, "hand-off command exited with 75: relay busy");
}

#[tokio::test]
async fn other_failures_are_final() {
    for (script, code) in [
        ("echo 'no such queue' >&2; exit 1", 1),
        ("exit 2", 2),
        ("nonexistent-cmd-xyz", 127),
    ] {
        let e = deliver(&cmd(script.into()), &handoff("x"), None, &http())
            .await
            .unwrap_err();
        assert!(!e.retry, "{script}: {e}");
        assert!(e.reason.contains(&format!("exited with {code}")), "{e}");
    }
    let e = deliver(
        &cmd("echo 'no such queue' >&2; exit 1".into()),
        &handoff("x"),
        None,
        &http(),
    )
    .await
    .unwrap_err();
    assert!(e.reason.ends_with(": no such queue"), "{e}");
}

#[tokio::test]
async fn a_slow_command_is_killed_at_the_limit_and_retried() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("late");
    let limits = Limits {
        command: Duration::from_millis(300),
        ..Limits::default()
    };
    let started = Instant::now();
    let e = deliver_with(
        &cmd(format!("(sleep 2; touch '{}') & wait", marker.display())),
        &handoff("x"),
        None,
        &http(),
        &limits,
    )
    .await
    .unwrap_err();
    assert!(e.retry && e.reason.contains("timed out"), "{e}");
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
    // The whole group died: the command never reaches its second step.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(!marker.exists(), "the command kept running after its limit");
}
