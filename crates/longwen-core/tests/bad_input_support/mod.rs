//! Shared by the `bad_input*` tests: an engine on a fresh data dir and mock, with uploads
//! not held back by the upload queue, and what a refusal must leave as it was.
#![allow(dead_code)]

use crate::engine_support::{question, KEY};
use longwen_core::client::ClientConfig;
use longwen_core::engine::EngineConfig;
use longwen_core::secrets::ApiKey;
use longwen_core::{CancellationToken, Engine, Error};
use mock_dashscope::{MockConfig, MockServer};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Cases tried by this test binary (for the counts in docs/reliability.md).
static TRIED: AtomicUsize = AtomicUsize::new(0);

pub fn tried(n: usize) {
    let total = TRIED.fetch_add(n, Ordering::SeqCst) + n;
    println!("bad inputs tried so far: {total}");
}

pub struct Env {
    pub mock: MockServer,
    pub dir: tempfile::TempDir,
    pub engine: Engine,
}

pub fn config(dir: &Path, base_url: String, key: &str) -> EngineConfig {
    let mut c = EngineConfig::with_data_dir(dir);
    c.base_url_override = Some(base_url);
    c.api_key = Some(ApiKey::new(key));
    c.client = ClientConfig {
        retry_base_delay: Duration::from_millis(10),
        poll_interval: Duration::from_millis(20),
        uploads_per_second: 100,
        ..ClientConfig::default()
    };
    c
}

pub async fn env_with(mock: MockConfig) -> Env {
    let mock = MockServer::start(mock).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(config(dir.path(), mock.base_url(), KEY)).unwrap();
    Env { mock, dir, engine }
}

impl Env {
    pub fn uploads(&self) -> Vec<serde_json::Value> {
        self.mock
            .requests()
            .into_iter()
            .filter(|r| r.method == "POST" && r.path.ends_with("/files"))
            .map(|r| r.body)
            .collect()
    }
    pub fn chats_sent(&self) -> usize {
        let chats = self.mock.requests().into_iter();
        chats
            .filter(|r| r.path.ends_with("/chat/completions"))
            .count()
    }
    /// What a refusal must leave as it was: documents, cloud ids, chats and messages.
    pub fn stored(&self) -> (i64, i64, i64, i64) {
        let db = rusqlite::Connection::open(self.dir.path().join("longwen.db")).unwrap();
        let n = |t: &str| {
            db.query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get(0))
                .unwrap()
        };
        (n("documents"), n("remote_files"), n("chats"), n("messages"))
    }
}

/// Asks one question with a text document through an engine with this key and address.
pub async fn ask_with(
    mock: &MockServer,
    base_url: String,
    key: &str,
) -> (Result<(), Error>, usize) {
    let dir = tempfile::tempdir().unwrap();
    let before = mock.requests().len();
    let r = async {
        let engine = Engine::open(config(dir.path(), base_url, key))?;
        let doc = engine.add_text("合同正文", None)?;
        let request = question("Q", &[doc.id]);
        engine
            .ask(request, &CancellationToken::new(), &mut |_| {})
            .await
            .map(|_| ())
    }
    .await;
    (r, mock.requests().len() - before)
}
