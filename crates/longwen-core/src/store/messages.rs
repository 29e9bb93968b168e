//! `messages` and `message_documents`: questions, answers (with their end state, usage and
//! error as data) and the documents each one read.

use super::now_ms;
use crate::client::Usage;
use crate::error::{Entity, Error, Result};
use crate::types::{ChatId, DocumentId, Message, MessageId, MessageStatus};
use rusqlite::{params, Connection, OptionalExtension, Row};
use std::collections::HashMap;
use std::ops::Range;

const MESSAGE_SELECT: &str = "SELECT id, chat_id, role, text, status, error_data, error_detail,
        request_id, model, prompt_tokens, completion_tokens, total_tokens, cost_cny,
        first_token_ms, total_ms, created_at, error_kind, COALESCE(turn_id, id), question_id,
        estimated_tokens
    FROM messages";

fn message_from_row(r: &Row<'_>) -> rusqlite::Result<Message> {
    let tokens: (Option<i64>, Option<i64>, Option<i64>) = (r.get(9)?, r.get(10)?, r.get(11)?);
    let usage = match tokens {
        (Some(p), Some(c), Some(t)) => Some(Usage {
            prompt_tokens: p as u64,
            completion_tokens: c as u64,
            total_tokens: t as u64,
        }),
        _ => None,
    };
    let data: Option<String> = r.get(5)?;
    let kind: Option<String> = r.get(16)?;
    let error = data.map(|json| {
        serde_json::from_str::<Error>(&json)
            // A kind this version does not know: keep it visible as an internal error.
            .unwrap_or_else(|_| Error::internal(kind.unwrap_or(json)))
    });
    Ok(Message {
        id: r.get(0)?,
        chat_id: r.get(1)?,
        role: r.get(2)?,
        turn_id: r.get(17)?,
        question_id: r.get(18)?,
        text: r.get(3)?,
        status: MessageStatus::parse(&r.get::<_, String>(4)?),
        error_detail: r.get(6)?,
        error,
        request_id: r.get(7)?,
        model: r.get(8)?,
        usage,
        cost_cny: r.get(12)?,
        first_token_ms: r.get::<_, Option<i64>>(13)?.map(|v| v as u64),
        total_ms: r.get::<_, Option<i64>>(14)?.map(|v| v as u64),
        document_ids: Vec::new(),
        created_at: r.get(15)?,
        estimated_tokens: r.get::<_, Option<i64>>(19)?.map(|v| v as u64),
    })
}

fn error_json(error: Option<&Error>) -> Result<Option<String>> {
    error
        .map(|e| serde_json::to_string(e).map_err(Error::internal))
        .transpose()
}

pub fn load(conn: &Connection, id: MessageId) -> Result<Message> {
    let mut m = conn
        .query_row(
            &format!("{MESSAGE_SELECT} WHERE id = ?1"),
            [id],
            message_from_row,
        )
        .optional()?
        .ok_or_else(|| Error::not_found(Entity::Message, id))?;
    m.document_ids = document_ids(conn, id)?;
    Ok(m)
}

/// The chat's messages, oldest first.
pub fn list(conn: &Connection, chat: ChatId) -> Result<Vec<Message>> {
    list_turns(conn, chat, MessageId::MIN..MessageId::MAX)
}

/// The messages of the chat's turns whose ids (a turn's id is its first question's) are in
/// `turns`, every version of each, oldest first.
pub fn list_turns(
    conn: &Connection,
    chat: ChatId,
    turns: Range<MessageId>,
) -> Result<Vec<Message>> {
    let mut stmt = conn.prepare(&format!(
        "{MESSAGE_SELECT} WHERE chat_id = ?1 AND COALESCE(turn_id, id) >= ?2
           AND COALESCE(turn_id, id) < ?3 ORDER BY id"
    ))?;
    let mut messages: Vec<Message> = stmt
        .query_map(params![chat, turns.start, turns.end], message_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    // One query for every message's documents (one per message took most of a long chat's open).
    let at: HashMap<MessageId, usize> = messages
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id, i))
        .collect();
    let mut stmt = conn.prepare(
        "SELECT md.message_id, md.document_id FROM message_documents md
           JOIN messages m ON m.id = md.message_id
         WHERE m.chat_id = ?1 AND COALESCE(m.turn_id, m.id) >= ?2
           AND COALESCE(m.turn_id, m.id) < ?3
         ORDER BY md.rowid",
    )?;
    let links = stmt.query_map(params![chat, turns.start, turns.end], |r| {
        Ok((r.get::<_, MessageId>(0)?, r.get::<_, DocumentId>(1)?))
    })?;
    for link in links {
        let (message, document) = link?;
        if let Some(&i) = at.get(&message) {
            messages[i].document_ids.push(document);
        }
    }
    Ok(messages)
}

