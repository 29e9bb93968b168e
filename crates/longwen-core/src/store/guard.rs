//! What happens to the database before it is migrated: a data folder only its owner reads, a
//! copy of the database before each migration (the last five kept), a clear refusal for a
//! database from a newer version or a damaged one (never overwritten), and the way to move one
//! aside.

use crate::error::{Error, Result, StorageOp};
use rusqlite::Connection;
use std::path::{Path, PathBuf};

/// Backups kept in `backups/` (the newest).
const BACKUPS_KEPT: usize = 5;
/// Leftovers in `tmp/` older than this are from a process that ended without cleaning up.
const TMP_LEFTOVER_AGE: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// Creates the data folder, readable by its owner only.
pub(super) fn prepare_folder(data_dir: &Path) -> Result<()> {
    std::fs::create_dir_all(data_dir).map_err(|e| Error::Storage {
        op: StorageOp::CreateFolder,
        detail: e.to_string(),
        path: Some(data_dir.to_path_buf()),
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(data_dir, std::fs::Permissions::from_mode(0o700));
    }
    clean_tmp(&data_dir.join("tmp"));
    Ok(())
}

/// Removes what crashed processes left in `tmp/` (text being uploaded as a file).
fn clean_tmp(tmp: &Path) {
    let Ok(entries) = std::fs::read_dir(tmp) else {
        return;
    };
    for entry in entries.flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > TMP_LEFTOVER_AGE);
        if old {
            let _ = std::fs::remove_dir_all(entry.path())
                .or_else(|_| std::fs::remove_file(entry.path()));
        }
    }
}

/// A read error of SQLite that means the file itself is bad.
pub(super) fn damaged(e: &rusqlite::Error, path: &Path) -> Option<Error> {
    use rusqlite::ErrorCode::{DatabaseCorrupt, NotADatabase};
    match e.sqlite_error_code() {
        Some(DatabaseCorrupt | NotADatabase) => Some(Error::DatabaseDamaged {
            path: path.to_path_buf(),
            detail: e.to_string(),
        }),
        _ => None,
    }
}

/// The schema version the file holds (0 for a new file).
pub(super) fn version(conn: &Connection, path: &Path) -> Result<u64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
        .map(|v| v.max(0) as u64)
        .map_err(|e| damaged(&e, path).unwrap_or_else(|| e.into()))
}

/// Copies the database to `backups/` before a migration changes it; keeps the last five.
pub(super) fn back_up(conn: &Connection, data_dir: &Path, from_version: u64) -> Result<PathBuf> {
    let dir = data_dir.join("backups");
    let io = |e: std::io::Error| Error::Storage {
        op: StorageOp::CreateFolder,
        detail: e.to_string(),
        path: Some(dir.clone()),
    };
    std::fs::create_dir_all(&dir).map_err(io)?;
    // Nanoseconds: two migrations in one millisecond still get two names.
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let target = dir.join(format!("longwen-v{from_version}-{stamp}.db"));
    // Written under another name and renamed when whole: a copy cut short by a crash never
    // looks like a backup (and is removed by the next one).
    let partial = dir.join(format!("longwen-v{from_version}-{stamp}.partial"));
    conn.execute("VACUUM INTO ?1", [partial.to_string_lossy()])?;
    std::fs::rename(&partial, &target).map_err(io)?;
    let mut backups: Vec<PathBuf> = Vec::new();
    for path in std::fs::read_dir(&dir)
        .map_err(io)?
        .flatten()
        .map(|e| e.path())
    {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        // A cut copy leaves `.partial` and SQLite's `.partial-journal` beside it.
        if name.contains(".partial") {
            let _ = std::fs::remove_file(&path);
        } else if name.ends_with(".db") {
            backups.push(path);
        }
    }
    // Names end in the time they were made: newest last once sorted by it.
    let made = |p: &PathBuf| {
        let stem = p.file_stem()?.to_str()?;
        stem.rsplit('-').next()?.parse::<u128>().ok()
    };
    backups.sort_by_key(made);
    let excess = backups.len().saturating_sub(BACKUPS_KEPT);
    for old in &backups[..excess] {
        let _ = std::fs::remove_file(old);
    }
    Ok(target)
}

