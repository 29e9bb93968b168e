//! One error type for everything a person can meet: a stable `kind` plus typed fields, and
//! nothing else. It holds no sentence in any language, no exit code and no UI action: each
//! face words errors in its own strings (`ui/i18n/`, the CLI's `strings.rs`).
//!
//! It serialises as `{"kind": "...", ...fields}` (the UI and the database read that shape) and
//! deserialises from it; every field has a default, so a row that kept only its kind still
//! reads back. `Display` is the technical detail (kind and fields) for logs and "Details".

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

mod fields;
mod new;

pub use fields::{Cut, Entity, Problem, ServiceInfo, StorageOp, Waited};

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The variants that carry what the service said, in one list for `service_info` and
/// `service_info_mut` (a macro, because the two differ only in mutability).
macro_rules! service_variants {
    ($error:expr) => {{
        use Error::*;
        match $error {
            KeyRefused(s)
            | RateLimited(s)
            | Arrears(s)
            | FreeTierOnly(s)
            | ContentRefused(s)
            | ModelNotFound(s)
            | WrongAddress(s)
            | FileTooLarge(s)
            | FileParsing(s)
            | FileInvalid(s)
            | FileNotFound(s)
            | FileFormatUnsupported(s)
            | FileTooManyPages(s)
            | FileBlank(s)
            | TooManyFiles(s)
            | ContextTooLong(s)
            | UploadQuota(s)
            | FileParseFailed(s)
            | AccessDenied(s)
            | ModelNotInRegion(s)
            | Service(s) => Some(s),
            _ => None,
        }
    }};
}

