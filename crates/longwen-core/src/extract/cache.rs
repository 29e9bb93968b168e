//! Extracted text cached by content hash in the data folder (`extracted/<sha256>.json`), so a
//! preview opens at once the second time. Only settled answers are kept: a time-out or a
//! reader failure is tried again next time.

use super::{Extracted, NoPreview};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Bumped when extraction changes, so older entries are read again.
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Entry {
    version: u32,
    result: Result<Extracted, NoPreview>,
}

pub struct ExtractCache {
    dir: PathBuf,
}

impl ExtractCache {
    pub fn new(data_dir: &Path) -> ExtractCache {
        ExtractCache {
            dir: data_dir.join("extracted"),
        }
    }

    fn path(&self, sha256: &str) -> Option<PathBuf> {
        let hex = sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit());
        hex.then(|| self.dir.join(format!("{sha256}.json")))
    }

    pub fn get(&self, sha256: &str) -> Option<Result<Extracted, NoPreview>> {
        let bytes = std::fs::read(self.path(sha256)?).ok()?;
        let entry: Entry = serde_json::from_slice(&bytes).ok()?;
        (entry.version == VERSION).then_some(entry.result)
    }

    /// Keeps a settled result. Best effort: a full disk only costs a second extraction.
    pub fn put(&self, sha256: &str, result: &Result<Extracted, NoPreview>) {
        if matches!(result, Err(NoPreview::TimedOut | NoPreview::Failed)) {
            return;
        }
        let Some(path) = self.path(sha256) else {
            return;
        };
        let entry = Entry {
            version: VERSION,
            result: result.clone(),
        };
        let Ok(json) = serde_json::to_vec(&entry) else {
            return;
        };
        if std::fs::create_dir_all(&self.dir).is_err() {
            return;
        }
        let tmp = path.with_extension("json.partial");
        if std::fs::write(&tmp, json).is_ok() && std::fs::rename(&tmp, &path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }

    /// Forgets a content (it left the library).
    pub fn remove(&self, sha256: &str) {
        if let Some(path) = self.path(sha256) {
            let _ = std::fs::remove_file(path);
        }
    }

    /// The cached result, or an extraction of `path` (blocking) that is then cached.
    pub fn get_or_extract(&self, sha256: &str, path: &Path) -> Result<Extracted, NoPreview> {
        if let Some(hit) = self.get(sha256) {
            return hit;
        }
        let result = super::extract_file(path);
        self.put(sha256, &result);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settled_results_are_kept_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ExtractCache::new(dir.path());
        let sha = "a".repeat(64);
        assert!(cache.get(&sha).is_none());
        cache.put(&sha, &Ok(Extracted::plain("合同".into())));
        assert_eq!(cache.get(&sha).unwrap().unwrap().text, "合同");
        cache.remove(&sha);
        assert!(cache.get(&sha).is_none());
        cache.put(&sha, &Err(NoPreview::TimedOut));
        assert!(cache.get(&sha).is_none(), "a time-out is tried again");
        cache.put(&sha, &Err(NoPreview::Scanned));
        assert_eq!(cache.get(&sha).unwrap().unwrap_err(), NoPreview::Scanned);
        cache.put("../../etc/passwd", &Ok(Extracted::default()));
        assert!(!dir.path().join("etc").exists());
    }
}
