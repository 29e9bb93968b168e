//! Conversations: open, delete, ask (streamed over a Channel), stop, regenerate.

use crate::error::CmdResult;
use crate::state::AppState;
use longwen_core::engine::{Answer, AnswerEvent, AskRequest, Chat, ChatId, ChatSummary, MessageId};
use tauri::ipc::Channel;
use tauri::State;

#[tauri::command]
pub fn list_chats(state: State<'_, AppState>) -> CmdResult<Vec<ChatSummary>> {
    state.engine.chats().map_err(|e| state.err(e))
}

/// Opens a chat (`null` creates one) and makes it the current chat.
#[tauri::command]
pub fn open_chat(state: State<'_, AppState>, chat_id: Option<ChatId>) -> CmdResult<Chat> {
    let id = match chat_id {
        Some(id) => id,
        None => state.engine.create_chat().map_err(|e| state.err(e))?.id,
    };
    let chat = state.engine.chat(id).map_err(|e| state.err(e))?;
    state.set_current_chat(Some(id));
    crate::commands::documents::start_open_with(&state);
    Ok(chat)
}

#[tauri::command]
pub fn delete_chat(state: State<'_, AppState>, chat_id: ChatId) -> CmdResult<()> {
    state.stop_answer(chat_id);
    state
        .engine
        .delete_chat(chat_id)
        .map_err(|e| state.err(e))?;
    if state.current_chat() == Some(chat_id) {
        state.set_current_chat(None);
    }
    Ok(())
}

/// Runs one answer with a cancel handle filed under `chat` (moved to the chat the engine
/// reports once it has started), streaming every event to `channel` in order.
async fn answer<F, Fut>(
    state: &AppState,
    chat: ChatId,
    channel: Channel<AnswerEvent>,
    run: F,
) -> CmdResult<Answer>
where
    F: FnOnce(longwen_core::CancellationToken, Box<dyn FnMut(AnswerEvent) + Send>) -> Fut,
    Fut: std::future::Future<Output = longwen_core::Result<Answer>>,
{
    let (token, generation) = state.begin_answer(chat);
    let handle = state.clone();
    let (events, forwarded) = forward_batched(channel);
    let on_event = Box::new(move |event: AnswerEvent| {
        if let AnswerEvent::Started { chat_id, .. } = &event {
            handle.move_answer(chat, *chat_id, generation);
            handle.set_current_chat(Some(*chat_id));
        }
        let _ = events.send(event);
    });
    let result = run(token, on_event).await;
    // Every event is handed to the Channel before the command answers.
    let _ = forwarded.await;
    state.end_answer(generation);
    result.map_err(|e| state.err(e))
}

/// How often streamed text goes to the webview at most: each Channel message costs the page a
/// script run, so a fast stream (thousands of tokens a second) sends one message per interval
/// instead of one per token. Other events go at once, after the text before them.
const DELTA_INTERVAL: std::time::Duration = std::time::Duration::from_millis(25);

fn forward_batched(
    channel: Channel<AnswerEvent>,
) -> (
    tokio::sync::mpsc::UnboundedSender<AnswerEvent>,
    tauri::async_runtime::JoinHandle<()>,
) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let task = tauri::async_runtime::spawn(async move {
        let mut pending = String::new();
        let mut tick = tokio::time::interval(DELTA_INTERVAL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let flush = |pending: &mut String| {
            if !pending.is_empty() {
                let text = std::mem::take(pending);
                let _ = channel.send(AnswerEvent::Delta { text });
            }
        };
        loop {
            tokio::select! {
                event = rx.recv() => match event {
                    Some(AnswerEvent::Delta { text }) => pending.push_str(&text),
                    Some(other) => {
                        flush(&mut pending);
                        let _ = channel.send(other);
                    }
                    None => break,
                },
                _ = tick.tick(), if !pending.is_empty() => flush(&mut pending),
            }
        }
        flush(&mut pending);
    });
    (tx, task)
}

/// Asks a question in a chat (`null`: the current chat, or a new one). Rejects on stop, a cut
/// or an error; the partial answer stays in the chat.
#[tauri::command]
pub async fn ask(
    state: State<'_, AppState>,
    chat_id: Option<ChatId>,
    question: String,
    on_event: Channel<AnswerEvent>,
) -> CmdResult<Answer> {
    let chat = match chat_id {
        Some(id) => id,
        None => state.ensure_current_chat().map_err(|e| state.err(e))?,
    };
    state.set_current_chat(Some(chat));
    let engine = state.engine.clone();
    let request = AskRequest {
        chat_id: Some(chat),
        question,
        ..AskRequest::default()
    };
    answer(&state, chat, on_event, |token, mut on_event| async move {
        engine.ask(request, &token, &mut on_event).await
    })
    .await
}

#[tauri::command]
pub fn stop_answer(state: State<'_, AppState>, chat_id: ChatId) -> CmdResult<()> {
    state.stop_answer(chat_id);
    Ok(())
}

/// Asks the question behind `answer_id` again, replacing that answer.
#[tauri::command]
pub async fn regenerate(
    state: State<'_, AppState>,
    answer_id: MessageId,
    on_event: Channel<AnswerEvent>,
) -> CmdResult<Answer> {
    let chat = state.ensure_current_chat().map_err(|e| state.err(e))?;
    let engine = state.engine.clone();
    answer(&state, chat, on_event, |token, mut on_event| async move {
        engine.regenerate(answer_id, &token, &mut on_event).await
    })
    .await
}
