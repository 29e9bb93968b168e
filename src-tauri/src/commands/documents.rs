//! Documents: one function, [`add_paths`], takes files from a drop on the window, the native
//! picker and the command line (Open with). Progress goes to the document channel.

use crate::error::{CmdResult, Error};
use crate::state::{AppState, DocumentEvent, Job, JobSource};
use longwen_core::engine::{Document, DocumentId, DocumentProgress};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU16, Ordering};
use tauri::ipc::Channel;
use tauri::{Manager, Runtime, State};

/// The file types the picker offers: the text formats Qwen-Long answers from.
pub const SUPPORTED_EXTENSIONS: &[&str] = longwen_core::checks::TEXT_TYPES;

fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Files to add from what was given (the core's `checks::expand_paths`: files as they are,
/// folders replaced by the supported files inside them), and per folder how many files were
/// skipped.
pub fn expand_paths(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<(PathBuf, usize)>) {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for path in paths {
        let (found, count) = longwen_core::checks::expand_paths(std::slice::from_ref(path));
        files.extend(found);
        if path.is_dir() {
            skipped.push((path.clone(), count));
        }
    }
    (files, skipped)
}

/// Adds files (drop, picker, Open with): each becomes a job that runs concurrently (the core
/// rate-limits uploads) and is attached to the current chat (created if there is none).
/// Returns the number of files taken.
pub fn add_paths(state: &AppState, paths: Vec<PathBuf>) -> usize {
    let (files, skipped) = expand_paths(&paths);
    let chat_id = if files.is_empty() {
        state.current_chat()
    } else {
        state.ensure_current_chat().ok()
    };
    for (folder, count) in skipped {
        if count == 0 {
            continue;
        }
        let job = Job {
            id: format!("j{}", state.next_id()),
            chat_id,
            source: JobSource::File(folder.clone()),
            name: file_name(&folder),
            file_type: "folder".into(),
            size: 0,
        };
        let mut event = job.event("skipped", 0);
        event.skipped = Some(count);
        state.send_document_event(event);
    }
    let count = files.len();
    for path in files {
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let job = Job {
            id: format!("j{}", state.next_id()),
            chat_id,
            name: file_name(&path),
            file_type: extension(&path),
            size,
            source: JobSource::File(path),
        };
        spawn_job(state.clone(), job);
    }
    count
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Runs one job in the background, reporting to the document channel.
pub fn spawn_job(state: AppState, job: Job) {
    let Some(cancel) = state.start_job(&job) else {
        return; // already running
    };
    state.send_document_event(job.event("checking", 0));
    tauri::async_runtime::spawn(async move {
        let result = run_job(&state, &job, &cancel).await;
        let event = match result {
            Ok(document) => {
                let mut event = job.event("ready", 100);
                event.document = Some(document);
                event
            }
            Err(error) => {
                let mut event = job.event("failed", 0);
                event.error = Some(error.report(state.lang()));
                event
            }
        };
        state.finish_job(&job, event.state == "ready");
        state.send_document_event(event);
    });
}

async fn run_job(
    state: &AppState,
    job: &Job,
    cancel: &longwen_core::CancellationToken,
) -> Result<Document, Error> {
    let last = AtomicU16::new(u16::MAX);
    let already = AtomicBool::new(false);
    let on_progress = |progress: DocumentProgress| {
        let (step, percent) = match &progress {
            DocumentProgress::Checking => ("checking", 0),
            DocumentProgress::Hashing { done, total } => ("checking", percent(*done, *total)),
            DocumentProgress::AlreadyUploaded { .. } => {
                already.store(true, Ordering::Relaxed);
                ("reading", 100)
            }
            DocumentProgress::Uploading { sent, total } => ("uploading", percent(*sent, *total)),
            DocumentProgress::Reading => ("reading", 100),
            // The final `ready` event is sent once the document is attached.
            DocumentProgress::Ready { .. } => return,
        };
        // One event per step and percent: big files report many small chunks.
        let step_index: u16 = match step {
            "checking" => 0,
            "uploading" => 1,
            _ => 2,
        };
        let key = step_index * 101 + u16::from(percent);
        if last.swap(key, Ordering::Relaxed) == key {
            return;
        }
        let mut event = job.event(step, percent);
        event.already_uploaded = already.load(Ordering::Relaxed);
        state.send_document_event(event);
    };
    let document = match &job.source {
        JobSource::File(path) => {
            state
                .engine
                .add_document(path, &on_progress, cancel)
                .await?
        }
        JobSource::Text { text, name } => {
            state
                .engine
                .add_text_as_file(text, name.as_deref(), &on_progress, cancel)
                .await?
        }
    };
    if let Some(chat) = job.chat_id {
        state.engine.attach_document(chat, document.id)?;
    }
    Ok(document)
}

fn percent(done: u64, total: u64) -> u8 {
    (done.min(total) * 100).checked_div(total).unwrap_or(0) as u8
}

/// Registers the channel all document progress goes to and replays what happened before.
#[tauri::command]
pub fn watch_documents(
    state: State<'_, AppState>,
    on_event: Channel<DocumentEvent>,
) -> CmdResult<()> {
    state.watch_documents(on_event);
    start_open_with(&state);
    Ok(())
}

/// Starts the files given on the command line once the UI listens and has opened the chat
/// they belong to (the UI calls `watch_documents`, then `open_chat`). Events that arrive
/// before the UI has drawn that chat are kept by the UI until it does.
pub fn start_open_with(state: &AppState) {
    if !state.is_watching_documents() || state.current_chat().is_none() {
        return;
    }
    let open_with = state.take_open_with();
    if open_with.is_empty() {
        return;
    }
    add_paths(state, open_with);
}

/// The native file picker (multi-select, supported types); returns how many were chosen.
#[tauri::command]
pub async fn pick_documents<R: Runtime>(
    window: tauri::Window<R>,
    state: State<'_, AppState>,
) -> CmdResult<usize> {
    let title = match state.lang() {
        longwen_core::Lang::Zh => "添加文档",
        longwen_core::Lang::En => "Add documents",
    };
    let filter = match state.lang() {
        longwen_core::Lang::Zh => "文档",
        longwen_core::Lang::En => "Documents",
    };
    let mut dialog = rfd::AsyncFileDialog::new()
        .set_title(title)
        .add_filter(filter, SUPPORTED_EXTENSIONS);
    if let Some(main) = window.app_handle().get_webview_window("main") {
        dialog = dialog.set_parent(&main);
    }
    let Some(files) = dialog.pick_files().await else {
        return Ok(0);
    };
    let paths: Vec<PathBuf> = files.iter().map(|f| f.path().to_path_buf()).collect();
    Ok(add_paths(&state, paths))
}

/// Runs a failed document job again.
#[tauri::command]
pub fn retry_document(state: State<'_, AppState>, job_id: String) -> CmdResult<()> {
    let job = state
        .failed_job(&job_id)
        .ok_or_else(|| state.err(Error::UnknownJob(job_id)))?;
    spawn_job(state.inner().clone(), job);
    Ok(())
}

/// Pasted text as a document (no upload), attached to the current chat.
#[tauri::command]
pub fn add_text(
    state: State<'_, AppState>,
    text: String,
    name: Option<String>,
) -> CmdResult<Document> {
    let document = state
        .engine
        .add_text(&text, name.as_deref())
        .map_err(|e| state.err(e))?;
    let chat = state.ensure_current_chat().map_err(|e| state.err(e))?;
    state
        .engine
        .attach_document(chat, document.id)
        .map_err(|e| state.err(e))?;
    Ok(document)
}

/// Long pasted text uploaded as a `.txt` file; progress goes to the document channel.
#[tauri::command]
pub fn add_text_as_file(
    state: State<'_, AppState>,
    text: String,
    name: Option<String>,
) -> CmdResult<()> {
    let chat_id = Some(state.ensure_current_chat().map_err(|e| state.err(e))?);
    let display = match name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) if n.to_ascii_lowercase().ends_with(".txt") => n.to_string(),
        Some(n) => format!("{n}.txt"),
        None => "text.txt".to_string(),
    };
    let job = Job {
        id: format!("j{}", state.next_id()),
        chat_id,
        name: display,
        file_type: "txt".into(),
        size: text.len() as u64,
        source: JobSource::Text { text, name },
    };
    spawn_job(state.inner().clone(), job);
    Ok(())
}

