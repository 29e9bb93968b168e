//! What goes over the wire and what a chat call reports, as the faces see it.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// A file object as the service returns it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RemoteFile {
    pub id: String,
    #[serde(default)]
    pub bytes: u64,
    #[serde(default)]
    pub created_at: i64,
    #[serde(default)]
    pub filename: String,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub status_details: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ChatMessage {
    pub role: Role,
    /// Always a plain string, never an array of parts (the contract requires it).
    pub content: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ChatRequest {
    pub model: String,
    pub messages: Vec<ChatMessage>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub total_tokens: u64,
}

/// Why the client is waiting before the first token.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum WaitReason {
    RateLimited,
    ServerError,
    FileParsing,
}

/// What happens during one chat call, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum ChatEvent {
    /// The service accepted the request and the answer stream begins (once per call, after
    /// any retries). Its request id, so it is kept even if the stream is cut later.
    Responded {
        request_id: Option<String>,
    },
    /// A retry is scheduled (only ever before the first token).
    Waiting {
        reason: WaitReason,
        attempt: u32,
        retry_in: Duration,
    },
    /// Text to append to the answer.
    Delta(String),
    Usage(Usage),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChatOutcome {
    pub finish_reason: Option<String>,
    pub usage: Option<Usage>,
    pub request_id: Option<String>,
}
