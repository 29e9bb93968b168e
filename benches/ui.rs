//! Benchmarks of the desktop app in its real webview, against the in-process mock:
//! start-up, a 30,000-token answer streamed and rendered, and opening a long conversation.
//! `scripts/bench.sh` runs this under Xvfb and D-Bus and puts the table in docs/benchmarks.md.
//! Prints Markdown table rows on stdout.

#[allow(dead_code)]
#[path = "../tests/e2e/harness.rs"]
mod harness;

use anyhow::{Context, Result};
use harness::{Launch, Suite};
use longwen_core::engine::EngineConfig;
use longwen_core::secrets::ApiKey;
use longwen_core::types::AskRequest;
use longwen_core::{CancellationToken, Engine};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

const KEY: &str = "sk-bench-0123456789abcdef";
const LONG_ANSWER_TOKENS: usize = 30_000;
const CHAT_TURNS: usize = 100;

/// Records the gaps between 10 ms timer ticks: a long gap is a stretch when the page could not
/// react (parsing or layout blocking the main thread). Timers, not animation frames: under Xvfb
/// WebKit produces frames only when something is painted.
const FRAME_PROBE: &str = r#"
window.__gaps = [];
let last = performance.now();
const tick = () => { const t = performance.now(); window.__gaps.push(t - last); last = t; if (!window.__stopProbe) setTimeout(tick, 10); };
setTimeout(tick, 10);
return true;
"#;

#[tokio::main]
async fn main() -> Result<()> {
    // Two crypto providers are compiled into the workspace; WebDriver's client needs one chosen.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let suite = Suite::start().await?;
    println!("| what | result |");
    println!("|---|---|");
    long_answer(&suite).await?;
    long_conversation(&suite).await?;
    Ok(())
}

async fn long_answer(suite: &Suite) -> Result<()> {
    let app = suite
        .launch(
            "bench-long-answer",
            Launch {
                args: vec![suite.fixture("meeting-notes.md")],
                env_key: Some(KEY.into()),
                ..Launch::default()
            },
        )
        .await?;
    let pid = app_pid(&suite.app).context("the app's process")?;
    let started = process_age(pid)?;
    row(
        "app start: process start to UI drawn (polled every 100 ms)",
        format!("{:.2} s", started.as_secs_f64()),
    );
    app.wait_documents_ready(1).await?;
    row(
        "memory after start (PSS of the app and its WebKit processes)",
        format!("{} MB", pss_tree_kb(pid) / 1024),
    );

    app.js(FRAME_PROBE).await?;
    let begun = std::time::Instant::now();
    app.ask(&format!("Summarise [[mock:long={LONG_ANSWER_TOKENS}]]"))
        .await?;
    app.wait_js(
        "the long answer to complete",
        Duration::from_secs(300),
        "const a = [...document.querySelectorAll('[role=log] article[data-role=assistant]')].pop();
         return a && a.dataset.status === 'complete';",
    )
    .await?;
    let took = begun.elapsed();
    let stats = app
        .js(
            "window.__stopProbe = true;
             const g = window.__gaps.slice(1).sort((a, b) => a - b);
             const a = [...document.querySelectorAll('[role=log] article[data-role=assistant]')].pop();
             return { frames: g.length, p50: g[Math.floor(g.length * 0.5)], p95: g[Math.floor(g.length * 0.95)],
                      max: g[g.length - 1], chars: a.querySelector('.msg-body').textContent.length,
                      nodes: a.getElementsByTagName('*').length };",
        )
        .await?;
    let f = |k: &str| stats[k].as_f64().unwrap_or(0.0);
    row(
        &format!("{LONG_ANSWER_TOKENS}-token answer: Send to rendered and complete"),
        format!(
            "{:.2} s ({} characters, {} elements)",
            took.as_secs_f64(),
            f("chars"),
            f("nodes")
        ),
    );
    row(
        "the same answer: page responsiveness while streaming, gaps between 10 ms timer ticks (median / p95 / worst)",
        format!(
            "{:.0} / {:.0} / {:.0} ms over {} ticks",
            f("p50"),
            f("p95"),
            f("max"),
            f("frames")
        ),
    );
    row(
        "memory after that answer (PSS, app + WebKit)",
        format!("{} MB", pss_tree_kb(pid) / 1024),
    );
    app.quit().await
}

