//! What comes after an answer: rename and search conversations, edit a question, copy an
//! answer (HTML and plain text), export a conversation, and what the answers cost.

use crate::answers;
use crate::error::{CmdResult, Error};
use crate::state::AppState;
use longwen_core::engine::ExportFormat;
use longwen_core::export::ExportLabels;
use longwen_core::store::search::SearchHit;
use longwen_core::types::{Answer, AnswerEvent, ChatId, ChatSummary, Costs, MessageId};
use tauri::ipc::Channel;
use tauri::{Runtime, State};

/// How many search results the sidebar shows at most.
const SEARCH_LIMIT: usize = 50;

#[tauri::command]
pub async fn rename_chat(
    state: State<'_, AppState>,
    chat_id: ChatId,
    title: String,
) -> CmdResult<ChatSummary> {
    Ok(state.engine.rename_chat(chat_id, &title)?)
}

/// Questions, answers, chat titles and document names containing `query`, best first.
#[tauri::command]
pub async fn search_chats(state: State<'_, AppState>, query: String) -> CmdResult<Vec<SearchHit>> {
    Ok(state.engine.search(&query, SEARCH_LIMIT)?)
}

/// Asks `question` as a new version of the turn of `message_id` (an edited question).
#[tauri::command]
pub async fn edit_question(
    state: State<'_, AppState>,
    chat_id: ChatId,
    message_id: MessageId,
    question: String,
    on_event: Channel<AnswerEvent>,
) -> CmdResult<Answer> {
    let engine = state.engine.clone();
    answers::run(&state, chat_id, on_event, |token, mut sink| async move {
        engine.edit(message_id, &question, &token, &mut sink).await
    })
    .await
}

/// Puts the answer on the clipboard as HTML (headings, lists, bold and tables survive a paste
/// into Word or WPS) and as plain text.
#[tauri::command]
pub async fn copy_answer(state: State<'_, AppState>, message_id: MessageId) -> CmdResult<()> {
    let text = state.engine.message(message_id)?.text;
    let html = longwen_core::render::to_html(&text);
    let plain = longwen_core::render::to_text(&text);
    state.copy(&html, &plain).map_err(Error::Clipboard)
}

/// Saves the conversation through the system's save dialog (with the UI's words); returns
/// where it was written, or null when the person cancelled.
#[tauri::command]
pub async fn export_chat<R: Runtime>(
    window: tauri::Window<R>,
    state: State<'_, AppState>,
    chat_id: ChatId,
    format: ExportFormat,
    labels: ExportLabels,
    file_name: String,
) -> CmdResult<Option<String>> {
    let bytes = state.engine.export(chat_id, format, &labels)?;
    let dialog = super::file_dialog(&window).set_file_name(file_name);
    let Some(file) = dialog.save_file().await else {
        return Ok(None);
    };
    std::fs::write(file.path(), bytes).map_err(|e| Error::Save(e.to_string()))?;
    Ok(Some(file.path().display().to_string()))
}

/// What the answers of `chat_id` cost, and all answers since `since` (unix seconds: the UI's
/// start of the month, in the person's time zone).
#[tauri::command]
pub async fn costs(
    state: State<'_, AppState>,
    chat_id: Option<ChatId>,
    since: i64,
) -> CmdResult<Costs> {
    Ok(state.engine.costs(chat_id, since)?)
}
