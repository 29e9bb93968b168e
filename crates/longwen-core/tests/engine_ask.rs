//! Asking: the four ways, end states, the partial answer in storage, crash recovery.

mod engine_support;
use engine_support::*;
use longwen_core::types::{AnswerEvent, AskRequest, MessageStatus};
use longwen_core::CancellationToken;
use mock_dashscope::Fault;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

#[tokio::test]
async fn one_document_answer_is_stored_with_usage_and_cost() {
    let env = setup().await;
    let (doc, _) = env.add(&fixture("采购合同-2026-华东.pdf")).await;
    let doc = doc.unwrap();
    let (answer, events) = env.ask(question("合同总金额是多少？", &[doc.id])).await;
    let answer = answer.unwrap();

    assert!(matches!(events[0], AnswerEvent::Started { .. }));
    let m = &answer.message;
    assert_eq!(m.status, MessageStatus::Complete);
    assert_eq!(m.text, deltas(&events));
    assert!(m.text.contains("合同总金额是多少"), "{}", m.text);
    let usage = m.usage.expect("usage stored");
    assert!(usage.prompt_tokens > 0 && usage.completion_tokens > 0);
    let cost = m.cost_cny.unwrap();
    assert!((cost - longwen_core::settings::cost_cny(&usage)).abs() < 1e-12);
    assert!(events
        .iter()
        .any(|e| matches!(e, AnswerEvent::Usage { usage: u, .. } if *u == usage)));
    assert_eq!(m.model.as_deref(), Some("qwen-long"));
    assert!(m.request_id.is_some());
    assert!(m.first_token_ms.is_some() && m.total_ms.is_some());
    assert_eq!(m.document_ids, vec![doc.id]);

    let sent = &env.chats_sent()[0]["messages"];
    assert_eq!(sent[0]["role"], "system");
    assert_eq!(
        sent[1]["content"],
        format!("fileid://{}", doc.remote_id.unwrap())
    );
    assert_eq!(sent[2]["role"], "user");

    // Stored, titled from the question, listed.
    let chat = env.engine.chat(answer.chat_id).unwrap();
    assert_eq!(chat.messages.len(), 2);
    assert_eq!(chat.summary.title, "合同总金额是多少？");
    assert_eq!(chat.documents.len(), 1);
}

