//! Declares the app's commands so tauri-build generates one `allow-<command>` permission for
//! each; `capabilities/main.json` grants exactly those (and nothing from any plugin).

include!("src/command_names.rs");

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/src/command_names.rs");
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {error:#}");
    }
}
