//! Extracted text cached by content hash in the data folder (`extracted/<sha256>.json`), so a
//! preview opens at once the second time. Only settled answers are kept: a time-out or a
//! reader failure is tried again next time. A PDF read while PDFium was missing is read again
//! once PDFium is found, so a rough text does not outlive its reason.

use super::{Extracted, NoPreview};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Bumped when extraction changes, so older entries are read again (2: `rough` names its
/// reason, and entries say whether PDFium was missing).
const VERSION: u32 = 2;

#[derive(Serialize, Deserialize)]
struct Entry {
    version: u32,
    /// A PDF read by the fallback: its text, and its verdicts too (lopdf may find no text where
    /// PDFium would), are stale once PDFium is there. A rough DOCX is kept: reading it again
    /// gives the same text until extraction changes, and `VERSION` covers that.
    without_pdfium: bool,
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
        self.get_when(sha256, super::pdfium_available)
    }

    /// `pdfium` is asked only of entries read without it (binding it costs a library load).
    fn get_when(
        &self,
        sha256: &str,
        pdfium: impl FnOnce() -> bool,
    ) -> Option<Result<Extracted, NoPreview>> {
        let bytes = std::fs::read(self.path(sha256)?).ok()?;
        let entry: Entry = serde_json::from_slice(&bytes).ok()?;
        let stale = entry.version != VERSION || (entry.without_pdfium && pdfium());
        (!stale).then_some(entry.result)
    }

    /// Keeps a settled result; `without_pdfium`: a PDF read while PDFium was missing. Best
    /// effort: a full disk only costs a second extraction.
    pub fn put(&self, sha256: &str, result: &Result<Extracted, NoPreview>, without_pdfium: bool) {
        if matches!(result, Err(NoPreview::TimedOut | NoPreview::Failed)) {
            return;
        }
        let Some(path) = self.path(sha256) else {
            return;
        };
        let entry = Entry {
            version: VERSION,
            without_pdfium,
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
        let without_pdfium = super::family(path) == Some("pdf") && !super::pdfium_available();
        let result = super::extract_file(path);
        self.put(sha256, &result, without_pdfium);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Rough;

    #[test]
    fn settled_results_are_kept_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ExtractCache::new(dir.path());
        let sha = "a".repeat(64);
        assert!(cache.get(&sha).is_none());
        cache.put(&sha, &Ok(Extracted::plain("合同".into())), false);
        assert_eq!(cache.get(&sha).unwrap().unwrap().text, "合同");
        cache.remove(&sha);
        assert!(cache.get(&sha).is_none());
        cache.put(&sha, &Err(NoPreview::TimedOut), false);
        assert!(cache.get(&sha).is_none(), "a time-out is tried again");
        cache.put(&sha, &Err(NoPreview::Scanned), false);
        assert_eq!(cache.get(&sha).unwrap().unwrap_err(), NoPreview::Scanned);
        cache.put("../../etc/passwd", &Ok(Extracted::default()), false);
        assert!(!dir.path().join("etc").exists());
    }

    #[test]
    fn a_pdf_read_without_pdfium_is_read_again_once_pdfium_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ExtractCache::new(dir.path());
        let sha = "b".repeat(64);
        let rough = Extracted {
            rough: Some(Rough::PdfReaderMissing),
            ..Extracted::plain("合 同".into())
        };
        cache.put(&sha, &Ok(rough), true);
        let still_missing = cache.get_when(&sha, || false);
        assert_eq!(still_missing.unwrap().unwrap().text, "合 同");
        assert!(
            cache.get_when(&sha, || true).is_none(),
            "PDFium is there now"
        );
        // lopdf's verdict is as stale as its text.
        cache.put(&sha, &Err(NoPreview::Scanned), true);
        assert!(cache.get_when(&sha, || true).is_none());
        // Read with PDFium, or a rough DOCX: kept whatever PDFium's state.
        let docx = Extracted {
            rough: Some(Rough::DocxReaderRefused),
            ..Extracted::plain("合同".into())
        };
        cache.put(&sha, &Ok(docx.clone()), false);
        assert_eq!(cache.get_when(&sha, || true).unwrap().unwrap(), docx);
    }
}
