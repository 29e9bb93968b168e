//! `upload_claims`: who is uploading which content, across processes (the CLI and the app
//! share the database). A claim whose heartbeat stopped belongs to a dead process.

use crate::error::Result;
use rusqlite::{params, Connection};

/// Takes the claim for `key` unless a live one exists; one silent for `stale_ms` is
/// taken over.
pub fn try_claim(
    conn: &Connection,
    key: &str,
    owner: &str,
    now_ms: i64,
    stale_ms: i64,
) -> Result<bool> {
    conn.execute(
        "DELETE FROM upload_claims WHERE key = ?1 AND heartbeat_ms < ?2",
        params![key, now_ms - stale_ms],
    )?;
    let inserted = conn.execute(
        "INSERT OR IGNORE INTO upload_claims (key, owner, heartbeat_ms) VALUES (?1, ?2, ?3)",
        params![key, owner, now_ms],
    )?;
    Ok(inserted == 1)
}

pub fn heartbeat(conn: &Connection, key: &str, owner: &str, now_ms: i64) -> Result<()> {
    conn.execute(
        "UPDATE upload_claims SET heartbeat_ms = ?3 WHERE key = ?1 AND owner = ?2",
        params![key, owner, now_ms],
    )?;
    Ok(())
}

pub fn release(conn: &Connection, key: &str, owner: &str) -> Result<()> {
    conn.execute(
        "DELETE FROM upload_claims WHERE key = ?1 AND owner = ?2",
        params![key, owner],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_live_claim_blocks_and_a_stale_one_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let a = crate::store::open(dir.path()).unwrap();
        let b = crate::store::open(dir.path()).unwrap();
        let stale = 15_000;
        assert!(try_claim(&a, "k", "a", 100_000, stale).unwrap());
        assert!(!try_claim(&b, "k", "b", 100_001, stale).unwrap());
        assert!(try_claim(&b, "other", "b", 100_001, stale).unwrap());
        assert!(try_claim(&b, "k", "b", 100_000 + stale + 1, stale).unwrap());
    }
}
