//! The app's managed state (`tauri::State<AppState>`): the engine, the current chat, the
//! document channel, one cancel handle per running answer and the retryable document jobs.
//! Cheap to clone (an `Arc`), so spawned tasks own a handle; no global singletons.

use crate::error::{AppError, Error};
use longwen_core::engine::{ChatId, Document};
use longwen_core::{CancellationToken, Engine, ErrorReport, Lang};
use serde::Serialize;
use std::collections::HashMap;
use std::ops::Deref;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tauri::ipc::Channel;

/// One step of adding a document, as the UI's document list draws it (docs/ipc.md).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DocumentEvent {
    pub job_id: String,
    pub chat_id: Option<ChatId>,
    pub name: String,
    pub file_type: String,
    pub size: u64,
    /// `checking`, `uploading`, `reading`, `ready`, `failed` or `skipped`.
    pub state: &'static str,
    pub percent: u8,
    pub already_uploaded: bool,
    pub document: Option<Document>,
    pub error: Option<ErrorReport>,
    /// Only on `skipped`: how many files of a dropped folder were not supported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<usize>,
}

/// What a document job adds.
#[derive(Debug, Clone)]
pub enum JobSource {
    File(PathBuf),
    /// Long pasted text uploaded as a `.txt` file.
    Text {
        text: String,
        name: Option<String>,
    },
}

#[derive(Debug, Clone)]
pub struct Job {
    pub id: String,
    pub chat_id: Option<ChatId>,
    pub source: JobSource,
    pub name: String,
    pub file_type: String,
    pub size: u64,
}

impl Job {
    /// A blank event for this job in `state`.
    pub fn event(&self, state: &'static str, percent: u8) -> DocumentEvent {
        DocumentEvent {
            job_id: self.id.clone(),
            chat_id: self.chat_id,
            name: self.name.clone(),
            file_type: self.file_type.clone(),
            size: self.size,
            state,
            percent,
            already_uploaded: false,
            document: None,
            error: None,
            skipped: None,
        }
    }
}

struct RunningAnswer {
    generation: u64,
    token: CancellationToken,
}

#[derive(Default)]
struct Documents {
    channel: Option<Channel<DocumentEvent>>,
    /// Events sent before the UI registered its channel (Open-with at start-up).
    backlog: Vec<DocumentEvent>,
}

