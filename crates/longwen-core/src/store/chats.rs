//! `chats` and `chat_documents`: conversations and the documents attached to them.

use super::documents::AccountRef;
use super::{documents, messages, now, now_ms};
use crate::error::{Entity, Error, Result};
use crate::types::{Chat, ChatId, ChatPage, ChatSummary, DocumentId, MessageId};
use rusqlite::{params, Connection, OptionalExtension, Row};

/// The document names come as one JSON array, in the order they were attached.
const SUMMARY_SELECT: &str = "SELECT c.id, c.title, c.created_at, c.updated_at,
        (SELECT COUNT(*) FROM messages m WHERE m.chat_id = c.id), c.title_custom,
        (SELECT json_group_array(name) FROM (
             SELECT d.name FROM chat_documents cd JOIN documents d ON d.id = cd.document_id
             WHERE cd.chat_id = c.id ORDER BY cd.added_at, cd.rowid))
    FROM chats c";

fn summary_from_row(r: &Row<'_>) -> rusqlite::Result<ChatSummary> {
    let names: Option<String> = r.get(6)?;
    Ok(ChatSummary {
        id: r.get(0)?,
        title: r.get(1)?,
        created_at: r.get(2)?,
        updated_at: r.get(3)?,
        message_count: r.get::<_, i64>(4)? as u64,
        title_custom: r.get(5)?,
        document_names: names
            .and_then(|n| serde_json::from_str(&n).ok())
            .unwrap_or_default(),
    })
}

pub fn create(conn: &Connection, title: &str) -> Result<ChatSummary> {
    conn.execute(
        "INSERT INTO chats (title, created_at, updated_at, activity_ms) VALUES (?1, ?2, ?2, ?3)",
        params![title, now(), now_ms()],
    )?;
    summary(conn, conn.last_insert_rowid())
}

/// Fails with `NotFound` for an unknown chat.
pub fn summary(conn: &Connection, id: ChatId) -> Result<ChatSummary> {
    conn.query_row(
        &format!("{SUMMARY_SELECT} WHERE c.id = ?1"),
        [id],
        summary_from_row,
    )
    .optional()?
    .ok_or_else(|| Error::not_found(Entity::Chat, id))
}

