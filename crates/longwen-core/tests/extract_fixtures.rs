//! Local extraction over every fixture in `../shared/fixtures/` (the facts its README lists),
//! the scanned and empty cases, and quotes found in what was extracted. PDF goes through
//! PDFium: `scripts/fetch-pdfium.sh` puts it in `.pdfium/` (`scripts/test.sh` runs it).

mod engine_support;
mod extract_support;
use engine_support::{fixture, fixtures, use_repo_pdfium};
use extract_support::*;
use longwen_core::extract::{
    extract_file, pdfium_available, ExtractCache, Extracted, NoPreview, Rough, SectionKind,
};
use longwen_core::quotes::{fold, Folded};

fn extract(name: &str) -> Result<Extracted, NoPreview> {
    use_repo_pdfium();
    extract_file(&fixture(name))
}

/// Every fact is in the text, whitespace and width aside.
fn has_all(name: &str, e: &Extracted, facts: &[&str]) {
    let text = fold(&e.text);
    for f in facts {
        assert!(text.contains(&fold(f)), "{name}: no {f:?} in\n{}", e.text);
    }
}

/// Within 5% of a count the README gives from another tool.
fn about(name: &str, got: usize, readme: usize) {
    let off = got.abs_diff(readme) as f64 / readme as f64;
    assert!(
        off < 0.05,
        "{name}: {got} characters, the README says about {readme}"
    );
}

#[test]
fn pdfium_is_there() {
    use_repo_pdfium();
    assert!(
        pdfium_available(),
        "PDFium not found: run scripts/fetch-pdfium.sh (or set LONGWEN_PDFIUM)"
    );
}

#[test]
fn the_contract_in_docx_pdf_and_doc_holds_its_facts() {
    for name in [
        "采购合同-2026-华东.docx",
        "采购合同-2026-华东.pdf",
        "old-format.doc",
    ] {
        let e = extract(name).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        has_all(name, &e, CONTRACT);
        has_all(name, &e, &ARTICLES);
        assert_eq!(e.rough, None, "{name}");
    }
    let pdf = extract("采购合同-2026-华东.pdf").unwrap();
    let pages: Vec<&str> = pdf.sections.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(pages, ["1", "2", "3", "4", "5", "6"]);
    assert!(pdf.sections.iter().all(|s| s.kind == SectionKind::Page));
    assert!(pdf.scanned_pages.is_empty());
    // Page 1 ends with the sentence that introduces the goods table; the table is on page 2.
    let p1 = fold(&pdf.text[..pdf.sections[1].start]);
    let p2 = fold(&pdf.text[pdf.sections[1].start..pdf.sections[2].start]);
    assert!(p1.contains(&fold("数量及价格如下：")), "{p1}");
    assert!(!p1.contains("伺服电机"), "{p1}");
    assert!(p2.contains(&fold("序号 货物名称 规格型号")), "{p2}");
    // pdftotext's count (it adds spaces around Latin text); LibreOffice's for the DOC.
    about("contract PDF", pdf.text.chars().count(), 4_270);
    let doc = extract("old-format.doc").unwrap();
    about("old-format.doc", doc.text.chars().count(), 3_719);
}

#[test]
fn the_sales_report_in_docx_and_pdf_holds_its_facts() {
    for name in ["Q3-2026-sales-report.docx", "Q3-2026-sales-report.pdf"] {
        let e = extract(name).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        has_all(name, &e, REPORT);
        assert_eq!(e.rough, None, "{name}");
    }
    // 3 pages; the region table breaks after Europe, its header repeated on page 2.
    let pdf = extract("Q3-2026-sales-report.pdf").unwrap();
    assert_eq!(pdf.sections.len(), 3);
    let page = |i: usize| fold(&pdf.text[pdf.sections[i].start..pdf.sections[i + 1].start]);
    let header = fold("Region Q3 2026 revenue");
    assert!(page(0).contains(&header) && page(0).contains(&fold("Europe 3,180")));
    assert!(page(1).contains(&header) && page(1).contains(&fold("Asia Pacific 3,240")));
}

