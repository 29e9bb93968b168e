//! A faithful local stand-in for DashScope's compatible-mode API (see `docs/mock.md`).

mod answer;
mod markers;
mod server;
pub mod tokens;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct MockConfig {
    /// 127.0.0.1:0 picks a free port.
    pub addr: SocketAddr,
    /// How long the service takes to parse a new upload; until then a chat naming it gets
    /// `File parsing in progress`.
    pub parse_delay: Duration,
    /// Show parsing in the file object (`status: uploaded` until parsed). The service does not:
    /// it answers `processed` at once (false, the default).
    pub report_parsing: bool,
    /// Delay between answer chunks.
    pub chunk_delay: Duration,
    /// Upload limit for documents (the service's is 150 MB); lower it in tests.
    pub max_file_bytes: u64,
    /// Upload limit for images bmp/png/jpg/jpeg/gif (the service's is 20 MB).
    pub max_image_bytes: u64,
    /// The rolling window rate limits are counted over (the service's minute); shorten it in tests.
    pub rate_window: Duration,
    /// model → (requests, tokens) per window, per account. A model not listed is not limited.
    pub rate_limits: HashMap<String, (u64, u64)>,
}

/// The service's limits per model and minute: (requests, tokens).
pub fn default_rate_limits() -> HashMap<String, (u64, u64)> {
    [
        ("qwen-long", (1_200, 3_000_000)),
        ("qwen-long-latest", (1_200, 60_000)),
        ("qwen-long-2025-01-25", (3, 3_000_000)),
    ]
    .into_iter()
    .map(|(m, l)| (m.to_string(), l))
    .collect()
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            addr: "127.0.0.1:0".parse().unwrap(),
            parse_delay: Duration::from_millis(0),
            report_parsing: false,
            chunk_delay: Duration::from_millis(0),
            max_file_bytes: 150 * 1024 * 1024,
            max_image_bytes: 20 * 1024 * 1024,
            rate_window: Duration::from_secs(60),
            rate_limits: default_rate_limits(),
        }
    }
}

/// A fault injected into the next matching request (queued, consumed in order).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fault {
    /// Answer with `{"error":{...}}` and this status (any error row of the contract).
    /// One `Retry-After` header at most: `retry_after_raw` verbatim, else `retry_after_date`
    /// (seconds from now, as an HTTP date), else `retry_after` (seconds).
    HttpError {
        on: Target,
        status: u16,
        code: String,
        message: String,
        #[serde(default)]
        retry_after: Option<u64>,
        /// Seconds from now, sent as an IMF-fixdate (`Wed, 21 Oct 2015 07:28:00 GMT`).
        #[serde(default)]
        retry_after_date: Option<u64>,
        /// Sent as it is (`1e20`, `-1`, `18446744073709551615`); dropped if not a valid header value.
        #[serde(default)]
        retry_after_raw: Option<String>,
    },
    /// 404 with an empty body (a client pointed at the wrong path).
    EmptyNotFound { on: Target },
    /// Close the connection after N content chunks, with no `[DONE]`.
    CutAfter { chunks: usize },
    /// Sleep this long before each chunk.
    SlowChunks { delay_ms: u64 },
    /// Wait this long before the first byte of the stream body.
    FirstTokenDelay { delay_ms: u64 },
    /// Send `data: {"error":{...}}` after N chunks (output moderation), then end.
    StreamError {
        after_chunks: usize,
        code: String,
        message: String,
    },
    /// Write the stream in tiny pieces split inside UTF-8 characters, with CRLF line ends and
    /// keep-alive comments.
    SplitUtf8,
    /// Send `data: {"code":…,"message":…,"request_id":…}` (flat, no `error` wrapper) after
    /// N chunks, then end.
    StreamErrorFlat {
        after_chunks: usize,
        code: String,
        message: String,
    },
    /// After the first chunk, one `data:` line of this many bytes (a chunk padded with content).
    HugeLine { bytes: usize },
    /// After N chunks, `data: {"choices": [` (broken JSON), then the body ends.
    BadJson { after_chunks: usize },
    /// After N chunks, nothing at all (no keep-alive) for `ms`, then the rest.
    Stall { after_chunks: usize, ms: u64 },
    /// The answer's body as it would be, but the connection breaks after exactly `byte` bytes
    /// of it (inside a UTF-8 character, inside `data:`, wherever that falls); at or past the
    /// body's end, the whole body and then the break.
    CutAtByte { byte: usize },
    /// An upload's connection breaks once `after_bytes` bytes of the file part have arrived:
    /// the server drops the socket unread (the client sees a reset while it writes).
    UploadCut { after_bytes: u64 },
    /// The server takes an upload's file part at about this many bytes a second (a slow
    /// link): the client's writes wait, and its progress shows it.
    SlowUpload { bytes_per_sec: u64 },
}

