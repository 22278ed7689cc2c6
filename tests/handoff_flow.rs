//! Hand-offs end to end in a headless session: the escalate flow queues
//! the hand-off in the outbox (store before network), the outbox sender
//! delivers it to a local webhook receiver, a refusal shows under `!`, an
//! escalation to someone unreachable says so, and `escalation.done` puts
//! the item back in the queue with the colleague's outcome.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::StatusCode;
use guichet::model::Status;
use guichet::outbox::{OutAction, SendState};
use guichet::triage::handoff::{HandoffSender, Limits, send_due};
use guichet::triage::tags::Tags;
use guichet::tui::state::Overlay;

mod common;
use common::session::{app, keys, notice, screen_text, type_text};

type Seen = Arc<Mutex<Vec<serde_json::Value>>>;

/// A webhook receiver answering `status`; returns what it saw and its URL.
fn receiver(rt: &tokio::runtime::Runtime, status: u16) -> (Seen, String) {
    let seen = Seen::default();
    let app = axum::Router::new()
        .route(
            "/hook",
            axum::routing::post(
                move |State(seen): State<Seen>, body: axum::body::Bytes| async move {
                    seen.lock()
                        .unwrap()
                        .push(serde_json::from_slice(&body).unwrap());
                    StatusCode::from_u16(status).unwrap()
                },
            ),
        )
        .with_state(seen.clone());
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    rt.spawn(async move { axum::serve(listener, app).await });
    (seen, format!("http://{addr}/hook"))
}

fn tags(webhook: Option<&str>) -> Arc<Tags> {
    let contact = webhook.map_or(String::new(), |u| format!("webhook = \"{u}\"\n"));
    let src = format!(
        "[people.marie]\nname = \"Marie Dubois\"\n{contact}\n[tags.refund]\nroute = \"marie\"\nfirst_response = \"2h\"\nescalates = true\n"
    );
    Arc::new(Tags::parse(&src, std::path::Path::new("tags.toml")).unwrap())
}

fn escalate(app: &mut guichet::tui::App, note: &str) {
    keys(app, "e");
    type_text(app, "refund");
    keys(app, "enter enter");
    type_text(app, note);
    keys(app, "enter");
}

fn sender() -> HandoffSender {
    HandoffSender {
        smtp: None,
        http: reqwest::Client::builder().no_proxy().build().unwrap(),
        limits: Limits::default(),
    }
}

#[test]
fn the_escalate_flow_queues_the_hand_off_and_the_outbox_delivers_it() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (seen, url) = receiver(&rt, 200);
    let mut app = app();
    app.state.tags = tags(Some(&url));
    app.state.handoff_callback = Some("https://cm.example.org".into());
    let seq = app.state.queue.selected.unwrap();
    escalate(&mut app, "Colis abîmé.");

    let text = notice(&app);
    assert!(
        text.contains("escalated to Marie Dubois (refund)")
            && text.contains("hand-off queued: webhook to http://127.0.0.1:"),
        "{text}"
    );
    // Stored before any network call: pending in the outbox, shown as such.
    let entries = app.store().outbox().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].state, SendState::Pending);
    let OutAction::Handoff(order) = &entries[0].action else {
        panic!("{:?}", entries[0].action)
    };
    assert_eq!(order.handoff.assignee, "Marie Dubois");
    assert_eq!(order.handoff.note.as_deref(), Some("Colis abîmé."));
    assert!(order.handoff.due.is_some(), "from the tag's SLA");
    assert!(
        seen.lock().unwrap().is_empty(),
        "nothing sent by the flow itself"
    );
    let item = app.store().get(seq).unwrap().unwrap();
    assert!(app.state.outbox.contains_key(item.id.as_str()));
    keys(&mut app, "tab tab tab tab");
    assert!(app.state.queue.select(seq));
    let shown = screen_text(&mut app, 140, 60);
    assert!(
        shown.contains("due 2h"),
        "while the hand-off waits, the row keeps the SLA timer: {shown}"
    );
    keys(&mut app, "enter");
    let shown = screen_text(&mut app, 140, 60);
    assert!(
        shown.contains("hand-off to Marie Dubois by webhook to http://127.0.0.1:"),
        "{shown}"
    );
    assert!(!shown.contains("/hook"), "the hook path stays out: {shown}");

    let store = app.store().clone();
    let done = rt
        .block_on(send_due(store, &sender(), chrono::Utc::now()))
        .unwrap();
    assert!(matches!(done[0].state, SendState::Sent { .. }));
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0]["schema"], "guichet.handoff/1");
    assert_eq!(seen[0]["handoff"]["item_id"], item.id.as_str());
    assert!(
        seen[0]["handoff"]["callback_url"]
            .as_str()
            .unwrap()
            .starts_with("https://cm.example.org/handoff/")
    );
}

