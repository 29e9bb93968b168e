//! Answers in the conversation: versions of a turn (Regenerate, Edit, ‹ 2/3 ›), rich Copy and
//! Copy table, Documents used, starter questions, and asking first while a document is not
//! ready.

use crate::app::LOG_FN;
use crate::harness::{App, Launch, Suite, STEP};
use crate::{chat_requests, launch_with_document, text_of, with_key};
use anyhow::{ensure, Context, Result};
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

/// The shown turns: `[{question, questionId, answerId, status, answer, pos, docs}]`.
const TURNS_FN: &str = r#"
function turns() {
  return [...document.querySelectorAll('[role=log] .turn')].map(t => {
    const q = t.querySelector('article[data-role=user]');
    const a = t.querySelector('article[data-role=assistant]');
    const pos = a && a.querySelector('.version-pos');
    const docs = a && [...a.querySelectorAll('[role=list]')]
      .find(l => l.getAttribute('aria-label') === 'Documents used');
    return {
      question: q ? q.querySelector('.msg-body').textContent : null,
      questionId: q ? (q.dataset.messageId || null) : null,
      answerId: a ? a.dataset.messageId : null,
      status: a ? a.dataset.status : null,
      answer: a ? a.querySelector('.msg-body').textContent.replace(/\s+/g, ' ').trim() : null,
      pos: pos ? pos.textContent : null,
      docs: docs ? [...docs.querySelectorAll('[role=listitem]')].map(li => li.textContent.trim()) : null,
    };
  });
}
"#;

async fn turns(app: &App) -> Result<Value> {
    app.js(&format!("{TURNS_FN} return turns();")).await
}

/// Waits until the last turn satisfies the JS condition `cond` on `t` (a turns() entry).
async fn wait_turn(app: &App, what: &str, cond: &str) -> Result<Value> {
    app.wait_js(
        what,
        STEP,
        &format!("{TURNS_FN} const all = turns(); const t = all[all.length - 1]; return t && ({cond}) ? t : null;"),
    )
    .await
}

