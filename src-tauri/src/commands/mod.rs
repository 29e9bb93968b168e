//! The commands the webview may call (docs/ipc.md); each is a few lines over the core.

pub mod chat;
pub mod documents;
pub mod library;
pub mod links;
pub mod previews;
pub mod settings;
pub mod workspace;
