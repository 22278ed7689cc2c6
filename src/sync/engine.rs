//! The background sync engine: one tokio task per account, syncing on an
//! interval and on demand ("sync now"), backing off on failures and
//! honouring rate limits, reporting every start and finish as a
//! [`SyncEvent`]. The TUI and `guichet sync` consume the same events.
//! Beside the accounts, one task delivers hand-offs to colleagues
//! ([`SyncEngine::start_handoffs`]); its events carry [`HANDOFFS`].

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

use super::{SyncError, SyncReport, sync_once};
use crate::config::AccountConfig;
use crate::model::{Item, Network};
use crate::networks::bluesky::BlueskyConnector;
use crate::networks::connector::{Act, Connector, Fetched};
use crate::networks::error::{ConnectorError, ErrorKind};
use crate::networks::facebook::FacebookConnector;
use crate::networks::instagram::InstagramConnector;
use crate::networks::linkedin::LinkedInConnector;
use crate::networks::mastodon::MastodonConnector;
use crate::networks::ratelimit::backoff;
use crate::networks::threads::ThreadsConnector;
use crate::networks::tiktok::TikTokConnector;
use crate::networks::vault::{SessionVault, StoreVault};
use crate::networks::x::XConnector;
use crate::networks::youtube::YouTubeConnector;
use crate::store::Store;
use crate::triage::auto::AutoModeration;

/// Every connector guichet has, behind one type (the trait's async
/// methods make it unsuitable for `dyn`). To add a network: a variant
/// here, its arm in [`each!`], and its constructor in [`connector_for`].
#[derive(Debug, Clone)]
pub enum AnyConnector {
    Mastodon(MastodonConnector),
    Bluesky(BlueskyConnector),
    Facebook(FacebookConnector),
    Instagram(InstagramConnector),
    YouTube(YouTubeConnector),
    LinkedIn(LinkedInConnector),
    TikTok(TikTokConnector),
    Threads(ThreadsConnector),
    X(XConnector),
}

/// Runs `$body` with `$c` bound to the connector inside any variant.
macro_rules! each {
    ($any:expr, $c:ident => $body:expr) => {
        match $any {
            AnyConnector::Mastodon($c) => $body,
            AnyConnector::Bluesky($c) => $body,
            AnyConnector::Facebook($c) => $body,
            AnyConnector::Instagram($c) => $body,
            AnyConnector::YouTube($c) => $body,
            AnyConnector::LinkedIn($c) => $body,
            AnyConnector::TikTok($c) => $body,
            AnyConnector::Threads($c) => $body,
            AnyConnector::X($c) => $body,
        }
    };
}

impl Connector for AnyConnector {
    fn network(&self) -> Network {
        each!(self, c => c.network())
    }

    fn account(&self) -> &str {
        each!(self, c => c.account())
    }

    async fn fetch_new(
        &self,
        cursor: Option<&str>,
        depth: usize,
    ) -> Result<Fetched, ConnectorError> {
        each!(self, c => c.fetch_new(cursor, depth).await)
    }

    async fn reply(&self, item: &Item, text: &str, key: &str) -> Result<String, ConnectorError> {
        each!(self, c => c.reply(item, text, key).await)
    }

    async fn find_reply(&self, item: &Item, text: &str) -> Result<Option<String>, ConnectorError> {
        each!(self, c => c.find_reply(item, text).await)
    }

    async fn act(&self, item: &Item, act: Act, key: &str) -> Result<String, ConnectorError> {
        each!(self, c => c.act(item, act, key).await)
    }

    async fn private_reply(
        &self,
        item: &Item,
        text: &str,
        key: &str,
    ) -> Result<String, ConnectorError> {
        each!(self, c => c.private_reply(item, text, key).await)
    }

    async fn report(
        &self,
        item: &Item,
        report: &crate::networks::report::Report,
        key: &str,
    ) -> Result<String, ConnectorError> {
        each!(self, c => c.report(item, report, key).await)
    }

    fn quota(&self) -> Option<crate::networks::quota::QuotaDay> {
        each!(self, c => Connector::quota(c))
    }

    fn carry_quota(&self, saved: &crate::networks::quota::QuotaDay) {
        each!(self, c => Connector::carry_quota(c, saved))
    }
}

