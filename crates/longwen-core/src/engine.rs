//! The facade both faces use: the only `impl Engine`, a thin layer over the services
//! (documents, answers), the store and the session. Nothing here words anything: errors and
//! events are data.

use crate::answers::{AnswerEventFn, Answers};
use crate::checks;
use crate::client::{ClientConfig, RemoteFile};
use crate::documents::jobs::{JobEventFn, JobPlan, Jobs};
use crate::documents::{Documents, ProgressFn};
use crate::error::{Error, Result, StorageOp};
use crate::estimates::Estimates;
use crate::export::{self, ExportLabels};
use crate::previews::{PreviewState, Previews, QuoteMatch};
use crate::secrets::{ApiKey, KeyStatus};
use crate::session::Sessions;
use crate::settings::Settings;
use crate::store::{self, chats, messages, Store};
use crate::types::{
    Answer, AskRequest, Chat, ChatId, ChatPage, ChatSummary, CloudFiles, Costs, Document,
    DocumentId, Job, JobId, LibraryItem, Limits, Message, MessageId, QuestionEstimate,
    TextEstimate,
};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// Turns a chat opens with, and turns each step back loads (a screenful or more of each).
const RECENT_TURNS: usize = 20;

/// What an export is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Markdown,
    Docx,
}

/// Where the engine keeps its data and which service it talks to.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// The folder holding `longwen.db`. Default: the per-user data dir, or `LONGWEN_DATA_DIR`.
    pub data_dir: PathBuf,
    /// Overrides the base URL from settings (`--base-url`, `LONGWEN_BASE_URL`).
    pub base_url_override: Option<String>,
    /// A key used before the environment and the keyring (tests, embedding). Never stored.
    pub api_key: Option<ApiKey>,
    /// Client knobs (timeouts, retries); `base_url` is replaced by the URL in force.
    pub client: ClientConfig,
    /// The most of one answer kept, in bytes (`checks::MAX_ANSWER_BYTES`; lower in tests).
    pub max_answer_bytes: usize,
}

impl EngineConfig {
    /// Defaults around a given data dir: no override, key from env/keyring.
    pub fn with_data_dir(data_dir: impl Into<PathBuf>) -> EngineConfig {
        EngineConfig {
            data_dir: data_dir.into(),
            base_url_override: None,
            api_key: None,
            client: ClientConfig::default(),
            max_answer_bytes: checks::MAX_ANSWER_BYTES,
        }
    }

    /// `LONGWEN_DATA_DIR` or the per-user data dir; `LONGWEN_BASE_URL`;
    /// `LONGWEN_RATE_LIMIT_BUDGET_SECS` (how long throttling is waited out, 75 s by default).
    pub fn from_env() -> Result<EngineConfig> {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let data_dir = match env("LONGWEN_DATA_DIR") {
            Some(d) => PathBuf::from(d),
            None => directories::ProjectDirs::from("", "", "Longwen")
                .map(|p| p.data_dir().to_path_buf())
                .ok_or_else(|| Error::storage(StorageOp::NoHomeFolder, ""))?,
        };
        let mut config = EngineConfig::with_data_dir(data_dir);
        config.base_url_override = env("LONGWEN_BASE_URL").map(|u| u.trim().to_string());
        if let Some(secs) = env("LONGWEN_RATE_LIMIT_BUDGET_SECS").and_then(|s| s.parse().ok()) {
            config.client.rate_limit_budget = std::time::Duration::from_secs(secs);
        }
        Ok(config)
    }
}

/// The engine. Cheap to clone; safe to share across tasks.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

struct Inner {
    config: EngineConfig,
    store: Arc<Store>,
    sessions: Arc<Sessions>,
    documents: Arc<Documents>,
    previews: Arc<Previews>,
    estimates: Estimates,
    answers: Answers,
    jobs: Jobs,
}

