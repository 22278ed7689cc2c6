//! Pure update tests: a state built from rows in memory, actions applied,
//! the new state and the returned effects checked. No store, no terminal.

use chrono::{TimeZone, Utc};

use super::effect::{Effect, Outcome};
use super::state::{AppState, Overlay, PromptKind, QueueState};
use super::update::update;
use super::update_outcome::apply;
use super::update_overlay::{TextInput, text};
use crate::action::{Action, Mode};
use crate::change::LocalChange;
use crate::filter::builtin_views;
use crate::model::{Kind, Network, Priority, Status, StatusKind};
use crate::store::{RowRecord, RowSet};

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

/// Five unanswered items (seq 0..5, oldest first) and one done (seq 5).
fn state() -> AppState {
    let mut set = RowSet::default();
    for seq in 0..6u32 {
        let rec = RowRecord {
            network: if seq % 2 == 0 {
                Network::X.index()
            } else {
                Network::Instagram.index()
            },
            kind: Kind::Comment.index(),
            status: if seq == 5 {
                StatusKind::Done.index()
            } else {
                StatusKind::New.index()
            },
            priority: Priority::Normal.index(),
            read: false,
            snooze_until: 0,
            account: "brand".into(),
            assignee: None,
            tags: Vec::new(),
            lang: Some("fr".into()),
        };
        set.push_record(seq, 1_000 + i64::from(seq), &rec);
    }
    let mut queue = QueueState::new(builtin_views());
    queue.set_rows(set, false, now().timestamp());
    AppState::new(queue, "camille".into(), true, now())
}

fn change_effect(effects: &[Effect]) -> Option<(&Vec<u32>, &LocalChange)> {
    effects.iter().find_map(|e| match e {
        Effect::Change { seqs, change } => Some((seqs, change)),
        _ => None,
    })
}

#[test]
fn inbox_starts_on_the_oldest_unanswered_item() {
    let s = state();
    assert_eq!(s.queue.visible.len(), 5);
    assert_eq!(s.queue.selected, Some(0));
    assert_eq!(s.queue.counts[0], Some(5));
}

#[test]
fn moving_clamps_at_both_ends() {
    let mut s = state();
    update(&mut s, Action::QueuePrev);
    assert_eq!(s.queue.selected, Some(0));
    update(&mut s, Action::QueueLast);
    assert_eq!(s.queue.selected, Some(4));
    update(&mut s, Action::QueueNext);
    assert_eq!(s.queue.selected, Some(4));
    update(&mut s, Action::QueueFirst);
    assert_eq!(s.queue.selected, Some(0));
}

#[test]
fn done_returns_a_change_and_advances() {
    let mut s = state();
    update(&mut s, Action::QueueNext);
    let effects = update(&mut s, Action::ItemDone);
    let (seqs, change) = change_effect(&effects).unwrap();
    assert_eq!(seqs, &vec![1]);
    assert_eq!(change, &LocalChange::SetStatus(Status::Done));
    assert_eq!(s.queue.selected, Some(2), "the next item takes its place");
    assert_eq!(s.queue.visible.len(), 4);
    assert_eq!(s.queue.counts[0], Some(4));
}

#[test]
fn without_auto_advance_in_a_view_that_keeps_the_item() {
    let mut s = state();
    s.auto_advance = false;
    let all = s.queue.views.iter().position(|v| v.name == "All").unwrap();
    s.queue.switch_view(all, now().timestamp());
    update(&mut s, Action::ItemDone);
    assert_eq!(s.queue.selected, Some(0), "stays on the item");
    s.auto_advance = true;
    update(&mut s, Action::ItemReopen);
    update(&mut s, Action::ItemDone);
    assert_eq!(
        s.queue.selected,
        Some(1),
        "advances even though the item stays visible"
    );
}

#[test]
fn open_marks_read_and_requests_the_context() {
    let mut s = state();
    let effects = update(&mut s, Action::QueueOpen);
    assert!(effects.contains(&Effect::OpenDetail(0)));
    assert_eq!(
        change_effect(&effects).map(|(_, c)| c.clone()),
        Some(LocalChange::SetRead(true))
    );
    assert_eq!(s.mode(), Mode::Detail);
    assert!(s.queue.set.rows[0].read);
    update(&mut s, Action::DetailNextItem);
    assert_eq!(s.detail.as_ref().map(|d| d.seq), Some(1));
}

