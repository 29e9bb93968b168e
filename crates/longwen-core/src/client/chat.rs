//! `POST /chat/completions` with `stream: true`: retries before the first token, timeouts,
//! cancellation.

use super::errors::{check, map_body_error, request_id};
use super::retry::backoff;
use super::stream::{decode, SseItem};
use super::types::{ChatEvent, ChatOutcome, ChatRequest, WaitReason};
use super::Client;
use crate::error::{Cut, Error, Result, Waited};
use futures_util::StreamExt;
use std::time::Duration;
use tokio::time::{timeout_at, Instant};
use tokio_util::sync::CancellationToken;

const RETRY_CAP: Duration = Duration::from_secs(60);

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
        let parse_deadline = Instant::now() + cfg.parse_wait;
        let mut retries = 0u32;
        let mut parse_polls = 0u32;
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
            let resp = tokio::select! {
                biased;
                _ = cancel.cancelled() => return Err(Error::Cancelled),
                r = timeout_at(first_deadline, send) => match r {
                    Err(_) => return Err(first_token_timeout(cfg.first_token_timeout)),
                    Ok(r) => r.map_err(|e| self.net_error(e))?,
                },
            };
            let err = if resp.status().is_success() {
                return self
                    .read_stream(resp, first_deadline, cancel, on_event)
                    .await;
            } else {
                tokio::select! {
                    biased;
                    _ = cancel.cancelled() => return Err(Error::Cancelled),
                    r = timeout_at(first_deadline, check(resp)) => match r {
                        Err(_) => return Err(first_token_timeout(cfg.first_token_timeout)),
                        Ok(Ok(_)) => unreachable!("non-success status"),
                        Ok(Err(e)) => e,
                    },
                }
            };
            // Nothing has been delivered yet, so a retry cannot duplicate text.
            let (reason, wait) = match &err {
                Error::RateLimited(_) if retries < cfg.max_retries => (
                    WaitReason::RateLimited,
                    err.retry_after()
                        .unwrap_or_else(|| backoff(cfg.retry_base_delay, retries, RETRY_CAP)),
                ),
                Error::Service(info) if info.status >= 500 && retries < cfg.max_retries => (
                    WaitReason::ServerError,
                    backoff(cfg.retry_base_delay, retries, RETRY_CAP),
                ),
                Error::FileParsing(_) => {
                    let cap = cfg.poll_interval.max(Duration::from_secs(5));
                    let wait = backoff(cfg.poll_interval, parse_polls, cap);
                    if Instant::now() + wait > parse_deadline {
                        return Err(err);
                    }
                    (WaitReason::FileParsing, wait)
                }
                _ => return Err(err),
            };
            let attempt = if reason == WaitReason::FileParsing {
                parse_polls += 1;
                parse_polls
            } else {
                retries += 1;
                retries
            };
            on_event(ChatEvent::Waiting {
                reason,
                attempt,
                retry_in: wait,
            });
            tokio::select! {
                biased;
                _ = cancel.cancelled() => return Err(Error::Cancelled),
                _ = tokio::time::sleep(wait) => {}
            }
        }
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