/// Moves the database (and its WAL files) aside, so that the next start begins afresh; returns
/// where it went. Nothing is deleted.
pub fn move_aside(data_dir: &Path) -> Result<PathBuf> {
    let db = data_dir.join(super::DB_FILE);
    let target = data_dir.join(format!("{}.moved-{}", super::DB_FILE, super::now_ms()));
    let io = |e: std::io::Error| Error::Storage {
        op: StorageOp::Database,
        detail: e.to_string(),
        path: Some(db.clone()),
    };
    std::fs::rename(&db, &target).map_err(io)?;
    for suffix in ["-wal", "-shm"] {
        let side = data_dir.join(format!("{}{suffix}", super::DB_FILE));
        if side.exists() {
            let to = PathBuf::from(format!("{}{suffix}", target.display()));
            std::fs::rename(&side, to).map_err(io)?;
        }
    }
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::super::{open, DB_FILE};
    use crate::error::Error;

    fn bytes(path: &std::path::Path) -> Vec<u8> {
        std::fs::read(path).unwrap()
    }

    #[test]
    fn a_newer_database_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        drop(open(dir.path()).unwrap());
        let db = dir.path().join(DB_FILE);
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        drop(conn);
        let before = bytes(&db);
        match open(dir.path()) {
            Err(Error::DatabaseTooNew { found: 99, .. }) => {}
            other => panic!("{:?}", other.map(|_| ())),
        }
        assert_eq!(bytes(&db), before, "never overwritten");
    }

    #[test]
    fn a_damaged_database_is_refused_left_alone_and_can_be_moved_aside() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join(DB_FILE);
        std::fs::write(
            &db,
            b"this is not an SQLite database, just some bytes ........",
        )
        .unwrap();
        let before = bytes(&db);
        match open(dir.path()) {
            Err(Error::DatabaseDamaged { .. }) => {}
            other => panic!("{:?}", other.map(|_| ())),
        }
        assert_eq!(bytes(&db), before);
        let moved = super::move_aside(dir.path()).unwrap();
        assert_eq!(bytes(&moved), before, "moved, not deleted");
        open(dir.path()).expect("a fresh database after moving the old one aside");
    }

    #[test]
    fn each_migration_is_preceded_by_a_backup_and_five_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let backups = dir.path().join("backups");
        for round in 0..7 {
            // A database an older version (schema 3) wrote: the next open migrates it.
            let db = dir.path().join(DB_FILE);
            let _ = std::fs::remove_file(&db);
            let mut conn = rusqlite::Connection::open(&db).unwrap();
            super::super::migrations::migrations()
                .to_version(&mut conn, 3)
                .unwrap();
            for r in 0..=round {
                conn.execute(
                    "INSERT INTO settings (key, value) VALUES (?1, 'x')",
                    [format!("round {r}")],
                )
                .unwrap();
            }
            drop(conn);
            drop(open(dir.path()).unwrap());
        }
        let mut names: Vec<_> = std::fs::read_dir(&backups)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names.len(), 5, "{names:?}");
        assert!(
            names.iter().all(|n| n.starts_with("longwen-v3-")),
            "{names:?}"
        );
        // The newest backup is the database as it was before the last migration.
        let newest = backups.join(names.last().unwrap());
        let conn = rusqlite::Connection::open(newest).unwrap();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, 3);
        let rounds: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM settings WHERE key LIKE 'round %'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(rounds, 7);
    }

    #[cfg(unix)]
    #[test]
    fn the_data_folder_is_private_and_tmp_leftovers_go() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let leftover = data.join("tmp").join("123-0-1");
        std::fs::create_dir_all(&leftover).unwrap();
        std::fs::write(leftover.join("notes.txt"), "x").unwrap();
        let fresh = data.join("tmp").join("456-0-2");
        std::fs::create_dir_all(&fresh).unwrap();
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        std::fs::File::open(&leftover)
            .unwrap()
            .set_modified(old)
            .unwrap();
        drop(open(&data).unwrap());
        let mode = std::fs::metadata(&data).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
        assert!(
            !leftover.exists(),
            "a crashed process's leftover is cleaned"
        );
        assert!(
            fresh.exists(),
            "another process's live upload is left alone"
        );
    }
}