#[test]
fn slides_sheets_text_and_books_hold_their_facts() {
    let cases: &[(&str, &[&str])] = &[
        ("slides.pptx", SLIDES),
        ("报价单.xlsx", PRICES),
        ("员工手册-节选.txt", HANDBOOK),
        ("meeting-notes.md", MINUTES),
        ("policy-handbook.epub", POLICY),
        ("customers.csv", CUSTOMERS),
        ("config-export.json", CONFIG),
    ];
    for (name, facts) in cases {
        let e = extract(name).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        has_all(name, &e, facts);
        assert_eq!(e.rough, None, "{name}");
    }
    // 1,598 characters with its 43 CRLF line ends, which are read as LF.
    let gbk = extract("员工手册-节选.txt").unwrap();
    assert_eq!(gbk.text.chars().count(), 1_598 - 43);
    assert_eq!(gbk.text.lines().count(), 43);
}

/// 28 products in rows 4–31, with numbers as Excel shows them; the longest lead time is
/// HT-LM-01's 35 days; 8 discount rules.
#[test]
fn the_price_list_has_every_product_and_rule() {
    let e = extract("报价单.xlsx").unwrap();
    let rows: Vec<Vec<&str>> = e
        .text
        .lines()
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|c| c.len() >= 9 && c[1].starts_with("HT-"))
        .collect();
    let numbers: Vec<&str> = rows.iter().map(|c| c[0]).collect();
    let expected: Vec<String> = (1..=28).map(|i| i.to_string()).collect();
    assert_eq!(numbers, expected);
    let longest = rows
        .iter()
        .max_by_key(|c| c[8].parse::<u32>().unwrap())
        .unwrap();
    assert_eq!(
        (longest[1], longest[2], longest[8]),
        ("HT-LM-01", "线性模组", "35")
    );
    let quantity: u32 = rows.iter().map(|c| c[6].parse::<u32>().unwrap()).sum();
    assert_eq!(quantity, 784);
    for r in 1..=8 {
        assert!(e.text.contains(&format!("\nR{r}\t")), "no rule R{r}");
    }
}

/// 50 customers of 11 columns; the biggest buyer and the count of each grade.
#[test]
fn the_customer_list_has_every_row() {
    let e = extract("customers.csv").unwrap();
    let rows: Vec<Vec<&str>> = e
        .text
        .lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), 50);
    // Columns up to 首次合作日期 hold no comma; only 备注 may be quoted.
    let biggest = rows
        .iter()
        .max_by(|a, b| {
            a[8].parse::<f64>()
                .unwrap()
                .total_cmp(&b[8].parse().unwrap())
        })
        .unwrap();
    assert_eq!(
        (biggest[0], biggest[1], biggest[8]),
        ("KH0048", "苏州益民新能源科技有限公司", "463.6")
    );
    let grade = |g: &str| rows.iter().filter(|c| c[7] == g).count();
    assert_eq!((grade("A"), grade("B"), grade("C")), (13, 15, 22));
}

#[test]
fn sheets_chapters_and_encodings_are_named() {
    let x = extract("报价单.xlsx").unwrap();
    let sheets: Vec<_> = x
        .sections
        .iter()
        .map(|s| (s.kind, s.label.as_str()))
        .collect();
    assert_eq!(
        sheets,
        [
            (SectionKind::Sheet, "产品报价"),
            (SectionKind::Sheet, "折扣规则")
        ]
    );
    let e = extract("policy-handbook.epub").unwrap();
    assert!(e.sections.iter().all(|s| s.kind == SectionKind::Chapter));
    let chapters: Vec<&str> = e.sections.iter().map(|s| s.label.as_str()).collect();
    assert!(
        chapters.iter().any(|c| c.starts_with("Chapter 1")),
        "{chapters:?}"
    );
    assert!(
        chapters.iter().any(|c| c.starts_with("Chapter 2")),
        "{chapters:?}"
    );
    let gbk = extract("员工手册-节选.txt").unwrap();
    assert!(
        matches!(gbk.encoding.as_deref(), Some("GBK" | "gb18030")),
        "{:?}",
        gbk.encoding
    );
    assert!(!gbk.text.contains('\r'));
    let csv = extract("customers.csv").unwrap();
    assert_eq!(csv.encoding.as_deref(), Some("UTF-8"));
    assert!(csv.text.starts_with("客户编号"), "the BOM is gone");
    // The quoted field with escaped quotes is kept as written.
    assert!(csv.text.contains("\"\"战略合作\"\""));
}

