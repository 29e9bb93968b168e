//! Answers: storing the question, building the messages, streaming into storage, and the end
//! states.
//!
//! - Both rows (question, and answer with status `streaming`) are written before the service is
//!   called, and the partial answer is written at least once a second while it streams.
//! - A follow-up sends the earlier turns the person saw (see `store::messages::history`).
//! - End states: `complete`; `stopped` (cancelled); `interrupted` (cut, network, timeout);
//!   `error` (anything else). The error is stored as data, never as a sentence.

mod as_text;
mod prompt;
pub(crate) use prompt::INSTRUCTION;
mod run;
mod stream;

use crate::checks;
use crate::documents::Documents;
use crate::error::{Entity, Error, Problem, Result};
use crate::names::{title_from, CHAT_TITLE_CHARS};
use crate::previews::Previews;
use crate::session::Sessions;
use crate::store::{chats, messages, now, now_ms, Store};
use crate::types::{Answer, AnswerEvent, AskRequest, ChatId, MessageId, MessageStatus};
use prompt::Prompt;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// Called with each event of an answer, in order.
pub type AnswerEventFn<'a> = &'a mut (dyn FnMut(AnswerEvent) + Send);

/// A `streaming` row whose writer has been silent this long belongs to a crashed process.
const STALE_AFTER_MS: i64 = 10_000;

pub(crate) struct Answers {
    store: Arc<Store>,
    sessions: Arc<Sessions>,
    documents: Arc<Documents>,
    /// The documents' local text, for a chat that sends text instead of file ids.
    previews: Arc<Previews>,
    /// An answer stops (`AnswerTooLong`) when it would grow past this many bytes.
    max_answer_bytes: usize,
}

/// The rows one answer streams into, and what it asks.
pub(crate) struct Turn {
    pub chat_id: ChatId,
    pub question_id: MessageId,
    pub answer_id: MessageId,
    pub model: String,
    pub prompt: Prompt,
}

/// The raw remote ids, trimmed, without blanks or repeats.
fn clean_file_ids(ids: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in ids.iter().map(|id| id.trim()) {
        if !id.is_empty() && !out.iter().any(|f| f == id) {
            out.push(id.to_string());
        }
    }
    out
}

impl Answers {
    pub(crate) fn new(
        store: Arc<Store>,
        sessions: Arc<Sessions>,
        documents: Arc<Documents>,
        previews: Arc<Previews>,
        max_answer_bytes: usize,
    ) -> Answers {
        Answers {
            store,
            sessions,
            documents,
            previews,
            max_answer_bytes,
        }
    }

    fn settings_model(&self) -> Result<String> {
        Ok(self.store.with(|c| crate::store::settings::load(c))?.model)
    }

    /// Marks answers left `streaming` by a crashed process as `interrupted`. A row whose writer
    /// is alive (another process, heartbeat within 10 s) is left alone.
    pub(crate) fn recover_streaming(&self) -> Result<()> {
        let error = Error::stream_cut(crate::error::Cut::AppStopped);
        self.store
            .with(|c| messages::interrupt_stale(c, now_ms() - STALE_AFTER_MS, &error))
    }

    pub(crate) async fn ask(
        &self,
        request: AskRequest,
        cancel: &CancellationToken,
        on_event: AnswerEventFn<'_>,
    ) -> Result<Answer> {
        let question = request.question.trim().to_string();
        if question.is_empty() {
            return Err(Error::invalid(Problem::EmptyQuestion));
        }
        // Everything that can fail without the service fails before anything is stored.
        let session = self.sessions.current()?;
        let model = match request
            .model
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
        {
            Some(m) => m.to_string(),
            None => self.settings_model()?,
        };
        let file_ids = clean_file_ids(&request.file_ids);
        let turn = self.store.with(|c| {
            let tx = c.transaction()?;
            let mut docs = match request.chat_id {
                Some(id) => {
                    chats::summary(&tx, id)?;
                    chats::attached(&tx, id)?
                }
                None => Vec::new(),
            };
            for d in &request.document_ids {
                crate::store::documents::get(&tx, *d, None)?;
                if !docs.contains(d) {
                    docs.push(*d);
                }
            }
            checks::check_document_count(docs.len() + file_ids.len())?;
            // Before anything is stored (this transaction is rolled back), so a refused question
            // leaves no half-asked turn behind; the face still holds the text the person typed
            // and can let them shorten it or move the long part into a document.
            checks::check_question(&question, !docs.is_empty() || !file_ids.is_empty())?;
            let title = title_from(&question, CHAT_TITLE_CHARS);
            let chat_id = match request.chat_id {
                Some(id) => id,
                None => chats::create(&tx, &title)?.id,
            };
            chats::attach(&tx, chat_id, &request.document_ids)?;
            chats::name_if_untitled(&tx, chat_id, &title)?;
            let asked = Asked {
                chat_id,
                question: &question,
                file_ids: &file_ids,
                docs: &docs,
                model: &model,
                turn: None,
            };
            let turn = store_turn(&tx, &asked, &session)?;
            tx.commit()?;
            Ok(turn)
        })?;
        self.run(&session, turn, cancel, on_event).await
    }

