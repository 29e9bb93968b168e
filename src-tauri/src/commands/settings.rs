//! Settings, language, theme, limits and the API key. No command ever returns the key.

use crate::error::CmdResult;
use crate::state::AppState;
use longwen_core::secrets::KeyStatus;
use longwen_core::settings::Settings;
use longwen_core::types::{ChatSummary, Limits};
use longwen_core::Engine;
use serde::Serialize;
use tauri::{Runtime, State, Theme, Window};

/// The chosen theme, or the window's (the desktop's) for "system"; the native window (title
/// bar, GTK widgets) follows the choice.
fn apply_theme<R: Runtime>(theme: &str, window: &Window<R>) -> &'static str {
    let chosen = match theme {
        "dark" => Some(Theme::Dark),
        "light" => Some(Theme::Light),
        _ => None,
    };
    let _ = window.set_theme(chosen);
    match chosen.map(Ok).unwrap_or_else(|| window.theme()) {
        Ok(Theme::Dark) => "dark",
        _ => "light",
    }
}

#[derive(Debug, Serialize)]
pub struct AppStateView {
    pub settings: Settings,
    pub key: KeyStatus,
    /// Set when the keyring could not be asked (for example no unlocked keychain).
    pub key_error: Option<longwen_core::Error>,
    /// `"zh"` or `"en"`: the settings' language, or the system's.
    pub lang: &'static str,
    /// `"light"` or `"dark"`.
    pub theme: &'static str,
    pub chats: Vec<ChatSummary>,
    pub limits: Limits,
    /// `linux`, `macos` or `windows`: the UI names the system's key store by it.
    pub platform: &'static str,
    pub version: &'static str,
}

/// The key's status; a keyring that cannot be asked is reported, not fatal.
fn key_view(engine: &Engine) -> (KeyStatus, Option<longwen_core::Error>) {
    match engine.key_status() {
        Ok(key) => (key, None),
        Err(e) => (KeyStatus::default(), Some(e)),
    }
}

#[tauri::command]
pub async fn get_state<R: Runtime>(
    window: Window<R>,
    state: State<'_, AppState>,
) -> CmdResult<AppStateView> {
    let engine = &state.engine;
    let settings = engine.settings()?;
    let (key, key_error) = key_view(engine);
    Ok(AppStateView {
        theme: apply_theme(&settings.theme, &window),
        lang: settings.lang().code(),
        chats: engine.chats()?,
        limits: engine.limits(),
        platform: std::env::consts::OS,
        version: env!("CARGO_PKG_VERSION"),
        settings,
        key,
        key_error,
    })
}

#[derive(Debug, Serialize)]
pub struct SavedSettings {
    pub settings: Settings,
    pub lang: &'static str,
    pub theme: &'static str,
}

#[tauri::command]
pub async fn save_settings<R: Runtime>(
    window: Window<R>,
    state: State<'_, AppState>,
    settings: Settings,
) -> CmdResult<SavedSettings> {
    let saved = state.engine.save_settings(&settings)?;
    crate::endpoint::confirm_if_needed(&window, &state).await?;
    Ok(SavedSettings {
        theme: apply_theme(&saved.theme, &window),
        lang: saved.lang().code(),
        settings: saved,
    })
}

/// Stores the key in the OS keyring; returns only its status (masked). A key is bound to the
/// custom address it is confirmed for: a new one is asked about.
#[tauri::command]
pub async fn set_api_key<R: Runtime>(
    window: Window<R>,
    state: State<'_, AppState>,
    key: String,
) -> CmdResult<KeyStatus> {
    let key = zeroize::Zeroizing::new(key);
    let status = state.engine.set_key(&key)?;
    crate::endpoint::confirm_if_needed(&window, &state).await?;
    // Another key of the same account may have uploaded these documents already (best effort,
    // in the background: offline, the next add uploads as before).
    let engine = state.engine.clone();
    tauri::async_runtime::spawn(async move { engine.adopt_cloud_files().await });
    Ok(status)
}

/// Asks in a native dialog whether the key and documents may go to the custom address of the
/// settings (when they point to one not confirmed for this key).
#[tauri::command]
pub async fn confirm_endpoint<R: Runtime>(
    window: Window<R>,
    state: State<'_, AppState>,
) -> CmdResult<()> {
    crate::endpoint::confirm_if_needed(&window, &state).await
}

#[tauri::command]
pub async fn delete_api_key(state: State<'_, AppState>) -> CmdResult<KeyStatus> {
    Ok(state.engine.delete_key()?)
}

#[tauri::command]
pub async fn test_connection(state: State<'_, AppState>) -> CmdResult<()> {
    Ok(state.engine.test_connection().await?)
}
