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

/// Runs the user's editor on `text`; returns the edited text.
pub fn edit(text: &str) -> Result<String, String> {
    edit_with(&command(), text)
}

/// Runs `cmd` (program and arguments; the file is added last) on `text`.
pub fn edit_with(cmd: &[String], text: &str) -> Result<String, String> {
    // tempfile creates the file readable by its owner only.
    let mut file = tempfile::Builder::new()
        .prefix("guichet-draft-")
        .suffix(".txt")
        .tempfile()
        .map_err(|e| format!("cannot create a temporary file: {e}"))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.flush())
        .map_err(|e| format!("cannot write the draft: {e}"))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Vec<String> {
        // `sh -c SCRIPT name FILE`: the file arrives as $1.
        ["sh", "-c", script, "editor"].map(String::from).to_vec()
    }

    #[test]
    fn the_edited_file_comes_back() {
        let out = edit_with(&sh("printf ' et voilà' >> \"$1\""), "Bonjour").unwrap();
        assert_eq!(out, "Bonjour et voilà");
    }

    #[test]
    fn a_failing_editor_leaves_the_draft_alone() {
        let err = edit_with(&sh("exit 3"), "Bonjour").unwrap_err();
        assert!(err.contains("unchanged"), "{err}");
        let err = edit_with(&["/nonexistent/editor".to_string()], "x").unwrap_err();
        assert!(err.contains("cannot run"), "{err}");
    }
}
