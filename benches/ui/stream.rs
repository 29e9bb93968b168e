//! Streaming benches: chunk-to-DOM latency at a steady rate, the longest main-thread block at
//! loopback speed, rendering cost as the answer grows, and memory over 50 long answers.

use super::harness::{Launch, Suite};
use super::procfs::pss_by_process;
use super::{app_pid, pss_tree_kb, row, yes, KEY};
use anyhow::{Context, Result};
use serde_json::Value;
use std::time::Duration;

/// Records the gaps between 10 ms timer ticks: a long gap is a stretch when the page could not
/// react (parsing or layout blocking the main thread). Timers, not animation frames: under Xvfb
/// WebKit produces frames only when something is painted.
const FRAME_PROBE: &str = r#"
window.__gaps = [];
window.__stopProbe = false;
let last = performance.now();
const tick = () => { const t = performance.now(); window.__gaps.push(t - last); last = t; if (!window.__stopProbe) setTimeout(tick, 10); };
setTimeout(tick, 10);
return true;
"#;

/// Watches the log for the mock's `{t=MS}` stamps and records, for each, how long after the
/// mock wrote it the text was in the DOM (same machine, same wall clock).
const STAMP_PROBE: &str = r#"
window.__lat = [];
const seen = new Set();
const re = /\{t=(\d+\.\d+)\}/g;
const scan = (text, now) => {
  re.lastIndex = 0;
  let m;
  while ((m = re.exec(text))) {
    if (!seen.has(m[1])) { seen.add(m[1]); window.__lat.push(now - parseFloat(m[1])); }
  }
};
window.__stampObserver = new MutationObserver((records) => {
  const now = performance.timeOrigin + performance.now();
  for (const r of records) {
    if (r.type === 'characterData') scan(r.target.data, now);
    else for (const n of r.addedNodes) scan(n.textContent || '', now);
  }
});
window.__stampObserver.observe(document.querySelector('[role=log]'), { childList: true, subtree: true, characterData: true });
return true;
"#;

/// Keeps the article the next answer streams into, to know when it is settled: no longer busy
/// (kept, or replaced by the stored message's article). It is in the new turn at the end of the
/// log (counting articles would not do: turns far from the screen are emptied).
const WATCH_LIVE: &str = "window.__live = null;
     const log = document.querySelector('[role=log]');
     const before = log.lastElementChild;
     new MutationObserver((_, o) => {
       const t = log.lastElementChild;
       const a = t && t !== before && t.matches('.turn') && t.querySelector('article[data-role=assistant]');
       if (a) { window.__live = a; o.disconnect(); }
     }).observe(log, { childList: true, subtree: true });
     return true;";

const SETTLED: &str = "const a = window.__live;
     const now = [...document.querySelectorAll('[role=log] article[data-role=assistant]')].pop();
     if (!a || !now || (a.isConnected && a !== now) || now.hasAttribute('aria-busy')) return null;
     return now.dataset.status === 'complete';";

/// Asks, and waits until the answer is complete and settled.
async fn answer(app: &super::harness::App, question: &str, timeout: Duration) -> Result<()> {
    app.js(WATCH_LIVE).await?;
    app.ask(question).await?;
    app.wait_js("the long answer to settle", timeout, SETTLED)
        .await?;
    Ok(())
}

/// "New conversation", and the log emptied (a moment later), so the next answer is watched.
async fn new_conversation(app: &super::harness::App) -> Result<()> {
    app.click("New conversation").await?;
    app.wait_js(
        "the new conversation",
        Duration::from_secs(10),
        "return !document.querySelector('[role=log] article[data-role=assistant]');",
    )
    .await?;
    Ok(())
}

