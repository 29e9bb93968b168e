//! PDF with PDFium (`pdfium-render`, bound at run time to `libpdfium`), page by page; `lopdf`'s
//! text is the fallback where PDFium is missing, marked rough. A page with images and almost no
//! text is counted as scanned.

use super::{Extracted, NoPreview, Section, SectionKind};
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
        rough: true,
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
