//! A custom service address gets the API Key and the documents only after the person
//! confirmed it in a native dialog that names the host (the webview cannot answer it).

use crate::error::CmdResult;
use crate::state::AppState;
use crate::words;
use tauri::{Manager, Runtime, Window};

/// Asks, when the settings point at a custom host the key was not confirmed for; records the
/// answer. Nothing is asked otherwise.
pub async fn confirm_if_needed<R: Runtime>(window: &Window<R>, state: &AppState) -> CmdResult<()> {
    let Some(host) = state.engine.unconfirmed_endpoint()? else {
        return Ok(());
    };
    let lang = state.engine.settings()?.lang();
    let module = window
        .app_handle()
        .asset_resolver()
        .get(words::file(lang, "endpoint").to_string())
        .map(|a| a.bytes)
        .unwrap_or_default();
    let word = |path: &[&str]| words::lookup(&module, path, &[("host", &host)]).unwrap_or_default();
    let confirm = word(&["endpoint", "confirm"]);
    let mut dialog = rfd::AsyncMessageDialog::new()
        .set_level(rfd::MessageLevel::Warning)
        .set_title(word(&["endpoint", "title"]))
        .set_description(word(&["endpoint", "body"]))
        .set_buttons(rfd::MessageButtons::OkCancelCustom(
            confirm.clone(),
            word(&["common", "cancel"]),
        ));
    if let Some(main) = window.app_handle().get_webview_window("main") {
        dialog = dialog.set_parent(&main);
    }
    let yes = match dialog.show().await {
        rfd::MessageDialogResult::Custom(label) => label == confirm,
        rfd::MessageDialogResult::Ok => true,
        _ => false,
    };
    if yes {
        state.engine.confirm_endpoint(&host)?;
    }
    Ok(())
}
