//! A long conversation made quickly for scenarios and benchmarks: one real turn through the
//! engine and the mock (so the answer's text, usage and cost are what the app stores), then
//! that turn repeated straight into the store. A short chat is asked last, so the app opens it
//! first and the long one waits in the sidebar.

use anyhow::{Context, Result};
use longwen_core::engine::EngineConfig;
use longwen_core::secrets::ApiKey;
use longwen_core::store::{self, messages};
use longwen_core::types::{AskRequest, MessageStatus};
use longwen_core::{CancellationToken, Engine};
use std::path::Path;

/// The long chat: its id and the ids of its questions, oldest first. Question i reads
/// "Question i: q000ix" (a word to search for that only it has); its answer's id is one more.
pub struct LongChat {
    pub chat_id: i64,
    pub questions: Vec<i64>,
}

/// Fills `data_dir` with a chat of `turns` questions, each answered with about
/// `answer_tokens` tokens of Markdown, and a newer short chat.
pub async fn long_chat(
    data_dir: &Path,
    base_url: String,
    key: &str,
    turns: usize,
    answer_tokens: usize,
) -> Result<LongChat> {
    let engine = Engine::open(config(data_dir, &base_url, key))?;
    let cancel = CancellationToken::new();
    let ask = |chat_id, question: String| AskRequest {
        chat_id,
        question,
        ..AskRequest::default()
    };
    let first = engine
        .ask(
            ask(
                None,
                format!("Question 0: q0000x [[mock:long={answer_tokens}]]"),
            ),
            &cancel,
            &mut |_| {},
        )
        .await?;
    let chat_id = first.chat_id;
    let answer = first.message;
    let question_id = answer.question_id.context("the answer's question")?;
    drop(engine);

    let mut conn = store::open(data_dir)?;
    let tx = conn.transaction()?;
    let mut questions = vec![question_id];
    for i in 1..turns {
        let at = answer.created_at + i as i64;
        let q = messages::insert_question(
            &tx,
            chat_id,
            &format!("Question {i}: q{i:04}x"),
            &[],
            at,
            None,
        )?;
        let a = messages::insert_answer(&tx, chat_id, q, "qwen-long", at)?;
        let text = format!("Answer {i}.{}", answer.text);
        messages::finish(
            &tx,
            a,
            &messages::Finished {
                text: &text,
                status: MessageStatus::Complete,
                error: None,
                request_id: None,
                finish_reason: Some("stop"),
                usage: answer.usage,
                cost_cny: answer.cost_cny,
                first_token_ms: answer.first_token_ms,
                total_ms: answer.total_ms.unwrap_or(0),
            },
        )?;
        questions.push(q);
    }
    tx.commit()?;
    drop(conn);

    let engine = Engine::open(config(data_dir, &base_url, key))?;
    engine
        .ask(ask(None, "A short newer chat".into()), &cancel, &mut |_| {})
        .await?;
    drop(engine);
    Ok(LongChat { chat_id, questions })
}

fn config(data_dir: &Path, base_url: &str, key: &str) -> EngineConfig {
    let mut config = EngineConfig::with_data_dir(data_dir);
    config.base_url_override = Some(base_url.to_string());
    config.api_key = Some(ApiKey::new(key));
    config
}
