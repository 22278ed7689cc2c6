//! `guichet` / `guichet tui`, `guichet shift` and `guichet demo`: the commands that hand the
//! terminal to [`crate::tui::run_tui`].
//!
//! `demo` builds its own store (temporary, or `--keep DIR`) and its own
//! configuration (the shipped example, so its saved views show), and never
//! opens the user's store. It starts the sandbox networks and fills the
//! store through the real connectors where they exist (Mastodon, Bluesky).

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use chrono::Utc;

use super::args::{Args, DemoArgs};
use super::{load_config, open_store, store_path};
use crate::config::{self, AccountConfig, Config, TokenSource};
use crate::model::{Item, Network};
use crate::sandbox::Sandbox;
use crate::store::{SledStore, Store};
use crate::sync::engine::connector_for;
use crate::sync::sync_once;

pub fn tui(args: &Args) -> anyhow::Result<ExitCode> {
    open_tui(args, false)
}

/// `guichet shift`: the TUI with a shift already running.
pub fn shift(args: &Args) -> anyhow::Result<ExitCode> {
    open_tui(args, true)
}

fn open_tui(args: &Args, shift: bool) -> anyhow::Result<ExitCode> {
    let config = load_config(args)?;
    let path = store_path(args, &config);
    let store = open_store(&path)?;
    tracing::info!(store = %path.display(), items = store.len(), shift, "starting the TUI");
    crate::tui::run_tui(config, Arc::new(store), shift)?;
    Ok(ExitCode::SUCCESS)
}

pub fn demo(args: &Args, demo: &DemoArgs) -> anyhow::Result<ExitCode> {
    if args.store.is_some() {
        anyhow::bail!(
            "demo never uses --store, so your store stays untouched; use `demo --keep DIR` to keep the demo inbox"
        );
    }
    let mut config = match &args.config {
        Some(file) => Config::load(Some(file))?,
        None => Config::parse(
            config::EXAMPLE,
            Path::new("(demo config)"),
            config::default_dir(),
        )?,
    };
    let store = match &demo.keep {
        Some(dir) => {
            if is_users_store(args, dir) {
                anyhow::bail!(
                    "{} is your real store; keep the demo inbox somewhere else",
                    dir.display()
                );
            }
            open_store(dir)?
        }
        None => SledStore::temporary().context("cannot create a temporary demo store")?,
    };
    let store: Arc<dyn Store> = Arc::new(store);
    // The sandbox must outlive the TUI: it runs on its own runtime.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .context("cannot start the sandbox runtime")?;
    let sandbox = runtime.block_on(fill_demo(store.clone()))?;
    // The demo brand's rules flag what came in (propose) or act (apply).
    if let Some(auto) = crate::triage::auto::AutoModeration::from_dir(&config.dir, true)? {
        auto.run_new(store.as_ref(), Utc::now())
            .context("running the demo rules")?;
    }
    // The TUI keeps syncing the sandboxed accounts in the background, and
    // the sandbox keeps receiving new mentions, so the inbox is live.
    config.accounts.extend(sandbox_accounts(&sandbox));
    config.sync_every = std::time::Duration::from_secs(30);
    config.example_rules = true;
    runtime.spawn(feed(sandbox.mastodon.clone()));
    let result = crate::tui::run_tui(config, store, false);
    drop(sandbox);
    result?;
    Ok(ExitCode::SUCCESS)
}

/// New mentions keep arriving in the demo, one every 40 seconds.
async fn feed(mastodon: crate::sandbox::mastodon::Mastodon) {
    const ARRIVALS: &[(&str, &str, bool)] = &[
        (
            "julie_b@mastodon.social",
            "@atelierlumen Ma commande #4512 n'est toujours pas arrivée, c'est normal ?",
            false,
        ),
        (
            "sam@fosstodon.org",
            "@atelierlumen Do you ship to Ireland? Asking for a friend 🕯️",
            false,
        ),
        (
            "nina@piaille.fr",
            "@atelierlumen bonjour, je peux passer récupérer ma commande à Lyon samedi ?",
            true,
        ),
        (
            "promo_bot@spam.example",
            "@atelierlumen 🔥 Get 10k followers now!!! http://spam.example/buy",
            false,
        ),
        (
            "marc@mamot.fr",
            "@atelierlumen La bougie Figue & Cèdre est magnifique, merci !",
            false,
        ),
    ];
    for (acct, text, direct) in ARRIVALS.iter().cycle() {
        tokio::time::sleep(std::time::Duration::from_secs(40)).await;
        mastodon.mention(acct, text, *direct);
    }
}

