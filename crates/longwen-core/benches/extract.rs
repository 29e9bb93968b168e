//! Local extraction and quote lookup speed: each fixture's extraction time per MB, the two big
//! generated documents of the preview bench (5,832-page PDF, 486-page DOCX), and one quotation
//! looked up in 2 million characters. Prints rows of the benchmark table (`scripts/bench.sh`
//! runs it). Release build: `cargo bench -p longwen-core --bench extract`.

#[path = "../../../benches/support/big_docs.rs"]
mod big_docs;
#[path = "../../../benches/support/big_xlsx.rs"]
mod big_xlsx;

use longwen_core::extract::{extract_file, pdfium_available};
use longwen_core::quotes::Folded;
use std::path::PathBuf;
use std::time::{Duration, Instant};

const RUNS: usize = 5;
/// Target for one quotation looked up in 2 million characters.
const QUOTE_TARGET_MS: f64 = 50.0;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    if std::env::var_os("LONGWEN_PDFIUM").is_none() {
        let lib = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.pdfium/libpdfium.so");
        std::env::set_var("LONGWEN_PDFIUM", lib);
    }
    let fixtures = std::env::var_os("LONGWEN_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures")
        });
    assert!(
        pdfium_available(),
        "PDFium missing: run scripts/fetch-pdfium.sh"
    );
    let names = [
        "采购合同-2026-华东.pdf",
        "Q3-2026-sales-report.pdf",
        "采购合同-2026-华东.docx",
        "old-format.doc",
        "slides.pptx",
        "报价单.xlsx",
        "policy-handbook.epub",
        "员工手册-节选.txt",
        "meeting-notes.md",
        "customers.csv",
        "config-export.json",
    ];
    for name in names {
        let path = fixtures.join(name);
        let size = std::fs::metadata(&path).expect("fixture").len();
        let mut times = Vec::new();
        let mut chars = 0;
        for _ in 0..RUNS {
            let t = Instant::now();
            let e = extract_file(&path).expect("extracted");
            times.push(t.elapsed());
            chars = e.text.chars().count();
        }
        extract_row(&format!("`{name}`"), size, chars, median(times), RUNS);
    }
    // The preview bench's big documents: one run each (seconds, not milliseconds).
    let dir = tempfile::tempdir().expect("temp dir");
    let pdf = dir.path().join("big.pdf");
    big_docs::write_pdf(&pdf, big_docs::PDF_PAGES);
    let docx = dir.path().join("big.docx");
    big_docs::write_docx(&docx, big_docs::DOCX_PAGES);
    for (path, what) in [
        (
            &pdf,
            format!("generated PDF, {} pages", big_docs::PDF_PAGES),
        ),
        (
            &docx,
            format!("generated DOCX, {} pages", big_docs::DOCX_PAGES),
        ),
    ] {
        let size = std::fs::metadata(path).expect("generated").len();
        let t = Instant::now();
        let e = extract_file(path).expect("extracted");
        let took = t.elapsed();
        assert!(
            e.text.contains("违约金"),
            "{what}: the text did not come out"
        );
        extract_row(&what, size, e.text.chars().count(), took, 1);
    }

    xlsx_readers(dir.path());

    // 2 million characters of contract text; the quotation sits in the last copy.
    let contract = extract_file(&fixtures.join("采购合同-2026-华东.pdf"))
        .expect("contract")
        .text;
    let mut text = String::new();
    while text.chars().count() < 2_000_000 {
        text.push_str(&contract.replace("每逾期一日", "每迟延一日"));
    }
    text.push_str(&contract);
    let chars = text.chars().count();
    let t = Instant::now();
    let doc = Folded::new(&text);
    let fold = t.elapsed();
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        assert!(doc
            .find("每逾期一日，应按逾期交付货物金额的0.5%向甲方支付违约金")
            .is_some());
        found.push(t.elapsed());
        let t = Instant::now();
        assert!(doc.find("乙方应赔偿甲方全部损失的三倍").is_none());
        missing.push(t.elapsed());
    }
    println!(
        "| quotes in {chars} characters: folding the text once (per document, per answer) | {:.1} ms | – | – | – | – |",
        fold.as_secs_f64() * 1e3
    );
    for (what, times) in [
        ("a quotation found at the end", found),
        ("a made-up quotation, not found", missing),
    ] {
        let ms = median(times).as_secs_f64() * 1e3;
        println!(
            "| quotes in {chars} characters: {what} (median of {RUNS}) | {ms:.1} ms | – | – | < {QUOTE_TARGET_MS:.0} ms | {} |",
            if ms < QUOTE_TARGET_MS { "yes" } else { "NO" }
        );
    }
}

/// One extraction row: time per MB (no target: the preview rows carry the targets).
fn extract_row(what: &str, size: u64, chars: usize, t: Duration, runs: usize) {
    let mb = size as f64 / 1e6;
    let of = if runs > 1 {
        format!(", median of {runs}")
    } else {
        String::new()
    };
    println!(
        "| extraction: {what} ({:.1} KB, {chars} characters out{of}) | {:.1} ms ({:.0} ms/MB) | – | – | – | – |",
        size as f64 / 1e3,
        t.as_secs_f64() * 1e3,
        t.as_secs_f64() * 1e3 / mb
    );
}

/// The XLSX reader chosen by measurement: office_oxide (the preview's) against calamine on a
/// 100,000-row price list. office_oxide shows numbers as Excel does (3,980.00, 8%), calamine
/// gives raw values (3980, 0.08); a row each, one run each.
fn xlsx_readers(dir: &std::path::Path) {
    use calamine::{open_workbook_auto, Reader};
    use std::fmt::Write;
    let path = dir.join("big.xlsx");
    big_xlsx::write_xlsx(&path, big_xlsx::XLSX_ROWS);
    let size = std::fs::metadata(&path).expect("generated").len();
    let rows = big_xlsx::XLSX_ROWS;
    let t = Instant::now();
    let e = extract_file(&path).expect("extracted");
    let took = t.elapsed();
    assert!(
        e.text.contains("3,980.00") && e.text.contains("8%"),
        "number formats applied"
    );
    let what = format!("generated XLSX, {rows} rows: office_oxide (used: number formats applied)");
    extract_row(&what, size, e.text.chars().count(), took, 1);
    let t = Instant::now();
    let mut text = String::new();
    let mut book = open_workbook_auto(&path).expect("calamine opens it");
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).expect("sheet");
        for row in range.rows() {
            for cell in row {
                let _ = write!(text, "{cell}\t");
            }
            text.push('\n');
        }
    }
    let took = t.elapsed();
    assert!(
        text.contains("3980") && !text.contains("3,980.00"),
        "raw values"
    );
    let what = "the same XLSX: calamine 0.38 (not used: raw values, 3980 and 0.08)";
    extract_row(what, size, text.chars().count(), took, 1);
}
