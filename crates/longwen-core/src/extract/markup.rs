//! XML to text: XHTML chapters (EPUB) and WordprocessingML (the DOCX fallback). Lenient:
//! unmatched tags are read on, and a parse error ends the text where it happened.

use quick_xml::events::{BytesRef, Event};
use quick_xml::Reader;

/// Which tags break lines, which separate cells, and which hold text.
struct Dialect {
    /// Tags whose start or end ends a line.
    blocks: &'static [&'static str],
    /// Tags whose end puts a tab (table cells).
    cells: &'static [&'static str],
    /// Empty tags that are a line break or a tab.
    breaks: &'static [&'static str],
    tabs: &'static [&'static str],
    /// Tags whose text is dropped (scripts, styles, WordprocessingML's instructions).
    skip: &'static [&'static str],
    /// If set, only text inside these tags counts (`w:t`).
    text_in: Option<&'static str>,
}

const XHTML: Dialect = Dialect {
    blocks: &[
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "tr",
        "section",
        "article",
        "blockquote",
        "pre",
        "table",
        "dt",
        "dd",
        "caption",
        "figcaption",
    ],
    cells: &["td", "th"],
    breaks: &["br", "hr"],
    tabs: &[],
    skip: &["script", "style", "head", "title"],
    text_in: None,
};

const WORDML: Dialect = Dialect {
    blocks: &["w:p", "w:tr"],
    cells: &["w:tc"],
    breaks: &["w:br", "w:cr"],
    tabs: &["w:tab"],
    skip: &["w:instrText", "w:delText"],
    text_in: Some("w:t"),
};

pub(super) fn xhtml_text(xml: &str) -> String {
    to_text(xml, &XHTML)
}

pub(super) fn wordml_text(xml: &str) -> String {
    to_text(xml, &WORDML)
}

fn to_text(xml: &str, d: &Dialect) -> String {
    let mut reader = Reader::from_str(xml);
    let cfg = reader.config_mut();
    cfg.check_end_names = false;
    cfg.allow_unmatched_ends = true;
    let mut out = String::new();
    let mut skipping = 0usize;
    let mut inside_text = 0usize;
    let counts = |inside: usize| d.text_in.is_none() || inside > 0;
    loop {
        let event = match reader.read_event() {
            Ok(Event::Eof) | Err(_) => break,
            Ok(e) => e,
        };
        match event {
            Event::Start(e) => {
                let name = e.name();
                let name: &str = name.as_ref();
                if d.skip.contains(&name) {
                    skipping += 1;
                } else if d.text_in == Some(name) {
                    inside_text += 1;
                } else if d.blocks.contains(&name) {
                    new_line(&mut out);
                }
            }
            Event::End(e) => {
                let name = e.name();
                let name: &str = name.as_ref();
                if d.skip.contains(&name) {
                    skipping = skipping.saturating_sub(1);
                } else if d.text_in == Some(name) {
                    inside_text = inside_text.saturating_sub(1);
                } else if d.blocks.contains(&name) {
                    new_line(&mut out);
                } else if d.cells.contains(&name) {
                    out.push('\t');
                }
            }
            Event::Empty(e) => {
                let name = e.name();
                let name: &str = name.as_ref();
                if d.breaks.contains(&name) {
                    out.push('\n');
                } else if d.tabs.contains(&name) {
                    out.push('\t');
                }
            }
            Event::Text(t) if skipping == 0 && counts(inside_text) => {
                out.push_str(&t.xml10_content());
            }
            Event::CData(t) if skipping == 0 && counts(inside_text) => {
                out.push_str(&t);
            }
            Event::GeneralRef(r) if skipping == 0 && counts(inside_text) => {
                if let Some(s) = entity(&r) {
                    out.push_str(&s);
                }
            }
            _ => {}
        }
    }
    tidy(&out)
}

fn entity(r: &BytesRef) -> Option<String> {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return Some(c.to_string());
    }
    let name: &str = r;
    match quick_xml::escape::resolve_predefined_entity(name) {
        Some(s) => Some(s.to_string()),
        None if name == "nbsp" => Some("\u{a0}".to_string()),
        None => None,
    }
}

fn new_line(out: &mut String) {
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

/// Trailing tabs and blanks off each line; at most one empty line in a row.
fn tidy(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank = 0;
    for line in s.lines() {
        let line = line.trim_end_matches([' ', '\t']);
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xhtml_keeps_blocks_cells_and_entities() {
        let x = "<html><head><title>T</title></head><body><h1>差旅</h1><p>一线城市 &lt;650&gt;&#x5143;</p>\
                 <table><tr><td>北京</td><td>650</td></tr></table><script>x()</script><p>end<br/>next</p></body></html>";
        assert_eq!(
            xhtml_text(x),
            "差旅\n一线城市 <650>元\n北京\t650\nend\nnext\n"
        );
    }

    #[test]
    fn wordml_reads_only_runs_and_survives_breakage() {
        let x = r#"<w:document><w:body><w:p><w:r><w:t>第七条</w:t></w:r><w:r><w:instrText>PAGE</w:instrText></w:r>
                   <w:r><w:tab/><w:t xml:space="preserve"> 违约责任</w:t></w:r></w:p><w:p><w:r><w:t>7.1 乙方"#;
        assert_eq!(wordml_text(x), "第七条\t 违约责任\n7.1 乙方\n");
    }
}