impl Engine {
    /// Opens (and migrates) the database; marks answers left `streaming` by a crash as
    /// `interrupted`.
    pub fn open(config: EngineConfig) -> Result<Engine> {
        let store = Arc::new(Store::open(&config.data_dir)?);
        let sessions = Arc::new(Sessions::new(
            store.clone(),
            config.api_key.clone(),
            config.base_url_override.clone(),
            config.client.clone(),
        )?);
        let documents = Arc::new(Documents::new(
            store.clone(),
            sessions.clone(),
            config.data_dir.clone(),
        ));
        let previews = Arc::new(Previews::new(store.clone(), &config.data_dir));
        let answers = Answers::new(
            store.clone(),
            sessions.clone(),
            documents.clone(),
            previews.clone(),
            config.max_answer_bytes,
        );
        answers.recover_streaming()?;
        let estimates = Estimates::new(store.clone());
        Ok(Engine {
            inner: Arc::new(Inner {
                config,
                estimates,
                store,
                sessions,
                documents,
                previews,
                answers,
                jobs: Jobs::default(),
            }),
        })
    }

    pub fn config(&self) -> &EngineConfig {
        &self.inner.config
    }

    pub fn data_dir(&self) -> &Path {
        &self.inner.config.data_dir
    }

    /// The limits and prices faces show before anything is sent.
    pub fn limits(&self) -> Limits {
        checks::limits()
    }

    /// The token estimate of a text, against the pasted-text limit.
    pub fn estimate_text(&self, text: &str) -> TextEstimate {
        checks::estimate_text(text)
    }

    // --- settings and the key ---------------------------------------------------
    pub fn settings(&self) -> Result<Settings> {
        self.inner.store.with(|c| store::settings::load(c))
    }
    /// Validates and stores.
    pub fn save_settings(&self, settings: &Settings) -> Result<Settings> {
        settings.validate()?;
        self.inner
            .store
            .with(|c| store::settings::save(c, settings))?;
        self.settings()
    }
    /// The base URL in force: the override, then the settings' region, then Beijing.
    pub fn base_url(&self) -> Result<String> {
        self.inner.sessions.base_url()
    }
    /// The host of a custom address that the key has not been confirmed for (nothing is sent
    /// there until `confirm_endpoint`).
    pub fn unconfirmed_endpoint(&self) -> Result<Option<String>> {
        self.inner.sessions.unconfirmed_host()
    }
    /// The person confirmed sending the current key (and documents) to `host`.
    pub fn confirm_endpoint(&self, host: &str) -> Result<()> {
        self.inner.sessions.confirm_host(host)
    }
    pub fn key_status(&self) -> Result<KeyStatus> {
        self.inner.sessions.key_status()
    }
    /// Stores the key in the OS keyring (never anywhere else).
    /// Stores the key; chats that sent text because the old key could not read files try file
    /// ids again.
    pub fn set_key(&self, key: &str) -> Result<KeyStatus> {
        let status = self.inner.sessions.set_key(key)?;
        self.inner.store.with(|c| chats::clear_sends_text(c))?;
        Ok(status)
    }
    pub fn delete_key(&self) -> Result<KeyStatus> {
        self.inner.sessions.delete_key()
    }
    /// A cheap authenticated call: one page of one file.
    pub async fn test_connection(&self) -> Result<()> {
        self.inner.sessions.current()?.client.check_access().await
    }