/// The notice's facts (the outage on 2026年7月18日 8:00–18:00, 刘敏 on extension 2035, mail back
/// by 20:00) are in its image only: with no text layer none can be in any text, so the preview
/// says "scanned" instead. The empty file has no facts.
#[test]
fn the_scanned_pdf_and_the_empty_file_give_no_preview() {
    assert_eq!(
        extract("scanned-notice.pdf").unwrap_err(),
        NoPreview::Scanned
    );
    assert_eq!(extract("empty.txt").unwrap_err(), NoPreview::Empty);
}

/// A PDF read while PDFium was missing is cached rough; once PDFium is there it is read again,
/// and the better text replaces it.
#[test]
fn a_rough_pdf_in_the_cache_is_read_again_once_pdfium_is_there() {
    use_repo_pdfium();
    assert!(pdfium_available());
    let dir = tempfile::tempdir().unwrap();
    let cache = ExtractCache::new(dir.path());
    let sha = "c".repeat(64);
    let rough = Extracted {
        text: "rough".into(),
        rough: Some(Rough::PdfReaderMissing),
        ..Extracted::default()
    };
    cache.put(&sha, &Ok(rough), true);
    let path = fixture("采购合同-2026-华东.pdf");
    let e = cache.get_or_extract(&sha, &path).unwrap();
    assert_eq!(e.rough, None);
    has_all("contract PDF", &e, CONTRACT);
    assert_eq!(
        cache.get(&sha).unwrap().unwrap(),
        e,
        "the better text is kept"
    );
}

#[test]
fn quotes_from_answers_are_found_in_the_pdf_and_the_docx() {
    for name in ["采购合同-2026-华东.pdf", "采购合同-2026-华东.docx"] {
        let e = extract(name).unwrap();
        let doc = Folded::new(&e.text);
        // Clause 7.1 breaks after 应按逾期交 in the PDF, with spaces around 0.5%; the answer
        // writes it on one line.
        let r = doc
            .find("每逾期一日，应按逾期交付货物金额的0.5%向甲方支付违约金")
            .unwrap_or_else(|| panic!("{name}: 7.1 not found"));
        assert!(e.text[r.clone()].starts_with("每逾期一日"), "{name}");
        assert!(e.text[r].ends_with("违约金"), "{name}");
        // Full-width digits, as models sometimes write them.
        assert!(doc.find("人民币４７４，８６０．００元").is_some(), "{name}");
        assert!(
            doc.find("应按逾期交付货物金额的5%向甲方支付违约金")
                .is_none(),
            "{name}"
        );
    }
}

/// Damaged copies of every fixture (cut short, bytes flipped, a block zeroed): each gives text
/// or a reason, never a panic or a hang.
#[test]
fn damaged_copies_give_text_or_a_reason_never_a_panic() {
    use_repo_pdfium();
    let dir = tempfile::tempdir().unwrap();
    let mut runs = 0;
    let mut failed = Vec::new();
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let path = entry.unwrap().path();
        let Some(ext) = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_string)
        else {
            continue;
        };
        let bytes = std::fs::read(&path).unwrap();
        if bytes.len() < 64 || ext == "md" && path.ends_with("README.md") {
            continue;
        }
        let mut rng = fastrand::Rng::with_seed(0x10_6A_E4);
        let mut copies: Vec<Vec<u8>> = [10, 50, 90]
            .iter()
            .map(|pct| bytes[..bytes.len() * pct / 100].to_vec())
            .collect();
        for _ in 0..4 {
            let mut b = bytes.clone();
            for _ in 0..16 {
                let i = rng.usize(..b.len());
                b[i] = rng.u8(..);
            }
            copies.push(b);
        }
        let mut zeroed = bytes.clone();
        let mid = zeroed.len() / 2;
        let end = (mid + 1024).min(zeroed.len());
        zeroed[mid..end].fill(0);
        copies.push(zeroed);
        for (i, copy) in copies.iter().enumerate() {
            let p = dir.path().join(format!("copy-{i}.{ext}"));
            std::fs::write(&p, copy).unwrap();
            runs += 1;
            match extract_file(&p) {
                Err(NoPreview::TimedOut) => panic!("{}: copy {i} hung", path.display()),
                Err(NoPreview::Failed) => failed.push(format!("{} copy {i}", path.display())),
                _ => {}
            }
        }
    }
    assert!(runs >= 100, "{runs} runs");
    assert!(failed.is_empty(), "readers panicked on: {failed:?}");
}
