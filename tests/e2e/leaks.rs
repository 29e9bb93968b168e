//! The API key leaves no copy behind after a session with faults (the service refusing the key
//! and quoting it back, a cut stream, a refusal inside the stream, throttling, a refused
//! upload): not in the profile's data folder or its tmp/, not in WebKit's cache and storage
//! under the profile's HOME, not in the log the driver and the app write, not in the page, and
//! not in any reply of any command the UI can call (nor in the events of its channels).

use crate::desktop::{window_named, xdotool};
use crate::harness::{files_containing, Suite};
use crate::xss::ask_raw;
use crate::{with_key, KEY};
use anyhow::{ensure, Result};
use mock_dashscope::{Fault, Target};
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

/// The key as it could be written: itself, its secret part alone, UTF-16 (WebKit's storage),
/// and base64.
fn needles() -> Vec<(String, Vec<u8>)> {
    let secret = KEY.trim_start_matches("sk-");
    let utf16: Vec<u8> = KEY.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    vec![
        ("the key".into(), KEY.as_bytes().to_vec()),
        ("its secret part".into(), secret.as_bytes().to_vec()),
        ("the key in UTF-16".into(), utf16),
        (
            "the key in base64".into(),
            base64(KEY.as_bytes()).into_bytes(),
        ),
    ]
}

