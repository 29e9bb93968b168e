//! Shared by the `client_*` tests: a client on a local address and a chat run recorded as
//! its text and events.
#![allow(dead_code)]

use longwen_core::client::messages::{build, Context};
use longwen_core::client::{
    ChatEvent, ChatOutcome, ChatRequest, Client, ClientConfig, WaitReason, DEFAULT_MODEL,
};
use longwen_core::{CancellationToken, Error};
use std::time::Duration;

pub const KEY: &str = "sk-test-chat-0001";

pub fn config(base: String) -> ClientConfig {
    ClientConfig {
        base_url: base,
        connect_timeout: Duration::from_secs(5),
        first_token_timeout: Duration::from_secs(10),
        idle_timeout: Duration::from_secs(10),
        max_retries: 3,
        parse_wait: Duration::from_secs(10),
        poll_interval: Duration::from_millis(20),
        retry_base_delay: Duration::from_millis(20),
        ..Default::default()
    }
}

pub struct Run {
    pub result: Result<ChatOutcome, Error>,
    pub text: String,
    pub events: Vec<ChatEvent>,
}

pub fn request(ids: &[String], texts: &[String], question: &str) -> ChatRequest {
    let ctx = Context {
        instruction: "You are a helpful assistant.",
        file_ids: ids,
        texts,
        history: &[],
    };
    ChatRequest {
        model: DEFAULT_MODEL.into(),
        messages: build(&ctx, question),
    }
}

pub async fn ask_with(client: &Client, req: &ChatRequest, cancel: &CancellationToken) -> Run {
    let mut events = Vec::new();
    let mut on_event = |e: ChatEvent| events.push(e);
    let result = client.chat(req, cancel, &mut on_event).await;
    let text = events
        .iter()
        .filter_map(|e| match e {
            ChatEvent::Delta(d) => Some(d.as_str()),
            _ => None,
        })
        .collect();
    Run {
        result,
        text,
        events,
    }
}

pub async fn ask(client: &Client, question: &str) -> Run {
    ask_with(
        client,
        &request(&[], &[], question),
        &CancellationToken::new(),
    )
    .await
}

pub fn waits(run: &Run) -> Vec<(WaitReason, Duration)> {
    run.events
        .iter()
        .filter_map(|e| match e {
            ChatEvent::Waiting {
                reason, retry_in, ..
            } => Some((*reason, *retry_in)),
            _ => None,
        })
        .collect()
}

/// Serves `app` on a loopback port; the base URL of its `/compatible-mode/v1`.
pub async fn serve(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/compatible-mode/v1")
}

/// One SSE event carrying a chunk of `text` (and a finish reason, if any).
pub fn sse_chunk(text: &str, finish: Option<&str>) -> String {
    let chunk = serde_json::json!({
        "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": finish}]
    });
    format!("data: {chunk}\n\n")
}

/// A whole answer stream: `text` in one finished chunk, then `[DONE]`.
pub fn sse_answer(text: &str) -> String {
    sse_chunk(text, Some("stop")) + "data: [DONE]\n\n"
}

/// A 200 answer stream with this body.
pub fn sse_response(body: impl Into<axum::body::Body>) -> axum::response::Response {
    axum::response::Response::builder()
        .header("content-type", "text/event-stream")
        .header("x-request-id", "req-local")
        .body(body.into())
        .unwrap()
}

/// A compatible-mode error answer.
pub fn error_response(
    status: u16,
    headers: &[(&str, &str)],
    body: serde_json::Value,
) -> axum::response::Response {
    let mut r = axum::response::Response::builder()
        .status(status)
        .header("content-type", "application/json");
    for (name, value) in headers {
        r = r.header(*name, *value);
    }
    r.body(body.to_string().into()).unwrap()
}

/// `{"error":{code, message}}` as the service sends it.
pub fn error_body(code: &str, message: &str) -> serde_json::Value {
    serde_json::json!({
        "error": {"message": message, "type": "invalid_request_error", "param": null, "code": code},
        "request_id": "req-body"
    })
}
