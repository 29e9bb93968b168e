//! What the crash suite needs besides the harness: the app's process (found by its binary and
//! its profile), SIGKILL, the app's database as the crash left it, a seeded random source, and
//! a record of how the streamed answer grew on screen.

use crate::harness::{App, Suite};
use anyhow::{anyhow, bail, ensure, Context, Result};
use rusqlite::{Connection, OpenFlags};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub const DB: &str = "longwen.db";

/// The pid of the real `longwen-desktop` (not the driver) running with this profile's data dir.
pub fn app_pid(suite: &Suite, profile: &Path) -> Option<i32> {
    let exe = suite.app.canonicalize().ok()?;
    let marker = format!("LONGWEN_DATA_DIR={}", profile.join("data").display());
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<i32>().ok())
        else {
            continue;
        };
        let Ok(target) = std::fs::read_link(entry.path().join("exe")) else {
            continue;
        };
        if target != exe {
            continue;
        }
        let env = std::fs::read(entry.path().join("environ")).unwrap_or_default();
        if env.split(|b| *b == 0).any(|v| v == marker.as_bytes()) {
            return Some(pid);
        }
    }
    None
}

/// A process that is gone or a zombie has closed every file it had open.
fn dead(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state == "Z" || state == "X"),
    }
}

/// SIGKILL, then waits until the process has ended.
pub fn kill9(pid: i32) -> Result<()> {
    // SAFETY: kill(2) with a pid this suite found for its own app.
    let rc = unsafe { libc::kill(pid, libc::SIGKILL) };
    ensure!(
        rc == 0,
        "kill -9 {pid}: {}",
        std::io::Error::last_os_error()
    );
    let deadline = Instant::now() + Duration::from_secs(5);
    while !dead(pid) {
        ensure!(Instant::now() < deadline, "{pid} outlived SIGKILL");
        std::thread::sleep(Duration::from_millis(2));
    }
    Ok(())
}

/// Finds the app of this launch and kills it; the session and its driver go with `app`.
pub fn kill_app(suite: &Suite, app: App) -> Result<()> {
    let pid = app_pid(suite, app.profile.path())
        .ok_or_else(|| anyhow!("the app of {} is not running", app.name))?;
    kill9(pid)?;
    drop(app);
    Ok(())
}

/// The database as the crash left it: a copy of the file and its WAL (so that opening it here
/// changes nothing the next start will find), opened, with `PRAGMA integrity_check` passed.
pub struct Snapshot {
    pub conn: Connection,
    _dir: tempfile::TempDir,
}

pub fn snapshot(data: &Path) -> Result<Snapshot> {
    let dir = tempfile::tempdir()?;
    let db = data.join(DB);
    ensure!(db.is_file(), "no database at {}", db.display());
    std::fs::copy(&db, dir.path().join(DB))?;
    let wal = data.join(format!("{DB}-wal"));
    if wal.is_file() {
        std::fs::copy(&wal, dir.path().join(format!("{DB}-wal")))?;
    }
    let conn = Connection::open(dir.path().join(DB)).context("opening the copied database")?;
    integrity(&conn).context("the database after the kill")?;
    Ok(Snapshot { conn, _dir: dir })
}

/// The live database, read only (the app may be running).
pub fn read_only(data: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        data.join(DB),
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_secs(5))?;
    Ok(conn)
}

pub fn integrity(conn: &Connection) -> Result<()> {
    let rows: Vec<String> = conn
        .prepare("PRAGMA integrity_check")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    ensure!(rows == ["ok"], "integrity_check: {rows:?}");
    Ok(())
}

