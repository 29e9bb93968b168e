//! Conversations: list, open, delete, ask (streamed over a Channel), stop, regenerate. The UI
//! names the chat in every call; the shell keeps no "current chat".

use crate::answers;
use crate::error::CmdResult;
use crate::state::AppState;
use longwen_core::types::{
    Answer, AnswerEvent, AskRequest, Chat, ChatId, ChatPage, ChatSummary, MessageId,
};
use tauri::ipc::Channel;
use tauri::State;

#[tauri::command]
pub async fn list_chats(state: State<'_, AppState>) -> CmdResult<Vec<ChatSummary>> {
    Ok(state.engine.chats()?)
}

/// Opens a chat with its newest turns (`earlier` counts the messages before them); `null`
/// creates an empty one.
#[tauri::command]
pub async fn open_chat(state: State<'_, AppState>, chat_id: Option<ChatId>) -> CmdResult<Chat> {
    let id = match chat_id {
        Some(id) => id,
        None => state.engine.create_chat()?.id,
    };
    Ok(state.engine.recent_chat(id)?)
}

/// The turns before turn `before_turn` (a page of them, or all from the turn of `down_to`).
#[tauri::command]
pub async fn earlier_messages(
    state: State<'_, AppState>,
    chat_id: ChatId,
    before_turn: MessageId,
    down_to: Option<MessageId>,
) -> CmdResult<ChatPage> {
    Ok(state
        .engine
        .earlier_messages(chat_id, before_turn, down_to)?)
}

#[tauri::command]
pub async fn delete_chat(state: State<'_, AppState>, chat_id: ChatId) -> CmdResult<()> {
    state.stop_answer(chat_id);
    Ok(state.engine.delete_chat(chat_id)?)
}

/// Asks a question in a chat. Resolves with the stored answer however it ended; rejects only
/// when the question was refused before anything was stored.
#[tauri::command]
pub async fn ask(
    state: State<'_, AppState>,
    chat_id: ChatId,
    question: String,
    on_event: Channel<AnswerEvent>,
) -> CmdResult<Answer> {
    let engine = state.engine.clone();
    let request = AskRequest {
        chat_id: Some(chat_id),
        question,
        ..AskRequest::default()
    };
    answers::run(&state, chat_id, on_event, |token, mut sink| async move {
        engine.ask(request, &token, &mut sink).await
    })
    .await
}

#[tauri::command]
pub fn stop_answer(state: State<'_, AppState>, chat_id: ChatId) {
    state.stop_answer(chat_id);
}

/// Asks the question behind `answer_id` (in `chat_id`) again: a new version of its turn (the
/// earlier answers stay, as versions).
#[tauri::command]
pub async fn regenerate(
    state: State<'_, AppState>,
    chat_id: ChatId,
    answer_id: MessageId,
    on_event: Channel<AnswerEvent>,
) -> CmdResult<Answer> {
    let engine = state.engine.clone();
    answers::run(&state, chat_id, on_event, |token, mut sink| async move {
        engine.regenerate(answer_id, &token, &mut sink).await
    })
    .await
}
