//! One answer's talk with the service: the remote ids of its documents (uploading what this
//! account lacks), the chat stream into the partial answer, and the repair of stale ids.
//!
//! Repair policy: a stale stored id is uploaded again once and the question retried once,
//! before any text. "cannot be found" names a stale id. "Invalid file" is what the service says
//! both for a file that is gone and for one this key may not use (a RAM user's key): the
//! service is asked (`GET /files/{id}`), and only a file that is gone is uploaded again; for
//! one still there a new copy would fail the same way (and pile up in the account, where files
//! never expire), so the refusal stands.

use super::run::{Writer, FLUSH_EVERY};
use super::{Answers, Turn};
use crate::client::{ChatEvent, ChatOutcome, ChatRequest};
use crate::error::{Error, Result};
use crate::session::Session;
use crate::settings::{cost_cny, model_limits, Region};
use crate::types::{AnswerEvent, Document, DocumentProgress};
use std::sync::Mutex;
use std::time::Instant;
use tokio_util::sync::CancellationToken;

/// The stale id named in a service message (`... [id:file-fe-...] ...`), if any.
fn id_in_message(e: &Error) -> Option<String> {
    let msg = e.service_info()?.message.as_deref()?;
    let start = msg.find("[id:")? + 4;
    let end = msg[start..].find(']')? + start;
    Some(msg[start..end].trim().to_string())
}

/// Which of `files` a `FileNotFound` is about: the one it names, else all of them.
fn stale_files(e: &Error, files: &[(Document, String)]) -> Vec<usize> {
    match id_in_message(e) {
        Some(id) => (0..files.len()).filter(|i| files[*i].1 == id).collect(),
        None => (0..files.len()).collect(),
    }
}

impl Answers {
    /// The files a refusal is about that the account no longer holds. "cannot be found" says
    /// so; "Invalid file" is said both for a file deleted (in the console, by another device)
    /// and for one this key may not use (a RAM user's key): the service is asked which.
    async fn stale(
        &self,
        session: &Session,
        e: &Error,
        files: &[(Document, String)],
        cancel: &CancellationToken,
    ) -> Result<Vec<usize>> {
        let named = stale_files(e, files);
        if matches!(e, Error::FileNotFound(_)) {
            return Ok(named);
        }
        let mut gone = Vec::new();
        for i in named {
            let asked = session.client.get_file(&files[i].1);
            match cancel.run_until_cancelled(asked).await {
                None => return Err(Error::Cancelled),
                Some(Err(Error::FileNotFound(_))) => gone.push(i),
                Some(Ok(_)) => {}
                Some(Err(other)) => return Err(other),
            }
        }
        Ok(gone)
    }
}

/// A question that alone reads more than the model takes in a minute is refused every time:
/// say so before sending it (known from an earlier answer about the same documents).
fn check_model_limit(turn: &Turn) -> Result<()> {
    let (Some(limits), Some(known)) = (model_limits(&turn.model), turn.prompt.known_tokens) else {
        return Ok(());
    };
    if known > limits.tokens_per_minute {
        return Err(Error::TooLargeForModel {
            model: turn.model.clone(),
            tokens: known,
            limit: limits.tokens_per_minute,
        });
    }
    Ok(())
}

/// "Model not found" from an official region that does not offer Qwen-Long: the region is
/// the fix, not the model name.
fn in_region(e: Error, endpoint: &str) -> Error {
    match e {
        Error::ModelNotFound(s)
            if Region::of_url(endpoint).is_some_and(|r| !r.offers_qwen_long()) =>
        {
            Error::ModelNotInRegion(s)
        }
        e => e,
    }
}

type EventSink<'a, 'b> = Mutex<&'a mut (dyn FnMut(AnswerEvent) + Send + 'b)>;