#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Error {
    // --- the key -------------------------------------------------------------
    #[error("key_missing")]
    KeyMissing,
    #[error("key_refused: {0}")]
    KeyRefused(Box<ServiceInfo>),
    /// `backend`: which store the keyring crate used; `detail`: the platform's own words.
    #[error("keyring_unavailable: {backend}: {detail}")]
    KeyringUnavailable {
        #[serde(default)]
        backend: String,
        #[serde(default)]
        detail: String,
    },
    #[error("insecure_url: {url}")]
    InsecureUrl {
        #[serde(default)]
        url: String,
    },

    // --- refusals by the service ----------------------------------------------
    #[error("rate_limited: {0}")]
    RateLimited(Box<ServiceInfo>),
    #[error("arrears: {0}")]
    Arrears(Box<ServiceInfo>),
    #[error("free_tier_only: {0}")]
    FreeTierOnly(Box<ServiceInfo>),
    #[error("content_refused: {0}")]
    ContentRefused(Box<ServiceInfo>),
    #[error("model_not_found: {0}")]
    ModelNotFound(Box<ServiceInfo>),
    #[error("wrong_address: {0}")]
    WrongAddress(Box<ServiceInfo>),
    #[error("file_too_large: {0}")]
    FileTooLarge(Box<ServiceInfo>),
    #[error("file_parsing: {0}")]
    FileParsing(Box<ServiceInfo>),
    #[error("file_invalid: {0}")]
    FileInvalid(Box<ServiceInfo>),
    #[error("file_not_found: {0}")]
    FileNotFound(Box<ServiceInfo>),
    #[error("file_format_unsupported: {0}")]
    FileFormatUnsupported(Box<ServiceInfo>),
    #[error("file_too_many_pages: {0}")]
    FileTooManyPages(Box<ServiceInfo>),
    #[error("file_blank: {0}")]
    FileBlank(Box<ServiceInfo>),
    #[error("too_many_files: {0}")]
    TooManyFiles(Box<ServiceInfo>),
    #[error("context_too_long: {0}")]
    ContextTooLong(Box<ServiceInfo>),
    #[error("upload_quota: {0}")]
    UploadQuota(Box<ServiceInfo>),
    #[error("file_parse_failed: {0}")]
    FileParseFailed(Box<ServiceInfo>),
    /// The key's workspace may not use the model (403 `Workspace.AccessDenied`).
    #[error("access_denied: {0}")]
    AccessDenied(Box<ServiceInfo>),
    /// `model_not_found` from a region that does not offer Qwen-Long (only Beijing does).
    #[error("model_not_in_region: {0}")]
    ModelNotInRegion(Box<ServiceInfo>),
    #[error("service_error: {0}")]
    #[serde(rename = "service_error")]
    Service(Box<ServiceInfo>),
    /// One question alone reads more tokens than the model takes in a minute: it would be
    /// refused every time, so it is not retried.
    #[error("too_large_for_model: {tokens} > {limit} tokens a minute ({model})")]
    TooLargeForModel {
        #[serde(default)]
        model: String,
        #[serde(default)]
        tokens: u64,
        #[serde(default)]
        limit: u64,
    },

    // --- the network -----------------------------------------------------------
    /// `detail`: the transport's own words (the whole error chain).
    #[error("network: {detail}")]
    Network {
        #[serde(default)]
        detail: String,
    },
    #[error("proxy: {detail}")]
    Proxy {
        #[serde(default)]
        detail: String,
    },
    #[error("tls: {detail}")]
    Tls {
        #[serde(default)]
        detail: String,
    },
    /// `secs`: the limit that ran out (0 when the transport's own); `detail`: the transport's
    /// words, if it was the transport's timeout.
    #[error("timeout: {waited:?} after {secs} s {detail}")]
    Timeout {
        #[serde(default)]
        waited: Waited,
        #[serde(default)]
        secs: u64,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        detail: String,
    },
    #[error("stream_cut: {cause:?} {detail}")]
    StreamCut {
        #[serde(default)]
        cause: Cut,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        detail: String,
    },
    #[error("cancelled")]
    Cancelled,
    /// A cloud file that an answer is reading now: it is not deleted.
    #[error("file_in_use: {file_id}")]
    FileInUse {
        #[serde(default)]
        file_id: String,
    },
    /// The answer reached the size Longwen keeps (`limit` bytes) and was stopped there.
    #[error("answer_too_long: {limit} bytes")]
    AnswerTooLong {
        #[serde(default)]
        limit: u64,
    },
    /// A custom address the key has not been confirmed for: nothing was sent there.
    #[error("endpoint_not_confirmed: {host}")]
    EndpointNotConfirmed {
        #[serde(default)]
        host: String,
    },

    // --- local input -------------------------------------------------------------
    /// `name` is the file name alone, for sentences; `path` the whole path.
    #[error("input_missing: {}", .path.display())]
    InputMissing {
        #[serde(default)]
        name: String,
        #[serde(default)]
        path: PathBuf,
    },
    /// The file changed while it was being sent: what arrived is not what was checked.
    #[error("input_changed: {}", .path.display())]
    InputChanged {
        #[serde(default)]
        name: String,
        #[serde(default)]
        path: PathBuf,
    },
    #[error("input_is_directory: {}", .path.display())]
    InputIsDirectory {
        #[serde(default)]
        name: String,
        #[serde(default)]
        path: PathBuf,
    },
    #[error("input_empty: {}", .path.display())]
    InputEmpty {
        #[serde(default)]
        name: String,
        #[serde(default)]
        path: PathBuf,
    },
    /// `legacy` is true for DOC/PPT/PPTX: the person should save as DOCX/PDF.
    #[error("input_unsupported: {} (legacy: {legacy})", .path.display())]
    InputUnsupported {
        #[serde(default)]
        name: String,
        #[serde(default)]
        path: PathBuf,
        #[serde(default)]
        legacy: bool,
    },
    #[error("input_too_large: {} ({size} > {limit} bytes)", .path.display())]
    InputTooLarge {
        #[serde(default)]
        name: String,
        #[serde(default)]
        path: PathBuf,
        #[serde(default)]
        size: u64,
        #[serde(default)]
        limit: u64,
    },
    #[error("input_too_many_documents: {count} > {limit}")]
    InputTooManyDocuments {
        #[serde(default)]
        count: usize,
        #[serde(default)]
        limit: usize,
    },
    #[error("text_too_long: {tokens} > {limit} tokens")]
    TextTooLong {
        #[serde(default)]
        tokens: usize,
        #[serde(default)]
        limit: usize,
    },
    /// The question alone, when documents go with it (the contract's 9,000 tokens).
    #[error("question_too_long: {tokens} > {limit} tokens")]
    QuestionTooLong {
        #[serde(default)]
        tokens: usize,
        #[serde(default)]
        limit: usize,
    },
    #[error("invalid_argument: {problem:?} {value} {detail}")]
    InvalidArgument {
        #[serde(default)]
        problem: Problem,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        value: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        detail: String,
    },
    #[error("not_found: {what:?} {id}")]
    NotFound {
        #[serde(default)]
        what: Entity,
        #[serde(default)]
        id: String,
    },

    // --- ourselves ---------------------------------------------------------------
    #[error("storage: {op:?} {detail}")]
    Storage {
        #[serde(default)]
        op: StorageOp,
        #[serde(default)]
        detail: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        path: Option<PathBuf>,
    },
    /// The database was written by a newer version of Longwen; it is left as it is.
    #[error("database_too_new: {} (version {found}, this app knows {known})", .path.display())]
    DatabaseTooNew {
        #[serde(default)]
        path: PathBuf,
        #[serde(default)]
        found: u64,
        #[serde(default)]
        known: u64,
    },
    /// The database cannot be read (damaged, or not a database); it is left as it is.
    #[error("database_damaged: {}: {detail}", .path.display())]
    DatabaseDamaged {
        #[serde(default)]
        path: PathBuf,
        #[serde(default)]
        detail: String,
    },
    #[error("internal: {detail}")]
    Internal {
        #[serde(default)]
        detail: String,
    },
}

