//! `guichet reply ID TEXT`, `guichet private-reply ID TEXT` and the
//! moderation commands (`like`, `unlike`, `hide`, `unhide`, `delete`,
//! `block`, `mute`). The network's rules are checked first: an impossible
//! action is refused with its reason and nothing is queued. Then each
//! action is written to the outbox (so it is never lost) and sent through
//! the account's connector when the account is configured. Prints where
//! each stands: sent with its remote id, queued, or failed with the reason.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;

use super::Context;
use super::args::{ActArgs, ReplyArgs};
use crate::config::AccountConfig;
use crate::model::{Item, ItemId};
use crate::networks::connector::Act;
use crate::networks::{Target, capabilities};
use crate::outbox::{OutAction, OutboxEntry, SendState, send_one};
use crate::store::Store;
use crate::sync::engine::connector_keeping;

pub fn reply(ctx: Context, args: &ReplyArgs, private: bool) -> anyhow::Result<ExitCode> {
    let text = args.text.join(" ");
    if text.trim().is_empty() {
        anyhow::bail!("the reply is empty");
    }
    let action = if private {
        OutAction::PrivateReply { text }
    } else {
        OutAction::Reply { text }
    };
    run(
        ctx,
        std::slice::from_ref(&args.id),
        &action,
        args.queue_only,
    )
}

pub fn act(ctx: Context, args: &ActArgs, act: Act) -> anyhow::Result<ExitCode> {
    run(ctx, &args.ids, &OutAction::Act(act), args.queue_only)
}

fn run(
    ctx: Context,
    ids: &[String],
    action: &OutAction,
    queue_only: bool,
) -> anyhow::Result<ExitCode> {
    let what = action.describe().replace('_', " ");
    // Every id is checked before anything is queued.
    let mut items: Vec<Item> = Vec::new();
    let now = chrono::Utc::now();
    for raw in ids {
        let id: ItemId = raw.parse().map_err(|e: String| anyhow::anyhow!(e))?;
        let Some((_, item)) = ctx.store.find(&id)? else {
            anyhow::bail!("no item {id}");
        };
        let caps = capabilities(item.remote.network);
        if let Err(no) = caps.check(action.capability(), &Target::from_remote(&item.remote), now) {
            anyhow::bail!("{id}: cannot {what}: {no}");
        }
        items.push(item);
    }
    let mut queued: Vec<(OutboxEntry, Option<AccountConfig>)> = Vec::new();
    for item in &items {
        let entry = ctx
            .store
            .enqueue(&item.id, action.clone(), &ctx.config.agent)?;
        let account = ctx
            .config
            .accounts
            .iter()
            .find(|a| a.network == item.remote.network && a.handle == item.remote.account)
            .cloned()
            .filter(|_| !queue_only);
        queued.push((entry, account));
    }
    let store: Arc<dyn Store> = Arc::new(ctx.store);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let mut code = ExitCode::SUCCESS;
    for (entry, account) in queued {
        let id = entry.item.clone();
        let Some(account) = account else {
            println!(
                "{id}: {what} queued (#{}); it goes out with the next sync of its account",
                entry.id
            );
            continue;
        };
        let done = runtime.block_on(async {
            let conn = connector_keeping(&account, store.clone()).await?;
            send_one(store.clone(), &conn, entry)
                .await
                .map_err(anyhow::Error::from)
        });
        if !report(&id, &what, done) {
            code = ExitCode::FAILURE;
        }
    }
    store.flush()?;
    Ok(code)
}

/// Prints where one entry stands; false when it did not go out.
fn report(id: &ItemId, what: &str, done: anyhow::Result<OutboxEntry>) -> bool {
    let done = match done {
        Ok(d) => d,
        Err(e) => {
            println!("{id}: {what} queued; sending failed: {e:#}");
            return false;
        }
    };
    match done.state {
        SendState::Sent { remote_id, .. } => {
            println!("{id}: {what} sent ({remote_id})");
            true
        }
        SendState::Failed { error, retry: true } => {
            println!("{id}: {what} queued; will retry: {error}");
            false
        }
        SendState::Failed {
            error,
            retry: false,
        } => {
            println!("{id}: {what} refused: {error}");
            false
        }
        SendState::Pending | SendState::Sending { .. } => {
            println!("{id}: {what} queued");
            true
        }
    }
}
