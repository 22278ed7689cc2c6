//! `guichet serve-callbacks [--listen ADDR] [--token-env VAR]`: the return
//! leg of a hand-off. A colleague's tool (or a chat bot) posts what became
//! of an escalated item; the item gets an internal note with the outcome,
//! an audit line, and goes back to the queue (status open) so the community
//! manager closes the loop with the customer. The token, when set, comes
//! from an environment variable and is never printed or logged.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;

use super::Context;
use super::args::ServeCallbacksArgs;
use crate::change::LocalChange;
use crate::model::{ItemId, Status};
use crate::store::Store;
use crate::triage::handoff::{Callback, CallbackSink, SinkError, callback_router};

/// Records each callback on its item: a note, then back to the queue.
pub fn sink(store: Arc<dyn Store>) -> CallbackSink {
    Arc::new(move |cb: Callback| {
        let id: ItemId = cb.item_id.parse().map_err(|_| SinkError::UnknownItem)?;
        let Some((seq, _)) = store
            .find(&id)
            .map_err(|e| SinkError::Failed(e.to_string()))?
        else {
            return Err(SinkError::UnknownItem);
        };
        let state = if cb.done { "done" } else { "in progress" };
        let mut note = format!("hand-off {state}: {} (from {})", cb.outcome, cb.by);
        if let Some(extra) = cb.note.as_deref().filter(|n| !n.trim().is_empty()) {
            note.push_str(&format!(". {extra}"));
        }
        let who = format!("{} (callback)", cb.by);
        let fail = |e: crate::store::StoreError| SinkError::Failed(e.to_string());
        store
            .change(&[seq], &LocalChange::AddNote(note), &who)
            .map_err(fail)?;
        if cb.done {
            // The colleague's part is over: back to the queue, to answer
            // the customer.
            store
                .change(&[seq], &LocalChange::SetStatus(Status::Open), &who)
                .map_err(fail)?;
        }
        store.flush().map_err(fail)?;
        Ok(())
    })
}

pub fn run(ctx: Context, args: &ServeCallbacksArgs) -> anyhow::Result<ExitCode> {
    let token = match &args.token_env {
        Some(var) => Some(
            std::env::var(var)
                .ok()
                .filter(|t| !t.trim().is_empty())
                .with_context(|| format!("the environment variable {var} is empty or not set"))?,
        ),
        None => None,
    };
    let store: Arc<dyn Store> = Arc::new(ctx.store);
    let router = callback_router(sink(store), token.clone());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(&args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        let addr = listener.local_addr()?;
        let auth = if token.is_some() {
            "a bearer token is required"
        } else {
            "no token: keep it on a trusted network"
        };
        println!("guichet: hand-off callbacks on http://{addr}/handoff/<item id> ({auth})");
        axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .context("serving callbacks")
    })?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::SledStore;

    #[test]
    fn a_done_callback_notes_the_outcome_and_reopens_the_item() {
        let store = Arc::new(SledStore::temporary().unwrap_or_else(|e| panic!("{e}")));
        let now = chrono::Utc::now();
        let items = crate::demo::demo_items(now);
        let first = items[0].clone();
        store.ingest(items).unwrap_or_else(|e| panic!("{e}"));
        let (seq, _) = store
            .find(&first.id)
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("stored"));
        store
            .change(
                &[seq],
                &LocalChange::SetStatus(Status::Escalated),
                "camille",
            )
            .unwrap_or_else(|e| panic!("{e}"));
        let sink = sink(store.clone());
        let cb = |done| Callback {
            item_id: first.id.to_string(),
            outcome: "refunded".into(),
            by: "Marie".into(),
            note: Some("avoir de 25 €".into()),
            done,
            at: now,
        };
        sink(cb(false)).unwrap_or_else(|e| panic!("{e}"));
        let item = store
            .get(seq)
            .unwrap_or_default()
            .unwrap_or_else(|| panic!("item"));
        assert_eq!(
            item.local.status,
            Status::Escalated,
            "progress keeps it escalated"
        );
        sink(cb(true)).unwrap_or_else(|e| panic!("{e}"));
        let item = store
            .get(seq)
            .unwrap_or_default()
            .unwrap_or_else(|| panic!("item"));
        assert_eq!(item.local.status, Status::Open, "back to the queue");
        let notes: Vec<String> = item.local.notes.iter().map(|n| n.text.clone()).collect();
        assert!(
            notes
                .iter()
                .any(|n| n == "hand-off done: refunded (from Marie). avoir de 25 €"),
            "{notes:?}"
        );
        let audit = store.audit(3).unwrap_or_default();
        let whats: Vec<(&str, &str)> = audit
            .iter()
            .map(|a| (a.who.as_str(), a.what.as_str()))
            .collect();
        assert_eq!(
            whats,
            [
                ("Marie (callback)", "status open"),
                ("Marie (callback)", "note"),
                ("Marie (callback)", "note")
            ]
        );
        let unknown = Callback {
            item_id: "mastodon:x:nope".into(),
            ..cb(true)
        };
        assert_eq!(sink(unknown), Err(SinkError::UnknownItem));
    }
}
