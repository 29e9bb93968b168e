//! Benchmarks of the desktop app in its real webview, against the in-process mock: start-up
//! and memory at rest against a bare Tauri window, streaming (latency, blocking, cost, memory
//! over 50 long answers); a long conversation is `--bench conversation`'s. Prints rows of the
//! shared bench table on stdout: `| what | measured | reference | ratio | target | met |`.
//! Needs the bare window built first: `cargo build --release -p bare-window`.

#[allow(dead_code)]
#[path = "../tests/e2e/app.rs"]
mod app;
#[allow(dead_code)]
#[path = "../tests/e2e/harness.rs"]
mod harness;

use anyhow::{Context, Result};
use harness::Suite;
use std::time::Duration;

const KEY: &str = "sk-bench-0123456789abcdef";

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
    // `cargo bench --bench ui -- NAME…` runs only the parts named (start, stream, many).
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
    Ok(())
}

/// One row of the shared bench table: what, measured, reference, ratio, target, met.
fn row(what: &str, measured: &str, reference: &str, ratio: &str, target: &str, met: &str) {
    println!("| {what} | {measured} | {reference} | {ratio} | {target} | {met} |");
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
