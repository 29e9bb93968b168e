//! Which links may leave the app for the system browser: absolute http(s) URLs with a host.

use crate::error::{Error, Problem, Result};

/// The link, parsed, when it may be opened.
pub fn check_link(link: &str) -> Result<url::Url> {
    // The link is not echoed back: it is the caller's own input and may carry anything.
    let refused = || Error::invalid(Problem::LinkNotAllowed);
    let parsed = url::Url::parse(link.trim()).map_err(|_| refused())?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
        return Err(refused());
    }
    Ok(parsed)
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
            let e = check_link(bad).unwrap_err();
            assert_eq!(e.kind(), "invalid_argument", "{bad}");
        }
    }
}
