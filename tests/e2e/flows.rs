//! Regenerate in place, a failed upload retried from its row, a long paste uploaded as a file,
//! Settings (test the connection, remove the key), and links in answers that ask first.

use crate::harness::{sha12, Launch, Suite, STEP};
use crate::{chat_requests, empty_keyring, launch_with_document, text_of, uploads, with_key, KEY};
use anyhow::{ensure, Context, Result};
use mock_dashscope::{Fault, Target};
use serde_json::Value;
use std::time::{Duration, Instant};

pub async fn regenerate_streams_the_answer_again_in_place(suite: &Suite) -> Result<()> {
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

pub async fn failed_upload_is_retried_from_its_row(suite: &Suite) -> Result<()> {
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

pub async fn long_paste_is_uploaded_as_a_file(suite: &Suite) -> Result<()> {
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

pub async fn settings_test_connection_and_remove_key(suite: &Suite) -> Result<()> {
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

pub async fn links_in_answers_ask_before_opening(suite: &Suite) -> Result<()> {
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
