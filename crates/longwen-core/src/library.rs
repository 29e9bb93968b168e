//! Documents: checks before upload, hashing, dedupe, upload state, remote ids per account.
//!
//! A file's remote id is stored per (content SHA-256, endpoint, account fingerprint): the same
//! bytes are uploaded once per account, whatever the file is called, and adds of the same
//! content are serialised (within this process) so a race cannot upload twice.

use crate::checks::{self, TEXT_TOKEN_LIMIT};
use crate::engine::{Document, DocumentId, DocumentProgress, DocumentSource, Engine, Session};
use crate::error::{Error, Result};
use crate::store::{now, now_ms};
use crate::CancellationToken;
use rusqlite::{params, Connection, OptionalExtension, Row};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncReadExt;

/// (endpoint, account fingerprint).
pub(crate) type AccountRef = (String, String);

const PROCESSED: &str = "processed";

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

pub(crate) fn get_document(
    conn: &Connection,
    id: DocumentId,
    account: Option<&AccountRef>,
) -> Result<Document> {
    let (e, a) = account_params(account);
    conn.query_row(
        &format!("{DOCUMENT_SELECT} WHERE d.id = ?3"),
        params![e, a, id],
        document_from_row,
    )
    .optional()?
    .ok_or_else(|| Error::NotFound(format!("document {id}")))
}

pub(crate) fn list_documents(
    conn: &Connection,
    account: Option<&AccountRef>,
) -> Result<Vec<Document>> {
    let (e, a) = account_params(account);
    let mut stmt = conn.prepare(&format!("{DOCUMENT_SELECT} ORDER BY d.id DESC"))?;
    let docs = stmt
        .query_map(params![e, a], document_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(docs)
}

/// The documents with these ids, in the given order.
pub(crate) fn documents_by_ids(
    conn: &Connection,
    ids: &[DocumentId],
    account: Option<&AccountRef>,
) -> Result<Vec<Document>> {
    ids.iter()
        .map(|id| get_document(conn, *id, account))
        .collect()
}

/// The text of a text document.
pub(crate) fn document_text(conn: &Connection, id: DocumentId) -> Result<String> {
    conn.query_row(
        "SELECT COALESCE(text, '') FROM documents WHERE id = ?1",
        [id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| Error::NotFound(format!("document {id}")))
}

pub(crate) fn forget_remote_id(conn: &Connection, file_id: &str) -> Result<()> {
    conn.execute("DELETE FROM remote_files WHERE file_id = ?1", [file_id])?;
    Ok(())
}

fn remote_lookup(conn: &Connection, sha: &str, s: &Session) -> Result<Option<(String, String)>> {
    Ok(conn
        .query_row(
            "SELECT file_id, status FROM remote_files WHERE sha256 = ?1 AND endpoint = ?2 AND account = ?3",
            params![sha, s.endpoint, s.account],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

fn set_remote_status(conn: &Connection, file_id: &str, status: &str) -> Result<()> {
    conn.execute(
        "UPDATE remote_files SET status = ?2 WHERE file_id = ?1",
        params![file_id, status],
    )?;
    Ok(())
}

/// The document of this source with this content and name, if there is one.
fn find_document(
    conn: &Connection,
    source: &str,
    sha: &str,
    name: &str,
) -> Result<Option<DocumentId>> {
    Ok(conn
        .query_row(
            "SELECT id FROM documents WHERE source = ?1 AND sha256 = ?2 AND name = ?3",
            params![source, sha, name],
            |r| r.get(0),
        )
        .optional()?)
}

/// The same content under the same name is one document; another name is another document
/// (sharing the remote file).
fn upsert_file_document(
    conn: &Connection,
    name: &str,
    path: Option<&Path>,
    size: u64,
    sha: &str,
    file_type: &str,
) -> Result<DocumentId> {
    let path = path.map(|p| p.to_string_lossy().into_owned());
    if let Some(id) = find_document(conn, "file", sha, name)? {
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
        params![name, path, size as i64, sha, file_type, now()],
    )?;
    Ok(conn.last_insert_rowid())
}

/// How often a process waiting on another's upload looks again.
const CLAIM_POLL: Duration = Duration::from_millis(250);
/// The uploader refreshes its claim this often...
const CLAIM_HEARTBEAT: Duration = Duration::from_secs(2);
/// ...so a claim silent this long belongs to a dead process.
const CLAIM_STALE_MS: i64 = 15_000;

fn claim_owner() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// Takes the upload claim for `key` unless a live one exists; a stale one is taken over.
pub(crate) fn try_claim(conn: &Connection, key: &str, owner: &str) -> Result<bool> {
    let now = now_ms();
    conn.execute(
        "DELETE FROM upload_claims WHERE key = ?1 AND heartbeat_ms < ?2",
        params![key, now - CLAIM_STALE_MS],
    )?;
    let inserted = conn.execute(
        "INSERT OR IGNORE INTO upload_claims (key, owner, heartbeat_ms) VALUES (?1, ?2, ?3)",
        params![key, owner, now],
    )?;
    Ok(inserted == 1)
}

/// A held upload claim; released on drop (also on error or cancellation).
struct Claim<'a> {
    engine: &'a Engine,
    key: &'a str,
    owner: &'a str,
}

impl Claim<'_> {
    /// Runs `fut`, refreshing the claim so other processes keep waiting.
    async fn hold_while<T>(&self, fut: impl std::future::Future<Output = T>) -> T {
        tokio::pin!(fut);
        let mut tick = tokio::time::interval(CLAIM_HEARTBEAT);
        loop {
            tokio::select! {
                r = &mut fut => return r,
                _ = tick.tick() => {
                    let _ = self.engine.db(|c| {
                        c.execute(
                            "UPDATE upload_claims SET heartbeat_ms = ?3 WHERE key = ?1 AND owner = ?2",
                            params![self.key, self.owner, now_ms()],
                        )?;
                        Ok(())
                    });
                }
            }
        }
    }
}

fn release_claim(conn: &Connection, key: &str, owner: &str) -> Result<()> {
    conn.execute(
        "DELETE FROM upload_claims WHERE key = ?1 AND owner = ?2",
        params![key, owner],
    )?;
    Ok(())
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        let _ = self.engine.db(|c| release_claim(c, self.key, self.owner));
    }
}

/// The first `max` characters with whitespace collapsed, "…" when cut.
pub(crate) fn title_from(text: &str, max: usize) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = collapsed.chars().take(max).collect();
    if collapsed.chars().count() > max {
        out = out.trim_end().to_string();
        out.push('…');
    }
    out
}

/// The name of a text document: the one given, else its first words. Refuses empty text.
fn text_name(text: &str, name: Option<&str>) -> Result<String> {
    if text.trim().is_empty() {
        return Err(Error::InvalidArgument("the text is empty".into()));
    }
    Ok(name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| title_from(text, 24)))
}

