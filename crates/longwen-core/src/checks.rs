//! What a file must be before it leaves the machine. Everything here is local: no network.

use crate::error::{Error, Result};
use crate::types::{Limits, TextEstimate};
use std::path::{Path, PathBuf};

/// Per-document limit of the service (150 MB). Decimal MB: the stricter reading.
pub const MAX_FILE_BYTES: u64 = 150_000_000;
/// Per-image limit of the service (20 MB).
pub const MAX_IMAGE_BYTES: u64 = 20_000_000;
/// At most this many documents (file ids + texts) in one question: the service's error page
/// says "fewer than 100" ids.
pub const MAX_DOCUMENTS_PER_QUESTION: usize = 99;
/// The contract's safe limit for one plain-text system message (the English page says 9,000
/// tokens; older pages allowed more). Beyond it, text must be uploaded as a file.
pub const TEXT_TOKEN_LIMIT: usize = 9_000;
/// The contract's limit for the question itself when a document system message goes with it.
pub const QUESTION_TOKEN_LIMIT: usize = 9_000;

/// The most of one answer Longwen keeps (bytes of UTF-8): a runaway answer stops here, with
/// its text kept, instead of filling memory and the database.
pub const MAX_ANSWER_BYTES: usize = 4_000_000;

/// What one account may keep in the cloud (files never expire).
pub const MAX_ACCOUNT_FILES: u64 = 10_000;
pub const MAX_ACCOUNT_BYTES: u64 = 100_000_000_000;

/// Text formats Qwen-Long reads.
pub const TEXT_TYPES: &[&str] = &[
    "txt", "docx", "pdf", "xlsx", "epub", "mobi", "md", "csv", "json",
];
/// Images: accepted for upload (the model may not answer from them).
pub const IMAGE_TYPES: &[&str] = &["bmp", "png", "jpg", "jpeg", "gif"];
/// Old Office formats: refused with "save as DOCX/PDF".
pub const LEGACY_TYPES: &[&str] = &["doc", "ppt", "pptx"];

/// A file that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedFile {
    pub path: PathBuf,
    pub size: u64,
    /// Lower-case extension.
    pub file_type: String,
    pub is_image: bool,
}

fn extension(path: &Path) -> Option<String> {
    path.extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
}

/// Every limit a face shows before anything is sent.
pub fn limits() -> Limits {
    use crate::settings::{Region, INPUT_CNY_PER_1K, MODELS, OUTPUT_CNY_PER_1K};
    Limits {
        max_file_bytes: MAX_FILE_BYTES,
        max_image_bytes: MAX_IMAGE_BYTES,
        max_documents_per_question: MAX_DOCUMENTS_PER_QUESTION,
        text_token_limit: TEXT_TOKEN_LIMIT,
        question_token_limit: QUESTION_TOKEN_LIMIT,
        picker_types: TEXT_TYPES.to_vec(),
        input_cny_per_1k: INPUT_CNY_PER_1K,
        output_cny_per_1k: OUTPUT_CNY_PER_1K,
        models: MODELS.to_vec(),
        qwen_long_regions: [Region::Beijing, Region::Singapore, Region::Us]
            .into_iter()
            .filter(|r| r.offers_qwen_long())
            .collect(),
    }
}

/// The estimate of pasted text, and whether it fits in one plain-text message.
pub fn estimate_text(text: &str) -> TextEstimate {
    let tokens = estimate_tokens(text);
    TextEstimate {
        tokens,
        limit: TEXT_TOKEN_LIMIT,
        fits: tokens <= TEXT_TOKEN_LIMIT,
    }
}

/// Whether the extension is one we upload.
pub fn is_supported(path: &Path) -> bool {
    extension(path)
        .is_some_and(|e| TEXT_TYPES.contains(&e.as_str()) || IMAGE_TYPES.contains(&e.as_str()))
}

