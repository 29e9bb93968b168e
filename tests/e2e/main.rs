//! Longwen end to end: the real app in its real webview (tauri-driver + WebKitWebDriver),
//! against the mock DashScope service, one app at a time.
//!
//! Run under Xvfb and a D-Bus session with an unlocked keyring:
//! ```sh
//! cargo build -p longwen-desktop
//! xvfb-run -a -s "-screen 0 1280x1024x24" dbus-run-session -- bash -c \
//!   'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; cargo test -p longwen-desktop --test e2e'
//! ```
//! `cargo test -p longwen-desktop --test e2e -- NAME` runs the scenarios whose name contains NAME.
//! Screenshots go to docs/screenshots/, failure shots and driver logs to e2e-artifacts/.

mod answers;
mod app;
mod cost;
mod crash;
mod crashkit;
mod harness;
mod leaks;
mod library;
mod migrate;
mod perf_list;
mod perf_stream;
mod preview;
mod preview_pages;
mod seed;
mod sidebar;
mod throttle;
mod xss;

use answers::{
    copy_puts_html_on_the_clipboard, edit_makes_a_new_version_of_the_question,
    sending_while_a_document_is_reading_asks_first, starter_questions_ask_in_one_click,
    versions_regenerate_keeps_both_answers,
};
use anyhow::{bail, ensure, Context, Result};
use cost::{
    a_ram_users_key_can_send_the_text_instead,
    cost_line_estimates_before_asking_and_shows_the_error_after,
};
use crash::{
    crash_after_the_service_took_an_upload_uploads_it_once,
    crash_kill_9_while_answering_and_uploading,
    crash_then_restart_at_once_marks_the_answer_interrupted,
};
use harness::{files_containing, sha12, App, Launch, Suite, KEYRING_SERVICE, KEYRING_USER, STEP};
use leaks::key_leaks_nowhere_after_a_session_with_faults;
use library::{
    cloud_files_view_deletes_a_file, library_document_joins_a_new_chat_without_a_second_upload,
    new_conversation_with_these_documents, opened_documents_wait_for_the_api_key,
    removing_a_document_offers_undo, welcome_tests_the_key_on_save,
};
use migrate::crash_kill_9_while_migrating_an_old_database;
use mock_dashscope::{Fault, Target};
use perf_list::long_conversation_draws_only_what_is_on_screen;
use perf_stream::streaming_parses_each_finished_block_once;
use preview::{
    long_document_opens_in_windows, preview_finds_in_the_contract_pdf,
    quotes_link_to_the_clause_and_flag_made_up_ones, scanned_pdf_says_why_there_is_no_preview,
};
use preview_pages::many_pages_get_a_page_field;
use serde_json::Value;
use sidebar::{
    sidebar_export_markdown_through_the_menu, sidebar_rename_and_delete_with_undo,
    sidebar_search_finds_chats_after_a_restart, sidebar_toggle_in_a_narrow_window,
};
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};
use xss::{
    document_named_with_a_line_break_uploads, xss_in_answers_titles_and_errors,
    xss_in_document_names,
};

const KEY: &str = "sk-e2e-0123456789abcdef0123";
const CONTRACT: &str = "采购合同-2026-华东.docx";

type Scenario = for<'a> fn(&'a Suite) -> Pin<Box<dyn Future<Output = Result<()>> + 'a>>;

macro_rules! scenarios {
    ($($f:ident),* $(,)?) => {
        [$((stringify!($f), (|s| Box::pin($f(s))) as Scenario)),*]
    };
}

