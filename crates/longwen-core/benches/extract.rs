//! Local extraction and quote lookup speed: each fixture's extraction time and throughput, and
//! one quotation looked up in 2 million characters. Prints Markdown table rows for
//! `docs/benchmarks.md` (`scripts/bench.sh` runs it). Release build: `cargo bench -p longwen-core
//! --bench extract`.

use longwen_core::extract::{extract_file, pdfium_available};
use longwen_core::quotes::Folded;
use std::path::PathBuf;
use std::time::{Duration, Instant};

const RUNS: usize = 5;

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
    println!("| file | size | characters out | extraction (median of {RUNS}) | throughput |");
    println!("|---|---|---|---|---|");
    let names = [
        "采购合同-2026-华东.pdf",
        "Q3-2026-sales-report.pdf",
        "采购合同-2026-华东.docx",
        "old-format.doc",
        "slides.pptx",
        "报价单.xlsx",
        "policy-handbook.epub",
        "员工手册-节选.txt",
        "customers.csv",
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
        let t = median(times);
        let mb_s = size as f64 / 1e6 / t.as_secs_f64();
        println!(
            "| `{name}` | {:.1} KB | {chars} | {:.1} ms | {mb_s:.1} MB/s |",
            size as f64 / 1e3,
            t.as_secs_f64() * 1e3
        );
    }

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
    println!();
    println!("| quote lookup over {chars} characters | time |");
    println!("|---|---|");
    println!(
        "| folding the text once (per document, per answer) | {:.1} ms |",
        fold.as_secs_f64() * 1e3
    );
    println!(
        "| a quotation found at the end (median of {RUNS}) | {:.1} ms |",
        median(found).as_secs_f64() * 1e3
    );
    println!(
        "| a made-up quotation, not found (median of {RUNS}) | {:.1} ms |",
        median(missing).as_secs_f64() * 1e3
    );
}