/// Missing/unreadable → `InputMissing`, folder → `InputIsDirectory`, DOC/PPT/PPTX →
/// `InputUnsupported{legacy:true}`, other unknown types (HTML...) → `InputUnsupported{legacy:false}`,
/// empty → `InputEmpty`, over 150 MB (images 20 MB) → `InputTooLarge`.
pub fn check_file(path: &Path) -> Result<CheckedFile> {
    let meta = std::fs::metadata(path).map_err(|_| Error::input_missing(path))?;
    if meta.is_dir() {
        return Err(Error::input_is_directory(path));
    }
    let ext = extension(path).unwrap_or_default();
    if LEGACY_TYPES.contains(&ext.as_str()) {
        return Err(Error::input_unsupported(path, true));
    }
    let is_image = IMAGE_TYPES.contains(&ext.as_str());
    if !is_image && !TEXT_TYPES.contains(&ext.as_str()) {
        return Err(Error::input_unsupported(path, false));
    }
    // Metadata can be readable while the content is not (permissions); and only regular files
    // are documents (a FIFO or a device named `a.txt` is not).
    let size = open_regular(path)?
        .metadata()
        .map_err(|_| Error::input_missing(path))?
        .len();
    if size == 0 {
        return Err(Error::input_empty(path));
    }
    let limit = if is_image {
        MAX_IMAGE_BYTES
    } else {
        MAX_FILE_BYTES
    };
    if size > limit {
        return Err(Error::input_too_large(path, size, limit));
    }
    Ok(CheckedFile {
        path: path.to_path_buf(),
        size,
        file_type: ext,
        is_image,
    })
}

/// Opens `path` for reading only when it is a regular file (a symlink is followed to one).
/// Opening never blocks: a FIFO is refused, not waited on.
pub fn open_regular(path: &Path) -> Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|_| Error::input_missing(path))?;
    let meta = file.metadata().map_err(|_| Error::input_missing(path))?;
    if meta.is_dir() {
        return Err(Error::input_is_directory(path));
    }
    if !meta.is_file() {
        return Err(Error::input_unsupported(path, false));
    }
    Ok(file)
}

/// Fails with `InputTooManyDocuments` past 99 documents in one question.
pub fn check_document_count(count: usize) -> Result<()> {
    if count > MAX_DOCUMENTS_PER_QUESTION {
        return Err(Error::InputTooManyDocuments {
            count,
            limit: MAX_DOCUMENTS_PER_QUESTION,
        });
    }
    Ok(())
}

/// Fails with `QuestionTooLong` when documents go with the question and the question is over
/// 9,000 tokens (by [`estimate_tokens`]). Without documents the contract sets no such limit.
pub fn check_question(question: &str, with_documents: bool) -> Result<()> {
    if !with_documents {
        return Ok(());
    }
    let tokens = estimate_tokens(question);
    if tokens > QUESTION_TOKEN_LIMIT {
        return Err(Error::QuestionTooLong {
            tokens,
            limit: QUESTION_TOKEN_LIMIT,
        });
    }
    Ok(())
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF     // radicals
        | 0x3000..=0x303F   // CJK punctuation
        | 0x3040..=0x30FF   // kana
        | 0x3100..=0x31BF   // bopomofo
        | 0x3400..=0x4DBF   // ext A
        | 0x4E00..=0x9FFF   // unified
        | 0xAC00..=0xD7AF   // hangul
        | 0xF900..=0xFAFF   // compatibility
        | 0xFF00..=0xFFEF   // full-width forms
        | 0x20000..=0x3134F // ext B..G
    )
}

/// A rough token count, not the service's tokenizer: each CJK character counts as one token,
/// other text as one token per 4 bytes (rounded up). Good enough to warn before sending.
pub fn estimate_tokens(text: &str) -> usize {
    let mut cjk = 0usize;
    let mut other_bytes = 0usize;
    for c in text.chars() {
        if is_cjk(c) {
            cjk += 1;
        } else {
            other_bytes += c.len_utf8();
        }
    }
    cjk + other_bytes.div_ceil(4)
}