/// Builds the connector for an account, reading its token.
pub async fn connector_for(account: &AccountConfig) -> Result<AnyConnector, ConnectorError> {
    connector_with(account, None).await
}

/// As [`connector_for`]; an X, YouTube or TikTok account with a `client_id` keeps
/// its tokens sealed in `vault` (in memory only without one).
async fn connector_with(
    account: &AccountConfig,
    vault: Option<Arc<dyn SessionVault>>,
) -> Result<AnyConnector, ConnectorError> {
    let source = account.token.clone();
    let token = tokio::task::spawn_blocking(move || source.resolve())
        .await
        .map_err(|e| ConnectorError::new(account.network, ErrorKind::Transient, e.to_string()))?
        .map_err(|e| {
            ConnectorError::new(
                account.network,
                ErrorKind::AuthExpired,
                format!("no token: {e}"),
            )
        })?;
    match account.network {
        Network::Mastodon => Ok(AnyConnector::Mastodon(MastodonConnector::new(
            &account.base_url,
            &account.handle,
            &token,
        )?)),
        // The "token" of a Bluesky account is its app password.
        Network::Bluesky => Ok(AnyConnector::Bluesky(BlueskyConnector::new(
            &account.base_url,
            &account.handle,
            &token,
        )?)),
        // Facebook and Instagram: a Page access token, and the Graph ids
        // the configuration gives (checked when it was read).
        Network::Facebook | Network::Instagram => {
            let meta = account.meta.clone().unwrap_or_default();
            match (account.network, meta.ig_user_id.as_deref()) {
                (Network::Instagram, Some(ig)) => {
                    Ok(AnyConnector::Instagram(InstagramConnector::new(
                        &account.base_url,
                        &account.handle,
                        ig,
                        &meta.page_id,
                        &token,
                        meta.human_agent,
                    )?))
                }
                (Network::Facebook, _) if !meta.page_id.is_empty() => {
                    Ok(AnyConnector::Facebook(FacebookConnector::new(
                        &account.base_url,
                        &account.handle,
                        &meta.page_id,
                        &token,
                        meta.human_agent,
                    )?))
                }
                (network, _) => Err(ConnectorError::new(
                    network,
                    ErrorKind::PermissionMissing,
                    "the account has no page_id / ig_user_id in config.toml",
                )),
            }
        }
        Network::YouTube => {
            let channel_id = id(account, account.ids.channel_id.as_deref())?;
            Ok(AnyConnector::YouTube(
                match account.ids.client_id.as_deref() {
                    // The token is a refresh token (`guichet login youtube`).
                    Some(client_id) => {
                        let oauth = crate::networks::youtube::OAuthClient {
                            client_id: client_id.to_string(),
                            client_secret: account.ids.client_secret.clone().unwrap_or_default(),
                            token_url: account.ids.token_url.clone(),
                        };
                        YouTubeConnector::new(&account.base_url, &account.handle, &channel_id, "")?
                            .with_refresh(&oauth, &token, vault)
                    }
                    None => YouTubeConnector::new(
                        &account.base_url,
                        &account.handle,
                        &channel_id,
                        &token,
                    )?,
                },
            ))
        }
        Network::LinkedIn => Ok(AnyConnector::LinkedIn(LinkedInConnector::new(
            &account.base_url,
            &account.handle,
            &id(account, account.ids.organization.as_deref())?,
            &token,
        )?)),
        Network::TikTok => {
            let business_id = id(account, account.ids.business_id.as_deref())?;
            Ok(AnyConnector::TikTok(
                match account.ids.client_id.as_deref() {
                    // The token is a refresh token (`guichet login tiktok`
                    // with --client-id): the first call refreshes, unless an
                    // earlier run kept a valid access token.
                    Some(client_id) => {
                        let secret = account.ids.client_secret.clone().unwrap_or_default();
                        TikTokConnector::new(&account.base_url, &account.handle, &business_id, "")?
                            .with_refresh(client_id, &secret, &token, vault)
                    }
                    None => TikTokConnector::new(
                        &account.base_url,
                        &account.handle,
                        &business_id,
                        &token,
                    )?,
                },
            ))
        }
        Network::Threads => Ok(AnyConnector::Threads(ThreadsConnector::new(
            &account.base_url,
            &account.handle,
            &id(account, account.ids.user_id.as_deref())?,
            &token,
        )?)),
        Network::X => {
            let user_id = id(account, account.ids.user_id.as_deref())?;
            Ok(AnyConnector::X(match account.ids.client_id.as_deref() {
                // The token is a refresh token (`guichet login x`): the
                // first call refreshes, unless an earlier run kept a pair.
                Some(client_id) => {
                    XConnector::new(&account.base_url, &account.handle, &user_id, "")?
                        .with_refresh(client_id, &token, vault)
                }
                None => XConnector::new(&account.base_url, &account.handle, &user_id, &token)?,
            }))
        }
    }
}

