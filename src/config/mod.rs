//! Configuration: `config.toml`, where files live, and how they are read.
//! Every error names the file, the line and the key (see [`error`]).
//!
//! Lookup order for the directory: `--config FILE` (its folder holds
//! `keymap.toml` and `themes/`), then `$GUICHET_CONFIG_DIR`, then the
//! platform config dir (`~/.config/guichet` on Linux). A missing
//! `config.toml` is not an error: the defaults apply. To add a setting, add
//! it to [`RawConfig`] and [`Config`] and document it in `example.toml`.

pub mod accounts;
pub mod error;
pub mod handoff;
pub mod token;
mod views;

use std::path::{Path, PathBuf};

use serde::Deserialize;

pub use accounts::{AccountConfig, TokenSource};
pub use error::{ConfigError, ConfigErrors, line_of, locate};
pub use handoff::SmtpConfig;

use crate::filter::{SavedView, builtin_views};

/// The shortest live refresh a shift may ask for, in seconds.
const MIN_SHIFT_REFRESH: u64 = 5;

/// The example configuration shipped with guichet (also used by `demo`).
pub const EXAMPLE: &str = include_str!("example.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    agent: Option<String>,
    keymap: Option<String>,
    theme: Option<String>,
    auto_advance: Option<bool>,
    store: Option<PathBuf>,
    #[serde(default)]
    views: Vec<views::RawView>,
    #[serde(default)]
    accounts: Vec<accounts::RawAccount>,
    /// Minutes between background syncs.
    sync_every_minutes: Option<u64>,
    /// Seconds between syncs while a shift runs.
    shift_refresh_seconds: Option<u64>,
    /// Which brand of `guidelines.toml` replies are checked against.
    brand: Option<String>,
    /// The agent's signature, the `signature` variable of canned replies.
    signature: Option<String>,
    /// The team's shared folder of canned replies.
    team_replies: Option<PathBuf>,
    /// The outgoing mail server for e-mail hand-offs.
    smtp: Option<handoff::RawSmtp>,
    /// Hand-off settings (`callback_url`).
    handoff: Option<handoff::RawHandoff>,
    /// IANA zone reports cut days in (default: the machine's).
    timezone: Option<String>,
    /// Hours response times count in.
    business_hours: Option<crate::report::hours::RawBusinessHours>,
}

/// Settings after loading, with defaults filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Who you are in the audit log and on notes.
    pub agent: String,
    /// Base keymap: `default` (vim-like) or `arrows`.
    pub keymap: String,
    pub theme: String,
    /// After done/snooze, move to the next item.
    pub auto_advance: bool,
    /// Store directory override.
    pub store: Option<PathBuf>,
    /// Built-in views followed by the user's.
    pub views: Vec<SavedView>,
    /// Folder holding `config.toml`, `keymap.toml` and `themes/`.
    pub dir: PathBuf,
    /// The file read, when there was one.
    pub file: Option<PathBuf>,
    /// Brand accounts to sync.
    pub accounts: Vec<AccountConfig>,
    /// Time between background syncs in the TUI.
    pub sync_every: std::time::Duration,
    /// Without a `rules.toml`, run the shipped example rules (the demo).
    pub example_rules: bool,
    /// Time between syncs while a shift runs (shift mode's live refresh).
    pub shift_refresh: std::time::Duration,
    /// Brand of `guidelines.toml` to check replies against (default: the
    /// first brand of the file).
    pub brand: Option<String>,
    /// Signature for canned replies (default: the agent name).
    pub signature: Option<String>,
    /// The team's shared canned replies (personal ones are in `dir/replies`).
    pub team_replies: Option<PathBuf>,
    /// `[smtp]`: the mail server e-mail hand-offs go through.
    pub smtp: Option<SmtpConfig>,
    /// `[handoff] callback_url`: where `guichet serve-callbacks` is reached.
    pub handoff_callback: Option<String>,
    /// The zone reports cut days, hours and weekdays in.
    pub timezone: chrono_tz::Tz,
    /// When set, response times count only these hours.
    pub business_hours: Option<crate::report::BusinessHours>,
}

