//! The crash suite: `kill -9` of the CLI at seeded moments while it streams an answer, while
//! it uploads a large file, and while it migrates an older database. Each moment is an event
//! (bytes on stdout, a row or a request the upload made, a file the migration writes), never
//! a sleep. After every kill the data dir is opened again (by the CLI itself) and must pass
//! `PRAGMA integrity_check`, keep its conversations, keep every part of an answer it stored
//! (at most about a second behind what was printed, never ahead of it) and never upload the
//! same content twice.
//!
//! Each trial prints its seed (`BASE_SEED + index`); `CRASH_SEED=<seed>` runs that one alone.

#![cfg(unix)]

mod cli_support;

use cli_support::*;
use mock_dashscope::{Fault, MockConfig, MockServer};
use std::path::Path;
use std::time::{Duration, Instant};

const BASE_SEED: u64 = 0xC4A5_0000;
const STREAM_TRIALS: u64 = 10;
/// The engine writes the partial answer at least once a second: what was printed this long
/// before the kill must be stored.
const STORED_WITHIN: Duration = Duration::from_millis(1_500);
const GUARD: Duration = Duration::from_secs(60);

fn seeds(base: u64, n: u64) -> Vec<(u64, u64)> {
    let all: Vec<(u64, u64)> = (0..n).map(|i| (i, base + i)).collect();
    match std::env::var("CRASH_SEED")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
    {
        Some(seed) => all.into_iter().filter(|(_, s)| *s == seed).collect(),
        None => all,
    }
}

fn answers(data: &Path) -> Vec<(i64, String, String)> {
    let c = db(data);
    let mut st = c
        .prepare("SELECT id, status, text FROM messages WHERE role = 'assistant' ORDER BY id")
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

const QUESTION: &str = "请逐条说明合同的付款方式与违约责任 [[mock:long=100]]";
const DOCUMENT: &[u8] = "甲方：华东建材有限公司。乙方：长文科技。付款方式：分三期。".as_bytes();

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_while_streaming_the_stored_answer_trails_what_was_printed_by_at_most_a_second() {
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let data = tempfile::tempdir().unwrap();
    let (url, dir) = (mock.base_url(), data.path().to_path_buf());
    let ask = move || {
        let mut c = cli(&dir, &url, KEY);
        c.args(["ask", "--text", "-", QUESTION]);
        c
    };
    // The whole answer once, for its length.
    let whole = tokio::task::spawn_blocking({
        let ask = ask.clone();
        move || run(ask(), DOCUMENT)
    })
    .await
    .unwrap();
    assert!(whole.status.success(), "{}", whole.stderr_text());
    let total = whole.stdout.len();
    assert!(total > 500, "a long answer: {total} bytes");

    for (index, seed) in seeds(BASE_SEED, STREAM_TRIALS) {
        let mut rng = fastrand::Rng::with_seed(seed);
        let at = rng.usize(1..total * 9 / 10);
        let delay_ms = rng.u64(15..=30);
        let ctx = format!("streaming trial {index}, seed {seed}: kill after {at} bytes, chunks every {delay_ms} ms");
        println!("{ctx}");
        mock.push_fault(Fault::SlowChunks { delay_ms });
        let ask = ask.clone();
        let ended = tokio::task::spawn_blocking(move || {
            Watched::spawn(ask(), DOCUMENT).kill_when(GUARD, |w| w.stdout_len() >= at)
        })
        .await
        .unwrap();
        assert_eq!(integrity(data.path()), "ok", "{ctx}");
        let printed = ended.stdout_text();
        let killed_at = ended.killed_at.unwrap();
        let must = String::from_utf8(ended.stdout_before(killed_at - STORED_WITHIN)).unwrap();
        let (_, status, stored) = answers(data.path()).pop().unwrap();
        assert_eq!(
            status, "streaming",
            "{ctx}: a dead writer's row, until it goes stale"
        );
        assert!(
            printed.starts_with(&stored),
            "{ctx}: stored {stored:?} printed {printed:?}"
        );
        assert!(
            stored.starts_with(&must),
            "{ctx}: {} bytes stored, {} printed more than {STORED_WITHIN:?} before the kill",
            stored.len(),
            must.len()
        );
        println!(
            "{ctx}: printed {}, stored {}, required {}",
            printed.len(),
            stored.len(),
            must.len()
        );

        // The CLI opens the data dir again and shows the conversation as it was kept.
        let (d, u) = (data.path().to_path_buf(), mock.base_url());
        let shown = tokio::task::spawn_blocking(move || {
            let mut c = cli(&d, &u, KEY);
            c.args(["chats", "list", "--json"]);
            run(c, b"")
        })
        .await
        .unwrap();
        assert!(shown.status.success(), "{ctx}: {}", shown.stderr_text());
        let chats: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
        assert_eq!(chats.as_array().unwrap().len() as u64, index + 2, "{ctx}");
    }

    // Once their writer has been silent long enough, the next start ends them as interrupted,
    // text kept.
    let before = answers(data.path());
    db(data.path())
        .execute(
            "UPDATE messages SET heartbeat_ms = 0 WHERE status = 'streaming'",
            [],
        )
        .unwrap();
    let (d, u) = (data.path().to_path_buf(), mock.base_url());
    let listed = tokio::task::spawn_blocking(move || {
        let mut c = cli(&d, &u, KEY);
        c.args(["chats", "list"]);
        run(c, b"")
    })
    .await
    .unwrap();
    assert!(listed.status.success());
    let after = answers(data.path());
    assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(a.2, b.2, "text kept");
        // Rows of trials more than 10 s back were already ended by an earlier start.
        let want = if b.1 == "complete" {
            "complete"
        } else {
            "interrupted"
        };
        assert_eq!(a.1, want, "was {}", b.1);
    }
    assert_eq!(integrity(data.path()), "ok");
}