    /// Asks the question behind `answer_id` again: a new answer, the next version of that
    /// turn (the earlier answers stay).
    pub(crate) async fn regenerate(
        &self,
        answer_id: MessageId,
        cancel: &CancellationToken,
        on_event: AnswerEventFn<'_>,
    ) -> Result<Answer> {
        let session = self.sessions.current()?;
        let settings_model = self.settings_model()?;
        let turn = self.store.with(|c| {
            let row = messages::answer_row(c, answer_id)?;
            // The answer is asked again of the model that first gave it (chosen per question
            // with `AskRequest::model`, or the setting of that time); the current setting
            // only for answers that never recorded one.
            let model = row
                .model
                .map(|m| m.trim().to_string())
                .filter(|m| !m.is_empty())
                .unwrap_or(settings_model);
            let question_id = row
                .question_id
                .ok_or_else(|| Error::not_found(Entity::Question, answer_id))?;
            let alive = row
                .heartbeat_ms
                .is_some_and(|h| h >= now_ms() - STALE_AFTER_MS);
            if row.status == MessageStatus::Streaming && alive {
                return Err(Error::invalid(Problem::AnswerStillStreaming));
            }
            // A question stored before this check existed is refused here, before the answer
            // is touched or anything is sent (the question itself stays stored).
            let (question, extra_ids) = messages::question(c, question_id)?;
            let prompt = Prompt::load(c, row.chat_id, question_id, question, extra_ids, &session)?;
            checks::check_question(&prompt.question, prompt.has_documents())?;
            let docs = messages::document_ids(c, question_id)?;
            let answer_id = messages::insert_answer(c, row.chat_id, question_id, &model, now())?;
            messages::link_documents(c, answer_id, &docs)?;
            chats::touch(c, row.chat_id)?;
            Ok(Turn {
                chat_id: row.chat_id,
                question_id,
                answer_id,
                model,
                prompt,
            })
        })?;
        self.run(&session, turn, cancel, on_event).await
    }

    /// Asks an edited question in the turn of `message` (a question or an answer of it): a new
    /// question and answer, the next version of that turn. Later turns stay as they are.
    pub(crate) async fn edit(
        &self,
        message: MessageId,
        question: &str,
        cancel: &CancellationToken,
        on_event: AnswerEventFn<'_>,
    ) -> Result<Answer> {
        let question = question.trim().to_string();
        if question.is_empty() {
            return Err(Error::invalid(Problem::EmptyQuestion));
        }
        let session = self.sessions.current()?;
        let model = self.settings_model()?;
        let turn = self.store.with(|c| {
            let tx = c.transaction()?;
            let chat_id = messages::load(&tx, message)?.chat_id;
            let docs = chats::attached(&tx, chat_id)?;
            checks::check_document_count(docs.len())?;
            checks::check_question(&question, !docs.is_empty())?;
            let asked = Asked {
                chat_id,
                question: &question,
                file_ids: &[],
                docs: &docs,
                model: &model,
                turn: Some(messages::turn_of(&tx, message)?),
            };
            let turn = store_turn(&tx, &asked, &session)?;
            tx.commit()?;
            Ok(turn)
        })?;
        self.run(&session, turn, cancel, on_event).await
    }
}

/// A question about to be stored.
struct Asked<'a> {
    chat_id: ChatId,
    question: &'a str,
    file_ids: &'a [String],
    docs: &'a [crate::types::DocumentId],
    model: &'a str,
    /// The turn it is a new version of (an edit), or `None` for a new turn.
    turn: Option<MessageId>,
}

/// Stores the question and its empty answer (both reading `docs`), and reads the prompt.
fn store_turn(
    tx: &rusqlite::Connection,
    asked: &Asked<'_>,
    session: &crate::session::Session,
) -> Result<Turn> {
    let t = now();
    let chat = asked.chat_id;
    let question_id =
        messages::insert_question(tx, chat, asked.question, asked.file_ids, t, asked.turn)?;
    messages::link_documents(tx, question_id, asked.docs)?;
    let answer_id = messages::insert_answer(tx, chat, question_id, asked.model, t)?;
    messages::link_documents(tx, answer_id, asked.docs)?;
    chats::touch(tx, chat)?;
    let prompt = Prompt::load(
        tx,
        chat,
        question_id,
        asked.question.to_string(),
        asked.file_ids.to_vec(),
        session,
    )?;
    Ok(Turn {
        chat_id: chat,
        question_id,
        answer_id,
        model: asked.model.to_string(),
        prompt,
    })
}
