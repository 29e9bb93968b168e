//! The client's settings and the service's addresses.

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
    /// Retries of 5xx before the first token (never after).
    pub max_retries: u32,
    /// How long, in all, a chat waits on 429s before the first token (never after): the
    /// service's throttling usually clears within a minute. The sum of the waits, each the
    /// `Retry-After` (at most 60 s) or the backoff (at most 20 s).
    pub rate_limit_budget: Duration,
    /// Upper bound for waiting on parsing (`processed` status, "File parsing in progress").
    pub parse_wait: Duration,
    /// Upload queue: at most this many uploads start per second.
    pub uploads_per_second: u32,
    /// `limit` of one `GET /files` page (1–2000).
    pub list_page_size: u32,
    /// First delay of the exponential backoff for 429/5xx without `Retry-After`; also the
    /// shortest wait after a 429, whatever `Retry-After` says.
    pub retry_base_delay: Duration,
    /// First delay when polling a file's status or retrying "File parsing in progress";
    /// doubles up to 5 s (or this value, if larger).
    pub poll_interval: Duration,
    /// Whole-request bound for the small JSON calls (get, list, delete); not uploads or chat.
    pub request_timeout: Duration,
    /// An upload that makes no progress this long fails with `Timeout`: no body bytes taken
    /// (a server that stopped reading), or no answer after the last byte of the body.
    /// Generous, because a busy gateway may be slow to answer a 150 MB upload.
    pub upload_stall_timeout: Duration,
    /// How long a file must have been left alone before it was hashed for its stamp (device,
    /// inode, size, change times) to vouch that the upload sent those bytes; a file changed
    /// more recently is hashed again as it is sent. File times are coarse: two seconds on FAT.
    pub file_settle: Duration,
    /// The longest line, and the longest event, of the answer stream; past it the answer is
    /// cut (`StreamCut { cause: Oversized }`) and the rest is not read.
    pub max_stream_event_bytes: usize,
    /// How much of a refusal's body is read (and classified); the rest is not read.
    pub max_error_body_bytes: usize,
    /// The largest JSON answer of a small call (a file object, a deletion, an upload's
    /// answer); a larger one is a `Service` error.
    pub max_json_bytes: usize,
    /// The largest page of `GET /files` (2,000 file objects take about 0.5 MB).
    pub max_list_page_bytes: usize,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            base_url: BEIJING_URL.to_string(),
            first_token_timeout: Duration::from_secs(600),
            idle_timeout: Duration::from_secs(120),
            connect_timeout: Duration::from_secs(20),
            max_retries: 4,
            rate_limit_budget: Duration::from_secs(75),
            parse_wait: Duration::from_secs(600),
            uploads_per_second: 3,
            list_page_size: 2000,
            retry_base_delay: Duration::from_secs(1),
            poll_interval: Duration::from_millis(500),
            request_timeout: Duration::from_secs(60),
            upload_stall_timeout: Duration::from_secs(120),
            file_settle: Duration::from_secs(3),
            max_stream_event_bytes: 1 << 20,
            max_error_body_bytes: 64 << 10,
            max_json_bytes: 1 << 20,
            max_list_page_bytes: 16 << 20,
        }
    }
}