/// A name usable as a file name on every system.
fn safe_file_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim().trim_matches('.').to_string();
    if cleaned.is_empty() {
        "text".into()
    } else {
        cleaned
    }
}

/// Streams the file through SHA-256, reporting progress every few MB.
async fn hash_file(
    path: &Path,
    total: u64,
    on_progress: &(dyn Fn(DocumentProgress) + Send + Sync),
    cancel: &CancellationToken,
) -> Result<String> {
    const REPORT_EVERY: u64 = 8 << 20;
    let mut file = tokio::fs::File::open(path)
        .await
        .map_err(|_| Error::InputMissing(path.to_path_buf()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut done = 0u64;
    let mut reported = 0u64;
    on_progress(DocumentProgress::Hashing { done: 0, total });
    loop {
        if cancel.is_cancelled() {
            return Err(Error::Cancelled);
        }
        let n = file
            .read(&mut buf)
            .await
            .map_err(|_| Error::InputMissing(path.to_path_buf()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        done += n as u64;
        if done - reported >= REPORT_EVERY {
            reported = done;
            on_progress(DocumentProgress::Hashing { done, total });
        }
    }
    if reported != done {
        on_progress(DocumentProgress::Hashing { done, total });
    }
    Ok(hex::encode(hasher.finalize()))
}

impl Engine {
    /// Check → hash → dedupe or upload → wait until read → `Ready`.
    /// `name` overrides the file name shown and sent; `keep_path` false for temporary files.
    pub(crate) async fn add_file(
        &self,
        path: &Path,
        name: Option<&str>,
        keep_path: bool,
        on_progress: &(dyn Fn(DocumentProgress) + Send + Sync),
        cancel: &CancellationToken,
    ) -> Result<Document> {
        on_progress(DocumentProgress::Checking);
        let checked = checks::check_file(path)?;
        let session = self.session()?;
        let sha = hash_file(path, checked.size, on_progress, cancel).await?;
        let name = match name {
            Some(n) => n.to_string(),
            None => path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| format!("document.{}", checked.file_type)),
        };
        self.ensure_uploaded(
            &session,
            &sha,
            path,
            &name,
            checked.size,
            on_progress,
            cancel,
        )
        .await?;
        let account = (session.endpoint.clone(), session.account.clone());
        let document = self.db(|c| {
            let id = upsert_file_document(
                c,
                &name,
                keep_path.then_some(path),
                checked.size,
                &sha,
                &checked.file_type,
            )?;
            get_document(c, id, Some(&account))
        })?;
        on_progress(DocumentProgress::Ready {
            document: document.clone(),
        });
        Ok(document)
    }

    /// The remote id of this content for the session's account, uploading only if there is none.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn ensure_uploaded(
        &self,
        session: &Session,
        sha: &str,
        path: &Path,
        filename: &str,
        size: u64,
        on_progress: &(dyn Fn(DocumentProgress) + Send + Sync),
        cancel: &CancellationToken,
    ) -> Result<String> {
        let lock = {
            let mut locks = self
                .inner
                .upload_locks
                .lock()
                .map_err(|_| Error::Internal("upload lock poisoned".into()))?;
            let key = format!("{sha}\n{}\n{}", session.endpoint, session.account);
            Arc::clone(locks.entry(key).or_default())
        };
        let _guard = lock.lock().await;

        // Across processes: whoever claims the content uploads it; the others wait for its id.
        let claim_key = format!("{sha}\n{}\n{}", session.endpoint, session.account);
        let owner = claim_owner();
        let existing = loop {
            if let Some(found) = self.db(|c| remote_lookup(c, sha, session))? {
                break Some(found);
            }
            let claimed = self.db(|c| {
                if !try_claim(c, &claim_key, &owner)? {
                    return Ok(None);
                }
                // The other process may have stored its id between our look and our claim.
                let found = remote_lookup(c, sha, session)?;
                if found.is_some() {
                    release_claim(c, &claim_key, &owner)?;
                }
                Ok(Some(found))
            })?;
            if let Some(found) = claimed {
                break found;
            }
            tokio::select! {
                _ = cancel.cancelled() => return Err(Error::Cancelled),
                _ = tokio::time::sleep(CLAIM_POLL) => {}
            }
        };
        let (file_id, status) = match existing {
            Some((id, status)) => {
                on_progress(DocumentProgress::AlreadyUploaded {
                    remote_id: id.clone(),
                });
                (id, status)
            }
            None => {
                let claim = Claim {
                    engine: self,
                    key: &claim_key,
                    owner: &owner,
                };
                on_progress(DocumentProgress::Uploading {
                    sent: 0,
                    total: size,
                });
                let progress =
                    |sent, total| on_progress(DocumentProgress::Uploading { sent, total });
                let upload = session.client.upload(path, filename, &progress, cancel);
                let file = claim.hold_while(upload).await?;
                // Stored at once, so a crash while the service reads it cannot cause a second upload.
                self.db(|c| {
                    c.execute(
                        "INSERT INTO remote_files (sha256, endpoint, account, file_id, filename, bytes, status, uploaded_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                         ON CONFLICT (sha256, endpoint, account) DO UPDATE SET
                             file_id = excluded.file_id, filename = excluded.filename,
                             bytes = excluded.bytes, status = excluded.status,
                             uploaded_at = excluded.uploaded_at",
                        params![sha, session.endpoint, session.account, file.id, filename, size as i64, file.status, now()],
                    )?;
                    Ok(())
                })?;
                // The id is visible now: others waiting on the claim pick it up.
                drop(claim);
                on_progress(DocumentProgress::Reading);
                (file.id, file.status)
            }
        };
        if status != PROCESSED {
            match session.client.wait_until_processed(&file_id, cancel).await {
                Ok(_) => self.db(|c| set_remote_status(c, &file_id, PROCESSED))?,
                Err(e @ (Error::FileParseFailed(_) | Error::FileNotFound(_))) => {
                    // Useless remotely: forget it so the next add uploads afresh.
                    self.db(|c| forget_remote_id(c, &file_id))?;
                    return Err(e);
                }
                Err(e) => return Err(e),
            }
        }
        Ok(file_id)
    }

    /// Forgets the stored id of this document's content and uploads it again (stale ids).
    pub(crate) async fn reupload(
        &self,
        session: &Session,
        document: &Document,
        on_progress: &(dyn Fn(DocumentProgress) + Send + Sync),
        cancel: &CancellationToken,
    ) -> Result<String> {
        self.db(|c| {
            c.execute(
                "DELETE FROM remote_files WHERE sha256 = ?1 AND endpoint = ?2 AND account = ?3",
                params![document.sha256, session.endpoint, session.account],
            )?;
            Ok(())
        })?;
        self.upload_document(session, document, on_progress, cancel)
            .await
    }

    /// Uploads (or finds) a stored file document's content for the session's account.
    pub(crate) async fn upload_document(
        &self,
        session: &Session,
        document: &Document,
        on_progress: &(dyn Fn(DocumentProgress) + Send + Sync),
        cancel: &CancellationToken,
    ) -> Result<String> {
        let path = document
            .path
            .clone()
            .ok_or_else(|| Error::InputMissing(PathBuf::from(&document.name)))?;
        on_progress(DocumentProgress::Checking);
        let checked = checks::check_file(&path)?;
        let sha = hash_file(&path, checked.size, on_progress, cancel).await?;
        if sha != document.sha256 {
            // The file changed on disk since it was added: its content is no longer this document.
            return Err(Error::InputMissing(path));
        }
        self.ensure_uploaded(
            session,
            &sha,
            &path,
            &document.name,
            checked.size,
            on_progress,
            cancel,
        )
        .await
    }

    pub(crate) fn add_text_document(&self, text: &str, name: Option<&str>) -> Result<Document> {
        let name = text_name(text, name)?;
        let tokens = checks::estimate_tokens(text);
        if tokens > TEXT_TOKEN_LIMIT {
            return Err(Error::TextTooLong {
                tokens,
                limit: TEXT_TOKEN_LIMIT,
            });
        }
        let sha = hex::encode(Sha256::digest(text.as_bytes()));
        let hint = self.account_hint();
        self.db(|c| {
            let id = match find_document(c, "text", &sha, &name)? {
                Some(id) => id,
                None => {
                    c.execute(
                        "INSERT INTO documents (source, name, size, sha256, file_type, text, tokens_estimate, created_at)
                         VALUES ('text', ?1, ?2, ?3, 'text', ?4, ?5, ?6)",
                        params![name, text.len() as i64, sha, text, tokens as i64, now()],
                    )?;
                    c.last_insert_rowid()
                }
            };
            get_document(c, id, hint.as_ref())
        })
    }

    /// Writes the text to a temporary `.txt` in the data dir and adds it as a file.
    pub(crate) async fn add_text_file(
        &self,
        text: &str,
        name: Option<&str>,
        on_progress: &(dyn Fn(DocumentProgress) + Send + Sync),
        cancel: &CancellationToken,
    ) -> Result<Document> {
        let mut filename = safe_file_name(&text_name(text, name)?);
        if !filename.to_ascii_lowercase().ends_with(".txt") {
            filename.push_str(".txt");
        }
        // Unique per process and call, so concurrent adds never share a folder.
        let dir = self
            .data_dir()
            .join("tmp")
            .join(format!("{}-{}", claim_owner(), now_ms()));
        let io = |e: std::io::Error| Error::Storage(format!("cannot write a temporary file: {e}"));
        tokio::fs::create_dir_all(&dir).await.map_err(io)?;
        let path = dir.join(&filename);
        let result = async {
            tokio::fs::write(&path, text.as_bytes()).await.map_err(io)?;
            self.add_file(&path, Some(&filename), false, on_progress, cancel)
                .await
        }
        .await;
        let _ = tokio::fs::remove_dir_all(&dir).await;
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_live_claim_blocks_and_a_stale_one_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let a = crate::store::open(dir.path()).unwrap();
        let b = crate::store::open(dir.path()).unwrap();
        assert!(try_claim(&a, "k", "a").unwrap());
        assert!(!try_claim(&b, "k", "b").unwrap());
        assert!(try_claim(&b, "other", "b").unwrap());
        a.execute(
            "UPDATE upload_claims SET heartbeat_ms = 0 WHERE key = 'k'",
            [],
        )
        .unwrap();
        assert!(try_claim(&b, "k", "b").unwrap());
    }

    #[test]
    fn titles_are_short() {
        assert_eq!(title_from("  hello \n world ", 24), "hello world");
        assert_eq!(
            title_from("一二三四五六七八九十一二三四五六七八九十一二三四五六", 24)
                .chars()
                .count(),
            25
        );
        assert_eq!(safe_file_name("a/b:c"), "a_b_c");
        assert_eq!(safe_file_name(".."), "text");
    }
}
