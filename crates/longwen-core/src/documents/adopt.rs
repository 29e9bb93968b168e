//! Files belong to the Alibaba Cloud account, not to one key: all of an account's keys see the
//! same files. When another key of the same account is used, the uploads recorded under the
//! first one are found in the account's file list (by name, size and date) and recorded for
//! the new key too, instead of uploading everything again.

use super::Documents;
use crate::error::Result;
use crate::store::documents::{self as docs, Uploaded};

/// How far the service's upload time may be from ours and still be the same upload.
const SAME_UPLOAD_SECS: i64 = 24 * 3600;

impl Documents {
    /// Records, for the current key, the uploads of other keys that its account holds.
    /// Returns how many were found.
    pub(crate) async fn adopt_cloud_files(&self) -> Result<usize> {
        let session = self.sessions.current()?;
        let account = session.account_ref();
        let elsewhere = self.store.with(|c| docs::uploads_elsewhere(c, &account))?;
        if elsewhere.is_empty() {
            return Ok(0);
        }
        let cloud = session.client.list_files().await?;
        let mut found = 0;
        for upload in elsewhere {
            let same = cloud
                .iter()
                .filter(|f| f.filename == upload.filename && f.bytes == upload.bytes)
                .map(|f| (f, (f.created_at - upload.uploaded_at).abs()))
                .filter(|(_, apart)| *apart <= SAME_UPLOAD_SECS)
                .min_by_key(|(_, apart)| *apart);
            let Some((file, _)) = same else { continue };
            let up = Uploaded {
                sha256: &upload.sha256,
                file_id: &file.id,
                filename: &file.filename,
                bytes: file.bytes,
                status: &file.status,
            };
            self.store
                .with(|c| docs::remember_upload(c, &account, &up))?;
            found += 1;
        }
        Ok(found)
    }
}
