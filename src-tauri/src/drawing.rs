//! How WebKitGTK draws, chosen before the first webview exists.

use std::path::Path;

/// WebKit's switch for its compositor; "0" keeps it on, anything else turns it off.
pub const COMPOSITING_OFF: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// Without a GPU (no DRM render node), WebKitGTK composites on llvmpipe, software GL. With a
/// 2,000-message conversation that cost over a second before its first frame and ~170 MB
/// more than drawing without the compositor (docs/benchmarks.md), so we draw without it
/// then. A value the person set wins. Call it before any thread starts (it sets the
/// process's environment).
pub fn choose_before_start() {
    if let Some(value) = chosen() {
        std::env::set_var(COMPOSITING_OFF, value);
    }
}

/// The value the app sets for [`COMPOSITING_OFF`] on this machine, if any (the benches give
/// their bare reference window the same).
pub fn chosen() -> Option<&'static str> {
    (cfg!(target_os = "linux")
        && std::env::var_os(COMPOSITING_OFF).is_none()
        && !has_render_node(Path::new("/dev/dri")))
    .then_some("1")
}

/// Whether `dir` holds a GPU render node (`renderD128`, …).
pub fn has_render_node(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    })
}

#[cfg(test)]
mod tests {
    use super::has_render_node;

    #[test]
    fn a_render_node_means_a_gpu() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!has_render_node(&dir.path().join("missing")));
        assert!(!has_render_node(dir.path()));
        std::fs::write(dir.path().join("card0"), b"").unwrap();
        assert!(
            !has_render_node(dir.path()),
            "a display card alone renders nothing"
        );
        std::fs::write(dir.path().join("renderD128"), b"").unwrap();
        assert!(has_render_node(dir.path()));
    }
}
