//! Writing a planned chat answer: one JSON body, or SSE chunks (cut, slowed, split or ended by an
//! error as the plan says).

use super::{error, error_body, now_secs};
use axum::body::{Body, Bytes};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::time::Duration;
use tokio::sync::mpsc;

/// An error the plan ends the answer with after `after` chunks.
pub(super) struct PlannedError {
    pub(super) after: usize,
    pub(super) code: String,
    pub(super) message: String,
    /// `{"code","message","request_id"}` instead of the `{"error":{…}}` wrapper.
    pub(super) flat: bool,
}

/// Everything a chat answer is made of, decided before the first byte is sent.
pub(super) struct Plan {
    pub(super) pieces: Vec<String>,
    pub(super) model: String,
    pub(super) prompt_tokens: u64,
    pub(super) include_usage: bool,
    pub(super) cut: Option<usize>,
    pub(super) slow: Duration,
    pub(super) first_delay: Duration,
    pub(super) error: Option<PlannedError>,
    /// After N chunks, broken JSON, then the end.
    pub(super) bad_json: Option<usize>,
    /// After N chunks, silence for this long.
    pub(super) stall: Option<(usize, Duration)>,
    /// One `data:` line of this many bytes after the first chunk (streams only).
    pub(super) huge_line: Option<usize>,
    /// The connection breaks after exactly this many bytes of the body.
    pub(super) cut_at_byte: Option<usize>,
    pub(super) split: bool,
    /// Chunks a second, each written at its time from the start (not a sleep after the last).
    pub(super) rate: Option<u32>,
    /// Every Nth chunk (the next one ending in a space, so the stamp stays inline) gets
    /// `{t=MS} ` after its text: the wall-clock time it was written, in ms since the epoch.
    pub(super) stamp: Option<usize>,
    pub(super) rid: String,
}

/// What a client reading the JSON gets when the answer breaks off inside it.
const BROKEN_JSON: &str = r#"{"choices": ["#;

fn usage(plan: &Plan) -> Value {
    let completion = plan.pieces.len() as u64 + u64::from(plan.huge_line.is_some());
    json!({"prompt_tokens": plan.prompt_tokens, "completion_tokens": completion,
           "total_tokens": plan.prompt_tokens + completion})
}