async fn long_conversation(suite: &Suite) -> Result<()> {
    let profile = Arc::new(tempfile::tempdir()?);
    let data = profile.path().join("data");
    std::fs::create_dir_all(&data)?;
    // A long chat made through the engine itself, then a short newer one the app opens first.
    let mut config = EngineConfig::with_data_dir(&data);
    config.base_url_override = Some(suite.mock.base_url());
    config.api_key = Some(ApiKey::new(KEY));
    let engine = Engine::open(config)?;
    let cancel = CancellationToken::new();
    let mut chat_id = None;
    for i in 0..CHAT_TURNS {
        let answer = engine
            .ask(
                AskRequest {
                    chat_id,
                    question: format!("Question {i} [[mock:long=1000]]"),
                    ..AskRequest::default()
                },
                &cancel,
                &mut |_| {},
            )
            .await?;
        chat_id = Some(answer.chat_id);
    }
    let long_chat = chat_id.unwrap();
    engine
        .ask(
            AskRequest {
                question: "A short newer chat".into(),
                ..AskRequest::default()
            },
            &cancel,
            &mut |_| {},
        )
        .await?;
    drop(engine);

    let app = suite
        .launch(
            "bench-long-chat",
            Launch {
                env_key: Some(KEY.into()),
                profile: Some(profile),
                ..Launch::default()
            },
        )
        .await?;
    let pid = app_pid(&suite.app).context("the app's process")?;
    let expected = CHAT_TURNS * 2;
    app.js(&format!(
        "window.__opened = null;
         const t0 = performance.now();
         document.querySelector('#chat-list li[data-chat-id=\"{long_chat}\"] .chat-open').click();
         const check = () => {{
           if (document.querySelectorAll('[role=log] article').length >= {expected}) window.__opened = performance.now() - t0;
           else requestAnimationFrame(check);
         }};
         requestAnimationFrame(check);
         return true;"
    ))
    .await?;
    let opened = app
        .wait_js(
            "the long chat to open",
            Duration::from_secs(120),
            "return window.__opened;",
        )
        .await?;
    row(
        &format!("open a conversation of {CHAT_TURNS} questions with ~1,000-token answers"),
        format!(
            "{:.0} ms to all {expected} messages drawn",
            opened.as_f64().unwrap_or(0.0)
        ),
    );
    let scroll = app
        .js(
            "const log = document.querySelector('[role=log]'); const t0 = performance.now();
             log.scrollTop = 0; log.getBoundingClientRect(); log.scrollTop = log.scrollHeight;
             log.getBoundingClientRect(); return performance.now() - t0;",
        )
        .await?;
    row(
        "scroll that conversation top to bottom (forced layout)",
        format!("{:.0} ms", scroll.as_f64().unwrap_or(0.0)),
    );
    row(
        "memory with that conversation open (PSS, app + WebKit)",
        format!("{} MB", pss_tree_kb(pid) / 1024),
    );
    app.quit().await
}

fn row(what: &str, result: String) {
    println!("| {what} | {result} |");
}

/// The newest process running the app binary.
fn app_pid(app: &Path) -> Option<u32> {
    let app = app.canonicalize().ok()?;
    let mut found: Vec<u32> = std::fs::read_dir("/proc")
        .ok()?
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == app))
        .collect();
    found.sort();
    found.pop()
}

/// How long ago the process started, from /proc (clock ticks since boot).
fn process_age(pid: u32) -> Result<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    let after_name = &stat[stat.rfind(')').context("stat format")? + 2..];
    let start_ticks: f64 = after_name
        .split_whitespace()
        .nth(19)
        .context("starttime")?
        .parse()?;
    let uptime: f64 = std::fs::read_to_string("/proc/uptime")?
        .split_whitespace()
        .next()
        .context("uptime")?
        .parse()?;
    let ticks = 100.0; // USER_HZ on Linux
    Ok(Duration::from_secs_f64(
        (uptime - start_ticks / ticks).max(0.0),
    ))
}

/// PSS in kB of a process and all its descendants (the app and its WebKit processes).
fn pss_tree_kb(root: u32) -> u64 {
    let parents: Vec<(u32, u32)> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            let ppid = stat[stat.rfind(')')? + 2..]
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()?;
            Some((pid, ppid))
        })
        .collect();
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let p = tree[i];
        tree.extend(parents.iter().filter(|(_, pp)| *pp == p).map(|(c, _)| *c));
        i += 1;
    }
    tree.iter().map(|pid| pss_kb(*pid)).sum()
}

fn pss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Pss:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}
