//! A conversation as a document to hand on: Markdown, or DOCX with a heading per question, the
//! answers formatted, the documents used, the date, tokens and cost. The words around the
//! content (labels) come from the face, in its language; dates in the person's time zone.

use crate::error::{Error, Result};
use crate::render::heading_level;
use crate::types::{Chat, Document, DocumentId, Message};
use docx_rs::{Docx, Paragraph, Run, RunFonts, Style, StyleType, Table, TableCell, TableRow};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde::Deserialize;
use std::collections::HashMap;

/// The face's words for an export, and the person's time zone.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ExportLabels {
    /// "Documents used"
    pub documents: String,
    /// "tokens"
    pub tokens: String,
    /// Minutes east of UTC (China: 480).
    pub utc_offset_minutes: i32,
}

/// One question with the answer shown for it (its newest version).
struct Turn<'a> {
    question: &'a Message,
    answer: Option<&'a Message>,
}

fn turns(chat: &Chat) -> Vec<Turn<'_>> {
    let mut out: Vec<Turn<'_>> = Vec::new();
    let mut newest: HashMap<i64, &Message> = HashMap::new();
    for m in &chat.messages {
        if m.role == "assistant" {
            newest.insert(m.turn_id, m);
        }
    }
    let mut seen = std::collections::HashSet::new();
    for m in chat.messages.iter().filter(|m| m.role == "user") {
        if !seen.insert(m.turn_id) {
            continue;
        }
        let answer = newest.get(&m.turn_id).copied();
        // The question the newest answer answers (an edited question, when there is one).
        let question = answer
            .and_then(|a| a.question_id)
            .and_then(|q| chat.messages.iter().find(|x| x.id == q))
            .unwrap_or(m);
        out.push(Turn { question, answer });
    }
    out
}

/// "2026-11-30 14:05" in the person's time zone.
fn date(unix: i64, offset_minutes: i32) -> String {
    let secs = unix + i64::from(offset_minutes) * 60;
    let days = secs.div_euclid(86_400);
    let rest = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}",
        rest / 3_600,
        rest % 3_600 / 60
    )
}

/// The line under an answer: date, tokens, cost.
fn facts(answer: &Message, labels: &ExportLabels) -> String {
    let mut parts = vec![date(answer.created_at, labels.utc_offset_minutes)];
    if let Some(u) = answer.usage {
        parts.push(format!("{} {}", u.total_tokens, labels.tokens));
    }
    if let Some(c) = answer.cost_cny {
        parts.push(format!("¥{c:.4}"));
    }
    parts.join(" · ")
}

fn names(ids: &[DocumentId], documents: &HashMap<DocumentId, &Document>) -> Vec<String> {
    ids.iter()
        .filter_map(|id| documents.get(id).map(|d| d.name.clone()))
        .collect()
}

/// The conversation as Markdown.
pub fn markdown(chat: &Chat, read: &[Document], labels: &ExportLabels) -> String {
    let documents: HashMap<DocumentId, &Document> = read.iter().map(|d| (d.id, d)).collect();
    let mut out = format!("# {}\n\n", chat.summary.title);
    for turn in turns(chat) {
        out.push_str(&format!("## {}\n\n", turn.question.text.replace('\n', " ")));
        let Some(answer) = turn.answer else { continue };
        out.push_str(answer.text.trim());
        out.push_str(&format!("\n\n*{}*\n", facts(answer, labels)));
        let used = names(&answer.document_ids, &documents);
        if !used.is_empty() {
            out.push_str(&format!("\n{}: {}\n", labels.documents, used.join(", ")));
        }
        out.push('\n');
    }
    out
}

/// The conversation as a Word document.
pub fn docx(chat: &Chat, read: &[Document], labels: &ExportLabels) -> Result<Vec<u8>> {
    let documents: HashMap<DocumentId, &Document> = read.iter().map(|d| (d.id, d)).collect();
    let mut doc = Docx::new();
    for level in 1..=4 {
        doc = doc.add_style(
            Style::new(format!("Heading{level}"), StyleType::Paragraph)
                .name(format!("Heading {level}"))
                .bold()
                .size(36 - 4 * level),
        );
    }
    doc = doc.add_paragraph(heading(1, &chat.summary.title));
    for turn in turns(chat) {
        doc = doc.add_paragraph(heading(2, &turn.question.text.replace('\n', " ")));
        let Some(answer) = turn.answer else { continue };
        doc = answer_blocks(doc, &answer.text);
        let line = Run::new()
            .add_text(facts(answer, labels))
            .italic()
            .color("666666");
        doc = doc.add_paragraph(Paragraph::new().add_run(line));
        let used = names(&answer.document_ids, &documents);
        if !used.is_empty() {
            let text = format!("{}: {}", labels.documents, used.join(", "));
            doc = doc
                .add_paragraph(Paragraph::new().add_run(Run::new().add_text(text).color("666666")));
        }
    }
    let mut bytes = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut bytes).map_err(Error::internal)?;
    Ok(bytes.into_inner())
}

