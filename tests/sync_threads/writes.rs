//! Threads writes through the outbox, read back from the sandbox and the
//! store: the container-then-publish reply, the uncertain reply, hide with
//! its cascade, deleting our own reply, and what Threads forbids refused
//! before anything is sent. A submodule of `sync_threads.rs`.

use super::*;

#[tokio::test]
async fn reply_is_a_container_then_a_publish_and_is_read_back() {
    let (server, store, conn) = setup().await;
    let (top, _) = fresh_thread(&server, &store, &conn).await;
    let text = "Oui, en 3 jours ouvrés.";
    let state = send(&store, &conn, &top, OutAction::Reply { text: text.into() }).await;
    let SendState::Sent { remote_id, .. } = state else {
        panic!("{state:?}")
    };
    assert_eq!(
        server.th.our_replies(&top),
        vec![(remote_id.clone(), text.to_string())]
    );
    assert_eq!(server.th.containers(), (1, 1), "one container, published");
    assert_eq!(stored(&store, &top).local.status, Status::Answered);
    sync_once(store.clone(), &conn, 5_000).await.unwrap();
    let ours = stored(&store, &remote_id);
    assert!(ours.remote.from_us, "is_reply_owned_by_me read back");
    assert_eq!(ours.remote.parent_id.as_deref(), Some(top.as_str()));
    assert_eq!((ours.local.status, ours.local.read), (Status::Done, true));
}

#[tokio::test]
async fn hide_cascades_to_nested_replies_and_unhide_restores() {
    let (server, store, conn) = setup().await;
    let (top, nested) = fresh_thread(&server, &store, &conn).await;

    // Only top-level replies can be hidden: refused before sending.
    let calls = server.th.calls();
    let refused = send(&store, &conn, &nested, OutAction::Act(Act::Hide)).await;
    assert!(
        matches!(&refused, SendState::Failed { retry: false, error } if error.contains("top-level")),
        "{refused:?}"
    );
    assert_eq!(server.th.calls(), calls, "nothing sent");

    send(&store, &conn, &top, OutAction::Act(Act::Hide)).await;
    assert_eq!(server.th.hide_status(&top).as_deref(), Some("HIDDEN"));
    assert_eq!(
        server.th.hide_status(&nested).as_deref(),
        Some("HIDDEN"),
        "hiding a top-level reply hides its nested replies"
    );
    assert!(stored(&store, &top).remote.moderation.hidden);
    store.set_cursor(&stream(), "0").unwrap();
    sync_once(store.clone(), &conn, 5_000).await.unwrap();
    assert!(
        stored(&store, &top).remote.moderation.hidden,
        "hide_status read back"
    );
    assert!(
        stored(&store, &nested).remote.moderation.hidden,
        "the cascade read back"
    );

    send(&store, &conn, &top, OutAction::Act(Act::Unhide)).await;
    assert_eq!(server.th.hide_status(&top).as_deref(), Some("NOT_HUSHED"));
    assert_eq!(
        server.th.hide_status(&nested).as_deref(),
        Some("NOT_HUSHED")
    );
    assert!(!stored(&store, &top).remote.moderation.hidden);
}

#[tokio::test]
async fn what_threads_forbids_is_refused_before_sending() {
    let (server, store, conn) = setup().await;
    let (top, _) = fresh_thread(&server, &store, &conn).await;
    let calls = server.th.calls();
    for act in [Act::Delete, Act::Like, Act::Block, Act::Mute] {
        let state = send(&store, &conn, &top, OutAction::Act(act)).await;
        assert!(
            matches!(state, SendState::Failed { retry: false, .. }),
            "{act:?}: {state:?}"
        );
    }
    let long = "é".repeat(501);
    let state = send(&store, &conn, &top, OutAction::Reply { text: long }).await;
    assert!(
        matches!(&state, SendState::Failed { retry: false, error } if error.contains("501/500")),
        "{state:?}"
    );
    assert_eq!(server.th.calls(), calls, "nothing reached Threads");
    assert_eq!(server.th.hide_status(&top).as_deref(), Some("NOT_HUSHED"));
    assert_eq!(server.th.containers(), (0, 0));
    assert_ne!(stored(&store, &top).local.status, Status::Answered);

    // A 500-character reply is fine.
    let exact = "a".repeat(500);
    let state = send(&store, &conn, &top, OutAction::Reply { text: exact }).await;
    assert!(matches!(state, SendState::Sent { .. }), "{state:?}");
}