#[test]
fn escape_unwinds_one_thing_at_a_time() {
    let mut s = state();
    update(&mut s, Action::QueueToggleMark);
    update(&mut s, Action::QueueOpen);
    update(&mut s, Action::AppHelp);
    assert_eq!(s.mode(), Mode::Help);
    update(&mut s, Action::AppCancel);
    assert_eq!(s.mode(), Mode::Detail);
    update(&mut s, Action::AppCancel);
    assert!(
        s.queue.marks.is_empty(),
        "marks go before the detail closes"
    );
    update(&mut s, Action::AppCancel);
    assert_eq!(s.mode(), Mode::Queue);
}

#[test]
fn marks_make_bulk_actions_and_clear_after() {
    let mut s = state();
    update(&mut s, Action::QueueToggleMark);
    update(&mut s, Action::QueueToggleMark);
    assert_eq!(s.queue.targets(), vec![0, 1]);
    let effects = update(&mut s, Action::ItemPriorityHigh);
    assert_eq!(
        change_effect(&effects).map(|(seqs, _)| seqs.clone()),
        Some(vec![0, 1])
    );
    assert!(s.queue.marks.is_empty());
    assert!(
        s.notice
            .as_ref()
            .is_some_and(|n| n.text.contains("2 items"))
    );
}

#[test]
fn visual_range_follows_the_cursor() {
    let mut s = state();
    update(&mut s, Action::QueueNext);
    update(&mut s, Action::QueueVisual);
    update(&mut s, Action::QueueNext);
    update(&mut s, Action::QueueNext);
    assert_eq!(s.queue.targets(), vec![1, 2, 3]);
    update(&mut s, Action::QueueVisual);
    assert_eq!(
        s.queue.marks.len(),
        3,
        "ending visual mode keeps the range as marks"
    );
}

#[test]
fn tag_prompt_normalises_and_applies_to_targets() {
    let mut s = state();
    update(&mut s, Action::ItemTag);
    assert!(matches!(s.overlays.last(), Some(Overlay::Prompt(p)) if p.kind == PromptKind::Tag));
    for c in "Sales Lead".chars() {
        text(&mut s, TextInput::Char(c));
    }
    let effects = update(&mut s, Action::InputSubmit);
    let (_, change) = change_effect(&effects).unwrap();
    assert_eq!(
        change,
        &LocalChange::AddTag {
            tag: "sales-lead".into(),
            why: None
        }
    );
    assert!(s.overlays.is_empty());
    let tag = s.queue.set.names.find_tag("sales-lead").unwrap();
    let set = &s.queue.set;
    assert!(set.names.tag_set(set.rows[0].tags).contains(&tag));
}

#[test]
fn search_waits_for_hits_then_filters() {
    let mut s = state();
    update(&mut s, Action::QueueSearch);
    for c in "colis".chars() {
        text(&mut s, TextInput::Char(c));
    }
    let effects = update(&mut s, Action::InputSubmit);
    assert_eq!(effects, vec![Effect::Search("colis".into())]);
    assert!(!s.queue.hits_ready());
    assert_eq!(
        s.queue.visible.len(),
        5,
        "the old rows stay until the answer"
    );
    apply(
        &mut s,
        Outcome::Searched {
            query: "colis".into(),
            result: Ok(vec![3]),
        },
    );
    assert_eq!(s.queue.visible.len(), 1);
    assert_eq!(s.queue.selected, Some(3));
}

#[test]
fn picker_filters_by_network_with_counts() {
    let mut s = state();
    update(&mut s, Action::FilterNetwork);
    let Some(Overlay::Picker(p)) = s.overlays.last() else {
        panic!("no picker")
    };
    let ig = p.choices.iter().find(|c| c.value == "instagram").unwrap();
    assert_eq!(
        ig.count, 2,
        "counts follow the rest of the filter (done item excluded)"
    );
    for c in "insta".chars() {
        text(&mut s, TextInput::Char(c));
    }
    update(&mut s, Action::PickerAccept);
    assert_eq!(s.queue.refine.networks, vec![Network::Instagram]);
    assert_eq!(s.queue.visible.len(), 2);
}