fn flat_error_body(rid: &str, code: &str, message: &str) -> Value {
    json!({"code": code, "message": message, "request_id": rid})
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

/// Where the stream's bytes go: the body channel, broken after `left` more bytes if set.
struct Sink {
    tx: Tx,
    left: Option<usize>,
}

impl Sink {
    /// Sends `b`, or as much of it as the cut allows and then breaks the connection (`Err`).
    async fn send(&mut self, b: Bytes) -> Result<(), ()> {
        if let Some(left) = self.left {
            if b.len() >= left {
                if left > 0 {
                    self.tx.send(Ok(b.slice(..left))).await.map_err(|_| ())?;
                }
                self.left = Some(0);
                abort(&self.tx).await;
                return Err(());
            }
            self.left = Some(left - b.len());
        }
        self.tx.send(Ok(b)).await.map_err(|_| ())
    }
}

pub(super) async fn plain_response(mut plan: Plan) -> Response {
    tokio::time::sleep(plan.first_delay).await;
    // A stream-line fault: a JSON body has no lines.
    plan.huge_line = None;
    let json_type = [(header::CONTENT_TYPE, "application/json")];
    if let Some(e) = &plan.error {
        if e.flat {
            let body = flat_error_body(&plan.rid, &e.code, &e.message);
            return (StatusCode::BAD_REQUEST, Json(body)).into_response();
        }
        return error(&plan.rid, StatusCode::BAD_REQUEST, &e.code, &e.message);
    }
    if plan.bad_json.is_some() {
        return (json_type, BROKEN_JSON).into_response();
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
    let bytes = Bytes::from(serde_json::to_vec(&body).unwrap());
    if let Some(n) = plan.cut_at_byte {
        // The first N bytes of the JSON, then the break.
        let (tx, rx) = mpsc::channel(2);
        let mut sink = Sink { tx, left: Some(n) };
        tokio::spawn(async move {
            if sink.send(bytes).await.is_ok() {
                abort(&sink.tx).await;
            }
        });
        return (json_type, body_from(rx)).into_response();
    }
    if plan.cut.is_none() && plan.stall.is_none() {
        return (json_type, bytes).into_response();
    }
    // Half the JSON body, then the connection drops (cut) or nothing comes for a while (stall).
    let (tx, rx) = mpsc::channel(2);
    let (half, rest) = (
        bytes.slice(..bytes.len() / 2),
        bytes.slice(bytes.len() / 2..),
    );
    let (cut, stall) = (plan.cut.is_some(), plan.stall.map(|(_, d)| d));
    tokio::spawn(async move {
        let _ = tx.send(Ok(half)).await;
        if cut {
            return abort(&tx).await;
        }
        tokio::time::sleep(stall.unwrap_or_default()).await;
        let _ = tx.send(Ok(rest)).await;
    });
    (json_type, body_from(rx)).into_response()
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
async fn send_event(tx: &mut Sink, data: &str, split: bool, n: usize) -> Result<(), ()> {
    if !split {
        let ev = format!("data: {data}\n\n");
        return tx.send(Bytes::from(ev)).await;
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
        tx.send(Bytes::copy_from_slice(&ev[i..end])).await?;
        // Let hyper flush each piece as its own write.
        tokio::task::yield_now().await;
        i = end;
        k += 1;
    }
    Ok(())
}

async fn write_stream(plan: Plan, tx: Tx) {
    let mut sink = Sink {
        tx,
        left: plan.cut_at_byte,
    };
    let ended = write_stream_inner(&plan, &mut sink).await;
    // A cut past the end of the body: all of it, then the break.
    if ended.is_ok() && sink.left.is_some() {
        abort(&sink.tx).await;
    }
}

async fn write_stream_inner(plan: &Plan, tx: &mut Sink) -> Result<(), ()> {
    let id = format!("chatcmpl-{}", plan.rid);
    let created = now_secs();
    let chunk = |delta: Value, finish: Value| {
        json!({"id": id, "object": "chat.completion.chunk", "created": created,
            "model": plan.model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish,
            "logprobs": null}]})
    };
    if !plan.first_delay.is_zero() {
        tokio::time::sleep(plan.first_delay).await;
    }
    let n = plan.pieces.len();
    let start = tokio::time::Instant::now();
    let mut stamp_due = false;
    for (i, piece) in plan.pieces.iter().enumerate() {
        if interrupt(plan, tx, i, false).await? {
            return Ok(());
        }
        if i > 0 && !plan.slow.is_zero() {
            tokio::time::sleep(plan.slow).await;
        }
        if let Some(rate) = plan.rate {
            let at = start + Duration::from_secs_f64(i as f64 / f64::from(rate));
            tokio::time::sleep_until(at).await;
        }
        stamp_due |= plan.stamp.is_some_and(|k| i % k == 0);
        let mut delta = if stamp_due && piece.ends_with(' ') && !piece.contains('\n') {
            stamp_due = false;
            json!({"content": format!("{piece}{{t={:.3}}} ", epoch_ms())})
        } else {
            json!({"content": piece})
        };
        if i == 0 {
            delta["role"] = json!("assistant");
        }
        let finish = if i + 1 == n {
            json!("stop")
        } else {
            Value::Null
        };
        send_event(tx, &chunk(delta, finish).to_string(), plan.split, i).await?;
        if let (0, Some(bytes)) = (i, plan.huge_line) {
            // `data: ` + the chunk with empty content, then padded to the size asked for. The odd
            // event number keeps the space after `data:` in split mode too.
            let empty = chunk(json!({"content": ""}), Value::Null).to_string();
            let pad = bytes.saturating_sub("data: ".len() + empty.len());
            let line = chunk(json!({"content": "x".repeat(pad)}), Value::Null).to_string();
            send_event(tx, &line, plan.split, 1).await?;
        }
    }
    if interrupt(plan, tx, n, true).await? {
        return Ok(());
    }
    if plan.include_usage {
        let chunk = json!({"id": id, "object": "chat.completion.chunk", "created": created,
            "model": plan.model, "choices": [], "usage": usage(plan)});
        send_event(tx, &chunk.to_string(), plan.split, n).await?;
    }
    send_event(tx, "[DONE]", plan.split, n + 1).await
}

fn epoch_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// What the plan does before chunk `i` (`end`: after the last chunk, where any larger N lands
/// too): break the connection (`Err`), end the stream with an error or broken JSON
/// (`Ok(true)`), or stall and go on (`Ok(false)`).
async fn interrupt(plan: &Plan, tx: &mut Sink, i: usize, end: bool) -> Result<bool, ()> {
    let due = |n: usize| n == i || (end && n > i);
    if plan.cut.is_some_and(due) {
        abort(&tx.tx).await;
        return Err(());
    }
    if let Some(e) = plan.error.as_ref().filter(|e| due(e.after)) {
        let ev = if e.flat {
            flat_error_body(&plan.rid, &e.code, &e.message)
        } else {
            error_body(&plan.rid, StatusCode::BAD_REQUEST, &e.code, &e.message)
        };
        send_event(tx, &ev.to_string(), plan.split, i).await?;
        return Ok(true);
    }
    if plan.bad_json.is_some_and(due) {
        send_event(tx, BROKEN_JSON, plan.split, i).await?;
        return Ok(true);
    }
    if let Some((_, pause)) = plan.stall.filter(|&(n, _)| due(n)) {
        tokio::time::sleep(pause).await;
    }
    Ok(false)
}
