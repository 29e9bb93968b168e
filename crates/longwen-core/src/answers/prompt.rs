//! What one question asks: its text, the documents it reads (file documents by remote id,
//! text documents by their text) and the earlier turns, read once and built into the messages
//! the contract prescribes.

use crate::client::messages::{build, Context};
use crate::client::{ChatMessage, Role};
use crate::error::Result;
use crate::session::Session;
use crate::store::{chats, documents, messages};
use crate::types::{ChatId, Document, DocumentSource, MessageId};
use rusqlite::Connection;

/// The instruction of every question: answer from the documents, and quote what the answer
/// relies on word for word (the app finds each quotation in the documents and links to it),
/// with the quotation marks of the language of the answer.
pub(crate) const INSTRUCTION: &str = "You are a helpful assistant that answers questions about the documents provided. \
When your answer relies on a passage of a document, quote the passage word for word in quotation marks: \
「…」 when you answer in Chinese, “…” when you answer in English. \
Quote only what the documents say; if they do not say it, say so. \
你是一个根据所提供文档回答问题的助手。回答所依据的文档原文，请逐字引用并加引号：中文回答用「」，英文回答用“”。\
只引用文档中确有的内容；文档中没有的，请直接说明。";

#[derive(Clone)]
pub(crate) struct Prompt {
    pub question: String,
    /// Raw remote ids the caller gave (`longwen ask --file-id`).
    pub extra_ids: Vec<String>,
    /// The file documents the question reads, with their remote ids for the session's account
    /// (`None`: not uploaded for this account yet).
    pub files: Vec<Document>,
    /// The text documents' texts, one system message each.
    pub texts: Vec<String>,
    pub history: Vec<ChatMessage>,
    /// What an earlier answer about the same documents read, per the service (tokens).
    pub known_tokens: Option<u64>,
    /// The chat sends its file documents' text instead of their ids (a key that may not read
    /// uploaded files).
    pub sends_text: bool,
}

impl Prompt {
    pub(crate) fn load(
        conn: &Connection,
        chat: ChatId,
        question_id: MessageId,
        question: String,
        extra_ids: Vec<String>,
        session: &Session,
    ) -> Result<Prompt> {
        let account = session.account_ref();
        let ids = messages::document_ids(conn, question_id)?;
        let known_tokens = messages::tokens_read_before(conn, chat, question_id, &ids)?;
        let docs = documents::by_ids(conn, &ids, Some(&account))?;
        let mut files = Vec::new();
        let mut texts = Vec::new();
        for doc in docs {
            match doc.source {
                DocumentSource::File => files.push(doc),
                DocumentSource::Text => texts.push(documents::text(conn, doc.id)?),
            }
        }
        let turn = messages::turn_of(conn, question_id)?;
        let history = messages::history(conn, chat, turn)?
            .into_iter()
            .flat_map(|(q, a)| {
                [
                    ChatMessage {
                        role: Role::User,
                        content: q,
                    },
                    ChatMessage {
                        role: Role::Assistant,
                        content: a,
                    },
                ]
            })
            .collect();
        Ok(Prompt {
            question,
            extra_ids,
            files,
            texts,
            history,
            known_tokens,
            sends_text: chats::sends_text(conn, chat)?,
        })
    }

    /// Whether a document system message goes with the question (its 9,000-token limit).
    pub(crate) fn has_documents(&self) -> bool {
        !self.files.is_empty() || !self.texts.is_empty() || !self.extra_ids.is_empty()
    }

    /// The messages for these remote ids (one per file document, in order), then the raw ids.
    pub(crate) fn messages(&self, file_ids: &[String]) -> Vec<ChatMessage> {
        let ids: Vec<String> = file_ids
            .iter()
            .chain(self.extra_ids.iter())
            .cloned()
            .collect();
        build(
            &Context {
                instruction: INSTRUCTION,
                file_ids: &ids,
                texts: &self.texts,
                history: &self.history,
            },
            &self.question,
        )
    }
}