impl Error {
    /// A stable machine-readable name, the same in every language (the `kind` it serialises
    /// with).
    pub fn kind(&self) -> &'static str {
        use Error::*;
        match self {
            KeyMissing => "key_missing",
            KeyRefused(_) => "key_refused",
            KeyringUnavailable { .. } => "keyring_unavailable",
            InsecureUrl { .. } => "insecure_url",
            RateLimited(_) => "rate_limited",
            Arrears(_) => "arrears",
            FreeTierOnly(_) => "free_tier_only",
            ContentRefused(_) => "content_refused",
            ModelNotFound(_) => "model_not_found",
            WrongAddress(_) => "wrong_address",
            FileTooLarge(_) => "file_too_large",
            FileParsing(_) => "file_parsing",
            FileInvalid(_) => "file_invalid",
            FileNotFound(_) => "file_not_found",
            FileFormatUnsupported(_) => "file_format_unsupported",
            FileTooManyPages(_) => "file_too_many_pages",
            FileBlank(_) => "file_blank",
            TooManyFiles(_) => "too_many_files",
            ContextTooLong(_) => "context_too_long",
            UploadQuota(_) => "upload_quota",
            FileParseFailed(_) => "file_parse_failed",
            AccessDenied(_) => "access_denied",
            ModelNotInRegion(_) => "model_not_in_region",
            TooLargeForModel { .. } => "too_large_for_model",
            Service(_) => "service_error",
            Network { .. } => "network",
            Proxy { .. } => "proxy",
            Tls { .. } => "tls",
            Timeout { .. } => "timeout",
            StreamCut { .. } => "stream_cut",
            Cancelled => "cancelled",
            AnswerTooLong { .. } => "answer_too_long",
            FileInUse { .. } => "file_in_use",
            EndpointNotConfirmed { .. } => "endpoint_not_confirmed",
            InputMissing { .. } => "input_missing",
            InputChanged { .. } => "input_changed",
            InputIsDirectory { .. } => "input_is_directory",
            InputEmpty { .. } => "input_empty",
            InputUnsupported { .. } => "input_unsupported",
            InputTooLarge { .. } => "input_too_large",
            InputTooManyDocuments { .. } => "input_too_many_documents",
            TextTooLong { .. } => "text_too_long",
            QuestionTooLong { .. } => "question_too_long",
            InvalidArgument { .. } => "invalid_argument",
            NotFound { .. } => "not_found",
            Storage { .. } => "storage",
            DatabaseTooNew { .. } => "database_too_new",
            DatabaseDamaged { .. } => "database_damaged",
            Internal { .. } => "internal",
        }
    }

    /// What the service said, when this error came from the service.
    pub fn service_info(&self) -> Option<&ServiceInfo> {
        service_variants!(self)
    }

    pub(crate) fn service_info_mut(&mut self) -> Option<&mut ServiceInfo> {
        service_variants!(self)
    }

    pub fn request_id(&self) -> Option<&str> {
        self.service_info().and_then(|s| s.request_id.as_deref())
    }

    /// How long the service asked to wait before trying again, if it did.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            Error::RateLimited(s) => s.retry_after_secs.map(std::time::Duration::from_secs),
            _ => None,
        }
    }

    /// Technical detail for a "details" disclosure and logs: the kind and its fields, never
    /// the key, never a stack trace.
    pub fn detail(&self) -> String {
        self.to_string()
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::storage(StorageOp::Database, e)
    }
}