impl Answers {
    pub(super) async fn stream(
        &self,
        session: &Session,
        turn: &Turn,
        writer: &Writer<'_>,
        started: Instant,
        cancel: &CancellationToken,
        on_event: &EventSink<'_, '_>,
    ) -> Result<ChatOutcome> {
        check_model_limit(turn)?;
        let as_text;
        let prompt = if turn.prompt.sends_text {
            as_text = self.as_text(&turn.prompt).await?;
            &as_text
        } else {
            &turn.prompt
        };
        let emit = |ev: AnswerEvent| {
            if let Ok(mut f) = on_event.lock() {
                f(ev)
            }
        };
        let preparing = |doc: &Document| {
            let id = doc.id;
            move |p: DocumentProgress| {
                emit(AnswerEvent::Preparing {
                    document_id: id,
                    progress: p,
                })
            }
        };
        let mut files: Vec<(Document, String)> = Vec::new();
        for doc in &prompt.files {
            let id = match doc.remote_id.clone() {
                Some(id) => id,
                // Added under another key or region: upload for this account first.
                None => {
                    let progress = preparing(doc);
                    self.documents
                        .upload_document(session, doc, &progress, cancel)
                        .await?
                }
            };
            files.push((doc.clone(), id));
        }

        // Stops the chat from inside its own callback when the answer grows too long.
        let chat_cancel = cancel.child_token();
        let mut retried = false;
        loop {
            let ids: Vec<String> = files.iter().map(|(_, id)| id.clone()).collect();
            // While the service reads them, the files cannot be deleted from the cloud view.
            let _holding = self.documents.in_use.hold(&ids);
            let request = ChatRequest {
                model: turn.model.clone(),
                messages: prompt.messages(&ids),
            };
            let mut on_chat = |ev: ChatEvent| match ev {
                ChatEvent::Delta(mut text) => {
                    let due = match writer.lock() {
                        Ok(mut p) => {
                            if p.first_token_ms.is_none() {
                                p.first_token_ms = Some(started.elapsed().as_millis() as u64);
                            }
                            let limit = self.max_answer_bytes;
                            if p.text.len() + text.len() > limit {
                                let keep = text.floor_char_boundary(limit - p.text.len());
                                text.truncate(keep);
                                p.too_long = true;
                                chat_cancel.cancel();
                            }
                            p.text.push_str(&text);
                            p.last_flush.is_none_or(|t| t.elapsed() >= FLUSH_EVERY)
                        }
                        Err(_) => false,
                    };
                    if due {
                        let _ = writer.flush(false);
                    }
                    // Past the size kept, what still arrives is dropped, not shown.
                    if !text.is_empty() {
                        emit(AnswerEvent::Delta { text });
                    }
                }
                ChatEvent::Usage(usage) => {
                    if let Ok(mut p) = writer.lock() {
                        p.usage = Some(usage);
                    }
                    emit(AnswerEvent::Usage {
                        usage,
                        cost_cny: cost_cny(&usage),
                    });
                }
                ChatEvent::Responded { request_id } => {
                    if let Ok(mut p) = writer.lock() {
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
            let result = session
                .client
                .chat(&request, &chat_cancel, &mut on_chat)
                .await
                .map_err(|e| in_region(e, &session.endpoint));
            if writer.lock().is_ok_and(|p| p.too_long) {
                return Err(Error::AnswerTooLong {
                    limit: self.max_answer_bytes as u64,
                });
            }
            let nothing_yet = writer.lock().map(|p| p.text.is_empty()).unwrap_or(false);
            match result {
                Err(e @ (Error::FileNotFound(_) | Error::FileInvalid(_)))
                    if !retried && nothing_yet && !files.is_empty() =>
                {
                    let stale = self.stale(session, &e, &files, cancel).await?;
                    if stale.is_empty() {
                        // Not one of ours (a raw id given by the caller), or still in the
                        // account (a key that may not use it): nothing to repair.
                        return Err(e);
                    }
                    retried = true;
                    for i in stale {
                        let doc = files[i].0.clone();
                        let progress = preparing(&doc);
                        files[i].1 = self
                            .documents
                            .reupload(session, &doc, &progress, cancel)
                            .await?;
                    }
                }
                Ok(outcome) => {
                    // The usage event is the client's; make sure the face hears of it once.
                    if let Some(u) = outcome.usage {
                        let unheard = writer.lock().map(|mut p| {
                            let unheard = p.usage.is_none();
                            p.usage = Some(u);
                            unheard
                        });
                        if unheard.unwrap_or(false) {
                            emit(AnswerEvent::Usage {
                                usage: u,
                                cost_cny: cost_cny(&u),
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
    }

    #[test]
    fn model_not_found_outside_beijing_names_the_region() {
        use crate::client::{BEIJING_URL, SINGAPORE_URL, US_URL};
        let nf = || Error::ModelNotFound(Box::default());
        assert_eq!(in_region(nf(), SINGAPORE_URL).kind(), "model_not_in_region");
        assert_eq!(in_region(nf(), US_URL).kind(), "model_not_in_region");
        assert_eq!(in_region(nf(), BEIJING_URL).kind(), "model_not_found");
        assert_eq!(
            in_region(nf(), "https://gateway.example.com/v1").kind(),
            "model_not_found"
        );
    }
}