    // --- documents ------------------------------------------------------------------
    /// Checks, hashes, dedupes, uploads and waits until the service has read the file.
    pub async fn add_document(
        &self,
        path: &Path,
        on_progress: ProgressFn<'_>,
        cancel: &CancellationToken,
    ) -> Result<Document> {
        let docs = &self.inner.documents;
        docs.add_file(path, None, true, on_progress, cancel).await
    }
    /// A plain-text document (no upload). Named by its first words unless `name` is given.
    /// Fails with `TextTooLong` past the plain-text limit.
    pub fn add_text(&self, text: &str, name: Option<&str>) -> Result<Document> {
        self.inner.documents.add_text(text, name)
    }
    /// Uploads a long text as a `.txt` file instead (the UI's "upload it as a file").
    pub async fn add_text_as_file(
        &self,
        text: &str,
        name: Option<&str>,
        on_progress: ProgressFn<'_>,
        cancel: &CancellationToken,
    ) -> Result<Document> {
        let docs = &self.inner.documents;
        docs.add_text_file(text, name, on_progress, cancel).await
    }
    pub fn document(&self, id: DocumentId) -> Result<Document> {
        self.inner.documents.get(id)
    }
    /// Newest first.
    pub fn documents(&self) -> Result<Vec<Document>> {
        self.inner.documents.list()
    }
    /// Finds, in the account's cloud files, the uploads recorded for its other keys, and
    /// records them for the current key (so they are not uploaded again). Call it after a new
    /// key is saved; returns how many were found.
    pub async fn adopt_cloud_files(&self) -> Result<usize> {
        self.inner.documents.adopt_cloud_files().await
    }
    pub async fn remote_files(&self) -> Result<Vec<RemoteFile>> {
        self.inner.sessions.current()?.client.list_files().await
    }
    /// Deletes a cloud file and forgets its id locally (also when the service no longer has it).
    pub async fn delete_remote_file(&self, remote_id: &str) -> Result<()> {
        self.inner.documents.delete_remote(remote_id).await
    }

    // --- handing on -------------------------------------------------------------------
    /// The conversation as Markdown or DOCX (the newest version of each turn), worded with the
    /// face's labels.
    pub fn export(
        &self,
        chat: ChatId,
        format: ExportFormat,
        labels: &ExportLabels,
    ) -> Result<Vec<u8>> {
        let chat = self.chat(chat)?;
        let read = &chat.documents_read;
        match format {
            ExportFormat::Markdown => Ok(export::markdown(&chat, read, labels).into_bytes()),
            ExportFormat::Docx => export::docx(&chat, read, labels),
        }
    }

    // --- the library and the cloud ---------------------------------------------------
    /// Every document ever added (not removed), newest first, with the chats using it and its
    /// cloud state; `check_cloud` asks the account's file list (so deletions there show).
    pub async fn library(&self, check_cloud: bool) -> Result<Vec<LibraryItem>> {
        self.inner.documents.library(check_cloud).await
    }
    /// Takes a document out of the library and out of the chats that use it (the answers that
    /// read it keep its name).
    pub fn remove_from_library(&self, id: DocumentId) -> Result<()> {
        let doc = self.document(id)?;
        self.inner.documents.remove_from_library(id)?;
        // The cached text goes with the last library document of that content.
        if !self.documents()?.iter().any(|d| d.sha256 == doc.sha256) {
            self.inner.previews.forget(&doc.sha256);
        }
        Ok(())
    }

    // --- previews and quotes (local text; nothing leaves the machine) ---------------------
    /// The document's preview (counts, pages or sheets), or why it has none.
    pub async fn preview(&self, id: DocumentId) -> Result<PreviewState> {
        self.inner.previews.preview(&self.document(id)?).await
    }
    /// The preview's text between byte offsets (widened to characters): (start, text).
    pub async fn preview_text(
        &self,
        id: DocumentId,
        range: Range<usize>,
    ) -> Result<(usize, String)> {
        self.inner.previews.text(&self.document(id)?, range).await
    }
    /// Where `query` occurs in the document's text (byte ranges, in order).
    pub async fn find_in_document(&self, id: DocumentId, query: &str) -> Result<Vec<Range<usize>>> {
        self.inner.previews.find(&self.document(id)?, query).await
    }
    /// The quotations of an answer, each found (or not) in the documents its question read.
    pub async fn answer_quotes(&self, answer: MessageId) -> Result<Vec<QuoteMatch>> {
        let m = self.message(answer)?;
        let ids = self
            .inner
            .store
            .with(|c| messages::documents_read(c, m.id, m.question_id))?;
        let docs: Vec<Document> = ids
            .iter()
            .filter_map(|id| self.document(*id).ok())
            .collect();
        self.inner.previews.quotes(&m.text, &docs).await
    }
    /// What the account holds in the cloud (every page), against its quota.
    pub async fn cloud_files(&self) -> Result<CloudFiles> {
        self.inner.documents.cloud_files().await
    }
    /// Deletes cloud files; refuses (`FileInUse`) while an answer reads one of them.
    pub async fn delete_cloud_files(&self, ids: &[String]) -> Result<()> {
        self.inner.documents.delete_cloud_files(ids).await
    }
    /// What the answers of `chat` cost, and what all answers since `since` (unix seconds)
    /// cost.
    pub fn costs(&self, chat: Option<ChatId>, since: i64) -> Result<Costs> {
        let (chat_cny, since_cny) = self.inner.store.with(|c| messages::costs(c, chat, since))?;
        Ok(Costs {
            chat_cny,
            since_cny,
        })
    }

