//! The commands the webview may call (docs/ipc.md); each is a few lines over the core.

pub mod chat;
pub mod documents;
pub mod library;
pub mod links;
pub mod previews;
pub mod settings;
pub mod workspace;

use tauri::{Manager, Runtime, Window};

/// A native file dialog, modal to the main window.
fn file_dialog<R: Runtime>(window: &Window<R>) -> rfd::AsyncFileDialog {
    let dialog = rfd::AsyncFileDialog::new();
    match window.app_handle().get_webview_window("main") {
        Some(main) => dialog.set_parent(&main),
        None => dialog,
    }
}
