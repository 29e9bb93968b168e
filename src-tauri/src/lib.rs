//! Longwen's desktop shell: a thin Tauri layer over `longwen_core::Engine`.
//!
//! - [`commands`]: what the webview may call (docs/ipc.md), each a few lines over the core.
//! - [`jobs`], [`answers`]: document jobs and running answers on the async runtime.
//! - [`state`]: the managed state (engine, document channel, cancel handles, pending paths).
//! - [`error`]: the error every command rejects with (the core's, as data).
//! - [`drawing`]: how WebKitGTK draws (without its compositor when there is no GPU).
//!
//! Documents named by the operating system (a drop on the window, "Open with") wait in
//! `AppState` until the UI says which chat they go to (`add_pending_documents`); picked files
//! go straight to the chat the UI names. Both become core jobs through [`jobs::add_paths`].

pub mod answers;
pub mod command_names;
pub mod commands;
pub mod drawing;
mod endpoint;
pub mod error;
pub mod fatal;
pub mod jobs;
pub mod navigation;
pub mod state;
mod words;

use longwen_core::{Engine, EngineConfig};
use state::AppState;
use std::path::PathBuf;
use tauri::{DragDropEvent, Emitter, Manager, RunEvent, Runtime, WindowEvent};

/// The event that tells the UI documents are waiting for a chat.
pub const DOCUMENTS_PENDING: &str = "documents-pending";

/// The app's commands, window events and managed state on any runtime (the real one, or the
/// mock runtime in unit tests).
pub fn builder<R: Runtime>(builder: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    builder
        .plugin(navigation::guard())
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::settings::get_state,
            commands::settings::save_settings,
            commands::settings::set_api_key,
            commands::settings::confirm_endpoint,
            commands::settings::delete_api_key,
            commands::settings::test_connection,
            commands::chat::list_chats,
            commands::chat::open_chat,
            commands::chat::earlier_messages,
            commands::chat::delete_chat,
            commands::documents::watch_documents,
            commands::documents::add_pending_documents,
            commands::documents::discard_pending_documents,
            commands::documents::pick_documents,
            commands::documents::retry_document,
            commands::documents::estimate_text,
            commands::documents::add_text,
            commands::documents::add_text_as_file,
            commands::documents::remove_document,
            commands::chat::ask,
            commands::chat::stop_answer,
            commands::chat::regenerate,
            commands::links::open_link,
            commands::workspace::rename_chat,
            commands::workspace::search_chats,
            commands::workspace::edit_question,
            commands::workspace::copy_answer,
            commands::workspace::export_chat,
            commands::workspace::costs,
            commands::library::library,
            commands::library::add_library_documents,
            commands::library::remove_library_document,
            commands::library::cloud_files,
            commands::library::delete_cloud_files,
            commands::previews::preview_document,
            commands::previews::preview_text,
            commands::previews::find_in_document,
            commands::previews::answer_quotes,
            commands::previews::estimate_question,
            commands::previews::send_text_instead,
        ])
        .on_window_event(|window, event| {
            if let WindowEvent::DragDrop(DragDropEvent::Drop { paths, .. }) = event {
                window.state::<AppState>().queue_paths(paths.clone(), false);
                let _ = window.emit_to("main", DOCUMENTS_PENDING, ());
            }
        })
}

/// Documents named on the command line ("Open with"): everything that is not an option,
/// made absolute.
pub fn open_with_paths(args: impl IntoIterator<Item = std::ffi::OsString>) -> Vec<PathBuf> {
    let cwd = std::env::current_dir().unwrap_or_default();
    args.into_iter()
        .filter(|a| !a.to_string_lossy().starts_with('-'))
        .map(PathBuf::from)
        .map(|p| if p.is_absolute() { p } else { cwd.join(p) })
        .collect()
}

/// The engine, or the reason there is none: a database that cannot be used is offered to be
/// moved aside (never deleted) and opened afresh.
fn open_engine<R: Runtime>(context: &tauri::Context<R>) -> Engine {
    loop {
        let config = EngineConfig::from_env().unwrap_or_else(|e| fatal::exit(context, &e));
        match Engine::open(config.clone()) {
            Ok(engine) => return engine,
            Err(
                e @ (longwen_core::Error::DatabaseTooNew { .. }
                | longwen_core::Error::DatabaseDamaged { .. }),
            ) => {
                if !fatal::offer_move_aside(context, &e) {
                    std::process::exit(1);
                }
                if let Err(e) = longwen_core::store::move_aside(&config.data_dir) {
                    fatal::exit(context, &e);
                }
            }
            Err(e) => fatal::exit(context, &e),
        }
    }
}

pub fn run() {
    let context = tauri::generate_context!();
    let engine = open_engine(&context);
    let state = AppState::new(engine);
    state.queue_paths(open_with_paths(std::env::args_os().skip(1)), true);
    let app = match builder(tauri::Builder::default(), state).build(context) {
        Ok(app) => app,
        Err(e) => {
            eprintln!("longwen: {e}");
            std::process::exit(1)
        }
    };
    app.run(|app, event| {
        if let RunEvent::Exit = event {
            app.state::<AppState>().shutdown.cancel();
        }
    });
}

#[cfg(test)]
mod tests;