impl Fault {
    /// An `HttpError` without `Retry-After` (set the `retry_after*` fields on the result for one).
    pub fn http_error(on: Target, status: u16, code: &str, message: &str) -> Fault {
        Fault::HttpError {
            on,
            status,
            code: code.to_string(),
            message: message.to_string(),
            retry_after: None,
            retry_after_date: None,
            retry_after_raw: None,
        }
    }
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
    /// JSON body for chat; for uploads a summary `{filename, bytes, sha256, purpose, content_length,
    /// chunked}` (`sha256` null unless the file part arrived whole).
    pub body: serde_json::Value,
}

impl RecordedRequest {
    /// The value of a recorded header (name in lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The fingerprint the mock records instead of a key (also the account id the key maps to).
pub fn key_fingerprint(key: &str) -> String {
    format!("fp-{}", &sha256_hex(key.as_bytes())[..12])
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

pub struct MockServer {
    state: Arc<server::Shared>,
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl MockServer {
    pub async fn start(config: MockConfig) -> std::io::Result<MockServer> {
        let listener = tokio::net::TcpListener::bind(config.addr).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(server::Shared::new(&config));
        let app = server::router(state.clone());
        let task = tokio::spawn(async move {
            use axum::serve::ListenerExt;
            // Small SSE writes must leave at once, not wait for Nagle.
            let listener = listener.tap_io(|tcp| {
                let _ = tcp.set_nodelay(true);
            });
            let _ = axum::serve(listener, app).await;
        });
        Ok(MockServer { state, addr, task })
    }
    /// e.g. `http://127.0.0.1:PORT/compatible-mode/v1`
    pub fn base_url(&self) -> String {
        format!("http://{}/compatible-mode/v1", self.addr)
    }
    /// `http://127.0.0.1:PORT` (the admin routes live under `/_mock/`).
    pub fn root_url(&self) -> String {
        format!("http://{}", self.addr)
    }
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
    pub fn push_fault(&self, fault: Fault) {
        self.state.lock().faults.push_back(fault);
    }
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.lock().requests.clone()
    }
    /// Forgets files, queued faults, recorded requests, marker counters and the requests counted
    /// toward rate limits; keeps the config.
    pub fn reset(&self) {
        self.state.lock().reset();
    }
    /// Applies to uploads made after this call.
    pub fn set_parse_delay(&self, d: Duration) {
        self.state.lock().parse_delay = d;
    }
    /// `true`: file objects say `uploaded` until parsed (not what the service does).
    pub fn set_report_parsing(&self, on: bool) {
        self.state.lock().report_parsing = on;
    }
    pub fn set_chunk_delay(&self, d: Duration) {
        self.state.lock().chunk_delay = d;
    }
    /// The window rate limits are counted over (60 s by default).
    pub fn set_rate_window(&self, d: Duration) {
        self.state.lock().limits.window = d;
    }
    /// Replaces the model → (requests, tokens) table; an empty table turns limits off.
    pub fn set_rate_limits(&self, table: HashMap<String, (u64, u64)>) {
        self.state.lock().limits.table = table;
    }
    /// Waits until the server task ends (it runs until the process exits or the server is dropped).
    pub async fn wait(mut self) {
        let _ = (&mut self.task).await;
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
