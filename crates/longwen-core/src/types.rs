//! The domain types every layer and both faces share. Each serialises for the UI (serde), and
//! none carries the API key.

use crate::client::{Usage, WaitReason};
use crate::error::Error;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

pub type DocumentId = i64;
pub type ChatId = i64;
pub type MessageId = i64;
pub type JobId = u64;

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
    Hashing {
        done: u64,
        total: u64,
    },
    /// Identical content was uploaded before to this account: no upload.
    AlreadyUploaded {
        remote_id: String,
    },
    Uploading {
        sent: u64,
        total: u64,
    },
    /// Uploaded; the service is parsing it.
    Reading,
    Ready {
        document: Document,
    },
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

impl MessageStatus {
    /// The state an error leaves an answer in: stopped by the person, interrupted by the
    /// connection (its text may be continued), or failed.
    pub fn ended_by(error: &Error) -> MessageStatus {
        match error {
            Error::Cancelled => MessageStatus::Stopped,
            Error::StreamCut { .. } | Error::Network { .. } | Error::Timeout { .. } => {
                MessageStatus::Interrupted
            }
            _ => MessageStatus::Error,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MessageStatus::Streaming => "streaming",
            MessageStatus::Complete => "complete",
            MessageStatus::Stopped => "stopped",
            MessageStatus::Interrupted => "interrupted",
            MessageStatus::Error => "error",
        }
    }

    pub fn parse(s: &str) -> MessageStatus {
        match s {
            "streaming" => MessageStatus::Streaming,
            "complete" => MessageStatus::Complete,
            "stopped" => MessageStatus::Stopped,
            "interrupted" => MessageStatus::Interrupted,
            _ => MessageStatus::Error,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Message {
    pub id: MessageId,
    pub chat_id: ChatId,
    /// "user" or "assistant".
    pub role: String,
    /// The turn this message belongs to (the id of the turn's first question): regenerated
    /// answers and edited questions are later versions of the same turn.
    pub turn_id: MessageId,
    /// For an answer: the question it answers.
    pub question_id: Option<MessageId>,
    pub text: String,
    pub status: MessageStatus,
    /// Why the answer ended early (status `stopped`, `interrupted` or `error`): the kind and
    /// its fields. Faces word it in their own language.
    pub error: Option<Error>,
    /// The sentence an older version stored instead of the error's fields (rows written
    /// before errors were data); `None` for newer rows.
    pub error_detail: Option<String>,
    pub request_id: Option<String>,
    pub model: Option<String>,
    pub usage: Option<Usage>,
    pub cost_cny: Option<f64>,
    pub first_token_ms: Option<u64>,
    pub total_ms: Option<u64>,
    pub document_ids: Vec<DocumentId>,
    pub created_at: i64,
    /// For an answer: the tokens the app estimated it would read (the cost line), to set
    /// beside `usage.prompt_tokens`.
    pub estimated_tokens: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ChatSummary {
    pub id: ChatId,
    pub title: String,
    /// The title was given by the person (not made from the first question).
    pub title_custom: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub message_count: u64,
    /// The names of the documents attached, in the order they were attached.
    pub document_names: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Chat {
    pub summary: ChatSummary,
    /// Attached now (the next question reads them).
    pub documents: Vec<Document>,
    pub messages: Vec<Message>,
    /// Every document an answer of this chat read, attached or not any more (to name them).
    pub documents_read: Vec<Document>,
    /// How many of the chat's messages come before `messages` (0: they are all here).
    #[serde(default)]
    pub earlier: usize,
}

/// Earlier turns of a chat (every version of each), oldest first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ChatPage {
    pub messages: Vec<Message>,
    /// How many of the chat's messages come before these.
    pub earlier: usize,
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
    Preparing {
        document_id: DocumentId,
        progress: DocumentProgress,
    },
    /// Waiting before the first token (retrying, or the service is still reading).
    Waiting {
        reason: WaitReason,
        attempt: u32,
        retry_in_ms: u64,
    },
    Delta {
        text: String,
    },
    Usage {
        usage: Usage,
        cost_cny: f64,
    },
}

/// Result of `ask`, also returned (inside the stored message) when it ends early.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Answer {
    pub chat_id: ChatId,
    pub message: Message,
}

/// What a document job adds to a chat.
#[derive(Debug, Clone, PartialEq)]
pub enum JobSource {
    /// A file on disk (dropped, picked, opened with the app).
    File(PathBuf),
    /// A document of the library, added to another chat (uploaded only if its cloud copy is
    /// missing).
    Stored(DocumentId),
    /// Long pasted text, uploaded as a `.txt` file.
    Text { text: String, name: Option<String> },
}

/// One document being added to a chat; failed jobs can run again.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: JobId,
    pub chat_id: ChatId,
    pub source: JobSource,
    /// The name shown (and sent) for the document.
    pub name: String,
    pub file_type: String,
}

/// Where a job stands, as the document list draws it.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// No API Key yet: the job goes on by itself once one is saved.
    WaitingForKey,
    Checking,
    Uploading,
    Reading,
    Ready,
    Failed,
    /// Only for a dropped folder: how many of its files were not supported.
    Skipped,
}

/// One step of a document job (the desktop app's document list).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct JobEvent {
    pub job_id: JobId,
    pub chat_id: ChatId,
    pub name: String,
    pub file_type: String,
    /// Bytes, once the file has been checked (0 before).
    pub size: u64,
    pub state: JobState,
    pub percent: u8,
    pub already_uploaded: bool,
    pub document: Option<Document>,
    pub error: Option<Error>,
    /// Only on `skipped`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<usize>,
}

