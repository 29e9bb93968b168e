//! The library, the cloud files, the first start's API Key step, documents waiting for the
//! API Key, and Undo for removing a document from a chat.

use crate::harness::{App, Launch, Suite, STEP};
use crate::{empty_keyring, launch_with_document, uploads, KEY};
use anyhow::{ensure, Context, Result};
use serde_json::Value;
use std::time::Duration;

const NOTES: &str = "meeting-notes.md";
const CONSOLE: &str = "https://bailian.console.aliyun.com/?apiKey=1";

/// The mock's DELETE /files/{id} requests, as their paths.
fn deletes(suite: &Suite) -> Vec<String> {
    suite
        .mock
        .requests()
        .into_iter()
        .filter(|r| r.method == "DELETE" && r.path.contains("/files/"))
        .map(|r| r.path)
        .collect()
}

/// The rows of a Library table (`lib-rows` or `cloud-rows`) as `[{id, cloud, known, text}]`.
async fn rows(app: &App, body: &str) -> Result<Value> {
    app.js(&format!(
        "return [...document.querySelectorAll('#{body} tr')].map(r => ({{
           id: r.dataset.documentId || r.dataset.fileId, cloud: r.dataset.cloud || null,
           known: r.dataset.known || null, text: r.textContent.replace(/\\s+/g, ' ').trim() }}));"
    ))
    .await
}

async fn check(app: &App, label: &str) -> Result<()> {
    app.wait_xpath(
        &format!("checkbox {label:?}"),
        &format!("//input[@type='checkbox'][@aria-label=\"{label}\"]"),
    )
    .await?
    .click()
    .await
    .with_context(|| format!("ticking {label:?}"))
}

/// (1) A document of the library added to a new chat is not uploaded a second time.
pub async fn library_document_joins_a_new_chat_without_a_second_upload(
    suite: &Suite,
) -> Result<()> {
    let app = launch_with_document(suite, "library-add", NOTES).await?;
    ensure!(uploads(suite).len() == 1, "uploads: {:?}", uploads(suite));
    app.click("New conversation").await?;
    app.wait_js(
        "an empty documents list",
        Duration::from_secs(10),
        "return document.querySelectorAll('#doc-list [data-state]').length === 0;",
    )
    .await?;
    app.click("Library").await?;
    app.wait_xpath(
        "the Library dialog",
        "//dialog[@open][@aria-labelledby='library-heading'][.//h2[normalize-space(.)='Library']]",
    )
    .await?;
    // Local states first, then the account's list: the copy is there.
    let listed = app
        .wait_js(
            "the document uploaded in the cloud",
            STEP,
            &format!(
                "const r = [...document.querySelectorAll('#lib-rows tr')].find(r => r.textContent.includes('{NOTES}'));
                 return r && r.dataset.cloud === 'uploaded' && document.getElementById('lib-status').textContent === '' ? r.textContent : null;"
            ),
        )
        .await?;
    ensure!(
        listed.as_str().is_some_and(|t| t.contains("uploaded")),
        "row: {listed}"
    );
    check(&app, &format!("Select {NOTES}")).await?;
    app.click("Add 1 to this conversation").await?;
    let docs = app.wait_documents_ready(1).await?;
    ensure!(docs.to_string().contains(NOTES), "documents: {docs}");
    ensure!(
        uploads(suite).len() == 1,
        "uploaded again: {:?}",
        uploads(suite)
    );
    // The new chat really reads it.
    app.ask("What was decided?").await?;
    let answer = app.wait_answer(&["complete"]).await?;
    ensure!(
        answer["text"].as_str().unwrap_or_default().contains(NOTES),
        "answer: {answer}"
    );
    ensure!(uploads(suite).len() == 1, "uploads after the answer");
    app.quit().await
}

