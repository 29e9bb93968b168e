//! `POST /chat/completions` with `stream: true`: retries before the first token, timeouts,
//! cancellation.

use super::{ChatEvent, ChatOutcome, ChatRequest, Client};
use crate::error::Result;
use crate::CancellationToken;

impl Client {
    /// Streams one answer. Events arrive in order through `on_event`. On an error after some
    /// text, the text already delivered stays delivered and the error is returned.
    pub async fn chat(
        &self,
        request: &ChatRequest,
        cancel: &CancellationToken,
        on_event: &mut (dyn FnMut(ChatEvent) + Send),
    ) -> Result<ChatOutcome> {
        let _ = (request, cancel, on_event);
        todo!()
    }
}
