//! The facade both faces use. Every public type here serialises for the UI (serde), and none
//! carries the API key.

use crate::client::{Client, ClientConfig, RemoteFile, Usage, WaitReason};
use crate::error::{Error, Lang, Result};
use crate::secrets::{ApiKey, KeyStatus};
use crate::settings::Settings;
use crate::CancellationToken;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

/// Where the engine keeps its data and which service it talks to.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// The folder holding `longwen.db`. Default: the per-user data dir, or `LONGWEN_DATA_DIR`.
    pub data_dir: PathBuf,
    /// Overrides the base URL from settings (`--base-url`, `LONGWEN_BASE_URL`).
    pub base_url_override: Option<String>,
    pub lang: Lang,
    /// A key used before the environment and the keyring (tests, embedding). Never stored.
    pub api_key: Option<ApiKey>,
    /// Client knobs (timeouts, retries); `base_url` is replaced by the URL in force.
    pub client: ClientConfig,
}

impl EngineConfig {
    /// Defaults around a given data dir: no override, English, key from env/keyring.
    pub fn with_data_dir(data_dir: impl Into<PathBuf>) -> EngineConfig {
        EngineConfig {
            data_dir: data_dir.into(),
            base_url_override: None,
            lang: Lang::default(),
            api_key: None,
            client: ClientConfig::default(),
        }
    }

    /// `LONGWEN_DATA_DIR` or the per-user data dir; `LONGWEN_BASE_URL`; language from the env.
    pub fn from_env() -> Result<EngineConfig> {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let data_dir = match env("LONGWEN_DATA_DIR") {
            Some(d) => PathBuf::from(d),
            None => directories::ProjectDirs::from("", "", "Longwen")
                .map(|p| p.data_dir().to_path_buf())
                .ok_or_else(|| Error::Storage("no home folder to keep data in".into()))?,
        };
        let mut config = EngineConfig::with_data_dir(data_dir);
        config.base_url_override = env("LONGWEN_BASE_URL").map(|u| u.trim().to_string());
        config.lang = Lang::from_env();
        Ok(config)
    }
}

