//! Hashing a 150 MB file with `hash_file` (what the app and the CLI do before an upload) against
//! `sha256sum` on the same file, both with the file in the page cache. The file is
//! `LONGWEN_BENCH_FILE` (scripts/bench.sh passes the one it uploads), else one written here.
//! Prints a row of the benchmark table: `cargo bench -p longwen-core --bench hash`.

use longwen_core::{hash_file, CancellationToken};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const SIZE: usize = 150_000_000;
const RUNS: usize = 3;
/// At least this fraction of sha256sum's throughput.
const TARGET: f64 = 0.8;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = std::env::var_os("LONGWEN_BENCH_FILE")
        .map(PathBuf::from)
        .unwrap_or_else(|| write_file(&dir.path().join("big.bin")));
    let size = std::fs::metadata(&path).expect("the file").len();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let ours = |p: &Path| {
        rt.block_on(hash_file(p, size, &|_| {}, &CancellationToken::new()))
            .expect("hashed")
    };
    let theirs = |p: &Path| {
        let out = Command::new("sha256sum")
            .arg(p)
            .output()
            .expect("sha256sum");
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string()
    };
    // Warm the page cache, and check both agree.
    assert_eq!(ours(&path), theirs(&path), "the two hashes differ");
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let t = Instant::now();
        ours(&path);
        a.push(t.elapsed());
        let t = Instant::now();
        theirs(&path);
        b.push(t.elapsed());
    }
    let mb_s = |d: Duration| size as f64 / 1e6 / d.as_secs_f64();
    let (ours_mb_s, theirs_mb_s) = (mb_s(median(a)), mb_s(median(b)));
    let ratio = ours_mb_s / theirs_mb_s;
    println!(
        "| hashing a {} MB file (`hash_file`, median of {RUNS}, cached) | {ours_mb_s:.0} MB/s | `sha256sum` {theirs_mb_s:.0} MB/s | {ratio:.2}× | ≥ {TARGET}× | {} |",
        size / 1_000_000,
        if ratio >= TARGET { "yes" } else { "NO" }
    );
}

fn write_file(path: &Path) -> PathBuf {
    let mut rng = fastrand::Rng::with_seed(150);
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    let mut block = vec![0u8; 1 << 20];
    let mut left = SIZE;
    while left > 0 {
        rng.fill(&mut block);
        let n = left.min(block.len());
        f.write_all(&block[..n]).expect("write");
        left -= n;
    }
    f.flush().expect("flush");
    path.to_path_buf()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}
