//! Turns, message building, streaming into storage, stop and resume states.
//!
//! - Both rows (question, and answer with status `streaming`) are written before the service is
//!   called, and the partial answer is written at least once a second while it streams.
//! - History sent with a follow-up: earlier question/answer pairs whose answer is `complete`,
//!   or `stopped`/`interrupted` with some text (the person saw that text and may refer to it).
//!   Pairs whose answer failed or is empty are left out.
//! - End states: `complete`; `stopped` (Cancelled); `interrupted` (StreamCut, Network,
//!   Timeout); `error` (anything else, with its kind and message in the engine language).

use crate::checks;
use crate::client::messages::{build, Context};
use crate::client::{
    ChatEvent, ChatMessage, ChatOutcome, ChatRequest, Role, Usage, DEFAULT_INSTRUCTION,
};
use crate::engine::{
    Answer, AnswerEvent, AskRequest, Chat, ChatId, ChatSummary, Document, DocumentId,
    DocumentProgress, DocumentSource, Engine, Message, MessageId, MessageStatus, Session,
};
use crate::error::{Error, Result};
use crate::library::{documents_by_ids, get_document, title_from, AccountRef};
use crate::store::{now, now_ms};
use crate::CancellationToken;
use rusqlite::{params, Connection, OptionalExtension, Row};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How often the partial answer is written while streaming.
const FLUSH_EVERY: Duration = Duration::from_secs(1);
/// A `streaming` row whose writer has been silent this long belongs to a crashed process.
const STALE_AFTER_MS: i64 = 10_000;

fn status_str(s: MessageStatus) -> &'static str {
    match s {
        MessageStatus::Streaming => "streaming",
        MessageStatus::Complete => "complete",
        MessageStatus::Stopped => "stopped",
        MessageStatus::Interrupted => "interrupted",
        MessageStatus::Error => "error",
    }
}

fn parse_status(s: &str) -> MessageStatus {
    match s {
        "streaming" => MessageStatus::Streaming,
        "complete" => MessageStatus::Complete,
        "stopped" => MessageStatus::Stopped,
        "interrupted" => MessageStatus::Interrupted,
        _ => MessageStatus::Error,
    }
}

/// The stored state an error leaves an answer in.
fn end_status(e: &Error) -> MessageStatus {
    match e {
        Error::Cancelled => MessageStatus::Stopped,
        Error::StreamCut(_) | Error::Network(_) | Error::Timeout(_) => MessageStatus::Interrupted,
        _ => MessageStatus::Error,
    }
}

// --- chats -----------------------------------------------------------------------------

pub(crate) fn create_chat(conn: &Connection, title: Option<&str>) -> Result<ChatSummary> {
    let t = now();
    conn.execute(
        "INSERT INTO chats (title, created_at, updated_at, activity_ms) VALUES (?1, ?2, ?2, ?3)",
        params![title.unwrap_or(""), t, now_ms()],
    )?;
    chat_summary(conn, conn.last_insert_rowid())
}

const SUMMARY_SELECT: &str = "SELECT c.id, c.title, c.created_at, c.updated_at,
        (SELECT COUNT(*) FROM messages m WHERE m.chat_id = c.id)
    FROM chats c";

fn summary_from_row(r: &Row<'_>) -> rusqlite::Result<ChatSummary> {
    Ok(ChatSummary {
        id: r.get(0)?,
        title: r.get(1)?,
        created_at: r.get(2)?,
        updated_at: r.get(3)?,
        message_count: r.get::<_, i64>(4)? as u64,
    })
}

fn chat_summary(conn: &Connection, id: ChatId) -> Result<ChatSummary> {
    conn.query_row(
        &format!("{SUMMARY_SELECT} WHERE c.id = ?1"),
        [id],
        summary_from_row,
    )
    .optional()?
    .ok_or_else(|| Error::NotFound(format!("chat {id}")))
}

