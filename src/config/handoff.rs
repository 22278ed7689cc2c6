//! The hand-off settings of `config.toml`: the outgoing mail server for
//! e-mail hand-offs, and where `guichet serve-callbacks` is reachable.
//!
//! ```toml
//! [smtp]
//! host = "smtp.example.org"
//! port = 587                      # default: 25, 587 or 465 by security
//! security = "starttls"           # none (local relay only), starttls, tls
//! from = "guichet <cm@example.org>"
//! username = "cm@example.org"
//! password_env = "GUICHET_SMTP_PASSWORD"   # or password_cmd = "pass show smtp"
//!
//! [handoff]
//! callback_url = "https://cm.example.org"  # base URL of guichet serve-callbacks
//! ```
//!
//! The password is read when hand-offs are sent, never stored or shown; a
//! plain `password =` is refused.

use std::path::Path;

use serde::Deserialize;

use super::{ConfigError, TokenSource};
use crate::triage::handoff::{Security, Smtp};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSmtp {
    host: Option<String>,
    port: Option<u16>,
    security: Option<String>,
    from: Option<String>,
    username: Option<String>,
    password_env: Option<String>,
    password_cmd: Option<String>,
    /// Only read to refuse it with a clear message.
    password: Option<toml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHandoff {
    callback_url: Option<String>,
}

/// `[smtp]`, checked; [`SmtpConfig::resolve`] reads the password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub from: String,
    pub username: Option<String>,
    /// Where the password comes from (never the password itself).
    pub password: Option<TokenSource>,
}

impl SmtpConfig {
    /// The server with its password read (blocking: it may run a command).
    /// Errors say where the password was looked for, never what it is.
    pub fn resolve(&self) -> Result<Smtp, String> {
        let password = match &self.password {
            Some(source) => Some(
                source
                    .resolve()
                    .map_err(|e| format!("SMTP password: {e}"))?,
            ),
            None => None,
        };
        Ok(Smtp {
            host: self.host.clone(),
            port: self.port,
            from: self.from.clone(),
            username: self.username.clone(),
            password,
            security: self.security,
        })
    }

    /// `smtp.example.org:587 (starttls)`, for doctor and notices.
    pub fn describe(&self) -> String {
        let security = match self.security {
            Security::None => "no TLS",
            Security::StartTls => "starttls",
            Security::Tls => "tls",
        };
        format!("{}:{} ({security})", self.host, self.port)
    }
}

fn error(path: &Path, src: &str, section: &str, key: &str, why: impl Into<String>) -> ConfigError {
    ConfigError::at_key(path, src, Some(section), key, why)
}

pub(super) fn parse_smtp(
    raw: RawSmtp,
    path: &Path,
    src: &str,
    errors: &mut Vec<ConfigError>,
) -> Option<SmtpConfig> {
    let before = errors.len();
    let mut need = |key: &str, v: Option<String>| -> String {
        match v.map(|v| v.trim().to_string()).filter(|v| !v.is_empty()) {
            Some(v) => v,
            None => {
                errors.push(error(path, src, "smtp", key, format!("{key} is required")));
                String::new()
            }
        }
    };
    let host = need("host", raw.host);
    let from = need("from", raw.from);
    let security = match raw.security.as_deref().unwrap_or("starttls") {
        "none" => Security::None,
        "starttls" => Security::StartTls,
        "tls" => Security::Tls,
        other => {
            let why = format!("unknown security '{other}' (none, starttls or tls)");
            errors.push(error(path, src, "smtp", "security", why));
            Security::StartTls
        }
    };
    let port = raw.port.unwrap_or(match security {
        Security::None => 25,
        Security::StartTls => 587,
        Security::Tls => 465,
    });
    if !from.is_empty() && from.parse::<lettre::message::Mailbox>().is_err() {
        let why = format!("'{from}' is not an address (e.g. \"guichet <cm@example.org>\")");
        errors.push(error(path, src, "smtp", "from", why));
    }
    if raw.password.is_some() {
        let why = "a password is never written in the config: use password_env or password_cmd";
        errors.push(error(path, src, "smtp", "password", why));
    }
    let password = match (raw.password_env, raw.password_cmd) {
        (Some(_), Some(_)) => {
            let why = "give password_env or password_cmd, not both";
            errors.push(error(path, src, "smtp", "password_cmd", why));
            None
        }
        (Some(var), None) => Some(TokenSource::Env(var)),
        (None, Some(cmd)) => Some(TokenSource::Command(cmd)),
        (None, None) => None,
    };
    if password.is_some() != raw.username.is_some() {
        let (key, why) = if password.is_some() {
            ("username", "a password needs a username")
        } else {
            ("username", "a username needs password_env or password_cmd")
        };
        errors.push(error(path, src, "smtp", key, why));
    }
    (errors.len() == before).then_some(SmtpConfig {
        host,
        port,
        security,
        from,
        username: raw.username,
        password,
    })
}