/// Items the sandbox replicates: every network's, but our own Bluesky
/// chat messages (chat never lists them as inbox items) and Instagram
/// mentions (they only arrive by webhook), which are written directly.
fn sandboxed(item: &Item) -> bool {
    let dm = item.remote.kind == crate::model::Kind::DirectMessage;
    match item.remote.network {
        Network::Bluesky => !(dm && item.remote.from_us),
        Network::Instagram => item.remote.kind != crate::model::Kind::Mention,
        _ => true,
    }
}

/// The sandbox's brand accounts, as `config.toml` would declare them.
pub(super) fn sandbox_accounts(sandbox: &Sandbox) -> Vec<AccountConfig> {
    let account = |network: Network, token: &str| AccountConfig {
        network,
        handle: crate::demo::account(network).to_string(),
        base_url: sandbox.base_url(network),
        token: TokenSource::Fixed(token.to_string()),
        first_sync_depth: 1_000,
        meta: None,
        ids: Default::default(),
    };
    let meta = |page_id: &str, ig_user_id: Option<&str>| {
        Some(crate::config::accounts::MetaIds {
            page_id: page_id.to_string(),
            ig_user_id: ig_user_id.map(str::to_string),
            human_agent: false,
        })
    };
    vec![
        account(Network::Mastodon, crate::sandbox::mastodon::TOKEN),
        account(Network::Bluesky, crate::sandbox::bluesky::APP_PASSWORD),
        AccountConfig {
            meta: meta(crate::sandbox::facebook::PAGE_ID, None),
            ..account(Network::Facebook, crate::sandbox::facebook::TOKEN)
        },
        AccountConfig {
            meta: meta(
                crate::sandbox::instagram::PAGE_ID,
                Some(crate::sandbox::instagram::IG_USER_ID),
            ),
            ..account(Network::Instagram, crate::sandbox::instagram::TOKEN)
        },
        AccountConfig {
            ids: crate::config::accounts::NetworkIds {
                channel_id: Some(crate::sandbox::youtube::CHANNEL_ID.to_string()),
                ..Default::default()
            },
            ..account(Network::YouTube, crate::sandbox::youtube::TOKEN)
        },
        AccountConfig {
            ids: crate::config::accounts::NetworkIds {
                organization: Some(crate::sandbox::linkedin::ORG_URN.to_string()),
                ..Default::default()
            },
            ..account(Network::LinkedIn, crate::sandbox::linkedin::TOKEN)
        },
        AccountConfig {
            ids: crate::config::accounts::NetworkIds {
                business_id: Some(crate::sandbox::tiktok::BUSINESS_ID.to_string()),
                ..Default::default()
            },
            ..account(Network::TikTok, crate::sandbox::tiktok::TOKEN)
        },
        AccountConfig {
            ids: crate::config::accounts::NetworkIds {
                user_id: Some(crate::sandbox::threads::USER_ID.to_string()),
                ..Default::default()
            },
            ..account(Network::Threads, crate::sandbox::threads::TOKEN)
        },
        AccountConfig {
            ids: crate::config::accounts::NetworkIds {
                user_id: Some(crate::sandbox::x::BRAND_ID.to_string()),
                ..Default::default()
            },
            ..account(Network::X, crate::sandbox::x::TOKEN)
        },
    ]
}

/// Fills the demo store. The store starts as a team's store would: every
/// item with the work already done on it (statuses, tags, notes). Then each
/// sandboxed account syncs through its connector, which brings what the
/// networks say over HTTP and, as any re-sync, keeps that local work.
async fn fill_demo(store: Arc<dyn Store>) -> anyhow::Result<Sandbox> {
    let items = crate::demo::demo_items(Utc::now());
    let replicated: Vec<Item> = items.iter().filter(|i| sandboxed(i)).cloned().collect();
    let writer = store.clone();
    let (_, summary) = tokio::task::spawn_blocking(move || writer.ingest(items))
        .await
        .context("demo writer")?
        .context("cannot write the demo inbox")?;
    let sandbox = Sandbox::start(&crate::demo::accounts(), &replicated)
        .await
        .context("cannot start the sandbox networks")?;
    let mut synced = 0;
    for account in sandbox_accounts(&sandbox) {
        let conn = connector_for(&account).await?;
        let report = sync_once(store.clone(), &conn, account.first_sync_depth)
            .await
            .with_context(|| format!("syncing the sandbox account {}", account.label()))?;
        synced += report.summary.new + report.summary.updated + report.summary.unchanged;
    }
    let seeded = {
        let store = store.clone();
        let tags = crate::triage::tags::Tags::example();
        tokio::task::spawn_blocking(move || {
            crate::demo::escalations::open_records(store.as_ref(), &tags, Utc::now())
        })
        .await
        .context("demo escalations")?
        .context("cannot record the demo escalations")?
    };
    tracing::info!(stored = summary.new, synced, seeded, "demo inbox ready");
    Ok(sandbox)
}