pub struct Inner {
    pub engine: Engine,
    current_chat: Mutex<Option<ChatId>>,
    documents: Mutex<Documents>,
    answers: Mutex<HashMap<ChatId, RunningAnswer>>,
    /// Jobs that failed (retryable) or are running, by job id.
    jobs: Mutex<HashMap<String, (Job, Option<CancellationToken>)>>,
    /// Paths given on the command line, added once the UI is listening.
    open_with: Mutex<Vec<PathBuf>>,
    next_id: AtomicU64,
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
            current_chat: Mutex::new(None),
            documents: Mutex::new(Documents::default()),
            answers: Mutex::new(HashMap::new()),
            jobs: Mutex::new(HashMap::new()),
            open_with: Mutex::new(Vec::new()),
            next_id: AtomicU64::new(1),
            shutdown: CancellationToken::new(),
        }))
    }

    pub fn lang(&self) -> Lang {
        self.engine.lang()
    }

    /// Renders any error in the current UI language.
    pub fn err(&self, error: impl Into<Error>) -> AppError {
        AppError::new(error, self.lang())
    }

    pub fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    // --- the current chat ----------------------------------------------------------------

    pub fn current_chat(&self) -> Option<ChatId> {
        *lock(&self.current_chat)
    }

    pub fn set_current_chat(&self, chat: Option<ChatId>) {
        *lock(&self.current_chat) = chat;
    }

    /// The current chat, creating one when there is none (drops and Open-with go there).
    pub fn ensure_current_chat(&self) -> Result<ChatId, Error> {
        let mut current = lock(&self.current_chat);
        if let Some(id) = *current {
            return Ok(id);
        }
        let id = self.engine.create_chat()?.id;
        *current = Some(id);
        Ok(id)
    }

    // --- the document channel -------------------------------------------------------------

    /// Registers the UI's channel and replays what happened before it was there.
    pub fn watch_documents(&self, channel: Channel<DocumentEvent>) {
        let mut docs = lock(&self.documents);
        for event in docs.backlog.drain(..) {
            let _ = channel.send(event);
        }
        docs.channel = Some(channel);
    }

    pub fn send_document_event(&self, event: DocumentEvent) {
        let mut docs = lock(&self.documents);
        match &docs.channel {
            Some(channel) => {
                let _ = channel.send(event);
            }
            None => docs.backlog.push(event),
        }
    }

    pub fn is_watching_documents(&self) -> bool {
        lock(&self.documents).channel.is_some()
    }

    pub fn queue_open_with(&self, paths: Vec<PathBuf>) {
        lock(&self.open_with).extend(paths);
    }

    pub fn take_open_with(&self) -> Vec<PathBuf> {
        std::mem::take(&mut *lock(&self.open_with))
    }

    // --- document jobs ------------------------------------------------------------------

    /// Records a job as running; returns its cancel token, or `None` if it already runs.
    pub fn start_job(&self, job: &Job) -> Option<CancellationToken> {
        let mut jobs = lock(&self.jobs);
        if let Some((_, Some(_))) = jobs.get(&job.id) {
            return None;
        }
        let token = self.shutdown.child_token();
        jobs.insert(job.id.clone(), (job.clone(), Some(token.clone())));
        Some(token)
    }

    /// A job ended: forgotten when it succeeded, kept for `retry_document` when it failed.
    pub fn finish_job(&self, job: &Job, succeeded: bool) {
        let mut jobs = lock(&self.jobs);
        if succeeded {
            jobs.remove(&job.id);
        } else {
            jobs.insert(job.id.clone(), (job.clone(), None));
        }
    }

    /// A failed job, to run again.
    pub fn failed_job(&self, job_id: &str) -> Option<Job> {
        match lock(&self.jobs).get(job_id) {
            Some((job, None)) => Some(job.clone()),
            _ => None,
        }
    }

    // --- running answers ----------------------------------------------------------------

    /// Registers a running answer in `chat` and returns its token and generation. A previous
    /// answer still running in the same chat is stopped first.
    pub fn begin_answer(&self, chat: ChatId) -> (CancellationToken, u64) {
        let token = self.shutdown.child_token();
        let generation = self.next_id();
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

    /// Files the running answer under the chat the engine reported (a new chat, or the chat
    /// of a regenerated answer).
    pub fn move_answer(&self, from: ChatId, to: ChatId, generation: u64) {
        if from == to {
            return;
        }
        let mut answers = lock(&self.answers);
        if answers.get(&from).map(|a| a.generation) == Some(generation) {
            if let Some(running) = answers.remove(&from) {
                answers.insert(to, running);
            }
        }
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

    fn state() -> (AppState, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let engine = Engine::open(longwen_core::engine::EngineConfig::with_data_dir(
            dir.path(),
        ))
        .unwrap();
        (AppState::new(engine), dir)
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

        // Filed under the chat the engine reports once it starts.
        let (third, g3) = state.begin_answer(1);
        state.move_answer(1, 9, g3);
        assert!(!state.stop_answer(1));
        assert!(state.stop_answer(9) && third.is_cancelled());
        state.end_answer(g3);
    }

    #[test]
    fn events_before_the_ui_listens_are_replayed_in_order() {
        let (state, _dir) = state();
        let job = Job {
            id: "j1".into(),
            chat_id: None,
            source: JobSource::File("a.md".into()),
            name: "a.md".into(),
            file_type: "md".into(),
            size: 3,
        };
        state.send_document_event(job.event("checking", 0));
        state.send_document_event(job.event("uploading", 50));
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
        state.send_document_event(job.event("reading", 100));
        assert_eq!(*seen.lock().unwrap(), ["checking", "uploading", "reading"]);
    }

    #[test]
    fn shutdown_cancels_jobs_and_answers() {
        let (state, _dir) = state();
        let (answer, _) = state.begin_answer(1);
        let job = Job {
            id: "j2".into(),
            chat_id: None,
            source: JobSource::File("a.md".into()),
            name: "a.md".into(),
            file_type: "md".into(),
            size: 3,
        };
        let upload = state.start_job(&job).unwrap();
        assert!(
            state.start_job(&job).is_none(),
            "a running job does not start twice"
        );
        state.shutdown.cancel();
        assert!(answer.is_cancelled() && upload.is_cancelled());
    }
}
