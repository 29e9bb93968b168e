//! Documents: dropped or opened-with files (named by the OS, queued in Rust) and picked files
//! become jobs in the chat the UI names; pasted text; removal. Progress goes to the document
//! channel.

use crate::error::CmdResult;
use crate::jobs::{self, Added};
use crate::state::AppState;
use longwen_core::types::{ChatId, Document, DocumentId, JobEvent, JobId, TextEstimate};
use std::path::PathBuf;
use tauri::ipc::Channel;
use tauri::{Runtime, State};

/// Registers the channel all document progress goes to and replays what happened before.
#[tauri::command]
pub fn watch_documents(state: State<'_, AppState>, on_event: Channel<JobEvent>) {
    state.watch_documents(on_event);
}

/// Adds what was dropped on the window or opened with the app to `chat_id`. Files opened
/// with the app, or more than one question reads, wait for `confirmed` (the person's click).
#[tauri::command]
pub async fn add_pending_documents(
    state: State<'_, AppState>,
    chat_id: ChatId,
    confirmed: bool,
) -> CmdResult<Added> {
    jobs::add_pending(&state, chat_id, confirmed).await
}

/// Forgets the files waiting for a chat (the person said no).
#[tauri::command]
pub fn discard_pending_documents(state: State<'_, AppState>) {
    state.take_pending();
}

/// The native file picker (multi-select, the supported types), with the UI's words for its
/// title and filter; the files chosen are added like dropped ones.
#[tauri::command]
pub async fn pick_documents<R: Runtime>(
    window: tauri::Window<R>,
    state: State<'_, AppState>,
    chat_id: ChatId,
    title: String,
    filter: String,
) -> CmdResult<Added> {
    let types = state.engine.limits().picker_types;
    let dialog = super::file_dialog(&window)
        .set_title(title)
        .add_filter(filter, &types);
    let files = dialog.pick_files().await.unwrap_or_default();
    let paths: Vec<PathBuf> = files.iter().map(|f| f.path().to_path_buf()).collect();
    jobs::add_picked(&state, chat_id, paths).await
}

/// Runs a failed document job again.
#[tauri::command]
pub fn retry_document(state: State<'_, AppState>, job_id: JobId) -> CmdResult<()> {
    let job = state.engine.failed_job(job_id)?;
    jobs::spawn(state.inner().clone(), job);
    Ok(())
}

/// The token estimate of text being pasted, against the pasted-text limit.
#[tauri::command]
pub fn estimate_text(state: State<'_, AppState>, text: String) -> TextEstimate {
    state.engine.estimate_text(&text)
}

/// Pasted text as a document (no upload), attached to `chat_id`.
#[tauri::command]
pub async fn add_text(
    state: State<'_, AppState>,
    chat_id: ChatId,
    text: String,
    name: Option<String>,
) -> CmdResult<Document> {
    let document = state.engine.add_text(&text, name.as_deref())?;
    state.engine.attach_document(chat_id, document.id)?;
    Ok(document)
}

/// Long pasted text uploaded as a `.txt` file; progress goes to the document channel.
#[tauri::command]
pub fn add_text_as_file(
    state: State<'_, AppState>,
    chat_id: ChatId,
    text: String,
    name: Option<String>,
) -> CmdResult<()> {
    let job = state.engine.plan_text(chat_id, text, name)?;
    jobs::spawn(state.inner().clone(), job);
    Ok(())
}

/// Detaches a document from a chat (it stays in the library).
#[tauri::command]
pub async fn remove_document(
    state: State<'_, AppState>,
    chat_id: ChatId,
    document_id: DocumentId,
) -> CmdResult<()> {
    Ok(state.engine.detach_document(chat_id, document_id)?)
}