fn default_agent() -> String {
    std::env::var("GUICHET_AGENT")
        .or_else(|_| std::env::var("USER"))
        .unwrap_or_else(|_| "me".to_string())
}

/// `~/x` → the home directory's `x`; other paths unchanged.
fn expand_home(path: PathBuf) -> PathBuf {
    let home = directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf());
    match (path.strip_prefix("~"), home) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => path,
    }
}

/// The platform directories guichet uses.
pub fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "guichet")
}

/// The configuration folder, before any `--config` override.
pub fn default_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("GUICHET_CONFIG_DIR") {
        return PathBuf::from(dir);
    }
    project_dirs().map_or_else(
        || PathBuf::from(".guichet"),
        |d| d.config_dir().to_path_buf(),
    )
}

/// Where the store lives when neither `--store` nor `store =` says.
pub fn default_store_dir() -> PathBuf {
    project_dirs().map_or_else(
        || PathBuf::from(".guichet/store"),
        |d| d.data_dir().join("store"),
    )
}

/// Where logs go.
pub fn log_dir() -> PathBuf {
    project_dirs().map_or_else(
        || PathBuf::from(".guichet"),
        |d| d.state_dir().unwrap_or_else(|| d.cache_dir()).to_path_buf(),
    )
}

/// A warning when `path` can be read by other users of the machine (the
/// config names where tokens come from, and may name a token command).
pub fn exposure_warning(path: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
        (mode & 0o077 != 0).then(|| {
            format!(
                "{} can be read by other users (mode {mode:o}); run: chmod 600 {}",
                path.display(),
                path.display()
            )
        })
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

impl Config {
    /// Loads `file`, or `config.toml` in the default folder if it exists.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigErrors> {
        let (dir, path) = match file {
            Some(f) => (
                f.parent()
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
                f.to_path_buf(),
            ),
            None => {
                let dir = default_dir();
                let path = dir.join("config.toml");
                (dir, path)
            }
        };
        match std::fs::read_to_string(&path) {
            Ok(src) => Config::parse(&src, &path, dir),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && file.is_none() => {
                Ok(Config::defaults(dir))
            }
            Err(e) => Err(ConfigErrors(vec![ConfigError::new(
                &path,
                format!("cannot read: {e}"),
            )])),
        }
    }

    pub fn defaults(dir: PathBuf) -> Config {
        Config {
            agent: default_agent(),
            keymap: "default".to_string(),
            theme: "default".to_string(),
            auto_advance: true,
            store: None,
            views: builtin_views(),
            dir,
            file: None,
            accounts: Vec::new(),
            sync_every: std::time::Duration::from_secs(5 * 60),
            example_rules: false,
            shift_refresh: std::time::Duration::from_secs(20),
            brand: None,
            signature: None,
            team_replies: None,
            smtp: None,
            handoff_callback: None,
            timezone: crate::report::period::system_zone(),
            business_hours: None,
        }
    }

    /// Parses a config file's text. `path` is only used in messages.
    pub fn parse(src: &str, path: &Path, dir: PathBuf) -> Result<Config, ConfigErrors> {
        let raw: RawConfig = toml::from_str(src)
            .map_err(|e| ConfigErrors(vec![ConfigError::from_toml(path, src, &e)]))?;
        let mut errors = Vec::new();
        let mut cfg = Config::defaults(dir);
        cfg.file = Some(path.to_path_buf());
        if let Some(agent) = raw.agent {
            if agent.trim().is_empty() {
                errors.push(ConfigError::at_key(
                    path,
                    src,
                    None,
                    "agent",
                    "must not be empty",
                ));
            }
            cfg.agent = agent;
        }
        if let Some(k) = raw.keymap {
            if !matches!(k.as_str(), "default" | "arrows") {
                errors.push(ConfigError::at_key(
                    path,
                    src,
                    None,
                    "keymap",
                    format!("unknown keymap '{k}' (expected default or arrows)"),
                ));
            }
            cfg.keymap = k;
        }
        if let Some(t) = raw.theme {
            cfg.theme = t;
        }
        if let Some(a) = raw.auto_advance {
            cfg.auto_advance = a;
        }
        cfg.store = raw.store;
        cfg.brand = raw.brand;
        cfg.signature = raw.signature;
        cfg.team_replies = raw.team_replies.map(expand_home);
        report_keys(
            &mut cfg,
            raw.timezone,
            raw.business_hours,
            path,
            src,
            &mut errors,
        );
        cfg.accounts = accounts::parse(raw.accounts, path, src, &mut errors);
        cfg.smtp = raw
            .smtp
            .and_then(|s| handoff::parse_smtp(s, path, src, &mut errors));
        cfg.handoff_callback = raw
            .handoff
            .and_then(|h| handoff::parse_handoff(h, path, src, &mut errors));
        if let Some(m) = raw.sync_every_minutes {
            if m == 0 {
                errors.push(ConfigError::at_key(
                    path,
                    src,
                    None,
                    "sync_every_minutes",
                    "must be at least 1",
                ));
            }
            cfg.sync_every = std::time::Duration::from_secs(m.max(1) * 60);
        }
        if let Some(secs) = raw.shift_refresh_seconds {
            if secs < MIN_SHIFT_REFRESH {
                errors.push(ConfigError::at_key(
                    path,
                    src,
                    None,
                    "shift_refresh_seconds",
                    format!("must be at least {MIN_SHIFT_REFRESH} (the networks' rate limits)"),
                ));
            }
            cfg.shift_refresh = std::time::Duration::from_secs(secs.max(MIN_SHIFT_REFRESH));
        }
        views::parse(raw.views, &mut cfg.views, path, src, &mut errors);
        if errors.is_empty() {
            Ok(cfg)
        } else {
            Err(ConfigErrors(errors))
        }
    }

    /// The user's keymap file, if present: (path, text).
    pub fn user_keymap(&self) -> Result<Option<(PathBuf, String)>, ConfigErrors> {
        read_optional(&self.dir.join("keymap.toml"))
    }

    /// Folder for user themes.
    pub fn themes_dir(&self) -> PathBuf {
        self.dir.join("themes")
    }
}

