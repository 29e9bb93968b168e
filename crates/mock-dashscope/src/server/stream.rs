//! Writing a planned chat answer: one JSON body, or SSE chunks (cut, slowed, split or ended by an
//! error as the plan says).

use super::{error, error_body, now_secs};
use axum::body::{Body, Bytes};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use std::time::Duration;
use tokio::sync::mpsc;

/// Everything a chat answer is made of, decided before the first byte is sent.
pub(super) struct Plan {
    pub(super) pieces: Vec<String>,
    pub(super) model: String,
    pub(super) prompt_tokens: u64,
    pub(super) include_usage: bool,
    pub(super) cut: Option<usize>,
    pub(super) slow: Duration,
    pub(super) first_delay: Duration,
    pub(super) error: Option<(usize, String, String)>,
    pub(super) split: bool,
    pub(super) rid: String,
}

fn usage(plan: &Plan) -> Value {
    let completion = plan.pieces.len() as u64;
    json!({"prompt_tokens": plan.prompt_tokens, "completion_tokens": completion,
           "total_tokens": plan.prompt_tokens + completion})
}

type Tx = mpsc::Sender<Result<Bytes, std::io::Error>>;

fn body_from(rx: mpsc::Receiver<Result<Bytes, std::io::Error>>) -> Body {
    let mut rx = rx;
    Body::from_stream(futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx)))
}

/// Breaks the connection mid-body. hyper drops unflushed bytes on a body error, so first wait
/// until it has taken everything queued and had a moment to write it out.
async fn abort(tx: &Tx) {
    while tx.capacity() < tx.max_capacity() && !tx.is_closed() {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    let err = std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "mock: cut");
    let _ = tx.send(Err(err)).await;
}

pub(super) async fn plain_response(plan: Plan) -> Response {
    tokio::time::sleep(plan.first_delay).await;
    if let Some((_, code, message)) = &plan.error {
        return error(&plan.rid, StatusCode::BAD_REQUEST, code, message);
    }
    let body = json!({
        "id": format!("chatcmpl-{}", plan.rid),
        "object": "chat.completion",
        "created": now_secs(),
        "model": plan.model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": plan.pieces.concat()},
                     "finish_reason": "stop", "logprobs": null}],
        "usage": usage(&plan),
    });
    let bytes = serde_json::to_vec(&body).unwrap();
    if plan.cut.is_some() {
        // Half a JSON body, then the connection drops.
        let (tx, rx) = mpsc::channel(2);
        let half = Bytes::copy_from_slice(&bytes[..bytes.len() / 2]);
        tokio::spawn(async move {
            let _ = tx.send(Ok(half)).await;
            abort(&tx).await;
        });
        return ([(header::CONTENT_TYPE, "application/json")], body_from(rx)).into_response();
    }
    ([(header::CONTENT_TYPE, "application/json")], bytes).into_response()
}

pub(super) fn stream_response(plan: Plan) -> Response {
    let (tx, rx) = mpsc::channel(16);
    tokio::spawn(write_stream(plan, tx));
    (
        [
            (header::CONTENT_TYPE, "text/event-stream;charset=UTF-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body_from(rx),
    )
        .into_response()
}

/// Writes one SSE event; in split mode as tiny pieces with CRLF and keep-alive comments.
async fn send_event(tx: &Tx, data: &str, split: bool, n: usize) -> Result<(), ()> {
    if !split {
        let ev = format!("data: {data}\n\n");
        return tx.send(Ok(Bytes::from(ev))).await.map_err(|_| ());
    }
    // Alternate `data:` with and without the optional space.
    let sep = if n.is_multiple_of(2) {
        "data:"
    } else {
        "data: "
    };
    let ev = format!(": keep-alive\r\n\r\n{sep}{data}\r\n\r\n").into_bytes();
    const SIZES: [usize; 6] = [1, 2, 3, 1, 5, 2];
    let mut i = 0;
    let mut k = n;
    while i < ev.len() {
        let end = (i + SIZES[k % SIZES.len()]).min(ev.len());
        tx.send(Ok(Bytes::copy_from_slice(&ev[i..end])))
            .await
            .map_err(|_| ())?;
        // Let hyper flush each piece as its own write.
        tokio::task::yield_now().await;
        i = end;
        k += 1;
    }
    Ok(())
}

async fn write_stream(plan: Plan, tx: Tx) {
    let _ = write_stream_inner(&plan, &tx).await;
}

async fn write_stream_inner(plan: &Plan, tx: &Tx) -> Result<(), ()> {
    let id = format!("chatcmpl-{}", plan.rid);
    let created = now_secs();
    if !plan.first_delay.is_zero() {
        tokio::time::sleep(plan.first_delay).await;
    }
    let last = plan.pieces.len().saturating_sub(1);
    for (i, piece) in plan.pieces.iter().enumerate() {
        if plan.cut == Some(i) {
            abort(tx).await;
            return Err(());
        }
        if let Some((n, code, message)) = &plan.error {
            if *n == i {
                return send_stream_error(plan, tx, code, message, i).await;
            }
        }
        if i > 0 && !plan.slow.is_zero() {
            tokio::time::sleep(plan.slow).await;
        }
        let mut delta = json!({"content": piece});
        if i == 0 {
            delta["role"] = json!("assistant");
        }
        let finish = if i == last {
            json!("stop")
        } else {
            Value::Null
        };
        let chunk = json!({"id": id, "object": "chat.completion.chunk", "created": created,
            "model": plan.model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish,
            "logprobs": null}]});
        send_event(tx, &chunk.to_string(), plan.split, i).await?;
    }
    if plan.cut.is_some() {
        abort(tx).await;
        return Err(());
    }
    if let Some((_, code, message)) = &plan.error {
        return send_stream_error(plan, tx, code, message, plan.pieces.len()).await;
    }
    if plan.include_usage {
        let chunk = json!({"id": id, "object": "chat.completion.chunk", "created": created,
            "model": plan.model, "choices": [], "usage": usage(plan)});
        send_event(tx, &chunk.to_string(), plan.split, plan.pieces.len()).await?;
    }
    send_event(tx, "[DONE]", plan.split, plan.pieces.len() + 1).await
}

async fn send_stream_error(
    plan: &Plan,
    tx: &Tx,
    code: &str,
    message: &str,
    n: usize,
) -> Result<(), ()> {
    let ev = error_body(&plan.rid, StatusCode::BAD_REQUEST, code, message);
    send_event(tx, &ev.to_string(), plan.split, n).await
}