/// What X's clipboard holds as `target` (text/html, UTF8_STRING), read with xclip.
fn clipboard(target: &str) -> Result<String> {
    let out = std::process::Command::new("timeout")
        .args(["10", "xclip", "-selection", "clipboard", "-t", target, "-o"])
        .output()
        .context("running xclip (scripts/setup-system.sh installs it)")?;
    ensure!(
        out.status.success(),
        "xclip -t {target}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A button's text, waiting until it says `want` (Copy → Copied).
async fn wait_button_text(app: &App, action: &str, want: &str) -> Result<Value> {
    app.wait_js(
        &format!("the {action} button to say {want}"),
        Duration::from_secs(10),
        &format!(
            "const b = document.querySelector('[role=log] [data-action=\"{action}\"]');
             return b && b.textContent.trim() === '{want}';"
        ),
    )
    .await
}

pub async fn versions_regenerate_keeps_both_answers(suite: &Suite) -> Result<()> {
    let app = launch_with_document(suite, "versions", "meeting-notes.md").await?;
    app.ask("What are the action items?").await?;
    app.wait_answer(&["complete"]).await?;
    let first = wait_turn(
        &app,
        "the first answer",
        "t.status === 'complete' && t.docs",
    )
    .await?;
    ensure!(
        first["pos"].is_null(),
        "one version shows a switch: {first}"
    );
    ensure!(
        first["docs"].as_array().map(Vec::len) == Some(1)
            && first["docs"][0]
                .as_str()
                .is_some_and(|d| d.ends_with("meeting-notes.md")),
        "Documents used: {first}"
    );
    let first_id = first["answerId"].clone();

    app.click("Regenerate").await?;
    let second = wait_turn(
        &app,
        "the regenerated answer as 2/2",
        &format!("t.status === 'complete' && t.pos === '2/2' && t.answerId !== {first_id}"),
    )
    .await?;
    ensure!(chat_requests(suite) == 2, "regenerate did not ask again");
    ensure!(
        app.assistant_count().await? == 1,
        "both versions are shown at once"
    );
    ensure!(
        second["docs"].as_array().is_some_and(|d| d.len() == 1),
        "Documents used on the new version: {second}"
    );
    let second_id = second["answerId"].clone();

    app.click("Previous version").await?;
    let back = wait_turn(
        &app,
        "the first version again",
        &format!("t.pos === '1/2' && t.answerId === {first_id}"),
    )
    .await?;
    ensure!(
        back["answer"] == first["answer"],
        "the first answer's text: {back} vs {first}"
    );
    ensure!(
        app.js("return document.querySelector('[aria-label=\"Previous version\"]').disabled;")
            .await?
            == Value::Bool(true),
        "Previous version is enabled on the first version"
    );
    app.click("Next version").await?;
    wait_turn(
        &app,
        "the second version again",
        &format!("t.pos === '2/2' && t.answerId === {second_id}"),
    )
    .await?;
    // The keyboard stays on the switch.
    app.wait_js(
        "focus on the version switch",
        Duration::from_secs(5),
        "const b = document.activeElement; return !!b && !!b.closest('.versions');",
    )
    .await?;

    // The document leaves the chat; after a restart the versions are still there and the
    // answers still name what they read (from the chat's documents_read).
    app.click("Remove meeting-notes.md").await?;
    app.wait_js(
        "the document removed",
        Duration::from_secs(10),
        "return document.querySelectorAll('#doc-list [data-state]').length === 0;",
    )
    .await?;
    let profile = app.profile.clone();
    app.quit().await?;
    let app = suite
        .launch(
            "versions-2",
            Launch {
                profile: Some(profile),
                ..with_key()
            },
        )
        .await?;
    let again = wait_turn(
        &app,
        "the stored versions after a restart",
        &format!("t.pos === '2/2' && t.answerId === {second_id} && t.docs"),
    )
    .await?;
    ensure!(
        again["docs"][0]
            .as_str()
            .is_some_and(|d| d.ends_with("meeting-notes.md")),
        "the removed document is not named under the answer: {again}"
    );
    app.quit().await
}

pub async fn copy_puts_html_on_the_clipboard(suite: &Suite) -> Result<()> {
    let app = launch_with_document(suite, "copy-html", "meeting-notes.md").await?;
    app.ask("Summarise it at length [[mock:long=6]]").await?;
    let answer = app.wait_answer(&["complete"]).await?;
    ensure!(text_of(&answer).contains("Section 1"), "{answer}");

    app.click("Copy").await?;
    wait_button_text(&app, "copy", "Copied").await?;
    let html = clipboard("text/html")?;
    for tag in ["<h1", "<h2", "<li", "<table", "<strong", "<td"] {
        ensure!(
            html.contains(tag),
            "no {tag} in the HTML on the clipboard: {html}"
        );
    }
    ensure!(!html.contains("<script"), "{html}");
    let plain = clipboard("UTF8_STRING")?;
    ensure!(
        plain.contains("Section 1") && !plain.contains("<h2"),
        "plain text: {plain}"
    );

    // Copy table: tab-separated cells, one row a line.
    app.click("Copy table").await?;
    wait_button_text(&app, "copy-table", "Copied").await?;
    let table = clipboard("UTF8_STRING")?;
    ensure!(
        table.trim_end() == "Party\tDuty\tDays\n甲方\tpay\t11\n乙方\tdeliver\t6",
        "the table on the clipboard: {table:?}"
    );
    app.quit().await
}

pub async fn edit_makes_a_new_version_of_the_question(suite: &Suite) -> Result<()> {
    let app = launch_with_document(suite, "edit", "meeting-notes.md").await?;
    let original = "What is the budget?";
    let edited = "What is the total budget for 2027?";
    app.ask(original).await?;
    app.wait_answer(&["complete"]).await?;
    wait_turn(&app, "the question's id", "t.questionId").await?;

    app.click("Edit").await?;
    app.wait_js(
        "the question back in the box, marked as editing",
        Duration::from_secs(5),
        &format!(
            "const b = document.getElementById('edit-banner');
             return !b.hidden && /Editing your question/.test(b.textContent)
               && document.getElementById('question').value === {original:?};"
        ),
    )
    .await?;
    app.type_into("Question", edited).await?;
    app.click("Send").await?;
    let t = wait_turn(
        &app,
        "the edited version",
        &format!("t.status === 'complete' && t.pos === '2/2' && t.question === {edited:?}"),
    )
    .await?;
    ensure!(
        t["answer"]
            .as_str()
            .is_some_and(|a| a.contains(&format!("Mock answer to: {edited}"))),
        "the answer is not to the edited question: {t}"
    );
    ensure!(
        app.js("return document.getElementById('edit-banner').hidden;")
            .await?
            == Value::Bool(true),
        "still editing after sending"
    );
    let all = turns(&app).await?;
    ensure!(
        all.as_array().map(Vec::len) == Some(1),
        "one turn expected: {all}"
    );
    // The earlier version shows its own question.
    app.click("Previous version").await?;
    wait_turn(
        &app,
        "the original question with the first answer",
        &format!(
            "t.pos === '1/2' && t.question === {original:?} && t.answer.includes('Mock answer to: ' + {original:?})"
        ),
    )
    .await?;

    // A follow-up after it: the edited version is the history sent.
    app.ask("And the deadline?").await?;
    let follow = wait_turn(
        &app,
        "the follow-up",
        "t.status === 'complete' && t.question === 'And the deadline?'",
    )
    .await?;
    ensure!(
        follow["answer"]
            .as_str()
            // One earlier turn: its question and answer (the mock counts messages).
            .is_some_and(|a| a.contains("Earlier turns: 2")),
        "{follow}"
    );
    let all = turns(&app).await?;
    ensure!(all.as_array().map(Vec::len) == Some(2), "{all}");
    let last_chat = suite
        .mock
        .requests()
        .into_iter()
        .rfind(|r| r.method == "POST" && r.path.ends_with("/chat/completions"))
        .context("no chat request")?;
    let body = last_chat.body.to_string();
    ensure!(
        body.contains(edited) && !body.contains(original),
        "the follow-up's history is not the edited version: {body}"
    );
    app.quit().await
}

pub async fn starter_questions_ask_in_one_click(suite: &Suite) -> Result<()> {
    let app = launch_with_document(suite, "starters", "meeting-notes.md").await?;
    let starters = app
        .wait_js(
            "the starter questions",
            Duration::from_secs(10),
            "const b = [...document.querySelectorAll('[role=log] [data-action=starter]')];
             return b.length ? b.map(x => x.textContent) : null;",
        )
        .await?;
    let list: Vec<String> = serde_json::from_value(starters.clone())?;
    ensure!(
        list.len() == 3,
        "one document: three starters expected: {list:?}"
    );
    ensure!(
        list.iter()
            .any(|s| s.contains("payment, delivery and penalty")),
        "{list:?}"
    );
    ensure!(
        !list.iter().any(|s| s.contains("Compare")),
        "compare offered for one document: {list:?}"
    );
    let pick = list[0].clone();
    app.click(&pick).await?;
    let t = wait_turn(
        &app,
        "the starter's answer",
        &format!("t.status === 'complete' && t.question === {pick:?}"),
    )
    .await?;
    ensure!(
        t["answer"]
            .as_str()
            .is_some_and(|a| a.contains(&format!("Mock answer to: {pick}"))),
        "{t}"
    );
    ensure!(chat_requests(suite) == 1, "one click, one question");
    ensure!(
        app.js("return document.querySelectorAll('[data-action=starter]').length;")
            .await?
            == 0,
        "the starters stay after the first question"
    );
    app.quit().await
}

pub async fn sending_while_a_document_is_reading_asks_first(suite: &Suite) -> Result<()> {
    // The service keeps reading the document for a while, and says so.
    suite.mock.set_report_parsing(true);
    suite.mock.set_parse_delay(Duration::from_secs(20));
    let fixture: PathBuf = suite.fixture("meeting-notes.md");
    let app = suite
        .launch(
            "not-ready",
            Launch {
                args: vec![fixture],
                ..with_key()
            },
        )
        .await?;
    app.wait_js(
        "the document on its way",
        Duration::from_secs(10),
        "return [...document.querySelectorAll('#doc-list [data-state]')].some(r => ['checking','uploading','reading'].includes(r.dataset.state));",
    )
    .await?;
    let question = "Is the budget approved?";
    app.type_into("Question", question).await?;
    app.click("Send").await?;
    let asked = app
        .wait_js(
            "the question about the document not ready",
            Duration::from_secs(5),
            "const d = document.getElementById('confirm-dialog');
             return d.open ? document.getElementById('confirm-heading').textContent + ' | ' + document.getElementById('confirm-body').textContent : null;",
        )
        .await?;
    ensure!(
        asked
            .as_str()
            .is_some_and(|s| s.contains("A document is not ready")
                && s.contains("1 document")
                && s.contains("still being uploaded or read")),
        "{asked}"
    );
    app.click("Wait").await?;
    app.wait_js(
        "the dialog to close",
        Duration::from_secs(5),
        "return !document.getElementById('confirm-dialog').open;",
    )
    .await?;
    ensure!(chat_requests(suite) == 0, "Wait sent the question");
    ensure!(
        app.js("return document.getElementById('question').value;")
            .await?
            == question,
        "the question left the box"
    );
    ensure!(app.assistant_count().await? == 0, "an answer started");

    app.click("Send").await?;
    app.wait_js(
        "the question again",
        Duration::from_secs(5),
        "return document.getElementById('confirm-dialog').open;",
    )
    .await?;
    app.click("Ask anyway").await?;
    app.wait_js(
        "the answer to start",
        Duration::from_secs(10),
        &format!("{LOG_FN} return answers().length === 1;"),
    )
    .await?;
    let t = wait_turn(
        &app,
        "the question asked anyway",
        &format!("t.question === {question:?}"),
    )
    .await?;
    ensure!(t["question"] == question, "{t}");
    app.quit().await
}

/// Moves the mouse off the conversation's buttons, so no hover shows in a screenshot.
async fn pointer_away(app: &App) {
    use fantoccini::actions::{InputSource, MouseActions, PointerAction};
    let away = MouseActions::new("away".into()).then(PointerAction::MoveTo {
        duration: None,
        x: 1175.0,
        y: 660.0,
    });
    let _ = app.client.perform_actions(away).await;
}

/// Starter questions, for the screenshots: the chat is empty and its documents are ready.
pub async fn shoot_answers_starters(app: &App, shot: &dyn Fn(&str) -> PathBuf) -> Result<()> {
    app.wait_js(
        "the starter questions",
        Duration::from_secs(10),
        "return document.querySelectorAll('[role=log] [data-action=starter]').length >= 3;",
    )
    .await?;
    pointer_away(app).await;
    app.screenshot(&shot("starters")).await
}

/// An answer regenerated once (2/2) with its Documents used chips, for the screenshots.
pub async fn shoot_answers_versions(app: &App, shot: &dyn Fn(&str) -> PathBuf) -> Result<()> {
    let before = app
        .js("const a = document.querySelector('[role=log] .turn:last-child article[data-role=assistant]'); return a ? a.dataset.messageId : null;")
        .await?;
    app.js("document.querySelector('[role=log] .turn:last-child [data-action=regenerate]').click(); return true;")
        .await?;
    wait_turn(
        app,
        "the regenerated answer as 2/2",
        &format!("t.status === 'complete' && t.pos === '2/2' && t.answerId !== {before}"),
    )
    .await?;
    app.js("const l = document.querySelector('[role=log]'); l.scrollTop = l.scrollHeight; document.activeElement.blur(); return true;")
        .await?;
    pointer_away(app).await;
    app.screenshot(&shot("versions")).await
}
