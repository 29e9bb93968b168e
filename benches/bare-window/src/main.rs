//! A bare Tauri 2 window: nothing but a page with one focused input.

fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!())
        .expect("the bare window");
}
