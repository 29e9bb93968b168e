//! Previews of documents and quotations located in them, over local extraction (`extract/`)
//! and its cache. Blocking work (reading, hashing, extracting) runs on the blocking pool.

use crate::documents::hash_file;
use crate::error::{Entity, Error, Result};
use crate::extract::{ExtractCache, Extracted, NoPreview, Rough, Section};
use crate::quotes::{quotes_in, Folded};
use crate::store::{documents as docs, Store};
use crate::types::{Document, DocumentId, DocumentSource};
use serde::Serialize;
use std::ops::Range;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// The most matches `find` reports.
const MAX_FINDS: usize = 1000;
/// How many extractions stay in memory (a few documents side by side).
const REMEMBERED: usize = 4;

/// What the preview panel needs before it asks for text.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Preview {
    pub document_id: DocumentId,
    pub name: String,
    /// Text length in bytes (windows are asked for by byte offset).
    pub bytes: usize,
    pub chars: usize,
    pub tokens: usize,
    pub sections: Vec<Section>,
    pub scanned_pages: Vec<u32>,
    /// Set when a fallback reader read the file, and why.
    pub rough: Option<Rough>,
    pub truncated: bool,
    pub encoding: Option<String>,
}

/// A preview, or why there is none.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum PreviewState {
    Ready(Preview),
    None {
        document_id: DocumentId,
        name: String,
        reason: NoPreview,
    },
}

/// One quotation of an answer, and where it was found (if it was).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct QuoteMatch {
    pub quote: String,
    /// Byte range of the quotation (marks included) in the answer's text.
    pub span: Range<usize>,
    pub found: Option<QuoteLocation>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct QuoteLocation {
    pub document_id: DocumentId,
    /// Byte range in the document's extracted text.
    pub range: Range<usize>,
}

pub(crate) struct Previews {
    store: Arc<Store>,
    cache: Arc<ExtractCache>,
    /// The last files read, newest first, by content hash: the panel asks for a document's head
    /// and then window after window (and quotes read each document of an answer); reading a
    /// 7-million-character extraction from disk each time took a second.
    recent: std::sync::Mutex<Vec<Arc<Remembered>>>,
}

/// One extraction in memory, with its counts once the panel has asked for them.
struct Remembered {
    sha256: String,
    extracted: Arc<Extracted>,
    /// (characters, expected tokens): a pass over 7 MB each time the panel opened.
    counts: std::sync::OnceLock<(usize, usize)>,
}

