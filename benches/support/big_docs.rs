//! Big documents for the benchmarks, written on the spot (nothing downloaded): a PDF of 5,832
//! text pages and a DOCX of 486 pages, Chinese and English contract text. Shared by
//! `benches/preview.rs` and `crates/longwen-core/benches/extract.rs` (through `#[path]`).

use lopdf::{dictionary, Document, Object, Stream};
use std::io::Write;
use std::path::Path;

pub const PDF_PAGES: usize = 5_832;
pub const DOCX_PAGES: usize = 486;
/// Lines of text on a PDF page, and paragraphs on a DOCX page.
const PDF_LINES: usize = 24;
const DOCX_PARAGRAPHS: usize = 12;

const SENTENCES: &[&str] = &[
    "乙方应在收到订单后三十日内交付全部货物，",
    "甲方有权对到货产品进行抽检。",
    "验收合格后三十日内支付合同总价的百分之九十五，",
    "余款作为质量保证金，",
    "如遇不可抗力，受影响一方应在十五日内书面通知对方。",
    "每逾期一日，应按逾期交付货物金额的0.5%向甲方支付违约金。",
    "本合同适用中华人民共和国法律。",
    "The supplier shall deliver all goods within thirty days. ",
    "Payment is due within 30 days of acceptance. ",
    "Either party may terminate this agreement in writing. ",
    "Confidential information must not be disclosed. ",
    "第三季度华东区销售额同比增长百分之十二。",
    "The quoted unit prices include VAT and freight. ",
];

/// The text of one page, as lines of at most `width` characters.
fn page_lines(page: usize, lines: usize, width: usize) -> Vec<String> {
    let mut out = vec![format!("第{}页 Page {}", page + 1, page + 1)];
    let mut line = String::new();
    let mut i = page * 7;
    while out.len() < lines {
        let s = SENTENCES[i % SENTENCES.len()];
        i += 3;
        for c in s.chars() {
            line.push(c);
            if line.chars().count() >= width {
                out.push(std::mem::take(&mut line));
            }
        }
    }
    out.truncate(lines);
    out
}

/// A PDF of `pages` text pages. The font is not embedded (no glyphs are needed to read the
/// text): codes are UTF-16 code units (Identity-H) and a ToUnicode map says so.
pub fn write_pdf(path: &Path, pages: usize) {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def /CMapType 2 def\n\
         1 begincodespacerange <0000> <FFFF> endcodespacerange\n",
    );
    let highs: Vec<u32> = (0..=0xFFu32)
        .filter(|h| !(0xD8..=0xDF).contains(h))
        .collect();
    for block in highs.chunks(100) {
        cmap.push_str(&format!("{} beginbfrange\n", block.len()));
        for h in block {
            cmap.push_str(&format!("<{h:02X}00> <{h:02X}FF> <{h:02X}00>\n"));
        }
        cmap.push_str("endbfrange\n");
    }
    cmap.push_str("endcmap CMapName currentdict /CMap defineresource pop end end\n");
    let to_unicode = doc.add_object(Stream::new(dictionary! {}, cmap.into_bytes()));
    let cid_font = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "CIDFontType2",
        "BaseFont" => "SimSun",
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Identity"),
            "Supplement" => 0,
        },
        "DW" => 1000,
    });
    let font = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => "SimSun",
        "Encoding" => "Identity-H",
        "DescendantFonts" => vec![cid_font.into()],
        "ToUnicode" => to_unicode,
    });
    let resources = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font },
    });
    let mut kids = Vec::with_capacity(pages);
    for p in 0..pages {
        let mut content = String::from("BT /F1 10 Tf 14 TL 40 800 Td\n");
        for line in page_lines(p, PDF_LINES, 50) {
            content.push('<');
            for unit in line.encode_utf16() {
                content.push_str(&format!("{unit:04X}"));
            }
            content.push_str("> Tj T*\n");
        }
        content.push_str("ET\n");
        let content = doc.add_object(Stream::new(dictionary! {}, content.into_bytes()));
        let page = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Contents" => content,
            "Resources" => resources,
        });
        kids.push(page.into());
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => pages as i64,
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    doc.compress();
    doc.save(path).expect("PDF written");
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A DOCX of `pages` pages (explicit page breaks), a heading and paragraphs on each.
pub fn write_docx(path: &Path, pages: usize) {
    let mut body = String::new();
    for p in 0..pages {
        for (i, para) in page_lines(p, DOCX_PARAGRAPHS, 120).iter().enumerate() {
            let run = format!(
                "<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r>",
                xml_escape(para)
            );
            if i == 0 && p > 0 {
                body.push_str(&format!(
                    "<w:p><w:r><w:br w:type=\"page\"/></w:r>{run}</w:p>"
                ));
            } else {
                body.push_str(&format!("<w:p>{run}</w:p>"));
            }
        }
    }
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
         <w:body>{body}<w:sectPr/></w:body></w:document>"
    );
    let files = [
        (
            "[Content_Types].xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
             <Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
             <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
             <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
             <Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
             </Types>"
                .to_string(),
        ),
        (
            "_rels/.rels",
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
             <Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
             <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
             </Relationships>"
                .to_string(),
        ),
        ("word/document.xml", document),
    ];
    write_zip(path, &files);
}

/// An Office file: these parts, deflated.
pub fn write_zip(path: &Path, files: &[(&str, String)]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).expect("file created"));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in files {
        zip.start_file(*name, options).expect("zip entry");
        zip.write_all(text.as_bytes()).expect("zip written");
    }
    zip.finish().expect("zip written");
}