/// The tokens of `text` as Qwen's tokenizer counts them, near enough: the count of the cost
/// line and the preview (`estimate_tokens`, which leans high on Chinese, stays the count of the
/// limits). Fitted against the real
/// tokenizer (the DashScope SDK's vocabulary) over the fixtures' extracted text: 0.72 a
/// Chinese, Japanese or Korean character, 1 an ASCII digit, 1.3 a Latin word, 0.9 any other
/// symbol; whitespace is free.
pub fn expected_tokens(text: &str) -> u64 {
    let (mut han, mut digits, mut words, mut other) = (0u64, 0u64, 0u64, 0u64);
    let mut in_word = false;
    for c in text.chars() {
        if c.is_ascii_alphabetic() {
            words += u64::from(!in_word);
            in_word = true;
            continue;
        }
        in_word = false;
        if is_han(c) {
            han += 1;
        } else if c.is_ascii_digit() {
            digits += 1;
        } else if !c.is_whitespace() {
            other += 1;
        }
    }
    (han * 72 + digits * 100 + words * 130 + other * 90).div_ceil(100)
}

fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF       // kana
        | 0x3400..=0x4DBF     // ext A
        | 0x4E00..=0x9FFF     // unified
        | 0xAC00..=0xD7AF     // hangul
        | 0xF900..=0xFAFF     // compatibility
        | 0x20000..=0x3134F   // ext B..G
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_cjk_and_latin() {
        assert_eq!(estimate_tokens(""), 0);
        assert_eq!(estimate_tokens("长文"), 2);
        assert_eq!(estimate_tokens("abcd"), 1);
        assert_eq!(estimate_tokens("abcde"), 2);
        assert_eq!(estimate_tokens("合同abcd"), 3);
    }

    #[test]
    fn question_limit_applies_only_with_documents() {
        let at = "字".repeat(QUESTION_TOKEN_LIMIT);
        let over = "字".repeat(QUESTION_TOKEN_LIMIT + 1);
        assert!(check_question(&at, true).is_ok());
        assert!(check_question(&over, false).is_ok());
        match check_question(&over, true) {
            Err(Error::QuestionTooLong { tokens, limit }) => {
                assert_eq!(
                    (tokens, limit),
                    (QUESTION_TOKEN_LIMIT + 1, QUESTION_TOKEN_LIMIT)
                )
            }
            r => panic!("{r:?}"),
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_named_like_a_document_is_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("a.txt");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(matches!(
            check_file(&fifo),
            Err(Error::InputUnsupported { legacy: false, .. })
        ));
        // A link to a regular file is followed; one to a FIFO is not.
        let real = dir.path().join("real.md");
        std::fs::write(&real, "# x").unwrap();
        let link = dir.path().join("link.md");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert_eq!(check_file(&link).unwrap().size, 3);
        let to_fifo = dir.path().join("fifo-link.txt");
        std::os::unix::fs::symlink(&fifo, &to_fifo).unwrap();
        assert!(check_file(&to_fifo).is_err());
    }

    #[test]
    fn checks_types_and_sizes() {
        let dir = tempfile::tempdir().unwrap();
        let ok = dir.path().join("a.TXT");
        std::fs::write(&ok, "hi").unwrap();
        assert_eq!(check_file(&ok).unwrap().file_type, "txt");
        let html = dir.path().join("a.html");
        std::fs::write(&html, "<p>").unwrap();
        assert!(matches!(
            check_file(&html),
            Err(Error::InputUnsupported { legacy: false, .. })
        ));
        let img = dir.path().join("a.png");
        std::fs::File::create(&img)
            .unwrap()
            .set_len(MAX_IMAGE_BYTES + 1)
            .unwrap();
        assert!(matches!(check_file(&img), Err(Error::InputTooLarge { .. })));
        assert!(matches!(
            check_file(dir.path()),
            Err(Error::InputIsDirectory { .. })
        ));
        assert!(check_document_count(99).is_ok());
        assert!(check_document_count(100).is_err());
    }

    #[test]
    fn counts_like_qwen_near_enough() {
        assert_eq!(expected_tokens(""), 0);
        assert_eq!(expected_tokens("   \n"), 0);
        // 4 han × 0.72 = 2.88 → 3
        assert_eq!(expected_tokens("采购合同"), 3);
        // 2 words × 1.3 + 4 digits + 1 symbol × 0.9 = 7.5 → 8
        assert_eq!(expected_tokens("Total revenue: 2026"), 8);
    }
}
