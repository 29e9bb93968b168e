//! `upload_claims`: who is uploading which content, across processes (the CLI and the app
//! share the database). A claim whose heartbeat stopped belongs to a dead process.

use crate::error::Result;
use rusqlite::{params, Connection};

/// Who holds a claim after `try_claim`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// A live process holds it.
    Held,
    /// Ours. `after_crash`: it was taken over from a process that died holding it (its upload
    /// may have reached the service without its answer being recorded).
    Ours { after_crash: bool },
}

/// Takes the claim for `key` unless a live one exists; one silent for `stale_ms` is
/// taken over.
pub fn try_claim(
    conn: &Connection,
    key: &str,
    owner: &str,
    now_ms: i64,
    stale_ms: i64,
) -> Result<Claim> {
    let stale = conn.execute(
        "DELETE FROM upload_claims WHERE key = ?1 AND heartbeat_ms < ?2",
        params![key, now_ms - stale_ms],
    )?;
    let inserted = conn.execute(
        "INSERT OR IGNORE INTO upload_claims (key, owner, heartbeat_ms) VALUES (?1, ?2, ?3)",
        params![key, owner, now_ms],
    )?;
    Ok(match inserted {
        1 => Claim::Ours {
            after_crash: stale > 0,
        },
        _ => Claim::Held,
    })
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
        let fresh = Claim::Ours { after_crash: false };
        assert_eq!(try_claim(&a, "k", "a", 100_000, stale).unwrap(), fresh);
        assert_eq!(
            try_claim(&b, "k", "b", 100_001, stale).unwrap(),
            Claim::Held
        );
        assert_eq!(try_claim(&b, "other", "b", 100_001, stale).unwrap(), fresh);
        assert_eq!(
            try_claim(&b, "k", "b", 100_000 + stale + 1, stale).unwrap(),
            Claim::Ours { after_crash: true }
        );
    }
}