/// Latency at 200 chunks/s, the longest block at loopback speed, and cost by answer length.
pub async fn streaming(suite: &Suite) -> Result<()> {
    let app = suite
        .launch(
            "bench-stream",
            Launch {
                env_key: Some(KEY.into()),
                ..Launch::default()
            },
        )
        .await?;
    app.field("Question").await?;

    app.js(STAMP_PROBE).await?;
    answer(
        &app,
        "Stamped [[mock:long=30000]] [[mock:rate=200]] [[mock:stamp=10]]",
        Duration::from_secs(400),
    )
    .await?;
    let lat = app
        .js("window.__stampObserver.disconnect();
             const l = window.__lat.slice().sort((a, b) => a - b);
             return { n: l.length, p50: l[Math.floor(l.length * 0.5)], p99: l[Math.floor(l.length * 0.99)], max: l[l.length - 1] };")
        .await?;
    let f = |v: &Value, k: &str| v[k].as_f64().unwrap_or(f64::NAN);
    let (p50, p99) = (f(&lat, "p50"), f(&lat, "p99"));
    row(
        &format!(
            "30k-token answer at 200 chunks/s: chunk written by the mock → text in the DOM, median ({} stamps)",
            f(&lat, "n")
        ),
        &format!("{p50:.1} ms"),
        "–",
        "–",
        "< 5 ms",
        yes(p50 < 5.0),
    );
    row(
        "the same, p99 (worst)",
        &format!("{p99:.1} ms ({:.0} ms)", f(&lat, "max")),
        "–",
        "–",
        "< 20 ms",
        yes(p99 < 20.0),
    );

    let mut costs = Vec::new();
    for tokens in [3_000, 10_000, 30_000] {
        new_conversation(&app).await?;
        app.js(FRAME_PROBE).await?;
        app.js("window.__longwenRender.ms = 0; window.__longwenRender.maxStep = 0; return true;")
            .await?;
        answer(
            &app,
            &format!("Fast [[mock:long={tokens}]]"),
            Duration::from_secs(300),
        )
        .await?;
        let s = app
            .js("window.__stopProbe = true;
                 const g = window.__gaps.slice(1).sort((a, b) => a - b);
                 const r = window.__longwenRender;
                 return { ms: r.ms, step: r.maxStep || 0, max: g[g.length - 1], ticks: g.length };")
            .await?;
        costs.push((tokens, f(&s, "ms")));
        if tokens == 30_000 {
            let worst = f(&s, "max");
            row(
                &format!(
                    "30k-token answer as fast as loopback allows: longest main-thread block (gap between 10 ms timer ticks, {} ticks)",
                    f(&s, "ticks")
                ),
                &format!("{worst:.0} ms (longest renderer step {:.0} ms)", f(&s, "step")),
                "–",
                "–",
                "< 50 ms",
                yes(worst < 50.0),
            );
        }
    }
    let base = costs[0].1;
    for (tokens, ms) in &costs {
        let ratio = ms / base;
        row(
            &format!("rendering cost of a {}k-token answer at loopback speed (main-thread time in StreamRenderer steps)", tokens / 1000),
            &format!("{ms:.0} ms"),
            &format!("3k answer {base:.0} ms"),
            &format!("{ratio:.1}×"),
            if *tokens == 30_000 { "≤ 12×" } else { "–" },
            if *tokens == 30_000 { yes(ratio <= 12.0) } else { "–" },
        );
    }
    app.quit().await
}

/// The lowest of three PSS readings a second apart: a reading taken at the top of a garbage
/// collection's sawtooth would count garbage as growth.
async fn low_pss_kb(pid: u32) -> u64 {
    let mut low = pss_tree_kb(pid);
    for _ in 0..2 {
        tokio::time::sleep(Duration::from_secs(1)).await;
        low = low.min(pss_tree_kb(pid));
    }
    low
}

/// The least-squares slope of `y` over `x`.
fn slope(points: &[(f64, f64)]) -> f64 {
    let n = points.len() as f64;
    let (mx, my) = points
        .iter()
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + x / n, b + y / n));
    let (num, den) = points.iter().fold((0.0, 0.0), |(a, b), (x, y)| {
        (a + (x - mx) * (y - my), b + (x - mx) * (x - mx))
    });
    if den == 0.0 {
        0.0
    } else {
        num / den
    }
}

/// Long answers asked in one conversation before a new one is started.
const PER_CHAT: usize = 10;

/// Memory at rest, then after 20 and 50 questions with 30k-token answers in one session.
pub async fn many_answers(suite: &Suite, answers: usize) -> Result<()> {
    // Every question resends the conversation: far over the per-minute token limit.
    suite.mock.set_rate_limits(Default::default());
    let app = suite
        .launch(
            "bench-many",
            Launch {
                env_key: Some(KEY.into()),
                ..Launch::default()
            },
        )
        .await?;
    app.field("Question").await?;
    let pid = app_pid(&suite.app).context("the app's process")?;
    let rest = pss_tree_kb(pid);
    // (answers, low PSS in kB) at the end of each conversation from the 20th answer on.
    let mut readings = Vec::new();
    for i in 1..=answers {
        // A conversation of 25 such answers is over the model's 3M-token context: a new one
        // every 10 questions (10 long answers shown at once, and what earlier ones leave behind).
        if i > 1 && i % PER_CHAT == 1 {
            new_conversation(&app).await?;
        }
        answer(
            &app,
            &format!("Question {i} [[mock:long=30000]]"),
            Duration::from_secs(300),
        )
        .await?;
        if i % PER_CHAT == 0 {
            if i >= 20 {
                readings.push((i as f64, low_pss_kb(pid).await as f64));
            }
            eprintln!("bench: after {i} answers: {}", pss_by_process(pid));
        }
    }
    let nodes = app
        .js("return document.querySelector('[role=log]').getElementsByTagName('*').length;")
        .await?;
    let end = pss_tree_kb(pid);
    let split = pss_by_process(pid);
    let mb = |kb: u64| kb as f64 / 1024.0;
    let grew = mb(end) - mb(rest);
    row(
        &format!("memory after {answers} questions with 30k-token answers in one session, {PER_CHAT} a conversation (PSS, app + WebKit; {nodes} elements in the log)"),
        &format!("{:.0} MB (+{grew:.0} MB)", mb(end)),
        &format!("the app at rest {:.0} MB", mb(rest)),
        &format!("{:.2}×", mb(end) / mb(rest)),
        "≤ +150 MB",
        yes(grew <= 150.0),
    );
    // The regression check: past the 20th answer the web process has reached its high-water
    // mark, and each further answer (its conversation left behind every 10) may add little.
    // The growth is the slope through the readings at the 20th, 30th, … answer, times 30: one
    // reading on each side of a garbage-collection sawtooth said +45 to +120 MB on one code.
    if readings.len() >= 2 {
        let per_answer = slope(&readings) / 1024.0;
        let later = per_answer * 30.0;
        let listed: Vec<String> = readings
            .iter()
            .map(|(i, kb)| format!("{i}: {:.0}", kb / 1024.0))
            .collect();
        row(
            "growth over 30 answers from the 20th on: the slope through the low PSS after each conversation of 10, times 30",
            &format!("{later:+.0} MB"),
            &format!("low PSS (MB) after answer {}", listed.join(", ")),
            "–",
            "≤ +100 MB",
            yes(later <= 100.0),
        );
    }
    row(
        &format!("where that memory is after {answers} answers (PSS by process)"),
        &split,
        "–",
        "–",
        "–",
        "–",
    );
    suite
        .mock
        .set_rate_limits(mock_dashscope::default_rate_limits());
    app.quit().await
}
