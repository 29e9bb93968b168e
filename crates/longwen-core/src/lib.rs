//! Longwen's engine. No Tauri, no UI: everything a face (the CLI, the desktop app) needs.
//!
//! - [`client`]: DashScope's OpenAI-compatible API (files, streaming chat).
//! - [`engine`]: the facade the faces use: documents, conversations, settings, the key.
//! - [`error`]: one error type with a stable kind and zh/en messages.

pub mod checks;
pub mod client;
pub mod conversations;
pub mod engine;
pub mod error;
pub mod library;
pub mod secrets;
pub mod settings;
pub mod store;

pub use engine::Engine;
pub use error::{Error, ErrorReport, Lang, Result};
pub use tokio_util::sync::CancellationToken;
