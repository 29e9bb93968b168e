//! `documents` and `remote_files`: what was added, and its cloud copy per account.
//!
//! A file's remote id is stored per (content SHA-256, endpoint, account fingerprint): the same
//! bytes are uploaded once per account, whatever the file is called.

use super::now;
use crate::error::{Entity, Error, Result};
use crate::types::{Document, DocumentId, DocumentSource};
use rusqlite::{params, Connection, OptionalExtension, Row};
use std::path::{Path, PathBuf};

/// (endpoint, account fingerprint): whose cloud a remote id lives in.
pub type AccountRef = (String, String);

const DOCUMENT_SELECT: &str =
    "SELECT d.id, d.name, d.source, d.path, d.size, d.sha256, d.file_type,
        d.tokens_estimate, d.created_at,
        CASE WHEN d.source = 'file' THEN
            (SELECT r.file_id FROM remote_files r
             WHERE r.sha256 = d.sha256 AND r.endpoint = ?1 AND r.account = ?2)
        END
    FROM documents d";

fn document_from_row(row: &Row<'_>) -> rusqlite::Result<Document> {
    let source: String = row.get(2)?;
    Ok(Document {
        id: row.get(0)?,
        name: row.get(1)?,
        source: if source == "text" {
            DocumentSource::Text
        } else {
            DocumentSource::File
        },
        path: row.get::<_, Option<String>>(3)?.map(PathBuf::from),
        size: row.get::<_, i64>(4)? as u64,
        sha256: row.get(5)?,
        file_type: row.get(6)?,
        tokens_estimate: row.get::<_, Option<i64>>(7)?.map(|t| t as u64),
        created_at: row.get(8)?,
        remote_id: row.get(9)?,
    })
}

fn account_params(account: Option<&AccountRef>) -> (Option<&str>, Option<&str>) {
    account.map(|(e, a)| (e.as_str(), a.as_str())).unzip()
}

/// The document, with its remote id for `account` (none without an account).
pub fn get(conn: &Connection, id: DocumentId, account: Option<&AccountRef>) -> Result<Document> {
    let (e, a) = account_params(account);
    conn.query_row(
        &format!("{DOCUMENT_SELECT} WHERE d.id = ?3"),
        params![e, a, id],
        document_from_row,
    )
    .optional()?
    .ok_or_else(|| Error::not_found(Entity::Document, id))
}

