//! The app's processes from /proc: its pid, its WebKit processes and their PSS (shared by the
//! benches and the e2e suite).

use std::path::Path;

/// The newest process running the app binary: the last started, not the highest pid (pids
/// wrap, at 32768 on some machines, so a long run's newest app can have the lowest pid).
pub fn app_pid(app: &Path) -> Option<u32> {
    let app = app.canonicalize().ok()?;
    pids()
        .filter(|pid| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == app))
        .filter_map(|pid| Some((stat_field(pid, STARTTIME)?, pid)))
        .max()
        .map(|(_, pid)| pid)
}

/// Every process's pid.
fn pids() -> impl Iterator<Item = u32> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
}

/// Fields of /proc/PID/stat, counted from the state (field 3) after the name's closing
/// parenthesis: the parent's pid, and the start in clock ticks since boot (field 22).
const PPID: usize = 1;
const STARTTIME: usize = 19;

fn stat_field(pid: u32, field: usize) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat[stat.rfind(')')? + 2..]
        .split_whitespace()
        .nth(field)?
        .parse()
        .ok()
}

/// PSS in kB of a process and all its descendants (the app and its WebKit processes).
pub fn pss_tree_kb(root: u32) -> u64 {
    tree(root).iter().map(|pid| pss_kb(*pid)).sum()
}

/// "app 80 MB, WebKitWebProcess 700 MB, …": where the tree's PSS is (by process name).
#[allow(dead_code)]
pub fn pss_by_process(root: u32) -> String {
    tree(root)
        .iter()
        .map(|pid| {
            let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            let name = if *pid == root { "app" } else { name.trim() };
            format!("{name} {} MB", pss_kb(*pid) / 1024)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The process and all its descendants.
pub fn tree(root: u32) -> Vec<u32> {
    let parents: Vec<(u32, u32)> = pids()
        .filter_map(|pid| Some((pid, u32::try_from(stat_field(pid, PPID)?).ok()?)))
        .collect();
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let p = tree[i];
        tree.extend(parents.iter().filter(|(_, pp)| *pp == p).map(|(c, _)| *c));
        i += 1;
    }
    tree
}

pub fn pss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Pss:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}