pub(super) fn parse_handoff(
    raw: RawHandoff,
    path: &Path,
    src: &str,
    errors: &mut Vec<ConfigError>,
) -> Option<String> {
    let url = raw.callback_url?;
    match reqwest::Url::parse(url.trim()) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {
            Some(url.trim().trim_end_matches('/').to_string())
        }
        _ => {
            let why = format!("'{url}' is not an http(s) URL");
            errors.push(error(path, src, "handoff", "callback_url", why));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::super::{Config, ConfigErrors, TokenSource};
    use crate::triage::handoff::Security;

    fn parse(src: &str) -> Result<Config, ConfigErrors> {
        Config::parse(src, Path::new("config.toml"), PathBuf::from("."))
    }

    #[test]
    fn smtp_and_callback_url_are_read_with_defaults() {
        let cfg = parse(
            "[smtp]\nhost = \"smtp.example.org\"\nfrom = \"guichet <cm@example.org>\"\nusername = \"cm\"\npassword_env = \"SMTP_PW\"\n\n[handoff]\ncallback_url = \"https://cm.example.org/\"\n",
        )
        .unwrap();
        let smtp = cfg.smtp.unwrap();
        assert_eq!((smtp.port, smtp.security), (587, Security::StartTls));
        assert_eq!(smtp.password, Some(TokenSource::Env("SMTP_PW".into())));
        assert_eq!(
            cfg.handoff_callback.as_deref(),
            Some("https://cm.example.org")
        );
        let tls = parse("[smtp]\nhost = \"h\"\nfrom = \"a@b.c\"\nsecurity = \"tls\"\n").unwrap();
        assert_eq!(tls.smtp.map(|s| s.port), Some(465));
    }

    #[test]
    fn smtp_errors_name_file_line_and_key() {
        let err = parse("[smtp]\nhost = \"h\"\nfrom = \"a@b.c\"\nsecurity = \"ssl\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("config.toml:4: key 'smtp.security'") && err.contains("'ssl'"),
            "{err}"
        );
        let err = parse(
            "[smtp]\nhost = \"h\"\nfrom = \"a@b.c\"\nusername = \"u\"\npassword = \"hunter2\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("config.toml:5: key 'smtp.password'"), "{err}");
        assert!(
            !err.contains("hunter2"),
            "the password is never echoed: {err}"
        );
        let err = parse("[smtp]\nfrom = \"not an address\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("smtp.host") && err.contains("smtp.from"),
            "{err}"
        );
        let err = parse("[handoff]\ncallback_url = \"ftp://x\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("config.toml:2: key 'handoff.callback_url'"),
            "{err}"
        );
    }

    #[test]
    fn the_password_is_read_from_its_source_and_never_shown() {
        let cfg = parse("[smtp]\nhost = \"h\"\nfrom = \"a@b.c\"\nusername = \"u\"\npassword_cmd = \"echo s3cret\"\n").unwrap();
        let smtp = cfg.smtp.unwrap().resolve().unwrap();
        assert_eq!(smtp.password.as_deref(), Some("s3cret"));
        assert!(!format!("{smtp:?}").contains("s3cret"));
        let missing = parse("[smtp]\nhost = \"h\"\nfrom = \"a@b.c\"\nusername = \"u\"\npassword_env = \"GUICHET_TEST_NO_SUCH_VAR\"\n").unwrap();
        let err = missing.smtp.unwrap().resolve().unwrap_err();
        assert!(err.contains("GUICHET_TEST_NO_SUCH_VAR"), "{err}");
    }
}
