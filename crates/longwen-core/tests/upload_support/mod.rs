//! Shared by the upload tests: files to add, what the database and the mock hold after an
//! add, and engines that trust a settled file's stamp.
#![allow(dead_code)]

use crate::engine_support::*;
use longwen_core::stamp::FileStamp;
use longwen_core::types::Document;
use longwen_core::Engine;
use mock_dashscope::{MockConfig, MockServer};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `(documents, remote_files, upload_claims)` rows.
pub fn rows(dir: &Path) -> (i64, i64, i64) {
    let db = rusqlite::Connection::open(dir.join(longwen_core::store::DB_FILE)).unwrap();
    let count = |table: &str| {
        db.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    };
    (
        count("documents"),
        count("remote_files"),
        count("upload_claims"),
    )
}

/// A text file of `mb` MiB (Chinese, so a chat about it works), different per `seed`.
pub fn write_file(dir: &Path, name: &str, mb: usize, seed: u8) -> PathBuf {
    let path = dir.join(name);
    let line = format!("第{seed}份合同：甲方与乙方约定付款方式与违约责任。\n");
    let mut data = line.repeat((mb << 20) / line.len() + 1).into_bytes();
    data.truncate(mb << 20);
    std::fs::write(&path, data).unwrap();
    path
}

pub fn sha256(path: &Path) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(std::fs::read(path).unwrap()))
}

/// Upload attempts the mock saw: `(sha256 of what arrived, if it arrived whole)`.
pub fn attempts(env: &Env) -> Vec<Option<String>> {
    env.uploads()
        .iter()
        .map(|r| r.body["sha256"].as_str().map(str::to_string))
        .collect()
}

/// A failed add left nothing behind: no rows, no claim, no file in the account.
pub async fn nothing_registered(env: &Env, ctx: &str) {
    assert_eq!(rows(env.dir.path()), (0, 0, 0), "{ctx}");
    let remote = env.engine.remote_files().await.unwrap();
    assert!(remote.is_empty(), "{ctx}: {remote:?}");
}

/// A successful add registered exactly one copy, and the copy is what was hashed.
pub async fn registered_once(env: &Env, doc: &Document, ctx: &str) {
    assert_eq!(rows(env.dir.path()), (1, 1, 0), "{ctx}");
    let remote = env.engine.remote_files().await.unwrap();
    assert_eq!(remote.len(), 1, "{ctx}: {remote:?}");
    assert_eq!(
        doc.remote_id.as_deref(),
        Some(remote[0].id.as_str()),
        "{ctx}"
    );
    let whole: Vec<String> = attempts(env).into_iter().flatten().collect();
    assert_eq!(
        whole,
        vec![doc.sha256.clone()],
        "{ctx}: what arrived is what was hashed"
    );
}

/// An engine that trusts a file's stamp once the file has been left alone for `settle` (by
/// default a few seconds): zero makes the stamp, not a second hash, check what the upload sent.
pub async fn setup_settling(settle: Duration) -> Env {
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut c = config(dir.path(), &mock);
    c.client.file_settle = settle;
    let engine = Engine::open(c).unwrap();
    Env { mock, dir, engine }
}

/// Returns once the file system's clock has ticked past `path`'s change time (file times are
/// coarse), so that a change made now gives `path` another one.
#[cfg(unix)]
pub fn file_clock_moves_past(path: &Path) {
    use std::os::unix::fs::MetadataExt;
    let changed = |p: &Path| {
        let m = std::fs::metadata(p).unwrap();
        (m.ctime(), m.ctime_nsec())
    };
    let before = changed(path);
    let probe = path.with_extension("probe");
    loop {
        std::fs::write(&probe, "").unwrap();
        if changed(&probe) > before {
            break;
        }
        std::thread::yield_now();
    }
    std::fs::remove_file(&probe).unwrap();
}

#[cfg(not(unix))]
pub fn file_clock_moves_past(_path: &Path) {}

/// Whether the file's stamp can vouch for it where it is (a local disk file system): the
/// build's own directory, rather than /tmp, which may be a tmpfs.
pub fn stamped(path: &Path) -> bool {
    FileStamp::of(&std::fs::File::open(path).unwrap()).is_some()
}

pub fn temp_dir_beside_the_build() -> tempfile::TempDir {
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap()
}