/// "New conversation with these documents": an empty chat that carries the shown chat's
/// documents, without a second upload, and answers from them.
pub async fn new_conversation_with_these_documents(suite: &Suite) -> Result<()> {
    let app = launch_with_document(suite, "carry-over", NOTES).await?;
    let button = "//button[@id='new-with-docs'][not(@hidden)]";
    ensure!(
        app.client
            .find_all(fantoccini::Locator::XPath(button))
            .await?
            .is_empty(),
        "offered before any question"
    );
    app.ask("When is the next meeting?").await?;
    app.wait_answer(&["complete"]).await?;
    let first = app
        .js("return document.querySelector('#chat-list .current')?.dataset.chatId;")
        .await?;
    app.click("New conversation with these documents").await?;
    // The new chat first (the old one shows its document as ready too), then its document.
    let second = app
        .wait_js(
            "the new conversation",
            Duration::from_secs(10),
            &format!(
                "const id = document.querySelector('#chat-list .current')?.dataset.chatId;
                 return id && id !== {first} ? id : null;"
            ),
        )
        .await?;
    let docs = app.wait_documents_ready(1).await?;
    ensure!(docs.to_string().contains(NOTES), "documents: {docs}");
    ensure!(
        first != second && !second.is_null(),
        "chats: {first} then {second}"
    );
    ensure!(
        app.js("return document.querySelectorAll('#conversation article').length;")
            .await?
            == 0,
        "the new chat starts empty"
    );
    ensure!(
        uploads(suite).len() == 1,
        "uploaded again: {:?}",
        uploads(suite)
    );
    app.ask("What was decided?").await?;
    let answer = app.wait_answer(&["complete"]).await?;
    ensure!(
        answer["text"].as_str().unwrap_or_default().contains(NOTES),
        "answer: {answer}"
    );
    app.quit().await
}

/// (2) The cloud view lists the account's files and deletes the one chosen, after a
/// confirmation naming how many and how big.
pub async fn cloud_files_view_deletes_a_file(suite: &Suite) -> Result<()> {
    let app = launch_with_document(suite, "cloud-delete", "customers.csv").await?;
    let bytes = std::fs::metadata(suite.fixture("customers.csv"))?.len();
    app.click("Library").await?;
    app.click("Cloud files").await?;
    app.wait_js(
        "the cloud file listed",
        STEP,
        "return [...document.querySelectorAll('#cloud-rows tr')].some(r => r.textContent.includes('customers.csv') && r.dataset.known === 'true');",
    )
    .await?;
    let quota = app
        .js("return document.getElementById('cloud-quota').textContent;")
        .await?;
    ensure!(
        quota
            .as_str()
            .is_some_and(|q| q.contains("Files: 1 of 10,000")),
        "quota: {quota}"
    );
    let listed = rows(&app, "cloud-rows").await?;
    let id = listed[0]["id"].as_str().unwrap_or_default().to_string();
    ensure!(!id.is_empty(), "no file id: {listed}");
    check(&app, "Select customers.csv").await?;
    app.click("Delete selected").await?;
    let title = app
        .wait_js(
            "the confirmation",
            Duration::from_secs(5),
            "const d = document.getElementById('confirm-dialog'); return d.open ? document.getElementById('confirm-heading').textContent : null;",
        )
        .await?;
    let size = if bytes < 1024 {
        format!("{bytes} B")
    } else {
        String::from("KB")
    };
    ensure!(
        title
            .as_str()
            .is_some_and(|t| t.starts_with("Delete 1 file from the cloud (") && t.contains(&size)),
        "confirmation: {title}"
    );
    ensure!(deletes(suite).is_empty(), "deleted before the confirmation");
    app.wait_xpath(
        "the confirmation's delete button",
        "//dialog[@id='confirm-dialog']//button[normalize-space(.)='Delete from the cloud']",
    )
    .await?
    .click()
    .await?;
    app.wait_js(
        "the file gone from the list",
        STEP,
        "return /1 file deleted/.test(document.getElementById('cloud-result').textContent)
           && document.getElementById('cloud-status').textContent === ''
           && document.querySelectorAll('#cloud-rows tr').length === 0;",
    )
    .await?;
    ensure!(
        deletes(suite)
            .iter()
            .any(|p| p.ends_with(&format!("/files/{id}"))),
        "the mock saw no DELETE of {id}: {:?}",
        deletes(suite)
    );
    // The list shown after the deletion is a fresh one from the account.
    let lists = suite
        .mock
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path.ends_with("/files"))
        .count();
    ensure!(lists >= 2, "the list was not asked again ({lists})");
    // The library now says the document is not uploaded (adding it uploads it again).
    app.click("Documents").await?;
    app.wait_js(
        "the library to say not uploaded",
        STEP,
        "return [...document.querySelectorAll('#lib-rows tr')].some(r => r.textContent.includes('customers.csv') && r.dataset.cloud === 'not_uploaded');",
    )
    .await?;
    // Removing it from the library asks first, naming the conversation that uses it.
    app.click("Remove customers.csv from the library").await?;
    let body = app
        .wait_js(
            "the question before removing",
            Duration::from_secs(5),
            "const d = document.getElementById('confirm-dialog'); return d.open ? document.getElementById('confirm-body').textContent : null;",
        )
        .await?;
    ensure!(
        body.as_str()
            .is_some_and(|b| b.contains("still used in 1 conversation: \"Untitled conversation\"")),
        "asked: {body}"
    );
    app.wait_xpath(
        "the confirmation's Remove",
        "//dialog[@id='confirm-dialog']//button[normalize-space(.)='Remove']",
    )
    .await?
    .click()
    .await?;
    app.wait_js(
        "the document out of the library and of the chat",
        Duration::from_secs(10),
        "return document.querySelectorAll('#lib-rows tr').length === 0 && document.querySelectorAll('#doc-list [data-state]').length === 0;",
    )
    .await?;
    app.quit().await
}