#[tokio::test]
async fn two_documents_go_in_one_fileid_message() {
    let env = setup().await;
    let a = env
        .add(&fixture("Q3-2026-sales-report.docx"))
        .await
        .0
        .unwrap();
    let b = env.add(&fixture("报价单.xlsx")).await.0.unwrap();
    let (answer, _) = env.ask(question("Compare them", &[a.id, b.id])).await;
    assert_eq!(answer.unwrap().message.status, MessageStatus::Complete);
    let sent = &env.chats_sent()[0]["messages"];
    let expected = format!(
        "fileid://{},fileid://{}",
        a.remote_id.unwrap(),
        b.remote_id.unwrap()
    );
    assert_eq!(sent[1]["content"], expected);
    assert_eq!(sent.as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn plain_text_goes_as_a_system_message_and_follow_ups_send_earlier_turns() {
    let env = setup().await;
    let text = "The next meeting is on Monday at 10:00 in Room 4B.";
    let doc = env.engine.add_text(text, Some("memo")).unwrap();
    let first = env
        .ask(question("When is the meeting?", &[doc.id]))
        .await
        .0
        .unwrap();
    let sent = &env.chats_sent()[0]["messages"];
    assert_eq!(sent[1]["role"], "system");
    assert_eq!(sent[1]["content"], text);
    assert_eq!(env.uploads().len(), 0);

    // Follow-up in the same chat: the document stays attached, the earlier turn is sent.
    let follow = AskRequest {
        chat_id: Some(first.chat_id),
        question: "Where?".into(),
        ..Default::default()
    };
    let second = env.ask(follow).await.0.unwrap();
    assert_eq!(second.chat_id, first.chat_id);
    let sent = env.chats_sent()[1]["messages"].as_array().unwrap().clone();
    let roles: Vec<&str> = sent.iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["system", "system", "user", "assistant", "user"]);
    assert_eq!(sent[2]["content"], "When is the meeting?");
    assert_eq!(sent[3]["content"], first.message.text.as_str());
    assert_eq!(sent[4]["content"], "Where?");
    assert!(
        !second.message.text.contains("Earlier turns: 0"),
        "{}",
        second.message.text
    );

    let chats = env.engine.chats().unwrap();
    assert_eq!(chats.len(), 1);
    assert_eq!(chats[0].message_count, 4);
}

#[tokio::test]
async fn a_cut_keeps_the_partial_answer_as_interrupted() {
    let env = setup().await;
    let doc = env.engine.add_text("some text", None).unwrap();
    env.mock.push_fault(Fault::CutAfter { chunks: 4 });
    let (r, events) = env.ask(question("Tell me", &[doc.id])).await;
    let e = r.unwrap_err();
    assert_eq!(e.kind(), "stream_cut");
    let answer_id = match events[0] {
        AnswerEvent::Started { answer_id, .. } => answer_id,
        _ => panic!("no Started"),
    };
    let chat = env.engine.chats().unwrap()[0].id;
    let stored = env.engine.chat(chat).unwrap();
    let m = stored.messages.iter().find(|m| m.id == answer_id).unwrap();
    assert_eq!(m.status, MessageStatus::Interrupted);
    assert!(!m.text.is_empty());
    assert_eq!(m.text, deltas(&events));
    assert_eq!(m.error.as_ref().map(|e| e.kind()), Some("stream_cut"));
    assert!(m.error_detail.is_none(), "new rows keep data, not text");
    // The stream's request id outlives the cut, for quoting to support.
    assert!(m.request_id.is_some(), "request id of the cut answer");

    // A follow-up still sends the interrupted turn (it has text).
    let follow = AskRequest {
        chat_id: Some(chat),
        question: "Go on".into(),
        ..Default::default()
    };
    env.ask(follow).await.0.unwrap();
    let sent = env.chats_sent()[1]["messages"].as_array().unwrap().clone();
    assert_eq!(sent[sent.len() - 2]["content"], m.text.as_str());
}

#[tokio::test]
async fn a_service_error_is_stored_as_data_not_words() {
    let env = setup().await;
    let doc = env.engine.add_text("some text", None).unwrap();
    env.mock.push_fault(Fault::HttpError {
        on: mock_dashscope::Target::Chat,
        status: 400,
        code: "Arrearage".into(),
        message: "Access denied, please make sure your account is in good standing.".into(),
        retry_after: None,
        retry_after_date: None,
        retry_after_raw: None,
    });
    let (r, _) = env.ask(question("Tell me", &[doc.id])).await;
    assert_eq!(r.unwrap_err().kind(), "arrears");
    let chat = env.engine.chat(env.engine.chats().unwrap()[0].id).unwrap();
    let m = &chat.messages[1];
    assert_eq!(m.status, MessageStatus::Error);
    let error = m.error.clone().unwrap();
    assert_eq!(error.kind(), "arrears");
    // The service's own code and words travel as fields, for any face to word in its language.
    let info = error.service_info().unwrap();
    assert_eq!(info.status, 400);
    assert_eq!(info.code.as_deref(), Some("Arrearage"));
    // Nothing in the database is a sentence of ours: only the kind and its fields.
    let db = std::fs::read(env.dir.path().join(longwen_core::store::DB_FILE)).unwrap();
    let db = String::from_utf8_lossy(&db);
    assert!(
        !db.contains("欠费") && !db.contains("Top up"),
        "a sentence was stored"
    );
}

/// Runs `ask` in a task and hands its events over a channel, so a test can act mid-stream.
fn spawn_ask(
    env: &Env,
    request: AskRequest,
    cancel: CancellationToken,
) -> (
    mpsc::UnboundedReceiver<(Instant, AnswerEvent)>,
    tokio::task::JoinHandle<longwen_core::Result<longwen_core::types::Answer>>,
) {
    let (tx, rx) = mpsc::unbounded_channel();
    let engine = env.engine.clone();
    let task = tokio::spawn(async move {
        engine
            .ask(request, &cancel, &mut |e| {
                let _ = tx.send((Instant::now(), e));
            })
            .await
    });
    (rx, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_partial_answer_is_in_storage_while_streaming_and_stop_keeps_it() {
    let env = setup().await;
    let doc = env.engine.add_text("some text", None).unwrap();
    env.mock.push_fault(Fault::SlowChunks { delay_ms: 300 });
    let cancel = CancellationToken::new();
    let (mut rx, task) = spawn_ask(&env, question("Tell me", &[doc.id]), cancel.clone());

    let mut answer_id = None;
    let mut first: Option<(Instant, String)> = None;
    let mut received = String::new();
    while let Some((at, e)) = rx.recv().await {
        match e {
            AnswerEvent::Started { answer_id: id, .. } => answer_id = Some(id),
            AnswerEvent::Delta { text } => {
                received.push_str(&text);
                match &first {
                    None => first = Some((at, text)),
                    // More than the 1 s flush bound after the first text: it must be stored.
                    Some((t0, _)) if at.duration_since(*t0) > Duration::from_millis(1100) => break,
                    _ => {}
                }
            }
            _ => {}
        }
    }
    let answer_id = answer_id.unwrap();
    let (_, first_text) = first.unwrap();
    let chat = env.engine.chats().unwrap()[0].id;
    let m = env
        .engine
        .chat(chat)
        .unwrap()
        .messages
        .into_iter()
        .find(|m| m.id == answer_id)
        .unwrap();
    assert_eq!(m.status, MessageStatus::Streaming);
    assert!(m.text.starts_with(&first_text), "stored {:?}", m.text);
    assert!(received.starts_with(&m.text));

    // Stop.
    cancel.cancel();
    while let Some((_, e)) = rx.recv().await {
        if let AnswerEvent::Delta { text } = e {
            received.push_str(&text);
        }
    }
    let r = task.await.unwrap();
    assert_eq!(r.unwrap_err().kind(), "cancelled");
    let m = env
        .engine
        .chat(chat)
        .unwrap()
        .messages
        .into_iter()
        .find(|m| m.id == answer_id)
        .unwrap();
    assert_eq!(m.status, MessageStatus::Stopped);
    assert_eq!(m.text, received);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_mid_answer_leaves_an_interrupted_answer_after_reopening() {
    let env = setup().await;
    let doc = env.engine.add_text("some text", None).unwrap();
    env.mock.push_fault(Fault::SlowChunks { delay_ms: 200 });
    let (mut rx, task) = spawn_ask(
        &env,
        question("Tell me", &[doc.id]),
        CancellationToken::new(),
    );
    let mut answer_id = None;
    while let Some((_, e)) = rx.recv().await {
        match e {
            AnswerEvent::Started { answer_id: id, .. } => answer_id = Some(id),
            AnswerEvent::Delta { .. } => break,
            _ => {}
        }
    }
    let answer_id = answer_id.unwrap();
    // First a dropped call (the task aborted): the engine ends the row itself. Then a real
    // crash, where nothing ends it, is simulated by putting the row back as a dead process leaves it.
    let stored = |id| {
        let db = rusqlite::Connection::open(env.dir.path().join("longwen.db")).unwrap();
        db.query_row(
            "SELECT status, text FROM messages WHERE id = ?1",
            [id],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
        )
        .unwrap()
    };
    task.abort();
    let _ = task.await;
    // A dropped call is ended at once, keeping what arrived.
    let (status, text) = stored(answer_id);
    assert_eq!(status, "interrupted");
    assert!(!text.is_empty());
    {
        let db = rusqlite::Connection::open(env.dir.path().join("longwen.db")).unwrap();
        db.execute(
            "UPDATE messages SET status = 'streaming', heartbeat_ms = ?2 WHERE id = ?1",
            rusqlite::params![answer_id, longwen_core::store::now_ms()],
        )
        .unwrap();
    }
    // Reopened soon after, the row still looks alive and is left alone.
    drop(env.reopen());
    assert_eq!(stored(answer_id).0, "streaming");
    // Its heartbeat ages past the liveness window (as after a real crash and restart).
    {
        let db = rusqlite::Connection::open(env.dir.path().join("longwen.db")).unwrap();
        db.execute(
            "UPDATE messages SET heartbeat_ms = 0 WHERE id = ?1 AND status = 'streaming'",
            [answer_id],
        )
        .unwrap();
    }
    let engine = env.reopen();
    let chat = engine.chats().unwrap()[0].id;
    let m = engine
        .chat(chat)
        .unwrap()
        .messages
        .into_iter()
        .find(|m| m.id == answer_id)
        .unwrap();
    assert_eq!(m.status, MessageStatus::Interrupted);
}

#[tokio::test]
async fn a_live_answer_of_another_process_is_not_marked_interrupted() {
    let env = setup().await;
    {
        let db = rusqlite::Connection::open(env.dir.path().join("longwen.db")).unwrap();
        db.execute(
            "INSERT INTO chats (title, created_at, updated_at) VALUES ('t', 0, 0)",
            [],
        )
        .unwrap();
        db.execute(
            "INSERT INTO messages (chat_id, role, text, status, heartbeat_ms, created_at)
             VALUES (1, 'assistant', 'live', 'streaming', ?1, 0),
                    (1, 'assistant', 'dead', 'streaming', NULL, 0)",
            [longwen_core::store::now_ms()],
        )
        .unwrap();
    }
    let engine = env.reopen();
    let msgs = engine.chat(1).unwrap().messages;
    assert_eq!(msgs[0].status, MessageStatus::Streaming);
    assert_eq!(msgs[1].status, MessageStatus::Interrupted);
    assert_eq!(msgs[1].text, "dead");
}

#[tokio::test]
async fn regenerate_keeps_the_earlier_answer_as_a_version() {
    let env = setup().await;
    let doc = env.engine.add_text("some text", None).unwrap();
    env.mock.push_fault(Fault::CutAfter { chunks: 2 });
    let (r, events) = env.ask(question("Tell me", &[doc.id])).await;
    assert!(r.is_err());
    let answer_id = match events[0] {
        AnswerEvent::Started { answer_id, .. } => answer_id,
        _ => panic!(),
    };
    let mut ev = Vec::new();
    let again = env
        .engine
        .regenerate(answer_id, &CancellationToken::new(), &mut |e| ev.push(e))
        .await
        .unwrap();
    assert_ne!(again.message.id, answer_id, "a new version");
    assert_eq!(again.message.status, MessageStatus::Complete);
    assert_eq!(again.message.text, deltas(&ev));
    assert!(again.message.error.is_none());
    let chat = env.engine.chat(again.chat_id).unwrap();
    assert_eq!(chat.messages.len(), 3, "the earlier answer stays");
    let first = chat.messages.iter().find(|m| m.id == answer_id).unwrap();
    assert_eq!(first.status, MessageStatus::Interrupted);
    assert_eq!(
        first.turn_id, again.message.turn_id,
        "both answers are versions of one turn"
    );
    assert_eq!(again.message.question_id, first.question_id);
    // The same question went out again, with its document.
    let sent = env.chats_sent();
    assert_eq!(sent[1]["messages"], sent[0]["messages"]);

    // A follow-up sends the newest version as the turn's answer, once.
    let follow = AskRequest {
        chat_id: Some(again.chat_id),
        question: "And then?".into(),
        ..Default::default()
    };
    env.ask(follow).await.0.unwrap();
    let sent = env.chats_sent()[2]["messages"].as_array().unwrap().clone();
    let assistants: Vec<&str> = sent
        .iter()
        .filter(|m| m["role"] == "assistant")
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    assert_eq!(assistants, [again.message.text.as_str()]);
}

/// An edited question is a new version of its turn: asked with the turns before it, its answer
/// joins the turn, and later follow-ups send it as that turn.
#[tokio::test]
async fn an_edited_question_is_a_new_version_of_its_turn() {
    let env = setup().await;
    let doc = env
        .engine
        .add_text("The meeting is on Monday.", None)
        .unwrap();
    let first = env.ask(question("When is it?", &[doc.id])).await.0.unwrap();
    let chat = first.chat_id;
    let second = env
        .ask(AskRequest {
            chat_id: Some(chat),
            question: "Where is it?".into(),
            ..Default::default()
        })
        .await
        .0
        .unwrap();
    let asked = env.engine.chat(chat).unwrap().messages[0].clone();
    let mut ev = Vec::new();
    let edited = env
        .engine
        .edit(
            asked.id,
            "When exactly is it?",
            &CancellationToken::new(),
            &mut |e| ev.push(e),
        )
        .await
        .unwrap();
    assert_eq!(edited.message.turn_id, asked.turn_id);
    let sent = env.chats_sent()[2]["messages"].as_array().unwrap().clone();
    assert_eq!(sent.last().unwrap()["content"], "When exactly is it?");
    assert!(
        !sent.iter().any(|m| m["role"] == "assistant"),
        "no turn came before the first: {sent:?}"
    );
    let chat_now = env.engine.chat(chat).unwrap();
    assert_eq!(chat_now.messages.len(), 6);
    // A follow-up sends the edited version of turn one, then turn two.
    env.ask(AskRequest {
        chat_id: Some(chat),
        question: "Thanks".into(),
        ..Default::default()
    })
    .await
    .0
    .unwrap();
    let sent = env.chats_sent()[3]["messages"].as_array().unwrap().clone();
    let turns: Vec<&str> = sent
        .iter()
        .filter(|m| m["role"] == "user" || m["role"] == "assistant")
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    assert_eq!(
        turns,
        [
            "When exactly is it?",
            edited.message.text.as_str(),
            "Where is it?",
            second.message.text.as_str(),
            "Thanks"
        ]
    );
}

#[tokio::test]
async fn regenerate_keeps_the_model_the_answer_was_given_with() {
    let env = setup().await;
    let doc = env.engine.add_text("some text", None).unwrap();
    let mut settings = env.engine.settings().unwrap();
    settings.model = "qwen-long-latest".into();
    env.engine.save_settings(&settings).unwrap();
    let first = env.ask(question("Tell me", &[doc.id])).await.0.unwrap();
    assert_eq!(first.message.model.as_deref(), Some("qwen-long-latest"));
    // The setting changes afterwards.
    settings.model = "qwen-long".into();
    env.engine.save_settings(&settings).unwrap();

    let regenerate = || async {
        env.engine
            .regenerate(first.message.id, &CancellationToken::new(), &mut |_| {})
            .await
            .unwrap()
    };
    let again = regenerate().await;
    assert_eq!(again.message.model.as_deref(), Some("qwen-long-latest"));
    assert_eq!(env.chats_sent()[1]["model"], "qwen-long-latest");

    // An answer that never recorded its model takes the current setting.
    let db = rusqlite::Connection::open(env.dir.path().join(longwen_core::store::DB_FILE)).unwrap();
    db.execute(
        "UPDATE messages SET model = NULL WHERE role = 'assistant'",
        [],
    )
    .unwrap();
    let again = regenerate().await;
    assert_eq!(again.message.model.as_deref(), Some("qwen-long"));
    assert_eq!(env.chats_sent()[2]["model"], "qwen-long");
}

#[tokio::test]
async fn the_key_never_reaches_the_database() {
    let env = setup().await;
    let (doc, _) = env.add(&fixture("meeting-notes.md")).await;
    env.ask(question("When is the next meeting?", &[doc.unwrap().id]))
        .await
        .0
        .unwrap();
    drop(env.engine);
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(env.dir.path()).unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() {
            bytes.extend(std::fs::read(&p).unwrap());
        }
    }
    assert!(!bytes.is_empty());
    let needle = KEY.as_bytes();
    assert!(
        !bytes.windows(needle.len()).any(|w| w == needle),
        "the key is on disk"
    );
    // What is stored is the fingerprint.
    let fp = account(env.dir.path());
    assert!(bytes.windows(fp.len()).any(|w| w == fp.as_bytes()));
}

#[tokio::test]
async fn a_key_echoed_in_an_error_is_neither_returned_nor_stored() {
    let env = setup().await;
    let doc = env.engine.add_text("some text", None).unwrap();
    env.mock.push_fault(Fault::HttpError {
        on: mock_dashscope::Target::Chat,
        status: 400,
        code: "invalid_parameter_error".into(),
        message: format!("Something about {KEY} went wrong."),
        retry_after: None,
        retry_after_date: None,
        retry_after_raw: None,
    });
    let e = env.ask(question("Tell me", &[doc.id])).await.0.unwrap_err();
    assert!(!e.detail().contains(KEY), "{}", e.detail());
    let masked = longwen_core::secrets::ApiKey::new(KEY).masked();
    assert!(e.detail().contains(&masked), "{}", e.detail());
    let chat = env.engine.chat(env.engine.chats().unwrap()[0].id).unwrap();
    let stored = serde_json::to_string(&chat.messages).unwrap();
    assert!(!stored.contains(KEY));
    drop(env.engine);
    for entry in std::fs::read_dir(env.dir.path()).unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() {
            let bytes = std::fs::read(&p).unwrap();
            assert!(
                !bytes.windows(KEY.len()).any(|w| w == KEY.as_bytes()),
                "the key is in {}",
                p.display()
            );
        }
    }
}

#[tokio::test]
async fn waiting_before_the_first_token_is_reported() {
    let env = setup().await;
    let doc = env.engine.add_text("some text", None).unwrap();
    env.mock.push_fault(Fault::HttpError {
        on: mock_dashscope::Target::Chat,
        status: 429,
        code: "limit_requests".into(),
        message: "Requests rate limit exceeded, please try again later.".into(),
        retry_after: Some(0),
        retry_after_date: None,
        retry_after_raw: None,
    });
    let (answer, events) = env.ask(question("Tell me", &[doc.id])).await;
    assert_eq!(answer.unwrap().message.status, MessageStatus::Complete);
    assert!(
        events.iter().any(|e| matches!(
            e,
            AnswerEvent::Waiting {
                reason: longwen_core::client::WaitReason::RateLimited,
                attempt: 1,
                ..
            }
        )),
        "{events:?}"
    );
}

/// A runaway answer stops at the size kept, with its text so far stored and the reason as data.
#[tokio::test]
async fn an_answer_past_the_size_kept_stops_with_its_text() {
    let env = setup().await;
    let mut config = config(env.dir.path(), &env.mock);
    config.max_answer_bytes = 600;
    let engine = longwen_core::Engine::open(config).unwrap();
    let doc = engine.add_text("some text", None).unwrap();
    let mut events = Vec::new();
    let r = engine
        .ask(
            question("Tell me everything [[mock:long=400]]", &[doc.id]),
            &CancellationToken::new(),
            &mut |e| events.push(e),
        )
        .await;
    let e = r.unwrap_err();
    assert_eq!(e.kind(), "answer_too_long");
    let chat = engine.chat(engine.chats().unwrap()[0].id).unwrap();
    let m = &chat.messages[1];
    assert_eq!(m.status, MessageStatus::Error);
    assert!(
        m.text.len() <= 600 && m.text.len() > 500,
        "{}",
        m.text.len()
    );
    assert_eq!(m.text, deltas(&events), "what was shown is what was kept");
    assert_eq!(m.error.as_ref().unwrap().kind(), "answer_too_long");
}

/// A question that alone reads more tokens than the model takes in a minute is refused at
/// once, before sending, when an earlier answer about the same documents told how much they
/// read (qwen-long-latest takes 60,000 tokens a minute).
#[tokio::test]
async fn a_question_too_large_for_the_model_is_refused_before_sending() {
    let env = setup().await;
    let big = env.dir.path().join("big-notes.txt");
    std::fs::write(&big, "The warehouse code is QX-17. ".repeat(10_000)).unwrap();
    let doc = env.add(&big).await.0.unwrap();
    let first = env
        .ask(question("What is the code?", &[doc.id]))
        .await
        .0
        .unwrap();
    let read = first.message.usage.unwrap().prompt_tokens;
    assert!(read > 60_000, "{read}");
    let sent = env.chats_sent().len();
    let again = AskRequest {
        chat_id: Some(first.chat_id),
        question: "And again?".into(),
        model: Some("qwen-long-latest".into()),
        ..Default::default()
    };
    let e = env.ask(again).await.0.unwrap_err();
    match &e {
        longwen_core::Error::TooLargeForModel {
            tokens,
            limit,
            model,
        } => {
            assert_eq!(
                (*tokens, *limit, model.as_str()),
                (read, 60_000, "qwen-long-latest")
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(env.chats_sent().len(), sent, "nothing was sent");
    // qwen-long takes it.
    let ok = AskRequest {
        chat_id: Some(first.chat_id),
        question: "Once more?".into(),
        ..Default::default()
    };
    env.ask(ok).await.0.unwrap();
}

/// The real service answers an upload `processed` at once; the only sign that it is still
/// reading the document is "File parsing in progress" on the question, which is waited out
/// (the person sees the wait) and then answered.
#[tokio::test]
async fn a_document_still_being_read_is_waited_for_on_the_question() {
    let env = setup().await;
    env.mock.set_parse_delay(Duration::from_millis(400));
    let doc = env.add(&fixture("meeting-notes.md")).await.0.unwrap();
    let (answer, events) = env
        .ask(question("When is the next meeting?", &[doc.id]))
        .await;
    assert_eq!(answer.unwrap().message.status, MessageStatus::Complete);
    assert!(
        events.iter().any(|e| matches!(
            e,
            AnswerEvent::Waiting {
                reason: longwen_core::client::WaitReason::FileParsing,
                ..
            }
        )),
        "{events:?}"
    );
    // No polling of the file's status: the upload said `processed`.
    let polls = env
        .mock
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.contains("/files/"))
        .count();
    assert_eq!(polls, 0);
}

/// The instruction asks for word-for-word quotations, in both languages' marks (the app finds
/// them in the documents).
#[tokio::test]
async fn the_instruction_asks_for_quotations_in_both_languages() {
    let env = setup().await;
    let doc = env.add(&fixture("meeting-notes.md")).await.0.unwrap();
    env.ask(question("When is the next meeting?", &[doc.id]))
        .await
        .0
        .unwrap();
    let sent = env.chats_sent();
    let first = &sent.last().unwrap()["messages"][0];
    assert_eq!(first["role"], "system");
    let text = first["content"].as_str().unwrap();
    assert!(
        text.contains("word for word") && text.contains("逐字引用"),
        "{text}"
    );
    assert!(text.contains("「") && text.contains("“"), "{text}");
}
