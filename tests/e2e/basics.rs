//! The first steps: a key kept in the keyring, a document opened with the app answered as it
//! streams, two documents and pasted text, the one click before uploading, Stop, a refused key,
//! errors worded in the language chosen later, a cut stream, the language switch, and a
//! document named with a line break.

use crate::app;
use crate::harness::{files_containing, sha12, Launch, Suite, STEP};
use crate::{empty_keyring, launch_with_document, text_of, uploads, with_key, CONTRACT, KEY};
use anyhow::{ensure, Context, Result};
use serde_json::Value;
use std::time::Duration;

pub async fn first_run_asks_for_a_key_and_keeps_it_in_the_keyring(suite: &Suite) -> Result<()> {
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

pub async fn open_with_one_document_gets_a_streamed_answer(suite: &Suite) -> Result<()> {
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
    // Screen readers: the log is not live (turns drawn on scroll would be read out), and the
    // finished answer is read from a status line instead.
    let heard = app
        .wait_js(
            "the answer announced",
            Duration::from_secs(10),
            "const s = document.getElementById('answer-status');
             const log = document.querySelector('[role=log]');
             return log.getAttribute('aria-live') === 'off' && s.getAttribute('role') === 'status' && s.textContent;",
        )
        .await?;
    let heard = heard.as_str().unwrap_or_default();
    ensure!(
        heard.starts_with("Longwen") && heard.contains(CONTRACT) && !heard.contains("Regenerate"),
        "announced: {heard}"
    );
    app.quit().await
}

pub async fn two_documents_and_pasted_text_reach_the_answer(suite: &Suite) -> Result<()> {
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
pub async fn opened_documents_wait_for_one_click(suite: &Suite) -> Result<()> {
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

pub async fn stop_keeps_the_partial_answer(suite: &Suite) -> Result<()> {
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

pub async fn refused_key_points_to_settings(suite: &Suite) -> Result<()> {
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
    // Read to screen readers once, from the status line. The box in the log is not an alert:
    // it would be read again each time its turn is drawn.
    app.wait_js(
        "the error announced",
        Duration::from_secs(10),
        "const s = document.getElementById('answer-status').textContent;
         const box = [...document.querySelectorAll('[role=log] .error-box')].pop();
         return box && !box.hasAttribute('role') && s.includes('refused the API Key') && !s.includes('Open settings');",
    )
    .await?;
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
pub async fn an_old_error_is_worded_in_the_language_chosen_later(suite: &Suite) -> Result<()> {
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

pub async fn cut_stream_is_marked_interrupted(suite: &Suite) -> Result<()> {
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

pub async fn language_switch_changes_the_ui(suite: &Suite) -> Result<()> {
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

/// A file name may hold a line break (Linux and macOS allow it): such a document uploads like
/// any other, its name shown as it is.
pub async fn document_named_with_a_line_break_uploads(suite: &Suite) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let name = "minutes\nmarch.txt";
    let path = dir.path().join(name);
    std::fs::write(&path, "Minutes of the March meeting.\n")?;
    let app = suite
        .launch(
            "line-break-name",
            Launch {
                args: vec![path],
                ..with_key()
            },
        )
        .await?;
    let row = app
        .wait_js(
            "the document to be ready or fail",
            STEP,
            "const li = document.querySelector('#doc-list li[data-state=ready], #doc-list li[data-state=failed]');
             return li ? {state: li.dataset.state, name: li.querySelector('.doc-name').textContent,
                          text: li.textContent.replace(/\\s+/g, ' ').trim()} : null;",
        )
        .await?;
    let sent: Vec<Value> = suite
        .mock
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/files"))
        .map(|r| r.body)
        .collect();
    app.quit().await?;
    // A multipart header cannot carry a line break: it is shown and sent as a space.
    let shown = longwen_core::names::upload_name(name);
    ensure!(
        row["state"] == "ready" && row["name"] == shown.as_str(),
        "a document named {name:?} did not upload: {row}; the service got {sent:?}"
    );
    ensure!(
        sent.len() == 1 && sent[0]["filename"] == shown.as_str(),
        "the service got {sent:?}"
    );
    Ok(())
}
