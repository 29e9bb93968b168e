//! `/files`: upload (streamed from disk, known length, rate-limited), retrieve, list, delete.

use super::{Client, RemoteFile};
use crate::error::Result;
use crate::CancellationToken;
use std::path::Path;

/// Called with (bytes sent, total bytes).
pub type UploadProgress<'a> = &'a (dyn Fn(u64, u64) + Send + Sync);

impl Client {
    /// Uploads with `purpose=file-extract`. `filename` is sent as given (UTF-8 intact).
    pub async fn upload(
        &self,
        path: &Path,
        filename: &str,
        progress: UploadProgress<'_>,
        cancel: &CancellationToken,
    ) -> Result<RemoteFile> {
        let _ = (path, filename, progress, cancel);
        todo!()
    }

    pub async fn get_file(&self, id: &str) -> Result<RemoteFile> {
        let _ = id;
        todo!()
    }

    /// Polls with backoff until `processed`; bounded by `ClientConfig::parse_wait`.
    pub async fn wait_until_processed(
        &self,
        id: &str,
        cancel: &CancellationToken,
    ) -> Result<RemoteFile> {
        let _ = (id, cancel);
        todo!()
    }

    /// Every file, following `after`/`has_more`.
    pub async fn list_files(&self) -> Result<Vec<RemoteFile>> {
        todo!()
    }

    pub async fn delete_file(&self, id: &str) -> Result<()> {
        let _ = id;
        todo!()
    }
}
