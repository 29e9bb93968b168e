//! Running the CLI as a child process that a test watches (its output as it comes, with the
//! time each piece was read) and kills with SIGKILL the moment a condition holds; and
//! reading the database it leaves.
#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Unique enough to grep every file of the data dir and every output for.
pub const KEY: &str = "sk-crash-7e1f0c9a3b5d4e2f8a6c1b0d9e7f5a3c";

pub fn fixtures() -> PathBuf {
    std::env::var_os("LONGWEN_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures")
        })
}

/// The CLI on `data`, talking to `base_url` with `key`, in English, throttling waited out
/// for 3 s at most.
pub fn cli(data: &Path, base_url: &str, key: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_longwen"));
    c.env("DASHSCOPE_API_KEY", key)
        .env("LONGWEN_BASE_URL", base_url)
        .env("LONGWEN_DATA_DIR", data)
        .env("LONGWEN_RATE_LIMIT_BUDGET_SECS", "3")
        .env_remove("HTTPS_PROXY")
        .env_remove("https_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .args(["--lang", "en"]);
    c
}

/// Output read so far: pieces with the moment they were read.
type Pieces = Arc<Mutex<Vec<(Instant, Vec<u8>)>>>;

fn reader(mut from: impl Read + Send + 'static, into: Pieces) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 64 << 10];
        while let Ok(n) = from.read(&mut buf) {
            if n == 0 {
                break;
            }
            into.lock()
                .unwrap()
                .push((Instant::now(), buf[..n].to_vec()));
        }
    })
}

/// A running CLI whose stdout and stderr are read as they come.
pub struct Watched {
    child: Child,
    out: Pieces,
    err: Pieces,
    readers: Vec<JoinHandle<()>>,
}

/// What a finished (or killed) CLI left.
#[derive(Debug)]
pub struct Ended {
    pub status: ExitStatus,
    pub out: Vec<(Instant, Vec<u8>)>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// When it was killed, if it was.
    pub killed_at: Option<Instant>,
}

impl Ended {
    /// Everything on stdout read before `t`.
    pub fn stdout_before(&self, t: Instant) -> Vec<u8> {
        self.out
            .iter()
            .filter(|(at, _)| *at < t)
            .flat_map(|(_, b)| b.clone())
            .collect()
    }
    pub fn stdout_text(&self) -> String {
        String::from_utf8(self.stdout.clone()).expect("stdout is whole UTF-8")
    }
    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
}

impl Watched {
    pub fn spawn(mut cmd: Command, stdin: &[u8]) -> Watched {
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let mut input = child.stdin.take().unwrap();
        std::io::Write::write_all(&mut input, stdin).unwrap();
        drop(input);
        let (out, err): (Pieces, Pieces) = Default::default();
        let readers = vec![
            reader(child.stdout.take().unwrap(), out.clone()),
            reader(child.stderr.take().unwrap(), err.clone()),
        ];
        Watched {
            child,
            out,
            err,
            readers,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn stdout_len(&self) -> usize {
        self.out.lock().unwrap().iter().map(|(_, b)| b.len()).sum()
    }

    /// Polls `cond` until it holds, then kills the CLI with SIGKILL. Panics if the CLI ends
    /// first or `guard` passes (a trial that never reaches its moment is no trial).
    pub fn kill_when(mut self, guard: Duration, mut cond: impl FnMut(&Watched) -> bool) -> Ended {
        let start = Instant::now();
        loop {
            if cond(&self) {
                self.child.kill().unwrap();
                let killed_at = Instant::now();
                let mut ended = self.finish();
                ended.killed_at = Some(killed_at);
                return ended;
            }
            if let Some(status) = self.child.try_wait().unwrap() {
                let ended = self.finish();
                panic!(
                    "the CLI ended ({status}) before the moment to kill it: {}",
                    ended.stderr_text()
                );
            }
            assert!(
                start.elapsed() < guard,
                "no moment to kill within {guard:?}"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// Waits for the CLI to end by itself.
    pub fn finish(mut self) -> Ended {
        let status = self.child.wait().unwrap();
        for r in self.readers.drain(..) {
            r.join().unwrap();
        }
        let out = std::mem::take(&mut *self.out.lock().unwrap());
        let stdout = out.iter().flat_map(|(_, b)| b.clone()).collect();
        let stderr = self
            .err
            .lock()
            .unwrap()
            .iter()
            .flat_map(|(_, b)| b.clone())
            .collect();
        Ended {
            status,
            out,
            stdout,
            stderr,
            killed_at: None,
        }
    }
}

/// Runs the CLI to its end.
pub fn run(cmd: Command, stdin: &[u8]) -> Ended {
    Watched::spawn(cmd, stdin).finish()
}

pub fn db(data: &Path) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(data.join("longwen.db")).unwrap();
    c.busy_timeout(Duration::from_secs(10)).unwrap();
    c
}

pub fn integrity(data: &Path) -> String {
    db(data)
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

/// `SELECT COUNT(*) FROM table`, or `None` while the database or the table is not there yet.
pub fn count(data: &Path, table: &str) -> Option<i64> {
    if !data.join("longwen.db").exists() {
        return None;
    }
    let c = rusqlite::Connection::open_with_flags(
        data.join("longwen.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE,
    )
    .ok()?;
    c.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
        .ok()
}

/// Every byte of every file under `dir` (the database, its WAL, `tmp/`, `backups/`...).
pub fn all_bytes(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(b) = std::fs::read(&p) {
                out.push((p, b));
            }
        }
    }
    out
}

/// How far the process has read `path` (the offset of its open descriptor on it, from
/// `/proc/PID/fdinfo`), if it has it open.
#[cfg(target_os = "linux")]
pub fn read_offset(pid: u32, path: &Path) -> Option<u64> {
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?;
    for fd in fds.flatten() {
        if std::fs::read_link(fd.path()).ok().as_deref() != Some(path) {
            continue;
        }
        let info = std::fs::read_to_string(format!(
            "/proc/{pid}/fdinfo/{}",
            fd.file_name().to_string_lossy()
        ))
        .ok()?;
        return info
            .lines()
            .find_map(|l| l.strip_prefix("pos:"))
            .and_then(|v| v.trim().parse().ok());
    }
    None
}

#[cfg(not(target_os = "linux"))]
pub fn read_offset(_pid: u32, _path: &Path) -> Option<u64> {
    None
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