/// Newest first (by last activity).
pub fn list(conn: &Connection) -> Result<Vec<ChatSummary>> {
    let mut stmt = conn.prepare(&format!(
        "{SUMMARY_SELECT} ORDER BY c.activity_ms DESC, c.id DESC"
    ))?;
    let chats = stmt
        .query_map([], summary_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(chats)
}

pub fn delete(conn: &Connection, id: ChatId) -> Result<()> {
    if conn.execute("DELETE FROM chats WHERE id = ?1", [id])? == 0 {
        return Err(Error::not_found(Entity::Chat, id));
    }
    Ok(())
}

/// Marks the chat as the most recently active.
pub fn touch(conn: &Connection, id: ChatId) -> Result<()> {
    conn.execute(
        "UPDATE chats SET updated_at = ?2, activity_ms = ?3 WHERE id = ?1",
        params![id, now(), now_ms()],
    )?;
    Ok(())
}

/// Gives the chat the person's own title (kept from then on).
pub fn rename(conn: &Connection, id: ChatId, title: &str) -> Result<ChatSummary> {
    let changed = conn.execute(
        "UPDATE chats SET title = ?2, title_custom = 1 WHERE id = ?1",
        params![id, title],
    )?;
    if changed == 0 {
        return Err(Error::not_found(Entity::Chat, id));
    }
    summary(conn, id)
}

/// Names a chat that has no title yet (a chat made empty is named by its first question).
pub fn name_if_untitled(conn: &Connection, id: ChatId, title: &str) -> Result<()> {
    conn.execute(
        "UPDATE chats SET title = ?2 WHERE id = ?1 AND title = ''",
        params![id, title],
    )?;
    Ok(())
}

pub fn attach(conn: &Connection, chat: ChatId, docs: &[DocumentId]) -> Result<()> {
    summary(conn, chat)?;
    for d in docs {
        documents::get(conn, *d, None)?;
        conn.execute(
            "INSERT OR IGNORE INTO chat_documents (chat_id, document_id, added_at) VALUES (?1, ?2, ?3)",
            params![chat, d, now()],
        )?;
    }
    Ok(())
}

pub fn detach(conn: &Connection, chat: ChatId, document: DocumentId) -> Result<()> {
    conn.execute(
        "DELETE FROM chat_documents WHERE chat_id = ?1 AND document_id = ?2",
        params![chat, document],
    )?;
    Ok(())
}

/// The documents attached to the chat, in the order they were attached.
pub fn attached(conn: &Connection, chat: ChatId) -> Result<Vec<DocumentId>> {
    let mut stmt = conn.prepare(
        "SELECT document_id FROM chat_documents WHERE chat_id = ?1 ORDER BY added_at, rowid",
    )?;
    let ids = stmt
        .query_map([chat], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

/// Whether the chat sends its documents' text instead of file ids.
pub fn sends_text(conn: &Connection, chat: ChatId) -> Result<bool> {
    let on: Option<i64> = conn
        .query_row("SELECT send_text FROM chats WHERE id = ?1", [chat], |r| {
            r.get(0)
        })
        .optional()?;
    on.map(|v| v != 0)
        .ok_or_else(|| Error::not_found(Entity::Chat, chat))
}

pub fn set_sends_text(conn: &Connection, chat: ChatId, on: bool) -> Result<()> {
    let n = conn.execute(
        "UPDATE chats SET send_text = ?2 WHERE id = ?1",
        params![chat, on as i64],
    )?;
    if n == 0 {
        return Err(Error::not_found(Entity::Chat, chat));
    }
    Ok(())
}

/// A new key may read files: every chat tries file ids again.
pub fn clear_sends_text(conn: &Connection) -> Result<()> {
    conn.execute("UPDATE chats SET send_text = 0 WHERE send_text <> 0", [])?;
    Ok(())
}

/// A chat with its attached documents and its messages: all of them, or the newest `turns`
/// turns (every version of each) with the count of the messages before them.
pub fn open(
    conn: &Connection,
    id: ChatId,
    account: Option<&AccountRef>,
    turns: Option<usize>,
) -> Result<Chat> {
    let summary = summary(conn, id)?;
    let ids = attached(conn, id)?;
    let documents = documents::by_ids(conn, &ids, account)?;
    let from = match turns {
        Some(n) => messages::newest_turns_start(conn, id, MessageId::MAX, n)?,
        None => None,
    }
    .unwrap_or(MessageId::MIN);
    let list = messages::list_turns(conn, id, from..MessageId::MAX)?;
    let read = messages::documents_read_in_chat(conn, id)?;
    Ok(Chat {
        summary,
        documents,
        messages: list,
        documents_read: documents::by_ids(conn, &read, account)?,
        earlier: messages::count_before_turn(conn, id, from)?,
    })
}

/// The turns before turn `before`: the newest `turns` of them, or every one from the turn of
/// `down_to` when that is further back (a search hit far up the chat).
pub fn earlier(
    conn: &Connection,
    id: ChatId,
    before: MessageId,
    turns: usize,
    down_to: Option<MessageId>,
) -> Result<ChatPage> {
    let Some(newest) = messages::newest_turns_start(conn, id, before, turns)? else {
        return Ok(ChatPage {
            messages: Vec::new(),
            earlier: 0,
        });
    };
    let from = match down_to {
        Some(m) => newest.min(messages::turn_of(conn, m)?),
        None => newest,
    };
    Ok(ChatPage {
        messages: messages::list_turns(conn, id, from..before)?,
        earlier: messages::count_before_turn(conn, id, from)?,
    })
}