fn main() {
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let code = runtime.block_on(async move {
        let suite = match Suite::start().await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("e2e: {e:#}");
                return 1;
            }
        };
        let all = scenarios![
            first_run_asks_for_a_key_and_keeps_it_in_the_keyring,
            open_with_one_document_gets_a_streamed_answer,
            two_documents_and_pasted_text_reach_the_answer,
            opened_documents_wait_for_one_click,
            stop_keeps_the_partial_answer,
            refused_key_points_to_settings,
            an_old_error_is_worded_in_the_language_chosen_later,
            cut_stream_is_marked_interrupted,
            language_switch_changes_the_ui,
            real_drop_of_a_folder_and_a_file,
            picker_adds_a_document,
            regenerate_streams_the_answer_again_in_place,
            failed_upload_is_retried_from_its_row,
            long_paste_is_uploaded_as_a_file,
            settings_test_connection_and_remove_key,
            links_in_answers_ask_before_opening,
            screenshots_in_both_languages_and_themes,
            sidebar_search_finds_chats_after_a_restart,
            sidebar_rename_and_delete_with_undo,
            sidebar_export_markdown_through_the_menu,
            sidebar_toggle_in_a_narrow_window,
            xss_in_answers_titles_and_errors,
            xss_in_document_names,
            document_named_with_a_line_break_uploads,
            key_leaks_nowhere_after_a_session_with_faults,
            crash_kill_9_while_answering_and_uploading,
            crash_kill_9_while_migrating_an_old_database,
            crash_then_restart_at_once_marks_the_answer_interrupted,
            crash_after_the_service_took_an_upload_uploads_it_once,
            library_document_joins_a_new_chat_without_a_second_upload,
            new_conversation_with_these_documents,
            cloud_files_view_deletes_a_file,
            welcome_tests_the_key_on_save,
            opened_documents_wait_for_the_api_key,
            removing_a_document_offers_undo,
            versions_regenerate_keeps_both_answers,
            copy_puts_html_on_the_clipboard,
            edit_makes_a_new_version_of_the_question,
            starter_questions_ask_in_one_click,
            sending_while_a_document_is_reading_asks_first,
            preview_finds_in_the_contract_pdf,
            quotes_link_to_the_clause_and_flag_made_up_ones,
            scanned_pdf_says_why_there_is_no_preview,
            long_document_opens_in_windows,
            many_pages_get_a_page_field,
            cost_line_estimates_before_asking_and_shows_the_error_after,
            a_ram_users_key_can_send_the_text_instead,
            long_conversation_draws_only_what_is_on_screen,
            streaming_parses_each_finished_block_once,
        ];
        let mut failed = Vec::new();
        let mut ran = 0;
        for (name, scenario) in all {
            if !filter.is_empty() && !filter.iter().any(|f| name.contains(f.as_str())) {
                continue;
            }
            ran += 1;
            suite.mock.reset();
            suite.mock.set_parse_delay(Duration::from_millis(0));
            suite.mock.set_chunk_delay(Duration::from_millis(0));
            suite.mock.set_report_parsing(false);
            let started = Instant::now();
            eprintln!("e2e: {name} …");
            match scenario(&suite).await {
                Ok(()) => eprintln!("e2e: {name} ok ({:.1} s)", started.elapsed().as_secs_f64()),
                Err(e) => {
                    eprintln!("e2e: {name} FAILED: {e:#}");
                    failed.push(name);
                }
            }
        }
        eprintln!(
            "e2e: {} passed, {} failed{}",
            ran - failed.len(),
            failed.len(),
            if failed.is_empty() {
                String::new()
            } else {
                format!(": {}", failed.join(", "))
            }
        );
        if ran == 0 {
            eprintln!("e2e: no scenario matched {filter:?}");
            return 1;
        }
        i32::from(!failed.is_empty())
    });
    std::process::exit(code);
}

fn keyring_entry() -> Result<keyring::Entry> {
    keyring::Entry::new(KEYRING_SERVICE, KEYRING_USER).context("keyring entry")
}

/// The keyring entry, emptied. Never deletes a real person's key: only an empty keyring or
/// our own test key (or anything in a throwaway HOME, as scripts/test.sh runs it).
fn empty_keyring() -> Result<keyring::Entry> {
    let entry = keyring_entry()?;
    let throwaway_home = std::env::var_os("HOME")
        .map(std::path::PathBuf::from)
        .is_some_and(|h| h.starts_with(std::env::temp_dir()));
    if let Ok(existing) = entry.get_password() {
        ensure!(
            existing == KEY || throwaway_home,
            "the keyring already holds a Longwen key that is not the test key; run the e2e tests \
             in their own D-Bus session and HOME (scripts/test.sh), not against your own keyring"
        );
    }
    match entry.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => {}
        Err(e) => bail!("the Secret Service is not usable (is gnome-keyring unlocked?): {e}"),
    }
    Ok(entry)
}

/// Chat requests (POST …/chat/completions) the mock has seen.
fn chat_requests(suite: &Suite) -> usize {
    suite
        .mock
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/chat/completions"))
        .count()
}

/// Uploads (POST …/files) the mock has seen, as their recorded summaries.
fn uploads(suite: &Suite) -> Vec<Value> {
    suite
        .mock
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/files"))
        .map(|r| r.body)
        .collect()
}

fn text_of(v: &Value) -> &str {
    v["text"].as_str().unwrap_or_default()
}

// --- scenarios -------------------------------------------------------------------------

/// A launch with the test key in `DASHSCOPE_API_KEY`.
fn with_key() -> Launch {
    Launch {
        env_key: Some(KEY.into()),
        ..Launch::default()
    }
}

/// The app opened with one document (as "Open with" does) and the test key, once it is ready.
async fn launch_with_document(suite: &Suite, name: &str, fixture: &str) -> Result<App> {
    let app = suite
        .launch(
            name,
            Launch {
                args: vec![suite.fixture(fixture)],
                ..with_key()
            },
        )
        .await?;
    app.wait_documents_ready(1).await?;
    Ok(app)
}

async fn first_run_asks_for_a_key_and_keeps_it_in_the_keyring(suite: &Suite) -> Result<()> {
    let entry = empty_keyring()?;
    let app = suite.launch("first-run", Launch::default()).await?;
    // No key anywhere: the conversation area welcomes and asks for one.
    app.wait_js(
        "the welcome asking for a key",
        Duration::from_secs(10),
        "const l = document.querySelector('[role=log]'); return l && /API Key/.test(l.textContent);",
    )
    .await?;
    app.type_into("API Key", KEY).await?;
    app.click("Save").await?;
    app.wait_js(
        "the key status to say saved",
        Duration::from_secs(10),
        "const s = document.getElementById('key-status'); return s && /keyring/i.test(s.textContent) ? s.textContent : null;",
    )
    .await?;
    let stored = entry
        .get_password()
        .context("reading the key back from the keyring")?;
    ensure!(stored == KEY, "the keyring holds something else");
    let source = app.client.source().await?;
    ensure!(!source.contains(KEY), "the page shows the full key");
    let profile = app.profile.clone();
    app.quit().await?;
    let leaks = files_containing(profile.path(), KEY.as_bytes());
    ensure!(leaks.is_empty(), "the key was written to {leaks:?}");
    // Leave the keyring as we found it: later scenarios use DASHSCOPE_API_KEY.
    entry.delete_credential().ok();
    Ok(())
}

