//! `POST /chat/completions` with `stream: true`: retries before the first token, timeouts,
//! cancellation.

use super::body::refusal;
use super::errors::request_id;
use super::retry::ChatRetries;
use super::stream::{decode, SseItem};
use super::transport::map_body_error;
use super::types::{ChatEvent, ChatMessage, ChatOutcome, ChatRequest};
use super::{cancellable, Client};
use crate::error::{Cut, Error, Result, Waited};
use futures_util::StreamExt;
use serde::Serialize;
use std::future::Future;
use std::time::Duration;
use tokio::time::{timeout_at, Instant};
use tokio_util::sync::CancellationToken;

/// The body of a chat call: always streamed, with the usage chunk at the end.
#[derive(Serialize)]
struct ChatBody<'a> {
    model: &'a str,
    messages: &'a [ChatMessage],
    stream: bool,
    stream_options: StreamOptions,
}

#[derive(Serialize)]
struct StreamOptions {
    include_usage: bool,
}

impl<'a> ChatBody<'a> {
    fn new(request: &'a ChatRequest) -> Self {
        ChatBody {
            model: &request.model,
            messages: &request.messages,
            stream: true,
            stream_options: StreamOptions {
                include_usage: true,
            },
        }
    }
}

impl Client {
    /// Streams one answer. Events arrive in order through `on_event`. On an error after some
    /// text, the text already delivered stays delivered and the error is returned.
    pub async fn chat(
        &self,
        request: &ChatRequest,
        cancel: &CancellationToken,
        on_event: &mut (dyn FnMut(ChatEvent) + Send),
    ) -> Result<ChatOutcome> {
        self.chat_unscrubbed(request, cancel, on_event)
            .await
            .map_err(|e| self.scrub(e))
    }

    async fn chat_unscrubbed(
        &self,
        request: &ChatRequest,
        cancel: &CancellationToken,
        on_event: &mut (dyn FnMut(ChatEvent) + Send),
    ) -> Result<ChatOutcome> {
        let cfg = &self.inner.config;
        let body = ChatBody::new(request);
        let mut retries = ChatRetries::new(cfg);
        loop {
            if cancel.is_cancelled() {
                return Err(Error::Cancelled);
            }
            // The first-token wait covers connecting, the headers and the silence before
            // the first text: reading a huge document can take minutes.
            let first_deadline = Instant::now() + cfg.first_token_timeout;
            let send = self
                .request(reqwest::Method::POST, "chat/completions")
                .header(reqwest::header::ACCEPT, "text/event-stream")
                .json(&body)
                .send();
            let resp = self
                .before_first_token(cancel, first_deadline, send)
                .await?
                .map_err(|e| self.net_error(e))?;
            if resp.status().is_success() {
                return self
                    .read_stream(resp, first_deadline, cancel, on_event)
                    .await;
            }
            let err = self
                .before_first_token(
                    cancel,
                    first_deadline,
                    refusal(resp, cfg.max_error_body_bytes),
                )
                .await?;
            let Some(retry) = retries.after(&err) else {
                return Err(err);
            };
            on_event(ChatEvent::Waiting {
                reason: retry.reason,
                attempt: retry.attempt,
                retry_in: retry.wait,
            });
            cancellable(cancel, tokio::time::sleep(retry.wait)).await?;
        }
    }

    /// `fut`, unless cancelled or the first-token deadline passes first.
    async fn before_first_token<F: Future>(
        &self,
        cancel: &CancellationToken,
        deadline: Instant,
        fut: F,
    ) -> Result<F::Output> {
        cancellable(cancel, timeout_at(deadline, fut))
            .await?
            .map_err(|_| first_token_timeout(self.inner.config.first_token_timeout))
    }

    async fn read_stream(
        &self,
        resp: reqwest::Response,
        first_deadline: Instant,
        cancel: &CancellationToken,
        on_event: &mut (dyn FnMut(ChatEvent) + Send),
    ) -> Result<ChatOutcome> {
        let cfg = &self.inner.config;
        let rid = request_id(resp.headers());
        on_event(ChatEvent::Responded {
            request_id: rid.clone(),
        });
        // Any bytes, keep-alive comments included (the SSE decoder drops those), prove the
        // connection alive: each read signals `bytes_came`, which restarts the idle clock.
        let (alive, mut bytes_came) = tokio::sync::watch::channel(());
        let bytes = resp.bytes_stream().map(move |r| {
            alive.send_replace(());
            r.map_err(map_body_error)
        });
        let events = decode(bytes, rid.clone(), cfg.max_stream_event_bytes);
        futures_util::pin_mut!(events);
        // Before the first text, the first-token deadline; after it, the idle clock.
        let deadline = tokio::time::sleep_until(first_deadline);
        tokio::pin!(deadline);
        let mut outcome = ChatOutcome {
            request_id: rid,
            ..Default::default()
        };
        let mut got_text = false;
        loop {
            // `next()` and `changed()` are cancel-safe: waiting again loses nothing.
            let next = tokio::select! {
                biased;
                _ = cancel.cancelled() => return Err(Error::Cancelled),
                next = events.next() => next,
                Ok(()) = bytes_came.changed(), if got_text => {
                    deadline.as_mut().reset(Instant::now() + cfg.idle_timeout);
                    continue;
                }
                _ = &mut deadline => {
                    return Err(if got_text {
                        Error::timeout(Waited::Idle, cfg.idle_timeout)
                    } else {
                        first_token_timeout(cfg.first_token_timeout)
                    });
                }
            };
            let item = match next {
                None if outcome.finish_reason.is_some() => return Ok(outcome),
                None => return Err(Error::stream_cut(Cut::EndedEarly)),
                Some(item) => item?,
            };
            match item {
                SseItem::Done => return Ok(outcome),
                SseItem::Chunk(c) => {
                    if !c.content.is_empty() {
                        if !got_text {
                            got_text = true;
                            deadline.as_mut().reset(Instant::now() + cfg.idle_timeout);
                        }
                        on_event(ChatEvent::Delta(c.content));
                    }
                    if c.finish_reason.is_some() {
                        outcome.finish_reason = c.finish_reason;
                    }
                    if let Some(u) = c.usage {
                        outcome.usage = Some(u);
                        on_event(ChatEvent::Usage(u));
                    }
                }
            }
        }
    }
}

fn first_token_timeout(d: Duration) -> Error {
    Error::timeout(Waited::FirstToken, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::messages::{build, Context};

    /// The typed body is the one the contract shows (and the one built with `json!` before).
    #[test]
    fn body_is_the_contracts() {
        let ids = vec!["file-fe-1".to_string()];
        let ctx = Context {
            file_ids: &ids,
            ..Default::default()
        };
        let request = ChatRequest {
            model: "qwen-long".into(),
            messages: build(&ctx, "总金额？"),
        };
        let sent = serde_json::to_value(ChatBody::new(&request)).unwrap();
        let want = serde_json::json!({
            "model": request.model,
            "messages": request.messages,
            "stream": true,
            "stream_options": {"include_usage": true},
        });
        assert_eq!(sent, want);
    }
}
