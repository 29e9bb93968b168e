//! SQLite storage: one `longwen.db` in the data dir, shared by the CLI and the app (two
//! processes may have it open at once, hence WAL and a busy timeout). All SQL lives in this
//! layer, one module per table group; the services above call these functions.

pub mod chats;
pub mod claims;
pub mod documents;
pub mod estimates;
mod guard;
pub mod messages;
mod migrations;
/// The schema version this build writes (`PRAGMA user_version`).
pub use migrations::LATEST as SCHEMA_VERSION;
pub mod search;
pub mod settings;

use crate::error::{Error, Result};
use rusqlite::Connection;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

pub const DB_FILE: &str = "longwen.db";

pub use guard::move_aside;

/// Opens (creating the folder and file if needed) and migrates the database. A database of a
/// newer version, or a damaged one, is refused and left as it is; one that a migration will
/// change is copied to `backups/` first.
pub fn open(data_dir: &Path) -> Result<Connection> {
    guard::prepare_folder(data_dir)?;
    let path = data_dir.join(DB_FILE);
    let damaged = |e: rusqlite::Error| guard::damaged(&e, &path).unwrap_or_else(|| e.into());
    let mut conn = Connection::open(&path).map_err(damaged)?;
    // The other process may hold the write lock for a moment.
    conn.busy_timeout(Duration::from_secs(10))?;
    let found = guard::version(&conn, &path)?;
    let known = migrations::LATEST;
    if found > known {
        return Err(Error::DatabaseTooNew { path, found, known });
    }
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(damaged)?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    search::register(&conn)?;
    if found > 0 && found < known {
        guard::back_up(&conn, data_dir, found)?;
    }
    migrations::migrations()
        .to_latest(&mut conn)
        .map_err(|e| match e {
            rusqlite_migration::Error::RusqliteError { err, .. } => damaged(err),
            other => other.into(),
        })?;
    Ok(conn)
}

/// Makes a database at an older schema version, as an earlier release left it (for tests of
/// upgrades; the app never calls it).
#[doc(hidden)]
pub fn create_at_version(data_dir: &Path, version: u64) -> Result<()> {
    guard::prepare_folder(data_dir)?;
    let mut conn = Connection::open(data_dir.join(DB_FILE))?;
    migrations::migrations().to_version(&mut conn, version as usize)?;
    Ok(())
}

/// The one connection of an engine. Never held across an await.
pub struct Store {
    conn: Mutex<Connection>,
}

impl Store {
    pub fn open(data_dir: &Path) -> Result<Store> {
        Ok(Store {
            conn: Mutex::new(open(data_dir)?),
        })
    }

    /// Runs `f` with the connection locked.
    pub fn with<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let mut conn = self
            .conn
            .lock()
            .map_err(|_| Error::internal("database lock poisoned"))?;
        f(&mut conn)
    }
}

/// Unix seconds.
pub fn now() -> i64 {
    now_ms() / 1000
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_twice_with_wal_and_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let a = open(dir.path()).unwrap();
        let b = open(dir.path()).unwrap();
        let mode: String = a
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = b
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
    }
}
