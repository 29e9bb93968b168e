//! Getting a content's remote id for an account: the stored one, or one upload (serialised in
//! this process by a lock per content, across processes by a claim), then waiting until the
//! service has read it.

use super::ahead::{Ahead, Upload};
use super::claims::{claim_or_find, Claimed};
use super::{Documents, ProgressFn};
use crate::error::{Error, Result};
use crate::session::Session;
use crate::stamp::FileStamp;
use crate::store::documents::{self as docs, Uploaded};
use crate::store::now;
use crate::types::DocumentProgress;
use std::path::Path;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

const PROCESSED: &str = "processed";

/// What to upload: a file's content, under a name.
pub(crate) struct Content<'a> {
    pub sha256: &'a str,
    /// The file as its hashing found it (None: no stamp on this platform, or not a file).
    pub stamp: Option<FileStamp>,
    pub path: &'a Path,
    pub filename: &'a str,
    pub size: u64,
}

/// A day, in seconds: how far back an upload cut off by a crash is looked for.
const DAY: i64 = 86_400;
/// How far the service's clock may be behind ours.
const CLOCK_SKEW_SECS: i64 = 120;

impl Documents {
    /// The newest file of the account with this content's name and size, uploaded since
    /// `since` (unix seconds). Best effort: a listing that fails finds nothing.
    async fn uploaded_since(
        &self,
        session: &Session,
        content: &Content<'_>,
        since: i64,
    ) -> Option<crate::client::RemoteFile> {
        let files = session.client.list_files().await.ok()?;
        files
            .into_iter()
            .filter(|f| {
                f.filename == content.filename && f.bytes == content.size && f.created_at >= since
            })
            .max_by_key(|f| f.created_at)
    }

    /// The remote id of this content for the session's account, uploading only if there is none.
    pub(crate) async fn ensure_uploaded(
        &self,
        session: &Session,
        content: &Content<'_>,
        ahead: Option<Ahead<'_>>,
        on_progress: ProgressFn<'_>,
        cancel: &CancellationToken,
    ) -> Result<String> {
        let account = session.account_ref();
        let key = format!("{}\n{}\n{}", content.sha256, account.0, account.1);
        let lock = {
            let mut locks = self
                .upload_locks
                .lock()
                .map_err(|_| Error::internal("upload lock poisoned"))?;
            Arc::clone(locks.entry(key.clone()).or_default())
        };
        let _guard = lock.lock().await;

        let find = |c: &rusqlite::Connection| docs::remote_lookup(c, content.sha256, &account);
        let (file_id, status) = match claim_or_find(&self.store, &key, find, cancel).await? {
            // An upload sent ahead is dropped before its last chunk: nothing stays remotely.
            Claimed::Found((id, status)) => {
                drop(ahead);
                on_progress(DocumentProgress::AlreadyUploaded {
                    remote_id: id.clone(),
                });
                (id, status)
            }
            Claimed::Mine(claim, after_crash) => {
                // A process that died while uploading this content may have got it to the
                // service without recording the answer: look there before sending it again.
                let earlier = match after_crash {
                    true => self.uploaded_since(session, content, now() - DAY).await,
                    false => None,
                };
                let started = now();
                let progress =
                    |sent, total| on_progress(DocumentProgress::Uploading { sent, total });
                let file = match earlier {
                    Some(file) => {
                        drop(ahead);
                        file
                    }
                    None => {
                        let upload = match ahead.and_then(Ahead::go) {
                            Some(upload) => upload,
                            None => {
                                on_progress(DocumentProgress::Uploading {
                                    sent: 0,
                                    total: content.size,
                                });
                                Box::pin(session.client.upload_checked(
                                    content.path,
                                    content.filename,
                                    content.sha256,
                                    content.stamp,
                                    &progress,
                                    cancel,
                                )) as Upload<'_>
                            }
                        };
                        match claim.hold_while(upload).await {
                            Ok(file) => file,
                            // The answer was lost, not necessarily the upload.
                            Err(e @ (Error::Timeout { .. } | Error::Network { .. })) => {
                                let since = started - CLOCK_SKEW_SECS;
                                match self.uploaded_since(session, content, since).await {
                                    Some(file) => file,
                                    None => return Err(e),
                                }
                            }
                            Err(e) => return Err(e),
                        }
                    }
                };
                // Stored at once, so a crash while the service reads it cannot cause a second
                // upload; the claim goes in the same transaction (others waiting pick the id up).
                self.store.with(|c| {
                    let up = Uploaded {
                        sha256: content.sha256,
                        file_id: &file.id,
                        filename: content.filename,
                        bytes: content.size,
                        status: &file.status,
                    };
                    let tx = c.transaction()?;
                    docs::remember_upload(&tx, &account, &up)?;
                    claim.release_in(&tx)?;
                    tx.commit()?;
                    Ok(())
                })?;
                drop(claim);
                on_progress(DocumentProgress::Reading);
                (file.id, file.status)
            }
        };
        if status != PROCESSED {
            match session.client.wait_until_processed(&file_id, cancel).await {
                Ok(_) => self
                    .store
                    .with(|c| docs::set_remote_status(c, &file_id, PROCESSED))?,
                Err(e @ (Error::FileParseFailed(_) | Error::FileNotFound(_))) => {
                    // Useless remotely: forget it so the next add uploads afresh.
                    self.store.with(|c| docs::forget_remote_id(c, &file_id))?;
                    return Err(e);
                }
                Err(e) => return Err(e),
            }
        }
        Ok(file_id)
    }
}
