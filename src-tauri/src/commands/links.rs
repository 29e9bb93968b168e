//! Links in answers open in the system browser (the UI asks the person first). No opener
//! plugin is granted to the webview: this command is the only way out.

use crate::error::{CmdResult, Error};
use crate::state::AppState;
use tauri::{State, Url};

/// Only absolute http(s) URLs with a host.
pub fn check_link(url: &str) -> Result<Url, Error> {
    let parsed = Url::parse(url.trim()).map_err(|_| Error::LinkNotAllowed)?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
        return Err(Error::LinkNotAllowed);
    }
    Ok(parsed)
}

#[tauri::command]
pub fn open_link(state: State<'_, AppState>, url: String) -> CmdResult<()> {
    let url = check_link(&url).map_err(|e| state.err(e))?;
    open::that_detached(url.as_str()).map_err(|e| state.err(Error::Browser(e.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_links_open() {
        assert!(check_link("https://help.aliyun.com/zh/model-studio/").is_ok());
        assert!(check_link("http://example.com/a?b=c").is_ok());
        for bad in [
            "file:///etc/passwd",
            "javascript:alert(1)",
            "ftp://example.com",
            "data:text/html,hi",
            "/relative",
            "https://",
            "smb://server/share",
        ] {
            assert!(check_link(bad).is_err(), "{bad}");
        }
    }
}
