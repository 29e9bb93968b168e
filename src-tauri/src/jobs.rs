//! Document jobs in the background: the core plans and runs them; this module only puts them
//! on the async runtime and their events on the document channel.

use crate::error::CmdResult;
use crate::state::AppState;
use longwen_core::types::{ChatId, Job, JobEvent};
use std::path::PathBuf;

/// Adds files and folders to `chat`: walked off the main thread, each file a job of its own.
/// Returns how many files were taken.
pub async fn add_paths(state: &AppState, chat: ChatId, paths: Vec<PathBuf>) -> CmdResult<usize> {
    if paths.is_empty() {
        return Ok(0);
    }
    let engine = state.engine.clone();
    let plan =
        tauri::async_runtime::spawn_blocking(move || engine.plan_paths(chat, &paths)).await?;
    for event in plan.skipped {
        state.send_document_event(event);
    }
    let count = plan.jobs.len();
    for job in plan.jobs {
        spawn(state.clone(), job);
    }
    Ok(count)
}

/// Runs one job in the background; it stops when the app exits.
pub fn spawn(state: AppState, job: Job) {
    let cancel = state.shutdown.child_token();
    tauri::async_runtime::spawn(async move {
        let sink = |event: JobEvent| state.send_document_event(event);
        state.engine.run_job(&job, &sink, &cancel).await;
    });
}
