//! PDF with PDFium (`pdfium-render`, bound at run time to `libpdfium`), page by page; `lopdf`'s
//! text is the fallback where PDFium is missing, marked rough. A page with images and almost no
//! text is counted as scanned.

use super::{Extracted, NoPreview, Rough, Section, SectionKind};
use pdfium_render::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Fewer visible characters than this on a page with an image: a scan.
const SCANNED_BELOW: usize = 16;

/// PDFium binds once per process (the crate keeps its bindings in a global of its own), so the
/// handle is process-wide too.
static PDFIUM: OnceLock<Option<Pdfium>> = OnceLock::new();

/// Where `libpdfium` is looked for: `LONGWEN_PDFIUM` (a file), beside the executable, the
/// `.deb`'s `lib/longwen`, then the system's search path.
fn candidates() -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(p) = std::env::var_os("LONGWEN_PDFIUM") {
        out.push(PathBuf::from(p));
    }
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(Path::to_path_buf))
    {
        out.push(Pdfium::pdfium_platform_library_name_at_path(&dir));
        out.push(Pdfium::pdfium_platform_library_name_at_path(
            &dir.join("../lib/longwen"),
        ));
    }
    out
}

fn pdfium() -> Option<&'static Pdfium> {
    PDFIUM
        .get_or_init(|| {
            candidates()
                .into_iter()
                .filter(|p| p.is_file())
                .find_map(|p| Pdfium::bind_to_library(p).ok())
                .or_else(|| Pdfium::bind_to_system_library().ok())
                .map(Pdfium::new)
        })
        .as_ref()
}

/// Whether PDFium was found (otherwise PDF previews are rough).
pub fn pdfium_available() -> bool {
    pdfium().is_some()
}

pub(super) fn extract(path: &Path) -> Result<Extracted, NoPreview> {
    match pdfium() {
        Some(p) => with_pdfium(p, path),
        None => with_lopdf(path),
    }
}

fn with_pdfium(pdfium: &Pdfium, path: &Path) -> Result<Extracted, NoPreview> {
    let doc = pdfium
        .load_pdf_from_file(path, None)
        .map_err(|_| NoPreview::Damaged)?;
    let mut out = Extracted::default();
    for (i, page) in doc.pages().iter().enumerate() {
        let text = page.text().map(|t| t.all()).unwrap_or_default();
        let images = || {
            page.objects()
                .iter()
                .any(|o| o.object_type() == PdfPageObjectType::Image)
        };
        push_page(&mut out, i + 1, &text, images);
    }
    Ok(out)
}

fn with_lopdf(path: &Path) -> Result<Extracted, NoPreview> {
    let doc = lopdf::Document::load(path).map_err(|_| NoPreview::Damaged)?;
    let mut out = Extracted {
        rough: Some(Rough::PdfReaderMissing),
        ..Extracted::default()
    };
    for (n, _) in doc.get_pages() {
        let text = doc.extract_text(&[n]).unwrap_or_default();
        // lopdf cannot cheaply tell images apart: a page without text counts as scanned.
        push_page(&mut out, n as usize, &text, || true);
    }
    Ok(out)
}

fn push_page(out: &mut Extracted, n: usize, text: &str, has_images: impl FnOnce() -> bool) {
    out.sections.push(Section {
        kind: SectionKind::Page,
        label: n.to_string(),
        start: out.text.len(),
    });
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let visible = text.chars().filter(|c| !c.is_whitespace()).count();
    if visible < SCANNED_BELOW && has_images() {
        out.scanned_pages.push(n as u32);
    }
    out.text.push_str(&text);
    if !out.text.ends_with('\n') {
        out.text.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::test_fixture;
    use crate::quotes::fold;

    /// The fallback runs only where PDFium is missing, so it is called directly here.
    #[test]
    fn lopdf_reads_the_contract_and_marks_it_rough() {
        let e = with_lopdf(&test_fixture("采购合同-2026-华东.pdf")).unwrap();
        assert_eq!(e.rough, Some(Rough::PdfReaderMissing));
        let pages: Vec<&str> = e.sections.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(pages, ["1", "2", "3", "4", "5", "6"]);
        assert!(e.scanned_pages.is_empty(), "{:?}", e.scanned_pages);
        let text = fold(&e.text);
        for fact in [
            "HD-CG-2026-0317",
            "人民币474,860.00元",
            "肆拾柒万肆仟捌佰陆拾元整",
            "应按逾期交付货物金额的0.5%向甲方支付违约金",
            "47,486.00",
            "2026年6月30日",
            "上海仲裁委员会",
            "PLC控制器HT-PLC-X200套1012,600.00126,000.00",
        ] {
            assert!(text.contains(&fold(fact)), "no {fact:?} in\n{}", e.text);
        }
    }

    #[test]
    fn lopdf_counts_a_page_without_text_as_scanned() {
        let e = with_lopdf(&test_fixture("scanned-notice.pdf")).unwrap();
        assert_eq!(e.scanned_pages, [1]);
        assert_eq!(e.rough, Some(Rough::PdfReaderMissing));
    }
}
