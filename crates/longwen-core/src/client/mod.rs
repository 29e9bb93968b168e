//! DashScope compatible mode: files and streaming chat.
//! The contract is `shared/dashscope-api.md`; this module follows it, not the mock.

pub mod chat;
pub mod files;
pub mod messages;
pub mod stream;

use crate::error::Result;
use crate::secrets::ApiKey;
use serde::{Deserialize, Serialize};
use std::time::Duration;

pub const BEIJING_URL: &str = "https://dashscope.aliyuncs.com/compatible-mode/v1";
pub const SINGAPORE_URL: &str = "https://dashscope-intl.aliyuncs.com/compatible-mode/v1";
pub const US_URL: &str = "https://dashscope-us.aliyuncs.com/compatible-mode/v1";
pub const DEFAULT_MODEL: &str = "qwen-long";
pub const DEFAULT_INSTRUCTION: &str = "You are a helpful assistant.";

/// Knobs of the client. Limits the contract calls uncertain are settings, not constants.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// e.g. `https://dashscope.aliyuncs.com/compatible-mode/v1` (no trailing slash needed).
    pub base_url: String,
    /// How long to wait for the first token: huge documents take minutes to read.
    pub first_token_timeout: Duration,
    /// After the first token, how long a silence may last.
    pub idle_timeout: Duration,
    pub connect_timeout: Duration,
    /// Retries of 429/5xx before the first token (never after).
    pub max_retries: u32,
    /// Upper bound for waiting on parsing (`processed` status, "File parsing in progress").
    pub parse_wait: Duration,
    /// Upload queue: at most this many uploads start per second.
    pub uploads_per_second: u32,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            base_url: BEIJING_URL.to_string(),
            first_token_timeout: Duration::from_secs(600),
            idle_timeout: Duration::from_secs(120),
            connect_timeout: Duration::from_secs(20),
            max_retries: 4,
            parse_wait: Duration::from_secs(600),
            uploads_per_second: 3,
        }
    }
}

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
    /// A retry is scheduled (only ever before the first token).
    Waiting { reason: WaitReason, attempt: u32, retry_in: Duration },
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

/// The DashScope client. Cheap to clone.
#[derive(Clone)]
pub struct Client {
    #[allow(dead_code)]
    pub(crate) inner: std::sync::Arc<ClientInner>,
}

pub(crate) struct ClientInner {
    pub(crate) config: ClientConfig,
    pub(crate) key: ApiKey,
    pub(crate) http: reqwest::Client,
}

impl Client {
    /// Fails with `InsecureUrl` for `http://` to anything but loopback.
    pub fn new(config: ClientConfig, key: ApiKey) -> Result<Client> {
        let _ = (config, key);
        todo!("client: build reqwest client (proxy from env, OS roots), validate base URL")
    }

    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }
}