#[tokio::test]
async fn the_sandbox_rejects_long_text_as_threads_does() {
    let (server, _store, _conn) = setup().await;
    let post = server.th.newest_post().unwrap();
    let client = reqwest::Client::new();
    let url = format!("{}/v1.0/{USER_ID}/threads", server.base);
    let resp = client
        .post(&url)
        .bearer_auth(TOKEN)
        .json(&serde_json::json!({ "media_type": "TEXT", "text": "x".repeat(501), "reply_to_id": post }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], 100);
    assert!(body["error"]["message"].as_str().unwrap().contains("500"));
    let links = (0..6)
        .map(|i| format!("https://e.example/{i} "))
        .collect::<String>();
    let resp = client
        .post(&url)
        .bearer_auth(TOKEN)
        .json(&serde_json::json!({ "media_type": "TEXT", "text": links, "reply_to_id": post }))
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = resp.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("THREADS_API__LINK_LIMIT_EXCEEDED")
    );

    // The sandbox enforces the rules the connector checks first: only
    // top-level replies can be hidden, only our own media deleted.
    let top = server.th.reply(&post, "fan", "top", Utc::now());
    let nested = server.th.reply(&top, "fan2", "nested", Utc::now());
    let resp = client
        .post(format!("{}/v1.0/{nested}/manage_reply", server.base))
        .bearer_auth(TOKEN)
        .form(&[("hide", "true")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    assert_eq!(
        server.th.hide_status(&nested).as_deref(),
        Some("NOT_HUSHED")
    );
    let resp = client
        .delete(format!("{}/v1.0/{top}", server.base))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 403);
    assert!(server.th.hide_status(&top).is_some(), "still there");
}

#[tokio::test]
async fn our_own_reply_can_be_deleted() {
    let (server, store, conn) = setup().await;
    let (top, _) = fresh_thread(&server, &store, &conn).await;
    let SendState::Sent { remote_id, .. } = send(
        &store,
        &conn,
        &top,
        OutAction::Reply {
            text: "Oups, mauvais fil".into(),
        },
    )
    .await
    else {
        panic!("not sent")
    };
    sync_once(store.clone(), &conn, 5_000).await.unwrap();
    let state = send(&store, &conn, &remote_id, OutAction::Act(Act::Delete)).await;
    assert!(matches!(state, SendState::Sent { .. }), "{state:?}");
    assert!(server.th.our_replies(&top).is_empty(), "gone from Threads");
    let item = stored(&store, &remote_id);
    assert!(item.remote.moderation.deleted);
}

#[tokio::test]
async fn an_uncertain_reply_is_found_or_sent_once() {
    let (server, store, conn) = setup().await;
    let (top, _) = fresh_thread(&server, &store, &conn).await;

    // Published, but the answer was lost: found, not sent again.
    let text = "Merci, c'est noté.";
    let mut entry = store
        .enqueue(&id(&top), OutAction::Reply { text: text.into() }, "camille")
        .unwrap();
    let posted = conn.reply(&stored(&store, &top), text, "k").await.unwrap();
    entry.state = SendState::Sending { since: Utc::now() };
    entry.attempts = 1;
    store.update_outbox(&entry).unwrap();
    let done = send_due(store.clone(), &conn).await.unwrap();
    assert!(
        matches!(&done[0].state, SendState::Sent { remote_id, .. } if *remote_id == posted),
        "{:?}",
        done[0].state
    );
    assert_eq!(server.th.our_replies(&top).len(), 1);

    // A container made, the crash before publishing: nothing is public, so
    // the resend publishes exactly one reply.
    let other = "Nous livrons en Belgique.";
    let mut entry = store
        .enqueue(
            &id(&top),
            OutAction::Reply { text: other.into() },
            "camille",
        )
        .unwrap();
    server.th.orphan_container(&top, other);
    entry.state = SendState::Sending { since: Utc::now() };
    entry.attempts = 1;
    store.update_outbox(&entry).unwrap();
    let done = send_due(store.clone(), &conn).await.unwrap();
    assert!(
        matches!(done[0].state, SendState::Sent { .. }),
        "{:?}",
        done[0].state
    );
    let published: Vec<_> = server
        .th
        .our_replies(&top)
        .into_iter()
        .filter(|(_, t)| t == other)
        .collect();
    assert_eq!(published.len(), 1, "no duplicate");
}