#[test]
fn a_refused_hand_off_shows_under_attention() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (_, url) = receiver(&rt, 400);
    let mut app = app();
    app.state.tags = tags(Some(&url));
    escalate(&mut app, "x");
    let store = app.store().clone();
    rt.block_on(send_due(store, &sender(), chrono::Utc::now()))
        .unwrap();
    // The TUI re-reads the outbox after the hand-off task's pass.
    app.on_sync(guichet::sync::engine::SyncEvent {
        account: guichet::sync::engine::HANDOFFS.into(),
        state: guichet::sync::engine::SyncState::Ok {
            at: chrono::Utc::now(),
            new: 0,
        },
        report: None,
    });
    app.settle();
    assert!(
        !app.state.accounts.iter().any(|(a, _)| a == "hand-offs"),
        "not an account"
    );
    keys(&mut app, "!");
    let Some(Overlay::Attention(list)) = app.state.overlays.last() else {
        panic!("{:?}", app.state.overlays.last())
    };
    let label = &list.entries[0].label;
    assert!(
        label.starts_with("hand-off to Marie Dubois") && label.contains("HTTP 400"),
        "{label}"
    );
}

#[test]
fn an_escalation_to_someone_unreachable_says_so_and_queues_nothing() {
    let mut app = app();
    app.state.tags = tags(None);
    let seq = app.state.queue.selected.unwrap();
    escalate(&mut app, "x");
    let text = notice(&app);
    assert!(
        text.contains("no hand-off: Marie Dubois has no webhook, e-mail or command"),
        "{text}"
    );
    assert!(app.store().outbox().unwrap().is_empty());
    let item = app.store().get(seq).unwrap().unwrap();
    assert_eq!(
        item.local.status,
        Status::Escalated,
        "escalated all the same"
    );
}

#[test]
fn the_outcome_recorded_by_hand_returns_the_item_to_the_queue() {
    let mut app = app();
    app.state.tags = tags(None);
    let seq = app.state.queue.selected.unwrap();
    escalate(&mut app, "x");
    keys(&mut app, "tab tab tab tab");
    assert_eq!(app.state.queue.view().name, "Escalated");
    assert!(app.state.queue.select(seq));
    keys(&mut app, "E");
    keys(&mut app, "enter");
    assert!(
        matches!(app.state.overlays.last(), Some(Overlay::Prompt(p)) if p.error.is_some()),
        "an outcome is required"
    );
    type_text(&mut app, "avoir de 25 € envoyé");
    keys(&mut app, "enter");
    let item = app.store().get(seq).unwrap().unwrap();
    assert_eq!(item.local.status, Status::Open);
    assert!(
        item.local
            .notes
            .iter()
            .any(|n| n.text == "escalation outcome: avoir de 25 € envoyé" && n.by == "camille"),
        "{:?}",
        item.local.notes
    );
    assert!(
        notice(&app).contains("back in the queue"),
        "{}",
        notice(&app)
    );
}

#[test]
fn the_engine_delivers_hand_offs_without_any_account() {
    use guichet::sync::engine::{HANDOFFS, SyncEngine};
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (seen, url) = receiver(&rt, 200);
    let mut app = app();
    app.state.tags = tags(Some(&url));
    escalate(&mut app, "x");
    let store = app.store().clone();
    rt.block_on(async move {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut engine = SyncEngine::start(
            store.clone(),
            Vec::new(),
            std::time::Duration::from_secs(300),
            tx.clone(),
            None,
        );
        engine.start_handoffs(store.clone(), sender(), tx);
        let event = tokio::time::timeout(std::time::Duration::from_secs(30), rx.recv())
            .await
            .expect("an event")
            .expect("the engine runs");
        assert_eq!(event.account, HANDOFFS);
        engine.stop(std::time::Duration::from_secs(1)).await;
        let entries = store.outbox().unwrap();
        assert!(
            matches!(entries[0].state, SendState::Sent { .. }),
            "{:?}",
            entries[0].state
        );
    });
    assert_eq!(seen.lock().unwrap().len(), 1);
}
