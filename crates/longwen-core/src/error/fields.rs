//! The typed fields errors carry: what the service said, and the small vocabularies that say
//! what was waited for, why a stream was cut, what argument was wrong, what was not found.

use serde::{Deserialize, Serialize};

/// What the service said when it refused a request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServiceInfo {
    pub status: u16,
    /// The service's own code (`invalid_api_key`, `Arrearage`, ...).
    pub code: Option<String>,
    /// The service's own message, as it sent it.
    pub message: Option<String>,
    pub request_id: Option<String>,
    /// `Retry-After`, in whole seconds, when the service asked for a pause.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u64>,
}

impl std::fmt::Display for ServiceInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(c) = &self.code {
            write!(f, " {c}")?;
        }
        if let Some(m) = &self.message {
            write!(f, ": {m}")?;
        }
        Ok(())
    }
}

impl ServiceInfo {
    /// Replaces every occurrence of `secret` in what the service sent with `masked`.
    pub(crate) fn scrub(&mut self, secret: &str, masked: &str) {
        if secret.is_empty() {
            return;
        }
        for field in [&mut self.code, &mut self.message, &mut self.request_id] {
            if let Some(v) = field.as_mut().filter(|v| v.contains(secret)) {
                *v = v.replace(secret, masked);
            }
        }
    }
}

/// What was being waited for when a timeout struck.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Waited {
    /// A small request (get, list, delete), or the transport's own timeout.
    #[default]
    Request,
    /// The first token of an answer.
    FirstToken,
    /// More text in the middle of an answer.
    Idle,
    /// The service to take more of an upload.
    UploadBody,
    /// The service to answer an upload it has received.
    UploadAnswer,
    /// The service to finish reading an uploaded file.
    Parsing,
}

/// Why an answer stream ended before it was complete.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cut {
    /// The connection failed while reading.
    #[default]
    Transport,
    /// The stream closed without a finish reason or `[DONE]`.
    EndedEarly,
    /// The bytes were not UTF-8.
    BadUtf8,
    /// The bytes were not Server-Sent Events.
    BadSse,
    /// The face dropped the answer without stopping it.
    Abandoned,
    /// The process ended while answering (found at the next start).
    AppStopped,
    /// One line or event of the stream was larger than Longwen reads (1 MiB).
    Oversized,
}

/// What was wrong with an argument a face passed in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    #[default]
    Unknown,
    EmptyQuestion,
    EmptyKey,
    /// The key holds a space, a line break or a non-ASCII character (a bad paste): no key
    /// does, and it cannot go in a header.
    BadKey,
    EmptyText,
    EmptyModel,
    EmptyAddress,
    /// `value`: the address; `detail`: why it does not parse.
    BadAddress,
    /// `value`: the address, or its scheme.
    AddressNotHttp,
    /// `value`: the id.
    BadFileId,
    /// Only http(s) links with a host leave the app.
    LinkNotAllowed,
    /// The answer to regenerate is still being written (by this or another process).
    AnswerStillStreaming,
    /// Reading the input (stdin, the terminal) failed; `detail` says how.
    UnreadableInput,
}

/// What was looked for and not found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    #[default]
    Item,
    Chat,
    Message,
    Answer,
    /// The question an answer belongs to.
    Question,
    Document,
    /// A document job of the desktop app (retry of a failed add).
    DocumentJob,
    /// The local text of a document (it has no preview).
    Preview,
}

/// What the data folder was being used for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StorageOp {
    /// Reading or writing the database.
    #[default]
    Database,
    /// There is no home folder to put the data folder in.
    NoHomeFolder,
    CreateFolder,
    TempFile,
    /// Writing a file the person named (an export from the CLI).
    WriteFile,
}
