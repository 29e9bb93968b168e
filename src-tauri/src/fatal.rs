//! The one error met before the window exists (the data folder cannot be opened): shown in a
//! native dialog, worded from the UI's own strings.

use crate::words;
use longwen_core::{Error, Lang};
use tauri::utils::assets::AssetKey;
use tauri::{Context, Runtime};

/// A string of the UI, by its path, in the system's language.
fn word<R: Runtime>(context: &Context<R>, path: &[&str]) -> Option<String> {
    let module = context
        .assets()
        .get(&AssetKey::from(words::file(Lang::from_env(), path[0])))?;
    words::lookup(&module, path, &[])
}

/// The sentence for `error` and the app's title, in the system's language.
pub fn words<R: Runtime>(context: &Context<R>, error: &Error) -> (String, String) {
    let message = word(context, &["errors", "kinds", error.kind()])
        .or_else(|| word(context, &["errors", "generic"]))
        .unwrap_or_default();
    let title = word(context, &["app", "title"]).unwrap_or_default();
    (title, message)
}

/// For a database that cannot be used (newer or damaged): asks whether to move it aside and
/// start afresh. True when the person chose to.
pub fn offer_move_aside<R: Runtime>(context: &Context<R>, error: &Error) -> bool {
    let (title, message) = words(context, error);
    let move_it = word(context, &["fatal", "moveAside"]).unwrap_or_else(|| "OK".into());
    let quit = word(context, &["fatal", "quit"]).unwrap_or_else(|| "Cancel".into());
    let answer = rfd::MessageDialog::new()
        .set_level(rfd::MessageLevel::Warning)
        .set_title(title)
        .set_description(format!("{message}\n\n{}", error.detail()))
        .set_buttons(rfd::MessageButtons::OkCancelCustom(move_it.clone(), quit))
        .show();
    match answer {
        rfd::MessageDialogResult::Custom(label) => label == move_it,
        rfd::MessageDialogResult::Ok => true,
        _ => false,
    }
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
