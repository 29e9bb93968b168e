//! Start to ready (the question box focused) and memory at rest, Longwen against a bare Tauri 2
//! window (`benches/bare-window`, release) launched the same way in the same run.

use super::harness::{Launch, Suite};
use super::{app_pid, pss_tree_kb, row, yes, KEY};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Launches of each, after one warm-up launch of each; the median counts.
const RUNS: usize = 5;

/// Both pages mark `ready` once the question box has focus; with the navigation's timing.
const READY: &str = "const m = performance.getEntriesByName('ready')[0];
     if (!m) return null;
     const n = performance.getEntriesByType('navigation')[0] || {};
     return { origin: performance.timeOrigin, ready: m.startTime,
              dom: n.domContentLoadedEventEnd || 0, load: n.loadEventEnd || 0 };";

struct Run {
    /// Process start to ready, and to the page's time origin (navigation start).
    ready_ms: f64,
    origin_ms: f64,
    dom_ms: f64,
    pss_kb: u64,
}

pub async fn start(suite: &Suite) -> Result<()> {
    let bare = suite.app.with_file_name("bare-window");
    if !bare.exists() {
        bail!(
            "{} is missing: cargo build --release -p bare-window",
            bare.display()
        );
    }
    let mut runs: [Vec<Run>; 2] = [Vec::new(), Vec::new()];
    for round in 0..=RUNS {
        for (i, exe) in [&bare, &suite.app].into_iter().enumerate() {
            let run = launch_once(suite, exe, i == 0).await?;
            if round > 0 {
                runs[i].push(run);
            }
        }
    }
    let median = |v: &[Run], f: &dyn Fn(&Run) -> f64| {
        let mut x: Vec<f64> = v.iter().map(f).collect();
        x.sort_by(f64::total_cmp);
        x[x.len() / 2]
    };
    let [b, l] = &runs;
    let (bs, ls) = (median(b, &|r| r.ready_ms), median(l, &|r| r.ready_ms));
    row(
        &format!("start to ready (question box focused), warm, median of {RUNS}"),
        &format!("{:.2} s", ls / 1000.0),
        &format!("bare Tauri window {:.2} s", bs / 1000.0),
        &format!("{:.2}×", ls / bs),
        "≤ 1.5×",
        yes(ls / bs <= 1.5),
    );
    row(
        "where the start goes: process start → page navigation starts → DOMContentLoaded → ready (Longwen / bare)",
        &format!(
            "{:.0} → {:.0} → {:.0} ms / {:.0} → {:.0} → {:.0} ms",
            median(l, &|r| r.origin_ms),
            median(l, &|r| r.origin_ms + r.dom_ms),
            ls,
            median(b, &|r| r.origin_ms),
            median(b, &|r| r.origin_ms + r.dom_ms),
            bs
        ),
        "–",
        "–",
        "–",
        "–",
    );
    let (bm, lm) = (
        median(b, &|r| r.pss_kb as f64) / 1024.0,
        median(l, &|r| r.pss_kb as f64) / 1024.0,
    );
    row(
        "memory at rest (PSS, app + WebKit processes, 1 s after ready)",
        &format!("{lm:.0} MB"),
        &format!("bare Tauri window {bm:.0} MB"),
        &format!("{:.2}×", lm / bm),
        "≤ 1.3×",
        yes(lm / bm <= 1.3),
    );
    Ok(())
}

async fn launch_once(suite: &Suite, exe: &Path, bare: bool) -> Result<Run> {
    let app = suite
        .launch(
            if bare { "bench-bare" } else { "bench-start" },
            Launch {
                env_key: Some(KEY.into()),
                application: bare.then(|| PathBuf::from(exe)),
                ..Launch::default()
            },
        )
        .await?;
    let t = app
        .wait_js("the page to be ready", Duration::from_secs(20), READY)
        .await?;
    let pid = app_pid(exe).context("the process")?;
    let started = start_epoch_ms(pid)?;
    let f = |k: &str| t[k].as_f64().unwrap_or(f64::NAN);
    let origin = f("origin");
    // Memory once the start's own work has settled.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let run = Run {
        ready_ms: origin + f("ready") - started,
        origin_ms: origin - started,
        dom_ms: f("dom"),
        pss_kb: pss_tree_kb(pid),
    };
    app.quit().await?;
    Ok(run)
}

/// When the process started, in ms since the epoch (from its age: /proc, 10 ms ticks).
fn start_epoch_ms(pid: u32) -> Result<f64> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs_f64() * 1000.0;
    Ok(now - super::process_age(pid)?.as_secs_f64() * 1000.0)
}