async fn open_with_one_document_gets_a_streamed_answer(suite: &Suite) -> Result<()> {
    let path = suite.fixture(CONTRACT);
    let bytes = std::fs::read(&path)?;
    let app = suite
        .launch(
            "one-document",
            Launch {
                args: vec![path],
                ..with_key()
            },
        )
        .await?;
    let docs = app.wait_documents_ready(1).await?;
    ensure!(docs.to_string().contains(CONTRACT), "document row: {docs}");
    app.ask("What is the penalty for late delivery? [[mock:slow=60]]")
        .await?;
    // Streamed: text shows while the answer is still streaming.
    app.wait_js(
        "streamed text while streaming",
        Duration::from_secs(15),
        "const a = [...document.querySelectorAll('[role=log] article[data-role=assistant]')].pop();
         return a && a.dataset.status === 'streaming' && a.querySelector('.msg-body').textContent.trim().length > 0;",
    )
    .await?;
    let answer = app.wait_answer(&["complete"]).await?;
    let text = text_of(&answer);
    for needle in [
        CONTRACT,
        &format!("{} bytes", bytes.len()),
        &sha12(&bytes),
        "Documents (1)",
    ] {
        ensure!(text.contains(needle), "answer lacks {needle:?}: {text}");
    }
    app.quit().await
}

async fn two_documents_and_pasted_text_reach_the_answer(suite: &Suite) -> Result<()> {
    let a = suite.fixture("meeting-notes.md");
    let b = suite.fixture("Q3-2026-sales-report.pdf");
    let (ab, bb) = (std::fs::read(&a)?, std::fs::read(&b)?);
    let app = suite
        .launch(
            "two-documents",
            Launch {
                args: vec![a, b],
                ..with_key()
            },
        )
        .await?;
    app.wait_documents_ready(2).await?;
    app.ask("When is the next meeting?").await?;
    let answer = app.wait_answer(&["complete"]).await?;
    let text = text_of(&answer);
    for needle in [
        "meeting-notes.md",
        "Q3-2026-sales-report.pdf",
        &sha12(&ab),
        &sha12(&bb),
        "Documents (2)",
    ] {
        ensure!(text.contains(needle), "answer lacks {needle:?}: {text}");
    }

    // Pasted text joins the same chat as a plain-text document.
    let pasted = "ZX-4471 is the warehouse code for the Q4 pilot line in Suzhou.";
    app.click("Paste text").await?;
    app.type_into("Text", pasted).await?;
    app.click("Add text").await?;
    app.wait_documents_ready(3).await?;
    app.ask("Which warehouse code is used?").await?;
    let answer = app.wait_answer(&["complete"]).await?;
    let text = text_of(&answer);
    for needle in [
        "Texts (1)",
        &sha12(pasted.as_bytes()),
        "ZX-4471",
        "Earlier turns: 2",
    ] {
        ensure!(text.contains(needle), "answer lacks {needle:?}: {text}");
    }
    app.quit().await
}

/// Documents opened with the app leave the machine only after one click.
async fn opened_documents_wait_for_one_click(suite: &Suite) -> Result<()> {
    let app = suite
        .launch(
            "opened-wait",
            Launch {
                args: vec![
                    suite.fixture("meeting-notes.md"),
                    suite.fixture("customers.csv"),
                ],
                keep_waiting: true,
                ..with_key()
            },
        )
        .await?;
    let asked = app
        .wait_js(
            "the question before uploading",
            Duration::from_secs(10),
            "const d = document.getElementById('confirm-dialog'); return d && d.open ? document.getElementById('confirm-heading').textContent : null;",
        )
        .await?;
    ensure!(
        asked == "Upload 2 documents to Qwen-Long?",
        "asked: {asked}"
    );
    ensure!(uploads(suite).is_empty(), "uploaded before the click");
    app.click("Upload").await?;
    app.wait_documents_ready(2).await?;
    ensure!(uploads(suite).len() == 2, "uploads: {:?}", uploads(suite));
    app.quit().await
}

