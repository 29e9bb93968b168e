//! The life of one answer row: `streaming` while text arrives (written at least once a
//! second, which is also the heartbeat other processes see), then its end state.

use super::{AnswerEventFn, Answers, Turn};
use crate::client::{ChatOutcome, Usage};
use crate::error::{Cut, Error, Result};
use crate::session::Session;
use crate::store::messages::{self, Finished};
use crate::store::{chats, Store};
use crate::types::{Answer, AnswerEvent, MessageId, MessageStatus};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

/// How often the partial answer is written while streaming.
pub(super) const FLUSH_EVERY: Duration = Duration::from_secs(1);

/// What the answer has so far; shared by the stream callback and the once-a-second writer.
#[derive(Default)]
pub(super) struct Partial {
    pub text: String,
    /// How much of `text` the row holds already.
    pub stored: usize,
    /// The answer reached `MAX_ANSWER_BYTES` and was stopped.
    pub too_long: bool,
    pub first_token_ms: Option<u64>,
    pub usage: Option<Usage>,
    /// From the stream's headers: kept for an answer that is cut or stopped later.
    pub request_id: Option<String>,
    pub last_flush: Option<Instant>,
}

/// The partial answer and the row it is written to.
pub(super) struct Writer<'a> {
    pub store: &'a Store,
    pub answer_id: MessageId,
    pub partial: Mutex<Partial>,
}

impl Writer<'_> {
    pub(super) fn lock(&self) -> Result<std::sync::MutexGuard<'_, Partial>> {
        self.partial
            .lock()
            .map_err(|_| Error::internal("partial lock poisoned"))
    }

    /// Appends the text not yet stored (and, for the timer, refreshes the heartbeat even when
    /// there is none).
    pub(super) fn flush(&self, heartbeat: bool) -> Result<()> {
        let mut p = self.lock()?;
        if p.stored == p.text.len() && !heartbeat {
            return Ok(());
        }
        let more = &p.text[p.stored..];
        self.store
            .with(|c| messages::append(c, self.answer_id, more, p.first_token_ms))?;
        p.stored = p.text.len();
        p.last_flush = Some(Instant::now());
        Ok(())
    }
}

/// Ends the answer as `interrupted` (keeping its text) when the answering future is dropped
/// before it finishes: a face that drops the call instead of cancelling it.
struct AbandonGuard<'a> {
    writer: &'a Writer<'a>,
    armed: bool,
}

impl Drop for AbandonGuard<'_> {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        let text = self.writer.partial.lock().ok().map(|p| p.text.clone());
        let error = Error::stream_cut(Cut::Abandoned);
        let _ = self
            .writer
            .store
            .with(|c| messages::interrupt(c, self.writer.answer_id, text.as_deref(), &error));
    }
}

impl Answers {
    /// Streams into the stored answer row, writing it at least once a second, then records
    /// the end state.
    pub(super) async fn run(
        &self,
        session: &Session,
        turn: Turn,
        cancel: &CancellationToken,
        on_event: AnswerEventFn<'_>,
    ) -> Result<Answer> {
        on_event(AnswerEvent::Started {
            chat_id: turn.chat_id,
            question_id: turn.question_id,
            answer_id: turn.answer_id,
        });
        let started = Instant::now();
        let writer = Writer {
            store: &self.store,
            answer_id: turn.answer_id,
            partial: Mutex::new(Partial {
                last_flush: Some(started),
                ..Default::default()
            }),
        };
        let mut guard = AbandonGuard {
            writer: &writer,
            armed: true,
        };
        let result = {
            let on_event = Mutex::new(on_event);
            let fut = self.stream(session, &turn, &writer, started, cancel, &on_event);
            tokio::pin!(fut);
            let mut tick = tokio::time::interval(FLUSH_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    r = &mut fut => break r,
                    // Also a heartbeat: tells other processes this row is alive.
                    _ = tick.tick() => { let _ = writer.flush(true); }
                }
            }
        };
        let total_ms = started.elapsed().as_millis() as u64;
        let p = writer.lock()?;
        let (outcome, err) = match result {
            Ok(o) => (o, None),
            Err(e) => (ChatOutcome::default(), Some(e)),
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
        let end = Finished {
            text: &p.text,
            status: err
                .as_ref()
                .map_or(MessageStatus::Complete, MessageStatus::ended_by),
            error: err.as_ref(),
            request_id: request_id.as_deref(),
            finish_reason: outcome.finish_reason.as_deref(),
            usage,
            cost_cny: usage.map(|u| crate::settings::cost_cny(&u)),
            first_token_ms: p.first_token_ms,
            total_ms,
        };
        let written = self.store.with(|c| {
            messages::finish(c, turn.answer_id, &end)?;
            chats::touch(c, turn.chat_id)?;
            messages::load(c, turn.answer_id)
        });
        drop(p);
        guard.armed = false;
        match err {
            Some(e) => Err(e),
            None => Ok(Answer {
                chat_id: turn.chat_id,
                message: written?,
            }),
        }
    }
}
