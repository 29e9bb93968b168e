//! Local text extraction, for the preview, the cost estimate and finding quotes. It runs only on
//! this machine and sends nothing anywhere. One module per format family; each extractor runs on
//! a worker thread of its own, behind a panic guard, a time limit and a size cap, so a hostile
//! or broken file means "no preview" and never a crash, a hang or a blocked upload.

mod cache;
mod epub;
mod markup;
mod office;
mod pdf;
mod text;

pub use cache::ExtractCache;
pub use pdf::pdfium_available;

use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

/// How long one extraction may take before it is given up (its thread is left to finish alone).
pub const TIME_LIMIT: Duration = Duration::from_secs(30);
/// The largest input read (the service's own limit per file).
pub const MAX_INPUT_BYTES: u64 = crate::checks::MAX_FILE_BYTES;
/// The most text kept: beyond it the preview is cut, and says so.
pub const MAX_TEXT_BYTES: usize = 64 << 20;

/// Where a page, sheet, slide or chapter starts in the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub kind: SectionKind,
    /// The page or slide number (from 1), or the sheet's or chapter's name.
    pub label: String,
    /// Byte offset in `Extracted::text`.
    pub start: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    Page,
    Sheet,
    Slide,
    Chapter,
}

/// A document's text as this machine reads it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Extracted {
    pub text: String,
    pub sections: Vec<Section>,
    /// Pages (from 1) with images and almost no text: the service may read them, the preview
    /// cannot.
    pub scanned_pages: Vec<u32>,
    /// Set when a fallback reader read the file, and why: the text may be rough.
    pub rough: Option<Rough>,
    /// The text was longer than `MAX_TEXT_BYTES` and is cut there.
    pub truncated: bool,
    /// For text files: the encoding found (`UTF-8`, `GBK`, …).
    pub encoding: Option<String>,
}

impl Extracted {
    pub(crate) fn plain(text: String) -> Extracted {
        Extracted {
            text,
            ..Extracted::default()
        }
    }
}

/// Why a fallback reader read the file. Data for the faces to word: the cause differs, and
/// so does what a person can do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rough {
    /// PDFium is missing on this machine, so `lopdf` read the PDF (spacing and order may be
    /// off, some text missing).
    PdfReaderMissing,
    /// The Word reader refused the DOCX, so only its body's text was read (no headers or
    /// footers; table cells one per line).
    DocxReaderRefused,
}

impl Rough {
    /// Every kind, for the faces' tests that each is worded.
    pub const ALL: [Rough; 2] = [Rough::PdfReaderMissing, Rough::DocxReaderRefused];
}

/// Why there is no preview. Data for the faces to word; never an error of the document itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoPreview {
    /// Nothing to show (an empty file, or only blanks).
    Empty,
    /// NUL bytes in what should be text.
    Binary,
    /// Every page is an image: the service will read it, the preview cannot.
    Scanned,
    /// A format this machine cannot read (MOBI, …).
    Unsupported,
    /// The file is damaged or not what its name says.
    Damaged,
    /// Reading took longer than `TIME_LIMIT`.
    TimedOut,
    /// Larger than `MAX_INPUT_BYTES`.
    TooLarge,
    /// The reader failed unexpectedly (a panic inside it, caught).
    Failed,
    /// The file is no longer where it was added from, or cannot be read.
    Missing,
    /// The file there now is not the content that was added (and sent).
    Changed,
}

/// The format family of a file, from its extension.
fn family(path: &Path) -> Option<&'static str> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "txt" | "md" | "csv" | "json" => "text",
        "pdf" => "pdf",
        "docx" | "doc" | "pptx" | "xlsx" => "office",
        "epub" => "epub",
        _ => return None,
    })
}

/// Reads `path` on a worker thread, guarded. Blocking: call it from a blocking task.
pub fn extract_file(path: &Path) -> Result<Extracted, NoPreview> {
    extract_with_limit(path, TIME_LIMIT)
}

pub(crate) fn extract_with_limit(path: &Path, limit: Duration) -> Result<Extracted, NoPreview> {
    let family = family(path).ok_or(NoPreview::Unsupported)?;
    let size = std::fs::metadata(path)
        .map_err(|_| NoPreview::Damaged)?
        .len();
    if size > MAX_INPUT_BYTES {
        return Err(NoPreview::TooLarge);
    }
    if size == 0 {
        return Err(NoPreview::Empty);
    }
    let path = path.to_path_buf();
    guarded(limit, move || match family {
        "text" => text::decode(&std::fs::read(&path).map_err(|_| NoPreview::Damaged)?),
        "pdf" => pdf::extract(&path),
        "office" => office::extract(&path),
        _ => epub::extract(&path),
    })
    .and_then(cap)
}

/// Runs `work` on its own thread: a panic becomes `Failed`, running past `limit` `TimedOut`.
fn guarded<F>(limit: Duration, work: F) -> Result<Extracted, NoPreview>
where
    F: FnOnce() -> Result<Extracted, NoPreview> + Send + 'static,
{
    let (tx, rx) = mpsc::sync_channel(1);
    let spawned = std::thread::Builder::new()
        .name("longwen-extract".into())
        .spawn(move || {
            let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work))
                .unwrap_or(Err(NoPreview::Failed));
            let _ = tx.send(out);
        });
    if spawned.is_err() {
        return Err(NoPreview::Failed);
    }
    match rx.recv_timeout(limit) {
        Ok(out) => out,
        Err(mpsc::RecvTimeoutError::Timeout) => Err(NoPreview::TimedOut),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(NoPreview::Failed),
    }
}

/// Blank text is no preview; text past the cap is cut at a character boundary.
fn cap(mut e: Extracted) -> Result<Extracted, NoPreview> {
    if e.text.trim().is_empty() {
        return Err(if e.scanned_pages.is_empty() {
            NoPreview::Empty
        } else {
            NoPreview::Scanned
        });
    }
    if e.text.len() > MAX_TEXT_BYTES {
        let end = e.text.floor_char_boundary(MAX_TEXT_BYTES);
        e.text.truncate(end);
        e.sections.retain(|s| s.start <= end);
        e.truncated = true;
    }
    Ok(e)
}

/// A file of the shared fixtures (`LONGWEN_FIXTURES`, else `../shared/fixtures` beside the repo).
#[cfg(test)]
pub(crate) fn test_fixture(name: &str) -> std::path::PathBuf {
    std::env::var_os("LONGWEN_FIXTURES")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures"))
        .join(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_or_a_hang_in_a_reader_is_no_preview() {
        let panics = guarded(Duration::from_secs(5), || panic!("reader bug"));
        assert_eq!(panics.unwrap_err(), NoPreview::Failed);
        let (_hold, wait) = mpsc::channel::<()>();
        let hangs = guarded(Duration::from_millis(50), move || {
            let _ = wait.recv();
            Ok(Extracted::default())
        });
        assert_eq!(hangs.unwrap_err(), NoPreview::TimedOut);
    }

    #[test]
    fn long_text_is_cut_at_a_character() {
        let e = cap(Extracted {
            text: "合".repeat(MAX_TEXT_BYTES / 3 + 5),
            ..Extracted::default()
        })
        .unwrap();
        assert!(e.truncated && e.text.len() <= MAX_TEXT_BYTES);
        assert!(e.text.chars().all(|c| c == '合'));
    }
}
