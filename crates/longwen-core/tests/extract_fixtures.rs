//! Local extraction over every fixture in `../shared/fixtures/` (the facts its README lists),
//! the scanned and empty cases, and quotes found in what was extracted. PDF goes through
//! PDFium: `scripts/fetch-pdfium.sh` puts it in `.pdfium/` (`scripts/test.sh` runs it).

mod engine_support;
use engine_support::{fixture, fixtures, use_repo_pdfium};
use longwen_core::extract::{extract_file, pdfium_available, Extracted, NoPreview, SectionKind};
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

const CONTRACT: &[&str] = &[
    "HD-CG-2026-0317",
    "474,860.00",
    "肆拾柒万肆仟捌佰陆拾元整",
    "逾期交货",
    "0.5%",
    "47,486.00",
    "2026年6月30日",
    "24个月",
    "上海仲裁委员会",
    "12,600.00",
    "滚珠丝杠",
    "陈思雨",
];

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
        // The author is in the document's properties, not its text.
        let facts: Vec<&str> = CONTRACT
            .iter()
            .copied()
            .filter(|f| *f != "陈思雨")
            .collect();
        has_all(name, &e, &facts);
        assert_eq!(e.rough, None, "{name}");
    }
    let pdf = extract("采购合同-2026-华东.pdf").unwrap();
    let pages: Vec<&str> = pdf.sections.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(pages, ["1", "2", "3", "4", "5", "6"]);
    assert!(pdf.sections.iter().all(|s| s.kind == SectionKind::Page));
    assert!(pdf.scanned_pages.is_empty());
    // The goods table is on page 2.
    let p2 = &pdf.text[pdf.sections[1].start..pdf.sections[2].start];
    assert!(fold(p2).contains("伺服电机"), "{p2}");
}

#[test]
fn reports_slides_sheets_and_text_hold_their_facts() {
    let cases: &[(&str, &[&str])] = &[
        (
            "Q3-2026-sales-report.docx",
            &["12.48", "Kestrel Robotics", "13.2", "91.6%"],
        ),
        (
            "Q3-2026-sales-report.pdf",
            &["12.48", "Kestrel Robotics", "13.2", "91.6%"],
        ),
        ("slides.pptx", &["13.2", "41.2%", "第三季度销售亮点"]),
        (
            "报价单.xlsx",
            &[
                "BJ-2026-0413",
                "HT-SM750",
                "3,980",
                "HT-LM-01",
                "R4",
                "8%",
                "676,770",
            ],
        ),
        (
            "员工手册-节选.txt",
            &["考勤与休假管理", "158天", "3月31日", "人力资源部经理"],
        ),
        ("meeting-notes.md", &["3,780.00", "Priya Nair", "Room 4B"]),
        (
            "policy-handbook.epub",
            &["650", "itdesk@chengchuan-demo.cn", "8110", "信息安全"],
        ),
        (
            "customers.csv",
            &["客户编号", "苏州益民新能源科技有限公司", "463.6", "方志远"],
        ),
        (
            "config-export.json",
            &["澄川ERP", "5.8.2", "2027-03-31", "procurement_director"],
        ),
    ];
    for (name, facts) in cases {
        let e = extract(name).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        has_all(name, &e, facts);
    }
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
    assert!(e.sections.len() >= 2, "{:?}", e.sections);
    assert!(e.sections.iter().all(|s| s.kind == SectionKind::Chapter));
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

#[test]
fn the_scanned_pdf_and_the_empty_file_give_no_preview() {
    assert_eq!(
        extract("scanned-notice.pdf").unwrap_err(),
        NoPreview::Scanned
    );
    assert_eq!(extract("empty.txt").unwrap_err(), NoPreview::Empty);
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