/// Detaches a document from the current chat.
#[tauri::command]
pub fn remove_document(state: State<'_, AppState>, document_id: DocumentId) -> CmdResult<()> {
    if let Some(chat) = state.current_chat() {
        state
            .engine
            .detach_document(chat, document_id)
            .map_err(|e| state.err(e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_expand_to_supported_files_and_count_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("a.docx"), b"x").unwrap();
        std::fs::write(root.join("b.PDF"), b"x").unwrap();
        std::fs::write(root.join("c.doc"), b"x").unwrap();
        std::fs::write(root.join(".hidden.txt"), b"x").unwrap();
        std::fs::create_dir(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/d.md"), b"x").unwrap();
        std::fs::write(root.join("sub/e.html"), b"x").unwrap();
        let loose = root.join("c.doc");

        let (files, skipped) = expand_paths(&[root.to_path_buf(), loose.clone()]);
        let names: Vec<_> = files.iter().map(|p| file_name(p)).collect();
        assert_eq!(names, ["a.docx", "b.PDF", "d.md", "c.doc"]);
        assert_eq!(skipped, vec![(root.to_path_buf(), 2)]);
    }

    #[test]
    fn percent_is_bounded() {
        assert_eq!(percent(0, 0), 0);
        assert_eq!(percent(50, 100), 50);
        assert_eq!(percent(150, 100), 100);
    }
}
