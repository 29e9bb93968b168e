//! Longwen's engine. No Tauri, no UI, no words: everything a face (the CLI, the desktop app)
//! needs, as data. Layers, each importing only from those below it:
//!
//! - [`engine`]: the facade the faces use (the only `impl Engine`).
//! - `answers`, `documents`: the services (asking and streaming; adding and uploading).
//! - `session`: the key, the base URL in force and the client for them.
//! - [`store`]: SQLite, one module per table group.
//! - [`client`]: DashScope's OpenAI-compatible API (files, streaming chat).
//! - [`checks`], [`links`], [`names`], [`settings`], [`secrets`]: rules and the key.
//! - [`types`], [`error`]: the domain types, and one error type (a kind plus typed fields).

mod answers;
pub mod checks;
pub mod client;
mod documents;
pub mod engine;
pub mod error;
pub mod estimates;
pub mod export;
pub mod extract;
pub mod links;
pub mod names;
pub mod previews;
pub mod quotes;
pub mod render;
pub mod secrets;
mod session;
pub mod settings;
pub mod stamp;
pub mod store;
pub mod types;

pub use documents::jobs::{JobEventFn, JobPlan};
pub use documents::{hash_file, ProgressFn};
pub use engine::{Engine, EngineConfig};
pub use error::{Error, Result};
pub use settings::Lang;
pub use tokio_util::sync::CancellationToken;
