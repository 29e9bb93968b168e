//! Answers without end cost bounded memory: a stream line or event past its limit cuts the
//! answer, a refusal's body is read only so far, and the small calls' JSON has a size bound.
//! The servers here send forever; each test ends only because the client stops reading.

mod client_support;

use axum::body::Body;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use bytes::Bytes;
use client_support::{ask, config, serve, sse_chunk, sse_response, KEY};
use futures_util::stream;
use longwen_core::client::{Client, ClientConfig};
use longwen_core::error::Cut;
use longwen_core::secrets::ApiKey;
use longwen_core::{CancellationToken, Error};
use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

const MIB: usize = 1 << 20;

/// `head`, then `piece` again and again, forever; `sent` counts the bytes handed to the
/// connection.
fn endless(head: String, piece: &'static [u8], sent: Arc<AtomicUsize>) -> Body {
    let head = stream::once(async move { Ok::<_, Infallible>(Bytes::from(head)) });
    let tail = stream::repeat_with(move || {
        sent.fetch_add(piece.len(), Ordering::Relaxed);
        Ok(Bytes::from_static(piece))
    });
    Body::from_stream(futures_util::StreamExt::chain(head, tail))
}

fn client_on(base: String, f: impl FnOnce(&mut ClientConfig)) -> Client {
    let mut cfg = config(base);
    f(&mut cfg);
    Client::new(cfg, ApiKey::new(KEY)).unwrap()
}

/// Fails the test instead of hanging, should the client read on.
async fn soon<F: std::future::Future>(f: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(20), f)
        .await
        .expect("the client should have stopped reading by now")
}

static LINE: [u8; 64 << 10] = [b'x'; 64 << 10];
static LINES: &[u8] = b"data: {\"choices\":[]}\n";

/// A chat server: one chunk of text, then `piece` forever.
async fn chat_sending(piece: &'static [u8], sent: Arc<AtomicUsize>) -> String {
    let app = Router::new().route(
        "/compatible-mode/v1/chat/completions",
        post(move || {
            let body = endless(sse_chunk("甲方", None), piece, sent.clone());
            async move { sse_response(body) }
        }),
    );
    serve(app).await
}

#[tokio::test]
async fn a_line_or_event_past_a_mebibyte_cuts_the_answer() {
    for piece in [&LINE[..], LINES] {
        let sent = Arc::new(AtomicUsize::new(0));
        let base = chat_sending(piece, sent.clone()).await;
        // The default limit: 1 MiB.
        let client = client_on(base, |_| {});
        assert_eq!(client.config().max_stream_event_bytes, MIB);
        let run = soon(ask(&client, "hello")).await;
        assert_eq!(run.text, "甲方", "the text before stays");
        let e = run.result.unwrap_err();
        assert!(
            matches!(
                e,
                Error::StreamCut {
                    cause: Cut::Oversized,
                    ..
                }
            ),
            "{e:?}"
        );
        // What the server managed to send is about the limit plus the sockets' buffers.
        let sent = sent.load(Ordering::Relaxed);
        assert!(sent < 16 * MIB, "{sent} bytes sent");
    }
}

/// Every path answers `status` with `head`, then `piece` forever.
async fn refusing(status: u16, head: &str, piece: &'static [u8]) -> (String, Arc<AtomicUsize>) {
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = sent.clone();
    let head = head.to_string();
    let app = Router::new().fallback(move || {
        let body = endless(head.clone(), piece, counter.clone());
        async move {
            Response::builder()
                .status(status)
                .header("x-request-id", "req-endless")
                .body(body)
                .unwrap()
        }
    });
    (serve(app).await, sent)
}

