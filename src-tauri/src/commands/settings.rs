//! Settings, language, theme and the API key. No command ever returns the key.

use crate::error::CmdResult;
use crate::state::AppState;
use longwen_core::engine::ChatSummary;
use longwen_core::secrets::KeyStatus;
use longwen_core::settings::{is_rate_limited_snapshot, Settings};
use longwen_core::{ErrorReport, Lang};
use serde::Serialize;
use tauri::{Runtime, State, Theme, Window};

/// `"system"` follows the OS locale; otherwise the chosen language.
pub fn resolve_lang(language: &str) -> Lang {
    match language {
        "system" | "" => Lang::from_env(),
        other => Lang::parse(other).unwrap_or_else(Lang::from_env),
    }
}

/// `"system"` follows the window (the desktop's theme); otherwise the chosen theme.
pub fn resolve_theme<R: Runtime>(theme: &str, window: &Window<R>) -> &'static str {
    match theme {
        "dark" => "dark",
        "light" => "light",
        _ => match window.theme() {
            Ok(Theme::Dark) => "dark",
            _ => "light",
        },
    }
}

/// Gives the native window (title bar, GTK widgets) the chosen theme.
fn apply_theme<R: Runtime>(theme: &str, window: &Window<R>) {
    let native = match theme {
        "dark" => Some(Theme::Dark),
        "light" => Some(Theme::Light),
        _ => None,
    };
    let _ = window.set_theme(native);
}

#[derive(Debug, Serialize)]
pub struct AppStateView {
    pub settings: Settings,
    pub key: KeyStatus,
    /// Set when the keyring could not be asked (for example no unlocked keychain).
    pub key_error: Option<ErrorReport>,
    pub lang: &'static str,
    pub theme: &'static str,
    pub chats: Vec<ChatSummary>,
    /// The chat drops and Open-with go to, if one is open.
    pub current_chat: Option<i64>,
    pub version: &'static str,
}

#[tauri::command]
pub fn get_state<R: Runtime>(
    window: Window<R>,
    state: State<'_, AppState>,
) -> CmdResult<AppStateView> {
    let engine = &state.engine;
    let settings = engine.settings().map_err(|e| state.err(e))?;
    let lang = resolve_lang(&settings.language);
    engine.set_lang(lang);
    let (key, key_error) = match engine.key_status() {
        Ok(key) => (key, None),
        Err(e) => (
            KeyStatus {
                present: false,
                source: None,
                masked: None,
            },
            Some(e.report(lang)),
        ),
    };
    let chats = engine.chats().map_err(|e| state.err(e))?;
    apply_theme(&settings.theme, &window);
    Ok(AppStateView {
        theme: resolve_theme(&settings.theme, &window),
        lang: lang.code(),
        settings,
        key,
        key_error,
        chats,
        current_chat: state.current_chat(),
        version: env!("CARGO_PKG_VERSION"),
    })
}

#[derive(Debug, Serialize)]
pub struct SavedSettings {
    pub settings: Settings,
    pub lang: &'static str,
    pub theme: &'static str,
    /// A sentence in the UI language, e.g. about the 3-requests-a-minute snapshot.
    pub warning: Option<String>,
}

#[tauri::command]
pub fn save_settings<R: Runtime>(
    window: Window<R>,
    state: State<'_, AppState>,
    settings: Settings,
) -> CmdResult<SavedSettings> {
    let saved = state
        .engine
        .save_settings(&settings)
        .map_err(|e| state.err(e))?;
    let lang = resolve_lang(&saved.language);
    state.engine.set_lang(lang);
    apply_theme(&saved.theme, &window);
    let warning = is_rate_limited_snapshot(&saved.model).then(|| match lang {
        Lang::En => format!(
            "The snapshot {} is limited to 3 requests a minute. Choose qwen-long for everyday use.",
            saved.model
        ),
        Lang::Zh => format!(
            "快照版 {} 每分钟只能请求 3 次。日常使用请选择 qwen-long。",
            saved.model
        ),
    });
    Ok(SavedSettings {
        theme: resolve_theme(&saved.theme, &window),
        lang: lang.code(),
        settings: saved,
        warning,
    })
}

/// Stores the key in the OS keyring; returns only its status (masked).
#[tauri::command]
pub fn set_api_key(state: State<'_, AppState>, key: String) -> CmdResult<KeyStatus> {
    let key = zeroize::Zeroizing::new(key);
    state.engine.set_key(&key).map_err(|e| state.err(e))
}

#[tauri::command]
pub fn delete_api_key(state: State<'_, AppState>) -> CmdResult<KeyStatus> {
    state.engine.delete_key().map_err(|e| state.err(e))
}

#[tauri::command]
pub async fn test_connection(state: State<'_, AppState>) -> CmdResult<()> {
    state
        .engine
        .test_connection()
        .await
        .map_err(|e| state.err(e))
}
