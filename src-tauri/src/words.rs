//! The UI's own strings (`ui/i18n/<lang>.js` and `<lang>.errors.js`, embedded with the app),
//! read by the shell for the few native dialogs it shows, so the shell holds no sentence of its
//! own.

use longwen_core::Lang;

/// The file of a language's strings under `top` (the first key of a path), as the webview
/// loads it: the error sentences have files of their own.
pub fn file(lang: Lang, top: &str) -> &'static str {
    match (lang, top == "errors") {
        (Lang::Zh, false) => "i18n/zh-CN.js",
        (Lang::Zh, true) => "i18n/zh-CN.errors.js",
        (Lang::En, false) => "i18n/en.js",
        (Lang::En, true) => "i18n/en.errors.js",
    }
}

/// A string by its path in a strings module (`export default {JSON};`), with `{name}` filled.
pub fn lookup(module: &[u8], path: &[&str], params: &[(&str, &str)]) -> Option<String> {
    let text = std::str::from_utf8(module).ok()?;
    let json = text
        .split_once("export default")?
        .1
        .trim()
        .trim_end_matches(';');
    let table: serde_json::Value = serde_json::from_str(json).ok()?;
    let mut v = &table;
    for key in path {
        v = v.get(key)?;
    }
    let mut s = v.as_str()?.to_string();
    for (name, value) in params {
        s = s.replace(&format!("{{{name}}}"), value);
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_string_and_fills_it() {
        let module = br#"// strings
export default {"a": {"b": "Send to {host}?"}};
"#;
        assert_eq!(
            lookup(module, &["a", "b"], &[("host", "x.example")]).as_deref(),
            Some("Send to x.example?")
        );
        assert_eq!(lookup(module, &["a", "c"], &[]), None);
    }
}