#[test]
fn failed_write_reports_and_reloads() {
    let mut s = state();
    let effects = apply(
        &mut s,
        Outcome::Changed {
            change: LocalChange::SetStatus(Status::Done),
            result: Err("disk full".into()),
        },
    );
    assert_eq!(effects, vec![Effect::LoadRows]);
    assert!(
        s.notice
            .as_ref()
            .is_some_and(|n| n.text.contains("disk full"))
    );
}

#[test]
fn expired_snoozes_come_back_on_the_minute_tick() {
    let mut s = state();
    update(&mut s, Action::ItemSnooze1h);
    assert_eq!(s.queue.visible.len(), 4);
    super::update::tick(&mut s, now() + chrono::Duration::minutes(59));
    assert_eq!(s.queue.visible.len(), 4, "still snoozed");
    super::update::tick(&mut s, now() + chrono::Duration::minutes(61));
    assert_eq!(s.queue.visible.len(), 5, "the snooze expired");
}

#[test]
fn palette_refuses_actions_outside_their_mode() {
    let mut s = state();
    update(&mut s, Action::AppPalette);
    for c in "detail.close".chars() {
        text(&mut s, TextInput::Char(c));
    }
    update(&mut s, Action::PaletteAccept);
    assert!(
        s.notice
            .as_ref()
            .is_some_and(|n| n.text.contains("works in"))
    );
}

#[test]
fn incremental_counts_match_a_full_recount() {
    let mut s = state();
    let changes = [
        LocalChange::SetStatus(Status::Done),
        LocalChange::AddTag {
            tag: "refund".into(),
            why: None,
        },
        LocalChange::SetPriority(Priority::Urgent),
        LocalChange::Assign(Some("camille".into())),
        LocalChange::SetStatus(Status::Escalated),
        LocalChange::SetRead(true),
    ];
    for (i, change) in changes.iter().enumerate() {
        let seqs = vec![u32::try_from(i % 5).unwrap_or(0), 4];
        s.queue.apply_counted(&seqs, change, now().timestamp());
        let incremental = s.queue.counts.clone();
        s.queue.recount(now().timestamp());
        assert_eq!(incremental, s.queue.counts, "after {change:?}");
    }
}

#[test]
fn sync_now_needs_accounts() {
    let mut s = state();
    assert!(update(&mut s, Action::SyncNow).is_empty());
    assert!(
        s.notice
            .as_ref()
            .is_some_and(|n| n.text.contains("[[accounts]]"))
    );
    s.accounts
        .push(("mastodon:b@i".into(), crate::sync::engine::SyncState::Idle));
    assert_eq!(update(&mut s, Action::SyncNow), vec![Effect::SyncNow]);
}

#[test]
fn sync_now_rides_the_write_lane_behind_the_queued_reply() {
    use super::effect::{Lane, lane};
    let enqueue = Effect::Enqueue {
        seq: 1,
        action: crate::outbox::OutAction::Reply { text: "x".into() },
        seen: None,
    };
    // One ordered lane: the engine only hears "sync now" once the reply
    // is in the outbox, so the pass it starts sends it.
    assert_eq!(lane(&enqueue), Lane::Write);
    assert_eq!(lane(&Effect::SyncNow), Lane::Write);
    assert_eq!(lane(&Effect::RetryReply(1)), Lane::Write);
    assert_eq!(lane(&Effect::LoadOutbox), Lane::Read);
}

#[test]
fn only_the_last_draft_save_of_an_item_in_a_batch_is_written() {
    use crate::model::{ItemId, Network};
    use crate::store::Draft;
    let a = ItemId::new(Network::Mastodon, "me@i", "1");
    let b = ItemId::new(Network::Mastodon, "me@i", "2");
    let save = |id: &ItemId, text: &str| Effect::SaveDraft {
        item: id.clone(),
        draft: Some(Draft {
            text: text.into(),
            template: None,
            private: false,
            updated: chrono::DateTime::UNIX_EPOCH,
        }),
    };
    let batch = vec![
        save(&a, "B"),
        save(&b, "x"),
        save(&a, "Bo"),
        Effect::SyncNow,
        Effect::SaveDraft {
            item: a.clone(),
            draft: None,
        },
    ];
    let kept = super::superseded_drafts_dropped(batch);
    assert_eq!(
        kept,
        vec![
            save(&b, "x"),
            Effect::SyncNow,
            Effect::SaveDraft {
                item: a,
                draft: None
            },
        ]
    );
}
