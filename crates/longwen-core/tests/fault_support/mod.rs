//! Shared by `fault_suite`: the answer as the mock writes it (to know what a cut at a given
//! byte leaves), and the engine set up with short timeouts and small retry budgets.
#![allow(dead_code)]

use crate::engine_support::{self, KEY};
use longwen_core::client::ClientConfig;
use longwen_core::engine::EngineConfig;
use longwen_core::Engine;
use mock_dashscope::{MockConfig, MockServer};
use std::time::Duration;

/// Client knobs of every run: faults end in milliseconds, not the real minutes.
pub fn client_config() -> ClientConfig {
    ClientConfig {
        retry_base_delay: Duration::from_millis(10),
        poll_interval: Duration::from_millis(20),
        max_retries: 2,
        rate_limit_budget: Duration::from_millis(100),
        first_token_timeout: Duration::from_millis(600),
        idle_timeout: Duration::from_millis(300),
        max_stream_event_bytes: 64 << 10,
        ..ClientConfig::default()
    }
}

pub fn config(dir: &std::path::Path, mock: &MockServer) -> EngineConfig {
    let mut c = engine_support::config(dir, mock);
    c.client = client_config();
    c
}

/// A fresh mock and a fresh engine on a fresh data dir.
pub async fn fresh() -> (MockServer, tempfile::TempDir, Engine) {
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(config(dir.path(), &mock)).unwrap();
    (mock, dir, engine)
}

/// One SSE event of the answer body: where it ends (after its blank line), the text it
/// carries, and whether it is `[DONE]`.
#[derive(Debug, Clone)]
pub struct Event {
    pub start: usize,
    pub end: usize,
    pub content: String,
    pub done: bool,
}

/// The answer's body exactly as the mock writes it for the first chat of a fresh server.
#[derive(Debug, Clone)]
pub struct Body {
    pub raw: Vec<u8>,
    pub events: Vec<Event>,
}

impl Body {
    pub fn parse(raw: Vec<u8>) -> Body {
        let mut events = Vec::new();
        let mut start = 0;
        while let Some(at) = raw[start..].windows(2).position(|w| w == b"\n\n") {
            let end = start + at + 2;
            let line = std::str::from_utf8(&raw[start..end]).unwrap().trim();
            let data = line.strip_prefix("data:").unwrap().trim();
            let done = data == "[DONE]";
            let content = if done {
                String::new()
            } else {
                let v: serde_json::Value = serde_json::from_str(data).unwrap();
                v["choices"][0]["delta"]["content"]
                    .as_str()
                    .unwrap_or("")
                    .to_string()
            };
            events.push(Event {
                start,
                end,
                content,
                done,
            });
            start = end;
        }
        assert_eq!(start, raw.len(), "the body is whole events");
        Body { raw, events }
    }

    /// The pieces of text, in order (one per content chunk).
    pub fn pieces(&self) -> Vec<String> {
        self.events
            .iter()
            .filter(|e| !e.content.is_empty())
            .map(|e| e.content.clone())
            .collect()
    }

    pub fn text(&self) -> String {
        self.pieces().concat()
    }

    /// What a client has after the first `n` bytes and then a broken connection: the text of
    /// the events complete within them, and whether `[DONE]` was among them.
    pub fn after_cut(&self, n: usize) -> (String, bool) {
        let whole: Vec<&Event> = self.events.iter().filter(|e| e.end <= n).collect();
        let text = whole.iter().map(|e| e.content.as_str()).collect();
        (text, whole.iter().any(|e| e.done))
    }

    /// Whether byte `n` falls strictly inside a multi-byte UTF-8 character.
    pub fn inside_char(&self, n: usize) -> bool {
        n < self.raw.len() && (self.raw[n] & 0xC0) == 0x80
    }

    /// Whether byte `n` falls strictly inside an event's `data: ` prefix.
    pub fn inside_data(&self, n: usize) -> bool {
        self.events.iter().any(|e| n > e.start && n < e.start + 6)
    }

    pub fn at_boundary(&self, n: usize) -> bool {
        n == 0 || self.events.iter().any(|e| e.end == n)
    }

    /// Every position strictly inside a multi-byte character.
    pub fn char_insides(&self) -> Vec<usize> {
        (0..self.raw.len())
            .filter(|&n| self.inside_char(n))
            .collect()
    }

    pub fn data_insides(&self) -> Vec<usize> {
        self.events
            .iter()
            .flat_map(|e| e.start + 1..e.start + 6)
            .collect()
    }

    pub fn boundaries(&self) -> Vec<usize> {
        std::iter::once(0)
            .chain(self.events.iter().map(|e| e.end))
            .collect()
    }
}

/// Sends a recorded chat body again, to a fresh server, and returns the raw answer.
pub async fn replay(body: &serde_json::Value) -> Body {
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let resp = reqwest::Client::new()
        .post(format!("{}/chat/completions", mock.base_url()))
        .bearer_auth(KEY)
        .json(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    Body::parse(resp.bytes().await.unwrap().to_vec())
}

/// How many 429s in a row the client waits out within its budget: the documented policy
/// (`Retry-After`, at most 60 s and at least the base delay, else the doubling backoff
/// capped at 20 s; the sum of the waits within `rate_limit_budget`).
pub fn rate_limit_retries(cfg: &ClientConfig, retry_after: Option<u64>) -> usize {
    let mut waited = Duration::ZERO;
    let mut n = 0u32;
    loop {
        let wait = match retry_after {
            Some(s) => Duration::from_secs(s.min(60)).max(cfg.retry_base_delay),
            None => cfg
                .retry_base_delay
                .saturating_mul(1 << n.min(16))
                .min(Duration::from_secs(20)),
        };
        if waited + wait > cfg.rate_limit_budget {
            return n as usize;
        }
        waited += wait;
        n += 1;
    }
}

/// `PRAGMA integrity_check` of the data dir's database.
pub fn integrity(dir: &std::path::Path) -> String {
    let db = rusqlite::Connection::open(dir.join(longwen_core::store::DB_FILE)).unwrap();
    db.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}