impl Job {
    /// A blank event for this job in `state`.
    pub fn event(&self, state: JobState, percent: u8) -> JobEvent {
        JobEvent {
            job_id: self.id,
            chat_id: self.chat_id,
            name: self.name.clone(),
            file_type: self.file_type.clone(),
            size: 0,
            state,
            percent,
            already_uploaded: false,
            document: None,
            error: None,
            skipped: None,
        }
    }
}

/// A chat, by id and title (which chats use a document).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ChatRef {
    pub id: ChatId,
    pub title: String,
}

/// Where a document stands in the cloud of the current account.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CloudState {
    Uploaded,
    NotUploaded,
    /// Recorded as uploaded, but the account's file list does not hold it any more.
    Missing,
    /// Pasted text: sent as text, never uploaded.
    Text,
    /// Not known (the cloud was not asked, or no API Key).
    Unknown,
}

/// One document of the library.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LibraryItem {
    pub document: Document,
    pub chats: Vec<ChatRef>,
    pub cloud: CloudState,
}

/// One file the account holds in the cloud.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CloudFile {
    pub file: crate::client::RemoteFile,
    /// The library's document with this content, when Longwen knows the file.
    pub document: Option<Document>,
    /// Read by an answer that is running now (it cannot be deleted).
    pub in_use: bool,
}

/// What the account holds, against its quota.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CloudFiles {
    pub files: Vec<CloudFile>,
    pub total_bytes: u64,
    pub max_files: u64,
    pub max_bytes: u64,
}

/// What answers cost, in CNY.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Costs {
    /// The chat asked about (0 without one).
    pub chat_cny: f64,
    /// Every chat, since the time given (the start of the month, in the person's time zone).
    pub since_cny: f64,
}

/// The rules a face shows before anything is sent (so no face copies them).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Limits {
    pub max_file_bytes: u64,
    pub max_image_bytes: u64,
    pub max_documents_per_question: usize,
    pub text_token_limit: usize,
    pub question_token_limit: usize,
    /// The file types the picker offers (the text formats Qwen-Long answers from).
    pub picker_types: Vec<&'static str>,
    /// CNY per 1,000 tokens read and written.
    pub input_cny_per_1k: f64,
    pub output_cny_per_1k: f64,
    /// Each known model's requests and tokens a minute (warn when a tight one is chosen).
    pub models: Vec<crate::settings::ModelLimits>,
    /// The official regions that offer Qwen-Long.
    pub qwen_long_regions: Vec<crate::settings::Region>,
}

/// The token estimate of a text and whether it fits as pasted text.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct TextEstimate {
    pub tokens: usize,
    pub limit: usize,
    pub fits: bool,
}

/// What a question will read before it is asked: the documents, the conversation so far, the
/// instruction and the question, in tokens, and what that costs.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct QuestionEstimate {
    pub tokens: u64,
    /// The input's cost at the list price, CNY (the answer's own tokens come on top).
    pub cost_cny: f64,
    pub document_tokens: u64,
    pub history_tokens: u64,
    /// Documents counted.
    pub documents: u32,
    /// Documents whose text cannot be read here (scanned, missing): not counted.
    pub unknown_documents: u32,
    /// Corrected by how far earlier estimates for these file types were off.
    pub corrected: bool,
    /// The chat sends its documents' text instead of file ids.
    pub as_text: bool,
}
