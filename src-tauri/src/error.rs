//! What a command rejects with: the core's error rendered in the UI language as
//! `{kind, message, request_id, detail, action, retry_after_secs}` (docs/ipc.md, "Errors").

use longwen_core::{ErrorReport, Lang};
use serde::Serialize;

/// Everything that can go wrong in the shell. Core errors pass through unchanged; the few
/// shell-only failures are mapped onto core kinds so the UI needs no second vocabulary.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Core(#[from] longwen_core::Error),
    #[error("window system error: {0}")]
    Tauri(#[from] tauri::Error),
    #[error("only http and https links can be opened")]
    LinkNotAllowed,
    #[error("could not open the link in the browser: {0}")]
    Browser(String),
    #[error("no retryable document job {0}")]
    UnknownJob(String),
}

impl Error {
    /// The core error this is (or stands for): its kind and zh/en message.
    fn with_core<T>(&self, f: impl FnOnce(&longwen_core::Error) -> T) -> T {
        use longwen_core::Error as C;
        let mapped = match self {
            Error::Core(e) => return f(e),
            Error::Tauri(e) => C::Internal(e.to_string()),
            Error::LinkNotAllowed => C::InvalidArgument(self.to_string()),
            Error::Browser(e) => C::Internal(format!("could not start the browser: {e}")),
            Error::UnknownJob(id) => C::NotFound(format!("document job {id}")),
        };
        f(&mapped)
    }

    /// The serialisable form, in `lang`.
    pub fn report(&self, lang: Lang) -> ErrorReport {
        self.with_core(|e| e.report(lang))
    }

    pub fn kind(&self) -> &'static str {
        self.with_core(|e| e.kind())
    }
}

/// The value a command rejects with (serialises as the report itself).
#[derive(Debug, Clone, Serialize, thiserror::Error, PartialEq, Eq)]
#[serde(transparent)]
#[error("{}: {}", .0.kind, .0.message)]
pub struct AppError(pub Box<ErrorReport>);

impl AppError {
    pub fn new(error: impl Into<Error>, lang: Lang) -> AppError {
        AppError(Box::new(error.into().report(lang)))
    }
}

pub type CmdResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_to_the_contract_shape() {
        let e = AppError::new(longwen_core::Error::KeyMissing, Lang::En);
        let v = serde_json::to_value(&e).unwrap();
        let mut keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "action",
                "detail",
                "kind",
                "message",
                "request_id",
                "retry_after_secs"
            ]
        );
        assert_eq!(v["kind"], "key_missing");
        assert_eq!(v["action"], "open_settings");
    }

    #[test]
    fn shell_errors_follow_the_language() {
        let en = AppError::new(Error::LinkNotAllowed, Lang::En);
        let zh = AppError::new(Error::LinkNotAllowed, Lang::Zh);
        assert_eq!(en.0.kind, "invalid_argument");
        assert_ne!(en.0.message, zh.0.message);
    }
}
