//! The chat stream against hand-made servers: keep-alives, and what the mock cannot send.

mod client_support;

use axum::routing::post;
use axum::Router;
use client_support::{ask, config, serve, sse_chunk, sse_response, KEY};
use longwen_core::client::{ChatEvent, Client};
use longwen_core::secrets::ApiKey;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A hand-made SSE server: one chunk of text, then only keep-alive comments for longer than
/// the idle timeout, then the rest of the answer.
async fn keep_alive_server(silence: Duration, every: Duration) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut s, _) = listener.accept().await.unwrap();
        let mut req = Vec::new();
        let mut buf = [0u8; 4096];
        // Headers, then the body by its Content-Length.
        let body_len = loop {
            let n = s.read(&mut buf).await.unwrap();
            req.extend_from_slice(&buf[..n]);
            if let Some(end) = req.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&req[..end]).to_ascii_lowercase();
                let len: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .map(|v| v.trim().parse().unwrap())
                    .unwrap_or(0);
                break end + 4 + len;
            }
        };
        while req.len() < body_len {
            let n = s.read(&mut buf).await.unwrap();
            req.extend_from_slice(&buf[..n]);
        }
        let chunk = |text: &str, finish: Value| {
            format!(
                "data: {}\n\n",
                json!({"choices":[{"index":0,"delta":{"content":text},"finish_reason":finish}]})
            )
        };
        let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nx-request-id: req-ka\r\nconnection: close\r\n\r\n";
        s.write_all(head.as_bytes()).await.unwrap();
        s.write_all(chunk("甲方", Value::Null).as_bytes())
            .await
            .unwrap();
        let until = Instant::now() + silence;
        while Instant::now() < until {
            tokio::time::sleep(every).await;
            s.write_all(b": keep-alive\n\n").await.unwrap();
        }
        s.write_all(chunk("乙方", json!("stop")).as_bytes())
            .await
            .unwrap();
        s.write_all(b"data: [DONE]\n\n").await.unwrap();
        s.shutdown().await.unwrap();
    });
    format!("http://{addr}/compatible-mode/v1")
}

#[tokio::test]
async fn keep_alive_comments_restart_the_idle_clock() {
    let base = keep_alive_server(Duration::from_millis(900), Duration::from_millis(100)).await;
    let mut cfg = config(base);
    cfg.idle_timeout = Duration::from_millis(300);
    let client = Client::new(cfg, ApiKey::new(KEY)).unwrap();
    let run = ask(&client, "hello").await;
    let out = run.result.expect("keep-alives keep the stream alive");
    assert_eq!(run.text, "甲方乙方");
    assert_eq!(out.finish_reason.as_deref(), Some("stop"));
    assert_eq!(out.request_id.as_deref(), Some("req-ka"));
    assert!(run.events.contains(&ChatEvent::Responded {
        request_id: Some("req-ka".into())
    }));
}

/// A flat `{"code","message","request_id"}` frame inside a 200 stream, after some text: the
/// error table names it, the text stays, nothing is asked again.
#[tokio::test]
async fn a_flat_error_frame_after_text() {
    for (code, kind) in [
        ("DataInspectionFailed", "content_refused"),
        ("SomethingNew", "service_error"),
    ] {
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = hits.clone();
        let body = sse_chunk("甲方", None)
            + &format!(
                "data: {}\n\n",
                json!({"code": code, "message": "Output data may contain inappropriate content.", "request_id": "req-frame"})
            );
        let app = Router::new().route(
            "/compatible-mode/v1/chat/completions",
            post(move || {
                counter.fetch_add(1, Ordering::SeqCst);
                let response = sse_response(body.clone());
                async move { response }
            }),
        );
        let client = Client::new(config(serve(app).await), ApiKey::new(KEY)).unwrap();
        let run = ask(&client, "hello").await;
        assert_eq!(run.text, "甲方");
        let e = run.result.unwrap_err();
        assert_eq!(e.kind(), kind, "{code}");
        let info = e.service_info().unwrap();
        assert_eq!(info.status, 200);
        assert_eq!(info.code.as_deref(), Some(code));
        // The response's own id (its header) wins over the frame's.
        assert_eq!(e.request_id(), Some("req-local"));
        assert_eq!(hits.load(Ordering::SeqCst), 1);
    }
}
