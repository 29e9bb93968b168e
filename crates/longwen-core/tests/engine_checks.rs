//! Every refusal happens before the network: the mock must see nothing.

mod engine_support;
use engine_support::*;
use longwen_core::checks::{QUESTION_TOKEN_LIMIT, TEXT_TOKEN_LIMIT};
use longwen_core::types::{AnswerEvent, AskRequest, MessageStatus};
use longwen_core::CancellationToken;

#[tokio::test]
async fn bad_inputs_are_refused_before_upload() {
    let env = setup().await;
    let tmp = tempfile::tempdir().unwrap();
    let big = tmp.path().join("huge.pdf");
    // Sparse: 150 MB + 1 byte without writing them.
    std::fs::File::create(&big)
        .unwrap()
        .set_len(150_000_001)
        .unwrap();
    let html = tmp.path().join("page.html");
    std::fs::write(&html, "<p>hi</p>").unwrap();

    let cases = [
        (fixture("empty.txt"), "input_empty"),
        (fixture("old-format.doc"), "input_unsupported"),
        (fixture("slides.pptx"), "input_unsupported"),
        (fixtures(), "input_is_directory"),
        (tmp.path().join("missing.pdf"), "input_missing"),
        (big, "input_too_large"),
        (html, "input_unsupported"),
    ];
    for (path, kind) in cases {
        let (r, _) = env.add(&path).await;
        let e = r.expect_err(&path.display().to_string());
        assert_eq!(e.kind(), kind, "{}", path.display());
    }
    let (r, _) = env.add(&fixture("old-format.doc")).await;
    assert!(matches!(
        r,
        Err(longwen_core::Error::InputUnsupported { legacy: true, .. })
    ));
    assert!(env.mock.requests().is_empty(), "{:?}", env.mock.requests());
    assert!(env.engine.documents().unwrap().is_empty());
}

#[tokio::test]
async fn too_many_documents_and_long_text_are_refused_locally() {
    let env = setup().await;
    let ids: Vec<i64> = (0..100)
        .map(|i| {
            env.engine
                .add_text(&format!("note number {i}"), None)
                .unwrap()
                .id
        })
        .collect();
    let (r, events) = env.ask(question("Summarise", &ids)).await;
    assert_eq!(r.unwrap_err().kind(), "input_too_many_documents");
    assert!(events.is_empty());
    // Nothing stored either: no chat, no message.
    assert!(env.engine.chats().unwrap().is_empty());

    let long = "长".repeat(TEXT_TOKEN_LIMIT + 1);
    assert_eq!(
        env.engine.add_text(&long, None).unwrap_err().kind(),
        "text_too_long"
    );
    assert!(env.mock.requests().is_empty());
}

#[tokio::test]
async fn a_long_question_about_documents_is_refused_before_anything_is_stored_or_sent() {
    let env = setup().await;
    let doc = env.engine.add_text("some text", None).unwrap();
    let long = "问".repeat(QUESTION_TOKEN_LIMIT + 1);

    // A new chat: refused, nothing sent, nothing stored.
    let (r, events) = env.ask(question(&long, &[doc.id])).await;
    let e = r.unwrap_err();
    assert_eq!(e.kind(), "question_too_long");
    assert!(matches!(
        e,
        longwen_core::Error::QuestionTooLong { tokens, limit }
            if tokens == QUESTION_TOKEN_LIMIT + 1 && limit == QUESTION_TOKEN_LIMIT
    ));
    assert!(events.is_empty());
    assert!(env.engine.chats().unwrap().is_empty());
    // Raw file ids count as documents too.
    let raw = AskRequest {
        question: long.clone(),
        file_ids: vec!["file-fe-raw".into()],
        ..Default::default()
    };
    assert_eq!(
        env.ask(raw).await.0.unwrap_err().kind(),
        "question_too_long"
    );
    assert!(env.mock.requests().is_empty(), "{:?}", env.mock.requests());

    // A follow-up in a chat with a document: refused, the chat unchanged.
    let first = env.ask(question("Short?", &[doc.id])).await.0.unwrap();
    let sent = env.mock.requests().len();
    let follow = AskRequest {
        chat_id: Some(first.chat_id),
        question: long.clone(),
        ..Default::default()
    };
    assert_eq!(
        env.ask(follow).await.0.unwrap_err().kind(),
        "question_too_long"
    );
    assert_eq!(env.engine.chat(first.chat_id).unwrap().messages.len(), 2);
    assert_eq!(env.mock.requests().len(), sent);

    // At the limit it goes; without documents the limit does not apply.
    let at = "问".repeat(QUESTION_TOKEN_LIMIT);
    env.ask(question(&at, &[doc.id])).await.0.unwrap();
    env.ask(question(&long, &[])).await.0.unwrap();
}

#[tokio::test]
async fn regenerate_refuses_a_stored_question_that_is_too_long() {
    let env = setup().await;
    let doc = env.engine.add_text("some text", None).unwrap();
    let answer = env.ask(question("Short?", &[doc.id])).await.0.unwrap();
    // A question stored before the check existed.
    let long = "问".repeat(QUESTION_TOKEN_LIMIT + 1);
    let db = rusqlite::Connection::open(env.dir.path().join(longwen_core::store::DB_FILE)).unwrap();
    db.execute("UPDATE messages SET text = ?1 WHERE role = 'user'", [&long])
        .unwrap();
    let sent = env.mock.requests().len();
    let mut events: Vec<AnswerEvent> = Vec::new();
    let e = env
        .engine
        .regenerate(answer.message.id, &CancellationToken::new(), &mut |e| {
            events.push(e)
        })
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "question_too_long");
    assert!(events.is_empty());
    assert_eq!(env.mock.requests().len(), sent);
    let msgs = env.engine.chat(answer.chat_id).unwrap().messages;
    assert_eq!(msgs[0].text, long, "the question is kept");
    assert_eq!(msgs[1].status, MessageStatus::Complete);
    assert_eq!(msgs[1].text, answer.message.text);
}

#[tokio::test]
async fn a_dropped_folder_keeps_supported_files() {
    let env = setup().await;
    let plan = env.engine.plan_paths(1, &[fixtures()]);
    let names: Vec<&str> = plan.jobs.iter().map(|j| j.name.as_str()).collect();
    assert!(names.contains(&"meeting-notes.md"));
    assert!(!names
        .iter()
        .any(|n| n.ends_with(".doc") || n.ends_with(".pptx")));
    let skipped = plan.skipped[0].skipped.unwrap();
    assert!(skipped >= 2, "{skipped}");
}
