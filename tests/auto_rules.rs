//! Rules after a sync (`triage::auto`): `apply` acts at once, `propose`
//! flags for approval, both audited; each item is evaluated once; only
//! unanswered items are touched; approving and dismissing in the TUI.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::{FixedOffset, Utc};
use common::item;
use guichet::change::LocalChange;
use guichet::model::{Network, Status};
use guichet::outbox::OutAction;
use guichet::store::{SledStore, Store};
use guichet::triage::auto::AutoModeration;
use guichet::triage::rules::Rules;
use guichet::triage::tags::Tags;

const RULES: &str = r#"
[[rule]]
name = "crypto spam"
mode = "apply"
words = ["crypto"]
tag = "spam"
hide = true

[[rule]]
name = "lawyer"
words = ["avocat"]
escalate = "legal"
priority = "urgent"
"#;

fn auto() -> AutoModeration {
    let rules = Rules::parse(RULES, std::path::Path::new("rules.toml")).unwrap();
    AutoModeration::new(rules, Tags::example(), FixedOffset::east_opt(0).unwrap())
}

fn audit_lines(store: &dyn Store) -> Vec<(String, String)> {
    store
        .audit(100)
        .unwrap()
        .into_iter()
        .map(|a| (a.who, a.what))
        .collect()
}

#[test]
fn apply_acts_propose_flags_and_every_firing_is_audited_once() {
    let store = SledStore::temporary().unwrap();
    let (seqs, _) = store
        .ingest(vec![
            item(Network::Facebook, "1", "Gagnez en crypto ici", 10),
            item(Network::Facebook, "2", "Mon avocat vous écrira", 20),
            item(Network::Facebook, "3", "Merci, super bougie", 30),
        ])
        .unwrap();
    let ran = auto().run_new(&store, Utc::now()).unwrap();
    assert_eq!((ran.evaluated, ran.applied, ran.proposed), (3, 1, 1));

    // apply: tagged (with the rule as why), a hide queued, as the rule.
    let spam = store.get(seqs[0]).unwrap().unwrap();
    assert_eq!(spam.local.tags, vec!["spam"]);
    let tag = &store.tag_records(seqs[0]).unwrap()[0].1;
    assert_eq!(tag.by, "rule:crypto spam");
    assert!(tag.why.as_deref().unwrap().contains("crypto"), "{tag:?}");
    let outbox = store.outbox().unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].item, spam.id);
    assert!(matches!(outbox[0].action, OutAction::Act(_)));
    assert_eq!(outbox[0].by, "rule:crypto spam");
    assert!(store.proposals(seqs[0]).unwrap().is_empty());

    // propose: nothing done, the firing kept for approval.
    let lawyer = store.get(seqs[1]).unwrap().unwrap();
    assert!(lawyer.local.tags.is_empty());
    assert_eq!(lawyer.local.status, Status::New);
    let proposed = store.proposals(seqs[1]).unwrap();
    assert_eq!(proposed.len(), 1);
    assert_eq!(proposed[0].rule, "lawyer");
    assert_eq!(store.proposed().unwrap(), vec![seqs[1]]);
    let rows = store.rows().unwrap();
    let flagged: Vec<u32> = rows
        .rows
        .iter()
        .filter(|r| r.proposed)
        .map(|r| r.seq)
        .collect();
    assert_eq!(flagged, vec![seqs[1]]);

    let lines = audit_lines(&store);
    assert!(lines.iter().any(|(who, what)| who == "rule:crypto spam"
        && what.starts_with("rule crypto spam applied: tag spam, hide")));
    assert!(lines.iter().any(|(who, what)| who == "rule:lawyer"
        && what.starts_with("rule lawyer proposed:")
        && what.contains("escalate legal")
        && what.contains("priority urgent")));

    // A second run has nothing new to look at.
    let before = store.audit(1000).unwrap().len();
    assert_eq!(auto().run_new(&store, Utc::now()).unwrap().evaluated, 0);
    assert_eq!(store.audit(1000).unwrap().len(), before);
}

#[test]
fn items_already_settled_are_left_alone_and_later_arrivals_are_seen() {
    let store = SledStore::temporary().unwrap();
    let (seqs, _) = store
        .ingest(vec![item(Network::X, "1", "crypto crypto", 10)])
        .unwrap();
    store
        .change(&seqs, &LocalChange::SetStatus(Status::Done), "camille")
        .unwrap();
    let ran = auto().run_new(&store, Utc::now()).unwrap();
    assert_eq!(ran.evaluated, 0, "a done item is not reopened by a rule");
    assert!(store.get(seqs[0]).unwrap().unwrap().local.tags.is_empty());
    let (later, _) = store
        .ingest(vec![item(Network::X, "22", "mon avocat", 40)])
        .unwrap();
    let ran = auto().run_new(&store, Utc::now()).unwrap();
    assert_eq!((ran.evaluated, ran.proposed), (1, 1));
    assert_eq!(store.proposed().unwrap(), later);
}

#[test]
fn approving_and_dismissing_with_one_key_in_the_tui() {
    use common::session::{app_on, config, keys, notice};
    let store = SledStore::temporary().unwrap();
    let (seqs, _) = store
        .ingest(vec![
            item(Network::Facebook, "1", "Mon avocat vous écrira", 10),
            item(Network::Facebook, "22", "Mon avocat aussi", 20),
            item(Network::Facebook, "333", "Merci !", 30),
        ])
        .unwrap();
    auto().run_new(&store, Utc::now()).unwrap();
    let store: std::sync::Arc<dyn Store> = std::sync::Arc::new(store);
    let mut app = app_on(&config(), store.clone());
    // The Proposed view lists the two flagged items.
    keys(&mut app, "tab tab tab");
    assert_eq!(app.state.queue.view().name, "Proposed");
    assert_eq!(app.state.queue.visible.len(), 2);
    // The open item says what the rule proposes and why.
    keys(&mut app, "enter");
    let detail = app.state.detail.as_ref().unwrap();
    assert_eq!(detail.proposals[0].rule, "lawyer");
    keys(&mut app, "y");
    assert!(
        notice(&app).contains("approved on 1 item"),
        "{}",
        notice(&app)
    );
    let approved = store.get(seqs[0]).unwrap().unwrap();
    assert_eq!(approved.local.status, Status::Escalated);
    assert!(approved.local.tags.contains(&"legal".to_string()));
    assert_eq!(
        approved.local.assignee.as_deref(),
        Some("hugo"),
        "the legal tag's route"
    );
    assert!(store.proposals(seqs[0]).unwrap().is_empty());
    let esc = store.escalations().unwrap();
    assert_eq!(esc[0].0, seqs[0]);
    assert_eq!(esc[0].1.by, "camille", "approved as the agent");
    // The other one is dismissed: nothing done, the flag gone, audited.
    keys(&mut app, "h");
    assert!(app.state.queue.select(seqs[1]));
    keys(&mut app, "Y");
    assert!(
        notice(&app).contains("dismissed on 1 item"),
        "{}",
        notice(&app)
    );
    let kept = store.get(seqs[1]).unwrap().unwrap();
    assert_eq!(kept.local.status, Status::New);
    assert!(store.proposed().unwrap().is_empty());
    assert!(
        audit_lines(store.as_ref())
            .iter()
            .any(|(who, what)| who == "camille" && what.starts_with("dismissed rule lawyer"))
    );
    // Nothing left to approve: the key says so.
    assert!(app.state.queue.select(seqs[2]) || app.state.queue.visible.is_empty());
    keys(&mut app, "y");
    assert!(
        notice(&app).contains("no rule proposes"),
        "{}",
        notice(&app)
    );
}
