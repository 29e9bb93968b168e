// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // Before any thread: it may set an environment variable WebKit reads.
    longwen_desktop::drawing::choose_before_start();
    longwen_desktop::run()
}