/// Where the newest `count` turns before turn `before` start (None: no turn before it).
pub fn newest_turns_start(
    conn: &Connection,
    chat: ChatId,
    before: MessageId,
    count: usize,
) -> Result<Option<MessageId>> {
    Ok(conn.query_row(
        "SELECT MIN(t) FROM (SELECT DISTINCT COALESCE(turn_id, id) AS t FROM messages
           WHERE chat_id = ?1 AND COALESCE(turn_id, id) < ?2 ORDER BY t DESC LIMIT ?3)",
        params![chat, before, count as i64],
        |r| r.get(0),
    )?)
}

/// How many of the chat's messages belong to turns before turn `turn`.
pub fn count_before_turn(conn: &Connection, chat: ChatId, turn: MessageId) -> Result<usize> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM messages WHERE chat_id = ?1 AND COALESCE(turn_id, id) < ?2",
        params![chat, turn],
        |r| r.get::<_, i64>(0),
    )? as usize)
}

/// Every document an answer of the chat read, by id.
pub fn documents_read_in_chat(conn: &Connection, chat: ChatId) -> Result<Vec<DocumentId>> {
    let mut stmt = conn.prepare(
        "SELECT DISTINCT md.document_id FROM message_documents md
           JOIN messages m ON m.id = md.message_id
         WHERE m.chat_id = ?1 ORDER BY md.document_id",
    )?;
    let ids = stmt
        .query_map([chat], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

pub fn document_ids(conn: &Connection, message: MessageId) -> Result<Vec<DocumentId>> {
    let mut stmt = conn.prepare(
        "SELECT document_id FROM message_documents WHERE message_id = ?1 ORDER BY rowid",
    )?;
    let ids = stmt
        .query_map([message], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

/// The documents an answer read: recorded on the answer, or on its question (older rows).
pub fn documents_read(
    conn: &Connection,
    answer: MessageId,
    question: Option<MessageId>,
) -> Result<Vec<DocumentId>> {
    let ids = document_ids(conn, answer)?;
    match question {
        Some(q) if ids.is_empty() => document_ids(conn, q),
        _ => Ok(ids),
    }
}

pub fn link_documents(conn: &Connection, message: MessageId, docs: &[DocumentId]) -> Result<()> {
    for d in docs {
        conn.execute(
            "INSERT OR IGNORE INTO message_documents (message_id, document_id) VALUES (?1, ?2)",
            params![message, d],
        )?;
    }
    Ok(())
}

/// The turns before `turn`, each as its newest version's question and answer, when that answer
/// is `complete`, or `stopped`/`interrupted` with some text (the person saw that text and may
/// refer to it). Turns whose newest answer failed or is empty are left out.
pub fn history(conn: &Connection, chat: ChatId, turn: MessageId) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT q.text, a.text FROM messages a JOIN messages q ON a.question_id = q.id
         WHERE a.chat_id = ?1 AND a.role = 'assistant' AND a.turn_id < ?2
           AND a.id = (SELECT MAX(x.id) FROM messages x
                       WHERE x.chat_id = a.chat_id AND x.role = 'assistant'
                         AND x.turn_id = a.turn_id)
           AND (a.status = 'complete' OR (a.status IN ('stopped', 'interrupted') AND a.text <> ''))
         ORDER BY a.turn_id",
    )?;
    let rows = stmt
        .query_map(params![chat, turn], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The tokens the service counted for the latest earlier answer in `chat` that read exactly
/// `docs` (a lower bound for a new question about the same documents: history only grows).
pub fn tokens_read_before(
    conn: &Connection,
    chat: ChatId,
    before: MessageId,
    docs: &[DocumentId],
) -> Result<Option<u64>> {
    let mut stmt = conn.prepare(
        "SELECT id, prompt_tokens FROM messages
         WHERE chat_id = ?1 AND role = 'assistant' AND id < ?2 AND prompt_tokens IS NOT NULL
         ORDER BY id DESC",
    )?;
    let rows: Vec<(MessageId, i64)> = stmt
        .query_map(params![chat, before], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut wanted = docs.to_vec();
    wanted.sort_unstable();
    for (id, tokens) in rows {
        let mut read = document_ids(conn, id)?;
        read.sort_unstable();
        if read == wanted {
            return Ok(Some(tokens.max(0) as u64));
        }
    }
    Ok(None)
}

/// What the answers of `chat` cost, and what all answers since `since` (unix seconds) cost.
pub fn costs(conn: &Connection, chat: Option<ChatId>, since: i64) -> Result<(f64, f64)> {
    let chat_cny: f64 = conn.query_row(
        "SELECT COALESCE(SUM(cost_cny), 0) FROM messages WHERE chat_id = ?1",
        [chat.unwrap_or(-1)],
        |r| r.get(0),
    )?;
    let since_cny: f64 = conn.query_row(
        "SELECT COALESCE(SUM(cost_cny), 0) FROM messages WHERE created_at >= ?1",
        [since],
        |r| r.get(0),
    )?;
    Ok((chat_cny, since_cny))
}

/// Stores a question; `file_ids` are raw remote ids the caller gave. `turn`: the turn this is
/// a new version of (an edited question), or `None` for a new turn.
pub fn insert_question(
    conn: &Connection,
    chat: ChatId,
    text: &str,
    file_ids: &[String],
    created_at: i64,
    turn: Option<MessageId>,
) -> Result<MessageId> {
    let file_ids = serde_json::to_string(file_ids).map_err(Error::internal)?;
    conn.execute(
        "INSERT INTO messages (chat_id, role, text, status, file_ids, turn_id, created_at)
         VALUES (?1, 'user', ?2, 'complete', ?3, ?4, ?5)",
        params![chat, text, file_ids, turn, created_at],
    )?;
    let id = conn.last_insert_rowid();
    conn.execute(
        "UPDATE messages SET turn_id = id WHERE id = ?1 AND turn_id IS NULL",
        [id],
    )?;
    Ok(id)
}

/// Stores an empty answer with status `streaming`, alive as of now, in the question's turn.
pub fn insert_answer(
    conn: &Connection,
    chat: ChatId,
    question_id: MessageId,
    model: &str,
    created_at: i64,
) -> Result<MessageId> {
    conn.execute(
        "INSERT INTO messages (chat_id, role, text, status, question_id, turn_id, model,
                               heartbeat_ms, created_at)
         SELECT ?1, 'assistant', '', 'streaming', ?2, COALESCE(turn_id, id), ?3, ?4, ?5
         FROM messages WHERE id = ?2",
        params![chat, question_id, model, now_ms(), created_at],
    )?;
    Ok(conn.last_insert_rowid())
}

/// The turn a message belongs to.
pub fn turn_of(conn: &Connection, message: MessageId) -> Result<MessageId> {
    conn.query_row(
        "SELECT COALESCE(turn_id, id) FROM messages WHERE id = ?1",
        [message],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| Error::not_found(Entity::Message, message))
}

/// A question's text and the raw remote ids given with it.
pub fn question(conn: &Connection, question_id: MessageId) -> Result<(String, Vec<String>)> {
    let (text, ids): (String, Option<String>) = conn
        .query_row(
            "SELECT text, file_ids FROM messages WHERE id = ?1",
            [question_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or_else(|| Error::not_found(Entity::Question, question_id))?;
    let ids = ids
        .and_then(|j| serde_json::from_str(&j).ok())
        .unwrap_or_default();
    Ok((text, ids))
}

/// What regenerating an answer needs to know about it.
pub struct AnswerRow {
    pub chat_id: ChatId,
    pub question_id: Option<MessageId>,
    pub status: MessageStatus,
    pub heartbeat_ms: Option<i64>,
    pub model: Option<String>,
}

pub fn answer_row(conn: &Connection, answer_id: MessageId) -> Result<AnswerRow> {
    conn.query_row(
        "SELECT chat_id, question_id, status, heartbeat_ms, model FROM messages
         WHERE id = ?1 AND role = 'assistant'",
        [answer_id],
        |r| {
            Ok(AnswerRow {
                chat_id: r.get(0)?,
                question_id: r.get(1)?,
                status: MessageStatus::parse(&r.get::<_, String>(2)?),
                heartbeat_ms: r.get(3)?,
                model: r.get(4)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| Error::not_found(Entity::Answer, answer_id))
}

/// Appends the text that arrived since the last write (empty for a heartbeat alone) to a
/// streaming answer, and refreshes its heartbeat: each second costs what arrived, not the
/// whole answer again.
pub fn append(
    conn: &Connection,
    answer_id: MessageId,
    more: &str,
    first_token_ms: Option<u64>,
) -> Result<()> {
    conn.execute(
        "UPDATE messages SET text = text || ?2, first_token_ms = ?3, heartbeat_ms = ?4
         WHERE id = ?1 AND status = 'streaming'",
        params![answer_id, more, first_token_ms.map(|v| v as i64), now_ms()],
    )?;
    Ok(())
}

/// How an answer ended.
pub struct Finished<'a> {
    pub text: &'a str,
    pub status: MessageStatus,
    pub error: Option<&'a Error>,
    pub request_id: Option<&'a str>,
    pub finish_reason: Option<&'a str>,
    pub usage: Option<Usage>,
    pub cost_cny: Option<f64>,
    pub first_token_ms: Option<u64>,
    pub total_ms: u64,
}

pub fn finish(conn: &Connection, answer_id: MessageId, end: &Finished<'_>) -> Result<()> {
    conn.execute(
        "UPDATE messages SET text = ?2, status = ?3, error_kind = ?4, error_data = ?5,
             error_detail = NULL, request_id = ?6, finish_reason = ?7, prompt_tokens = ?8,
             completion_tokens = ?9, total_tokens = ?10, cost_cny = ?11, first_token_ms = ?12,
             total_ms = ?13, heartbeat_ms = ?14
         WHERE id = ?1",
        params![
            answer_id,
            end.text,
            end.status.as_str(),
            end.error.map(Error::kind),
            error_json(end.error)?,
            end.request_id,
            end.finish_reason,
            end.usage.map(|u| u.prompt_tokens as i64),
            end.usage.map(|u| u.completion_tokens as i64),
            end.usage.map(|u| u.total_tokens as i64),
            end.cost_cny,
            end.first_token_ms.map(|v| v as i64),
            end.total_ms as i64,
            now_ms(),
        ],
    )?;
    Ok(())
}

/// Ends a still-streaming answer as `interrupted` with `error`, keeping its text (or the
/// given text, when newer).
pub fn interrupt(
    conn: &Connection,
    answer_id: MessageId,
    text: Option<&str>,
    error: &Error,
) -> Result<()> {
    conn.execute(
        "UPDATE messages SET text = COALESCE(?2, text), status = 'interrupted',
             error_kind = ?3, error_data = ?4
         WHERE id = ?1 AND status = 'streaming'",
        params![answer_id, text, error.kind(), error_json(Some(error))?],
    )?;
    Ok(())
}

/// Ends as `interrupted` every answer left `streaming` whose writer has been silent since
/// `stale_before_ms` (its process died).
pub fn interrupt_stale(conn: &Connection, stale_before_ms: i64, error: &Error) -> Result<()> {
    conn.execute(
        "UPDATE messages SET status = 'interrupted', error_kind = ?1, error_data = ?2
         WHERE status = 'streaming' AND (heartbeat_ms IS NULL OR heartbeat_ms < ?3)",
        params![error.kind(), error_json(Some(error))?, stale_before_ms],
    )?;
    Ok(())
}
