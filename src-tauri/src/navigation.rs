//! The main window shows the app and nothing else: any navigation away from the app's own
//! origin (a link followed by the webview itself, "Open Link" in its menu, a script) is
//! refused. Links in answers leave through `open_link`, to the system browser, after asking.

use tauri::plugin::TauriPlugin;
use tauri::{Runtime, Url};

/// The app's own pages: `tauri://localhost` (Linux, macOS) or `http(s)://tauri.localhost`
/// (Windows).
pub fn is_app_origin(url: &Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        _ => false,
    }
}

pub fn guard<R: Runtime>() -> TauriPlugin<R> {
    tauri::plugin::Builder::new("navigation-guard")
        .on_navigation(|_, url| is_app_origin(url))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_app_itself() {
        let ok = |u: &str| is_app_origin(&Url::parse(u).unwrap());
        assert!(ok("tauri://localhost/index.html"));
        assert!(ok("http://tauri.localhost/"));
        for bad in [
            "https://example.com/",
            "http://localhost:8080/",
            "file:///etc/passwd",
            "tauri://evil.example/",
            "about:blank",
            "data:text/html,hi",
        ] {
            assert!(!ok(bad), "{bad}");
        }
    }
}