#[tokio::test]
async fn a_refusal_is_classified_from_its_first_bytes() {
    // Text: the message is what was read.
    let (base, sent) = refusing(400, "File [id:file-fe-1] content blank. ", &LINE).await;
    let client = client_on(base, |c| c.max_error_body_bytes = 1000);
    let e = soon(ask(&client, "hello")).await.result.unwrap_err();
    assert_eq!(e.kind(), "file_blank");
    assert_eq!(e.request_id(), Some("req-endless"));
    let e = soon(client.list_files()).await.unwrap_err();
    assert_eq!(e.kind(), "file_blank");
    assert!(sent.load(Ordering::Relaxed) < 16 * MIB);

    // JSON cut short by the bound reads as text: the status still names it.
    let head = r#"{"error":{"code":"invalid_api_key","message":"Incorrect API key "#;
    let (base, _) = refusing(401, head, &LINE).await;
    let client = client_on(base, |_| {});
    let e = soon(ask(&client, "hello")).await.result.unwrap_err();
    assert_eq!(e.kind(), "key_refused");
    let message = e.service_info().unwrap().message.clone().unwrap();
    assert!(message.starts_with(head), "{message}");
    let e = soon(client.get_file("file-fe-1")).await.unwrap_err();
    assert_eq!(e.kind(), "key_refused");
}

/// The file object `n`, with a long name.
fn file(n: usize) -> serde_json::Value {
    serde_json::json!({
        "id": format!("file-fe-{n}"), "object": "file", "bytes": 1, "created_at": 1,
        "filename": format!("{n}-{}.txt", "名".repeat(100)), "purpose": "file-extract",
        "status": "processed"
    })
}

fn too_large(e: &Error, status: u16) {
    assert_eq!(e.kind(), "service_error", "{e:?}");
    let info = e.service_info().unwrap();
    assert_eq!(info.status, status);
    assert_eq!(info.code.as_deref(), Some("body_too_large"));
}

#[tokio::test]
async fn the_small_calls_json_is_bounded() {
    // A list page of about 2.2 MB: within the 16 MiB a page may have, past the 1 MiB of a
    // file object.
    let page = serde_json::json!({
        "object": "list", "has_more": false,
        "data": (0..7000).map(file).collect::<Vec<_>>()
    })
    .to_string();
    assert!(page.len() > 2 * MIB);
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = sent.clone();
    let big = page.clone();
    let app = Router::new()
        .route("/compatible-mode/v1/files", get(move || async move { big }))
        // A file object that never ends (no length given).
        .route(
            "/compatible-mode/v1/files/endless",
            get(move || {
                let body = endless(
                    r#"{"id":"file-fe-1","filename":""#.into(),
                    &LINE,
                    counter.clone(),
                );
                async move { Response::new(body) }
            }),
        )
        // One that says its length: refused before reading.
        .route(
            "/compatible-mode/v1/files/{id}",
            get(|| async { vec![b' '; 2 * MIB] }).delete(|| async { vec![b' '; 2 * MIB] }),
        );
    let client = client_on(serve(app).await, |_| {});
    let files = client.list_files().await.unwrap();
    assert_eq!(files.len(), 7000);
    too_large(&soon(client.get_file("endless")).await.unwrap_err(), 200);
    assert!(sent.load(Ordering::Relaxed) < 16 * MIB);
    too_large(&client.get_file("file-fe-1").await.unwrap_err(), 200);
    too_large(&client.delete_file("file-fe-1").await.unwrap_err(), 200);

    // A page past its own bound.
    let app = Router::new().route(
        "/compatible-mode/v1/files",
        get(move || async move { page }),
    );
    let client = client_on(serve(app).await, |c| c.max_list_page_bytes = MIB);
    too_large(&client.list_files().await.unwrap_err(), 200);
}

#[tokio::test]
async fn an_upload_answer_is_bounded() {
    let app = Router::new().route(
        "/compatible-mode/v1/files",
        post(|body: Bytes| async move {
            assert!(!body.is_empty());
            serde_json::json!({"id": "file-fe-1", "filename": "x".repeat(2 * MIB)}).to_string()
        }),
    );
    let client = client_on(serve(app).await, |_| {});
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.txt");
    std::fs::write(&path, "甲方").unwrap();
    let e = client
        .upload(&path, "a.txt", &|_, _| {}, &CancellationToken::new())
        .await
        .unwrap_err();
    too_large(&e, 200);
}
