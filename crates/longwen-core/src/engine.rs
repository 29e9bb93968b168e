//! The facade both faces use. Every public type here serialises for the UI (serde), and none
//! carries the API key.

use crate::client::{RemoteFile, Usage, WaitReason};
use crate::error::{Lang, Result};
use crate::secrets::KeyStatus;
use crate::settings::Settings;
use crate::CancellationToken;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Where the engine keeps its data and which service it talks to.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// The folder holding `longwen.db`. Default: the per-user data dir, or `LONGWEN_DATA_DIR`.
    pub data_dir: PathBuf,
    /// Overrides the base URL from settings (`--base-url`, `LONGWEN_BASE_URL`).
    pub base_url_override: Option<String>,
    pub lang: Lang,
}

impl EngineConfig {
    /// `LONGWEN_DATA_DIR` or the per-user data dir; `LONGWEN_BASE_URL`; language from the env.
    pub fn from_env() -> Result<EngineConfig> {
        todo!()
    }
}

pub type DocumentId = i64;
pub type ChatId = i64;
pub type MessageId = i64;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DocumentSource {
    /// A file on disk, uploaded and referenced as `fileid://`.
    File,
    /// Pasted or piped text, sent as a system message.
    Text,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Document {
    pub id: DocumentId,
    pub name: String,
    pub source: DocumentSource,
    pub path: Option<PathBuf>,
    pub size: u64,
    pub sha256: String,
    /// Lower-case extension ("docx", "pdf", "txt"...); "text" for pasted text.
    pub file_type: String,
    /// The remote id for the current endpoint and account, when uploaded.
    pub remote_id: Option<String>,
    /// Rough token count (text documents only).
    pub tokens_estimate: Option<u64>,
    pub created_at: i64,
}

/// Steps of adding a document, in order. Ends with `Ready` or an error.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum DocumentProgress {
    Checking,
    Hashing { done: u64, total: u64 },
    /// Identical content was uploaded before to this account: no upload.
    AlreadyUploaded { remote_id: String },
    Uploading { sent: u64, total: u64 },
    /// Uploaded; the service is parsing it.
    Reading,
    Ready { document: Document },
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum MessageStatus {
    Streaming,
    Complete,
    Stopped,
    Interrupted,
    Error,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Message {
    pub id: MessageId,
    pub chat_id: ChatId,
    /// "user" or "assistant".
    pub role: String,
    pub text: String,
    pub status: MessageStatus,
    pub error_kind: Option<String>,
    /// The error message in the engine's language, when status is `error`/`interrupted`.
    pub error_message: Option<String>,
    pub request_id: Option<String>,
    pub model: Option<String>,
    pub usage: Option<Usage>,
    pub cost_cny: Option<f64>,
    pub first_token_ms: Option<u64>,
    pub total_ms: Option<u64>,
    pub document_ids: Vec<DocumentId>,
    pub created_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ChatSummary {
    pub id: ChatId,
    pub title: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub message_count: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Chat {
    pub summary: ChatSummary,
    pub documents: Vec<Document>,
    pub messages: Vec<Message>,
}

/// One question. Documents listed here are attached to the chat (and stay attached).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AskRequest {
    /// `None` starts a new chat.
    pub chat_id: Option<ChatId>,
    pub document_ids: Vec<DocumentId>,
    /// Raw remote ids the caller already has (`longwen ask --file-id`).
    pub file_ids: Vec<String>,
    pub question: String,
    /// `None`: the model in settings.
    pub model: Option<String>,
}

/// What happens while answering, in order.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum AnswerEvent {
    /// The question is stored; the answer row exists with status `streaming`.
    Started {
        chat_id: ChatId,
        question_id: MessageId,
        answer_id: MessageId,
    },
    /// A document is being uploaded or re-uploaded before asking.
    Preparing { document_id: DocumentId, progress: DocumentProgress },
    /// Waiting before the first token (retrying, or the service is still reading).
    Waiting { reason: WaitReason, attempt: u32, retry_in_ms: u64 },
    Delta { text: String },
    Usage { usage: Usage, cost_cny: f64 },
}

/// Result of `ask`, also returned (inside the stored message) when it ends early.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Answer {
    pub chat_id: ChatId,
    pub message: Message,
}

/// The engine. Cheap to clone; safe to share across tasks.
#[derive(Clone)]
pub struct Engine {
    #[allow(dead_code)]
    inner: std::sync::Arc<()>,
}

impl Engine {
    /// Opens (and migrates) the database; marks answers left `streaming` by a crash as
    /// `interrupted`.
    pub fn open(config: EngineConfig) -> Result<Engine> {
        let _ = config;
        todo!()
    }

    pub fn lang(&self) -> Lang {
        todo!()
    }
    pub fn set_lang(&self, lang: Lang) {
        let _ = lang;
        todo!()
    }

    // --- settings and the key ---------------------------------------------------
    pub fn settings(&self) -> Result<Settings> {
        todo!()
    }
    pub fn save_settings(&self, settings: &Settings) -> Result<Settings> {
        let _ = settings;
        todo!()
    }
    /// The base URL in force (override, then settings).
    pub fn base_url(&self) -> Result<String> {
        todo!()
    }
    pub fn key_status(&self) -> Result<KeyStatus> {
        todo!()
    }
    /// Stores the key in the OS keyring (never anywhere else).
    pub fn set_key(&self, key: &str) -> Result<KeyStatus> {
        let _ = key;
        todo!()
    }
    pub fn delete_key(&self) -> Result<KeyStatus> {
        todo!()
    }
    /// A cheap authenticated call (`GET /files?limit=1`).
    pub async fn test_connection(&self) -> Result<()> {
        todo!()
    }

    // --- documents ------------------------------------------------------------------
    /// Checks, hashes, dedupes, uploads and waits until the service has read the file.
    pub async fn add_document(
        &self,
        path: &Path,
        on_progress: &(dyn Fn(DocumentProgress) + Send + Sync),
        cancel: &CancellationToken,
    ) -> Result<Document> {
        let _ = (path, on_progress, cancel);
        todo!()
    }
    /// A plain-text document (no upload). Named by its first words unless `name` is given.
    /// Fails with `TextTooLong` past the plain-text limit.
    pub fn add_text(&self, text: &str, name: Option<&str>) -> Result<Document> {
        let _ = (text, name);
        todo!()
    }
    /// Uploads a long text as a `.txt` file instead (the UI's "upload it as a file").
    pub async fn add_text_as_file(
        &self,
        text: &str,
        name: Option<&str>,
        on_progress: &(dyn Fn(DocumentProgress) + Send + Sync),
        cancel: &CancellationToken,
    ) -> Result<Document> {
        let _ = (text, name, on_progress, cancel);
        todo!()
    }
    pub fn document(&self, id: DocumentId) -> Result<Document> {
        let _ = id;
        todo!()
    }
    pub fn documents(&self) -> Result<Vec<Document>> {
        todo!()
    }
    pub async fn remote_files(&self) -> Result<Vec<RemoteFile>> {
        todo!()
    }
    /// Deletes a cloud file and forgets its id locally.
    pub async fn delete_remote_file(&self, remote_id: &str) -> Result<()> {
        let _ = remote_id;
        todo!()
    }

    // --- conversations -----------------------------------------------------------------
    pub fn create_chat(&self) -> Result<ChatSummary> {
        todo!()
    }
    pub fn chats(&self) -> Result<Vec<ChatSummary>> {
        todo!()
    }
    pub fn chat(&self, id: ChatId) -> Result<Chat> {
        let _ = id;
        todo!()
    }
    pub fn delete_chat(&self, id: ChatId) -> Result<()> {
        let _ = id;
        todo!()
    }
    pub fn attach_document(&self, chat: ChatId, document: DocumentId) -> Result<()> {
        let _ = (chat, document);
        todo!()
    }
    pub fn detach_document(&self, chat: ChatId, document: DocumentId) -> Result<()> {
        let _ = (chat, document);
        todo!()
    }
    /// Asks one question and streams the answer. The answer is stored as it arrives (at least
    /// once a second). On stop, a cut or an error, the partial text stays stored with status
    /// `stopped`/`interrupted`/`error` and the error is returned.
    pub async fn ask(
        &self,
        request: AskRequest,
        cancel: &CancellationToken,
        on_event: &mut (dyn FnMut(AnswerEvent) + Send),
    ) -> Result<Answer> {
        let _ = (request, cancel, on_event);
        todo!()
    }
    /// Asks the question behind `answer_id` again, replacing that answer.
    pub async fn regenerate(
        &self,
        answer_id: MessageId,
        cancel: &CancellationToken,
        on_event: &mut (dyn FnMut(AnswerEvent) + Send),
    ) -> Result<Answer> {
        let _ = (answer_id, cancel, on_event);
        todo!()
    }
}
