//! `guichet reply ID TEXT`, `guichet private-reply ID TEXT` and the
//! moderation commands (`like`, `unlike`, `hide`, `unhide`, `delete`,
//! `block`, `mute`, `spam`, `report-item`). The network's rules are checked first: an impossible
//! action is refused with its reason and nothing is queued. Then each
//! action is written to the outbox (so it is never lost) and sent through
//! the account's connector when the account is configured. Prints where
//! each stands: sent with its remote id, queued, or failed with the reason.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;

use super::Context;
use super::args::{ActArgs, ReplyArgs, ReportItemArgs};
use crate::config::AccountConfig;
use crate::model::{Item, ItemId};
use crate::networks::connector::Act;
use crate::networks::report::{Report, ReportReason};
use crate::networks::{Target, capabilities};
use crate::outbox::{OutAction, OutboxEntry, SendState, send_one};
use crate::store::Store;
use crate::sync::engine::connector_keeping;

/// `guichet reply ID (TEXT | --text T | --template NAME [--var K=V]…)`:
/// renders the canned reply for the item, checks placeholders, length and
/// the brand guidelines, then queues and sends it.
pub fn reply(ctx: Context, args: &ReplyArgs, private: bool) -> anyhow::Result<ExitCode> {
    let id: ItemId = args.id.parse().map_err(|e: String| anyhow::anyhow!(e))?;
    let Some((seq, item)) = ctx.store.find(&id)? else {
        anyhow::bail!("no item {id}");
    };
    let kit = super::lint::kit_for(&ctx.config, args.brand.as_deref())?;
    let text = match (&args.template, &args.text) {
        (Some(name), _) => render(&ctx, &kit, &item, name, &args.vars)?,
        (None, Some(text)) => text.clone(),
        (None, None) => args.words.join(" "),
    };
    let text = text.trim().to_string();
    if text.is_empty() {
        anyhow::bail!("the reply is empty");
    }
    if let Some(p) = crate::replies::placeholder::find(&text).first() {
        anyhow::bail!(
            "the reply still has the placeholder {}: give it with --var \"{}=…\"",
            &text[p.span.clone()],
            p.label
        );
    }
    let kind = if private {
        crate::model::Kind::DirectMessage
    } else {
        item.remote.kind
    };
    let counted = crate::networks::count_for(item.remote.network, kind, &text);
    if let Some(problem) = counted.problem() {
        anyhow::bail!("not queued: {problem}");
    }
    let public = !private && item.remote.kind != crate::model::Kind::DirectMessage;
    let lang = args
        .template
        .as_deref()
        .and_then(|t| kit.library.get(t))
        .map(|t| t.lang.clone());
    let findings = kit.lint(&text, item.remote.network, kind, public, lang.as_deref());
    if !findings.is_empty() {
        eprint!("{}", super::lint::describe(&text, &findings));
    }
    if crate::replies::lint::blocking(&findings) {
        if !args.force {
            anyhow::bail!(
                "not queued: the reply breaks the brand guidelines (fix it, or --force to send anyway)"
            );
        }
        let rules: Vec<&str> = findings
            .iter()
            .filter(|f| f.level == crate::replies::lint::Level::Error)
            .map(|f| f.rule)
            .collect();
        let why = format!("sent despite guideline errors: {}", rules.join(", "));
        ctx.store.change(
            &[seq],
            &crate::change::LocalChange::Record(why),
            &ctx.config.agent,
        )?;
    }
    if let Some(name) = &args.template {
        ctx.store
            .record_reply_use(&ctx.config.agent, name, chrono::Utc::now())?;
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

/// The canned reply `name` rendered for `item`, with `K=V` placeholders.
fn render(
    ctx: &Context,
    kit: &crate::replies::Kit,
    item: &Item,
    name: &str,
    vars: &[String],
) -> anyhow::Result<String> {
    let Some(canned) = kit.library.get(name) else {
        anyhow::bail!("no canned reply '{name}' (see your replies folder, or the examples)");
    };
    let mut filled = std::collections::BTreeMap::new();
    for kv in vars {
        let Some((k, v)) = kv.split_once('=') else {
            anyhow::bail!("--var {kv}: expected NAME=VALUE");
        };
        filled.insert(k.trim().to_string(), v.trim().to_string());
    }
    let used = ctx
        .store
        .reply_usage(&ctx.config.agent)?
        .get(name)
        .map_or(0, |u| u.count);
    let vars = kit.vars(chrono::Local::now().date_naive(), filled);
    canned
        .render(item, &vars, u64::from(used))
        .map_err(|e| anyhow::anyhow!("{name}: {e}"))
}

pub fn act(ctx: Context, args: &ActArgs, act: Act) -> anyhow::Result<ExitCode> {
    run(ctx, &args.ids, &OutAction::Act(act), args.queue_only)
}

/// `guichet report-item --reason CATEGORY [--comment TEXT] ID…`.
pub fn report_item(ctx: Context, args: &ReportItemArgs) -> anyhow::Result<ExitCode> {
    let Some(reason) = ReportReason::parse(&args.reason) else {
        let words: Vec<&str> = ReportReason::ALL.iter().map(|r| r.as_str()).collect();
        anyhow::bail!(
            "--reason {}: expected one of {}",
            args.reason,
            words.join(", ")
        );
    };
    let report = Report::new(reason, &args.comment);
    let action = OutAction::Report(report);
    run(ctx, &args.act.ids, &action, args.act.queue_only)
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
        let Some(capability) = action.capability() else {
            anyhow::bail!("{id}: {what} is not an action on the network");
        };
        if let Err(no) = caps.check(capability, &Target::from_remote(&item.remote), now) {
            anyhow::bail!("{id}: cannot {what}: {no}");
        }
        if let OutAction::Report(report) = action
            && let Err(why) = report.check(item.remote.network)
        {
            anyhow::bail!("{id}: cannot report: {why}");
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
