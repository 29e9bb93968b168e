//! Documents: checks before upload, hashing, dedupe, upload, and the document jobs of the
//! desktop app. Identical content is uploaded once per account, whatever it is called.

mod adopt;
mod ahead;
mod claims;
pub(crate) mod jobs;
mod library;
mod upload;

use crate::checks::{self, TEXT_TOKEN_LIMIT};
use crate::error::{Error, Result, StorageOp};
use crate::names;
use crate::session::{Session, Sessions};
use crate::stamp::FileStamp;
use crate::store::documents::{self as docs, NewFile};
use crate::store::{now_ms, Store};
use crate::types::{Document, DocumentProgress};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tokio_util::sync::CancellationToken;
use upload::Content;

/// Called with each step of adding a document.
pub type ProgressFn<'a> = &'a (dyn Fn(DocumentProgress) + Send + Sync);

pub(crate) struct Documents {
    store: Arc<Store>,
    sessions: Arc<Sessions>,
    /// Where temporary files (text uploaded as a file) are written.
    data_dir: PathBuf,
    /// Serialises adds of the same content so it is uploaded once even when two adds race.
    upload_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Document jobs hashing or uploading at once.
    adds: tokio::sync::Semaphore,
    /// Remote ids that answers are reading now (they cannot be deleted meanwhile).
    pub(crate) in_use: library::InUse,
}

/// How many document jobs check, hash and upload at the same time.
const PARALLEL_ADDS: usize = 3;

/// Streams the file through SHA-256, reporting progress every few MB. The reading and hashing
/// run on one blocking thread with plain reads: an async read per buffer cost a thread hop and a
/// second copy each, and held hashing to half of what the CPU does (`benches/hash.rs`).
pub async fn hash_file(
    path: &Path,
    total: u64,
    on_progress: ProgressFn<'_>,
    cancel: &CancellationToken,
) -> Result<String> {
    Ok(hash_and_stamp(path, total, on_progress, cancel).await?.0)
}

/// `hash_file`, with the file's stamp as it was when the reading began.
async fn hash_and_stamp(
    path: &Path,
    total: u64,
    on_progress: ProgressFn<'_>,
    cancel: &CancellationToken,
) -> Result<(String, Option<FileStamp>)> {
    const REPORT_EVERY: u64 = 8 << 20;
    let mut file = checks::open_regular(path)?;
    let stamp = FileStamp::of(&file);
    let (tx, mut read) = tokio::sync::watch::channel(0u64);
    let stop = cancel.clone();
    let mut work = tokio::task::spawn_blocking(move || -> std::io::Result<Option<String>> {
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 20];
        let mut done = 0u64;
        loop {
            if stop.is_cancelled() {
                return Ok(None);
            }
            let n = match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            hasher.update(&buf[..n]);
            done += n as u64;
            tx.send_replace(done);
        }
        Ok(Some(hex::encode(hasher.finalize())))
    });
    on_progress(DocumentProgress::Hashing { done: 0, total });
    let mut reported = 0u64;
    let outcome = loop {
        tokio::select! {
            r = &mut work => break r,
            changed = read.changed() => {
                if changed.is_err() {
                    break (&mut work).await;
                }
                let done = *read.borrow_and_update();
                if done - reported >= REPORT_EVERY {
                    reported = done;
                    on_progress(DocumentProgress::Hashing { done, total });
                }
            }
        }
    };
    let sha = match outcome {
        Ok(Ok(Some(sha))) => sha,
        Ok(Ok(None)) => return Err(Error::Cancelled),
        Ok(Err(_)) => return Err(Error::input_missing(path)),
        Err(e) => return Err(Error::internal(e)),
    };
    let done = *read.borrow();
    if reported != done {
        on_progress(DocumentProgress::Hashing { done, total });
    }
    Ok((sha, stamp))
}

impl Documents {
    pub(crate) fn new(store: Arc<Store>, sessions: Arc<Sessions>, data_dir: PathBuf) -> Documents {
        Documents {
            store,
            sessions,
            data_dir,
            upload_locks: Mutex::new(HashMap::new()),
            adds: tokio::sync::Semaphore::new(PARALLEL_ADDS),
            in_use: library::InUse::default(),
        }
    }

    pub(crate) fn get(&self, id: i64) -> Result<Document> {
        let hint = self.sessions.account_hint();
        self.store.with(|c| docs::get(c, id, hint.as_ref()))
    }

    pub(crate) fn list(&self) -> Result<Vec<Document>> {
        let hint = self.sessions.account_hint();
        self.store.with(|c| docs::list(c, hint.as_ref()))
    }

