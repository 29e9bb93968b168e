//! Longwen's desktop shell: a thin Tauri layer over `longwen_core::Engine`.
//!
//! - [`commands`]: what the webview may call (docs/ipc.md).
//! - [`state`]: the managed state (engine, current chat, channels, cancel handles, jobs).
//! - [`error`]: the `AppError` every command rejects with.
//!
//! Documents arrive three ways and take one path ([`commands::documents::add_paths`]): a drop
//! on the window (`WindowEvent::DragDrop`), the native picker, and paths on the command line.

pub mod command_names;
pub mod commands;
pub mod error;
pub mod state;

use longwen_core::engine::EngineConfig;
use longwen_core::Engine;
use state::AppState;
use std::path::PathBuf;
use tauri::{DragDropEvent, Manager, RunEvent, Runtime, WindowEvent};

/// The app's commands, window events and managed state on any runtime (the real one, or the
/// mock runtime in unit tests).
pub fn builder<R: Runtime>(builder: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    builder
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::settings::get_state,
            commands::settings::save_settings,
            commands::settings::set_api_key,
            commands::settings::delete_api_key,
            commands::settings::test_connection,
            commands::chat::list_chats,
            commands::chat::open_chat,
            commands::chat::delete_chat,
            commands::documents::watch_documents,
            commands::documents::pick_documents,
            commands::documents::retry_document,
            commands::documents::add_text,
            commands::documents::add_text_as_file,
            commands::documents::remove_document,
            commands::chat::ask,
            commands::chat::stop_answer,
            commands::chat::regenerate,
            commands::links::open_link,
        ])
        .on_window_event(|window, event| {
            if let WindowEvent::DragDrop(DragDropEvent::Drop { paths, .. }) = event {
                let state = window.state::<AppState>();
                commands::documents::add_paths(&state, paths.clone());
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

/// Opens the engine with the language the settings ask for.
pub fn open_engine(config: EngineConfig) -> longwen_core::Result<Engine> {
    let engine = Engine::open(config)?;
    let settings = engine.settings()?;
    engine.set_lang(commands::settings::resolve_lang(&settings.language));
    Ok(engine)
}

fn fatal(error: &longwen_core::Error) -> ! {
    let lang = longwen_core::Lang::from_env();
    let report = error.report(lang);
    eprintln!("longwen: {} ({})", report.message, report.detail);
    let _ = rfd::MessageDialog::new()
        .set_level(rfd::MessageLevel::Error)
        .set_title("长文 Longwen")
        .set_description(format!("{}\n\n{}", report.message, report.detail))
        .show();
    std::process::exit(1)
}

pub fn run() {
    let engine = match EngineConfig::from_env().and_then(open_engine) {
        Ok(engine) => engine,
        Err(error) => fatal(&error),
    };
    let state = AppState::new(engine);
    state.queue_open_with(open_with_paths(std::env::args_os().skip(1)));

    let app = builder(tauri::Builder::default(), state)
        .build(tauri::generate_context!())
        .unwrap_or_else(|e| fatal(&longwen_core::Error::Internal(e.to_string())));
    app.run(|app, event| {
        if let RunEvent::Exit = event {
            app.state::<AppState>().shutdown.cancel();
        }
    });
}

#[cfg(test)]
mod tests;
