//! What a command rejects with: the core's error as data, `{kind, ...fields}`
//! (docs/ipc.md, "Errors"). The UI words it from `ui/i18n/<lang>.js`; nothing here is a
//! sentence. The few shell-only failures are core kinds too, so the UI has one vocabulary.

use serde::{Serialize, Serializer};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Core(#[from] longwen_core::Error),
    #[error("window system: {0}")]
    Tauri(#[from] tauri::Error),
    /// The system browser could not be started.
    #[error("browser: {0}")]
    Browser(String),
    /// The clipboard could not be written.
    #[error("clipboard: {0}")]
    Clipboard(String),
    /// An export could not be written where the person chose.
    #[error("save: {0}")]
    Save(String),
}

impl Error {
    /// The core error this is, or stands for.
    pub fn to_core(&self) -> longwen_core::Error {
        match self {
            Error::Core(e) => e.clone(),
            other => longwen_core::Error::internal(other),
        }
    }
}

impl Serialize for Error {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_core().serialize(serializer)
    }
}

pub type CmdResult<T> = Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_the_kind_and_its_fields() {
        let e = Error::from(longwen_core::Error::QuestionTooLong {
            tokens: 9_500,
            limit: 9_000,
        });
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"kind": "question_too_long", "tokens": 9500, "limit": 9000})
        );
        let v = serde_json::to_value(Error::Browser("no xdg-open".into())).unwrap();
        assert_eq!(v["kind"], "internal");
        assert_eq!(v["detail"], "browser: no xdg-open");
    }
}
