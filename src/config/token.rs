//! Where an account's token comes from: an environment variable or a
//! command (`token_cmd`, e.g. `pass show …`), read when a sync needs it and
//! never shown. A command that hangs is killed.

use std::process::Command;

/// How long a `token_cmd` may take (a password manager may ask for a
/// passphrase through its agent) before the account reports it.
pub(super) const TOKEN_CMD_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// Runs `cmd` with `sh -c`, no stdin, and returns its first output line.
/// A command that hangs is killed after `timeout`.
pub(super) fn run_token_cmd(cmd: &str, timeout: std::time::Duration) -> Result<String, String> {
    use std::io::Read;
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run token_cmd `{cmd}`: {e}"))?;
    let started = std::time::Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "token_cmd `{cmd}` did not finish within {} s",
                    timeout.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(std::time::Duration::from_millis(20)),
            Err(e) => return Err(format!("token_cmd `{cmd}`: {e}")),
        }
    };
    if !status.success() {
        return Err(format!("token_cmd `{cmd}` failed ({status})"));
    }
    let mut out = String::new();
    if let Some(mut stdout) = child.stdout.take() {
        stdout
            .read_to_string(&mut out)
            .map_err(|_| format!("token_cmd `{cmd}` printed something that is not text"))?;
    }
    Ok(out.lines().next().unwrap_or_default().to_string())
}

/// Where a token comes from. Only the sandbox uses `Fixed`.
#[derive(Clone, PartialEq, Eq)]
pub enum TokenSource {
    Env(String),
    Command(String),
    Fixed(String),
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TokenSource::Env(var) => write!(f, "Env({var})"),
            TokenSource::Command(cmd) => write!(f, "Command({cmd})"),
            TokenSource::Fixed(_) => f.write_str("Fixed(…)"),
        }
    }
}

impl TokenSource {
    /// Reads the token. Errors say where it was looked for, never what it is.
    pub fn resolve(&self) -> Result<String, String> {
        let token = match self {
            TokenSource::Fixed(t) => t.clone(),
            TokenSource::Env(var) => std::env::var(var)
                .map_err(|_| format!("the environment variable {var} is not set"))?,
            TokenSource::Command(cmd) => run_token_cmd(cmd, TOKEN_CMD_TIMEOUT)?,
        };
        let token = token.trim().to_string();
        if token.is_empty() {
            return Err("the token is empty".to_string());
        }
        Ok(token)
    }
}
