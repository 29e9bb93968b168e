//! Streaming stays linear: finished blocks are parsed once, only the open block is parsed again
//! on each frame, the answer is not parsed again when it settles, and the text shown while it
//! streams (plain text first, then Markdown) ends with every piece exactly once.

use crate::harness::Suite;
use crate::with_key;
use anyhow::{ensure, Result};
use std::time::Duration;

pub async fn streaming_parses_each_finished_block_once(suite: &Suite) -> Result<()> {
    let app = suite.launch("perf-stream", with_key()).await?;
    app.field("Question").await?;
    app.js(
        "const s = window.__longwenRender;
         s.parses = 0; s.blockChars = 0; s.tailChars = 0; s.maxTail = 0; s.maxParse = 0;
         window.__live = null;
         new MutationObserver((_, o) => {
           const a = [...document.querySelectorAll('[role=log] article[data-role=assistant]')].pop();
           if (a) { window.__live = a; o.disconnect(); }
         }).observe(document.querySelector('[role=log]'), { childList: true, subtree: true });
         return true;",
    )
    .await?;
    app.ask("Parse counts [[mock:long=10000]] [[mock:stamp=50]]")
        .await?;
    // Settled: no longer busy, the streamed article kept with the stored message in it.
    let stats = app
        .wait_js(
            "the answer to settle",
            Duration::from_secs(120),
            "const a = window.__live;
             const now = [...document.querySelectorAll('[role=log] article[data-role=assistant]')].pop();
             if (!a || now !== a || a.hasAttribute('aria-busy')) return null;
             if (now.dataset.status !== 'complete') return null;
             const body = now.querySelector('.msg-body').textContent;
             const stamps = body.match(/\\{t=\\d+\\.\\d+\\}/g) || [];
             return { ...window.__longwenRender, textLength: now._message.text.length,
                      stamps: stamps.length, unique: new Set(stamps).size };",
        )
        .await?;
    let n = |k: &str| stats[k].as_f64().unwrap_or(f64::NAN);
    let text = n("textLength");
    ensure!(text > 30_000.0, "a 10k-token answer: {stats}");
    // Each finished block once: a finished block parsed again would count twice.
    ensure!(
        n("blockChars") <= text,
        "finished blocks parsed again: {stats}"
    );
    // The open block is one block of the mock's Markdown (a table, a list), never the answer.
    ensure!(n("maxTail") < 2_000.0, "the open block grew: {stats}");
    ensure!(
        n("blockChars") + n("tailChars") < 4.0 * text,
        "more parsed than streamed: {stats}"
    );
    // Nothing parses the whole answer (settling reuses the streamed body).
    ensure!(
        n("maxParse") < 16_000.0,
        "one parse of {} characters: {stats}",
        n("maxParse")
    );
    // Plain text first, Markdown on the frame: every piece shows exactly once in the end.
    ensure!(
        n("stamps") >= 40.0 && n("stamps") == n("unique"),
        "stamped pieces lost or doubled: {stats}"
    );
    app.quit().await
}
