//! A long conversation stays light: it opens with its newest turns only, the earlier ones come
//! as it is scrolled up, only the turns near the screen are drawn (the others are empty wraps
//! holding their height), the top one is drawn once scrolled to, and a search hit far up
//! still lands on its message.

use crate::harness::{Launch, Suite};
use crate::{seed, KEY};
use anyhow::{ensure, Context, Result};
use std::sync::Arc;
use std::time::Duration;

const TURNS: usize = 200;
/// The turns a chat opens with (the engine's `RECENT_TURNS`).
const OPENED_TURNS: u64 = 20;
/// Turns drawn at once, at most: a few screens' worth, whatever the length of the chat.
const DRAWN_AT_MOST: u64 = 20;

const COUNTS: &str = "const log = document.querySelector('[role=log]');
  return { turns: log.querySelectorAll(':scope > .turn').length,
           away: log.querySelectorAll(':scope > .turn[data-lazy=away]:empty').length,
           drawn: log.querySelectorAll('article[data-role=assistant] .msg-body h1').length,
           earlier: Number(log.dataset.earlier) };";

pub async fn long_conversation_draws_only_what_is_on_screen(suite: &Suite) -> Result<()> {
    let profile = Arc::new(tempfile::tempdir()?);
    let data = profile.path().join("data");
    std::fs::create_dir_all(&data)?;
    let chat = seed::long_chat(&data, suite.mock.base_url(), KEY, TURNS, 1000).await?;
    let last_answer = chat.questions[TURNS - 1] + 1;
    let app = suite
        .launch(
            "perf-list",
            Launch {
                env_key: Some(KEY.into()),
                profile: Some(profile),
                ..Launch::default()
            },
        )
        .await?;
    app.wait_js(
        "the long chat listed",
        Duration::from_secs(30),
        &format!(
            "const b = document.querySelector('#chat-list li[data-chat-id=\"{}\"] .chat-open');
             if (!b) return false; b.click(); return true;",
            chat.chat_id
        ),
    )
    .await?;
    app.wait_js(
        "the last answer drawn at the end",
        Duration::from_secs(30),
        &format!(
            "const log = document.querySelector('[role=log]');
             const a = log.querySelector('article[data-message-id=\"{last_answer}\"]');
             const body = a && a.querySelector('.msg-body h1');
             return !!body && log.scrollHeight - log.scrollTop - log.clientHeight < 4;"
        ),
    )
    .await?;
    let open = app.js(COUNTS).await?;
    ensure!(
        open["turns"] == OPENED_TURNS && open["earlier"] == (TURNS as u64 - OPENED_TURNS) * 2,
        "the newest turns are in the log, the earlier ones counted: {open}"
    );
    let drawn = open["drawn"].as_u64().context("drawn")?;
    ensure!(
        (1..=DRAWN_AT_MOST).contains(&drawn),
        "answers drawn on open: {open}"
    );
    ensure!(
        open["away"].as_u64().context("away")? + drawn == OPENED_TURNS,
        "every turn is drawn or an empty wrap: {open}"
    );

    // To the top: the first answer is drawn, and those at the end were let go.
    let first_answer = chat.questions[0] + 1;
    // Also in a frame: the open's own scroll to the end waits for the next frame, and under
    // Xvfb that frame only comes once something changes.
    // Each step up loads the turns before; the log keeps to the top until there are none.
    app.wait_js(
        "the first answer drawn at the top",
        Duration::from_secs(30),
        &format!(
            "const log = document.querySelector('[role=log]');
             log.scrollTop = 0;
             const a = log.querySelector('article[data-message-id=\"{first_answer}\"]');
             if (!a || log.dataset.earlier !== '0') return false;
             const r = a.getBoundingClientRect(), l = log.getBoundingClientRect();
             return !!a.querySelector('.msg-body h1') && r.top < l.bottom && r.bottom > l.top;"
        ),
    )
    .await?;
    let top = app.js(COUNTS).await?;
    let drawn = top["drawn"].as_u64().context("drawn")?;
    ensure!(drawn <= DRAWN_AT_MOST, "answers drawn at the top: {top}");
    ensure!(
        top["turns"] == TURNS as u64 && top["away"].as_u64() == Some(TURNS as u64 - drawn),
        "every turn loaded once scrolled to the top: {top}"
    );
    let end = app
        .js(&format!(
            "const w = document.querySelector('[role=log] > .turn:last-child');
             return [w.dataset.lazy, w.childElementCount, w.offsetHeight > 40,
                     !document.querySelector('article[data-message-id=\"{last_answer}\"]')];"
        ))
        .await?;
    ensure!(
        end == serde_json::json!(["away", 0, true, true]),
        "the last turn let go at the top, keeping its height: {end}"
    );

    // Another chat, then back (the newest turns only again), then search for a question far
    // up: its turns are loaded, and it is shown, marked, with its answer.
    app.js("document.getElementById('new-chat').click(); return true;")
        .await?;
    app.wait_js(
        "the new chat",
        Duration::from_secs(10),
        "return !document.querySelector('[role=log] article');",
    )
    .await?;
    let far = 7;
    let question = chat.questions[far];
    app.type_into("Search conversations", &format!("q{far:04}x"))
        .await?;
    app.wait_xpath(
        "the question hit",
        &format!("//ul[@aria-label='Search results']//li[@data-message-id='{question}']//button"),
    )
    .await?
    .click()
    .await?;
    let shown = app
        .wait_js(
            "the far question shown and marked",
            Duration::from_secs(10),
            &format!(
                "const log = document.querySelector('[role=log]');
                 const q = log.querySelector('article[data-message-id=\"{question}\"]');
                 const a = log.querySelector('article[data-message-id=\"{answer}\"]');
                 if (!q || !q.classList.contains('msg-found') || !a) return null;
                 const r = q.getBoundingClientRect(), l = log.getBoundingClientRect();
                 const drawn = !!a.querySelector('.msg-body h1');
                 return r.top >= l.top - 1 && r.bottom <= l.bottom + 1 && drawn ? q.textContent : null;",
                answer = question + 1
            ),
        )
        .await?;
    ensure!(
        shown
            .as_str()
            .is_some_and(|t| t.contains(&format!("q{far:04}x"))),
        "shown: {shown}"
    );
    let after = app.js(COUNTS).await?;
    ensure!(
        after["drawn"].as_u64().is_some_and(|n| n <= DRAWN_AT_MOST),
        "answers drawn after the jump: {after}"
    );
    app.quit().await
}