    /// Check → hash → dedupe or upload → wait until read → `Ready`.
    /// `name` overrides the file name shown and sent; `keep_path` false for temporary files.
    pub(crate) async fn add_file(
        &self,
        path: &Path,
        name: Option<&str>,
        keep_path: bool,
        on_progress: ProgressFn<'_>,
        cancel: &CancellationToken,
    ) -> Result<Document> {
        on_progress(DocumentProgress::Checking);
        let checked = checks::check_file(path)?;
        let session = self.sessions.current()?;
        let name = match name {
            Some(n) => n.to_string(),
            None => path
                .file_name()
                .map(|n| names::upload_name(&n.to_string_lossy()))
                .unwrap_or_else(|| format!("document.{}", checked.file_type)),
        };
        let sending = |sent, total| on_progress(DocumentProgress::Uploading { sent, total });
        let hashed = self
            .hash_sending(
                &session,
                path,
                &name,
                checked.size,
                on_progress,
                &sending,
                cancel,
            )
            .await?;
        let sha = hashed.sha256;
        let content = Content {
            sha256: &sha,
            stamp: hashed.stamp,
            path,
            filename: &name,
            size: checked.size,
        };
        self.ensure_uploaded(&session, &content, hashed.ahead, on_progress, cancel)
            .await?;
        let account = session.account_ref();
        let document = self.store.with(|c| {
            let file = NewFile {
                name: &name,
                path: keep_path.then_some(path),
                size: checked.size,
                sha256: &sha,
                file_type: &checked.file_type,
            };
            let id = docs::upsert_file(c, &file)?;
            docs::get(c, id, Some(&account))
        })?;
        on_progress(DocumentProgress::Ready {
            document: document.clone(),
        });
        Ok(document)
    }

    /// Uploads (or finds) a stored file document's content for the session's account.
    pub(crate) async fn upload_document(
        &self,
        session: &Session,
        document: &Document,
        on_progress: ProgressFn<'_>,
        cancel: &CancellationToken,
    ) -> Result<String> {
        let path = document
            .path
            .clone()
            .ok_or_else(|| Error::input_missing(Path::new(&document.name)))?;
        on_progress(DocumentProgress::Checking);
        let checked = checks::check_file(&path)?;
        let (sha, stamp) = hash_and_stamp(&path, checked.size, on_progress, cancel).await?;
        if sha != document.sha256 {
            // The file changed on disk since it was added: its content is no longer this document.
            return Err(Error::input_missing(&path));
        }
        let content = Content {
            sha256: &sha,
            stamp,
            path: &path,
            filename: &document.name,
            size: checked.size,
        };
        self.ensure_uploaded(session, &content, None, on_progress, cancel)
            .await
    }

    /// A library document for another chat: its cloud copy for this account, uploaded from
    /// its file only when there is none. Text documents need nothing.
    pub(crate) async fn reuse(
        &self,
        id: i64,
        on_progress: ProgressFn<'_>,
        cancel: &CancellationToken,
    ) -> Result<Document> {
        let document = self.get(id)?;
        if document.source == crate::types::DocumentSource::File {
            let session = self.sessions.current()?;
            // The cloud copy may have been deleted in the console since: ask before relying
            // on it, and upload again only when it is gone.
            let gone = match &document.remote_id {
                None => true,
                Some(remote) => match session.client.get_file(remote).await {
                    Ok(_) => false,
                    Err(Error::FileNotFound(_)) => true,
                    Err(e) => return Err(e),
                },
            };
            if gone {
                self.reupload(&session, &document, on_progress, cancel)
                    .await?;
            } else {
                on_progress(DocumentProgress::AlreadyUploaded {
                    remote_id: document.remote_id.clone().unwrap_or_default(),
                });
            }
        }
        let document = self.get(id)?;
        on_progress(DocumentProgress::Ready {
            document: document.clone(),
        });
        Ok(document)
    }

    /// Forgets the stored id of this document's content and uploads it again (stale ids).
    pub(crate) async fn reupload(
        &self,
        session: &Session,
        document: &Document,
        on_progress: ProgressFn<'_>,
        cancel: &CancellationToken,
    ) -> Result<String> {
        let account = session.account_ref();
        self.store
            .with(|c| docs::forget_remote_content(c, &document.sha256, &account))?;
        self.upload_document(session, document, on_progress, cancel)
            .await
    }

    /// A plain-text document (no upload). Fails with `TextTooLong` past the plain-text limit.
    pub(crate) fn add_text(&self, text: &str, name: Option<&str>) -> Result<Document> {
        let name = names::text_name(text, name)?;
        let tokens = checks::estimate_tokens(text);
        if tokens > TEXT_TOKEN_LIMIT {
            return Err(Error::TextTooLong {
                tokens,
                limit: TEXT_TOKEN_LIMIT,
            });
        }
        let sha = hex::encode(Sha256::digest(text.as_bytes()));
        let hint = self.sessions.account_hint();
        self.store.with(|c| {
            let id = docs::upsert_text(c, &name, text, &sha, tokens)?;
            docs::get(c, id, hint.as_ref())
        })
    }

    /// Writes the text to a temporary `.txt` in the data dir and adds it as a file.
    pub(crate) async fn add_text_file(
        &self,
        text: &str,
        name: Option<&str>,
        on_progress: ProgressFn<'_>,
        cancel: &CancellationToken,
    ) -> Result<Document> {
        let filename = names::text_file_name(text, name)?;
        // Unique per process and call, so concurrent adds never share a folder.
        let dir =
            self.data_dir
                .join("tmp")
                .join(format!("{}-{}", claims::unique_owner(), now_ms()));
        let io = |e: std::io::Error| Error::Storage {
            op: StorageOp::TempFile,
            detail: e.to_string(),
            path: Some(dir.clone()),
        };
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

    /// Deletes a cloud file and forgets its id locally (also when the service no longer has it).
    pub(crate) async fn delete_remote(&self, remote_id: &str) -> Result<()> {
        let session = self.sessions.current()?;
        match session.client.delete_file(remote_id).await {
            Ok(()) | Err(Error::FileNotFound(_)) => {}
            Err(e) => return Err(e),
        }
        self.store.with(|c| docs::forget_remote_id(c, remote_id))
    }
}
