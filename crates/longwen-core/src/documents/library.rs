//! The library (every document ever added, where it is used, where it stands in the cloud)
//! and the account's cloud files (what it really holds, against its quota).

use super::Documents;
use crate::checks::{MAX_ACCOUNT_BYTES, MAX_ACCOUNT_FILES};
use crate::error::{Error, Result};
use crate::store::documents as docs;
use crate::types::{
    ChatRef, CloudFile, CloudFiles, CloudState, DocumentId, DocumentSource, LibraryItem,
};
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

/// Remote ids read by answers running now, counted (two answers may read one file).
#[derive(Default)]
pub(crate) struct InUse(Mutex<HashMap<String, usize>>);

/// Releases its ids when the answer ends (however it ends).
pub(crate) struct Holding<'a> {
    in_use: &'a InUse,
    ids: Vec<String>,
}

impl InUse {
    pub(crate) fn hold(&self, ids: &[String]) -> Holding<'_> {
        if let Ok(mut map) = self.0.lock() {
            for id in ids {
                *map.entry(id.clone()).or_default() += 1;
            }
        }
        Holding {
            in_use: self,
            ids: ids.to_vec(),
        }
    }

    fn contains(&self, id: &str) -> bool {
        self.0.lock().is_ok_and(|m| m.contains_key(id))
    }
}

impl Drop for Holding<'_> {
    fn drop(&mut self) {
        if let Ok(mut map) = self.in_use.0.lock() {
            for id in &self.ids {
                if let Some(n) = map.get_mut(id) {
                    *n -= 1;
                    if *n == 0 {
                        map.remove(id);
                    }
                }
            }
        }
    }
}

impl Documents {
    /// Every document in the library, newest first, with the chats that use it. With
    /// `check_cloud`, the account's file list is asked, so a file deleted there shows
    /// `Missing`; without, uploaded documents show `Uploaded` as recorded.
    pub(crate) async fn library(&self, check_cloud: bool) -> Result<Vec<LibraryItem>> {
        let hint = self.sessions.account_hint();
        let documents = self.store.with(|c| docs::list(c, hint.as_ref()))?;
        let cloud: Option<HashSet<String>> = match check_cloud {
            true => {
                let session = self.sessions.current()?;
                let files = session.client.list_files().await?;
                Some(files.into_iter().map(|f| f.id).collect())
            }
            false => None,
        };
        let mut items = Vec::with_capacity(documents.len());
        for document in documents {
            let chats = self
                .store
                .with(|c| docs::chats_using(c, document.id))?
                .into_iter()
                .map(|(id, title)| ChatRef { id, title })
                .collect();
            let cloud = match (&document.source, &document.remote_id, &cloud) {
                (DocumentSource::Text, ..) => CloudState::Text,
                (_, _, _) if hint.is_none() => CloudState::Unknown,
                (_, None, _) => CloudState::NotUploaded,
                (_, Some(id), Some(held)) if !held.contains(id) => CloudState::Missing,
                (_, Some(_), _) => CloudState::Uploaded,
            };
            items.push(LibraryItem {
                document,
                chats,
                cloud,
            });
        }
        Ok(items)
    }

    /// Takes a document out of the library and out of the chats that use it.
    pub(crate) fn remove_from_library(&self, id: DocumentId) -> Result<()> {
        self.store.with(|c| docs::remove(c, id))
    }

    /// What the account holds (every page), each file with the library's document for it.
    pub(crate) async fn cloud_files(&self) -> Result<CloudFiles> {
        let session = self.sessions.current()?;
        let listed = session.client.list_files().await?;
        let account = session.account_ref();
        let known = self.store.with(|c| docs::list(c, Some(&account)))?;
        let by_id: HashMap<&str, &crate::types::Document> = known
            .iter()
            .filter_map(|d| d.remote_id.as_deref().map(|id| (id, d)))
            .collect();
        let total_bytes = listed.iter().map(|f| f.bytes).sum();
        let files = listed
            .into_iter()
            .map(|file| CloudFile {
                document: by_id.get(file.id.as_str()).map(|d| (*d).clone()),
                in_use: self.in_use.contains(&file.id),
                file,
            })
            .collect();
        Ok(CloudFiles {
            files,
            total_bytes,
            max_files: MAX_ACCOUNT_FILES,
            max_bytes: MAX_ACCOUNT_BYTES,
        })
    }

    /// Deletes cloud files (and forgets them locally). A file an answer is reading now is
    /// refused before anything is deleted.
    pub(crate) async fn delete_cloud_files(&self, ids: &[String]) -> Result<()> {
        if let Some(busy) = ids.iter().find(|id| self.in_use.contains(id)) {
            return Err(Error::FileInUse {
                file_id: busy.clone(),
            });
        }
        for id in ids {
            self.delete_remote(id).await?;
        }
        Ok(())
    }
}