/// (3) The first start: the console opens directly; a refused key is refused on Save with its
/// reason (and not kept); a good one leads to the next step, adding a document.
pub async fn welcome_tests_the_key_on_save(suite: &Suite) -> Result<()> {
    let entry = empty_keyring()?;
    let result = async {
        let app = suite.launch("welcome-key", Launch::default()).await?;
        app.wait_js(
            "the welcome steps",
            Duration::from_secs(10),
            "return !!document.getElementById('welcome-key');",
        )
        .await?;
        app.click("Open the console").await?;
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while !app.opened_links().iter().any(|l| l == CONSOLE) {
            ensure!(
                std::time::Instant::now() < deadline,
                "the console link was not opened: {:?}",
                app.opened_links()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        ensure!(
            app.js("return document.getElementById('confirm-dialog').open;")
                .await?
                == false,
            "the app's own console link asked as if it came from outside"
        );

        app.type_into("API Key", "sk-refused-e2e-000000000000")
            .await?;
        app.click("Save").await?;
        let refused = app
            .wait_js(
                "the refusal on Save",
                STEP,
                "const r = document.querySelector('.welcome-result .error-box'); return r ? r.textContent : null;",
            )
            .await?;
        let refused = refused.as_str().unwrap_or_default();
        ensure!(
            refused.contains("refused the API Key") && refused.contains("was not kept"),
            "refusal: {refused}"
        );
        ensure!(
            matches!(entry.get_password(), Err(keyring::Error::NoEntry)),
            "the refused key was kept"
        );

        app.type_into("API Key", KEY).await?;
        app.click("Save").await?;
        let next = app
            .wait_js(
                "the drop step",
                STEP,
                "const l = document.querySelector('[role=log]');
                 return l.querySelector('.key-banner.ok') && l.querySelector('.empty:not(.welcome)') && !document.getElementById('welcome-key') ? l.textContent : null;",
            )
            .await?;
        ensure!(
            next.as_str()
                .is_some_and(|t| t.contains("Your API Key works") && t.contains("add a document")),
            "after Save: {next}"
        );
        ensure!(
            entry.get_password().ok().as_deref() == Some(KEY),
            "the key is not in the keyring"
        );
        let focus = app
            .js("return document.activeElement && document.activeElement.id;")
            .await?;
        ensure!(focus == "add-documents", "focus on {focus}");
        app.quit().await
    }
    .await;
    entry.delete_credential().ok();
    result
}

/// (4) Documents opened with the app before any key exists wait for one, and go on by
/// themselves once it is saved in Settings.
pub async fn opened_documents_wait_for_the_api_key(suite: &Suite) -> Result<()> {
    let entry = empty_keyring()?;
    let result = async {
        let app = suite
            .launch(
                "waiting-for-key",
                Launch {
                    args: vec![suite.fixture(NOTES)],
                    ..Launch::default()
                },
            )
            .await?;
        let waiting = app
            .wait_js(
                "the row waiting for the API Key",
                STEP,
                "const r = document.querySelector('#doc-list [data-state]');
                 return r && r.dataset.state === 'waiting_for_key' ? r.textContent : null;",
            )
            .await?;
        ensure!(
            waiting
                .as_str()
                .is_some_and(|t| t.contains("waiting for API Key")),
            "row: {waiting}"
        );
        ensure!(uploads(suite).is_empty(), "uploaded without a key");
        let cost = app
            .js("return document.getElementById('cost-note').textContent;")
            .await?;
        ensure!(
            !cost.as_str().unwrap_or_default().contains("first"),
            "the cost line still says to add documents first: {cost}"
        );
        app.click("Settings").await?;
        app.wait_xpath(
            "the Settings key field",
            "//dialog[@id='settings-dialog']//input[@id='api-key']",
        )
        .await?
        .send_keys(KEY)
        .await?;
        app.wait_xpath(
            "the Settings Save",
            "//dialog[@id='settings-dialog']//button[@id='key-save']",
        )
        .await?
        .click()
        .await?;
        app.wait_js(
            "the key tested on Save",
            STEP,
            "return /Connection works/.test(document.getElementById('key-result').textContent);",
        )
        .await?;
        app.click("Close").await?;
        let docs = app.wait_documents_ready(1).await?;
        ensure!(docs.to_string().contains(NOTES), "documents: {docs}");
        ensure!(uploads(suite).len() == 1, "uploads: {:?}", uploads(suite));
        app.quit().await
    }
    .await;
    entry.delete_credential().ok();
    result
}

/// (5) Removing a document from a chat offers Undo; Undo keeps it, and without Undo it goes
/// once the bar has gone.
pub async fn removing_a_document_offers_undo(suite: &Suite) -> Result<()> {
    let app = launch_with_document(suite, "undo-remove", NOTES).await?;
    app.click(&format!("Remove {NOTES}")).await?;
    app.wait_js(
        "the row gone and the Undo bar",
        Duration::from_secs(5),
        "return document.querySelectorAll('#doc-list [data-state]').length === 0 && !document.getElementById('undo-bar').hidden;",
    )
    .await?;
    app.click("Undo").await?;
    app.wait_documents_ready(1).await?;
    ensure!(
        app.js("return document.getElementById('undo-bar').hidden;")
            .await?
            == true,
        "the Undo bar stayed"
    );
    // A question settles any removal still waiting: the document must still be read.
    app.ask("What was decided?").await?;
    let answer = app.wait_answer(&["complete"]).await?;
    ensure!(
        answer["text"].as_str().unwrap_or_default().contains(NOTES),
        "Undo did not keep the document: {answer}"
    );

    // Without Undo, the removal reaches Rust once the bar has gone.
    app.click(&format!("Remove {NOTES}")).await?;
    app.wait_js(
        "the Undo bar to go by itself",
        Duration::from_secs(15),
        "return document.getElementById('undo-bar').hidden && document.querySelectorAll('#doc-list [data-state]').length === 0;",
    )
    .await?;
    app.js("window.__e2eBeforeReload = true; setTimeout(() => location.reload(), 0); return true;")
        .await?;
    app.wait_js(
        "the chat reopened",
        Duration::from_secs(10),
        "return !window.__e2eBeforeReload && document.getElementById('app') && !document.getElementById('app').hidden && document.querySelectorAll('[role=log] article').length >= 2;",
    )
    .await?;
    let left = app
        .js("return document.querySelectorAll('#doc-list [data-state]').length;")
        .await?;
    ensure!(
        left == 0,
        "the document is still attached after reopening ({left})"
    );
    app.quit().await
}
