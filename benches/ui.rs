//! Benchmarks of the desktop app in its real webview, against the in-process mock: start-up
//! and memory at rest against a bare Tauri window, streaming (latency, blocking, cost, memory
//! over 50 long answers), and opening a long conversation. Prints rows of the shared bench
//! table on stdout: `| what | measured | reference | ratio | target | met |`.
//! Needs the bare window built first: `cargo build --release -p bare-window`.

#[allow(dead_code)]
#[path = "../tests/e2e/app.rs"]
mod app;
#[allow(dead_code)]
#[path = "../tests/e2e/harness.rs"]
mod harness;

use anyhow::{Context, Result};
use harness::{Launch, Suite};
use longwen_core::engine::EngineConfig;
use longwen_core::secrets::ApiKey;
use longwen_core::types::AskRequest;
use longwen_core::{CancellationToken, Engine};
use std::sync::Arc;
use std::time::Duration;

const KEY: &str = "sk-bench-0123456789abcdef";
const CHAT_TURNS: usize = 100;

#[path = "support/procfs.rs"]
mod procfs;
#[path = "ui/start.rs"]
mod start;
#[path = "ui/stream.rs"]
mod stream;

use procfs::{app_pid, pss_tree_kb};

#[tokio::main]
async fn main() -> Result<()> {
    // Two crypto providers are compiled into the workspace; WebDriver's client needs one chosen.
    let _ = rustls::crypto::ring::default_provider().install_default();
    // `cargo bench --bench ui -- NAME…` runs only the parts named (start, stream, many, chat).
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let run =
        |name: &str| only.is_empty() || only.iter().any(|o| o.split('=').next() == Some(name));
    // `many=N`: N long answers instead of 50 (a quicker look).
    let answers = only
        .iter()
        .find_map(|o| o.strip_prefix("many=")?.parse().ok())
        .unwrap_or(50);
    let suite = Suite::start().await?;
    if run("start") {
        start::start(&suite).await?;
    }
    if run("stream") {
        stream::streaming(&suite).await?;
    }
    if run("many") {
        stream::many_answers(&suite, answers).await?;
    }
    if run("chat") {
        long_conversation(&suite).await?;
    }
    Ok(())
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
    info(
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
    info(
        "scroll that conversation top to bottom (forced layout)",
        format!("{:.0} ms", scroll.as_f64().unwrap_or(0.0)),
    );
    info(
        "memory with that conversation open (PSS, app + WebKit)",
        format!("{} MB", pss_tree_kb(pid) / 1024),
    );
    app.quit().await
}

/// One row of the shared bench table: what, measured, reference, ratio, target, met.
fn row(what: &str, measured: &str, reference: &str, ratio: &str, target: &str, met: &str) {
    println!("| {what} | {measured} | {reference} | {ratio} | {target} | {met} |");
}

/// A row with no reference or target.
fn info(what: &str, measured: String) {
    row(what, &measured, "–", "–", "–", "–");
}

fn yes(met: bool) -> &'static str {
    if met {
        "yes"
    } else {
        "NO"
    }
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
