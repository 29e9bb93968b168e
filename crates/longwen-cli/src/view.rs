//! What `chats show --json` prints: the shape earlier versions printed, key for key and in the
//! same order. The core's messages carry their error as data; here it becomes `error_kind`
//! and `error_message`, the sentence in the CLI's language.

use crate::strings;
use longwen_core::client::Usage;
use longwen_core::types::{
    Chat, ChatId, ChatSummary, Document, DocumentId, Message, MessageId, MessageStatus,
};
use longwen_core::Lang;
use serde::Serialize;

#[derive(Serialize)]
pub struct ChatView<'a> {
    summary: &'a ChatSummary,
    documents: &'a [Document],
    messages: Vec<MessageView<'a>>,
}

#[derive(Serialize)]
pub struct MessageView<'a> {
    id: MessageId,
    chat_id: ChatId,
    role: &'a str,
    text: &'a str,
    status: MessageStatus,
    error_kind: Option<&'static str>,
    error_message: Option<String>,
    request_id: Option<&'a str>,
    model: Option<&'a str>,
    usage: Option<&'a Usage>,
    cost_cny: Option<f64>,
    first_token_ms: Option<u64>,
    total_ms: Option<u64>,
    document_ids: &'a [DocumentId],
    created_at: i64,
}

impl<'a> ChatView<'a> {
    pub fn new(chat: &'a Chat, lang: Lang) -> ChatView<'a> {
        ChatView {
            summary: &chat.summary,
            documents: &chat.documents,
            messages: chat
                .messages
                .iter()
                .map(|m| MessageView::new(m, lang))
                .collect(),
        }
    }
}

impl<'a> MessageView<'a> {
    pub fn new(m: &'a Message, lang: Lang) -> MessageView<'a> {
        MessageView {
            id: m.id,
            chat_id: m.chat_id,
            role: &m.role,
            text: &m.text,
            status: m.status,
            error_kind: m.error.as_ref().map(|e| e.kind()),
            error_message: error_message(m, lang),
            request_id: m.request_id.as_deref(),
            model: m.model.as_deref(),
            usage: m.usage.as_ref(),
            cost_cny: m.cost_cny,
            first_token_ms: m.first_token_ms,
            total_ms: m.total_ms,
            document_ids: &m.document_ids,
            created_at: m.created_at,
        }
    }
}

/// Why an answer ended early, in `lang`; the sentence an older version stored only when the
/// message has no error data.
pub fn error_message(m: &Message, lang: Lang) -> Option<String> {
    match &m.error {
        Some(e) => Some(strings::error_message(e, lang)),
        None => m.error_detail.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use longwen_core::error::Cut;
    use longwen_core::Error;

    fn answer(error: Option<Error>, error_detail: Option<&str>) -> Message {
        Message {
            id: 2,
            chat_id: 1,
            role: "assistant".into(),
            turn_id: 1,
            question_id: Some(1),
            text: "part".into(),
            status: MessageStatus::Interrupted,
            error,
            error_detail: error_detail.map(str::to_string),
            request_id: Some("req-1".into()),
            model: Some("qwen-long".into()),
            usage: None,
            cost_cny: None,
            first_token_ms: Some(5),
            total_ms: None,
            document_ids: vec![3],
            created_at: 1_700_000_000,
            estimated_tokens: None,
        }
    }

    #[test]
    fn a_message_keeps_the_shape_and_key_order_of_earlier_versions() {
        let m = answer(Some(Error::stream_cut(Cut::EndedEarly)), None);
        let json = serde_json::to_string(&MessageView::new(&m, Lang::En)).unwrap();
        assert_eq!(
            json,
            r#"{"id":2,"chat_id":1,"role":"assistant","text":"part","status":"interrupted","error_kind":"stream_cut","error_message":"The connection dropped while the answer was arriving. The part received is kept. Ask again to get a full answer.","request_id":"req-1","model":"qwen-long","usage":null,"cost_cny":null,"first_token_ms":5,"total_ms":null,"document_ids":[3],"created_at":1700000000}"#
        );
        let zh = MessageView::new(&m, Lang::Zh).error_message.unwrap();
        assert!(zh.starts_with("回答接收过程中连接中断"), "{zh}");
    }

    #[test]
    fn the_stored_sentence_serves_only_without_error_data() {
        let old = answer(None, Some("an older sentence"));
        assert_eq!(
            error_message(&old, Lang::Zh).as_deref(),
            Some("an older sentence")
        );
        let both = answer(Some(Error::Cancelled), Some("an older sentence"));
        assert!(error_message(&both, Lang::En)
            .unwrap()
            .starts_with("Stopped."));
        assert_eq!(error_message(&answer(None, None), Lang::En), None);
    }
}
