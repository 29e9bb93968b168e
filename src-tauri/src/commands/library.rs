//! The library (every document ever added) and the account's cloud files.

use crate::error::CmdResult;
use crate::jobs;
use crate::state::AppState;
use longwen_core::types::{ChatId, CloudFiles, DocumentId, LibraryItem};
use tauri::State;

/// Every document in the library; `check_cloud` asks the account's file list too.
#[tauri::command]
pub async fn library(state: State<'_, AppState>, check_cloud: bool) -> CmdResult<Vec<LibraryItem>> {
    Ok(state.engine.library(check_cloud).await?)
}

/// Adds library documents to a chat; each is uploaded only if its cloud copy is missing.
/// Progress goes to the document channel.
#[tauri::command]
pub async fn add_library_documents(
    state: State<'_, AppState>,
    chat_id: ChatId,
    document_ids: Vec<DocumentId>,
) -> CmdResult<()> {
    for job in state.engine.plan_stored(chat_id, &document_ids)? {
        jobs::spawn(state.inner().clone(), job);
    }
    Ok(())
}

#[tauri::command]
pub async fn remove_library_document(
    state: State<'_, AppState>,
    document_id: DocumentId,
) -> CmdResult<()> {
    Ok(state.engine.remove_from_library(document_id)?)
}

/// What the account holds in the cloud (every page), against its quota.
#[tauri::command]
pub async fn cloud_files(state: State<'_, AppState>) -> CmdResult<CloudFiles> {
    Ok(state.engine.cloud_files().await?)
}

/// Deletes cloud files (after the UI's confirmation); a file an answer reads now is refused.
#[tauri::command]
pub async fn delete_cloud_files(
    state: State<'_, AppState>,
    file_ids: Vec<String>,
) -> CmdResult<()> {
    Ok(state.engine.delete_cloud_files(&file_ids).await?)
}