impl From<rusqlite_migration::Error> for Error {
    fn from(e: rusqlite_migration::Error) -> Self {
        Error::storage(StorageOp::Database, e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn svc() -> Box<ServiceInfo> {
        Box::new(ServiceInfo {
            status: 429,
            code: Some("limit_requests".into()),
            retry_after_secs: Some(3),
            request_id: Some("req-1".into()),
            ..Default::default()
        })
    }

    fn samples() -> Vec<Error> {
        vec![
            Error::KeyMissing,
            Error::KeyRefused(svc()),
            Error::RateLimited(svc()),
            Error::Service(svc()),
            Error::Network {
                detail: "connection refused".into(),
            },
            Error::timeout(Waited::FirstToken, std::time::Duration::from_secs(600)),
            Error::stream_cut(Cut::EndedEarly),
            Error::Cancelled,
            Error::input_unsupported(Path::new("/tmp/合同.doc"), true),
            Error::input_too_large(Path::new("/tmp/a.pdf"), 150_000_001, 150_000_000),
            Error::QuestionTooLong {
                tokens: 9_500,
                limit: 9_000,
            },
            Error::invalid_value(Problem::BadFileId, "a/b"),
            Error::not_found(Entity::Chat, 7),
            Error::storage(StorageOp::TempFile, "disk full"),
        ]
    }

    #[test]
    fn kind_is_the_serialised_tag_and_data_round_trips() {
        for e in samples() {
            let v = serde_json::to_value(&e).unwrap();
            assert_eq!(v["kind"], e.kind(), "{v}");
            let back: Error = serde_json::from_value(v).unwrap();
            assert_eq!(back, e);
        }
    }

    #[test]
    fn a_kind_alone_reads_back() {
        for kind in [
            "input_too_large",
            "stream_cut",
            "key_refused",
            "not_found",
            "cancelled",
        ] {
            let e: Error = serde_json::from_value(serde_json::json!({ "kind": kind })).unwrap();
            assert_eq!(e.kind(), kind);
        }
    }

    #[test]
    fn fields_are_typed_and_flat() {
        let v = serde_json::to_value(Error::RateLimited(svc())).unwrap();
        assert_eq!(v["retry_after_secs"], 3);
        assert_eq!(v["request_id"], "req-1");
        let v =
            serde_json::to_value(Error::input_unsupported(Path::new("/x/合同.doc"), true)).unwrap();
        assert_eq!(v["name"], "合同.doc");
        assert_eq!(v["legacy"], true);
        let v = serde_json::to_value(Error::not_found(Entity::DocumentJob, "j9")).unwrap();
        assert_eq!(v["what"], "document_job");
        assert_eq!(v["id"], "j9");
    }

    #[test]
    fn detail_is_data_not_prose() {
        let e = Error::KeyRefused(Box::new(ServiceInfo {
            status: 401,
            code: Some("invalid_api_key".into()),
            message: Some("Incorrect API key provided.".into()),
            ..Default::default()
        }));
        assert_eq!(
            e.detail(),
            "key_refused: HTTP 401 invalid_api_key: Incorrect API key provided."
        );
    }
}