async fn stop_keeps_the_partial_answer(suite: &Suite) -> Result<()> {
    let app = launch_with_document(suite, "stop", "meeting-notes.md").await?;
    app.ask("Summarise the action items [[mock:slow=300]]")
        .await?;
    app.wait_js(
        "a few streamed words",
        Duration::from_secs(15),
        "const a = [...document.querySelectorAll('[role=log] article[data-role=assistant]')].pop();
         return a && a.querySelector('.msg-body').textContent.trim().length > 20;",
    )
    .await?;
    app.click("Stop").await?;
    let stopped = app.wait_answer(&["stopped"]).await?;
    let partial = text_of(&stopped).to_string();
    ensure!(
        partial.starts_with("Mock answer to:"),
        "partial text: {partial}"
    );
    ensure!(
        !partial.contains("Model:"),
        "the answer ran to its end: {partial}"
    );
    // The partial text stays (also after the stream would have gone on).
    app.wait_js(
        "Send to be back",
        Duration::from_secs(5),
        "const s = document.getElementById('send'); return s && !s.hidden && !s.disabled;",
    )
    .await?;
    let later = app.last_answer().await?;
    ensure!(
        later["status"] == "stopped" && text_of(&later) == partial,
        "after stop: {later}"
    );
    // Stored: a reload of the page shows the same partial answer, still marked stopped.
    app.js("window.__e2eBeforeReload = true; setTimeout(() => location.reload(), 0); return true;")
        .await?;
    let reloaded = app
        .wait_js(
            "the stopped answer after a reload",
            Duration::from_secs(10),
            r"if (window.__e2eBeforeReload) return null;
              const a = [...document.querySelectorAll('[role=log] article[data-role=assistant]')].pop();
              return a && a.dataset.status === 'stopped' ? a.querySelector('.msg-body').textContent.replace(/\s+/g, ' ').trim() : null;",
        )
        .await?;
    ensure!(
        reloaded.as_str() == Some(partial.as_str()),
        "after reload: {reloaded} vs {partial}"
    );
    app.quit().await
}

async fn refused_key_points_to_settings(suite: &Suite) -> Result<()> {
    let app = suite
        .launch(
            "refused-key",
            Launch {
                env_key: Some("sk-refused-e2e-000000000000".into()),
                ..Launch::default()
            },
        )
        .await?;
    app.ask("What is the contract total?").await?;
    let answer = app.wait_answer(&["error"]).await?;
    let all = answer["all"].as_str().unwrap_or_default();
    ensure!(all.contains("refused the API Key"), "error text: {all}");
    app.click("Open settings").await?;
    app.wait_js(
        "the settings dialog",
        Duration::from_secs(5),
        "const d = document.getElementById('settings-dialog'); return d && d.open;",
    )
    .await?;
    app.quit().await
}

/// Errors are stored as data: an answer that failed in English reads in Chinese once the
/// language is switched, after a restart too.
async fn an_old_error_is_worded_in_the_language_chosen_later(suite: &Suite) -> Result<()> {
    let refused = || Launch {
        env_key: Some("sk-refused-e2e-000000000000".into()),
        ..Launch::default()
    };
    let app = suite.launch("old-error-en", refused()).await?;
    app.ask("What is the contract total?").await?;
    let answer = app.wait_answer(&["error"]).await?;
    let all = answer["all"].as_str().unwrap_or_default();
    ensure!(all.contains("refused the API Key"), "error text: {all}");
    let profile = app.profile.clone();
    app.quit().await?;

    let app = suite
        .launch(
            "old-error-zh",
            Launch {
                profile: Some(profile),
                ..refused()
            },
        )
        .await?;
    app.wait_answer(&["error"]).await?;
    app.click("Settings").await?;
    app.select("Language", "zh").await?;
    let answer = app
        .wait_js(
            "the stored error in Chinese",
            Duration::from_secs(5),
            &format!(
                "{} const a = answers(); const l = a[a.length - 1];
                 return l && l.all.includes('服务拒绝了这个 API Key') ? l : null;",
                app::LOG_FN
            ),
        )
        .await?;
    let all = answer["all"].as_str().unwrap_or_default();
    ensure!(!all.contains("refused the API Key"), "still English: {all}");
    app.quit().await
}

async fn cut_stream_is_marked_interrupted(suite: &Suite) -> Result<()> {
    let app = launch_with_document(suite, "cut", "meeting-notes.md").await?;
    app.ask("Who must release the payment? [[mock:cut=5]]")
        .await?;
    let answer = app.wait_answer(&["interrupted"]).await?;
    let text = text_of(&answer);
    ensure!(text.starts_with("Mock answer"), "partial text: {text}");
    ensure!(
        !text.contains("Model:"),
        "the cut answer is complete: {text}"
    );
    let all = answer["all"].as_str().unwrap_or_default();
    ensure!(
        all.contains("Connection lost"),
        "no interrupted mark: {all}"
    );
    app.quit().await
}

async fn language_switch_changes_the_ui(suite: &Suite) -> Result<()> {
    let app = suite.launch("language", with_key()).await?;
    app.button("Send").await?;
    app.click("Settings").await?;
    app.select("Language", "zh").await?;
    app.wait_js(
        "the UI in Chinese",
        Duration::from_secs(5),
        "return document.documentElement.lang === 'zh-CN' && document.getElementById('send').textContent.trim() === '发送';",
    )
    .await?;
    // Errors from Rust are data, worded in the language shown (the UI's errors.js).
    let msg = app
        .js("const { errorText } = await import('./js/errors.js'); try { await window.__TAURI__.core.invoke('open_link', {url: 'file:///x'}); return null; } catch (e) { return errorText(e); }")
        .await?;
    ensure!(
        msg.as_str().is_some_and(|m| m.contains("输入无效")),
        "error not in Chinese: {msg}"
    );
    app.select("语言", "en").await?;
    app.wait_js(
        "the UI in English again",
        Duration::from_secs(5),
        "return document.documentElement.lang === 'en' && document.getElementById('send').textContent.trim() === 'Send';",
    )
    .await?;
    app.quit().await
}