    // --- document jobs (the desktop app's document list) ---------------------------
    /// Library documents to add to `chat`, one job each (no upload when the cloud copy is
    /// there).
    pub fn plan_stored(&self, chat: ChatId, ids: &[DocumentId]) -> Result<Vec<Job>> {
        let documents: Vec<Document> = ids
            .iter()
            .map(|id| self.document(*id))
            .collect::<Result<_>>()?;
        Ok(self.inner.jobs.plan_stored(chat, &documents))
    }
    /// One job per file to add to `chat`; folders are walked (call it off the UI thread).
    pub fn plan_paths(&self, chat: ChatId, paths: &[PathBuf]) -> JobPlan {
        self.inner.jobs.plan_paths(chat, paths)
    }
    /// A long pasted text to upload as a `.txt` file into `chat`.
    pub fn plan_text(&self, chat: ChatId, text: String, name: Option<String>) -> Result<Job> {
        self.inner.jobs.plan_text(chat, text, name)
    }
    /// A job that failed, to run again.
    pub fn failed_job(&self, id: JobId) -> Result<Job> {
        self.inner.jobs.failed(id)
    }
    /// Runs a job to its end: checked once, hashed, uploaded or found, attached to its chat.
    /// Every step goes to `on_event`; the last is `ready` or `failed`.
    pub async fn run_job(&self, job: &Job, on_event: JobEventFn<'_>, cancel: &CancellationToken) {
        let inner = &self.inner;
        inner
            .documents
            .run_job(&inner.jobs, job, on_event, cancel)
            .await
    }

