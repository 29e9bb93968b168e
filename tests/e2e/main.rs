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
mod basics;
mod cost;
mod crash;
mod crashkit;
mod desktop;
mod flows;
mod follow;
mod harness;
mod leaks;
mod library;
mod migrate;
mod perf_list;
mod perf_stream;
mod preview;
mod preview_pages;
#[allow(dead_code)]
#[path = "../../benches/support/procfs.rs"]
mod procfs;
mod races;
mod seed;
mod shots;
mod sidebar;
mod throttle;
mod xss;

use answers::{
    copy_puts_html_on_the_clipboard, edit_makes_a_new_version_of_the_question,
    sending_while_a_document_is_reading_asks_first, starter_questions_ask_in_one_click,
    versions_regenerate_keeps_both_answers,
};
use anyhow::{bail, ensure, Context, Result};
use basics::{
    an_old_error_is_worded_in_the_language_chosen_later, cut_stream_is_marked_interrupted,
    document_named_with_a_line_break_uploads, first_run_asks_for_a_key_and_keeps_it_in_the_keyring,
    language_switch_changes_the_ui, open_with_one_document_gets_a_streamed_answer,
    opened_documents_wait_for_one_click, refused_key_points_to_settings,
    stop_keeps_the_partial_answer, two_documents_and_pasted_text_reach_the_answer,
};
use cost::{
    a_ram_users_key_can_send_the_text_instead,
    cost_line_estimates_before_asking_and_shows_the_error_after,
};
use crash::{
    crash_after_the_service_took_an_upload_uploads_it_once,
    crash_kill_9_while_answering_and_uploading,
    crash_then_restart_at_once_marks_the_answer_interrupted,
};
use desktop::{
    picker_adds_a_document, real_drop_of_a_folder_and_a_file, sidebar_toggle_in_a_narrow_window,
    webkit_draws_without_its_compositor_when_there_is_no_gpu,
};
use flows::{
    failed_upload_is_retried_from_its_row, links_in_answers_ask_before_opening,
    long_paste_is_uploaded_as_a_file, regenerate_streams_the_answer_again_in_place,
    settings_test_connection_and_remove_key,
};
use follow::streaming_follows_until_the_person_scrolls_up;
use harness::{App, Launch, Suite, KEYRING_SERVICE, KEYRING_USER};
use leaks::key_leaks_nowhere_after_a_session_with_faults;
use library::{
    cloud_files_view_deletes_a_file, library_document_joins_a_new_chat_without_a_second_upload,
    new_conversation_with_these_documents, opened_documents_wait_for_the_api_key,
    removing_a_document_offers_undo, welcome_tests_the_key_on_save,
};
use migrate::crash_kill_9_while_migrating_an_old_database;
use perf_list::long_conversation_draws_only_what_is_on_screen;
use perf_stream::streaming_parses_each_finished_block_once;
use preview::{
    long_document_opens_in_windows, preview_finds_in_the_contract_pdf,
    quotes_link_to_the_clause_and_flag_made_up_ones, scanned_pdf_says_why_there_is_no_preview,
};
use preview_pages::many_pages_get_a_page_field;
use races::a_late_chat_list_keeps_the_new_chat;
use serde_json::Value;
use shots::screenshots_in_both_languages_and_themes;
use sidebar::{
    sidebar_export_markdown_through_the_menu, sidebar_rename_and_delete_with_undo,
    sidebar_search_finds_chats_after_a_restart,
};
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};
use xss::{xss_in_answers_titles_and_errors, xss_in_document_names};

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
        let mut suite = match Suite::start().await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("e2e: {e:#}");
                return 1;
            }
        };
        // WebKitWebDriver's screenshot of a page with a modal <dialog> open never returns when
        // WebKit draws without its compositor (WebKitGTK 2.50 under Xvfb), and the app chooses
        // that on machines without a GPU. The scenarios run with the compositor on; the one that
        // checks the app's own choice drives it (a long conversation, a dialog) without shots.
        suite.compositing_off = Some("0");
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
            a_late_chat_list_keeps_the_new_chat,
            webkit_draws_without_its_compositor_when_there_is_no_gpu,
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
            streaming_follows_until_the_person_scrolls_up,
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
