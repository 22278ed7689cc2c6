//! Editing a draft in the user's own editor (`$VISUAL`, then `$EDITOR`,
//! then `vi`): the text goes to a private temporary file, the editor runs
//! on the terminal, and the file's text comes back. The event loop
//! suspends the TUI around [`edit`].

use std::io::Write;
use std::process::Command;

/// The editor command, split on whitespace (`code --wait` works).
fn command() -> Vec<String> {
    let chosen = std::env::var("VISUAL")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .or_else(|| std::env::var("EDITOR").ok())
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string());
    chosen.split_whitespace().map(str::to_string).collect()
}

/// Runs the editor on `text`; returns the edited text.
pub fn edit(text: &str) -> Result<String, String> {
    // tempfile creates the file readable by its owner only.
    let mut file = tempfile::Builder::new()
        .prefix("guichet-draft-")
        .suffix(".txt")
        .tempfile()
        .map_err(|e| format!("cannot create a temporary file: {e}"))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.flush())
        .map_err(|e| format!("cannot write the draft: {e}"))?;
    let cmd = command();
    let Some((program, args)) = cmd.split_first() else {
        return Err("no editor configured".into());
    };
    let status = Command::new(program)
        .args(args)
        .arg(file.path())
        .status()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if !status.success() {
        return Err(format!(
            "{program} exited with {status}; the draft is unchanged"
        ));
    }
    std::fs::read_to_string(file.path()).map_err(|e| format!("cannot read the draft back: {e}"))
}