    // --- conversations -----------------------------------------------------------------
    pub fn create_chat(&self) -> Result<ChatSummary> {
        self.inner.store.with(|c| chats::create(c, ""))
    }
    /// Newest first (by last activity).
    pub fn chats(&self) -> Result<Vec<ChatSummary>> {
        self.inner.store.with(|c| chats::list(c))
    }
    /// The chat with every message.
    pub fn chat(&self, id: ChatId) -> Result<Chat> {
        self.open_chat(id, None)
    }
    /// The chat with its newest `RECENT_TURNS` turns (`earlier` counts the messages before
    /// them; `earlier_messages` gives them): a chat of a thousand questions opens at once.
    pub fn recent_chat(&self, id: ChatId) -> Result<Chat> {
        self.open_chat(id, Some(RECENT_TURNS))
    }
    fn open_chat(&self, id: ChatId, turns: Option<usize>) -> Result<Chat> {
        self.inner.answers.recover_streaming()?;
        let hint = self.inner.sessions.account_hint();
        self.inner
            .store
            .with(|c| chats::open(c, id, hint.as_ref(), turns))
    }
    /// The `RECENT_TURNS` turns before turn `before`, or all of them from the turn of
    /// `down_to` when it is further back.
    pub fn earlier_messages(
        &self,
        id: ChatId,
        before: MessageId,
        down_to: Option<MessageId>,
    ) -> Result<ChatPage> {
        self.inner
            .store
            .with(|c| chats::earlier(c, id, before, RECENT_TURNS, down_to))
    }
    pub fn message(&self, id: MessageId) -> Result<Message> {
        self.inner.store.with(|c| messages::load(c, id))
    }
    /// Gives the chat the person's own title (an empty one goes back to the first question).
    pub fn rename_chat(&self, id: ChatId, title: &str) -> Result<ChatSummary> {
        let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
        if title.is_empty() {
            return Err(crate::error::Error::invalid(
                crate::error::Problem::EmptyText,
            ));
        }
        self.inner.store.with(|c| chats::rename(c, id, &title))
    }
    /// Questions, answers, chat titles and document names containing `query`, best first.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<store::search::SearchHit>> {
        self.inner
            .store
            .with(|c| store::search::search(c, query, limit))
    }
    pub fn delete_chat(&self, id: ChatId) -> Result<()> {
        self.inner.store.with(|c| chats::delete(c, id))
    }
    pub fn attach_document(&self, chat: ChatId, document: DocumentId) -> Result<()> {
        self.inner
            .store
            .with(|c| chats::attach(c, chat, &[document]))
    }
    /// Sends the chat's documents as their local text instead of file ids (a key that may not
    /// read uploaded files), or file ids again.
    pub fn set_chat_sends_text(&self, chat: ChatId, on: bool) -> Result<()> {
        self.inner
            .store
            .with(|c| chats::set_sends_text(c, chat, on))
    }
    pub fn detach_document(&self, chat: ChatId, document: DocumentId) -> Result<()> {
        self.inner.store.with(|c| chats::detach(c, chat, document))
    }
    /// Asks one question and streams the answer. The answer is stored as it arrives (at least
    /// once a second). On stop, a cut or an error, the partial text stays stored with status
    /// `stopped`/`interrupted`/`error` and the error is returned.
    pub async fn ask(
        &self,
        request: AskRequest,
        cancel: &CancellationToken,
        on_event: AnswerEventFn<'_>,
    ) -> Result<Answer> {
        let answer = self.inner.answers.ask(request, cancel, on_event).await?;
        Ok(self.with_estimate(answer).await)
    }
    /// What `question` would read if asked now in `chat` (the cost line), corrected by how far
    /// earlier estimates for the same file types were off; `as_text`: see `before_asking`.
    pub async fn estimate_question(
        &self,
        chat: ChatId,
        question: &str,
        as_text: Option<bool>,
    ) -> Result<QuestionEstimate> {
        let (estimates, previews) = (&self.inner.estimates, &self.inner.previews);
        estimates
            .before_asking(previews, chat, question, as_text)
            .await
    }
    /// Keeps the estimate beside the service's count and learns from it. Best effort: the
    /// answer is what matters.
    async fn with_estimate(&self, mut answer: Answer) -> Answer {
        let inner = &self.inner;
        let _ = inner
            .estimates
            .record(&inner.previews, &mut answer.message)
            .await;
        answer
    }
    /// Asks the question behind `answer_id` again: a new answer, the next version of its turn
    /// (the earlier answers stay, and the newest is what follow-ups send as history).
    pub async fn regenerate(
        &self,
        answer_id: MessageId,
        cancel: &CancellationToken,
        on_event: AnswerEventFn<'_>,
    ) -> Result<Answer> {
        let answers = &self.inner.answers;
        let answer = answers.regenerate(answer_id, cancel, on_event).await?;
        Ok(self.with_estimate(answer).await)
    }
    /// Asks `question` as a new version of the turn `message` belongs to (an edited question).
    pub async fn edit(
        &self,
        message: MessageId,
        question: &str,
        cancel: &CancellationToken,
        on_event: AnswerEventFn<'_>,
    ) -> Result<Answer> {
        let answers = &self.inner.answers;
        let answer = answers.edit(message, question, cancel, on_event).await?;
        Ok(self.with_estimate(answer).await)
    }
}
