//! DOCX, PPTX, XLSX and legacy DOC with `office_oxide` (pinned exactly: it keeps tables in
//! document order and applies Excel's number formats). A plain zip + XML reader is the DOCX
//! fallback when it refuses a file.

use super::{markup, Extracted, NoPreview, Section, SectionKind};
use std::io::Read;
use std::path::Path;

/// The most of `word/document.xml` the fallback reads.
const MAX_XML_BYTES: u64 = 256 << 20;

pub(super) fn extract(path: &Path) -> Result<Extracted, NoPreview> {
    let docx = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("docx"));
    match office_oxide::Document::open(path) {
        Ok(doc) => {
            let text = doc.plain_text().replace("\r\n", "\n");
            let sections = match doc.as_xlsx() {
                Some(x) => sheet_sections(&text, x.worksheets.iter().map(|w| w.name.as_str())),
                None => Vec::new(),
            };
            Ok(Extracted {
                sections,
                ..Extracted::plain(text)
            })
        }
        Err(_) if docx => Ok(Extracted {
            rough: true,
            ..Extracted::plain(docx_fallback(path)?)
        }),
        Err(_) => Err(NoPreview::Damaged),
    }
}

/// Each sheet's part starts with its name on a line of its own, parts in sheet order.
fn sheet_sections<'a>(text: &str, names: impl Iterator<Item = &'a str>) -> Vec<Section> {
    let mut from = 0;
    let mut out = Vec::new();
    for name in names {
        let at = if text[from..].starts_with(name) && from == 0 {
            Some(0)
        } else {
            text[from..]
                .find(&format!("\n\n{name}"))
                .map(|i| from + i + 2)
        };
        if let Some(at) = at {
            out.push(Section {
                kind: SectionKind::Sheet,
                label: name.to_string(),
                start: at,
            });
            from = at + name.len();
        }
    }
    out
}

fn docx_fallback(path: &Path) -> Result<String, NoPreview> {
    let file = std::fs::File::open(path).map_err(|_| NoPreview::Damaged)?;
    let mut zip = zip::ZipArchive::new(file).map_err(|_| NoPreview::Damaged)?;
    let part = zip
        .by_name("word/document.xml")
        .map_err(|_| NoPreview::Damaged)?;
    let mut xml = String::new();
    part.take(MAX_XML_BYTES)
        .read_to_string(&mut xml)
        .map_err(|_| NoPreview::Damaged)?;
    Ok(markup::wordml_text(&xml))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheets_are_found_in_order() {
        let text = "产品报价\n序号\t产品编号\n\n折扣规则\nR1";
        let s = sheet_sections(text, ["产品报价", "折扣规则"].into_iter());
        assert_eq!(s.len(), 2);
        assert_eq!(&text[s[1].start..], "折扣规则\nR1");
        assert_eq!(s[0].start, 0);
    }
}
