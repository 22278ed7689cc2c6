//! `guichet accounts`: every configured account with its health: where
//! its token comes from (never the token), what the store holds for it,
//! when it last synced, what waits in the outbox, the day's API quota where
//! the network counts one (YouTube), and (unless `--offline`)
//! a live check against the network: ok, auth expired, permission
//! missing, rate limited until T, or unreachable.

use std::process::ExitCode;

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use super::Context;
use super::args::AccountsArgs;
use crate::config::AccountConfig;
use crate::networks::connector::Connector;
use crate::networks::error::ErrorKind;
use crate::outbox::SendState;
use crate::store::Store;
use crate::sync::engine::connector_keeping;
use crate::sync::synced_at_key;

pub fn run(ctx: Context, args: &AccountsArgs) -> anyhow::Result<ExitCode> {
    if ctx.config.accounts.is_empty() {
        println!("no accounts: add [[accounts]] to config.toml (see README, Configuration)");
        return Ok(ExitCode::SUCCESS);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let store: std::sync::Arc<dyn Store> = std::sync::Arc::new(ctx.store);
    let outbox = store.outbox()?;
    let rows = store.rows()?;
    let mut healthy = true;
    for account in &ctx.config.accounts {
        let prefix = format!("{}:{}:", account.network.as_str(), account.handle);
        let items = rows
            .rows
            .iter()
            .filter(|r| {
                r.network == account.network && rows.names.account_name(r.account) == account.handle
            })
            .count();
        let waiting = outbox
            .iter()
            .filter(|e| e.item.as_str().starts_with(&prefix) && e.is_due())
            .count();
        let failed = outbox
            .iter()
            .filter(|e| e.item.as_str().starts_with(&prefix))
            .filter(|e| matches!(e.state, SendState::Failed { retry: false, .. }))
            .count();
        let stream = format!("{}:{}/inbox", account.network.as_str(), account.handle);
        let synced = store
            .cursor(&synced_at_key(&stream))?
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&Utc));
        let health = if args.offline {
            "not checked (--offline)".to_string()
        } else {
            let (text, ok) = runtime.block_on(check(account, store.clone()));
            healthy &= ok;
            text
        };
        println!("{}", account.label());
        println!("  api       {}", account.base_url);
        println!("  token     {}", token_source(&account.token));
        println!("  health    {health}");
        println!(
            "  synced    {}",
            synced.map_or("never".to_string(), |t| ago(t, Utc::now()))
        );
        println!("  stored    {items} items");
        if let Some(day) = store
            .cursor(&format!("{stream}#quota"))?
            .and_then(|r| crate::networks::quota::QuotaDay::from_record(&r))
            .filter(|d| d.resets_at > Utc::now())
        {
            println!(
                "  quota     {} of {} units used today (resets {})",
                day.used,
                day.daily,
                day.resets_at.format("%Y-%m-%d %H:%M UTC")
            );
        }
        println!("  outbox    {waiting} waiting, {failed} failed");
    }
    Ok(if healthy {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// One cheap read from the saved cursor (nothing is stored).
async fn check(account: &AccountConfig, store: std::sync::Arc<dyn Store>) -> (String, bool) {
    let conn = match connector_keeping(account, store.clone()).await {
        Ok(c) => c,
        Err(e) => return (format!("cannot connect: {e}"), false),
    };
    let cursor = store.cursor(&conn.stream()).ok().flatten();
    match conn.fetch_new(cursor.as_deref(), 1).await {
        Ok(_) => ("ok".to_string(), true),
        Err(e) => {
            let what = match e.kind {
                ErrorKind::AuthExpired => "auth expired: log in again".to_string(),
                ErrorKind::AuthRevoked => "auth revoked: log in again".to_string(),
                ErrorKind::PermissionMissing => "permission missing".to_string(),
                ErrorKind::RateLimited { until } => {
                    format!("rate limited until {}", until.format("%H:%M UTC"))
                }
                _ => "unreachable".to_string(),
            };
            (format!("{what} ({e})"), false)
        }
    }
}

fn ago(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - t).num_seconds().max(0);
    let span = match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m", secs / 60),
        3600..86400 => format!("{}h", secs / 3600),
        _ => format!("{}d", secs / 86400),
    };
    format!("{span} ago ({})", t.format("%Y-%m-%d %H:%M UTC"))
}

/// Where the token comes from, never what it is.
fn token_source(token: &crate::config::TokenSource) -> String {
    match token {
        crate::config::TokenSource::Env(var) => format!("from ${var}"),
        crate::config::TokenSource::Command(cmd) => format!("from the command `{cmd}`"),
        crate::config::TokenSource::Fixed(_) => "built in (sandbox)".to_string(),
    }
}
