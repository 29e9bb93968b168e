//! `kill -9` while the app migrates a database of an older version (schema 3, before errors
//! were stored as data): during the copy to `backups/`, inside the migration, and at a random
//! moment after start. The next start must find a sound database, migrate it, and show the old
//! conversation.

use crate::crashkit::{integrity, kill9, read_only, snapshot, Rng, DB};
use crate::harness::{Launch, Suite};
use crate::with_key;
use anyhow::{ensure, Context, Result};
use rusqlite::Connection;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The sentence version 3 stored for a cut answer (now kept as the error's detail).
const LEGACY: &str = "The connection was lost while the answer arrived (stored by version 3).";
/// Old questions and answers (a long history, so the migration takes a moment).
const OLD_TURNS: i64 = 40_000;

/// A version-3 database: a long old chat, large pasted texts, and a recent chat whose answer
/// was cut (its error a sentence). Returns the number of messages.
fn old_database(path: &Path) -> Result<i64> {
    // The schema exactly as version 3 of the app wrote it.
    longwen_core::store::create_at_version(path.parent().context("data folder")?, 3)?;
    let mut conn = Connection::open(path)?;
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO chats (id, title, created_at, updated_at, activity_ms) VALUES (1, 'Old long chat', 1, 1, 1)",
        [],
    )?;
    {
        let mut q = tx.prepare(
            "INSERT INTO messages (chat_id, role, text, status, created_at) VALUES (1, 'user', ?1, 'complete', 1)",
        )?;
        let mut a = tx.prepare(
            "INSERT INTO messages (chat_id, role, text, status, question_id, error_kind, error_message, created_at)
             VALUES (1, 'assistant', ?1, 'interrupted', ?2, 'stream_cut', ?3, 1)",
        )?;
        for i in 0..OLD_TURNS {
            q.execute([format!("Old question {i} about the contract?")])?;
            let id = tx.last_insert_rowid();
            a.execute(rusqlite::params![
                format!("Old partial answer {i}"),
                id,
                LEGACY
            ])?;
        }
        let mut d = tx.prepare(
            "INSERT INTO documents (source, name, size, sha256, file_type, text, tokens_estimate, created_at)
             VALUES ('text', ?1, ?2, ?3, 'text', ?4, 1000, 1)",
        )?;
        let text = "Pasted text of an old chat. ".repeat(2300);
        for i in 0..400 {
            let body = format!("{i} {text}");
            d.execute(rusqlite::params![
                format!("pasted {i}"),
                body.len() as i64,
                format!("{i:064}"),
                body
            ])?;
        }
    }
    let now = crate::crashkit::now_ms();
    tx.execute(
        "INSERT INTO chats (id, title, created_at, updated_at, activity_ms) VALUES (2, 'Recent chat', ?1, ?1, ?2)",
        rusqlite::params![now / 1000, now],
    )?;
    tx.execute(
        "INSERT INTO messages (chat_id, role, text, status, created_at) VALUES (2, 'user', 'What is the total?', 'complete', 2)",
        [],
    )?;
    let q = tx.last_insert_rowid();
    tx.execute(
        "INSERT INTO messages (chat_id, role, text, status, question_id, error_kind, error_message, created_at)
         VALUES (2, 'assistant', 'The total is', 'interrupted', ?1, 'stream_cut', ?2, 2)",
        rusqlite::params![q, LEGACY],
    )?;
    tx.commit()?;
    Ok(conn.query_row("SELECT count(*) FROM messages", [], |r| r.get(0))?)
}

