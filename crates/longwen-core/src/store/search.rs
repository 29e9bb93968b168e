//! Search over conversations: questions, answers, chat titles and the names of the documents
//! attached, newest first. Three characters or more go through SQLite FTS5 with the trigram
//! tokenizer (any substring, Chinese included); shorter queries (two Chinese characters are a
//! common word) scan the text with `contains_text`.
//!
//! Newest first, not by relevance: FTS5 can then stop at the limit instead of ranking every
//! match (bm25 over the 19,000 messages holding "late delivery" in the search bench took
//! 130 ms, newest first 2 ms), and both paths order alike.

use crate::error::Result;
use crate::types::{ChatId, MessageId};
use aho_corasick::AhoCorasick;
use rusqlite::functions::FunctionFlags;
use rusqlite::types::ValueRef;
use rusqlite::{params, Connection};
use serde::Serialize;

/// Where a hit was found.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum HitField {
    Title,
    Document,
    Question,
    Answer,
}

/// A piece of a snippet: text, marked where it matches the query.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SnippetPart {
    pub text: String,
    pub mark: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SearchHit {
    pub chat_id: ChatId,
    pub chat_title: String,
    /// The message found (questions and answers), to scroll to.
    pub message_id: Option<MessageId>,
    pub field: HitField,
    pub snippet: Vec<SnippetPart>,
}

/// Characters of context on each side of the match in a snippet.
const CONTEXT_CHARS: usize = 24;

/// The text around the first match of `query` (case-insensitively), the match marked.
pub fn snippet(text: &str, query: &str) -> Vec<SnippetPart> {
    let chars: Vec<char> = text.chars().collect();
    let lower: Vec<char> = chars.iter().flat_map(|c| c.to_lowercase()).collect();
    let needle: Vec<char> = query.chars().flat_map(|c| c.to_lowercase()).collect();
    // Lower-casing may change lengths (rarely): then mark nothing rather than the wrong place.
    let at = (lower.len() == chars.len() && !needle.is_empty())
        .then(|| {
            lower
                .windows(needle.len())
                .position(|w| w == needle.as_slice())
        })
        .flatten();
    let part = |from: usize, to: usize| chars[from..to].iter().collect::<String>();
    // Runs of white space become one space; a space next to the match stays (else "the
    // supplier payment terms" would read "the supplierpaymentterms").
    let squash = |s: String| {
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            if !c.is_whitespace() {
                out.push(c);
            } else if !out.ends_with(' ') {
                out.push(' ');
            }
        }
        out
    };
    let Some(at) = at else {
        let end = chars.len().min(CONTEXT_CHARS * 2);
        return vec![SnippetPart {
            text: squash(part(0, end)).trim().to_string(),
            mark: false,
        }];
    };
    let end = at + needle.len();
    let from = at.saturating_sub(CONTEXT_CHARS);
    let to = (end + CONTEXT_CHARS).min(chars.len());
    let mut parts = Vec::new();
    let before = format!(
        "{}{}",
        if from > 0 { "…" } else { "" },
        squash(part(from, at))
    );
    if !before.is_empty() {
        parts.push(SnippetPart {
            text: before,
            mark: false,
        });
    }
    parts.push(SnippetPart {
        text: part(at, end),
        mark: true,
    });
    let after = format!(
        "{}{}",
        squash(part(end, to)),
        if to < chars.len() { "…" } else { "" }
    );
    if !after.is_empty() {
        parts.push(SnippetPart {
            text: after,
            mark: false,
        });
    }
    parts
}

/// The query as one FTS5 phrase (its quotes doubled).
fn phrase(query: &str) -> String {
    format!("\"{}\"", query.replace('"', "\"\""))
}

/// Adds `contains_text(text, needle)` to the connection: whether `needle` occurs in `text`, ASCII
/// letters in any case (what `LIKE '%needle%'` answers, several times faster: LIKE decodes every
/// character, and its full scan of 100,000 messages took 90 ms).
pub fn register(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        "contains_text",
        2,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            // Built once per statement: SQLite keeps it with the constant argument.
            let finder = ctx.get_or_create_aux(1, |needle| {
                let needle = match needle {
                    ValueRef::Text(b) | ValueRef::Blob(b) => b,
                    _ => &[],
                };
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .build([needle])
            })?;
            Ok(match ctx.get_raw(0) {
                ValueRef::Text(b) | ValueRef::Blob(b) => finder.is_match(b),
                _ => false,
            })
        },
    )
}

