//! Constructors for the variants whose fields are derived (a file's name from its path) or
//! mostly empty.

use super::{Cut, Entity, Error, Problem, StorageOp, Waited};
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
