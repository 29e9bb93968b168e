//! `POST /chat/completions` with `stream: true`: retries before the first token, timeouts,
//! cancellation.

use super::errors::{map_body_error, refusal, request_id};
use super::retry::ChatRetries;
use super::stream::{decode, SseItem};
use super::types::{ChatEvent, ChatOutcome, ChatRequest};
use super::{cancellable, Client};
use crate::error::{Cut, Error, Result, Waited};
use futures_util::StreamExt;
use std::future::Future;
use std::time::Duration;
use tokio::time::{timeout_at, Instant};
use tokio_util::sync::CancellationToken;

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
        let body = serde_json::json!({
            "model": request.model,
            "messages": request.messages,
            "stream": true,
            "stream_options": {"include_usage": true},
        });
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
                .before_first_token(cancel, first_deadline, refusal(resp))
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
        // connection alive: they restart the idle clock.
        let last_bytes = std::sync::Arc::new(std::sync::Mutex::new(Instant::now()));
        let seen = last_bytes.clone();
        let bytes = resp.bytes_stream().map(move |r| {
            if let Ok(mut t) = seen.lock() {
                *t = Instant::now();
            }
            r.map_err(map_body_error)
        });
        let events = decode(bytes, rid.clone());
        futures_util::pin_mut!(events);
        let mut outcome = ChatOutcome {
            request_id: rid,
            ..Default::default()
        };
        let mut got_text = false;
        let last_activity = || {
            last_bytes
                .lock()
                .map(|t| *t)
                .unwrap_or_else(|_| Instant::now())
        };
        loop {
            // Before the first text, the first-token deadline; after it, the idle clock, which
            // restarts whenever bytes arrive. `next()` is cancel-safe: waiting again loses nothing.
            let next = loop {
                let deadline = if got_text {
                    last_activity() + cfg.idle_timeout
                } else {
                    first_deadline
                };
                let r = tokio::select! {
                    biased;
                    _ = cancel.cancelled() => return Err(Error::Cancelled),
                    r = timeout_at(deadline, events.next()) => r,
                };
                match r {
                    Err(_) if got_text && last_activity() + cfg.idle_timeout > Instant::now() => {}
                    r => break r,
                }
            };
            let item = match next {
                Err(_) if got_text => return Err(Error::timeout(Waited::Idle, cfg.idle_timeout)),
                Err(_) => return Err(first_token_timeout(cfg.first_token_timeout)),
                Ok(None) if outcome.finish_reason.is_some() => return Ok(outcome),
                Ok(None) => return Err(Error::stream_cut(Cut::EndedEarly)),
                Ok(Some(item)) => item?,
            };
            match item {
                SseItem::Done => return Ok(outcome),
                SseItem::Chunk(c) => {
                    if !c.content.is_empty() {
                        got_text = true;
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