impl Previews {
    pub(crate) fn new(store: Arc<Store>, data_dir: &std::path::Path) -> Previews {
        Previews {
            store,
            cache: Arc::new(ExtractCache::new(data_dir)),
            recent: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// The extracted text of a document: pasted text as it is; a file from the cache, or read
    /// from disk when it still has the content that was added.
    pub(crate) async fn extracted(
        &self,
        doc: &Document,
    ) -> Result<Result<Arc<Extracted>, NoPreview>> {
        Ok(self.entry(doc).await?.map(|r| r.extracted.clone()))
    }

    async fn entry(&self, doc: &Document) -> Result<Result<Arc<Remembered>, NoPreview>> {
        if doc.source == DocumentSource::Text {
            let text = self.store.with(|c| docs::text(c, doc.id))?;
            return Ok(Ok(Arc::new(Remembered::new(
                &doc.sha256,
                Extracted::plain(text),
            ))));
        }
        let Some(path) = doc.path.clone() else {
            return Ok(Err(NoPreview::Missing));
        };
        if let Some(e) = self.remembered(&doc.sha256) {
            return Ok(Ok(e));
        }
        let (cache, sha) = (self.cache.clone(), doc.sha256.clone());
        let hit = {
            let (cache, sha) = (cache.clone(), sha.clone());
            tokio::task::spawn_blocking(move || cache.get(&sha)).await
        };
        if let Some(hit) = hit.map_err(Error::internal)? {
            return Ok(self.remember(&doc.sha256, hit));
        }
        // Only the content that was added (and sent) is previewed; `hash_file` opens regular
        // files only, so a FIFO put in the file's place cannot block.
        let quiet = |_| {};
        match hash_file(&path, doc.size, &quiet, &CancellationToken::new()).await {
            Err(_) => return Ok(Err(NoPreview::Missing)),
            Ok(now) if now != sha => return Ok(Err(NoPreview::Changed)),
            Ok(_) => {}
        }
        let read = tokio::task::spawn_blocking(move || cache.get_or_extract(&sha, &path))
            .await
            .map_err(Error::internal)?;
        Ok(self.remember(&doc.sha256, read))
    }

    fn remembered(&self, sha: &str) -> Option<Arc<Remembered>> {
        let recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        recent.iter().find(|r| r.sha256 == sha).cloned()
    }

    fn remember(
        &self,
        sha: &str,
        read: Result<Extracted, NoPreview>,
    ) -> Result<Arc<Remembered>, NoPreview> {
        let entry = Arc::new(Remembered::new(sha, read?));
        let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        recent.retain(|r| r.sha256 != sha);
        recent.insert(0, entry.clone());
        recent.truncate(REMEMBERED);
        Ok(entry)
    }

    pub(crate) async fn preview(&self, doc: &Document) -> Result<PreviewState> {
        Ok(match self.entry(doc).await? {
            Ok(r) => {
                let (chars, tokens) = r.counts().await?;
                let e = &r.extracted;
                PreviewState::Ready(Preview {
                    document_id: doc.id,
                    name: doc.name.clone(),
                    bytes: e.text.len(),
                    chars,
                    tokens,
                    sections: e.sections.clone(),
                    scanned_pages: e.scanned_pages.clone(),
                    rough: e.rough,
                    truncated: e.truncated,
                    encoding: e.encoding.clone(),
                })
            }
            Err(reason) => PreviewState::None {
                document_id: doc.id,
                name: doc.name.clone(),
                reason,
            },
        })
    }

    /// The document's expected tokens (`checks::expected_tokens`), counted once per extraction
    /// in memory: the preview's count and the cost line's are the same number.
    pub(crate) async fn tokens(&self, doc: &Document) -> Result<Result<u64, NoPreview>> {
        Ok(match self.entry(doc).await? {
            Ok(r) => Ok(r.counts().await?.1 as u64),
            Err(reason) => Err(reason),
        })
    }

    /// The text between two byte offsets, widened to character boundaries.
    pub(crate) async fn text(
        &self,
        doc: &Document,
        range: Range<usize>,
    ) -> Result<(usize, String)> {
        let e = self.ready(doc).await?;
        let start = e.text.floor_char_boundary(range.start);
        let end = e.text.ceil_char_boundary(range.end.max(start));
        Ok((start, e.text[start..end].to_string()))
    }

    /// Where `query` occurs in the document (whitespace, widths and case ignored), in order.
    pub(crate) async fn find(&self, doc: &Document, query: &str) -> Result<Vec<Range<usize>>> {
        let e = self.ready(doc).await?;
        let folded = Folded::new(&e.text);
        Ok(folded.find_all(query, MAX_FINDS))
    }

    /// Each quotation of `answer`, looked up in `documents` (in that order).
    pub(crate) async fn quotes(
        &self,
        answer: &str,
        documents: &[Document],
    ) -> Result<Vec<QuoteMatch>> {
        let found = quotes_in(answer);
        if found.is_empty() {
            return Ok(Vec::new());
        }
        let mut texts = Vec::new();
        for d in documents {
            if let Ok(e) = self.extracted(d).await? {
                texts.push((d.id, e));
            }
        }
        let folded: Vec<_> = texts
            .iter()
            .map(|(id, e)| (*id, Folded::new(&e.text)))
            .collect();
        Ok(found
            .into_iter()
            .map(|q| QuoteMatch {
                found: folded.iter().find_map(|(id, f)| {
                    f.find(&q.text).map(|range| QuoteLocation {
                        document_id: *id,
                        range,
                    })
                }),
                quote: q.text,
                span: q.span,
            })
            .collect())
    }

    /// Forgets a content's cached text (its document left the library).
    pub(crate) fn forget(&self, sha256: &str) {
        let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        recent.retain(|r| r.sha256 != sha256);
        drop(recent);
        self.cache.remove(sha256);
    }

    async fn ready(&self, doc: &Document) -> Result<Arc<Extracted>> {
        self.extracted(doc)
            .await?
            .map_err(|_| Error::not_found(Entity::Preview, doc.id))
    }
}

impl Remembered {
    fn new(sha256: &str, extracted: Extracted) -> Remembered {
        Remembered {
            sha256: sha256.to_string(),
            extracted: Arc::new(extracted),
            counts: std::sync::OnceLock::new(),
        }
    }

    /// (characters, expected tokens), counted on the blocking pool the first time.
    async fn counts(self: &Arc<Self>) -> Result<(usize, usize)> {
        if let Some(c) = self.counts.get() {
            return Ok(*c);
        }
        let r = self.clone();
        tokio::task::spawn_blocking(move || {
            let text = &r.extracted.text;
            *r.counts.get_or_init(|| {
                let tokens = crate::checks::expected_tokens(text) as usize;
                (text.chars().count(), tokens)
            })
        })
        .await
        .map_err(Error::internal)
    }
}
