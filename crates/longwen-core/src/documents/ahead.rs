//! Sending a big file while it is hashed. The hash finds an earlier upload of the same content
//! and names the upload's claim, but it takes a while on a big file (0.1 s for 150 MB at
//! SHA-NI speed, far longer from a slow disk), and most adds upload anyway. So a file that has
//! settled on a file system its stamp can vouch for, of a size that no copy in the account has
//! (the hash cannot find one then), starts to go at once, hashed as it is read for sending (one
//! read of the file, not two). Its last chunk waits until the claim is held
//! (`Client::upload_gated`): until then the upload can be dropped, and the service never holds
//! a whole copy that no claim accounts for (a crash leaves nothing behind either).

use super::{hash_and_stamp, Documents};
use crate::checks;
use crate::client::files::Gate;
use crate::client::files::UploadProgress;
use crate::client::RemoteFile;
use crate::error::{Error, Result};
use crate::session::Session;
use crate::stamp::FileStamp;
use crate::store::documents as docs;
use futures_util::FutureExt;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

/// Files smaller than this are hashed first: it takes a few milliseconds.
pub(crate) const AHEAD_FROM: u64 = 8 << 20;

pub(crate) type Upload<'a> = Pin<Box<dyn Future<Output = Result<RemoteFile>> + Send + 'a>>;

/// An upload under way whose last chunk waits for `go`.
pub(crate) struct Ahead<'a> {
    upload: Upload<'a>,
    gate: watch::Sender<bool>,
}

impl<'a> Ahead<'a> {
    /// Lets the last chunk go; None when the upload already ended before it could (it failed
    /// waiting, for example on a claim held long elsewhere): then the caller uploads anew.
    pub(crate) fn go(mut self) -> Option<Upload<'a>> {
        if (&mut self.upload).now_or_never().is_some() {
            return None;
        }
        let gate = self.gate;
        gate.send_replace(true);
        // The sender lives as long as the upload: dropping it would abandon the upload.
        Some(Box::pin(async move {
            let file = self.upload.await;
            drop(gate);
            file
        }))
    }
}

/// What hashing gave: the hash, the file's stamp, and the upload started beside it.
pub(crate) struct Hashed<'a> {
    pub sha256: String,
    pub stamp: Option<FileStamp>,
    pub ahead: Option<Ahead<'a>>,
}

impl Documents {
    /// The stamp of the file at `path` when it may be sent while it is hashed (see above).
    fn ahead_stamp(&self, session: &Session, path: &Path, size: u64) -> Result<Option<FileStamp>> {
        if size < AHEAD_FROM {
            return Ok(None);
        }
        let settle = session.client.config().file_settle;
        let file = checks::open_regular(path)?;
        let Some(stamp) = FileStamp::of(&file).filter(|s| s.settled(settle)) else {
            return Ok(None);
        };
        let account = session.account_ref();
        let sized = self
            .store
            .with(|c| docs::has_remote_of_size(c, size, &account))?;
        Ok((!sized).then_some(stamp))
    }

    /// Hashes the file, sending it at the same time when it may (`ahead_stamp`). `sending`
    /// reports the upload's progress; the hashing then reports none of its own.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn hash_sending<'a>(
        &self,
        session: &'a Session,
        path: &'a Path,
        filename: &'a str,
        size: u64,
        on_progress: super::ProgressFn<'_>,
        sending: UploadProgress<'a>,
        cancel: &'a CancellationToken,
    ) -> Result<Hashed<'a>> {
        let Some(stamp) = self.ahead_stamp(session, path, size)? else {
            let (sha256, stamp) = hash_and_stamp(path, size, on_progress, cancel).await?;
            return Ok(Hashed {
                sha256,
                stamp,
                ahead: None,
            });
        };
        let (gate, opens) = watch::channel(false);
        let (hashed, mut hash) = watch::channel(None);
        let gate_of = Gate {
            opens,
            hashed: Arc::new(hashed),
        };
        let client = &session.client;
        // The upload reads the file once, hashing what it sends (not a second read beside it).
        let mut upload: Upload<'a> =
            Box::pin(client.upload_gated(path, filename, stamp, gate_of, sending, cancel));
        let sha256 = tokio::select! {
            sha = hash.wait_for(Option::is_some) => sha.ok().and_then(|sha| sha.clone()),
            // It cannot pass its gate: it ended in an error (refused, changed, cut for good).
            ended = &mut upload => {
                return Err(ended.err().unwrap_or_else(|| Error::internal("upload passed its gate")));
            }
        };
        let Some(sha256) = sha256 else {
            return Err(upload
                .await
                .err()
                .unwrap_or_else(|| Error::internal("no hash")));
        };
        Ok(Hashed {
            sha256,
            stamp: Some(stamp),
            ahead: Some(Ahead { upload, gate }),
        })
    }
}