/// Hits for `query`: chat titles, then document names, then questions and answers, each
/// newest first.
pub fn search(conn: &Connection, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
    let query = query.trim();
    if query.is_empty() {
        return Ok(Vec::new());
    }
    let fts = query.chars().count() >= 3;
    let mut hits = Vec::new();
    let row_hit = |field: HitField| {
        move |r: &rusqlite::Row<'_>| -> rusqlite::Result<(ChatId, String, Option<MessageId>, String, HitField)> {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, field))
        }
    };
    let sql_titles = if fts {
        "SELECT c.id, c.title, NULL, c.title FROM chats_fts f JOIN chats c ON c.id = f.rowid
         WHERE chats_fts MATCH ?1 ORDER BY c.activity_ms DESC LIMIT ?2"
    } else {
        "SELECT c.id, c.title, NULL, c.title FROM chats c
         WHERE contains_text(c.title, ?1) ORDER BY c.activity_ms DESC LIMIT ?2"
    };
    let sql_docs = "SELECT c.id, c.title, NULL, d.name FROM chat_documents cd
         JOIN documents d ON d.id = cd.document_id JOIN chats c ON c.id = cd.chat_id
         WHERE contains_text(d.name, ?1) ORDER BY c.activity_ms DESC LIMIT ?2";
    // Ordered by the FTS rowid (the message id), so that FTS5 walks its matches from the newest
    // and stops at the limit.
    let sql_messages = if fts {
        "SELECT m.chat_id, c.title, m.id, m.text, m.role FROM messages_fts f
         JOIN messages m ON m.id = f.rowid JOIN chats c ON c.id = m.chat_id
         WHERE messages_fts MATCH ?1 ORDER BY f.rowid DESC LIMIT ?2"
    } else {
        "SELECT m.chat_id, c.title, m.id, m.text, m.role FROM messages m
         JOIN chats c ON c.id = m.chat_id
         WHERE contains_text(m.text, ?1) ORDER BY m.id DESC LIMIT ?2"
    };
    let pattern = if fts {
        phrase(query)
    } else {
        query.to_string()
    };
    let limit = limit as i64;
    let mut rows = Vec::new();
    rows.extend(
        conn.prepare(sql_titles)?
            .query_map(params![pattern, limit], row_hit(HitField::Title))?
            .collect::<rusqlite::Result<Vec<_>>>()?,
    );
    rows.extend(
        conn.prepare(sql_docs)?
            .query_map(params![query, limit], row_hit(HitField::Document))?
            .collect::<rusqlite::Result<Vec<_>>>()?,
    );
    let messages = conn
        .prepare(sql_messages)?
        .query_map(params![pattern, limit], |r| {
            let role: String = r.get(4)?;
            let field = if role == "user" {
                HitField::Question
            } else {
                HitField::Answer
            };
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, field))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.extend(messages);
    for (chat_id, chat_title, message_id, text, field) in rows {
        if hits.len() as i64 >= limit {
            break;
        }
        hits.push(SearchHit {
            chat_id,
            chat_title,
            message_id,
            field,
            snippet: snippet(&text, query),
        });
    }
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_mark_the_match_in_context() {
        let s = snippet("乙方逾期交货的违约金按每日千分之三计算", "违约金");
        assert_eq!(
            s,
            vec![
                SnippetPart {
                    text: "乙方逾期交货的".into(),
                    mark: false
                },
                SnippetPart {
                    text: "违约金".into(),
                    mark: true
                },
                SnippetPart {
                    text: "按每日千分之三计算".into(),
                    mark: false
                },
            ]
        );
        let s = snippet("The PENALTY for late delivery", "penalty");
        assert_eq!(s[1].text, "PENALTY");
        assert!(s[1].mark);
        assert_eq!(
            (s[0].text.as_str(), s[2].text.as_str()),
            ("The ", " for late delivery")
        );
        let long = format!("{}needle{}", "a".repeat(100), "b".repeat(100));
        let s = snippet(&long, "needle");
        assert!(s[0].text.starts_with('…') && s[2].text.ends_with('…'));
        assert_eq!(phrase("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn contains_text_answers_like_like() {
        let conn = Connection::open_in_memory().unwrap();
        register(&conn).unwrap();
        let contains = |text: &str, needle: &str| -> bool {
            conn.query_row("SELECT contains_text(?1, ?2)", [text, needle], |r| r.get(0))
                .unwrap()
        };
        assert!(contains("乙方逾期交货的违约金", "违约"));
        assert!(!contains("乙方逾期交货的违约金", "熊猫"));
        // ASCII letters in any case, as LIKE; `%` and `_` are plain characters.
        assert!(contains("The PENALTY clause", "Pe"));
        assert!(contains("about 50% off", "0%"));
        assert!(!contains("about 500 off", "5%"));
        assert!(!contains("a_b", "ab"));
        let null: bool = conn
            .query_row("SELECT contains_text(NULL, 'a') IS 0", [], |r| r.get(0))
            .unwrap();
        assert!(null);
    }
}