/// Runs xdotool (the display is the suite's Xvfb).
fn xdotool(args: &[&str]) -> Result<String> {
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
async fn window_named(pattern: &str, timeout: Duration) -> Result<(String, i64, i64, i64, i64)> {
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
async fn app_window() -> Result<(i64, i64, i64, i64)> {
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
async fn drop_paths(paths: &[std::path::PathBuf]) -> Result<()> {
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

async fn real_drop_of_a_folder_and_a_file(suite: &Suite) -> Result<()> {
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

async fn picker_adds_a_document(suite: &Suite) -> Result<()> {
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

async fn regenerate_streams_the_answer_again_in_place(suite: &Suite) -> Result<()> {
    let app = launch_with_document(suite, "regenerate", "meeting-notes.md").await?;
    app.ask("What are the action items? [[mock:slow=40]]")
        .await?;
    let first = app.wait_answer(&["complete"]).await?;
    let first_text = text_of(&first).to_string();
    let id_script =
        "const a = [...document.querySelectorAll('[role=log] article[data-role=assistant]')];
         return a.length ? a[a.length - 1].dataset.messageId : null;";
    let first_id = app.js(id_script).await?;
    ensure!(chat_requests(suite) == 1, "one question, one request");

    // From the keyboard: Enter on the focused Regenerate button.
    let regenerate = app.button("Regenerate").await?;
    app.client
        .execute(
            "arguments[0].focus(); return true;",
            vec![serde_json::to_value(&regenerate)?],
        )
        .await?;
    regenerate.send_keys("\u{E007}").await?;
    // The answer streams again: part of the text shows while it is still being written.
    app.wait_js(
        "the regenerated answer streaming",
        Duration::from_secs(15),
        "const a = [...document.querySelectorAll('[role=log] article[data-role=assistant]')].pop();
         const t = a && a.querySelector('.msg-body').textContent;
         return a && a.dataset.status === 'streaming' && t.trim().length > 0 && !t.includes('Model:');",
    )
    .await?;
    ensure!(
        app.js("return document.getElementById('send').disabled;")
            .await?
            .as_bool()
            == Some(true),
        "Send is enabled while the answer is regenerated"
    );
    let again = app.wait_answer(&["complete"]).await?;
    ensure!(
        text_of(&again) == first_text,
        "regenerated text differs: {again} vs {first_text}"
    );
    // A new version of the turn streams in place of the shown one: one assistant article,
    // a new message id, and the switch says 2/2.
    ensure!(app.assistant_count().await? == 1, "more than one answer");
    ensure!(
        app.js(id_script).await? != first_id,
        "the new version kept the old answer's id"
    );
    app.wait_js(
        "the version switch at 2/2",
        Duration::from_secs(5),
        "const p = document.querySelector('[role=log] .version-pos'); return p && p.textContent === '2/2';",
    )
    .await?;
    ensure!(chat_requests(suite) == 2, "regenerate did not ask again");
    // The keyboard is back on the new answer's Regenerate button, not lost on the page.
    app.wait_js(
        "focus on the new Regenerate button",
        Duration::from_secs(5),
        "const b = document.activeElement;
         return !!b && b.textContent.trim() === 'Regenerate' && !!b.closest('article[data-role=assistant]');",
    )
    .await?;
    app.quit().await
}

async fn failed_upload_is_retried_from_its_row(suite: &Suite) -> Result<()> {
    suite.mock.push_fault(Fault::HttpError {
        on: Target::Upload,
        status: 500,
        code: "InternalError".into(),
        message: "An internal error has occurred, please try again later.".into(),
        retry_after: None,
        retry_after_date: None,
        retry_after_raw: None,
    });
    let app = suite
        .launch(
            "retry-document",
            Launch {
                args: vec![suite.fixture("meeting-notes.md")],
                ..with_key()
            },
        )
        .await?;
    let failed = app
        .wait_js(
            "the document row to fail",
            STEP,
            "const li = document.querySelector('#doc-list [data-state=failed]');
             if (!li) return null;
             const m = li.querySelector('.error-message');
             const retry = [...li.querySelectorAll('button')].find(b => b.textContent.trim() === 'Retry');
             return {name: li.querySelector('.doc-name').textContent, message: m ? m.textContent : '', retry: !!retry};",
        )
        .await?;
    let message = failed["message"].as_str().unwrap_or_default();
    ensure!(failed["name"] == "meeting-notes.md", "row: {failed}");
    ensure!(failed["retry"] == true, "no Retry button: {failed}");
    ensure!(
        message.len() > 10
            && !message.contains('{')
            && !message.contains("InternalError")
            && !message.contains("request_id"),
        "not a plain message: {message:?}"
    );
    app.click("Retry").await?;
    let docs = app.wait_documents_ready(1).await?;
    ensure!(docs.to_string().contains("meeting-notes.md"), "{docs}");
    ensure!(uploads(suite).len() == 2, "uploads: {:?}", uploads(suite));
    app.quit().await
}

async fn long_paste_is_uploaded_as_a_file(suite: &Suite) -> Result<()> {
    let app = suite.launch("long-paste", with_key()).await?;
    // ≈ 40,000 ASCII bytes ≈ 10,000 tokens: over the 9,000-token limit for plain text.
    let text: String = (1..=800)
        .map(|i| format!("Line {i:04} of the supplier audit: all checks passed.\n"))
        .collect();
    ensure!(text.len() > 4 * 9_000, "text too short: {}", text.len());
    app.click("Paste text").await?;
    app.type_into("Name (optional)", "supplier-audit").await?;
    // What a paste does: the whole text at once, then an input event.
    app.client
        .execute(
            "const a = document.getElementById('paste-text-area'); a.value = arguments[0];
             a.dispatchEvent(new Event('input', {bubbles: true})); return true;",
            vec![Value::String(text.clone())],
        )
        .await?;
    let warning = app
        .wait_js(
            "the too-long warning",
            Duration::from_secs(5),
            "const w = document.getElementById('paste-warning');
             return w && !w.hidden ? w.textContent : null;",
        )
        .await?;
    ensure!(
        warning
            .as_str()
            .is_some_and(|w| w.contains("Upload it as a file")),
        "warning: {warning}"
    );
    ensure!(
        app.js("return document.getElementById('paste-add').disabled;")
            .await?
            .as_bool()
            == Some(true),
        "Add text is still enabled"
    );
    app.click("Upload as a file instead").await?;
    app.wait_js(
        "the paste dialog to close",
        Duration::from_secs(5),
        "return !document.getElementById('paste-dialog').open;",
    )
    .await?;
    let docs = app.wait_documents_ready(1).await?;
    ensure!(docs.to_string().contains("supplier-audit.txt"), "{docs}");
    let sent = uploads(suite);
    ensure!(
        sent.len() == 1
            && sent[0]["filename"] == "supplier-audit.txt"
            && sent[0]["bytes"].as_u64() == Some(text.len() as u64)
            && sent[0]["sha256"]
                .as_str()
                .is_some_and(|h| h.starts_with(&sha12(text.as_bytes()))),
        "uploads: {sent:?}"
    );
    app.quit().await
}

async fn settings_test_connection_and_remove_key(suite: &Suite) -> Result<()> {
    let entry = empty_keyring()?;
    entry
        .set_password(KEY)
        .context("putting the test key in the keyring")?;
    let result = async {
        let app = suite.launch("settings-key", Launch::default()).await?;
        app.click("Settings").await?;
        app.wait_js(
            "the key status to say keyring",
            Duration::from_secs(5),
            "const s = document.getElementById('key-status'); return s && /keyring/.test(s.textContent);",
        )
        .await?;
        app.click("Test connection").await?;
        app.wait_js(
            "the connection test to succeed",
            Duration::from_secs(15),
            "const r = document.getElementById('key-result'); return r && /Connection works/.test(r.textContent);",
        )
        .await?;
        ensure!(
            suite
                .mock
                .requests()
                .iter()
                .any(|r| r.method == "GET" && r.path.ends_with("/files")),
            "the test did not reach the service"
        );
        app.click("Remove API Key").await?;
        app.wait_xpath(
            "the confirmation's Remove API Key",
            "//dialog[@id='confirm-dialog']//button[normalize-space(.)='Remove API Key']",
        )
        .await?
        .click()
        .await?;
        let status = app
            .wait_js(
                "the key status to say no key",
                Duration::from_secs(5),
                "const s = document.getElementById('key-status');
                 return s && /No API Key/.test(s.textContent) ? s.textContent : null;",
            )
            .await?;
        ensure!(
            app.js("return document.getElementById('key-test').disabled && document.getElementById('key-delete').hidden;")
                .await?
                .as_bool()
                == Some(true),
            "Test connection / Remove key still offered without a key ({status})"
        );
        ensure!(
            matches!(entry.get_password(), Err(keyring::Error::NoEntry)),
            "the key is still in the keyring"
        );
        // "Remove key" is gone: the keyboard stays in the dialog, on the key field.
        app.wait_js(
            "focus on the API key field",
            Duration::from_secs(5),
            "return document.activeElement && document.activeElement.id === 'api-key';",
        )
        .await?;
        // Behind the dialog, the conversation asks for a key again.
        app.click("Close").await?;
        app.wait_xpath("the welcome's API Key field", "//input[@id='welcome-key']")
            .await?;
        app.quit().await
    }
    .await;
    entry.delete_credential().ok();
    result
}

async fn links_in_answers_ask_before_opening(suite: &Suite) -> Result<()> {
    let app = suite.launch("links", with_key()).await?;
    // The mock's answer quotes the first 40 characters of each text: the links land in it.
    let texts = [
        "[docs](https://example.com/x) is where the guide lives.",
        "[x](javascript:alert(1)) must never run.",
    ];
    for (i, text) in texts.iter().enumerate() {
        app.click("Paste text").await?;
        app.type_into("Text", text).await?;
        app.click("Add text").await?;
        app.wait_documents_ready(i + 1).await?;
    }
    app.ask("Where is the guide?").await?;
    app.wait_answer(&["complete"]).await?;
    let links = app
        .js(
            "const a = [...document.querySelectorAll('[role=log] article[data-role=assistant]')].pop();
             return [...a.querySelectorAll('.msg-body a')].map(l => ({text: l.textContent, href: l.getAttribute('href')}));",
        )
        .await?;
    let list = links.as_array().cloned().unwrap_or_default();
    ensure!(
        list.iter()
            .any(|l| l["text"] == "docs" && l["href"] == "https://example.com/x"),
        "no web link in the answer: {links}"
    );
    ensure!(
        list.iter()
            .all(|l| l["href"].as_str().is_none_or(|h| h.starts_with("http"))),
        "an active non-web link: {links}"
    );
    ensure!(
        list.iter().any(|l| l["text"] == "x" && l["href"].is_null()),
        "the javascript: link is not shown inert: {links}"
    );
    let page = app.js("return location.href;").await?;
    let docs_link =
        "//*[@role='log']//article[@data-role='assistant'][last()]//a[normalize-space(.)='docs']";
    let dialog_open = "const d = document.getElementById('confirm-dialog');
         return d.open ? document.getElementById('confirm-detail').textContent : null;";

    app.wait_xpath("the docs link", docs_link)
        .await?
        .click()
        .await?;
    let shown = app
        .wait_js("the link confirmation", Duration::from_secs(5), dialog_open)
        .await?;
    ensure!(shown == "https://example.com/x", "dialog shows {shown}");
    ensure!(
        app.js("return location.href;").await? == page,
        "the page navigated"
    );
    app.wait_xpath(
        "the confirmation's Cancel",
        "//dialog[@id='confirm-dialog']//button[normalize-space(.)='Cancel']",
    )
    .await?
    .click()
    .await?;
    app.wait_js(
        "the confirmation to close",
        Duration::from_secs(5),
        "return !document.getElementById('confirm-dialog').open;",
    )
    .await?;
    ensure!(
        app.opened_links().is_empty(),
        "Cancel opened {:?}",
        app.opened_links()
    );

    // Open link asks the shell to open exactly that URL.
    app.wait_xpath("the docs link", docs_link)
        .await?
        .click()
        .await?;
    app.wait_js("the link confirmation", Duration::from_secs(5), dialog_open)
        .await?;
    app.click("Open link").await?;
    // The system opener (the harness's stand-in for xdg-open) gets exactly that URL.
    let deadline = Instant::now() + Duration::from_secs(5);
    while app.opened_links().is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    ensure!(
        app.opened_links() == ["https://example.com/x"],
        "opened {:?}",
        app.opened_links()
    );

    // The inert link reads as text, not as a link that does nothing.
    let looks = app
        .js(
            "const a = [...document.querySelectorAll('[role=log] article[data-role=assistant]')].pop();
             const links = [...a.querySelectorAll('.msg-body a')];
             const inert = links.find(l => !l.hasAttribute('href'));
             const web = links.find(l => l.hasAttribute('href'));
             const s = getComputedStyle(inert), w = getComputedStyle(web);
             const text = getComputedStyle(inert.parentElement);
             return {inertCursor: s.cursor, inertColor: s.color, inertLine: s.textDecorationLine,
                     textColor: text.color, webCursor: w.cursor, webColor: w.color};",
        )
        .await?;
    ensure!(
        looks["webCursor"] == "pointer" && looks["webColor"] != looks["textColor"],
        "the web link does not look like a link: {looks}"
    );
    ensure!(
        looks["inertCursor"] != "pointer"
            && looks["inertColor"] == looks["textColor"]
            && looks["inertLine"] == "none",
        "the inert link looks clickable: {looks}"
    );
    // The inert link does nothing: no dialog (it would open within the click), no navigation.
    app.wait_xpath(
        "the inert link",
        "//*[@role='log']//article[@data-role='assistant'][last()]//a[normalize-space(.)='x']",
    )
    .await?
    .click()
    .await?;
    let after = app
        .js("return {open: document.getElementById('confirm-dialog').open, href: location.href};")
        .await?;
    ensure!(
        after["open"] == false && after["href"] == page && app.opened_links().len() == 1,
        "after the javascript: link: {after}"
    );
    // The window itself never leaves the app, even when told to (a script, "Open Link").
    app.js("location.href = 'https://example.com/'; return true;")
        .await?;
    app.js("window.open('https://example.com/', '_self'); return true;")
        .await?;
    // The app still answers scripts and still shows itself: the navigations were refused.
    app.button("Send").await?;
    let href = app.js("return location.href;").await?;
    ensure!(href == page, "the window went to {href}");
    // A right-click on a link opens no menu of the webview's own.
    let menu = app
        .js("const a = document.querySelector('[role=log] a[href]'); const e = new MouseEvent('contextmenu', {bubbles: true, cancelable: true}); a.dispatchEvent(e); return e.defaultPrevented;")
        .await?;
    ensure!(menu == true, "the link's context menu was not held back");
    app.quit().await
}

/// empty, uploading, streaming, answered, error and settings, in zh and en, light and dark.
async fn screenshots_in_both_languages_and_themes(suite: &Suite) -> Result<()> {
    for lang in ["en", "zh"] {
        for theme in ["light", "dark"] {
            shoot(suite, lang, theme)
                .await
                .with_context(|| format!("screenshots {lang}-{theme}"))?;
        }
    }
    Ok(())
}

async fn shoot(suite: &Suite, lang: &str, theme: &str) -> Result<()> {
    let shot = |state: &str| suite.screenshot_path(state, lang, theme);
    suite.mock.reset();
    // First launch: choose theme and language, then the empty window and the settings.
    let app = suite
        .launch(&format!("shots-{lang}-{theme}"), with_key())
        .await?;
    app.click("Settings").await?;
    app.select("Theme", theme).await?;
    app.wait_js(
        "the theme",
        Duration::from_secs(5),
        &format!("return document.documentElement.dataset.theme === '{theme}';"),
    )
    .await?;
    app.select("Language", lang).await?;
    let html_lang = if lang == "zh" { "zh-CN" } else { "en" };
    app.wait_js(
        "the language",
        Duration::from_secs(5),
        &format!("return document.documentElement.lang === '{html_lang}';"),
    )
    .await?;
    app.screenshot(&shot("settings")).await?;
    app.js("document.getElementById('settings-close').click(); return true;")
        .await?;
    app.wait_js(
        "settings closed",
        Duration::from_secs(5),
        "return !document.getElementById('settings-dialog').open;",
    )
    .await?;
    app.screenshot(&shot("empty")).await?;
    let profile = app.profile.clone();
    let welcome_profile = profile.clone();
    app.quit().await?;

    // Second launch, same profile: documents on the command line, read slowly (the mock
    // reports the reading, as a gateway may, so the state can be seen).
    suite.mock.set_report_parsing(true);
    suite.mock.set_parse_delay(Duration::from_millis(2500));
    let app = suite
        .launch(
            &format!("shots-{lang}-{theme}-2"),
            Launch {
                args: vec![
                    suite.fixture(CONTRACT),
                    suite.fixture("Q3-2026-sales-report.pdf"),
                ],
                env_key: Some(KEY.into()),
                profile: Some(profile),
                ..Launch::default()
            },
        )
        .await?;
    app.wait_js(
        "documents on their way",
        Duration::from_secs(10),
        "return [...document.querySelectorAll('[role=list] [data-state]')].some(r => ['uploading','reading','checking'].includes(r.dataset.state));",
    )
    .await?;
    app.screenshot(&shot("uploading")).await?;
    app.wait_documents_ready(2).await?;
    suite.mock.set_parse_delay(Duration::from_millis(0));
    answers::shoot_answers_starters(&app, &shot).await?;

    let question = if lang == "zh" {
        "乙方逾期交货的违约金怎么计算？"
    } else {
        "What is the penalty for late delivery?"
    };
    suite.mock.set_chunk_delay(Duration::from_millis(120));
    app.type_into_question(question).await?;
    app.wait_js(
        "streamed text",
        Duration::from_secs(15),
        "const a = [...document.querySelectorAll('[role=log] article[data-role=assistant]')].pop();
         return a && a.dataset.status === 'streaming' && a.querySelector('.msg-body').textContent.trim().length > 60;",
    )
    .await?;
    app.screenshot(&shot("streaming")).await?;
    app.wait_answer(&["complete"]).await?;
    suite.mock.set_chunk_delay(Duration::from_millis(0));
    app.screenshot(&shot("answered")).await?;
    cost::shoot_cost(&app, &shot, lang).await?;
    answers::shoot_answers_versions(&app, &shot).await?;

    let follow_up = if lang == "zh" {
        "合同总金额是多少？"
    } else {
        "What is the contract total?"
    };
    suite.mock.push_fault(Fault::HttpError {
        on: Target::Chat,
        status: 401,
        code: "InvalidApiKey".into(),
        message: "Invalid API-key provided.".into(),
        retry_after: None,
        retry_after_date: None,
        retry_after_raw: None,
    });
    app.type_into_question(follow_up).await?;
    app.wait_answer(&["error"]).await?;
    app.js("const l = document.querySelector('[role=log]'); l.scrollTop = l.scrollHeight; return true;")
        .await?;
    app.screenshot(&shot("error")).await?;
    preview::shoot_preview(&app, &shot).await?;
    library::shoot_library(&app, &shot).await?;
    sidebar::shoot_sidebar(suite, app, lang, &shot).await?;
    library::shoot_welcome(
        suite,
        welcome_profile,
        &format!("shots-{lang}-{theme}-3"),
        &shot,
    )
    .await
}

impl harness::App {
    /// Types into the question box (by id: its label is translated) and sends with Enter.
    async fn type_into_question(&self, question: &str) -> Result<()> {
        let before = self.assistant_count().await?;
        let q = self
            .wait_xpath("the question box", "//textarea[@id='question']")
            .await?;
        q.send_keys(question)
            .await
            .map_err(|e| anyhow::anyhow!("typing the question: {e}"))?;
        self.js("document.getElementById('send').click(); return true;")
            .await?;
        self.wait_js(
            "the answer to start",
            Duration::from_secs(10),
            &format!(
                "return document.querySelectorAll('[role=log] article[data-role=assistant]').length > {before};"
            ),
        )
        .await?;
        Ok(())
    }
}
