//! The cost line against the mock, which counts usage with Qwen's own tokenizer: an estimate
//! before asking is within the stated error of what the answer then read, the estimate is kept
//! on the answer, follow-ups count the conversation, and what the mock cannot count the same
//! way (a spreadsheet it reads as bytes) is corrected after one answer.

mod engine_support;
use engine_support::*;
use longwen_core::estimates::STATED_ERROR;
use longwen_core::types::{AskRequest, QuestionEstimate};

fn off(estimate: u64, real: u64) -> f64 {
    (estimate as f64 - real as f64).abs() / real as f64
}

/// Asks `q` in `chat` after estimating it; (estimate, what the service counted, stored estimate).
async fn estimate_and_ask(env: &Env, chat: i64, q: &str) -> (QuestionEstimate, u64, Option<u64>) {
    let before = env.engine.estimate_question(chat, q, None).await.unwrap();
    let answer = env
        .ask(AskRequest {
            chat_id: Some(chat),
            question: q.into(),
            ..Default::default()
        })
        .await
        .0
        .unwrap();
    let real = answer.message.usage.unwrap().prompt_tokens;
    let stored = env
        .engine
        .message(answer.message.id)
        .unwrap()
        .estimated_tokens;
    assert_eq!(answer.message.estimated_tokens, stored);
    (before, real, stored)
}

async fn chat_with(env: &Env, names: &[&str]) -> i64 {
    let chat = env.engine.create_chat().unwrap().id;
    for name in names {
        let doc = env.add(&fixture(name)).await.0.unwrap();
        env.engine.attach_document(chat, doc.id).unwrap();
    }
    chat
}

#[tokio::test]
async fn estimates_hold_to_the_real_count_within_the_stated_error() {
    assert!(
        mock_dashscope::tokens::qwen_tokenizer_loaded(),
        "run scripts/fetch-qwen-vocab.sh"
    );
    let env = setup().await;
    for name in [
        "采购合同-2026-华东.docx",
        "员工手册-节选.txt",
        "meeting-notes.md",
    ] {
        let chat = chat_with(&env, &[name]).await;
        let (before, real, stored) = estimate_and_ask(
            &env,
            chat,
            "Which clauses carry penalties? 哪些条款有违约金？",
        )
        .await;
        assert_eq!(
            (before.documents, before.unknown_documents),
            (1, 0),
            "{name}"
        );
        assert!(before.document_tokens > 500, "{name}: {before:?}");
        assert!(
            off(before.tokens, real) <= STATED_ERROR,
            "{name}: estimated {} but the service read {real}",
            before.tokens
        );
        assert_eq!(stored, Some(before.tokens), "{name}");
        let price = before.tokens as f64 * 0.0005 / 1000.0;
        assert!((before.cost_cny - price).abs() < 1e-12);

        // A follow-up also reads the first question and answer.
        let (next, real, _) = estimate_and_ask(&env, chat, "And the total amount?").await;
        assert!(next.history_tokens > 50, "{next:?}");
        assert!(
            off(next.tokens, real) <= STATED_ERROR,
            "{name}: {} vs {real}",
            next.tokens
        );
    }
}

#[tokio::test]
async fn a_type_the_estimate_misjudges_is_corrected_after_one_answer() {
    let env = setup().await;
    // The mock cannot parse XLSX and counts a quarter of its bytes: far from the estimate.
    let chat = chat_with(&env, &["报价单.xlsx"]).await;
    let (first, real, _) = estimate_and_ask(&env, chat, "Total?").await;
    assert!(!first.corrected);
    assert!(
        off(first.tokens, real) > STATED_ERROR,
        "{} vs {real}",
        first.tokens
    );
    // A new chat with the same file type: the correction learnt from that answer applies.
    let other = chat_with(&env, &["报价单.xlsx"]).await;
    let (second, real, _) = estimate_and_ask(&env, other, "Total?").await;
    assert!(second.corrected);
    assert!(
        off(second.tokens, real) < 0.03,
        "{} vs {real}",
        second.tokens
    );
}

#[tokio::test]
async fn a_scanned_pdf_is_not_counted_but_said() {
    use_repo_pdfium();
    let env = setup().await;
    let chat = chat_with(&env, &["scanned-notice.pdf", "meeting-notes.md"]).await;
    let e = env
        .engine
        .estimate_question(chat, "What is it about?", None)
        .await
        .unwrap();
    assert_eq!((e.documents, e.unknown_documents), (1, 1));
    assert!(e.tokens > e.document_tokens);
}

/// A RAM user's key gets `Invalid file` for its own uploads. The chat can send the documents'
/// text instead: in parts, no file id, the estimate says so, and the answer reads the text.
#[tokio::test]
async fn a_key_without_file_access_sends_the_text_instead() {
    use longwen_core::secrets::ApiKey;
    use longwen_core::Engine;
    let mock = mock_dashscope::MockServer::start(mock_dashscope::MockConfig::default())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(dir.path(), &mock);
    cfg.api_key = Some(ApiKey::new("sk-acme.ram-alice"));
    let engine = Engine::open(cfg).unwrap();
    let env = Env { mock, dir, engine };
    let chat = chat_with(&env, &["采购合同-2026-华东.docx"]).await;
    let ask = || AskRequest {
        chat_id: Some(chat),
        question: "合同总金额是多少？".into(),
        ..Default::default()
    };
    let refused = env.ask(ask()).await.0.unwrap_err();
    assert_eq!(refused.kind(), "file_invalid");
    // What the confirmation shows before the switch: the text path's own estimate.
    let offered = env
        .engine
        .estimate_question(chat, "合同总金额是多少？", Some(true))
        .await
        .unwrap();

    env.engine.set_chat_sends_text(chat, true).unwrap();
    let before = env
        .engine
        .estimate_question(chat, "合同总金额是多少？", None)
        .await
        .unwrap();
    assert!(before.as_text && !before.corrected, "{before:?}");
    assert_eq!(offered, before, "the offer counted what will be sent");
    let answer = env.ask(ask()).await.0.unwrap();
    let sent = env.chats_sent().pop().unwrap();
    let messages = sent["messages"].as_array().unwrap();
    assert!(messages
        .iter()
        .all(|m| !m["content"].as_str().unwrap().contains("fileid://")));
    let text: String = messages
        .iter()
        .filter(|m| m["role"] == "system")
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    assert!(text.contains("《采购合同-2026-华东.docx》") && text.contains("违约金"));
    let real = answer.message.usage.unwrap().prompt_tokens;
    assert!(
        off(before.tokens, real) <= STATED_ERROR,
        "{} vs {real}",
        before.tokens
    );
}
