//! The log follows a streaming answer to its end, however much a frame adds (a burst after a
//! stall), until the person scrolls up; back at the end, it follows again.

use crate::harness::Suite;
use crate::with_key;
use anyhow::{ensure, Result};
use serde_json::Value;
use std::time::Duration;

/// The last answer's text length, whether it still streams, and how far the log is from its end.
const WHERE: &str = "const l = document.querySelector('[role=log]');
  const a = [...l.querySelectorAll('article[data-role=assistant]')].pop();
  const text = a ? a.querySelector('.msg-body').textContent.length : 0;
  return { text, busy: !!a && a.getAttribute('aria-busy') === 'true',
           fromEnd: Math.round(l.scrollHeight - l.scrollTop - l.clientHeight) };";

pub async fn streaming_follows_until_the_person_scrolls_up(suite: &Suite) -> Result<()> {
    let app = suite.launch("follow", with_key()).await?;
    app.field("Question").await?;

    // 20 chunks, 1.5 s of silence, then 3,000 chunks at loopback speed: many screens a frame.
    app.ask("Burst [[mock:long=3000]] [[mock:stall=20@1500]]")
        .await?;
    app.wait_answer(&["complete"]).await?;
    let at = app.js(WHERE).await?;
    ensure!(
        at["fromEnd"].as_i64().is_some_and(|d| d < 2) && at["text"].as_i64() > Some(5_000),
        "the log stopped following the burst: {at}"
    );

    // A slow answer; once it is under way the person scrolls up with the wheel.
    app.ask("Slow [[mock:long=3000]] [[mock:rate=300]]").await?;
    let long_enough = |min: i64| {
        format!("const w = (() => {{ {WHERE} }})(); return w.busy && w.text > {min} ? w : null;")
    };
    app.wait_js(
        "the slow answer under way",
        Duration::from_secs(60),
        &long_enough(2_000),
    )
    .await?;
    let up = app
        .js("const l = document.querySelector('[role=log]');
             l.dispatchEvent(new WheelEvent('wheel', { deltaY: -120, bubbles: true }));
             l.scrollTop -= 400;
             const a = [...l.querySelectorAll('article[data-role=assistant]')].pop();
             return a.querySelector('.msg-body').textContent.length;")
        .await?;
    let then = up.as_i64().unwrap_or(0);
    // More text came; the log stayed where the person put it.
    let away = app
        .wait_js(
            "more of the answer after the scroll up",
            Duration::from_secs(60),
            &long_enough(then + 2_000),
        )
        .await?;
    ensure!(
        away["fromEnd"].as_i64().is_some_and(|d| d > 400),
        "the log was pulled back to the end after the person scrolled up: {away}"
    );

    // Back at the end while it streams: it follows again to the last line.
    app.js("const l = document.querySelector('[role=log]'); l.scrollTop = l.scrollHeight; return true;")
        .await?;
    app.wait_answer(&["complete"]).await?;
    let end: Value = app.js(WHERE).await?;
    ensure!(
        end["fromEnd"].as_i64().is_some_and(|d| d < 2),
        "the log did not follow again from the end: {end}"
    );
    app.quit().await
}
