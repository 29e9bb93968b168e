//! The model's Markdown as sanitised HTML and as plain text: the one Markdown renderer in Rust,
//! used by Copy (both flavours on the clipboard) and by the exports. Model output is untrusted:
//! raw HTML in it is shown as text, and the HTML is cleaned (no script, no handlers, only
//! http(s) links).

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

fn parser(md: &str) -> impl Iterator<Item = Event<'_>> {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    Parser::new_ext(md, options).map(|event| match event {
        // Raw HTML written by the model is displayed, never interpreted.
        Event::Html(t) | Event::InlineHtml(t) => Event::Text(t),
        e => e,
    })
}

/// Sanitised HTML: headings, paragraphs, emphasis, lists, tables, code, quotes and http(s)
/// links, nothing else.
pub fn to_html(md: &str) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser(md));
    ammonia::Builder::default()
        .url_schemes(["http", "https"].into())
        .link_rel(Some("noopener noreferrer"))
        .clean(&html)
        .to_string()
}

/// Plain text: what a person would type, without Markdown marks. Paragraphs are separated by
/// a blank line, list items start with "• " (or their number), table cells are separated by
/// tabs (so a table pastes into a spreadsheet as cells).
pub fn to_text(md: &str) -> String {
    let mut out = String::new();
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut cell = 0usize;
    for event in parser(md) {
        match event {
            Event::Start(Tag::Item) => {
                let indent = "  ".repeat(lists.len().saturating_sub(1));
                match lists.last_mut() {
                    Some(Some(n)) => {
                        out.push_str(&format!("{indent}{n}. "));
                        *n += 1;
                    }
                    _ => out.push_str(&format!("{indent}• ")),
                }
            }
            Event::Start(Tag::List(start)) => {
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                lists.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                lists.pop();
                if lists.is_empty() {
                    out.push('\n');
                }
            }
            Event::Start(Tag::TableRow) | Event::Start(Tag::TableHead) => cell = 0,
            Event::Start(Tag::TableCell) => {
                if cell > 0 {
                    out.push('\t');
                }
                cell += 1;
            }
            Event::End(TagEnd::TableRow) | Event::End(TagEnd::TableHead) => out.push('\n'),
            Event::End(TagEnd::Table) => out.push('\n'),
            Event::End(TagEnd::Item) if !out.ends_with('\n') => out.push('\n'),
            Event::End(TagEnd::Paragraph) | Event::End(TagEnd::Heading(_)) => {
                out.push_str(if lists.is_empty() { "\n\n" } else { "\n" });
            }
            Event::End(TagEnd::CodeBlock) => out.push('\n'),
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            Event::Rule => out.push_str("\n———\n\n"),
            _ => {}
        }
    }
    let trimmed: Vec<&str> = out.lines().map(str::trim_end).collect();
    let mut text = trimmed.join("\n");
    while text.contains("\n\n\n") {
        text = text.replace("\n\n\n", "\n\n");
    }
    text.trim().to_string()
}

/// The level of a heading, 1–6.
pub(crate) fn heading_level(level: HeadingLevel) -> usize {
    level as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANSWER: &str = "## 违约责任\n\n乙方逾期交货的，**按日支付**违约金：\n\n1. 每日千分之三\n2. 最高百分之十\n\n- 甲方可解除合同\n- 乙方承担损失\n\n| 条款 | 比例 |\n|---|---|\n| 逾期 | 0.3% |\n| 上限 | 10% |\n\n[bad](javascript:alert(1)) [ok](https://example.com)\n\n<script>alert(1)</script>\n";

    #[test]
    fn html_keeps_headings_lists_bold_and_tables() {
        let html = to_html(ANSWER);
        for needle in [
            "<h2>违约责任</h2>",
            "<strong>按日支付</strong>",
            "<ol>",
            "<li>每日千分之三</li>",
            "<ul>",
            "<table>",
            "<th>条款</th>",
            "<td>0.3%</td>",
            "href=\"https://example.com\"",
        ] {
            assert!(html.contains(needle), "{needle} in {html}");
        }
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(
            html.contains("&lt;script&gt;"),
            "raw HTML shown as text: {html}"
        );
    }

    #[test]
    fn text_has_no_markdown_marks_and_tables_are_tab_separated() {
        let text = to_text(ANSWER);
        assert!(!text.contains("**") && !text.contains("|---"), "{text}");
        assert!(
            text.starts_with("违约责任\n\n乙方逾期交货的，按日支付违约金："),
            "{text}"
        );
        assert!(text.contains("1. 每日千分之三\n2. 最高百分之十"), "{text}");
        assert!(text.contains("• 甲方可解除合同"), "{text}");
        assert!(text.contains("条款\t比例\n逾期\t0.3%\n上限\t10%"), "{text}");
    }
}