fn version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Either version is sound: 3 untouched, or the latest with every old error as data.
fn check_either(conn: &Connection, messages: i64) -> Result<i64> {
    let v = version(conn)?;
    let count: i64 = conn.query_row("SELECT count(*) FROM messages", [], |r| r.get(0))?;
    ensure!(
        count == messages,
        "{count} messages of {messages} (version {v})"
    );
    match v {
        3 => {
            let errors: i64 = conn.query_row(
                "SELECT count(*) FROM messages WHERE error_message = ?1",
                [LEGACY],
                |r| r.get(0),
            )?;
            ensure!(
                errors == OLD_TURNS + 1,
                "version 3 with {errors} old errors"
            );
        }
        v if v as u64 == longwen_core::store::SCHEMA_VERSION => {
            let (data, detail): (i64, i64) = conn.query_row(
                "SELECT count(error_data), sum(error_detail = ?1) FROM messages WHERE error_kind IS NOT NULL",
                [LEGACY],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            ensure!(
                data == OLD_TURNS + 1 && detail == OLD_TURNS + 1,
                "version {v} with {data} errors as data, {detail} details"
            );
        }
        other => anyhow::bail!("schema version {other}"),
    }
    Ok(v)
}

#[derive(Clone, Copy, Debug)]
enum Moment {
    /// The copy to backups/ has begun.
    Backup,
    /// The migration's transaction has written to the WAL.
    Migrating,
    /// A random moment in the first 800 ms.
    Random(u64),
}

/// Starts the app directly (no driver) on the profile and kills it at `moment`.
fn start_and_kill(suite: &Suite, profile: &Path, moment: Moment) -> Result<String> {
    let env = suite.app_env(profile, &with_key())?;
    let log = std::fs::File::create(suite.artifacts.join("crash-migrate.app.log"))?;
    let data = profile.join("data");
    let mut child = std::process::Command::new(&suite.app)
        .envs(env)
        .stdin(std::process::Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
        .context("starting the app")?;
    let started = Instant::now();
    let wal = data.join(format!("{DB}-wal"));
    let backups = data.join("backups");
    let hit = loop {
        let elapsed = started.elapsed();
        let reached = match moment {
            Moment::Backup => std::fs::read_dir(&backups).is_ok_and(|mut d| d.next().is_some()),
            Moment::Migrating => std::fs::metadata(&wal).is_ok_and(|m| m.len() > 64 * 1024),
            Moment::Random(ms) => elapsed >= Duration::from_millis(ms),
        };
        if reached {
            break format!("{moment:?} after {} ms", elapsed.as_millis());
        }
        if elapsed > Duration::from_secs(20) || child.try_wait()?.is_some() {
            let _ = child.kill();
            let _ = child.wait();
            anyhow::bail!("{moment:?} never came ({} ms)", elapsed.as_millis());
        }
        std::thread::sleep(Duration::from_millis(1));
    };
    kill9(child.id() as i32)?;
    child.wait()?;
    Ok(hit)
}

pub async fn crash_kill_9_while_migrating_an_old_database(suite: &Suite) -> Result<()> {
    let started = Instant::now();
    let fixture = tempfile::tempdir()?;
    let old = fixture.path().join(DB);
    let messages = old_database(&old)?;
    let mut rng = Rng::from_env();
    let moments = [
        Moment::Backup,
        Moment::Migrating,
        Moment::Random(rng.between(0, 800)),
    ];
    let mut unusable = 0;
    for (i, moment) in moments.into_iter().enumerate() {
        let profile = Arc::new(tempfile::tempdir()?);
        let data = profile.path().join("data");
        std::fs::create_dir_all(&data)?;
        std::fs::copy(&old, data.join(DB))?;
        let hit = start_and_kill(suite, profile.path(), moment)?;
        let snap = snapshot(&data).with_context(|| format!("killed at {hit}"))?;
        let v = check_either(&snap.conn, messages).with_context(|| format!("killed at {hit}"))?;
        drop(snap);
        eprintln!("e2e:   migration kill {i}: {hit}, schema version {v} left");

        let app = suite
            .launch(
                &format!("crash-migrate-{i}"),
                Launch {
                    profile: Some(profile.clone()),
                    ..with_key()
                },
            )
            .await?;
        let shown = app
            .wait_js(
                "the recent chat after the migration",
                Duration::from_secs(15),
                "const t = document.querySelector('#chat-list li.current .chat-title');
                 const a = [...document.querySelectorAll('#conversation article[data-role=assistant]')].pop();
                 if (!t || !a) return null;
                 return {title: t.textContent, chats: document.querySelectorAll('#chat-list li').length,
                         status: a.dataset.status, text: a.querySelector('.msg-body').textContent.trim(),
                         all: a.textContent};",
            )
            .await?;
        ensure!(
            shown["title"] == "Recent chat"
                && shown["chats"] == 2
                && shown["status"] == "interrupted"
                && shown["text"] == "The total is"
                && shown["all"].as_str().is_some_and(|a| a.contains(LEGACY)),
            "killed at {hit}, then shown: {shown}"
        );
        let conn = read_only(&data)?;
        integrity(&conn)?;
        ensure!(
            check_either(&conn, messages)? as u64 == longwen_core::store::SCHEMA_VERSION,
            "not migrated"
        );
        drop(conn);
        app.quit().await?;
        unusable += check_backups(&data.join("backups"), messages, &hit)?;
    }
    eprintln!(
        "e2e:   3 kills while migrating, {:.1} s",
        started.elapsed().as_secs_f64()
    );
    ensure!(
        unusable == 0,
        "{unusable} unusable file(s) left in backups/ by a kill during the copy, named like \
         finished backups (longwen-v3-<time>.db) and counted among the five kept"
    );
    Ok(())
}

/// The newest backup is a sound copy of version 3. Returns how many others are not (cut short
/// by the kill).
fn check_backups(dir: &Path, messages: i64, hit: &str) -> Result<usize> {
    let mut found: Vec<_> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "db"))
        .collect();
    found.sort();
    let newest = found.last().context("no backup")?;
    let conn = Connection::open(newest)?;
    integrity(&conn).with_context(|| format!("newest backup {}", newest.display()))?;
    ensure!(version(&conn)? == 3, "the newest backup is not version 3");
    check_either(&conn, messages)?;
    let broken: Vec<String> = found[..found.len() - 1]
        .iter()
        .filter_map(|p| {
            let usable = Connection::open(p)
                .map_err(anyhow::Error::from)
                .and_then(|c| {
                    integrity(&c)?;
                    ensure!(check_either(&c, messages)? == 3, "not version 3");
                    Ok(())
                });
            let size = std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
            usable.err().map(|e| format!("{size} bytes: {e:#}"))
        })
        .collect();
    eprintln!(
        "e2e:   killed at {hit}: {} backups, unusable: {broken:?}",
        found.len()
    );
    Ok(broken.len())
}
