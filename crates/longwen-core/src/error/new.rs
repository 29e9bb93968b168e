//! Constructors for the variants whose fields are derived (a file's name from its path) or
//! mostly empty.

use super::{Cut, Entity, Error, Problem, ServiceInfo, StorageOp, Waited};
use std::path::Path;

/// The file name of `path` (the whole path when it has none), as sentences name a file.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

impl Error {
    pub fn input_missing(path: &Path) -> Error {
        Error::InputMissing {
            name: file_name(path),
            path: path.to_path_buf(),
        }
    }

    pub fn input_changed(path: &Path) -> Error {
        Error::InputChanged {
            name: file_name(path),
            path: path.to_path_buf(),
        }
    }

    pub fn input_is_directory(path: &Path) -> Error {
        Error::InputIsDirectory {
            name: file_name(path),
            path: path.to_path_buf(),
        }
    }

    pub fn input_empty(path: &Path) -> Error {
        Error::InputEmpty {
            name: file_name(path),
            path: path.to_path_buf(),
        }
    }

    pub fn input_unsupported(path: &Path, legacy: bool) -> Error {
        Error::InputUnsupported {
            name: file_name(path),
            path: path.to_path_buf(),
            legacy,
        }
    }

    pub fn input_too_large(path: &Path, size: u64, limit: u64) -> Error {
        Error::InputTooLarge {
            name: file_name(path),
            path: path.to_path_buf(),
            size,
            limit,
        }
    }

    pub fn invalid(problem: Problem) -> Error {
        Error::InvalidArgument {
            problem,
            value: String::new(),
            detail: String::new(),
        }
    }

    pub fn invalid_value(problem: Problem, value: impl Into<String>) -> Error {
        Error::InvalidArgument {
            problem,
            value: value.into(),
            detail: String::new(),
        }
    }

    pub fn not_found(what: Entity, id: impl ToString) -> Error {
        Error::NotFound {
            what,
            id: id.to_string(),
        }
    }

    pub fn storage(op: StorageOp, detail: impl ToString) -> Error {
        Error::Storage {
            op,
            detail: detail.to_string(),
            path: None,
        }
    }

    pub fn internal(detail: impl ToString) -> Error {
        Error::Internal {
            detail: detail.to_string(),
        }
    }

    pub fn timeout(waited: Waited, limit: std::time::Duration) -> Error {
        Error::Timeout {
            waited,
            secs: limit.as_secs(),
            detail: String::new(),
        }
    }

    pub fn stream_cut(cause: Cut) -> Error {
        Error::StreamCut {
            cause,
            detail: String::new(),
        }
    }
}

impl Error {
    /// One error of every kind, with plausible fields: for the faces' tests that each kind is
    /// worded. A test in this module keeps the list complete.
    pub fn examples() -> Vec<Error> {
        let svc = |status| {
            Box::new(ServiceInfo {
                status,
                code: Some("code".into()),
                message: Some("message".into()),
                request_id: Some("req-1".into()),
                retry_after_secs: None,
            })
        };
        let doc = Path::new("/tmp/合同.doc");
        vec![
            Error::KeyMissing,
            Error::KeyRefused(svc(401)),
            Error::KeyringUnavailable {
                backend: "secret-service".into(),
                detail: "no session bus".into(),
            },
            Error::InsecureUrl {
                url: "http://example.com/v1".into(),
            },
            Error::RateLimited(svc(429)),
            Error::Arrears(svc(400)),
            Error::FreeTierOnly(svc(403)),
            Error::ContentRefused(svc(400)),
            Error::ModelNotFound(svc(404)),
            Error::WrongAddress(svc(404)),
            Error::FileTooLarge(svc(400)),
            Error::FileParsing(svc(400)),
            Error::FileInvalid(svc(400)),
            Error::FileNotFound(svc(400)),
            Error::FileFormatUnsupported(svc(400)),
            Error::FileTooManyPages(svc(400)),
            Error::FileBlank(svc(400)),
            Error::TooManyFiles(svc(400)),
            Error::ContextTooLong(svc(400)),
            Error::UploadQuota(svc(400)),
            Error::FileParseFailed(svc(200)),
            Error::AccessDenied(svc(403)),
            Error::ModelNotInRegion(svc(404)),
            Error::Service(svc(500)),
            Error::TooLargeForModel {
                model: "qwen-long-latest".into(),
                tokens: 2_000_000,
                limit: 60_000,
            },
            Error::Network {
                detail: "connection refused".into(),
            },
            Error::Proxy {
                detail: "HTTP 407".into(),
            },
            Error::Tls {
                detail: "unknown issuer".into(),
            },
            Error::timeout(Waited::FirstToken, std::time::Duration::from_secs(600)),
            Error::stream_cut(Cut::EndedEarly),
            Error::Cancelled,
            Error::AnswerTooLong { limit: 4_000_000 },
            Error::FileInUse {
                file_id: "file-fe-1".into(),
            },
            Error::EndpointNotConfirmed {
                host: "gateway.example.com".into(),
            },
            Error::input_missing(doc),
            Error::input_changed(doc),
            Error::input_is_directory(Path::new("/tmp/合同")),
            Error::input_empty(doc),
            Error::input_unsupported(doc, true),
            Error::input_too_large(doc, 150_000_001, 150_000_000),
            Error::InputTooManyDocuments {
                count: 120,
                limit: 99,
            },
            Error::TextTooLong {
                tokens: 9_500,
                limit: 9_000,
            },
            Error::QuestionTooLong {
                tokens: 9_500,
                limit: 9_000,
            },
            Error::invalid(Problem::EmptyQuestion),
            Error::not_found(Entity::Chat, 7),
            Error::storage(StorageOp::TempFile, "disk full"),
            Error::DatabaseTooNew {
                path: "/home/a/.local/share/longwen/longwen.db".into(),
                found: 9,
                known: 5,
            },
            Error::DatabaseDamaged {
                path: "/home/a/.local/share/longwen/longwen.db".into(),
                detail: "file is not a database".into(),
            },
            Error::internal("bug"),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind `Error::kind` knows has an example (a new variant fails here until added).
    #[test]
    fn examples_cover_every_kind() {
        let kinds: std::collections::BTreeSet<&str> =
            Error::examples().iter().map(Error::kind).collect();
        let source = include_str!("mod.rs");
        let body = &source[source.find("pub fn kind(&self)").unwrap()..];
        let body = &body[..body.find("\n    }\n").unwrap()];
        let named: std::collections::BTreeSet<&str> = body.split('"').skip(1).step_by(2).collect();
        assert_eq!(kinds, named);
    }
}
