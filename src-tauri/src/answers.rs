//! One running answer: its cancel handle, and its events forwarded to the UI's Channel with
//! streamed text coalesced.

use crate::error::CmdResult;
use crate::state::AppState;
use longwen_core::types::{Answer, AnswerEvent, ChatId};
use longwen_core::CancellationToken;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tauri::ipc::Channel;
use tokio::time::Instant;

/// The least time between two text messages to the webview: each Channel message costs the
/// page a script run, so a fast stream (thousands of tokens a second) sends one message per
/// interval instead of one per token, while text at the service's pace (a token every few ms)
/// goes at once. Other events go at once, after the text before them.
const DELTA_INTERVAL: Duration = Duration::from_millis(4);

type Sink = Box<dyn FnMut(AnswerEvent) + Send>;

/// Runs one answer in `chat`, streaming every event to `channel` in order. Resolves with the
/// stored answer however it ended (its status says how); rejects only when nothing was stored
/// (the question was refused before it was sent).
pub async fn run<F, Fut>(
    state: &AppState,
    chat: ChatId,
    channel: Channel<AnswerEvent>,
    start: F,
) -> CmdResult<Answer>
where
    F: FnOnce(CancellationToken, Sink) -> Fut,
    Fut: std::future::Future<Output = longwen_core::Result<Answer>>,
{
    let (token, generation) = state.begin_answer(chat);
    let (events, forwarded) = forward_batched(channel);
    let answer_id = Arc::new(Mutex::new(None));
    let seen = answer_id.clone();
    let sink = Box::new(move |event: AnswerEvent| {
        if let AnswerEvent::Started { answer_id, .. } = &event {
            *seen.lock().unwrap_or_else(|p| p.into_inner()) = Some(*answer_id);
        }
        let _ = events.send(event);
    });
    let result = start(token, sink).await;
    // Every event is handed to the Channel before the command answers.
    let _ = forwarded.await;
    state.end_answer(generation);
    let stored = *answer_id.lock().unwrap_or_else(|p| p.into_inner());
    match (result, stored) {
        (Ok(answer), _) => Ok(answer),
        (Err(_), Some(id)) => Ok(Answer {
            chat_id: chat,
            message: state.engine.message(id)?,
        }),
        (Err(e), None) => Err(e.into()),
    }
}

fn forward_batched(
    channel: Channel<AnswerEvent>,
) -> (
    tokio::sync::mpsc::UnboundedSender<AnswerEvent>,
    tauri::async_runtime::JoinHandle<()>,
) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let task = tauri::async_runtime::spawn(async move {
        let mut pending = String::new();
        let mut last = Instant::now() - DELTA_INTERVAL;
        let flush = |pending: &mut String, last: &mut Instant| {
            if !pending.is_empty() {
                let text = std::mem::take(pending);
                let _ = channel.send(AnswerEvent::Delta { text });
                *last = Instant::now();
            }
        };
        loop {
            let due = last + DELTA_INTERVAL;
            tokio::select! {
                event = rx.recv() => match event {
                    Some(AnswerEvent::Delta { text }) => {
                        pending.push_str(&text);
                        // Leading edge: text after a quiet interval goes at once.
                        if Instant::now() >= due {
                            flush(&mut pending, &mut last);
                        }
                    }
                    Some(other) => {
                        flush(&mut pending, &mut last);
                        let _ = channel.send(other);
                    }
                    None => break,
                },
                _ = tokio::time::sleep_until(due), if !pending.is_empty() => flush(&mut pending, &mut last),
            }
        }
        flush(&mut pending, &mut last);
    });
    (tx, task)
}
