//! A long conversation in the desktop app's real webview, against the in-process mock: 1,000
//! questions with ~1,000-token answers (2,000 messages). Opening it, scrolling it to the top a
//! screen at a time, and the memory once every screen has been drawn.
//! Prints rows `| what | measured | reference | ratio | target | met |` on stdout.
//! Run under Xvfb and D-Bus, like the e2e suite: `cargo bench -p longwen-desktop --bench conversation`.

#[allow(dead_code)]
#[path = "../tests/e2e/app.rs"]
mod app;
#[allow(dead_code)]
#[path = "../tests/e2e/harness.rs"]
mod harness;
#[path = "support/procfs.rs"]
mod procfs;
#[path = "../tests/e2e/seed.rs"]
mod seed;

use anyhow::{Context, Result};
use harness::{Launch, Suite};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

const KEY: &str = "sk-bench-0123456789abcdef";
const TURNS: usize = 1000;
const ANSWER_TOKENS: usize = 1000;
const OPEN_TARGET_MS: f64 = 300.0;
const SCREEN_TARGET_MS: f64 = 50.0;
const MEMORY_TARGET_MB: u64 = 150;
/// Screens measured on the way up, at most: the whole way, with room to spare.
const MAX_SCREENS: usize = 20000;

/// `__drawn()`: every turn in sight is drawn, with its answer's text (sampled down the middle
/// of the log, every 40 px; a turn not drawn yet is an empty wrap).
/// `__next(f)`: f at the next animation frame (a timer in case frames stall under Xvfb).
/// `__painted(f)`: f once the current frame has been painted.
const PROBE: &str = r#"
window.__drawn = () => {
  const log = document.querySelector('[role=log]');
  const box = log.getBoundingClientRect();
  const x = box.left + box.width / 2;
  let seen = 0;
  for (let y = box.top + 4; y < box.bottom; y += 40) {
    const hit = document.elementFromPoint(x, y);
    if (hit && hit.matches('.turn[data-lazy=away]')) return false;
    const a = hit && hit.closest('article[data-role=assistant]');
    if (!a) continue;
    const body = a.querySelector('.msg-body');
    if (!body.hidden && !body.firstElementChild) return false;
    seen += 1;
  }
  return seen > 0;
};
window.__next = (f) => {
  let done = false;
  const once = () => { if (!done) { done = true; f(); } };
  requestAnimationFrame(once);
  setTimeout(once, 100);
};
window.__painted = (f) => requestAnimationFrame(() => setTimeout(f, 0));
return true;
"#;