/// `timezone` and `[business_hours]`, checked.
fn report_keys(
    cfg: &mut Config,
    timezone: Option<String>,
    hours: Option<crate::report::hours::RawBusinessHours>,
    path: &Path,
    src: &str,
    errors: &mut Vec<ConfigError>,
) {
    if let Some(zone) = timezone {
        match crate::report::period::parse_zone(&zone) {
            Ok(tz) => cfg.timezone = tz,
            Err(e) => errors.push(ConfigError::at_key(path, src, None, "timezone", e)),
        }
    }
    if let Some(raw) = hours {
        match raw.resolve() {
            Ok(h) => cfg.business_hours = Some(h),
            Err(problems) => errors.extend(problems.into_iter().map(|(key, reason)| {
                ConfigError::at_key(path, src, Some("business_hours"), key, reason)
            })),
        }
    }
}

fn read_optional(path: &Path) -> Result<Option<(PathBuf, String)>, ConfigErrors> {
    match std::fs::read_to_string(path) {
        Ok(src) => Ok(Some((path.to_path_buf(), src))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ConfigErrors(vec![ConfigError::new(
            path,
            format!("cannot read: {e}"),
        )])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> Result<Config, ConfigErrors> {
        Config::parse(src, Path::new("config.toml"), PathBuf::from("."))
    }

    #[test]
    fn example_config_parses_with_its_views() {
        let cfg = parse(EXAMPLE).unwrap();
        assert!(cfg.views.iter().any(|v| v.name == "Complaints FR"));
        assert!(cfg.views.iter().any(|v| v.name == "Instagram DMs"));
        assert_eq!(cfg.views[0].name, "Inbox");
    }

    #[test]
    fn shift_refresh_has_a_default_and_a_floor() {
        assert_eq!(parse("").unwrap().shift_refresh.as_secs(), 20);
        let cfg = parse("shift_refresh_seconds = 45\n").unwrap();
        assert_eq!(cfg.shift_refresh.as_secs(), 45);
        let err = parse("agent = \"x\"\nshift_refresh_seconds = 2\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("config.toml:2") && err.contains("must be at least 5"),
            "{err}"
        );
    }

    #[test]
    fn accounts_need_a_token_source_and_an_instance() {
        let ok = parse("[[accounts]]\nnetwork = \"mastodon\"\nhandle = \"@brand@piaille.fr\"\ntoken_env = \"MASTO\"\n").unwrap();
        assert_eq!(ok.accounts.len(), 1);
        assert_eq!(ok.accounts[0].base_url, "https://piaille.fr");
        assert_eq!(ok.accounts[0].handle, "brand@piaille.fr");
        assert_eq!(ok.accounts[0].token, TokenSource::Env("MASTO".into()));
        let err = parse("[[accounts]]\nnetwork = \"mastodon\"\nhandle = \"brand@piaille.fr\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("config.toml:3: key 'accounts.token_env'"),
            "{err}"
        );
        let err = parse(
            "[[accounts]]\nnetwork = \"mastodon\"\nhandle = \"brand\"\ntoken_cmd = \"pass x\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("needs its instance"), "{err}");
        let err = parse("[[accounts]]\nnetwork = \"x\"\nhandle = \"brand\"\ntoken_env = \"T\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("key 'accounts.user_id'") && err.contains("GET /2/users/me"),
            "{err}"
        );
        let err = parse("[[accounts]]\nnetwork = \"mastodon\"\nhandle = \"b@i\"\ntoken_env = \"T\"\ntoken = \"plain\"\n").unwrap_err().to_string();
        assert!(
            err.contains("config.toml:5") && err.contains("token"),
            "plain tokens are refused: {err}"
        );
    }

    #[test]
    fn timezone_and_business_hours_are_read_and_checked() {
        let cfg = parse(
            "timezone = \"America/Montreal\"\n[business_hours]\ndays = [\"mon\", \"fri\"]\nstart = \"08:00\"\nend = \"16:30\"\n",
        )
        .unwrap();
        assert_eq!(cfg.timezone, chrono_tz::America::Montreal);
        let hours = cfg.business_hours.unwrap();
        assert_eq!(hours.days, vec![chrono::Weekday::Mon, chrono::Weekday::Fri]);
        let err = parse("timezone = \"Europe/Lutece\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("config.toml:1: key 'timezone'") && err.contains("Europe/Lutece"),
            "{err}"
        );
        let err = parse("agent = \"x\"\n[business_hours]\nstart = \"9h\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("config.toml:3: key 'business_hours.start'"),
            "{err}"
        );
    }

    #[test]
    fn errors_name_file_line_and_key() {
        let err = parse("agent = \"x\"\nthemee = \"light\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("config.toml:2"), "{err}");
        assert!(err.contains("themee"), "{err}");
        let err = parse("[[views]]\nname = \"A\"\nnetworks = [\"myspace\"]\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("config.toml:3"), "{err}");
        assert!(err.contains("myspace"), "{err}");
        let err = parse("keymap = \"emacs\"\n").unwrap_err().to_string();
        assert_eq!(
            err,
            "config.toml:1: key 'keymap': unknown keymap 'emacs' (expected default or arrows)"
        );
        let err = parse("[[views]]\nname = \"Inbox\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("already exists"), "{err}");
    }
}

#[cfg(all(test, unix))]
mod exposure_tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn warns_when_others_can_read_the_config() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "agent = \"camille\"\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let warning = exposure_warning(&path).unwrap_or_default();
        assert!(
            warning.contains("mode 644") && warning.contains("chmod 600"),
            "{warning}"
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(exposure_warning(&path), None);
    }
}
