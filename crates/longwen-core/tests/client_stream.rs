//! The chat stream against hand-made servers: keep-alives, and what the mock cannot send.

mod client_support;

use client_support::{ask, config, KEY};
use longwen_core::client::{ChatEvent, Client};
use longwen_core::secrets::ApiKey;
use serde_json::{json, Value};
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
