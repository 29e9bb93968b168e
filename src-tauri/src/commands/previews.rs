//! Previews of documents (local text; nothing leaves the machine), an answer's quotations, and
//! what a question will read before it is asked (from the same local text).

use crate::error::CmdResult;
use crate::state::AppState;
use longwen_core::previews::{PreviewState, QuoteMatch};
use longwen_core::types::{ChatId, DocumentId, MessageId, QuestionEstimate};
use serde::Serialize;
use std::ops::Range;
use tauri::State;

/// A stretch of a preview's text: where it starts (byte offset) and the text.
#[derive(Serialize)]
pub struct PreviewText {
    start: usize,
    text: String,
}

/// The preview's counts and sections, or why there is none.
#[tauri::command]
pub async fn preview_document(
    state: State<'_, AppState>,
    document_id: DocumentId,
) -> CmdResult<PreviewState> {
    Ok(state.engine.preview(document_id).await?)
}

/// The preview's text from `start` to `end` (byte offsets, widened to characters).
#[tauri::command]
pub async fn preview_text(
    state: State<'_, AppState>,
    document_id: DocumentId,
    start: usize,
    end: usize,
) -> CmdResult<PreviewText> {
    let (start, text) = state.engine.preview_text(document_id, start..end).await?;
    Ok(PreviewText { start, text })
}

/// Where `query` occurs in the preview (byte ranges, in order).
#[tauri::command]
pub async fn find_in_document(
    state: State<'_, AppState>,
    document_id: DocumentId,
    query: String,
) -> CmdResult<Vec<Range<usize>>> {
    Ok(state.engine.find_in_document(document_id, &query).await?)
}

/// The quotations of an answer, each found (or not) in the documents its question read.
#[tauri::command]
pub async fn answer_quotes(
    state: State<'_, AppState>,
    message_id: MessageId,
) -> CmdResult<Vec<QuoteMatch>> {
    Ok(state.engine.answer_quotes(message_id).await?)
}

/// What `question` would read if asked now in the chat, and its cost (the cost line).
#[tauri::command]
pub async fn estimate_question(
    state: State<'_, AppState>,
    chat_id: ChatId,
    question: String,
    as_text: Option<bool>,
) -> CmdResult<QuestionEstimate> {
    let engine = &state.engine;
    Ok(engine
        .estimate_question(chat_id, &question, as_text)
        .await?)
}

/// Sends the chat's documents as their text, extracted here, instead of file ids (a key that
/// may not read uploaded files), or file ids again.
#[tauri::command]
pub fn send_text_instead(state: State<'_, AppState>, chat_id: ChatId, on: bool) -> CmdResult<()> {
    Ok(state.engine.set_chat_sends_text(chat_id, on)?)
}