pub(crate) fn list_chats(conn: &Connection) -> Result<Vec<ChatSummary>> {
    let mut stmt = conn.prepare(&format!(
        "{SUMMARY_SELECT} ORDER BY c.activity_ms DESC, c.id DESC"
    ))?;
    let chats = stmt
        .query_map([], summary_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(chats)
}

pub(crate) fn delete_chat(conn: &Connection, id: ChatId) -> Result<()> {
    if conn.execute("DELETE FROM chats WHERE id = ?1", [id])? == 0 {
        return Err(Error::NotFound(format!("chat {id}")));
    }
    Ok(())
}

fn touch_chat(conn: &Connection, id: ChatId) -> Result<()> {
    conn.execute(
        "UPDATE chats SET updated_at = ?2, activity_ms = ?3 WHERE id = ?1",
        params![id, now(), now_ms()],
    )?;
    Ok(())
}

pub(crate) fn attach(conn: &Connection, chat: ChatId, documents: &[DocumentId]) -> Result<()> {
    chat_summary(conn, chat)?;
    for d in documents {
        get_document(conn, *d, None)?;
        conn.execute(
            "INSERT OR IGNORE INTO chat_documents (chat_id, document_id, added_at) VALUES (?1, ?2, ?3)",
            params![chat, d, now()],
        )?;
    }
    Ok(())
}

pub(crate) fn detach(conn: &Connection, chat: ChatId, document: DocumentId) -> Result<()> {
    conn.execute(
        "DELETE FROM chat_documents WHERE chat_id = ?1 AND document_id = ?2",
        params![chat, document],
    )?;
    Ok(())
}

fn attached_ids(conn: &Connection, chat: ChatId) -> Result<Vec<DocumentId>> {
    let mut stmt = conn.prepare(
        "SELECT document_id FROM chat_documents WHERE chat_id = ?1 ORDER BY added_at, rowid",
    )?;
    let ids = stmt
        .query_map([chat], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

fn message_document_ids(conn: &Connection, message: MessageId) -> Result<Vec<DocumentId>> {
    let mut stmt = conn.prepare(
        "SELECT document_id FROM message_documents WHERE message_id = ?1 ORDER BY rowid",
    )?;
    let ids = stmt
        .query_map([message], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

// --- messages ------------------------------------------------------------------------

const MESSAGE_SELECT: &str = "SELECT id, chat_id, role, text, status, error_kind, error_message,
        request_id, model, prompt_tokens, completion_tokens, total_tokens, cost_cny,
        first_token_ms, total_ms, created_at
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
    Ok(Message {
        id: r.get(0)?,
        chat_id: r.get(1)?,
        role: r.get(2)?,
        text: r.get(3)?,
        status: parse_status(&r.get::<_, String>(4)?),
        error_kind: r.get(5)?,
        error_message: r.get(6)?,
        request_id: r.get(7)?,
        model: r.get(8)?,
        usage,
        cost_cny: r.get(12)?,
        first_token_ms: r.get::<_, Option<i64>>(13)?.map(|v| v as u64),
        total_ms: r.get::<_, Option<i64>>(14)?.map(|v| v as u64),
        document_ids: Vec::new(),
        created_at: r.get(15)?,
    })
}

pub(crate) fn load_message(conn: &Connection, id: MessageId) -> Result<Message> {
    let mut m = conn
        .query_row(
            &format!("{MESSAGE_SELECT} WHERE id = ?1"),
            [id],
            message_from_row,
        )
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("message {id}")))?;
    m.document_ids = message_document_ids(conn, id)?;
    Ok(m)
}

pub(crate) fn load_chat(
    conn: &Connection,
    id: ChatId,
    account: Option<&AccountRef>,
) -> Result<Chat> {
    let summary = chat_summary(conn, id)?;
    let documents = documents_by_ids(conn, &attached_ids(conn, id)?, account)?;
    let mut stmt = conn.prepare(&format!("{MESSAGE_SELECT} WHERE chat_id = ?1 ORDER BY id"))?;
    let mut messages: Vec<Message> = stmt
        .query_map([id], message_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    for m in &mut messages {
        m.document_ids = message_document_ids(conn, m.id)?;
    }
    Ok(Chat {
        summary,
        documents,
        messages,
    })
}

/// Earlier turns of the chat, before `question_id` (see the module doc for which).
fn history(conn: &Connection, chat: ChatId, question_id: MessageId) -> Result<Vec<ChatMessage>> {
    let mut stmt = conn.prepare(
        "SELECT q.text, a.text FROM messages a JOIN messages q ON a.question_id = q.id
         WHERE a.chat_id = ?1 AND a.role = 'assistant' AND q.id < ?2
           AND (a.status = 'complete' OR (a.status IN ('stopped', 'interrupted') AND a.text <> ''))
         ORDER BY q.id",
    )?;
    let rows = stmt.query_map(params![chat, question_id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (q, a) = row?;
        out.push(ChatMessage {
            role: Role::User,
            content: q,
        });
        out.push(ChatMessage {
            role: Role::Assistant,
            content: a,
        });
    }
    Ok(out)
}

fn insert_message_documents(
    conn: &Connection,
    message: MessageId,
    docs: &[DocumentId],
) -> Result<()> {
    for d in docs {
        conn.execute(
            "INSERT OR IGNORE INTO message_documents (message_id, document_id) VALUES (?1, ?2)",
            params![message, d],
        )?;
    }
    Ok(())
}

/// What the answer has so far; shared by the stream callback and the once-a-second writer.
#[derive(Default)]
struct Partial {
    text: String,
    dirty: bool,
    first_token_ms: Option<u64>,
    usage: Option<Usage>,
    /// From the stream's headers: kept for an answer that is cut or stopped later.
    request_id: Option<String>,
    last_flush: Option<Instant>,
}

/// Ends the answer as `interrupted` (keeping its text) when the answering future is dropped
/// before it finishes: a face that drops the call instead of cancelling it.
struct AbandonGuard<'a> {
    engine: &'a Engine,
    answer_id: MessageId,
    partial: &'a Mutex<Partial>,
    armed: bool,
}

impl Drop for AbandonGuard<'_> {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        let text = self.partial.lock().ok().map(|p| p.text.clone());
        let message =
            Error::StreamCut("the answer was abandoned".into()).message(self.engine.lang());
        let _ = self.engine.db(|c| {
            c.execute(
                "UPDATE messages SET text = COALESCE(?2, text), status = 'interrupted',
                     error_kind = 'stream_cut', error_message = ?3
                 WHERE id = ?1 AND status = 'streaming'",
                params![self.answer_id, text, message],
            )?;
            Ok(())
        });
    }
}

/// The stale id named in a service message (`... [id:file-fe-...] ...`), if any.
fn id_in_message(e: &Error) -> Option<String> {
    let msg = e.service_info()?.message.as_deref()?;
    let start = msg.find("[id:")? + 4;
    let end = msg[start..].find(']')? + start;
    Some(msg[start..end].trim().to_string())
}

impl Engine {
    /// Marks answers left `streaming` by a crashed process as `interrupted`. A row whose writer
    /// is alive (another process, heartbeat within 10 s) is left alone.
    pub(crate) fn recover_streaming(&self) -> Result<()> {
        let message =
            Error::StreamCut("the app stopped while answering".into()).message(self.lang());
        self.db(|c| {
            c.execute(
                "UPDATE messages SET status = 'interrupted', error_kind = 'stream_cut', error_message = ?1
                 WHERE status = 'streaming' AND (heartbeat_ms IS NULL OR heartbeat_ms < ?2)",
                params![message, now_ms() - STALE_AFTER_MS],
            )?;
            Ok(())
        })
    }

    pub(crate) async fn ask_impl(
        &self,
        request: AskRequest,
        cancel: &CancellationToken,
        on_event: &mut (dyn FnMut(AnswerEvent) + Send),
    ) -> Result<Answer> {
        let question = request.question.trim().to_string();
        if question.is_empty() {
            return Err(Error::InvalidArgument("the question is empty".into()));
        }
        // Everything that can fail without the service fails before anything is stored.
        let session = self.session()?;
        let model = match request
            .model
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
        {
            Some(m) => m.to_string(),
            None => self.settings()?.model,
        };
        let mut file_ids: Vec<String> = Vec::new();
        for id in &request.file_ids {
            let id = id.trim();
            if !id.is_empty() && !file_ids.iter().any(|f| f == id) {
                file_ids.push(id.to_string());
            }
        }
        let file_ids_json =
            serde_json::to_string(&file_ids).map_err(|e| Error::Internal(e.to_string()))?;
        let (chat_id, question_id, answer_id) = self.db(|c| {
            let tx = c.transaction()?;
            let mut docs = match request.chat_id {
                Some(id) => {
                    chat_summary(&tx, id)?;
                    attached_ids(&tx, id)?
                }
                None => Vec::new(),
            };
            for d in &request.document_ids {
                get_document(&tx, *d, None)?;
                if !docs.contains(d) {
                    docs.push(*d);
                }
            }
            checks::check_document_count(docs.len() + file_ids.len())?;
            // Before anything is stored (this transaction is rolled back), so a refused question
            // leaves no half-asked turn behind; the face still holds the text the person typed
            // and can let them shorten it or move the long part into a document.
            checks::check_question(&question, !docs.is_empty() || !file_ids.is_empty())?;
            let chat_id = match request.chat_id {
                Some(id) => id,
                None => create_chat(&tx, Some(&title_from(&question, 30)))?.id,
            };
            attach(&tx, chat_id, &request.document_ids)?;
            // A chat made empty ("New conversation") is named by its first question.
            tx.execute(
                "UPDATE chats SET title = ?2 WHERE id = ?1 AND title = ''",
                params![chat_id, title_from(&question, 30)],
            )?;
            let t = now();
            tx.execute(
                "INSERT INTO messages (chat_id, role, text, status, file_ids, created_at)
                 VALUES (?1, 'user', ?2, 'complete', ?3, ?4)",
                params![chat_id, question, file_ids_json, t],
            )?;
            let question_id = tx.last_insert_rowid();
            insert_message_documents(&tx, question_id, &docs)?;
            tx.execute(
                "INSERT INTO messages (chat_id, role, text, status, question_id, model, heartbeat_ms, created_at)
                 VALUES (?1, 'assistant', '', 'streaming', ?2, ?3, ?4, ?5)",
                params![chat_id, question_id, model, now_ms(), t],
            )?;
            let answer_id = tx.last_insert_rowid();
            insert_message_documents(&tx, answer_id, &docs)?;
            touch_chat(&tx, chat_id)?;
            tx.commit()?;
            Ok((chat_id, question_id, answer_id))
        })?;
        self.run_answer(
            &session,
            chat_id,
            question_id,
            answer_id,
            &model,
            cancel,
            on_event,
        )
        .await
    }

    pub(crate) async fn regenerate_impl(
        &self,
        answer_id: MessageId,
        cancel: &CancellationToken,
        on_event: &mut (dyn FnMut(AnswerEvent) + Send),
    ) -> Result<Answer> {
        let session = self.session()?;
        let settings_model = self.settings()?.model;
        let (chat_id, question_id, model) = self.db(|c| {
            type Row = (
                ChatId,
                Option<MessageId>,
                String,
                Option<i64>,
                Option<String>,
            );
            let row: Option<Row> = c
                .query_row(
                    "SELECT chat_id, question_id, status, heartbeat_ms, model FROM messages
                     WHERE id = ?1 AND role = 'assistant'",
                    [answer_id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
                )
                .optional()?;
            let (chat_id, question_id, status, heartbeat, stored_model) =
                row.ok_or_else(|| Error::NotFound(format!("answer {answer_id}")))?;
            // The answer is asked again of the model that first gave it (chosen per question
            // with `AskRequest::model`, or the setting of that time); the current setting
            // only for answers that never recorded one.
            let model = stored_model
                .map(|m| m.trim().to_string())
                .filter(|m| !m.is_empty())
                .unwrap_or(settings_model);
            let question_id = question_id
                .ok_or_else(|| Error::NotFound(format!("question of answer {answer_id}")))?;
            if status == "streaming" && heartbeat.is_some_and(|h| h >= now_ms() - STALE_AFTER_MS) {
                return Err(Error::InvalidArgument(
                    "this answer is still being written".into(),
                ));
            }
            // A question stored before this check existed is refused here, before the answer
            // is touched or anything is sent (the question itself stays stored).
            let (question, ids_json): (String, Option<String>) = c.query_row(
                "SELECT text, file_ids FROM messages WHERE id = ?1",
                [question_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let extra_ids = ids_json
                .and_then(|j| serde_json::from_str::<Vec<String>>(&j).ok())
                .unwrap_or_default();
            let with_documents =
                !extra_ids.is_empty() || !message_document_ids(c, question_id)?.is_empty();
            checks::check_question(&question, with_documents)?;
            c.execute(
                "UPDATE messages SET text = '', status = 'streaming', error_kind = NULL,
                     error_message = NULL, request_id = NULL, model = ?2, finish_reason = NULL,
                     prompt_tokens = NULL, completion_tokens = NULL, total_tokens = NULL,
                     cost_cny = NULL, first_token_ms = NULL, total_ms = NULL, heartbeat_ms = ?3
                 WHERE id = ?1",
                params![answer_id, model, now_ms()],
            )?;
            touch_chat(c, chat_id)?;
            Ok((chat_id, question_id, model))
        })?;
        self.run_answer(
            &session,
            chat_id,
            question_id,
            answer_id,
            &model,
            cancel,
            on_event,
        )
        .await
    }

    /// Streams into the stored answer row, writing it at least once a second, then records
    /// the end state.
    #[allow(clippy::too_many_arguments)]
    async fn run_answer(
        &self,
        session: &Session,
        chat_id: ChatId,
        question_id: MessageId,
        answer_id: MessageId,
        model: &str,
        cancel: &CancellationToken,
        on_event: &mut (dyn FnMut(AnswerEvent) + Send),
    ) -> Result<Answer> {
        on_event(AnswerEvent::Started {
            chat_id,
            question_id,
            answer_id,
        });
        let started = Instant::now();
        let partial = Mutex::new(Partial {
            last_flush: Some(started),
            ..Default::default()
        });
        let mut guard = AbandonGuard {
            engine: self,
            answer_id,
            partial: &partial,
            armed: true,
        };
        let result = {
            let on_event = Mutex::new(on_event);
            let fut = self.stream_answer(
                session,
                chat_id,
                question_id,
                answer_id,
                model,
                &partial,
                started,
                cancel,
                &on_event,
            );
            tokio::pin!(fut);
            let mut tick = tokio::time::interval(FLUSH_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    r = &mut fut => break r,
                    // Also a heartbeat: tells other processes this row is alive.
                    _ = tick.tick() => { let _ = self.flush(answer_id, &partial, true); }
                }
            }
        };
        let total_ms = started.elapsed().as_millis() as i64;
        let p = partial
            .lock()
            .map_err(|_| Error::Internal("partial lock poisoned".into()))?;
        let lang = self.lang();
        let (status, outcome, err) = match result {
            Ok(o) => (MessageStatus::Complete, o, None),
            Err(e) => (end_status(&e), ChatOutcome::default(), Some(e)),
        };
        let usage = outcome.usage.or(p.usage);
        let request_id = outcome
            .request_id
            .clone()
            .or_else(|| {
                err.as_ref()
                    .and_then(|e| e.request_id().map(str::to_string))
            })
            .or_else(|| p.request_id.clone());
        let written = self.db(|c| {
            c.execute(
                "UPDATE messages SET text = ?2, status = ?3, error_kind = ?4, error_message = ?5,
                     request_id = ?6, finish_reason = ?7, prompt_tokens = ?8, completion_tokens = ?9,
                     total_tokens = ?10, cost_cny = ?11, first_token_ms = ?12, total_ms = ?13,
                     heartbeat_ms = ?14
                 WHERE id = ?1",
                params![
                    answer_id,
                    p.text,
                    status_str(status),
                    err.as_ref().map(|e| e.kind()),
                    err.as_ref().map(|e| e.message(lang)),
                    request_id,
                    outcome.finish_reason,
                    usage.map(|u| u.prompt_tokens as i64),
                    usage.map(|u| u.completion_tokens as i64),
                    usage.map(|u| u.total_tokens as i64),
                    usage.map(|u| crate::settings::cost_cny(&u)),
                    p.first_token_ms.map(|v| v as i64),
                    total_ms,
                    now_ms(),
                ],
            )?;
            touch_chat(c, chat_id)?;
            load_message(c, answer_id)
        });
        drop(p);
        guard.armed = false;
        match err {
            Some(e) => Err(e),
            None => Ok(Answer {
                chat_id,
                message: written?,
            }),
        }
    }

    /// Writes the partial text if it changed (and, for the timer, the heartbeat).
    fn flush(&self, answer_id: MessageId, partial: &Mutex<Partial>, heartbeat: bool) -> Result<()> {
        let mut p = partial
            .lock()
            .map_err(|_| Error::Internal("partial lock poisoned".into()))?;
        if !p.dirty && !heartbeat {
            return Ok(());
        }
        let text = p.dirty.then(|| p.text.clone());
        let first = p.first_token_ms.map(|v| v as i64);
        self.db(|c| {
            c.execute(
                "UPDATE messages SET text = COALESCE(?2, text), first_token_ms = ?3, heartbeat_ms = ?4
                 WHERE id = ?1 AND status = 'streaming'",
                params![answer_id, text, first, now_ms()],
            )?;
            Ok(())
        })?;
        p.dirty = false;
        p.last_flush = Some(Instant::now());
        Ok(())
    }

    /// Resolves documents (uploading what this account lacks), builds the messages and streams.
    /// A stale stored id (FileNotFound before any text) is re-uploaded once and the question
    /// retried once. Not FileInvalid: our ids are stored per key, so "Invalid file" for one
    /// of them means a RAM-user key, and a new copy would fail the same way (and pile up in
    /// the account, where files never expire).
    #[allow(clippy::too_many_arguments)]
    async fn stream_answer(
        &self,
        session: &Session,
        chat_id: ChatId,
        question_id: MessageId,
        answer_id: MessageId,
        model: &str,
        partial: &Mutex<Partial>,
        started: Instant,
        cancel: &CancellationToken,
        on_event: &Mutex<&mut (dyn FnMut(AnswerEvent) + Send)>,
    ) -> Result<ChatOutcome> {
        let emit = |ev: AnswerEvent| {
            if let Ok(mut f) = on_event.lock() {
                f(ev)
            }
        };
        let account = (session.endpoint.clone(), session.account.clone());
        let (question, extra_ids, docs, history, texts) = self.db(|c| {
            let (question, ids_json): (String, Option<String>) = c.query_row(
                "SELECT text, file_ids FROM messages WHERE id = ?1",
                [question_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let extra: Vec<String> = ids_json
                .and_then(|j| serde_json::from_str(&j).ok())
                .unwrap_or_default();
            let docs = documents_by_ids(c, &message_document_ids(c, question_id)?, Some(&account))?;
            let texts = docs
                .iter()
                .filter(|d| d.source == DocumentSource::Text)
                .map(|d| crate::library::document_text(c, d.id))
                .collect::<Result<Vec<_>>>()?;
            Ok((
                question,
                extra,
                docs,
                history(c, chat_id, question_id)?,
                texts,
            ))
        })?;

        let mut files: Vec<(Document, String)> = Vec::new();
        for doc in docs
            .into_iter()
            .filter(|d| d.source == DocumentSource::File)
        {
            let id = match doc.remote_id.clone() {
                Some(id) => id,
                // Added under another key or region: upload for this account first.
                None => {
                    let progress = |p: DocumentProgress| {
                        emit(AnswerEvent::Preparing {
                            document_id: doc.id,
                            progress: p,
                        })
                    };
                    self.upload_document(session, &doc, &progress, cancel)
                        .await?
                }
            };
            files.push((doc, id));
        }

        let mut retried = false;
        loop {
            let file_ids: Vec<String> = files
                .iter()
                .map(|(_, id)| id.clone())
                .chain(extra_ids.iter().cloned())
                .collect();
            let messages = build(
                &Context {
                    instruction: DEFAULT_INSTRUCTION,
                    file_ids: &file_ids,
                    texts: &texts,
                    history: &history,
                },
                &question,
            );
            let request = ChatRequest {
                model: model.to_string(),
                messages,
            };
            let mut on_chat = |ev: ChatEvent| match ev {
                ChatEvent::Delta(text) => {
                    let due = match partial.lock() {
                        Ok(mut p) => {
                            if p.first_token_ms.is_none() {
                                p.first_token_ms = Some(started.elapsed().as_millis() as u64);
                            }
                            p.text.push_str(&text);
                            p.dirty = true;
                            p.last_flush.is_none_or(|t| t.elapsed() >= FLUSH_EVERY)
                        }
                        Err(_) => false,
                    };
                    if due {
                        let _ = self.flush(answer_id, partial, false);
                    }
                    emit(AnswerEvent::Delta { text });
                }
                ChatEvent::Usage(usage) => {
                    if let Ok(mut p) = partial.lock() {
                        p.usage = Some(usage);
                    }
                    emit(AnswerEvent::Usage {
                        usage,
                        cost_cny: crate::settings::cost_cny(&usage),
                    });
                }
                ChatEvent::Responded { request_id } => {
                    if let Ok(mut p) = partial.lock() {
                        p.request_id = request_id;
                    }
                }
                ChatEvent::Waiting {
                    reason,
                    attempt,
                    retry_in,
                } => emit(AnswerEvent::Waiting {
                    reason,
                    attempt,
                    retry_in_ms: retry_in.as_millis() as u64,
                }),
            };
            let result = session.client.chat(&request, cancel, &mut on_chat).await;
            let nothing_yet = partial.lock().map(|p| p.text.is_empty()).unwrap_or(false);
            match result {
                Err(e @ Error::FileNotFound(_)) if !retried && nothing_yet && !files.is_empty() => {
                    let named = id_in_message(&e);
                    let stale: Vec<usize> = match &named {
                        Some(id) => files
                            .iter()
                            .enumerate()
                            .filter(|(_, (_, f))| f == id)
                            .map(|(i, _)| i)
                            .collect(),
                        None => (0..files.len()).collect(),
                    };
                    if stale.is_empty() {
                        // Not one of ours (a raw id given by the caller): nothing to repair.
                        return Err(e);
                    }
                    retried = true;
                    for i in stale {
                        let doc = files[i].0.clone();
                        let progress = |p: DocumentProgress| {
                            emit(AnswerEvent::Preparing {
                                document_id: doc.id,
                                progress: p,
                            })
                        };
                        files[i].1 = self.reupload(session, &doc, &progress, cancel).await?;
                    }
                }
                Ok(outcome) => {
                    // The usage event is the client's; make sure the face hears of it once.
                    if let Some(u) = outcome.usage {
                        let heard = partial.lock().map(|p| p.usage.is_some()).unwrap_or(true);
                        if !heard {
                            if let Ok(mut p) = partial.lock() {
                                p.usage = Some(u);
                            }
                            emit(AnswerEvent::Usage {
                                usage: u,
                                cost_cny: crate::settings::cost_cny(&u),
                            });
                        }
                    }
                    return Ok(outcome);
                }
                Err(e) => return Err(e),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ServiceInfo;

    #[test]
    fn finds_the_id_in_file_messages() {
        let e = Error::FileNotFound(Box::new(ServiceInfo {
            status: 400,
            message: Some("File [id:file-fe-abc] cannot be found.".into()),
            ..Default::default()
        }));
        assert_eq!(id_in_message(&e).as_deref(), Some("file-fe-abc"));
        assert_eq!(end_status(&Error::Cancelled), MessageStatus::Stopped);
        assert_eq!(
            end_status(&Error::StreamCut("x".into())),
            MessageStatus::Interrupted
        );
    }
}
