//! Accounts: which brand accounts guichet reads, where, and how to get
//! their tokens. Tokens never live in `config.toml`: they come from an
//! environment variable (`token_env`) or a command (`token_cmd`, like
//! `pass show guichet/mastodon`), are read when a sync needs them, and are
//! never logged or written anywhere by guichet.
//!
//! ```toml
//! [[accounts]]
//! network = "mastodon"
//! handle = "atelierlumen@piaille.fr"        # instance taken from the handle
//! token_cmd = "pass show guichet/mastodon"
//!
//! [[accounts]]
//! network = "bluesky"
//! handle = "atelierlumen.bsky.social"       # base_url defaults to https://bsky.social
//! token_env = "GUICHET_BLUESKY_APP_PASSWORD" # an app password, not the account's
//!
//! [[accounts]]
//! network = "facebook"
//! handle = "atelierlumen"                   # the Page's name in item ids
//! page_id = "108254316790412"               # the Page's numeric Graph id
//! token_cmd = "pass show guichet/facebook"  # a Page access token
//! human_agent = true                        # the Page holds Meta's Human Agent feature
//!
//! [[accounts]]
//! network = "instagram"
//! handle = "atelier.lumen"
//! ig_user_id = "17841405822304914"          # the professional account's Graph id
//! page_id = "108254316790412"               # the linked Page (DMs go through it)
//! token_cmd = "pass show guichet/facebook"  # the linked Page's token
//!
//! [[accounts]]
//! network = "x"
//! handle = "AtelierLumen"
//! user_id = "1189034765221871616"           # GET /2/users/me
//! client_id = "…"                           # the X app's: token_cmd prints a refresh token
//! token_cmd = "pass show guichet/x"         # as `guichet login x` stored it
//!
//! [[accounts]]
//! network = "youtube"
//! handle = "AtelierLumen"
//! channel_id = "UCq7Xh2LmR4tVb9sKd3eWnPa"
//! client_id = "….apps.googleusercontent.com" # with client_secret: token_cmd prints a refresh token
//! client_secret = "…"                        # token_url defaults to https://oauth2.googleapis.com/token
//! token_cmd = "pass show guichet/youtube"    # as `guichet login youtube` stored it
//!
//! [[accounts]]
//! network = "tiktok"
//! handle = "atelierlumen"
//! business_id = "…"                          # the open_id
//! client_id = "…"                            # the App ID, with client_secret:
//! client_secret = "…"                        # token_cmd prints a refresh token
//! token_cmd = "pass show guichet/tiktok"     # as `guichet login tiktok` stored it
//! ```

use std::path::Path;

use serde::Deserialize;

use super::error::ConfigError;
pub use super::token::TokenSource;
use crate::model::Network;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAccount {
    network: String,
    handle: String,
    base_url: Option<String>,
    token_env: Option<String>,
    token_cmd: Option<String>,
    #[serde(default = "default_depth")]
    first_sync_depth: usize,
    page_id: Option<String>,
    ig_user_id: Option<String>,
    #[serde(default)]
    human_agent: bool,
    channel_id: Option<String>,
    business_id: Option<String>,
    organization: Option<String>,
    user_id: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    token_url: Option<String>,
}

fn default_depth() -> usize {
    500
}

/// One brand account to sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountConfig {
    pub network: Network,
    /// The account part of item ids (`user@instance` on Mastodon).
    pub handle: String,
    /// API base URL (the instance for Mastodon).
    pub base_url: String,
    pub token: TokenSource,
    pub first_sync_depth: usize,
    /// Facebook and Instagram: the Graph ids behind the handle.
    pub meta: Option<MetaIds>,
    /// The other networks' ids behind the handle.
    pub ids: NetworkIds,
}

