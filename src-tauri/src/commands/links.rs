//! Links in answers open in the system browser (the UI asks the person first). No opener
//! plugin is granted to the webview: this command is the only way out.

use crate::error::{CmdResult, Error};

/// Only http(s) links with a host (the core's rule).
#[tauri::command]
pub fn open_link(url: String) -> CmdResult<()> {
    let url = longwen_core::links::check_link(&url)?;
    open::that_detached(url.as_str()).map_err(|e| Error::Browser(e.to_string()))
}