fn base64(bytes: &[u8]) -> String {
    const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..=c.len() {
            out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// Every command of the UI (src-tauri/src/command_names.rs), called as the UI calls it, with
/// every reply, rejection and channel event returned as JSON text.
const CALL_ALL: &str = r#"
const inv = window.__TAURI__.core.invoke;
const out = [];
const events = [];
const channel = (name) => { const c = new window.__TAURI__.core.Channel(); c.onmessage = (m) => events.push([name, m]); return c; };
const call = async (cmd, args) => {
  try { const v = await inv(cmd, args); out.push([cmd, 'ok', JSON.stringify(v)]); return v; }
  catch (e) { out.push([cmd, 'rejected', JSON.stringify(e)]); return null; }
};
const state = await call('get_state', {});
await call('save_settings', { settings: state.settings });
await call('set_api_key', { key: arguments[0] });
await call('confirm_endpoint', {});
await call('test_connection', {});
await call('test_connection', {});
await call('list_chats', {});
const chat = await call('open_chat', { chatId: null });
const chatId = chat.summary.id;
await call('estimate_text', { text: 'A short note.' });
const doc = await call('add_text', { chatId, text: 'Warehouse code ZX-4471.', name: 'note' });
await call('add_text_as_file', { chatId, text: 'Line of the audit.\n'.repeat(3000), name: 'audit' });
await call('add_pending_documents', { chatId, confirmed: false });
await call('discard_pending_documents', {});
await call('retry_document', { jobId: 987654 });
const answer = await call('ask', { chatId, question: 'Which code? [[mock:slow=30]]', onEvent: channel('ask') });
const stopping = call('ask', { chatId, question: 'And the audit? [[mock:slow=200]]', onEvent: channel('ask2') });
await new Promise((r) => setTimeout(r, 600));
await call('stop_answer', { chatId });
await stopping;
if (answer) await call('regenerate', { chatId, answerId: answer.message.id, onEvent: channel('regenerate') });
await call('regenerate', { chatId, answerId: 987654, onEvent: channel('regenerate-missing') });
if (doc) await call('remove_document', { chatId, documentId: doc.id });
await call('open_link', { url: 'https://example.com/leak-check' });
await call('open_link', { url: 'file:///etc/passwd' });
await call('open_chat', { chatId });
await call('delete_chat', { chatId });
await call('delete_chat', { chatId });
await call('delete_api_key', {});
await call('get_state', {});
await call('watch_documents', { onEvent: channel('documents') });
await new Promise((r) => setTimeout(r, 300));
await window.__pick.then((v) => out.push(['pick_documents', 'ok', JSON.stringify(v)]),
                         (e) => out.push(['pick_documents', 'rejected', JSON.stringify(e)]));
return { out, events: events.map(([n, m]) => [n, JSON.stringify(m)]) };
"#;

pub async fn key_leaks_nowhere_after_a_session_with_faults(suite: &Suite) -> Result<()> {
    let name = "key-leaks";
    let app = suite
        .launch(
            name,
            crate::harness::Launch {
                args: vec![suite.fixture("meeting-notes.md")],
                ..with_key()
            },
        )
        .await?;
    app.wait_documents_ready(1).await?;
    // The service refuses the key and quotes it back, as some gateways do.
    suite.mock.push_fault(Fault::http_error(
        Target::Chat,
        401,
        "InvalidApiKey",
        &format!("Incorrect API key provided: {KEY}."),
    ));
    ask_raw(&app, "What is due first?", &["error"]).await?;
    ask_raw(&app, "Summarise the notes [[mock:cut=4]]", &["interrupted"]).await?;
    suite.mock.push_fault(Fault::StreamError {
        after_chunks: 3,
        code: "data_inspection_failed".into(),
        message: format!("Output inspection failed for request by {KEY}"),
    });
    ask_raw(&app, "Who is responsible?", &["error", "interrupted"]).await?;
    let mut throttled = Fault::http_error(
        Target::Chat,
        429,
        "Throttling",
        &format!("Requests throttled for {KEY}"),
    );
    if let Fault::HttpError { retry_after, .. } = &mut throttled {
        *retry_after = Some(1);
    }
    suite.mock.push_fault(throttled);
    ask_raw(&app, "When is the next meeting?", &["complete"]).await?;
    // A refused upload (the file the long paste becomes), then its retry.
    suite.mock.push_fault(Fault::http_error(
        Target::Upload,
        400,
        "InvalidParameter",
        &format!("Upload refused for {KEY}"),
    ));
    suite.mock.push_fault(Fault::http_error(
        Target::Files,
        401,
        "InvalidApiKey",
        &format!("Incorrect API key provided: {KEY}."),
    ));
    // The file chooser opens and waits: Escape closes it once everything else was called.
    app.js("window.__pick = window.__TAURI__.core.invoke('pick_documents', {chatId: (await window.__TAURI__.core.invoke('list_chats'))[0].id, title: 'Leak check pick', filter: 'Documents'}); return true;")
        .await?;
    let (id, ..) = window_named("^Leak check pick$", Duration::from_secs(10)).await?;
    let closer = tokio::spawn(async move {
        let _ = xdotool(&["windowfocus", "--sync", &id]);
        let _ = xdotool(&["key", "Escape"]);
    });
    let all = app
        .client
        .execute(CALL_ALL, vec![Value::String(KEY.into())])
        .await
        .map_err(|e| anyhow::anyhow!("calling every command: {e}"))?;
    let _ = closer.await;
    let replies = all["out"].as_array().cloned().unwrap_or_default();
    let called: std::collections::BTreeSet<&str> =
        replies.iter().filter_map(|r| r[0].as_str()).collect();
    ensure!(
        called.len() == 22,
        "{} commands called: {called:?}",
        called.len()
    );
    let text = all.to_string();
    for (what, needle) in needles() {
        let needle = String::from_utf8_lossy(&needle).into_owned();
        ensure!(!text.contains(&needle), "{what} in an IPC reply: {all}");
    }
    let source = app.client.source().await?;
    ensure!(!source.contains(KEY), "the page holds the key");
    let profile = app.profile.clone();
    app.quit().await?;

    let mut places: Vec<PathBuf> = vec![profile.path().to_path_buf()];
    places.push(suite.artifacts.join(format!("{name}.driver.log")));
    let p = profile.path();
    for must in [
        p.join("data/longwen.db"),
        // WebKit's cache and storage (under XDG_DATA_HOME), and XDG_CACHE_HOME.
        p.join("home/.local/share/cn.longwen.desktop/WebKitCache"),
        p.join("home/.local/share/cn.longwen.desktop/storage"),
        p.join("home/.cache"),
        suite.artifacts.join(format!("{name}.driver.log")),
    ] {
        ensure!(
            must.exists(),
            "{} is missing: nothing to look in",
            must.display()
        );
    }
    for (what, needle) in needles() {
        let mut hits = Vec::new();
        for place in &places {
            if place.is_dir() {
                hits.extend(files_containing(place, &needle));
            } else if std::fs::read(place)?
                .windows(needle.len())
                .any(|w| w == needle)
            {
                hits.push(place.clone());
            }
        }
        ensure!(hits.is_empty(), "{what} was written to {hits:?}");
    }
    Ok(())
}