/// An answer row: (id, status, text, heartbeat_ms) of the answer to the question starting
/// with `question`.
pub fn answer_to(conn: &Connection, question: &str) -> Result<(i64, String, String, i64)> {
    conn.query_row(
        "SELECT a.id, a.status, a.text, COALESCE(a.heartbeat_ms, 0) FROM messages a
         JOIN messages q ON a.question_id = q.id
         WHERE a.role = 'assistant' AND substr(q.text, 1, length(?1)) = ?1",
        [question],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )
    .with_context(|| format!("the stored answer to {question:?}"))
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Text without whitespace: the rendered answer and the stored Markdown compare this way
/// (the mock's answers to plain questions have no other Markdown).
pub fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A small seeded generator (xorshift); the seed is printed so that a run can be repeated
/// with LONGWEN_CRASH_SEED.
pub struct Rng(u64);

impl Rng {
    pub fn from_env() -> Rng {
        let seed = std::env::var("LONGWEN_CRASH_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| now_ms() as u64);
        eprintln!("e2e: crash seed {seed} (LONGWEN_CRASH_SEED={seed} repeats it)");
        Rng(seed | 1)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
}

/// Records, every 10 ms, how long the last answer's text is on screen (whitespace left out).
pub const SAMPLER: &str = r#"
clearInterval(window.__sampler);
window.__shown = () => {
  const a = [...document.querySelectorAll('#conversation article[data-role=assistant]')].pop();
  return a ? a.querySelector('.msg-body').textContent.replace(/\s+/g, '') : '';
};
window.__samples = [];
let last = -1;
window.__sampler = setInterval(() => {
  const n = window.__shown().length;
  if (n !== last) { last = n; window.__samples.push([performance.now(), n]); }
}, 10);
return true;
"#;

/// What was on screen when the app was killed, and how it got there.
pub struct Screen {
    pub text: String,
    /// (ms, length) whenever the length changed.
    samples: Vec<(f64, usize)>,
    now: f64,
}

pub async fn read_screen(app: &App) -> Result<Screen> {
    let v = app
        .js("return {text: window.__shown(), samples: window.__samples, now: performance.now()};")
        .await?;
    let samples = v["samples"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|s| {
            (
                s[0].as_f64().unwrap_or(0.0),
                s[1].as_u64().unwrap_or(0) as usize,
            )
        })
        .collect();
    Ok(Screen {
        text: v["text"].as_str().unwrap_or_default().to_string(),
        samples,
        now: v["now"].as_f64().unwrap_or(0.0),
    })
}

/// Characters that may reach the app between reading the screen and the kill (two chunks):
/// the stored text may hold them although the screen did not show them yet.
const SLACK: usize = 16;
/// How far (in streaming time) the stored text may be behind the screen.
pub const BEHIND_MS: f64 = 1500.0;

impl Screen {
    /// The stored text is what was on screen (less at most ~1.5 s of streaming). Returns how
    /// long the screen had shown more than was stored (ms).
    pub fn check_stored(&self, stored: &str) -> Result<f64> {
        let (db, shown) = (squeeze(stored), &self.text);
        let ok = shown.starts_with(&db)
            || (db.starts_with(shown.as_str()) && db.len() - shown.len() <= SLACK);
        ensure!(
            ok,
            "the stored text is not what was on screen:\n  stored {db:?}\n  shown  {shown:?}"
        );
        // Since when has the screen shown more than was stored?
        let ahead = self
            .samples
            .iter()
            .find(|(_, n)| *n > db.len())
            .map(|(t, _)| self.now - t)
            .unwrap_or(0.0);
        ensure!(
            ahead <= BEHIND_MS,
            "the stored text is {ahead:.0} ms of streaming behind the screen ({} of {} characters)",
            db.len(),
            shown.len()
        );
        Ok(ahead)
    }
}

/// Uploads the mock took whole: (filename, bytes, sha256) of every recorded POST /files
/// whose body arrived complete.
pub fn complete_uploads(suite: &Suite, sha256: &str, size: u64) -> usize {
    suite
        .mock
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/files"))
        .filter(|r| r.body["sha256"] == sha256 && r.body["bytes"].as_u64() == Some(size))
        .count()
}

/// A text file of about `mb` MB, unique to `tag`: (path, size, sha256).
pub fn big_text(dir: &Path, tag: &str, mb: usize) -> Result<(PathBuf, u64, String)> {
    use sha2::Digest;
    let line = format!("{tag}: the quarterly supplier audit found every check passed.\n");
    let mut text = String::with_capacity(mb << 20);
    while text.len() < mb << 20 {
        text.push_str(&line);
    }
    let path = dir.join(format!("{tag}.txt"));
    std::fs::write(&path, &text)?;
    let sha = hex::encode(sha2::Sha256::digest(text.as_bytes()));
    Ok((path, text.len() as u64, sha))
}

/// Waits until the row of the document named `name` has `state`; returns the row's progress.
pub async fn wait_row(app: &App, name: &str, state: &str, min_percent: u64) -> Result<Value> {
    let script = format!(
        "const li = [...document.querySelectorAll('#doc-list li')]
           .find(l => l.querySelector('.doc-name').textContent === {name});
         if (!li) return null;
         if (li.dataset.state === 'failed') return {{failed: li.textContent}};
         const bar = li.querySelector('.progress[aria-valuenow]');
         const pct = bar ? Number(bar.getAttribute('aria-valuenow')) : 0;
         return li.dataset.state === {state} && pct >= {min_percent} ? {{state: li.dataset.state, pct}} : null;",
        name = serde_json::to_string(name)?,
        state = serde_json::to_string(state)?,
    );
    let v = app
        .wait_js(&format!("{name} {state}"), Duration::from_secs(40), &script)
        .await?;
    if v.get("failed").is_some() {
        bail!("{name} failed: {v}");
    }
    Ok(v)
}