fn heading(level: usize, text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(Run::new().add_text(text))
        .style(&format!("Heading{}", level.min(4)))
}

/// Inline formatting in force while walking the Markdown.
#[derive(Default, Clone, Copy)]
struct Marks {
    bold: bool,
    italic: bool,
    code: bool,
}

fn run(text: &str, marks: Marks) -> Run {
    let mut r = Run::new().add_text(text);
    if marks.bold {
        r = r.bold();
    }
    if marks.italic {
        r = r.italic();
    }
    if marks.code {
        r = r.fonts(RunFonts::new().ascii("Consolas").hi_ansi("Consolas"));
    }
    r
}

/// The answer's Markdown as Word paragraphs, lists and tables.
fn answer_blocks(mut doc: Docx, md: &str) -> Docx {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut para: Option<Paragraph> = None;
    let mut marks = Marks::default();
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut table: Option<Vec<Vec<Paragraph>>> = None;
    let mut row: Vec<Paragraph> = Vec::new();
    for event in Parser::new_ext(md, options) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                // An answer's headings sit below the question's (level 2).
                let level = (heading_level(level) + 2).min(4);
                para = Some(Paragraph::new().style(&format!("Heading{level}")));
            }
            Event::Start(Tag::Paragraph) if table.is_none() => {
                para.get_or_insert_with(Paragraph::new);
            }
            Event::Start(Tag::CodeBlock(_)) => {
                marks.code = true;
                para = Some(Paragraph::new());
            }
            Event::Start(Tag::List(start)) => lists.push(start),
            Event::End(TagEnd::List(_)) => {
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                let indent = "    ".repeat(lists.len().saturating_sub(1));
                let bullet = match lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{indent}{}. ", *n - 1)
                    }
                    _ => format!("{indent}• "),
                };
                para = Some(Paragraph::new().add_run(Run::new().add_text(bullet)));
            }
            Event::Start(Tag::Table(_)) => table = Some(Vec::new()),
            Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => row = Vec::new(),
            Event::Start(Tag::TableCell) => para = Some(Paragraph::new()),
            Event::End(TagEnd::TableCell) => row.push(para.take().unwrap_or_default()),
            Event::End(TagEnd::TableHead) | Event::End(TagEnd::TableRow) => {
                if let Some(t) = table.as_mut() {
                    t.push(std::mem::take(&mut row));
                }
            }
            Event::End(TagEnd::Table) => {
                let rows = table.take().unwrap_or_default();
                let rows = rows
                    .into_iter()
                    .map(|cells| {
                        TableRow::new(
                            cells
                                .into_iter()
                                .map(|p| TableCell::new().add_paragraph(p))
                                .collect(),
                        )
                    })
                    .collect();
                doc = doc.add_table(Table::new(rows));
            }
            Event::Start(Tag::Strong) => marks.bold = true,
            Event::End(TagEnd::Strong) => marks.bold = false,
            Event::Start(Tag::Emphasis) => marks.italic = true,
            Event::End(TagEnd::Emphasis) => marks.italic = false,
            Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => {
                let p = para.take().unwrap_or_default();
                para = Some(p.add_run(run(&t, marks)));
            }
            Event::Code(t) => {
                let p = para.take().unwrap_or_default();
                let code = Marks {
                    code: true,
                    ..marks
                };
                para = Some(p.add_run(run(&t, code)));
            }
            Event::SoftBreak | Event::HardBreak => {
                let p = para.take().unwrap_or_default();
                para = Some(p.add_run(Run::new().add_break(docx_rs::BreakType::TextWrapping)));
            }
            Event::End(TagEnd::Paragraph)
            | Event::End(TagEnd::Heading(_))
            | Event::End(TagEnd::Item)
            | Event::End(TagEnd::CodeBlock) => {
                marks.code = false;
                if table.is_none() {
                    if let Some(p) = para.take() {
                        doc = doc.add_paragraph(p);
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(p) = para {
        doc = doc.add_paragraph(p);
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil_in_the_persons_zone() {
        assert_eq!(date(0, 0), "1970-01-01 00:00");
        // 2026-11-30 06:05 UTC is 14:05 in Beijing.
        assert_eq!(date(1_796_018_700, 480), "2026-11-30 14:05");
        assert_eq!(date(1_796_018_700, 0), "2026-11-30 06:05");
        assert_eq!(date(951_782_400, 0), "2000-02-29 00:00");
    }
}
