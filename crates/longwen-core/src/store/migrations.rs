//! The schema, as versioned migrations: append new `M::up` entries, never edit shipped ones.

use rusqlite_migration::{Migrations, M};

/// The schema version this app writes (the number of migrations below).
pub const LATEST: u64 = 6;

pub(super) fn migrations() -> Migrations<'static> {
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
        // Errors are stored as data (the kind and its fields, as JSON), worded by each face in
        // its language at display time. Older rows kept a sentence in the language of the
        // moment: it stays as their detail, and their kind becomes their data.
        M::up(
            "ALTER TABLE messages ADD COLUMN error_data TEXT;
             ALTER TABLE messages RENAME COLUMN error_message TO error_detail;
             UPDATE messages SET error_data = json_object('kind', error_kind)
                 WHERE error_kind IS NOT NULL;",
        ),
        M::up(include_str!("sql/005_workspace.sql")),
        M::up(include_str!("sql/006_estimates.sql")),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    #[test]
    fn migrations_are_valid() {
        migrations().validate().unwrap();
        let mut conn = Connection::open_in_memory().unwrap();
        migrations().to_latest(&mut conn).unwrap();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v as u64, LATEST, "LATEST counts the migrations");
    }

    /// A database of the previous version (schema 4): its turns, titles and texts carry over,
    /// and what it held is found by search at once.
    #[test]
    fn the_workspace_schema_keeps_what_was_there() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrations().to_version(&mut conn, 4).unwrap();
        conn.execute_batch(
            "INSERT INTO chats (id, title, created_at, updated_at) VALUES (1, '合同问题', 0, 0);
             INSERT INTO messages (id, chat_id, role, text, status, created_at)
                 VALUES (1, 1, 'user', '乙方逾期交货的违约金怎么计算？', 'complete', 0);
             INSERT INTO messages (id, chat_id, role, text, status, question_id, created_at)
                 VALUES (2, 1, 'assistant', '按每日千分之三计算。', 'complete', 1, 0);",
        )
        .unwrap();
        migrations().to_latest(&mut conn).unwrap();
        let turns: Vec<(i64, i64)> = conn
            .prepare("SELECT id, turn_id FROM messages ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(turns, [(1, 1), (2, 1)]);
        crate::store::search::register(&conn).unwrap();
        let hits = crate::store::search::search(&conn, "千分之三", 10).unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].message_id, Some(2));
        let hits = crate::store::search::search(&conn, "合同问题", 10).unwrap();
        assert_eq!(hits[0].chat_id, 1);
        let custom: bool = conn
            .query_row("SELECT title_custom FROM chats WHERE id = 1", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(!custom);
    }

    /// A database written by the version that stored rendered sentences: its errors become
    /// data, and the sentence stays as detail.
    #[test]
    fn rendered_error_messages_become_data() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrations().to_version(&mut conn, 3).unwrap();
        conn.execute_batch(
            "INSERT INTO chats (id, title, created_at, updated_at) VALUES (1, 'c', 0, 0);
             INSERT INTO messages (id, chat_id, role, text, status, created_at)
                 VALUES (1, 1, 'user', 'Q', 'complete', 0);
             INSERT INTO messages (id, chat_id, role, text, status, question_id, error_kind,
                                   error_message, created_at)
                 VALUES (2, 1, 'assistant', '部分', 'interrupted', 1, 'stream_cut',
                         '回答接收过程中连接中断。', 0);
             INSERT INTO messages (id, chat_id, role, text, status, question_id, created_at)
                 VALUES (3, 1, 'assistant', 'A', 'complete', 1, 0);",
        )
        .unwrap();
        migrations().to_latest(&mut conn).unwrap();
        let row: (Option<String>, Option<String>) = conn
            .query_row(
                "SELECT error_data, error_detail FROM messages WHERE id = 2",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let data: crate::error::Error = serde_json::from_str(row.0.as_deref().unwrap()).unwrap();
        assert_eq!(data.kind(), "stream_cut");
        assert_eq!(row.1.as_deref(), Some("回答接收过程中连接中断。"));
        let clean: Option<String> = conn
            .query_row("SELECT error_data FROM messages WHERE id = 3", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(clean.is_none());
    }
}