/// When an upload trial kills the CLI.
#[derive(Debug, Clone, Copy, PartialEq)]
enum UploadMoment {
    /// While hashing: the CLI has read this share of the file (or, should hashing be over
    /// first, as the upload starts).
    Hashing(f64),
    /// While uploading (the service takes it slowly): the CLI has read this share of the
    /// file for the upload.
    Uploading(f64),
    /// The service has the whole file (the CLI may not have stored its id yet).
    Received,
    /// The id is stored (and, with `report_parsing`, the service is still reading the file).
    Stored,
    /// The CLI printed the id: the upload is done.
    Printed,
}

const UPLOAD_MIB: usize = 24;

/// Uploads a 24 MiB file (taken by the service at 16 MiB/s), killing the CLI at `moment`;
/// then uploads it again with the CLI. Returns how many whole uploads the service had at the
/// kill, and how many more the second run made.
/// `settled`: the file is left alone until its stamp can vouch for it, so that it is sent
/// while it is hashed (`documents/ahead.rs`).
fn upload_trial(
    mock: &MockServer,
    moment: UploadMoment,
    settled: bool,
    ctx: &str,
) -> (usize, usize) {
    let data = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let path = files.path().join("年度报告.txt");
    let line = format!("{ctx}: 年度报告，收入与支出明细。\n");
    std::fs::write(&path, line.repeat((UPLOAD_MIB << 20) / line.len())).unwrap();
    let path = path.canonicalize().unwrap();
    if settled {
        // The CLI trusts a file's stamp once it has been left alone for 3 s (file_settle).
        let written = std::fs::metadata(&path).unwrap().modified().unwrap();
        let age = |t: std::time::SystemTime| t.elapsed().unwrap_or_default();
        let settle = Duration::from_millis(3_500);
        if age(written) < settle {
            std::thread::sleep(settle - age(written));
        }
    }
    let size = std::fs::metadata(&path).unwrap().len() as f64;
    let upload = || {
        let mut c = cli(data.path(), &mock.base_url(), KEY);
        c.args(["files", "upload"]).arg(&path);
        c
    };
    // Whole uploads: the mock records a broken one too, with the bytes it got.
    let received = || {
        mock.requests()
            .iter()
            .filter(|r| r.path.ends_with("/files") && r.body["bytes"] == size as u64)
            .count()
    };
    let claimed = || count(data.path(), "upload_claims").unwrap_or(0) > 0;
    mock.push_fault(Fault::SlowUpload {
        bytes_per_sec: 16 << 20,
    });
    let ended = Watched::spawn(upload(), b"").kill_when(GUARD, |w| {
        // How far the CLI has read the file (Linux); elsewhere the claim alone marks the moment.
        let past = |share: f64| match read_offset(w.pid(), &path) {
            Some(read) => read as f64 >= share * size,
            None => !cfg!(target_os = "linux"),
        };
        match moment {
            UploadMoment::Hashing(share) => claimed() || past(share),
            UploadMoment::Uploading(share) => claimed() && past(share),
            UploadMoment::Received => received() > 0,
            UploadMoment::Stored => count(data.path(), "remote_files").unwrap_or(0) > 0,
            UploadMoment::Printed => w.stdout_len() > 0,
        }
    });
    assert_eq!(integrity(data.path()), "ok", "{ctx}");
    let before = received();
    println!(
        "{ctx}: killed with {before} whole upload(s) at the service, {} stored",
        count(data.path(), "remote_files").unwrap_or(0)
    );
    let again = run(upload(), b"");
    assert!(again.status.success(), "{ctx}: {}", again.stderr_text());
    let id = again.stdout_text();
    let id = id.split('\t').next().unwrap();
    assert!(id.starts_with("file-fe-"), "{ctx}: {id}");
    if moment == UploadMoment::Printed {
        assert!(ended.stdout_text().starts_with(id), "{ctx}: the same id");
    }
    // One document, one remote copy, no claim left behind.
    for (table, n) in [("documents", 1), ("remote_files", 1), ("upload_claims", 0)] {
        assert_eq!(count(data.path(), table), Some(n), "{ctx}: {table}");
    }
    assert_eq!(integrity(data.path()), "ok", "{ctx}");
    (before, received() - before)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_while_uploading_the_same_content_is_never_uploaded_twice() {
    use UploadMoment::*;
    let trials: Vec<_> = seeds(BASE_SEED + 100, 7)
        .into_iter()
        .map(|(i, seed)| {
            let mut rng = fastrand::Rng::with_seed(seed);
            let share = 0.05 + 0.75 * rng.f64();
            let moment = [
                Hashing(share),
                Uploading(share),
                Uploading(share),
                Received,
                Stored,
                Stored,
                Printed,
            ][i as usize];
            // The second "stored" trial kills while the service is still reading the file;
            // the second "uploading", "received" and "printed" send a settled file while it
            // is hashed.
            (i, seed, moment, i == 5, matches!(i, 2 | 3 | 6))
        })
        .collect();
    // One at a time would spend most of its time waiting out the claims of the dead uploads
    // (15 s each): the trials run side by side, each with its own mock and data dir.
    let mut tasks = Vec::new();
    for (index, seed, moment, reading, settled) in trials {
        let config = MockConfig {
            report_parsing: reading,
            parse_delay: Duration::from_secs(if reading { 3 } else { 0 }),
            ..MockConfig::default()
        };
        let mock = MockServer::start(config).await.unwrap();
        tasks.push(tokio::task::spawn_blocking(move || {
            let ctx = format!(
                "upload trial {index}, seed {seed}: kill at {moment:?} (reading: {reading}, \
                 settled: {settled})"
            );
            println!("{ctx}");
            let started = Instant::now();
            let (had, more) = upload_trial(&mock, moment, settled, &ctx);
            println!("{ctx}: {more} more upload(s), {:?}", started.elapsed());
            match moment {
                // Nothing had gone: the second run uploads it, once.
                Hashing(_) | Uploading(_) => assert_eq!((had, more), (0, 1), "{ctx}"),
                Received => assert!(had == 1 && more <= 1, "{ctx}: {more} more uploads"),
                Stored | Printed => assert_eq!((had, more), (1, 0), "{ctx}: uploaded again"),
            }
            drop(mock);
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
}

/// An answer's old error sentence, as version 3 stored it.
const OLD_SENTENCE: &str = "回答接收过程中连接中断。";
const OLD_CHATS: i64 = 3;
const OLD_PAIRS: i64 = 6_000;

/// A database as version 3 left it (`user_version` 3, errors as a sentence in
/// `error_message`), of about 16 MB so that its backup and migration take a moment.
fn old_database(dir: &Path) -> std::path::PathBuf {
    longwen_core::store::create_at_version(dir, 3).unwrap();
    let mut c = db(dir);
    let tx = c.transaction().unwrap();
    let answer = "合同第七条约定违约金按日千分之五计算，累计不超过合同总额的百分之十。".repeat(6);
    for chat in 1..=OLD_CHATS {
        tx.execute(
            "INSERT INTO chats (id, title, created_at, updated_at) VALUES (?1, ?2, 0, 0)",
            rusqlite::params![chat, format!("旧对话 {chat}")],
        )
        .unwrap();
        for _ in 0..OLD_PAIRS {
            tx.execute(
                "INSERT INTO messages (chat_id, role, text, status, created_at)
                 VALUES (?1, 'user', '违约金怎么算？', 'complete', 0)",
                [chat],
            )
            .unwrap();
            let q = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO messages (chat_id, role, text, status, question_id, error_kind,
                                       error_message, created_at)
                 VALUES (?1, 'assistant', ?2, 'interrupted', ?3, 'stream_cut', ?4, 0)",
                rusqlite::params![chat, answer, q, OLD_SENTENCE],
            )
            .unwrap();
        }
    }
    tx.commit().unwrap();
    drop(c);
    dir.join("longwen.db")
}

/// When a migration trial kills the CLI.
#[derive(Debug, Clone, Copy, PartialEq)]
enum MigrationMoment {
    /// The copy made before migrating has this share of the database's size.
    BackingUp(f64),
    /// The migration has written this many bytes to the write-ahead log.
    Migrating(u64),
    /// The CLI has printed the chats: all done.
    Done,
}

fn size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// The sizes of the files in `data/sub`.
fn sizes(data: &Path, sub: &str) -> Vec<u64> {
    std::fs::read_dir(data.join(sub))
        .map(|d| d.flatten().map(|e| size(&e.path())).collect())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_while_migrating_the_database_opens_migrated_and_whole() {
    let template = tempfile::tempdir().unwrap();
    let old = tokio::task::spawn_blocking({
        let dir = template.path().to_path_buf();
        move || old_database(&dir)
    })
    .await
    .unwrap();
    let db_size = size(&old) as f64;
    let messages = OLD_CHATS * OLD_PAIRS * 2;
    for (index, seed) in seeds(BASE_SEED + 200, 6) {
        let mut rng = fastrand::Rng::with_seed(seed);
        let moment = match index % 3 {
            0 => MigrationMoment::BackingUp(0.9 * rng.f64()),
            1 => MigrationMoment::Migrating(rng.u64(1 << 20..8 << 20)),
            _ => MigrationMoment::Done,
        };
        let ctx = format!("migration trial {index}, seed {seed}: kill at {moment:?}");
        println!("{ctx}");
        let data = tempfile::tempdir().unwrap();
        std::fs::copy(&old, data.path().join("longwen.db")).unwrap();
        let d = data.path().to_path_buf();
        let wal = d.join("longwen.db-wal");
        let list = move || {
            let mut c = cli(&d, "http://127.0.0.1:9/v1", KEY);
            c.args(["chats", "list"]);
            c
        };
        let first = list.clone();
        let ended = tokio::task::spawn_blocking(move || {
            Watched::spawn(first(), b"").kill_when(GUARD, |w| match moment {
                // The copy is written as backups/*.partial, then renamed (kill while it grows).
                MigrationMoment::BackingUp(share) => {
                    let dir = wal.parent().unwrap();
                    sizes(dir, "backups")
                        .iter()
                        .any(|s| *s as f64 >= share * db_size)
                }
                MigrationMoment::Migrating(bytes) => size(&wal) >= bytes,
                MigrationMoment::Done => w.stdout_len() > 0,
            })
        })
        .await
        .unwrap();
        println!(
            "{ctx}: killed with backups {:?} and a WAL of {} bytes",
            sizes(data.path(), "backups"),
            size(&data.path().join("longwen.db-wal"))
        );
        drop(ended);

        // Opened again, it is migrated and whole.
        let again = tokio::task::spawn_blocking(move || run(list(), b""))
            .await
            .unwrap();
        assert!(again.status.success(), "{ctx}: {}", again.stderr_text());
        assert_eq!(
            again.stdout_text().lines().count() as i64,
            OLD_CHATS,
            "{ctx}"
        );
        assert_eq!(integrity(data.path()), "ok", "{ctx}");
        let c = db(data.path());
        let one = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(
            one("PRAGMA user_version") as u64,
            longwen_core::store::SCHEMA_VERSION,
            "{ctx}"
        );
        assert_eq!(one("SELECT COUNT(*) FROM messages"), messages, "{ctx}");
        let kept = "SELECT COUNT(*) FROM messages WHERE error_detail = '回答接收过程中连接中断。'
                    AND json_extract(error_data, '$.kind') = 'stream_cut'";
        assert_eq!(
            one(kept),
            messages / 2,
            "{ctx}: old errors became data, words kept"
        );

        // Every backup left is a whole copy of the old database.
        for entry in std::fs::read_dir(data.path().join("backups"))
            .unwrap()
            .flatten()
        {
            let b = rusqlite::Connection::open(entry.path()).unwrap();
            let check: rusqlite::Result<String> =
                b.query_row("PRAGMA integrity_check", [], |r| r.get(0));
            let rows: rusqlite::Result<i64> =
                b.query_row("SELECT COUNT(*) FROM messages", [], |r| r.get(0));
            assert_eq!(
                (check.as_deref().ok(), rows.ok()),
                (Some("ok"), Some(messages)),
                "{ctx}: backup {} ({} bytes) is not a whole copy",
                entry.path().display(),
                size(&entry.path())
            );
        }
    }
}