/// What YouTube, TikTok, LinkedIn, Threads and X accounts need besides
/// their handle (each network requires its own; see [`required_id`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NetworkIds {
    /// YouTube: the channel's `UC…` id.
    pub channel_id: Option<String>,
    /// TikTok: the business account's `open_id`.
    pub business_id: Option<String>,
    /// LinkedIn: the organization's URN (`urn:li:organization:…`).
    pub organization: Option<String>,
    /// Threads and X: the brand's numeric user id.
    pub user_id: Option<String>,
    /// X and YouTube: the app's OAuth 2.0 client id. When given, the
    /// account's token is the refresh token from `guichet login x|youtube`,
    /// not an access token.
    pub client_id: Option<String>,
    /// YouTube: the Google desktop client's secret (sent with refreshes).
    pub client_secret: Option<String>,
    /// YouTube: where refreshes go (default Google's token endpoint).
    pub token_url: Option<String>,
}

/// The id key a network's account must have, and where to find it.
pub fn required_id(network: Network) -> Option<(&'static str, &'static str)> {
    match network {
        Network::YouTube => Some((
            "channel_id",
            "the channel's id, UC… (YouTube Studio > Settings > Channel > Advanced)",
        )),
        Network::TikTok => Some((
            "business_id",
            "the account's open_id, given with its token (see `guichet login tiktok`)",
        )),
        Network::LinkedIn => Some((
            "organization",
            "the organization's URN, urn:li:organization:… (GET /rest/organizationAcls?q=roleAssignee)",
        )),
        Network::Threads => Some((
            "user_id",
            "the Threads user id (GET https://graph.threads.net/v1.0/me?fields=id)",
        )),
        Network::X => Some(("user_id", "the account's numeric id (GET /2/users/me)")),
        _ => None,
    }
}

/// What a Facebook or Instagram account needs besides its handle.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MetaIds {
    /// The Page's id (Instagram: the linked Page, which carries the DMs).
    pub page_id: String,
    /// Instagram: the professional account's IG user id.
    pub ig_user_id: Option<String>,
    /// The Page holds Meta's Human Agent feature (`HUMAN_AGENT` tag, 7 days).
    pub human_agent: bool,
}

impl AccountConfig {
    /// `network:handle`, how the UI and logs name the account.
    pub fn label(&self) -> String {
        format!("{}:{}", self.network, self.handle)
    }
}

/// The networks guichet can sync.
pub const CONNECTED: &[Network] = &[
    Network::Mastodon,
    Network::Bluesky,
    Network::Facebook,
    Network::Instagram,
    Network::YouTube,
    Network::LinkedIn,
    Network::TikTok,
    Network::Threads,
    Network::X,
];

