//! The cost line: what a question will read before it is asked (the documents' extracted
//! text, the conversation so far, the instruction and the question), and after the answer how
//! far that was from what the service counted, learnt per file type to correct the next one.

use crate::answers::INSTRUCTION;
use crate::checks::expected_tokens;
use crate::error::Result;
use crate::previews::Previews;
use crate::settings::INPUT_CNY_PER_1K;
use crate::store::{chats, documents as docs, estimates, messages, Store};
use crate::types::{ChatId, Document, DocumentSource, Message, QuestionEstimate};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

/// How far off an estimate may be before any correction: the worst of the fixtures measured
/// against Qwen's own tokenizer was 14 % (a spreadsheet, under), the mean 0.2 %.
pub const STATED_ERROR: f64 = 0.15;

/// The chat template's tokens around each message, and where the answer begins.
const PER_MESSAGE: u64 = 5;
const PER_REQUEST: u64 = 3;

/// A single answer moves a type's correction at most this far from the estimate.
const RATIO_BOUNDS: (f64, f64) = (0.2, 5.0);

fn message_tokens(text: &str) -> u64 {
    expected_tokens(text) + PER_MESSAGE
}

/// What one question sends.
struct Input {
    documents: Vec<Document>,
    /// File documents go as their text (`chats.send_text`): counted as text, nothing learnt.
    as_text: bool,
    history: Vec<(String, String)>,
    question: String,
}

/// An estimate, with the parts that learning needs.
struct Counted {
    shown: QuestionEstimate,
    /// Uncorrected tokens of the file documents, per file type.
    raw_files: BTreeMap<String, u64>,
    /// The corrected file tokens inside `shown.tokens`.
    file_tokens: u64,
}

pub(crate) struct Estimates {
    store: Arc<Store>,
    /// Uncorrected tokens of each content read so far (`None`: no text here), by SHA-256.
    known: Mutex<HashMap<String, Option<u64>>>,
}

impl Estimates {
    pub(crate) fn new(store: Arc<Store>) -> Estimates {
        Estimates {
            store,
            known: Mutex::new(HashMap::new()),
        }
    }

    /// What `question` would read if asked now in `chat`; `as_text` says how its documents go
    /// (None: as the chat sends them).
    pub(crate) async fn before_asking(
        &self,
        previews: &Previews,
        chat: ChatId,
        question: &str,
        as_text: Option<bool>,
    ) -> Result<QuestionEstimate> {
        let input = self.store.with(|c| {
            let ids = chats::attached(c, chat)?;
            Ok(Input {
                documents: docs::by_ids(c, &ids, None)?,
                as_text: match as_text {
                    Some(as_text) => as_text,
                    None => chats::sends_text(c, chat)?,
                },
                history: messages::history(c, chat, i64::MAX)?,
                question: question.trim().to_string(),
            })
        })?;
        Ok(self.count(previews, &input).await?.shown)
    }

    /// Sets what was estimated beside what the service counted on a finished `answer`, and
    /// learns from the difference. Answers without usage are left as they are.
    pub(crate) async fn record(&self, previews: &Previews, answer: &mut Message) -> Result<()> {
        let (Some(usage), Some(question_id)) = (answer.usage, answer.question_id) else {
            return Ok(());
        };
        let input = self.store.with(|c| {
            let ids = messages::documents_read(c, answer.id, Some(question_id))?;
            let turn = messages::turn_of(c, question_id)?;
            Ok(Input {
                documents: docs::by_ids(c, &ids, None)?,
                as_text: chats::sends_text(c, answer.chat_id)?,
                history: messages::history(c, answer.chat_id, turn)?,
                question: messages::question(c, question_id)?.0,
            })
        })?;
        let counted = self.count(previews, &input).await?;
        let raw: u64 = counted.raw_files.values().sum();
        // Only an answer about one file type says how far that type was off; with several,
        // the error could not be told apart.
        let learnable =
            raw > 0 && counted.raw_files.len() == 1 && counted.shown.unknown_documents == 0;
        self.store.with(|c| {
            let tx = c.transaction()?;
            estimates::set_estimate(&tx, answer.id, counted.shown.tokens)?;
            if learnable {
                // What the files really read: the service's count less the rest of the estimate.
                let rest = counted.shown.tokens - counted.file_tokens;
                let real = usage.prompt_tokens.saturating_sub(rest).max(1);
                let ratio = (real as f64 / raw as f64).clamp(RATIO_BOUNDS.0, RATIO_BOUNDS.1);
                if let Some(file_type) = counted.raw_files.keys().next() {
                    estimates::learn(&tx, file_type, ratio, 0.2)?;
                }
            }
            tx.commit()?;
            Ok(())
        })?;
        answer.estimated_tokens = Some(counted.shown.tokens);
        Ok(())
    }

    async fn count(&self, previews: &Previews, input: &Input) -> Result<Counted> {
        let ratios = self.store.with(|c| estimates::calibration(c))?;
        let mut raw_files = BTreeMap::<String, u64>::new();
        let (mut texts, mut file_tokens, mut documents, mut unknown) = (0u64, 0u64, 0u32, 0u32);
        let mut corrected = false;
        for doc in &input.documents {
            let Some(tokens) = self.document_tokens(previews, doc).await? else {
                unknown += 1;
                continue;
            };
            documents += 1;
            if doc.source == DocumentSource::Text || input.as_text {
                texts += tokens + PER_MESSAGE;
                continue;
            }
            *raw_files.entry(doc.file_type.clone()).or_default() += tokens;
            let ratio = ratios.get(&doc.file_type).copied();
            corrected |= ratio.is_some();
            file_tokens += (tokens as f64 * ratio.unwrap_or(1.0)).round() as u64;
        }
        let has_files = !input.as_text
            && input
                .documents
                .iter()
                .any(|d| d.source == DocumentSource::File);
        let file_message = if has_files { PER_MESSAGE } else { 0 };
        let history: u64 = input
            .history
            .iter()
            .map(|(q, a)| message_tokens(q) + message_tokens(a))
            .sum();
        let tokens = message_tokens(INSTRUCTION)
            + file_message
            + file_tokens
            + texts
            + history
            + message_tokens(&input.question)
            + PER_REQUEST;
        Ok(Counted {
            shown: QuestionEstimate {
                tokens,
                cost_cny: tokens as f64 * INPUT_CNY_PER_1K / 1000.0,
                document_tokens: file_tokens + texts,
                history_tokens: history,
                documents,
                unknown_documents: unknown,
                corrected,
                as_text: input.as_text,
            },
            raw_files,
            file_tokens,
        })
    }

    /// The uncorrected tokens of a document's text (`None`: scanned, missing or unreadable).
    async fn document_tokens(&self, previews: &Previews, doc: &Document) -> Result<Option<u64>> {
        let key = format!("{:?}:{}", doc.source, doc.sha256);
        if let Some(known) = self.lock().get(&key) {
            return Ok(*known);
        }
        let tokens = previews.tokens(doc).await?.ok();
        self.lock().insert(key, tokens);
        Ok(tokens)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Option<u64>>> {
        // A poisoned map is only a cache: keep using it.
        self.known.lock().unwrap_or_else(|p| p.into_inner())
    }
}