/// As [`connector_for`], with the connector's session kept in `store`
/// between runs (sealed; see `networks::vault`).
pub async fn connector_keeping(
    account: &AccountConfig,
    store: Arc<dyn Store>,
) -> Result<AnyConnector, ConnectorError> {
    let vault: Arc<dyn SessionVault> = Arc::new(StoreVault(store));
    Ok(match connector_with(account, Some(vault.clone())).await? {
        AnyConnector::Bluesky(c) => AnyConnector::Bluesky(c.with_vault(vault)),
        other => other,
    })
}

/// The network id the configuration gave (checked when it was read).
fn id(account: &AccountConfig, given: Option<&str>) -> Result<String, ConnectorError> {
    given.map(str::to_string).ok_or_else(|| {
        let key = crate::config::accounts::required_id(account.network).map_or("id", |(k, _)| k);
        ConnectorError::new(
            account.network,
            ErrorKind::PermissionMissing,
            format!("the account has no {key} in config.toml"),
        )
    })
}

/// The `account` of the hand-off task's events (it is no account).
pub const HANDOFFS: &str = "hand-offs";

/// How often the hand-off task looks for due hand-offs at most.
const HANDOFF_EVERY: Duration = Duration::from_secs(30);

/// Where an account's sync stands, for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncState {
    Idle,
    Syncing,
    Ok { at: DateTime<Utc>, new: usize },
    RateLimited { until: DateTime<Utc> },
    AuthFailed(String),
    Failed(String),
}

#[derive(Debug, Clone)]
pub struct SyncEvent {
    /// The account's label (`network:handle`).
    pub account: String,
    pub state: SyncState,
    /// The finished pass, when it succeeded.
    pub report: Option<SyncReport>,
}

/// Handle on the running account tasks.
pub struct SyncEngine {
    trigger: watch::Sender<u64>,
    stop: watch::Sender<bool>,
    tasks: JoinSet<()>,
}

impl SyncEngine {
    /// Starts one task per account. Must run inside a tokio runtime.
    pub fn start(
        store: Arc<dyn Store>,
        accounts: Vec<AccountConfig>,
        every: Duration,
        events: mpsc::UnboundedSender<SyncEvent>,
        auto: Option<Arc<AutoModeration>>,
    ) -> SyncEngine {
        let (trigger, _) = watch::channel(0u64);
        let (stop, _) = watch::channel(false);
        let mut tasks = JoinSet::new();
        for account in accounts {
            let run = AccountTask {
                store: store.clone(),
                account,
                every,
                auto: auto.clone(),
                events: events.clone(),
                trigger: trigger.subscribe(),
                stop: stop.subscribe(),
            };
            tasks.spawn(run.run());
        }
        SyncEngine {
            trigger,
            stop,
            tasks,
        }
    }

    /// Starts the task delivering due hand-offs: on "sync now", and at
    /// least every 30 s while one waits for its backoff. It reports (as
    /// [`HANDOFFS`]) each pass that delivered or failed something.
    pub fn start_handoffs(
        &mut self,
        store: Arc<dyn Store>,
        sender: crate::triage::handoff::HandoffSender,
        events: mpsc::UnboundedSender<SyncEvent>,
    ) {
        let mut trigger = self.trigger.subscribe();
        let mut stop = self.stop.subscribe();
        self.tasks.spawn(async move {
            loop {
                let now = Utc::now();
                match crate::triage::handoff::send_due(store.clone(), &sender, now).await {
                    Ok(done) if !done.is_empty() => {
                        let event = SyncEvent {
                            account: HANDOFFS.to_string(),
                            state: SyncState::Ok { at: now, new: 0 },
                            report: None,
                        };
                        if events.send(event).is_err() {
                            return;
                        }
                    }
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "hand-offs"),
                }
                tokio::select! {
                    _ = tokio::time::sleep(HANDOFF_EVERY) => {}
                    changed = trigger.changed() => if changed.is_err() { return },
                    _ = stop.changed() => return,
                }
                if *stop.borrow() {
                    return;
                }
            }
        });
    }

    /// Every account syncs now (a pass already running finishes first).
    pub fn sync_now(&self) {
        self.trigger.send_modify(|n| *n += 1);
    }

    /// Stops the tasks, waiting at most `grace` for passes in flight.
    pub async fn stop(mut self, grace: Duration) {
        let _ = self.stop.send(true);
        let _ = tokio::time::timeout(grace, async {
            while self.tasks.join_next().await.is_some() {}
        })
        .await;
        self.tasks.abort_all();
    }
}

