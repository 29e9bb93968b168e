//! Shared by the `engine_*` tests: a mock service, a temp data dir and an engine on both.
#![allow(dead_code)]

use longwen_core::client::ClientConfig;
use longwen_core::engine::EngineConfig;
use longwen_core::secrets::ApiKey;
use longwen_core::types::{AnswerEvent, AskRequest, DocumentProgress};
use longwen_core::{CancellationToken, Engine};
use mock_dashscope::{MockConfig, MockServer, RecordedRequest};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Unique enough to grep the database bytes for.
pub const KEY: &str = "sk-test-3f9c1d7e5b2a48e0a1c6d4f2b8e7a9c0";

pub struct Env {
    pub mock: MockServer,
    pub dir: tempfile::TempDir,
    pub engine: Engine,
}

/// The shared fixtures: `LONGWEN_FIXTURES`, else `../shared/fixtures` beside the repo.
pub fn fixtures() -> PathBuf {
    match std::env::var_os("LONGWEN_FIXTURES") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures"),
    }
}

pub fn fixture(name: &str) -> PathBuf {
    fixtures().join(name)
}

/// PDFium from the repo's `.pdfium/` (`scripts/fetch-pdfium.sh`) unless the environment names one.
pub fn use_repo_pdfium() {
    if std::env::var_os("LONGWEN_PDFIUM").is_none() {
        let lib = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.pdfium/libpdfium.so");
        std::env::set_var("LONGWEN_PDFIUM", lib);
    }
}

pub fn config(dir: &std::path::Path, mock: &MockServer) -> EngineConfig {
    let mut c = EngineConfig::with_data_dir(dir);
    c.base_url_override = Some(mock.base_url());
    // Explicit key: env vars are process-wide and tests run in parallel.
    c.api_key = Some(ApiKey::new(KEY));
    c.client = ClientConfig {
        retry_base_delay: Duration::from_millis(20),
        poll_interval: Duration::from_millis(20),
        ..ClientConfig::default()
    };
    c
}

pub async fn setup() -> Env {
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(config(dir.path(), &mock)).unwrap();
    Env { mock, dir, engine }
}

impl Env {
    pub fn reopen(&self) -> Engine {
        Engine::open(config(self.dir.path(), &self.mock)).unwrap()
    }

    pub fn uploads(&self) -> Vec<RecordedRequest> {
        self.mock
            .requests()
            .into_iter()
            .filter(|r| r.method == "POST" && r.path.ends_with("/files"))
            .collect()
    }

    pub fn chats_sent(&self) -> Vec<serde_json::Value> {
        self.mock
            .requests()
            .into_iter()
            .filter(|r| r.path.ends_with("/chat/completions"))
            .map(|r| r.body)
            .collect()
    }

    /// Adds a file, returning the document and every progress step.
    pub async fn add(
        &self,
        path: &std::path::Path,
    ) -> (
        longwen_core::Result<longwen_core::types::Document>,
        Vec<DocumentProgress>,
    ) {
        let steps = Arc::new(Mutex::new(Vec::new()));
        let s = steps.clone();
        let r = self
            .engine
            .add_document(
                path,
                &move |p| s.lock().unwrap().push(p),
                &CancellationToken::new(),
            )
            .await;
        let steps = steps.lock().unwrap().clone();
        (r, steps)
    }

    /// Asks and collects the events.
    pub async fn ask(
        &self,
        request: AskRequest,
    ) -> (
        longwen_core::Result<longwen_core::types::Answer>,
        Vec<AnswerEvent>,
    ) {
        let mut events = Vec::new();
        let r = self
            .engine
            .ask(request, &CancellationToken::new(), &mut |e| events.push(e))
            .await;
        (r, events)
    }
}

pub fn question(q: &str, docs: &[i64]) -> AskRequest {
    AskRequest {
        question: q.into(),
        document_ids: docs.to_vec(),
        ..Default::default()
    }
}

/// The text of all `Delta` events.
pub fn deltas(events: &[AnswerEvent]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            AnswerEvent::Delta { text } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

/// The fingerprint the engine stores for `KEY` (keyed with this data dir's salt).
pub fn account(dir: &std::path::Path) -> String {
    let db = rusqlite::Connection::open(dir.join(longwen_core::store::DB_FILE)).unwrap();
    let salt: String = db
        .query_row(
            "SELECT value FROM settings WHERE key = 'install_salt'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    ApiKey::new(KEY).fingerprint(&salt)
}
