//! EPUB with `rbook` (Apache-2.0), each spine document's XHTML made text; a chapter marker per
//! document, named by its first line.

use super::{markup, Extracted, NoPreview, Section, SectionKind};
use std::path::Path;

/// Chapter labels are cut to this many characters.
const LABEL_CHARS: usize = 40;

pub(super) fn extract(path: &Path) -> Result<Extracted, NoPreview> {
    let book = rbook::Epub::open(path).map_err(|_| NoPreview::Damaged)?;
    let mut text = String::new();
    let mut sections = Vec::new();
    for data in book.reader() {
        let Ok(data) = data else { continue };
        let chapter = markup::xhtml_text(data.content());
        let Some(first) = chapter.lines().find(|l| !l.trim().is_empty()) else {
            continue;
        };
        sections.push(Section {
            kind: SectionKind::Chapter,
            label: first.trim().chars().take(LABEL_CHARS).collect(),
            start: text.len(),
        });
        text.push_str(&chapter);
        text.push('\n');
    }
    Ok(Extracted {
        sections,
        ..Extracted::plain(text)
    })
}
