//! A faithful local stand-in for DashScope's compatible-mode API (see `docs/mock.md`).

use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct MockConfig {
    /// 127.0.0.1:0 picks a free port.
    pub addr: SocketAddr,
    /// How long a new upload stays `uploaded` before it becomes `processed`.
    pub parse_delay: Duration,
    /// Delay between answer chunks.
    pub chunk_delay: Duration,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            addr: "127.0.0.1:0".parse().unwrap(),
            parse_delay: Duration::from_millis(0),
            chunk_delay: Duration::from_millis(0),
        }
    }
}

/// A fault injected into the next matching request (queued, consumed in order).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fault {
    /// Answer with `{"error":{...}}` and this status (any error row of the contract).
    /// `retry_after` sets the `Retry-After` header in seconds.
    HttpError { on: Target, status: u16, code: String, message: String, retry_after: Option<u64> },
    /// 404 with an empty body (a client pointed at the wrong path).
    EmptyNotFound { on: Target },
    /// Close the connection after N content chunks, with no `[DONE]`.
    CutAfter { chunks: usize },
    /// Sleep this long before each chunk.
    SlowChunks { delay_ms: u64 },
    /// Wait this long before the first byte of the stream body.
    FirstTokenDelay { delay_ms: u64 },
    /// Send `data: {"error":{...}}` after N chunks (output moderation), then end.
    StreamError { after_chunks: usize, code: String, message: String },
    /// Write the stream in tiny pieces split inside UTF-8 characters, with CRLF line ends and
    /// keep-alive comments.
    SplitUtf8,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    Chat,
    Upload,
    Files,
    Any,
}

/// A request as the mock saw it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// Lower-case header names; `authorization` is recorded as `Bearer <fingerprint>`.
    pub headers: Vec<(String, String)>,
    /// JSON body for chat; for uploads a summary `{filename, bytes, sha256, purpose, content_length, chunked}`.
    pub body: serde_json::Value,
}

pub struct MockServer {/* private */}

impl MockServer {
    pub async fn start(config: MockConfig) -> std::io::Result<MockServer> {
        let _ = config;
        todo!()
    }
    /// e.g. `http://127.0.0.1:PORT/compatible-mode/v1`
    pub fn base_url(&self) -> String {
        todo!()
    }
    pub fn push_fault(&self, fault: Fault) {
        let _ = fault;
        todo!()
    }
    pub fn requests(&self) -> Vec<RecordedRequest> {
        todo!()
    }
    pub fn reset(&self) {
        todo!()
    }
    pub fn set_parse_delay(&self, d: Duration) {
        let _ = d;
        todo!()
    }
}