/// Validates the `[[accounts]]` tables.
pub(super) fn parse(
    raw: Vec<RawAccount>,
    path: &Path,
    src: &str,
    errors: &mut Vec<ConfigError>,
) -> Vec<AccountConfig> {
    let mut out = Vec::new();
    for a in raw {
        let mut bad = |key: &str, reason: String| {
            let line = src
                .lines()
                .position(|l| l.contains(&a.handle))
                .map(|i| i + 1);
            errors.push(ConfigError {
                file: path.to_path_buf(),
                line,
                key: Some(format!("accounts.{key}")),
                reason,
            });
        };
        let network = match a.network.parse::<Network>() {
            Ok(n) => n,
            Err(e) => {
                bad("network", e);
                continue;
            }
        };
        if !CONNECTED.contains(&network) {
            let names: Vec<&str> = CONNECTED.iter().map(|n| n.as_str()).collect();
            bad(
                "network",
                format!(
                    "{network} has no connector yet ({} so far)",
                    names.join(", ")
                ),
            );
            continue;
        }
        let meta = match (network, &a.page_id, &a.ig_user_id) {
            (Network::Facebook, Some(page), None) => Some(MetaIds {
                page_id: page.trim().to_string(),
                ig_user_id: None,
                human_agent: a.human_agent,
            }),
            (Network::Instagram, Some(page), Some(ig)) => Some(MetaIds {
                page_id: page.trim().to_string(),
                ig_user_id: Some(ig.trim().to_string()),
                human_agent: a.human_agent,
            }),
            (Network::Facebook, None, _) | (Network::Instagram, None, _) => {
                bad(
                    "page_id",
                    format!(
                        "the {network} account '{}' needs page_id: the numeric id of its Facebook Page (Page settings, or GET /me/accounts)",
                        a.handle
                    ),
                );
                continue;
            }
            (Network::Instagram, Some(_), None) => {
                bad(
                    "ig_user_id",
                    format!(
                        "the instagram account '{}' needs ig_user_id: its professional account's id (GET /{{page-id}}?fields=instagram_business_account)",
                        a.handle
                    ),
                );
                continue;
            }
            (Network::Facebook, Some(_), Some(_)) => {
                bad(
                    "ig_user_id",
                    "ig_user_id is for instagram accounts; a facebook account takes page_id"
                        .to_string(),
                );
                continue;
            }
            (_, None, None) if !a.human_agent => None,
            _ => {
                bad(
                    "page_id",
                    format!(
                        "page_id, ig_user_id and human_agent are for facebook and instagram accounts, not {network}"
                    ),
                );
                continue;
            }
        };
        let base_url = match (
            &a.base_url,
            network,
            a.handle.trim_start_matches('@').split_once('@'),
        ) {
            (Some(url), _, _) => url.trim_end_matches('/').to_string(),
            (None, Network::Bluesky, _) => "https://bsky.social".to_string(),
            (None, Network::Facebook | Network::Instagram, _) => {
                "https://graph.facebook.com".to_string()
            }
            (None, Network::YouTube, _) => crate::networks::youtube::DEFAULT_BASE.to_string(),
            (None, Network::LinkedIn, _) => crate::networks::linkedin::DEFAULT_BASE.to_string(),
            (None, Network::TikTok, _) => crate::networks::tiktok::DEFAULT_BASE.to_string(),
            (None, Network::Threads, _) => crate::networks::threads::DEFAULT_BASE.to_string(),
            (None, Network::X, _) => crate::networks::x::BASE_URL.to_string(),
            (None, _, Some((_, instance))) => format!("https://{instance}"),
            (None, _, None) => {
                bad(
                    "handle",
                    format!("'{}' needs its instance: user@instance", a.handle),
                );
                continue;
            }
        };
        let token = match (a.token_env, a.token_cmd) {
            (Some(var), None) => TokenSource::Env(var),
            (None, Some(cmd)) => TokenSource::Command(cmd),
            (Some(_), Some(_)) => {
                bad(
                    "token_cmd",
                    "give token_env or token_cmd, not both".to_string(),
                );
                continue;
            }
            (None, None) => {
                bad("token_env", "each account needs token_env (a variable name) or token_cmd (a command printing the token)".to_string());
                continue;
            }
        };
        let ids = NetworkIds {
            channel_id: a.channel_id.clone(),
            business_id: a.business_id.clone(),
            organization: a.organization.clone(),
            user_id: a.user_id.clone(),
            client_id: a
                .client_id
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string),
            client_secret: a.client_secret.clone().filter(|c| !c.trim().is_empty()),
            token_url: a.token_url.clone().filter(|c| !c.trim().is_empty()),
        };
        if ids.client_id.is_some()
            && !matches!(network, Network::X | Network::YouTube | Network::TikTok)
        {
            bad(
                "client_id",
                format!("client_id is for x, youtube and tiktok accounts, not {network}"),
            );
            continue;
        }
        if ids.client_secret.is_some() && !matches!(network, Network::YouTube | Network::TikTok) {
            bad(
                "client_secret",
                format!("client_secret is for youtube and tiktok accounts, not {network}"),
            );
            continue;
        }
        if ids.token_url.is_some() && network != Network::YouTube {
            bad(
                "token_url",
                format!("token_url is for youtube accounts, not {network}"),
            );
            continue;
        }
        // TikTok's refresh needs the app's secret too.
        if network == Network::TikTok && ids.client_id.is_some() && ids.client_secret.is_none() {
            bad(
                "client_secret",
                "a tiktok client_id goes with client_secret".to_string(),
            );
            continue;
        }
        if ids.client_secret.is_some() && ids.client_id.is_none() {
            bad(
                "client_secret",
                "client_secret goes with client_id".to_string(),
            );
            continue;
        }
        if let Some((key, what)) = required_id(network) {
            let given = match key {
                "channel_id" => &ids.channel_id,
                "business_id" => &ids.business_id,
                "organization" => &ids.organization,
                _ => &ids.user_id,
            };
            if given.as_deref().is_none_or(|v| v.trim().is_empty()) {
                bad(
                    key,
                    format!("the {network} account '{}' needs {key}: {what}", a.handle),
                );
                continue;
            }
        }
        let handle = a.handle.trim_start_matches('@').to_string();
        out.push(AccountConfig {
            ids,
            network,
            handle,
            base_url,
            token,
            first_sync_depth: a.first_sync_depth.max(1),
            meta,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_accounts_need_their_graph_ids() {
        let parse = |src: &str| {
            crate::config::Config::parse(src, Path::new("/cfg/config.toml"), "/cfg".into())
        };
        let ok = parse(
            "[[accounts]]\nnetwork = \"facebook\"\nhandle = \"atelierlumen\"\npage_id = \"1081\"\ntoken_env = \"T\"\nhuman_agent = true\n\n[[accounts]]\nnetwork = \"instagram\"\nhandle = \"atelier.lumen\"\nig_user_id = \"1784\"\npage_id = \"1081\"\ntoken_env = \"T\"\n",
        )
        .unwrap();
        let (fb, ig) = (&ok.accounts[0], &ok.accounts[1]);
        assert_eq!(fb.base_url, "https://graph.facebook.com");
        let meta = fb.meta.clone().unwrap();
        assert_eq!((meta.page_id.as_str(), meta.human_agent), ("1081", true));
        let meta = ig.meta.clone().unwrap();
        assert_eq!(meta.ig_user_id.as_deref(), Some("1784"));
        assert!(!meta.human_agent);

        let err = parse(
            "agent = \"c\"\n\n[[accounts]]\nnetwork = \"instagram\"\nhandle = \"atelier.lumen\"\npage_id = \"1081\"\ntoken_env = \"T\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("config.toml")
                && err.contains(":5")
                && err.contains("accounts.ig_user_id"),
            "{err}"
        );
        let err = parse(
            "[[accounts]]\nnetwork = \"facebook\"\nhandle = \"atelierlumen\"\ntoken_env = \"T\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("accounts.page_id"), "{err}");
    }

    #[test]
    fn tokens_come_from_env_or_command_and_are_never_shown() {
        assert_eq!(
            TokenSource::Command("printf 'abc\\n'".into())
                .resolve()
                .unwrap(),
            "abc"
        );
        let err = TokenSource::Command("exit 3".into()).resolve().unwrap_err();
        assert!(err.contains("failed"), "{err}");
        let err = TokenSource::Env("GUICHET_TEST_SURELY_UNSET_VAR".into())
            .resolve()
            .unwrap_err();
        assert!(err.contains("GUICHET_TEST_SURELY_UNSET_VAR"));
        assert_eq!(
            format!("{:?}", TokenSource::Fixed("secret".into())),
            "Fixed(…)"
        );
        assert!(
            TokenSource::Command("true".into()).resolve().is_err(),
            "an empty token is an error"
        );
    }

    #[test]
    fn each_network_asks_for_its_own_id_by_name() {
        let parse = |src: &str| {
            crate::config::Config::parse(src, Path::new("/cfg/config.toml"), "/cfg".into())
        };
        let ok = parse(
            "[[accounts]]\nnetwork = \"youtube\"\nhandle = \"AtelierLumen\"\nchannel_id = \"UCq7\"\ntoken_env = \"T\"\n\n[[accounts]]\nnetwork = \"linkedin\"\nhandle = \"atelier-lumen\"\norganization = \"urn:li:organization:8\"\ntoken_env = \"T\"\n",
        )
        .unwrap();
        assert_eq!(ok.accounts[0].ids.channel_id.as_deref(), Some("UCq7"));
        assert_eq!(ok.accounts[0].base_url, "https://www.googleapis.com");
        assert_eq!(ok.accounts[1].base_url, "https://api.linkedin.com");
        for (network, key) in [
            ("youtube", "channel_id"),
            ("tiktok", "business_id"),
            ("linkedin", "organization"),
            ("threads", "user_id"),
        ] {
            let err = parse(&format!(
                "agent = \"c\"\n[[accounts]]\nnetwork = \"{network}\"\nhandle = \"brand-{network}\"\ntoken_env = \"T\"\n"
            ))
            .unwrap_err()
            .to_string();
            assert!(
                err.contains(&format!("config.toml:4: key 'accounts.{key}'")),
                "{network}: {err}"
            );
        }
    }

    #[test]
    fn x_and_youtube_accounts_may_name_their_client_id_and_only_they_may() {
        let parse = |src: &str| {
            crate::config::Config::parse(src, Path::new("/cfg/config.toml"), "/cfg".into())
        };
        let ok = parse(
            "[[accounts]]\nnetwork = \"x\"\nhandle = \"AtelierLumen\"\nuser_id = \"118\"\nclient_id = \"cl-1\"\ntoken_env = \"T\"\n",
        )
        .unwrap();
        assert_eq!(ok.accounts[0].ids.client_id.as_deref(), Some("cl-1"));
        let err = parse(
            "[[accounts]]\nnetwork = \"threads\"\nhandle = \"atelier\"\nuser_id = \"9\"\nclient_id = \"cl-1\"\ntoken_env = \"T\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("accounts.client_id"), "{err}");
        let yt = parse(
            "[[accounts]]\nnetwork = \"youtube\"\nhandle = \"AtelierLumen\"\nchannel_id = \"UCq7\"\nclient_id = \"cl-2\"\nclient_secret = \"s-2\"\ntoken_env = \"T\"\n",
        )
        .unwrap();
        assert_eq!(yt.accounts[0].ids.client_id.as_deref(), Some("cl-2"));
        assert_eq!(yt.accounts[0].ids.client_secret.as_deref(), Some("s-2"));
        let err = parse(
            "[[accounts]]\nnetwork = \"x\"\nhandle = \"AtelierLumen\"\nuser_id = \"118\"\nclient_id = \"cl-1\"\nclient_secret = \"s\"\ntoken_env = \"T\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("accounts.client_secret"), "{err}");
    }

    #[test]
    fn tiktok_accounts_may_name_their_client_id_with_its_secret() {
        let parse = |src: &str| {
            crate::config::Config::parse(src, Path::new("/cfg/config.toml"), "/cfg".into())
        };
        let head = "[[accounts]]\nnetwork = \"tiktok\"\nhandle = \"atelier\"\nbusiness_id = \"open-1\"\ntoken_env = \"T\"\n";
        let ok = parse(&format!(
            "{head}client_id = \"app-1\"\nclient_secret = \"s-1\"\n"
        ))
        .unwrap();
        assert_eq!(ok.accounts[0].ids.client_id.as_deref(), Some("app-1"));
        assert_eq!(ok.accounts[0].ids.client_secret.as_deref(), Some("s-1"));
        let err = parse(&format!("{head}client_id = \"app-1\"\n"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("accounts.client_secret"), "{err}");
        let err = parse(&format!(
            "{head}client_id = \"app-1\"\nclient_secret = \"s-1\"\ntoken_url = \"https://t\"\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(err.contains("accounts.token_url"), "{err}");
        let err = parse(
            "[[accounts]]\nnetwork = \"linkedin\"\nhandle = \"a\"\norganization = \"1\"\nclient_id = \"c\"\nclient_secret = \"s\"\ntoken_env = \"T\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("accounts.client_id"), "{err}");
    }
}