pub type DocumentId = i64;
pub type ChatId = i64;
pub type MessageId = i64;

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

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Message {
    pub id: MessageId,
    pub chat_id: ChatId,
    /// "user" or "assistant".
    pub role: String,
    pub text: String,
    pub status: MessageStatus,
    pub error_kind: Option<String>,
    /// The error message in the engine's language, when status is `error`/`interrupted`.
    pub error_message: Option<String>,
    pub request_id: Option<String>,
    pub model: Option<String>,
    pub usage: Option<Usage>,
    pub cost_cny: Option<f64>,
    pub first_token_ms: Option<u64>,
    pub total_ms: Option<u64>,
    pub document_ids: Vec<DocumentId>,
    pub created_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ChatSummary {
    pub id: ChatId,
    pub title: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub message_count: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Chat {
    pub summary: ChatSummary,
    pub documents: Vec<Document>,
    pub messages: Vec<Message>,
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

/// The engine. Cheap to clone; safe to share across tasks.
#[derive(Clone)]
pub struct Engine {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) config: EngineConfig,
    /// One connection; never held across an await.
    db: Mutex<Connection>,
    lang: RwLock<Lang>,
    /// The client for (base URL, key fingerprint): reused so its upload rate limit is shared.
    client: Mutex<Option<(String, String, Client)>>,
    /// Serialises adds of the same content so it is uploaded once even when two adds race.
    pub(crate) upload_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// A client plus the identity remote ids are stored under.
#[derive(Clone)]
pub(crate) struct Session {
    pub(crate) client: Client,
    /// The base URL, without a trailing slash.
    pub(crate) endpoint: String,
    /// `ApiKey::fingerprint()`, never the key.
    pub(crate) account: String,
}

impl Engine {
    /// Runs `f` with the connection locked. Never call across an await.
    pub(crate) fn db<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let mut conn = self
            .inner
            .db
            .lock()
            .map_err(|_| Error::Internal("database lock poisoned".into()))?;
        f(&mut conn)
    }

    fn key(&self) -> Result<Option<ApiKey>> {
        if let Some(k) = &self.inner.config.api_key {
            return Ok(Some(k.clone()));
        }
        Ok(crate::secrets::load()?.map(|(k, _)| k))
    }

    /// Built on demand so a newly saved key or region is used at once.
    pub(crate) fn session(&self) -> Result<Session> {
        let key = self.key()?.ok_or(Error::KeyMissing)?;
        let endpoint = self.base_url()?;
        let account = key.fingerprint();
        let mut cache = self
            .inner
            .client
            .lock()
            .map_err(|_| Error::Internal("client lock poisoned".into()))?;
        if let Some((url, fp, client)) = cache.as_ref() {
            if *url == endpoint && *fp == account {
                return Ok(Session {
                    client: client.clone(),
                    endpoint,
                    account,
                });
            }
        }
        let config = ClientConfig {
            base_url: endpoint.clone(),
            ..self.inner.config.client.clone()
        };
        let client = Client::new(config, key)?;
        *cache = Some((endpoint.clone(), account.clone(), client.clone()));
        Ok(Session {
            client,
            endpoint,
            account,
        })
    }

    /// (endpoint, account) when a key is available, for showing remote ids; never fails.
    pub(crate) fn account_hint(&self) -> Option<(String, String)> {
        let key = self.key().ok().flatten()?;
        Some((self.base_url().ok()?, key.fingerprint()))
    }

    fn forget_client(&self) {
        if let Ok(mut c) = self.inner.client.lock() {
            *c = None;
        }
    }
}

impl Engine {
    /// Opens (and migrates) the database; marks answers left `streaming` by a crash as
    /// `interrupted`.
    ///
    /// The language is the settings' `language` when it is "zh"/"en", else `config.lang`;
    /// a face with an explicit choice (`--lang`) calls `set_lang` afterwards.
    pub fn open(config: EngineConfig) -> Result<Engine> {
        let conn = crate::store::open(&config.data_dir)?;
        let settings = crate::settings::load(&conn)?;
        let lang = Lang::parse(&settings.language)
            .filter(|_| settings.language != "system")
            .unwrap_or(config.lang);
        let engine = Engine {
            inner: Arc::new(Inner {
                config,
                db: Mutex::new(conn),
                lang: RwLock::new(lang),
                client: Mutex::new(None),
                upload_locks: Mutex::new(HashMap::new()),
            }),
        };
        engine.recover_streaming()?;
        Ok(engine)
    }

    pub fn config(&self) -> &EngineConfig {
        &self.inner.config
    }

    pub fn data_dir(&self) -> &Path {
        &self.inner.config.data_dir
    }

    pub fn lang(&self) -> Lang {
        self.inner.lang.read().map(|l| *l).unwrap_or_default()
    }
    pub fn set_lang(&self, lang: Lang) {
        if let Ok(mut l) = self.inner.lang.write() {
            *l = lang;
        }
    }

    // --- settings and the key ---------------------------------------------------
    pub fn settings(&self) -> Result<Settings> {
        self.db(|c| crate::settings::load(c))
    }
    /// Validates and stores; a "zh"/"en" language also becomes the engine's language.
    pub fn save_settings(&self, settings: &Settings) -> Result<Settings> {
        settings.validate()?;
        self.db(|c| crate::settings::save(c, settings))?;
        if let Some(lang) =
            Lang::parse(&settings.language).filter(|_| settings.language != "system")
        {
            self.set_lang(lang);
        }
        self.settings()
    }
    /// The base URL in force: the override, then the settings' region, then Beijing.
    pub fn base_url(&self) -> Result<String> {
        if let Some(u) = &self.inner.config.base_url_override {
            return Ok(u.trim_end_matches('/').to_string());
        }
        Ok(self
            .settings()?
            .region_url()
            .unwrap_or_else(|| crate::client::BEIJING_URL.to_string()))
    }
    pub fn key_status(&self) -> Result<KeyStatus> {
        if let Some(k) = &self.inner.config.api_key {
            return Ok(KeyStatus {
                present: true,
                source: None,
                masked: Some(k.masked()),
            });
        }
        crate::secrets::status()
    }
    /// Stores the key in the OS keyring (never anywhere else).
    pub fn set_key(&self, key: &str) -> Result<KeyStatus> {
        let key = ApiKey::new(key);
        if key.expose().is_empty() {
            return Err(Error::InvalidArgument("the key is empty".into()));
        }
        crate::secrets::store(&key)?;
        self.forget_client();
        self.key_status()
    }
    pub fn delete_key(&self) -> Result<KeyStatus> {
        crate::secrets::delete()?;
        self.forget_client();
        self.key_status()
    }
    /// A cheap authenticated call: one page of one file (`GET /files?limit=1`).
    pub async fn test_connection(&self) -> Result<()> {
        let client = self.session()?.client;
        let req = client
            .request(reqwest::Method::GET, "files")
            .query(&[("limit", "1"), ("purpose", "file-extract")]);
        client.json::<serde_json::Value>(req).await.map(|_| ())
    }

    // --- documents ------------------------------------------------------------------
    /// Checks, hashes, dedupes, uploads and waits until the service has read the file.
    pub async fn add_document(
        &self,
        path: &Path,
        on_progress: &(dyn Fn(DocumentProgress) + Send + Sync),
        cancel: &CancellationToken,
    ) -> Result<Document> {
        self.add_file(path, None, true, on_progress, cancel).await
    }
    /// A plain-text document (no upload). Named by its first words unless `name` is given.
    /// Fails with `TextTooLong` past the plain-text limit.
    pub fn add_text(&self, text: &str, name: Option<&str>) -> Result<Document> {
        self.add_text_document(text, name)
    }
    /// Uploads a long text as a `.txt` file instead (the UI's "upload it as a file").
    pub async fn add_text_as_file(
        &self,
        text: &str,
        name: Option<&str>,
        on_progress: &(dyn Fn(DocumentProgress) + Send + Sync),
        cancel: &CancellationToken,
    ) -> Result<Document> {
        self.add_text_file(text, name, on_progress, cancel).await
    }
    pub fn document(&self, id: DocumentId) -> Result<Document> {
        let hint = self.account_hint();
        self.db(|c| crate::library::get_document(c, id, hint.as_ref()))
    }
    /// Newest first.
    pub fn documents(&self) -> Result<Vec<Document>> {
        let hint = self.account_hint();
        self.db(|c| crate::library::list_documents(c, hint.as_ref()))
    }
    pub async fn remote_files(&self) -> Result<Vec<RemoteFile>> {
        self.session()?.client.list_files().await
    }
    /// Deletes a cloud file and forgets its id locally (also when the service no longer has it).
    pub async fn delete_remote_file(&self, remote_id: &str) -> Result<()> {
        let session = self.session()?;
        match session.client.delete_file(remote_id).await {
            Ok(()) | Err(Error::FileNotFound(_)) => {}
            Err(e) => return Err(e),
        }
        self.db(|c| crate::library::forget_remote_id(c, remote_id))
    }

    // --- conversations -----------------------------------------------------------------
    pub fn create_chat(&self) -> Result<ChatSummary> {
        self.db(|c| crate::conversations::create_chat(c, None))
    }
    /// Newest first (by last activity).
    pub fn chats(&self) -> Result<Vec<ChatSummary>> {
        self.db(|c| crate::conversations::list_chats(c))
    }
    pub fn chat(&self, id: ChatId) -> Result<Chat> {
        self.recover_streaming()?;
        let hint = self.account_hint();
        self.db(|c| crate::conversations::load_chat(c, id, hint.as_ref()))
    }
    pub fn delete_chat(&self, id: ChatId) -> Result<()> {
        self.db(|c| crate::conversations::delete_chat(c, id))
    }
    pub fn attach_document(&self, chat: ChatId, document: DocumentId) -> Result<()> {
        self.db(|c| crate::conversations::attach(c, chat, &[document]))
    }
    pub fn detach_document(&self, chat: ChatId, document: DocumentId) -> Result<()> {
        self.db(|c| crate::conversations::detach(c, chat, document))
    }
    /// Asks one question and streams the answer. The answer is stored as it arrives (at least
    /// once a second). On stop, a cut or an error, the partial text stays stored with status
    /// `stopped`/`interrupted`/`error` and the error is returned.
    pub async fn ask(
        &self,
        request: AskRequest,
        cancel: &CancellationToken,
        on_event: &mut (dyn FnMut(AnswerEvent) + Send),
    ) -> Result<Answer> {
        self.ask_impl(request, cancel, on_event).await
    }
    /// Asks the question behind `answer_id` again, replacing that answer in place (same row:
    /// its text, status and figures are reset and streamed anew).
    pub async fn regenerate(
        &self,
        answer_id: MessageId,
        cancel: &CancellationToken,
        on_event: &mut (dyn FnMut(AnswerEvent) + Send),
    ) -> Result<Answer> {
        self.regenerate_impl(answer_id, cancel, on_event).await
    }
}
