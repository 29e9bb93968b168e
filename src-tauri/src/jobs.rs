//! Document jobs in the background: the core plans and runs them; this module only puts them
//! on the async runtime and their events on the document channel. Documents "opened with" the
//! app, and more than one question can read, wait for the person's one click.

use crate::error::CmdResult;
use crate::state::AppState;
use longwen_core::types::{ChatId, Job, JobEvent};
use serde::Serialize;
use std::path::PathBuf;

/// What became of the waiting files.
#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct Added {
    /// Files now being added.
    pub taken: usize,
    /// Files waiting for the person's yes (`add_pending_documents` with `confirmed`).
    pub waiting: usize,
    /// Some of the waiting files came from "Open with".
    pub opened_with: bool,
    /// A folder held more files than are walked; only the first are counted and added.
    pub more: bool,
}

/// Adds the waiting files and folders to `chat`: walked off the main thread, each file a job
/// of its own. Without `confirmed`, files opened with the app, or more than one question reads,
/// keep waiting and are only counted.
pub async fn add_pending(state: &AppState, chat: ChatId, confirmed: bool) -> CmdResult<Added> {
    let (paths, opened_with) = state.take_pending();
    if paths.is_empty() {
        return Ok(Added::default());
    }
    let engine = state.engine.clone();
    let walked = paths.clone();
    let plan =
        tauri::async_runtime::spawn_blocking(move || engine.plan_paths(chat, &walked)).await?;
    let count = plan.jobs.len();
    let many = count > state.engine.limits().max_documents_per_question || plan.truncated;
    if (opened_with || many) && !confirmed {
        state.restore_pending(paths, opened_with);
        return Ok(Added {
            taken: 0,
            waiting: count,
            opened_with,
            more: plan.truncated,
        });
    }
    for event in plan.skipped {
        state.send_document_event(event);
    }
    for job in plan.jobs {
        spawn(state.clone(), job);
    }
    Ok(Added {
        taken: count,
        more: plan.truncated,
        ..Added::default()
    })
}

/// Runs one job in the background; it stops when the app exits.
pub fn spawn(state: AppState, job: Job) {
    let cancel = state.shutdown.child_token();
    tauri::async_runtime::spawn(async move {
        let sink = |event: JobEvent| state.send_document_event(event);
        state.engine.run_job(&job, &sink, &cancel).await;
    });
}

/// Picked files join the waiting ones and are added the same way.
pub async fn add_picked(state: &AppState, chat: ChatId, paths: Vec<PathBuf>) -> CmdResult<Added> {
    state.queue_paths(paths, false);
    add_pending(state, chat, false).await
}