#[tokio::main]
async fn main() -> Result<()> {
    // Two crypto providers are compiled into the workspace; WebDriver's client needs one chosen.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let suite = Suite::start().await?;
    let profile = Arc::new(tempfile::tempdir()?);
    let data = profile.path().join("data");
    std::fs::create_dir_all(&data)?;
    let chat = seed::long_chat(&data, suite.mock.base_url(), KEY, TURNS, ANSWER_TOKENS).await?;
    let last_answer = chat.questions.last().context("questions")? + 1;

    let app = suite
        .launch(
            "bench-conversation",
            Launch {
                env_key: Some(KEY.into()),
                profile: Some(profile),
                ..Launch::default()
            },
        )
        .await?;
    let pid = procfs::app_pid(&suite.app).context("the app's process")?;
    // At rest: the short newer chat is shown.
    app.wait_js(
        "the short chat",
        Duration::from_secs(30),
        "const a = document.querySelector('[role=log] article[data-role=assistant]');
         return a && a.dataset.status === 'complete';",
    )
    .await?;
    let rest_kb = procfs::pss_tree_kb(pid);
    app.js(PROBE).await?;
    // Where the open goes: the command alone (SQLite, JSON, IPC), printed as a note.
    let ipc_ms = app
        .js(&format!(
            "const t0 = performance.now();
             return window.__TAURI__.core.invoke('open_chat', {{ chatId: {} }})
               .then((c) => [performance.now() - t0, c.messages.length]);",
            chat.chat_id
        ))
        .await?;
    eprintln!("note: open_chat alone (Rust, JSON, IPC, parse): {ipc_ms} [ms, messages]");

    let opened = open_long_chat(&app, chat.chat_id, last_answer).await?;
    row(
        &format!(
            "open a conversation of {} messages (~{ANSWER_TOKENS}-token answers): click to the last visible message drawn, first open in the run",
            TURNS * 2
        ),
        format!("{opened:.0} ms"),
        "–",
        "–",
        &format!("< {OPEN_TARGET_MS:.0} ms"),
        opened < OPEN_TARGET_MS,
    );
    // Again, with another conversation shown in between (what switching back costs).
    let mut again = Vec::new();
    for _ in 0..3 {
        app.js("document.getElementById('new-chat').click(); return true;")
            .await?;
        app.wait_js(
            "another conversation",
            Duration::from_secs(30),
            "return !document.querySelector('[role=log] article');",
        )
        .await?;
        again.push(open_long_chat(&app, chat.chat_id, last_answer).await?);
    }
    again.sort_by(f64::total_cmp);
    row(
        "the same, opened again with another conversation shown in between (median of 3)",
        format!("{:.0} ms", again[1]),
        "–",
        "–",
        &format!("< {OPEN_TARGET_MS:.0} ms"),
        again[1] < OPEN_TARGET_MS,
    );

    // A screen not drawn within 2 s counts with its time and the walk goes on; after
    // MAX_SCREENS the walk stops (the row says how far it got).
    app.js(&format!(
        "window.__steps = null;
         const log = document.querySelector('[role=log]');
         const times = [];
         const step = () => {{
           // The top is reached when no earlier turns are left to load.
           const top = log.scrollTop <= 0 && log.dataset.earlier === '0';
           if (top || times.length >= {MAX_SCREENS}) {{
             const total = Math.ceil(log.scrollHeight / log.clientHeight);
             const fills = (window.__longwenTurns || {{ times: [] }}).times.slice().sort((a, b) => a - b);
             window.__steps = {{ times, total, top, fills }}; return;
           }}
           const t0 = performance.now();
           log.scrollTop = Math.max(0, log.scrollTop - log.clientHeight);
           // At the top with earlier turns still loading, the screen is not drawn yet.
           const loading = () => log.scrollTop <= 0 && log.dataset.earlier !== '0';
           const check = () => {{
             if ((window.__drawn() && !loading()) || performance.now() - t0 > 2000)
               window.__painted(() => {{ times.push(performance.now() - t0); step(); }});
             else window.__next(check);
           }};
           window.__next(check);
         }};
         step();
         return true;"
    ))
    .await?;
    let steps = app
        .wait_js(
            "scrolling to the top",
            Duration::from_secs(900),
            "return window.__steps;",
        )
        .await?;
    let mut times: Vec<f64> = steps["times"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default();
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    let worst = times.last().copied().unwrap_or(f64::MAX);
    let reached = if steps["top"] == true {
        format!("all {} screens to the top", times.len())
    } else {
        format!(
            "the first {} screens up from the end, ~{} loaded, the top not reached",
            times.len(),
            steps["total"]
        )
    };
    row(
        &format!(
            "scroll it up a screen at a time: each screen drawn (median / p95 / worst; {reached})"
        ),
        format!("{:.0} / {:.0} / {:.0} ms", at(0.5), at(0.95), worst),
        "–",
        "–",
        &format!("< {SCREEN_TARGET_MS:.0} ms each"),
        worst < SCREEN_TARGET_MS && steps["top"] == true,
    );

    let fills: Vec<f64> = steps["fills"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default();
    if !fills.is_empty() {
        let q = |x: f64| fills[((fills.len() - 1) as f64 * x).round() as usize];
        println!(
            "| where a screen's time goes: filling a turn (articles built, Markdown drawn, laid out; median / p95 / worst of {} fills) | {:.0} / {:.0} / {:.0} ms | – | – | – | – |",
            fills.len(),
            q(0.5),
            q(0.95),
            q(1.0)
        );
    }

    // Back to the end at once: every screen has now been drawn once.
    app.js(
        "window.__back = false;
         const log = document.querySelector('[role=log]');
         log.scrollTop = log.scrollHeight;
         const check = () => { if (window.__drawn()) window.__painted(() => { window.__back = true; }); else window.__next(check); };
         window.__next(check);
         return true;",
    )
    .await?;
    app.wait_js(
        "back at the end",
        Duration::from_secs(60),
        "return window.__back;",
    )
    .await?;
    let open_kb = procfs::pss_tree_kb(pid);
    let grown = open_kb.saturating_sub(rest_kb) / 1024;
    row(
        &format!("memory with it open, after that walk and back at the end (PSS, app + WebKit; {reached})"),
        format!("{} MB", open_kb / 1024),
        &format!("the app at rest {} MB", rest_kb / 1024),
        &format!("+{grown} MB"),
        &format!("≤ +{MEMORY_TARGET_MB} MB"),
        grown <= MEMORY_TARGET_MB,
    );
    app.quit().await
}

/// Clicks the long chat in the sidebar; ms from the click to the frame painted after the last
/// answer is drawn, at the end of the log.
async fn open_long_chat(app: &app::App, chat_id: i64, last_answer: i64) -> Result<f64> {
    app.js(&format!(
        "window.__opened = null;
         const t0 = performance.now();
         document.querySelector('#chat-list li[data-chat-id=\"{chat_id}\"] .chat-open').click();
         const check = () => {{
           const log = document.querySelector('[role=log]');
           const last = log.querySelector('article[data-message-id=\"{last_answer}\"]');
           const atEnd = log.scrollHeight - log.scrollTop - log.clientHeight < 4;
           if (last && atEnd && window.__drawn()) window.__painted(() => {{ window.__opened = performance.now() - t0; }});
           else window.__next(check);
         }};
         window.__next(check);
         return true;"
    ))
    .await?;
    Ok(app
        .wait_js(
            "the long chat to open",
            Duration::from_secs(300),
            "return window.__opened;",
        )
        .await?
        .as_f64()
        .unwrap_or(f64::MAX))
}

fn row(what: &str, measured: String, reference: &str, ratio: &str, target: &str, met: bool) {
    let met = if met { "yes" } else { "NO" };
    println!("| {what} | {measured} | {reference} | {ratio} | {target} | {met} |");
}