struct AccountTask {
    store: Arc<dyn Store>,
    account: AccountConfig,
    every: Duration,
    /// The rules to run over what each pass brought.
    auto: Option<Arc<AutoModeration>>,
    events: mpsc::UnboundedSender<SyncEvent>,
    trigger: watch::Receiver<u64>,
    stop: watch::Receiver<bool>,
}

impl AccountTask {
    fn send(&self, state: SyncState, report: Option<SyncReport>) -> bool {
        self.events
            .send(SyncEvent {
                account: self.account.label(),
                state,
                report,
            })
            .is_ok()
    }

    /// Reports a failure; returns how long to wait before trying again
    /// (exponential, from 5 s up to the sync interval).
    fn failed(&self, why: String, failures: u32) -> Duration {
        self.send(SyncState::Failed(why), None);
        backoff(
            failures,
            Duration::from_secs(5),
            self.every,
            u64::from(failures),
        )
    }

    /// One pass: replies waiting in the outbox go out, then what is new
    /// comes in.
    async fn pass(&self, connector: &AnyConnector) -> Result<SyncReport, SyncError> {
        if let Err(e) = crate::outbox::send_due(self.store.clone(), connector).await {
            tracing::error!(account = %self.account.label(), error = %e, "outbox");
        }
        let report =
            sync_once(self.store.clone(), connector, self.account.first_sync_depth).await?;
        if let Some(auto) = self.auto.clone().filter(|_| report.summary.new > 0) {
            let store = self.store.clone();
            let ran =
                tokio::task::spawn_blocking(move || auto.run_new(store.as_ref(), Utc::now())).await;
            match ran {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::error!(error = %e, "rules after sync"),
                Err(e) => tracing::error!(error = %e, "rules after sync"),
            }
        }
        Ok(report)
    }

    async fn run(mut self) {
        let mut connector: Option<AnyConnector> = None;
        let mut failures = 0u32;
        loop {
            if !self.send(SyncState::Syncing, None) {
                return;
            }
            let current = match connector.take() {
                Some(c) => Ok(c),
                None => connector_keeping(&self.account, self.store.clone()).await,
            };
            let outcome = match current {
                Ok(c) => {
                    let r = self.pass(&c).await;
                    connector = Some(c);
                    r
                }
                Err(e) => Err(SyncError::Connector(e)),
            };
            let now = Utc::now();
            let wait = match outcome {
                Ok(report) => {
                    failures = 0;
                    let new = report.summary.new;
                    self.send(SyncState::Ok { at: now, new }, Some(report));
                    self.every
                }
                Err(SyncError::Connector(e)) => {
                    failures += 1;
                    tracing::warn!(account = %self.account.label(), error = %e, "sync failed");
                    match e.kind {
                        ErrorKind::RateLimited { until } => {
                            self.send(SyncState::RateLimited { until }, None);
                            (until - now).to_std().unwrap_or(Duration::from_secs(1))
                        }
                        ErrorKind::AuthExpired | ErrorKind::AuthRevoked => {
                            // Read the token again next time: it may have been fixed.
                            connector = None;
                            self.send(SyncState::AuthFailed(e.message.clone()), None);
                            self.every
                        }
                        _ => self.failed(e.to_string(), failures),
                    }
                }
                Err(e) => {
                    failures += 1;
                    self.failed(e.to_string(), failures)
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                changed = self.trigger.changed() => if changed.is_err() { return },
                _ = self.stop.changed() => return,
            }
            if *self.stop.borrow() {
                return;
            }
        }
    }
}
