//! SQLite storage: one `longwen.db` in the data dir, shared by the CLI and the app (two
//! processes may have it open at once, hence WAL and a busy timeout).

use crate::error::Result;
use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};
use std::path::Path;
use std::time::Duration;

pub const DB_FILE: &str = "longwen.db";

/// Versioned migrations: append new `M::up` entries, never edit shipped ones.
fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(
            r#"
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE documents (
    id              INTEGER PRIMARY KEY,
    source          TEXT NOT NULL CHECK (source IN ('file', 'text')),
    name            TEXT NOT NULL,
    path            TEXT,
    size            INTEGER NOT NULL,
    sha256          TEXT NOT NULL,
    file_type       TEXT NOT NULL,
    text            TEXT,
    tokens_estimate INTEGER,
    created_at      INTEGER NOT NULL
);
CREATE INDEX documents_sha256 ON documents (sha256);

-- One uploaded copy per content, endpoint and account: the same bytes are never uploaded twice.
-- `account` is the key's fingerprint, never the key.
CREATE TABLE remote_files (
    id          INTEGER PRIMARY KEY,
    sha256      TEXT NOT NULL,
    endpoint    TEXT NOT NULL,
    account     TEXT NOT NULL,
    file_id     TEXT NOT NULL,
    filename    TEXT NOT NULL,
    bytes       INTEGER NOT NULL,
    status      TEXT NOT NULL,
    uploaded_at INTEGER NOT NULL,
    UNIQUE (sha256, endpoint, account)
);
CREATE INDEX remote_files_file_id ON remote_files (file_id);

CREATE TABLE chats (
    id         INTEGER PRIMARY KEY,
    title      TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE chat_documents (
    chat_id     INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    added_at    INTEGER NOT NULL,
    PRIMARY KEY (chat_id, document_id)
);

CREATE TABLE messages (
    id                INTEGER PRIMARY KEY,
    chat_id           INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    role              TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    text              TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL,
    -- for an answer: the question it answers
    question_id       INTEGER REFERENCES messages (id) ON DELETE CASCADE,
    -- for a question: raw remote ids given by the caller (JSON array)
    file_ids          TEXT,
    error_kind        TEXT,
    error_message     TEXT,
    request_id        TEXT,
    model             TEXT,
    finish_reason     TEXT,
    prompt_tokens     INTEGER,
    completion_tokens INTEGER,
    total_tokens      INTEGER,
    cost_cny          REAL,
    first_token_ms    INTEGER,
    total_ms          INTEGER,
    -- unix ms of the last write by the streaming process: tells a live stream from a crashed one
    heartbeat_ms      INTEGER,
    created_at        INTEGER NOT NULL
);
CREATE INDEX messages_chat ON messages (chat_id, id);
CREATE INDEX messages_status ON messages (status);

CREATE TABLE message_documents (
    message_id  INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    PRIMARY KEY (message_id, document_id)
);
"#,
        ),
        // Seconds tie too often to order chats by activity; unix ms does not.
        M::up("ALTER TABLE chats ADD COLUMN activity_ms INTEGER NOT NULL DEFAULT 0;"),
        // Cross-process upload lock: the CLI and the app may add the same file at once.
        M::up(
            "CREATE TABLE upload_claims (
                 key          TEXT PRIMARY KEY,
                 owner        TEXT NOT NULL,
                 heartbeat_ms INTEGER NOT NULL
             );",
        ),
    ])
}

/// Opens (creating the folder and file if needed) and migrates the database.
pub fn open(data_dir: &Path) -> Result<Connection> {
    std::fs::create_dir_all(data_dir)
        .map_err(|e| crate::Error::Storage(format!("cannot create {}: {e}", data_dir.display())))?;
    let mut conn = Connection::open(data_dir.join(DB_FILE))?;
    // The other process may hold the write lock for a moment.
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrations().to_latest(&mut conn)?;
    Ok(conn)
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
    fn migrations_are_valid() {
        migrations().validate().unwrap();
    }

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
