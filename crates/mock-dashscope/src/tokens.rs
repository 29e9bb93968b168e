//! Token counts made the way the service makes them: Qwen's tokenizer over the text of the
//! messages and of each parsed file, plus the chat template's tokens around each message.
//! The vocabulary is Qwen's own (`qwen.tiktoken` from the DashScope SDK, fetched by
//! `scripts/fetch-qwen-vocab.sh`), so a test can hold the app's estimate to the real count.
//! Without it the mock falls back to a quarter of the bytes and says so once on stderr.

use base64::Engine as _;
use std::path::PathBuf;
use std::sync::OnceLock;
use tiktoken_rs::CoreBPE;

/// Qwen's pre-tokenizer pattern (as in the SDK's `qwen_tokenizer.py`).
const PATTERN: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

/// The largest PDF parsed for its text.
const PARSE_PDF_BYTES: usize = 1024 * 1024;

/// `<|im_start|>role\n … <|im_end|>\n` around each message.
pub const PER_MESSAGE: u64 = 5;
/// `<|im_start|>assistant\n`, where the answer begins.
pub const PER_REQUEST: u64 = 3;

/// Where the vocabulary is read from: `LONGWEN_QWEN_VOCAB`, else `.qwen/` of the repository.
pub fn vocab_path() -> PathBuf {
    std::env::var_os("LONGWEN_QWEN_VOCAB")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../.qwen/qwen.tiktoken"
            ))
        })
}

fn bpe() -> Option<&'static CoreBPE> {
    static BPE: OnceLock<Option<CoreBPE>> = OnceLock::new();
    BPE.get_or_init(|| {
        let path = vocab_path();
        let loaded = std::fs::read(&path).ok().and_then(|data| load(&data));
        if loaded.is_none() {
            eprintln!(
                "mock-dashscope: no Qwen vocabulary at {} (run scripts/fetch-qwen-vocab.sh); \
                 counting a quarter of the bytes instead",
                path.display()
            );
        }
        loaded
    })
    .as_ref()
}

fn load(data: &[u8]) -> Option<CoreBPE> {
    let mut ranks = rustc_hash::FxHashMap::default();
    for line in data.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        let mut parts = line.split(|b| *b == b' ');
        let token = base64::engine::general_purpose::STANDARD
            .decode(parts.next()?)
            .ok()?;
        let rank = std::str::from_utf8(parts.next()?).ok()?.parse().ok()?;
        ranks.insert(token, rank);
    }
    CoreBPE::new(ranks, Default::default(), PATTERN).ok()
}

/// Whether counts come from Qwen's tokenizer (false: the rough fallback).
pub fn qwen_tokenizer_loaded() -> bool {
    bpe().is_some()
}

/// The tokens of `text` alone.
pub fn count(text: &str) -> u64 {
    match bpe() {
        Some(b) => b.encode_ordinary(text).len() as u64,
        None => text.len().div_ceil(4) as u64,
    }
}

/// The prompt tokens of a request: every message's content and template, and the answer's start.
pub fn prompt(contents: &[&str], file_tokens: u64) -> u64 {
    let messages: u64 = contents.iter().map(|c| count(c) + PER_MESSAGE).sum();
    messages + file_tokens + PER_REQUEST
}

/// The text the service reads from an upload, where the mock can read it: text files (UTF-8,
/// else GB18030), DOCX (the paragraphs of `word/document.xml`) and PDF (`lopdf`'s text of each
/// page). `None`: the mock cannot parse this kind, or found no text; the caller counts a
/// quarter of the bytes.
pub fn parsed_text(filename: &str, body: &[u8]) -> Option<String> {
    let ext = filename.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "txt" | "md" | "csv" | "json" => {
            let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
            Some(match std::str::from_utf8(body) {
                Ok(s) => s.to_string(),
                Err(_) => encoding_rs::GB18030.decode(body).0.into_owned(),
            })
        }
        "docx" => docx_text(body),
        // The service parses after answering the upload; the mock parses before, so a big PDF
        // (thousands of pages) would hold the answer up: past 1 MB a PDF counts its bytes.
        "pdf" if body.len() <= PARSE_PDF_BYTES => pdf_text(body),
        _ => None,
    }
}

fn docx_text(body: &[u8]) -> Option<String> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(body)).ok()?;
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .ok()?
        .read_to_string(&mut xml)
        .ok()?;
    let mut out = String::new();
    let mut in_text = false;
    let mut rest = xml.as_str();
    while let Some(lt) = rest.find('<') {
        if in_text {
            out.push_str(&unescape(&rest[..lt]));
        }
        let gt = rest[lt..].find('>')? + lt;
        let tag = &rest[lt + 1..gt];
        if tag.starts_with("w:t") && (tag.len() == 3 || tag.as_bytes()[3] == b' ') {
            in_text = !tag.ends_with('/');
        } else if tag == "/w:t" {
            in_text = false;
        } else if tag == "/w:p" || tag.starts_with("w:br") || tag.starts_with("w:tab") {
            out.push(if tag.starts_with("w:tab") { '\t' } else { '\n' });
        }
        rest = &rest[gt + 1..];
    }
    Some(out)
}

fn pdf_text(body: &[u8]) -> Option<String> {
    let doc = lopdf::Document::load_mem(body).ok()?;
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let text = doc.extract_text(&pages).ok()?;
    (!text.trim().is_empty()).then_some(text)
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docx_paragraphs_and_entities() {
        let xml = r#"<w:document><w:body><w:p><w:r><w:t>甲方 &amp; 乙方</w:t></w:r></w:p><w:p><w:r><w:t xml:space="preserve">第二段</w:t><w:tab/><w:t>x</w:t></w:r></w:p></w:body></w:document>"#;
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut w = zip::ZipWriter::new(&mut buf);
        w.start_file(
            "word/document.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        std::io::Write::write_all(&mut w, xml.as_bytes()).unwrap();
        w.finish().unwrap();
        let text = parsed_text("a.DOCX", buf.get_ref()).unwrap();
        assert_eq!(text, "甲方 & 乙方\n第二段\tx\n");
    }

    #[test]
    fn gbk_text_is_decoded() {
        let (gbk, _, _) = encoding_rs::GBK.encode("产假九十八天");
        assert_eq!(parsed_text("notes.txt", &gbk).unwrap(), "产假九十八天");
    }

    #[test]
    fn pdf_text_is_read_where_lopdf_can() {
        let dir = std::env::var("LONGWEN_FIXTURES").unwrap_or_else(|_| {
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fixtures").into()
        });
        let pdf = std::fs::read(format!("{dir}/Q3-2026-sales-report.pdf")).unwrap();
        let text = parsed_text("Q3-2026-sales-report.pdf", &pdf).unwrap();
        assert!(
            text.contains("revenue") || text.contains("Revenue"),
            "{text}"
        );
    }
}
