//! The app's managed state (`tauri::State<AppState>`): the engine, the document channel, one
//! cancel handle per running answer, and the paths dropped or opened with the app that wait
//! for the UI to name their chat. Cheap to clone (an `Arc`); no global singletons.

use longwen_core::types::{ChatId, JobEvent};
use longwen_core::{CancellationToken, Engine};
use std::collections::HashMap;
use std::ops::Deref;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tauri::ipc::Channel;

struct RunningAnswer {
    generation: u64,
    token: CancellationToken,
}

/// Paths named by the operating system, waiting for the UI to name their chat.
#[derive(Default)]
struct Pending {
    paths: Vec<PathBuf>,
    /// Some came from "Open with": nothing leaves the machine before one click.
    opened_with: bool,
}

#[derive(Default)]
struct Documents {
    channel: Option<Channel<JobEvent>>,
    /// Events sent before the UI registered its channel.
    backlog: Vec<JobEvent>,
}

pub struct Inner {
    pub engine: Engine,
    documents: Mutex<Documents>,
    answers: Mutex<HashMap<ChatId, RunningAnswer>>,
    /// Dropped on the window or given on the command line: added once the UI says to which
    /// chat (`add_pending_documents`). The webview never names paths itself.
    pending: Mutex<Pending>,
    next_generation: AtomicU64,
    /// Kept open: on X11 the clipboard's contents live as long as their owner.
    clipboard: Mutex<Option<arboard::Clipboard>>,
    /// Cancelled when the app exits: stops uploads and answers.
    pub shutdown: CancellationToken,
}

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl AppState {
    pub fn new(engine: Engine) -> AppState {
        AppState(Arc::new(Inner {
            engine,
            documents: Mutex::new(Documents::default()),
            answers: Mutex::new(HashMap::new()),
            pending: Mutex::new(Pending::default()),
            next_generation: AtomicU64::new(1),
            clipboard: Mutex::new(None),
            shutdown: CancellationToken::new(),
        }))
    }

    // --- paths waiting for a chat -------------------------------------------------------

    /// Queues paths; `opened_with` for those given on the command line ("Open with").
    pub fn queue_paths(&self, paths: Vec<PathBuf>, opened_with: bool) {
        let mut pending = lock(&self.pending);
        pending.opened_with |= opened_with && !paths.is_empty();
        pending.paths.extend(paths);
    }

    /// The queued paths, and whether any came from "Open with"; the queue is emptied.
    pub fn take_pending(&self) -> (Vec<PathBuf>, bool) {
        let pending = std::mem::take(&mut *lock(&self.pending));
        (pending.paths, pending.opened_with)
    }

    /// Puts paths back in front of the queue (they wait for the person's answer).
    pub fn restore_pending(&self, paths: Vec<PathBuf>, opened_with: bool) {
        let mut pending = lock(&self.pending);
        let later = std::mem::take(&mut pending.paths);
        pending.paths = paths.into_iter().chain(later).collect();
        pending.opened_with |= opened_with;
    }

    // --- the document channel -------------------------------------------------------------

    /// Registers the UI's channel and replays what happened before it was there.
    pub fn watch_documents(&self, channel: Channel<JobEvent>) {
        let mut docs = lock(&self.documents);
        for event in docs.backlog.drain(..) {
            let _ = channel.send(event);
        }
        docs.channel = Some(channel);
    }

    pub fn send_document_event(&self, event: JobEvent) {
        let mut docs = lock(&self.documents);
        match &docs.channel {
            Some(channel) => {
                let _ = channel.send(event);
            }
            None => docs.backlog.push(event),
        }
    }

    /// Puts HTML (and its plain-text form, for where HTML cannot go) on the clipboard.
    pub fn copy(&self, html: &str, plain: &str) -> Result<(), String> {
        let mut slot = lock(&self.clipboard);
        if slot.is_none() {
            *slot = Some(arboard::Clipboard::new().map_err(|e| e.to_string())?);
        }
        let clipboard = slot.as_mut().ok_or_else(String::new)?;
        clipboard
            .set_html(html, Some(plain))
            .map_err(|e| e.to_string())
    }

    // --- running answers ----------------------------------------------------------------

    /// Registers a running answer in `chat` and returns its token and generation. A previous
    /// answer still running in the same chat is stopped first.
    pub fn begin_answer(&self, chat: ChatId) -> (CancellationToken, u64) {
        let token = self.shutdown.child_token();
        let generation = self.next_generation.fetch_add(1, Ordering::Relaxed);
        let previous = lock(&self.answers).insert(
            chat,
            RunningAnswer {
                generation,
                token: token.clone(),
            },
        );
        if let Some(previous) = previous {
            previous.token.cancel();
        }
        (token, generation)
    }

    pub fn end_answer(&self, generation: u64) {
        lock(&self.answers).retain(|_, a| a.generation != generation);
    }

    /// Stops the answer running in `chat`; false if none runs.
    pub fn stop_answer(&self, chat: ChatId) -> bool {
        match lock(&self.answers).get(&chat) {
            Some(running) => {
                running.token.cancel();
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use longwen_core::types::{Job, JobSource, JobState};

    fn state() -> (AppState, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let engine = Engine::open(longwen_core::EngineConfig::with_data_dir(dir.path())).unwrap();
        (AppState::new(engine), dir)
    }

    fn job() -> Job {
        Job {
            id: 1,
            chat_id: 1,
            source: JobSource::File("a.md".into()),
            name: "a.md".into(),
            file_type: "md".into(),
        }
    }

    #[test]
    fn one_cancel_handle_per_running_answer() {
        let (state, _dir) = state();
        let (first, g1) = state.begin_answer(7);
        // A second question in the same chat stops the first.
        let (second, g2) = state.begin_answer(7);
        assert!(first.is_cancelled() && !second.is_cancelled());
        // The first one ending does not forget the second.
        state.end_answer(g1);
        assert!(state.stop_answer(7));
        assert!(second.is_cancelled());
        state.end_answer(g2);
        assert!(!state.stop_answer(7));
    }

    #[test]
    fn events_before_the_ui_listens_are_replayed_in_order() {
        let (state, _dir) = state();
        let job = job();
        state.send_document_event(job.event(JobState::Checking, 0));
        state.send_document_event(job.event(JobState::Uploading, 50));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        state.watch_documents(Channel::new(move |body| {
            if let tauri::ipc::InvokeResponseBody::Json(j) = body {
                let v: serde_json::Value = serde_json::from_str(&j).unwrap();
                sink.lock()
                    .unwrap()
                    .push(v["state"].as_str().unwrap().to_string());
            }
            Ok(())
        }));
        state.send_document_event(job.event(JobState::Reading, 100));
        assert_eq!(*seen.lock().unwrap(), ["checking", "uploading", "reading"]);
    }

    #[test]
    fn shutdown_cancels_answers_and_pending_paths_are_taken_once() {
        let (state, _dir) = state();
        let (answer, _) = state.begin_answer(1);
        state.shutdown.cancel();
        assert!(answer.is_cancelled());
        state.queue_paths(vec!["a.md".into(), "b.pdf".into()], true);
        let (paths, opened_with) = state.take_pending();
        assert_eq!((paths.len(), opened_with), (2, true));
        assert!(state.take_pending().0.is_empty());
        state.queue_paths(vec!["c.md".into()], false);
        state.restore_pending(paths, true);
        let (paths, opened_with) = state.take_pending();
        assert_eq!(
            paths,
            [PathBuf::from("a.md"), "b.pdf".into(), "c.md".into()]
        );
        assert!(opened_with);
    }
}
