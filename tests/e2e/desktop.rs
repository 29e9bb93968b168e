//! What the desktop gives: a real drag and drop (xdotool and a GTK drag source), the file
//! chooser, and the sidebar in a narrow window.

use crate::harness::Suite;
use crate::sidebar::{chat_with_question, ESCAPE};
use crate::with_key;
use anyhow::{bail, ensure, Context, Result};
use std::time::{Duration, Instant};

/// Runs xdotool (the display is the suite's Xvfb).
pub fn xdotool(args: &[&str]) -> Result<String> {
    let out = std::process::Command::new("xdotool")
        .args(args)
        .output()
        .context("running xdotool (apt-get install xdotool)")?;
    ensure!(
        out.status.success(),
        "xdotool {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The first visible window whose title matches, as (id, x, y, width, height).
pub async fn window_named(
    pattern: &str,
    timeout: Duration,
) -> Result<(String, i64, i64, i64, i64)> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Ok(ids) = xdotool(&["search", "--onlyvisible", "--name", pattern]) {
            if let Some(id) = ids.lines().next() {
                let geo = xdotool(&["getwindowgeometry", "--shell", id])?;
                let get = |k: &str| -> i64 {
                    geo.lines()
                        .find_map(|l| l.strip_prefix(&format!("{k}=")))
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(0)
                };
                return Ok((
                    id.to_string(),
                    get("X"),
                    get("Y"),
                    get("WIDTH"),
                    get("HEIGHT"),
                ));
            }
        }
        if Instant::now() > deadline {
            let all = xdotool(&["search", "--name", "."]).unwrap_or_default();
            let names: Vec<String> = all
                .lines()
                .map(|id| {
                    format!(
                        "{id}: {}",
                        xdotool(&["getwindowname", id]).unwrap_or_default().trim()
                    )
                })
                .collect();
            bail!("no window named {pattern:?}; windows: {names:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The app's main window (under WebDriver its title is not readable by xdotool: take the
/// largest visible window of the app's class).
pub async fn app_window() -> Result<(i64, i64, i64, i64)> {
    let ids = xdotool(&["search", "--onlyvisible", "--class", "longwen-desktop"])?;
    let mut best = None;
    for id in ids.lines() {
        let geo = xdotool(&["getwindowgeometry", "--shell", id])?;
        let get = |k: &str| -> i64 {
            geo.lines()
                .find_map(|l| l.strip_prefix(&format!("{k}=")))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0)
        };
        let g = (get("X"), get("Y"), get("WIDTH"), get("HEIGHT"));
        if best.is_none_or(|b: (i64, i64, i64, i64)| g.2 * g.3 > b.2 * b.3) {
            best = Some(g);
        }
    }
    best.ok_or_else(|| anyhow::anyhow!("no visible window of class longwen-desktop"))
}

/// A real XDND drop: a GTK drag source offers the paths, xdotool drags them onto the app.
pub async fn drop_paths(paths: &[std::path::PathBuf]) -> Result<()> {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/drag_source.py");
    let mut source = std::process::Command::new("/usr/bin/python3")
        .arg(&script)
        .args(paths)
        .stdout(std::process::Stdio::null())
        .spawn()
        .context("starting the GTK drag source (python3-gi)")?;
    let result = async {
        let (_, sx, sy, sw, sh) =
            window_named("^longwen-drag-source$", Duration::from_secs(10)).await?;
        let (ax, ay, aw, ah) = app_window().await?;
        let (fx, fy) = (sx + sw / 2, sy + sh / 2);
        let (tx, ty) = (ax + aw / 2, ay + ah / 2);
        let s = |v: i64| v.to_string();
        // XDND needs motion over time: move in steps, as a hand would.
        xdotool(&[
            "mousemove",
            &s(fx),
            &s(fy),
            "sleep",
            "0.2",
            "mousedown",
            "1",
            "sleep",
            "0.2",
            "mousemove",
            &s(fx + 20),
            &s(fy + 20),
            "sleep",
            "0.2",
            "mousemove",
            &s((fx + tx) / 2),
            &s((fy + ty) / 2),
            "sleep",
            "0.2",
            "mousemove",
            &s(tx),
            &s(ty),
            "sleep",
            "0.3",
            "mousemove",
            &s(tx + 10),
            &s(ty + 10),
            "sleep",
            "0.5",
            "mouseup",
            "1",
        ])?;
        Ok(())
    }
    .await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline && source.try_wait()?.is_none() {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = source.kill();
    let _ = source.wait();
    result
}

pub async fn real_drop_of_a_folder_and_a_file(suite: &Suite) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let folder = dir.path().join("资料");
    std::fs::create_dir(&folder)?;
    for name in [
        "meeting-notes.md",
        "config-export.json",
        "slides.pptx",
        "scanned-notice.pdf",
    ] {
        std::fs::copy(suite.fixture(name), folder.join(name))?;
    }
    std::fs::write(folder.join("notes.html"), "<p>not supported</p>")?;
    let app = suite.launch("drop", with_key()).await?;
    drop_paths(&[folder.clone(), suite.fixture("customers.csv")]).await?;
    // meeting-notes.md, config-export.json, scanned-notice.pdf from the folder, and the csv.
    let docs = app.wait_documents_ready(4).await?;
    for name in [
        "meeting-notes.md",
        "config-export.json",
        "scanned-notice.pdf",
        "customers.csv",
    ] {
        ensure!(docs.to_string().contains(name), "{name} missing: {docs}");
    }
    // slides.pptx and notes.html were skipped, and the panel says so.
    app.wait_js(
        "the skipped notice",
        Duration::from_secs(5),
        "const n = document.getElementById('docs-notice'); return n && /2 files/.test(n.textContent) ? n.textContent : null;",
    )
    .await?;
    app.quit().await
}

pub async fn picker_adds_a_document(suite: &Suite) -> Result<()> {
    let app = suite.launch("picker", with_key()).await?;
    // The click resolves only when the dialog closes: do not wait on it.
    let button = app.button("Add documents").await?;
    let click = tokio::spawn(async move { button.click().await });
    let (id, ..) = window_named("^Add documents$", Duration::from_secs(10)).await?;
    let path = suite.fixture("config-export.json");
    // GTK ignores synthetic (--window) key events: focus the dialog and type for real.
    xdotool(&["windowfocus", "--sync", &id])?;
    xdotool(&["key", "ctrl+l"])?;
    // The location entry completes asynchronously: let it settle before Return, as a person would.
    xdotool(&["type", "--delay", "20", &path.display().to_string()])?;
    xdotool(&["sleep", "0.8", "key", "Return"])?;
    let docs = app.wait_documents_ready(1).await?;
    ensure!(docs.to_string().contains("config-export.json"), "{docs}");
    let _ = click.await;
    app.quit().await
}

/// Below 760 px the sidebar is hidden, and the menu button shows it over the conversation;
/// choosing a conversation (or Escape) hides it again.
pub async fn sidebar_toggle_in_a_narrow_window(suite: &Suite) -> Result<()> {
    let app = suite.launch("sidebar-narrow", with_key()).await?;
    let first = chat_with_question(&app, "What does clause 7 say?", false).await?;
    chat_with_question(&app, "Who signs the contract?", true).await?;
    app.client.set_window_size(700, 800).await?;
    app.wait_js(
        "a narrow window",
        Duration::from_secs(10),
        "return window.innerWidth <= 760;",
    )
    .await?;
    let hidden = app
        .js("return getComputedStyle(document.getElementById('sidebar')).display;")
        .await?;
    ensure!(hidden == "none", "sidebar display: {hidden}");
    app.screenshot(&suite.artifacts.join("sidebar-narrow-closed.png"))
        .await?;
    app.click("Show conversations").await?;
    app.field("Search conversations").await?;
    app.screenshot(&suite.artifacts.join("sidebar-narrow-open.png"))
        .await?;
    ensure!(
        app.js("return document.activeElement.id;").await? == "chat-search",
        "the search box has the focus"
    );
    app.wait_xpath(
        "the first chat's row",
        &format!("//li[@data-chat-id='{first}']//button[contains(@class,'chat-open')]"),
    )
    .await?
    .click()
    .await?;
    app.wait_js(
        "the overlay closed on the chat chosen",
        Duration::from_secs(5),
        &format!(
            "const li = document.querySelector('#chat-list li.current');
             return li && Number(li.dataset.chatId) === {first}
               && getComputedStyle(document.getElementById('sidebar')).display === 'none';"
        ),
    )
    .await?;
    // Ctrl+K opens it at the search box; Escape closes it.
    app.js("document.getElementById('question').dispatchEvent(new KeyboardEvent('keydown', {key: 'k', ctrlKey: true, bubbles: true, cancelable: true})); return true;")
        .await?;
    app.wait_js(
        "the overlay open at the search box",
        Duration::from_secs(5),
        "return document.activeElement.id === 'chat-search' && getComputedStyle(document.getElementById('sidebar')).display !== 'none';",
    )
    .await?;
    app.field("Search conversations")
        .await?
        .send_keys(ESCAPE)
        .await?;
    app.wait_js(
        "the overlay closed by Escape",
        Duration::from_secs(5),
        "return getComputedStyle(document.getElementById('sidebar')).display === 'none';",
    )
    .await?;
    app.quit().await
}

/// Without a GPU render node the app draws without WebKit's compositor (it runs on software
/// GL there, slow and large); with one, WebKit's default stays. Read from the environment
/// the web process was started with, unless the person running the suite set the switch.
/// The other scenarios run with the compositor on (see `main`), so this one also drives the
/// app in its own mode: the settings dialog, and a streamed answer.
pub async fn webkit_draws_without_its_compositor_when_there_is_no_gpu(suite: &Suite) -> Result<()> {
    use longwen_desktop::drawing::{has_render_node, COMPOSITING_OFF};
    let launch = crate::harness::Launch {
        own_drawing: true,
        ..with_key()
    };
    let app = suite.launch("drawing", launch).await?;
    app.field("Question").await?;
    let pid = crate::procfs::app_pid(&suite.app).context("the app's process")?;
    let web: Vec<u32> = crate::procfs::tree(pid)
        .into_iter()
        .filter(|p| {
            std::fs::read_to_string(format!("/proc/{p}/comm"))
                .is_ok_and(|c| c.starts_with("WebKitWebProces"))
        })
        .collect();
    ensure!(!web.is_empty(), "no WebKitWebProcess under the app ({pid})");
    let environ = std::fs::read(format!("/proc/{}/environ", web[0]))?;
    let value = environ
        .split(|b| *b == 0)
        .find_map(|kv| kv.strip_prefix(format!("{COMPOSITING_OFF}=").as_bytes()))
        .map(|v| String::from_utf8_lossy(v).into_owned());
    let expected = match std::env::var(COMPOSITING_OFF) {
        Ok(set) => Some(set),
        Err(_) if has_render_node(std::path::Path::new("/dev/dri")) => None,
        Err(_) => Some("1".into()),
    };
    ensure!(
        value == expected,
        "the web process has {COMPOSITING_OFF}={value:?}; expected {expected:?}"
    );
    app.click("Settings").await?;
    app.wait_js(
        "the settings dialog",
        Duration::from_secs(5),
        "return document.getElementById('settings-dialog').open;",
    )
    .await?;
    app.close_settings().await?;
    chat_with_question(
        &app,
        "What does the contract say about late delivery?",
        false,
    )
    .await?;
    app.quit().await
}
