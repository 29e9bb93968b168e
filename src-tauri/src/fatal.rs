//! The one error met before the window exists (the data folder cannot be opened): shown in a
//! native dialog, worded from the UI's own strings (`ui/i18n/<lang>.js`, embedded with the
//! app), so the shell holds no sentence of its own.

use longwen_core::{Error, Lang};
use tauri::utils::assets::AssetKey;
use tauri::{Context, Runtime};

/// The strings table of `lang`: the module is `export default {JSON};`.
fn strings<R: Runtime>(context: &Context<R>, lang: Lang) -> Option<serde_json::Value> {
    let file = match lang {
        Lang::Zh => "i18n/zh-CN.js",
        Lang::En => "i18n/en.js",
    };
    let bytes = context.assets().get(&AssetKey::from(file))?;
    let text = std::str::from_utf8(&bytes).ok()?;
    let json = text
        .split_once("export default")?
        .1
        .trim()
        .trim_end_matches(';');
    serde_json::from_str(json).ok()
}

/// The sentence for `error` and the app's title, in the system's language.
pub fn words<R: Runtime>(context: &Context<R>, error: &Error) -> (String, String) {
    let table = strings(context, Lang::from_env());
    let get = |path: &[&str]| {
        let mut v = table.as_ref()?;
        for key in path {
            v = v.get(key)?;
        }
        v.as_str().map(str::to_string)
    };
    let message = get(&["errors", "kinds", error.kind()])
        .or_else(|| get(&["errors", "generic"]))
        .unwrap_or_default();
    let title = get(&["app", "title"]).unwrap_or_default();
    (title, message)
}

/// Shows the error and ends the process.
pub fn exit<R: Runtime>(context: &Context<R>, error: &Error) -> ! {
    let (title, message) = words(context, error);
    eprintln!("longwen: {message} ({})", error.detail());
    let _ = rfd::MessageDialog::new()
        .set_level(rfd::MessageLevel::Error)
        .set_title(title)
        .set_description(format!("{message}\n\n{}", error.detail()))
        .show();
    std::process::exit(1)
}
