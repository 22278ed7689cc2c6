//! `guichet reply ID TEXT`: the reply is written to the outbox first (so it
//! is never lost), then sent through the account's connector when the
//! account is configured. Prints where it stands: sent with its remote id,
//! queued, or failed with the network's reason.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;

use super::Context;
use super::args::ReplyArgs;
use crate::model::ItemId;
use crate::outbox::{OutAction, SendState, send_one};
use crate::store::Store;
use crate::sync::engine::connector_for;

pub fn run(ctx: Context, args: &ReplyArgs) -> anyhow::Result<ExitCode> {
    let id: ItemId = args.id.parse().map_err(|e: String| anyhow::anyhow!(e))?;
    let Some((_, item)) = ctx.store.find(&id)? else {
        anyhow::bail!("no item {id}");
    };
    let text = args.text.join(" ");
    if text.trim().is_empty() {
        anyhow::bail!("the reply is empty");
    }
    let account = ctx
        .config
        .accounts
        .iter()
        .find(|a| a.network == item.remote.network && a.handle == item.remote.account)
        .cloned();
    let entry = ctx
        .store
        .enqueue(&id, OutAction::Reply { text }, &ctx.config.agent)?;
    let Some(account) = account.filter(|_| !args.queue_only) else {
        println!(
            "{id}: reply queued (#{}); it goes out with the next sync of its account",
            entry.id
        );
        return Ok(ExitCode::SUCCESS);
    };
    let store: Arc<dyn Store> = Arc::new(ctx.store);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let done = runtime.block_on(async {
        let conn = connector_for(&account).await?;
        send_one(store.clone(), &conn, entry)
            .await
            .map_err(anyhow::Error::from)
    });
    store.flush()?;
    let done = match done {
        Ok(d) => d,
        Err(e) => {
            println!("{id}: reply queued; sending failed: {e:#}");
            return Ok(ExitCode::FAILURE);
        }
    };
    match done.state {
        SendState::Sent { remote_id, .. } => {
            println!("{id}: reply sent ({remote_id})");
            Ok(ExitCode::SUCCESS)
        }
        SendState::Failed { error, retry: true } => {
            println!("{id}: reply queued; will retry: {error}");
            Ok(ExitCode::FAILURE)
        }
        SendState::Failed {
            error,
            retry: false,
        } => {
            println!("{id}: reply refused: {error}");
            Ok(ExitCode::FAILURE)
        }
        SendState::Pending | SendState::Sending { .. } => {
            println!("{id}: reply queued");
            Ok(ExitCode::SUCCESS)
        }
    }
}