/// Newest first.
pub fn list(conn: &Connection, account: Option<&AccountRef>) -> Result<Vec<Document>> {
    let (e, a) = account_params(account);
    let mut stmt = conn.prepare(&format!(
        "{DOCUMENT_SELECT} WHERE d.removed_at IS NULL ORDER BY d.id DESC"
    ))?;
    let docs = stmt
        .query_map(params![e, a], document_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(docs)
}

/// The documents with these ids, in the given order.
pub fn by_ids(
    conn: &Connection,
    ids: &[DocumentId],
    account: Option<&AccountRef>,
) -> Result<Vec<Document>> {
    ids.iter().map(|id| get(conn, *id, account)).collect()
}

/// Takes a document out of the library (and out of every chat it is attached to). The row
/// stays, so the answers that read it still name it.
pub fn remove(conn: &Connection, id: DocumentId) -> Result<()> {
    let changed = conn.execute(
        "UPDATE documents SET removed_at = ?2 WHERE id = ?1 AND removed_at IS NULL",
        params![id, now()],
    )?;
    if changed == 0 {
        return Err(Error::not_found(Entity::Document, id));
    }
    conn.execute("DELETE FROM chat_documents WHERE document_id = ?1", [id])?;
    Ok(())
}

/// The chats a document is attached to, newest first.
pub fn chats_using(conn: &Connection, id: DocumentId) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare(
        "SELECT c.id, c.title FROM chat_documents cd JOIN chats c ON c.id = cd.chat_id
         WHERE cd.document_id = ?1 ORDER BY c.activity_ms DESC",
    )?;
    let rows = stmt
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The text of a text document.
pub fn text(conn: &Connection, id: DocumentId) -> Result<String> {
    conn.query_row(
        "SELECT COALESCE(text, '') FROM documents WHERE id = ?1",
        [id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| Error::not_found(Entity::Document, id))
}

/// The document of this source with this content and name, if there is one.
fn find(conn: &Connection, source: &str, sha: &str, name: &str) -> Result<Option<DocumentId>> {
    Ok(conn
        .query_row(
            "SELECT id FROM documents WHERE source = ?1 AND sha256 = ?2 AND name = ?3",
            params![source, sha, name],
            |r| r.get(0),
        )
        .optional()?)
}

/// What a file document is made of.
pub struct NewFile<'a> {
    pub name: &'a str,
    /// `None` for temporary files (text uploaded as a file).
    pub path: Option<&'a Path>,
    pub size: u64,
    pub sha256: &'a str,
    pub file_type: &'a str,
}

/// The same content under the same name is one document; another name is another document
/// (sharing the remote file). A known document takes the newest path.
pub fn upsert_file(conn: &Connection, file: &NewFile<'_>) -> Result<DocumentId> {
    let path = file.path.map(|p| p.to_string_lossy().into_owned());
    if let Some(id) = find(conn, "file", file.sha256, file.name)? {
        if path.is_some() {
            conn.execute(
                "UPDATE documents SET path = ?2 WHERE id = ?1",
                params![id, path],
            )?;
        }
        return Ok(id);
    }
    conn.execute(
        "INSERT INTO documents (source, name, path, size, sha256, file_type, created_at)
         VALUES ('file', ?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            file.name,
            path,
            file.size as i64,
            file.sha256,
            file.file_type,
            now()
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// A text document with this content and name, stored once.
pub fn upsert_text(
    conn: &Connection,
    name: &str,
    text: &str,
    sha: &str,
    tokens: usize,
) -> Result<DocumentId> {
    if let Some(id) = find(conn, "text", sha, name)? {
        return Ok(id);
    }
    conn.execute(
        "INSERT INTO documents (source, name, size, sha256, file_type, text, tokens_estimate, created_at)
         VALUES ('text', ?1, ?2, ?3, 'text', ?4, ?5, ?6)",
        params![name, text.len() as i64, sha, text, tokens as i64, now()],
    )?;
    Ok(conn.last_insert_rowid())
}

// --- remote_files ----------------------------------------------------------------------

/// The stored (remote id, status) of this content for `account`.
pub fn remote_lookup(
    conn: &Connection,
    sha: &str,
    account: &AccountRef,
) -> Result<Option<(String, String)>> {
    Ok(conn
        .query_row(
            "SELECT file_id, status FROM remote_files WHERE sha256 = ?1 AND endpoint = ?2 AND account = ?3",
            params![sha, account.0, account.1],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Whether the account holds a copy of some content of exactly `bytes` bytes.
pub fn has_remote_of_size(conn: &Connection, bytes: u64, account: &AccountRef) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM remote_files WHERE bytes = ?1 AND endpoint = ?2 AND account = ?3 LIMIT 1",
            params![bytes as i64, account.0, account.1],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// What the service answered to an upload.
pub struct Uploaded<'a> {
    pub sha256: &'a str,
    pub file_id: &'a str,
    pub filename: &'a str,
    pub bytes: u64,
    pub status: &'a str,
}

/// Records an upload (replacing an earlier id of the same content and account).
pub fn remember_upload(conn: &Connection, account: &AccountRef, up: &Uploaded<'_>) -> Result<()> {
    conn.execute(
        "INSERT INTO remote_files (sha256, endpoint, account, file_id, filename, bytes, status, uploaded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (sha256, endpoint, account) DO UPDATE SET
             file_id = excluded.file_id, filename = excluded.filename,
             bytes = excluded.bytes, status = excluded.status,
             uploaded_at = excluded.uploaded_at",
        params![
            up.sha256,
            account.0,
            account.1,
            up.file_id,
            up.filename,
            up.bytes as i64,
            up.status,
            now()
        ],
    )?;
    Ok(())
}

/// An upload recorded for another key.
pub struct UploadElsewhere {
    pub sha256: String,
    pub filename: String,
    pub bytes: u64,
    pub uploaded_at: i64,
}

/// Uploads to this endpoint recorded for other keys whose content this key has no id for.
pub fn uploads_elsewhere(conn: &Connection, account: &AccountRef) -> Result<Vec<UploadElsewhere>> {
    let mut stmt = conn.prepare(
        "SELECT r.sha256, r.filename, r.bytes, r.uploaded_at FROM remote_files r
         WHERE r.endpoint = ?1 AND r.account <> ?2
           AND NOT EXISTS (SELECT 1 FROM remote_files x
                           WHERE x.sha256 = r.sha256 AND x.endpoint = r.endpoint AND x.account = ?2)",
    )?;
    let rows = stmt
        .query_map(params![account.0, account.1], |r| {
            Ok(UploadElsewhere {
                sha256: r.get(0)?,
                filename: r.get(1)?,
                bytes: r.get::<_, i64>(2)? as u64,
                uploaded_at: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn set_remote_status(conn: &Connection, file_id: &str, status: &str) -> Result<()> {
    conn.execute(
        "UPDATE remote_files SET status = ?2 WHERE file_id = ?1",
        params![file_id, status],
    )?;
    Ok(())
}

pub fn forget_remote_id(conn: &Connection, file_id: &str) -> Result<()> {
    conn.execute("DELETE FROM remote_files WHERE file_id = ?1", [file_id])?;
    Ok(())
}

/// Files recorded under an account's old name (its unsalted fingerprint) move to its new one.
pub fn rename_account(conn: &Connection, from: &str, to: &str) -> Result<()> {
    conn.execute(
        "UPDATE OR IGNORE remote_files SET account = ?2 WHERE account = ?1",
        params![from, to],
    )?;
    Ok(())
}

/// Forgets the remote id of this content for `account` (it is stale).
pub fn forget_remote_content(conn: &Connection, sha: &str, account: &AccountRef) -> Result<()> {
    conn.execute(
        "DELETE FROM remote_files WHERE sha256 = ?1 AND endpoint = ?2 AND account = ?3",
        params![sha, account.0, account.1],
    )?;
    Ok(())
}