/// True when `dir` is the store guichet would open without `--store`
/// (the platform default, or `store =` from a readable config).
pub(crate) fn is_users_store(args: &Args, dir: &Path) -> bool {
    let mut real = vec![config::default_store_dir()];
    if let Ok(cfg) = Config::load(args.config.as_deref()) {
        let no_flag = Args {
            store: None,
            ..args.clone()
        };
        real.push(store_path(&no_flag, &cfg));
    }
    let canon = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    real.iter().any(|r| canon(r) == canon(dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_demo_fills_through_the_sandbox_connectors() {
        let store: Arc<dyn Store> = Arc::new(SledStore::temporary().unwrap());
        let sandbox = fill_demo(store.clone()).await.unwrap();
        let rows = store.rows().unwrap();
        // The connectors found the same items, so nothing is doubled, and
        // the work done on them survived the sync.
        let demo = crate::demo::demo_items(Utc::now());
        let extra: Vec<String> = rows
            .rows
            .iter()
            .map(|r| store.get(r.seq).unwrap().unwrap())
            .filter(|i| !demo.iter().any(|d| d.id == i.id))
            .map(|i| format!("{} {:?} {}", i.id, i.remote.kind, i.remote.text))
            .collect();
        assert!(extra.is_empty(), "no item twice: {extra:#?}");
        assert_eq!(rows.rows.len(), demo.len(), "no item twice");
        let worked = |items: &[Item]| {
            items
                .iter()
                .filter(|i| !i.local.tags.is_empty() || !i.local.notes.is_empty())
                .count()
        };
        let stored: Vec<Item> = rows
            .rows
            .iter()
            .map(|r| store.get(r.seq).unwrap().unwrap())
            .collect();
        assert_eq!(worked(&stored), worked(&demo), "tags and notes kept");
        for i in stored.iter().filter(|i| sandboxed(i)) {
            let d = demo.iter().find(|d| d.id == i.id).unwrap();
            assert_eq!(i.local.status.kind(), d.local.status.kind(), "{}", i.id);
        }
        // Every escalated item waits on someone, with a due time; the two
        // oldest are late and come back on top.
        let escalated = rows
            .rows
            .iter()
            .filter(|r| r.status == crate::model::StatusKind::Escalated)
            .count();
        assert!(escalated > 5);
        assert_eq!(store.escalations().unwrap().len(), escalated);
        let now = Utc::now().timestamp();
        assert_eq!(rows.rows.iter().filter(|r| r.overdue(now)).count(), 2);
        let count = |n: Network| rows.rows.iter().filter(|r| r.network == n).count();
        assert!(
            count(Network::Mastodon) > 5,
            "Mastodon items came through the connector"
        );
        assert!(
            count(Network::Bluesky) > 5,
            "Bluesky items came through the connector"
        );
        assert!(
            count(Network::Facebook) > 20 && count(Network::Instagram) > 20,
            "Facebook and Instagram items came through their connectors"
        );
        assert!(
            [
                Network::X,
                Network::YouTube,
                Network::TikTok,
                Network::LinkedIn,
                Network::Threads
            ]
            .iter()
            .all(|n| count(*n) > 5),
            "every network came through its connector"
        );
        // Their sync cursors are saved: the background sync resumes from there.
        for account in sandbox_accounts(&sandbox) {
            let conn = connector_for(&account).await.unwrap();
            assert!(
                store
                    .cursor(&crate::networks::connector::Connector::stream(&conn))
                    .unwrap()
                    .is_some()
            );
        }
    }
}
