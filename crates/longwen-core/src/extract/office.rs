//! DOCX, PPTX, XLSX and legacy DOC with `office_oxide` (pinned exactly: it keeps tables in
//! document order and applies Excel's number formats). A plain zip + XML reader is the DOCX
//! fallback when it refuses a file.

use super::{markup, Extracted, NoPreview, Rough, Section, SectionKind};
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
            rough: Some(Rough::DocxReaderRefused),
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
    use crate::extract::test_fixture;
    use crate::quotes::fold;
    use std::io::Write;

    #[test]
    fn sheets_are_found_in_order() {
        let text = "产品报价\n序号\t产品编号\n\n折扣规则\nR1";
        let s = sheet_sections(text, ["产品报价", "折扣规则"].into_iter());
        assert_eq!(s.len(), 2);
        assert_eq!(&text[s[1].start..], "折扣规则\nR1");
        assert_eq!(s[0].start, 0);
    }

    /// The fallback runs only when `office_oxide` refuses a file, so it is called directly on
    /// a good one here: the contract's clauses and its goods table, in order.
    #[test]
    fn the_fallback_reads_the_contract_docx() {
        let text = docx_fallback(&test_fixture("采购合同-2026-华东.docx")).unwrap();
        let folded = fold(&text);
        for fact in [
            "采 购 合 同",
            "HD-CG-2026-0317",
            "人民币474,860.00元（大写：人民币肆拾柒万肆仟捌佰陆拾元整）",
            "应按逾期交付货物金额的0.5%向甲方支付违约金",
            "47,486.00",
            "2026年6月30日",
            "质保期为24个月",
            "上海仲裁委员会",
            "PLC控制器HT-PLC-X200套1012,600.00126,000.00",
            "第十一条",
        ] {
            assert!(folded.contains(&fold(fact)), "no {fact:?} in\n{text}");
        }
        // Cells are kept apart (each cell's paragraph ends its line), not run together.
        assert!(!text.contains("12,600.00126,000.00"), "{text}");
    }

    /// A DOCX that `office_oxide` refuses (only `word/document.xml`, no content types) is read
    /// by the fallback and marked with its reason.
    #[test]
    fn a_docx_the_main_reader_refuses_is_read_roughly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bare.docx");
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        zip.start_file("word/document.xml", stored).unwrap();
        let xml = r#"<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>违约金 0.5%</w:t></w:r></w:p></w:body></w:document>"#;
        zip.write_all(xml.as_bytes()).unwrap();
        zip.finish().unwrap();
        let e = extract(&path).unwrap();
        assert_eq!(e.rough, Some(Rough::DocxReaderRefused));
        assert_eq!(e.text.trim(), "违约金 0.5%");
        // Not a DOCX: no fallback, the file is damaged.
        let xlsx = dir.path().join("bare.xlsx");
        std::fs::copy(&path, &xlsx).unwrap();
        assert_eq!(extract(&xlsx).unwrap_err(), NoPreview::Damaged);
    }
}
