//! Streaming chat against the mock: message building on the wire, every error row, and the
//! faults (retries before the first token only, cuts, in-stream errors, timeouts, cancel,
//! split UTF-8).

mod client_support;

use client_support::{ask, ask_with, config, request, waits, KEY};
use longwen_core::client::{ChatEvent, Client, ClientConfig, WaitReason};
use longwen_core::secrets::ApiKey;
use longwen_core::CancellationToken;
use mock_dashscope::{Fault, MockConfig, MockServer, Target};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

async fn start() -> (MockServer, Client) {
    let server = MockServer::start(MockConfig::default()).await.unwrap();
    let client = Client::new(config(server.base_url()), ApiKey::new(KEY)).unwrap();
    (server, client)
}

fn with(server: &MockServer, f: impl FnOnce(&mut ClientConfig)) -> Client {
    let mut c = config(server.base_url());
    f(&mut c);
    Client::new(c, ApiKey::new(KEY)).unwrap()
}

async fn upload(client: &Client, name: &str, content: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("f");
    std::fs::write(&p, content).unwrap();
    let cancel = CancellationToken::new();
    let f = client.upload(&p, name, &|_, _| {}, &cancel).await.unwrap();
    client.wait_until_processed(&f.id, &cancel).await.unwrap();
    f.id
}

fn chat_bodies(server: &MockServer) -> Vec<Value> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/chat/completions"))
        .map(|r| r.body)
        .collect()
}

fn http_fault(status: u16, code: &str, message: &str, retry_after: Option<u64>) -> Fault {
    Fault::HttpError {
        on: Target::Chat,
        status,
        code: code.into(),
        message: message.into(),
        retry_after,
        retry_after_date: None,
        retry_after_raw: None,
    }
}

#[tokio::test]
async fn one_file_two_files_and_plain_text_on_the_wire() {
    let (server, client) = start().await;
    let a = upload(&client, "合同.txt", "甲方与乙方签订本合同。".as_bytes()).await;
    let b = upload(&client, "附件.md", b"# Annex\nSchedule A").await;

    let run = ask_with(
        &client,
        &request(std::slice::from_ref(&a), &[], "总金额是多少？"),
        &CancellationToken::new(),
    )
    .await;
    let out = run.result.as_ref().unwrap();
    assert_eq!(out.finish_reason.as_deref(), Some("stop"));
    assert!(out.usage.unwrap().total_tokens > 0);
    assert!(out.request_id.as_deref().unwrap().starts_with("mock-req-"));
    assert!(!run.text.is_empty());
    assert!(matches!(run.events.last(), Some(ChatEvent::Usage(_))));

    let two = vec![a.clone(), b.clone()];
    let texts = vec!["pasted note one".to_string(), "pasted note two".to_string()];
    ask_with(
        &client,
        &request(&two, &[], "compare"),
        &CancellationToken::new(),
    )
    .await
    .result
    .unwrap();
    ask_with(
        &client,
        &request(&[], &texts, "summarise"),
        &CancellationToken::new(),
    )
    .await
    .result
    .unwrap();

    let bodies = chat_bodies(&server);
    assert_eq!(bodies.len(), 3);
    for body in &bodies {
        assert_eq!(body["model"], "qwen-long");
        assert_eq!(body["stream"], true);
        assert_eq!(body["stream_options"], json!({"include_usage": true}));
    }
    let sys = |c: &str| json!({"role": "system", "content": c});
    let user = |c: &str| json!({"role": "user", "content": c});
    assert_eq!(
        bodies[0]["messages"],
        json!([
            sys("You are a helpful assistant."),
            sys(&format!("fileid://{a}")),
            user("总金额是多少？")
        ])
    );
    assert_eq!(
        bodies[1]["messages"],
        json!([
            sys("You are a helpful assistant."),
            sys(&format!("fileid://{a},fileid://{b}")),
            user("compare")
        ])
    );
    assert_eq!(
        bodies[2]["messages"],
        json!([
            sys("You are a helpful assistant."),
            sys("pasted note one"),
            sys("pasted note two"),
            user("summarise")
        ])
    );
}

#[tokio::test]
async fn every_error_row() {
    let (server, client) = start().await;
    for (key, kind) in [
        ("sk-refused-000001", "key_refused"),
        ("sk-arrears-000001", "arrears"),
        ("sk-freetier-00001", "free_tier_only"),
    ] {
        let c = Client::new(config(server.base_url()), ApiKey::new(key)).unwrap();
        let run = ask(&c, "hi").await;
        let e = run.result.unwrap_err();
        assert_eq!(e.kind(), kind);
        assert!(e.request_id().unwrap().starts_with("mock-req-"));
    }

    let rows = [
        (
            400,
            "data_inspection_failed",
            "Input data may contain inappropriate content.",
            "content_refused",
        ),
        (
            400,
            "BadRequest.TooLarge",
            "Payload Too Large",
            "file_too_large",
        ),
        (
            400,
            "invalid_parameter_error",
            "File [id:file-fe-x] exceeds size limit.",
            "file_too_large",
        ),
        (
            400,
            "invalid_parameter_error",
            "File [id:file-fe-x] exceeds page limits (15000 pages).",
            "file_too_many_pages",
        ),
        (
            400,
            "invalid_parameter_error",
            "Too many files provided.",
            "too_many_files",
        ),
        (
            400,
            "invalid_parameter_error",
            "Total message token length exceed model limit (10000000 tokens).",
            "context_too_long",
        ),
        (
            400,
            "invalid_parameter_error",
            "File [id:file-fe-x] content blank.",
            "file_blank",
        ),
        (
            400,
            "invalid_parameter_error",
            "Invalid file [id:file-fe-x].",
            "file_invalid",
        ),
        (
            400,
            "invalid_parameter_error",
            "File [id:file-fe-x] cannot be found.",
            "file_not_found",
        ),
        (
            400,
            "invalid_parameter_error",
            "File [id:file-fe-x] format is not supported.",
            "file_format_unsupported",
        ),
        (400, "Arrearage", "Access denied.", "arrears"),
        (
            403,
            "AllocationQuota.FreeTierOnly",
            "free tier",
            "free_tier_only",
        ),
        (
            401,
            "invalid_api_key",
            "Incorrect API key provided.",
            "key_refused",
        ),
        (404, "model_not_found", "no such model", "model_not_found"),
        (400, "something_new", "unheard of", "service_error"),
    ];
    for (status, code, message, kind) in rows {
        server.push_fault(http_fault(status, code, message, None));
        let e = ask(&client, "hi").await.result.unwrap_err();
        assert_eq!(e.kind(), kind, "{code} {message}");
        assert!(e.request_id().is_some());
    }
    server.push_fault(Fault::EmptyNotFound { on: Target::Chat });
    assert_eq!(
        ask(&client, "hi").await.result.unwrap_err().kind(),
        "wrong_address"
    );
}

#[tokio::test]
async fn real_file_errors_from_the_service() {
    let (server, client) = start().await;
    // Model name wrong.
    let mut req = request(&[], &[], "hi");
    req.model = "qwen-longer".into();
    let e = ask_with(&client, &req, &CancellationToken::new())
        .await
        .result
        .unwrap_err();
    assert_eq!(e.kind(), "model_not_found");
    // An id that never existed.
    let e = ask_with(
        &client,
        &request(&["file-fe-missing".into()], &[], "q"),
        &CancellationToken::new(),
    )
    .await
    .result
    .unwrap_err();
    // The real service says "Invalid file" for an id that is gone, as for one that is not
    // yours ("cannot be found" only when a file goes during a chat).
    assert_eq!(e.kind(), "file_invalid");
    // Uploaded by another account (a RAM user's key, say).
    let other = Client::new(config(server.base_url()), ApiKey::new("sk-other-account-1")).unwrap();
    let id = upload(&other, "x.txt", b"theirs").await;
    let e = ask_with(
        &client,
        &request(&[id], &[], "q"),
        &CancellationToken::new(),
    )
    .await
    .result
    .unwrap_err();
    assert_eq!(e.kind(), "file_invalid");
    // Images are accepted for upload but not read.
    let png = upload(&client, "scan.png", b"\x89PNG\r\n\x1a\nnot really").await;
    let e = ask_with(
        &client,
        &request(&[png], &[], "q"),
        &CancellationToken::new(),
    )
    .await
    .result
    .unwrap_err();
    assert_eq!(e.kind(), "file_format_unsupported");
}

#[tokio::test]
async fn rate_limit_waits_then_succeeds() {
    let (server, client) = start().await;
    server.push_fault(http_fault(429, "limit_requests", "slow down", Some(1)));
    let t0 = Instant::now();
    let run = ask(&client, "hello").await;
    run.result.as_ref().unwrap();
    assert!(!run.text.is_empty());
    assert_eq!(
        waits(&run),
        vec![(WaitReason::RateLimited, Duration::from_secs(1))]
    );
    assert!(matches!(
        run.events[0],
        ChatEvent::Waiting { attempt: 1, .. }
    ));
    assert!(t0.elapsed() >= Duration::from_secs(1));
    assert_eq!(chat_bodies(&server).len(), 2);
}

#[tokio::test]
async fn server_errors_retry_with_backoff_then_give_up() {
    let (server, client) = start().await;
    server.push_fault(http_fault(500, "internal_error", "boom", None));
    server.push_fault(http_fault(503, "service_unavailable", "busy", None));
    let run = ask(&client, "hello").await;
    run.result.as_ref().unwrap();
    let w = waits(&run);
    assert_eq!(w.len(), 2);
    assert!(w.iter().all(|(r, _)| *r == WaitReason::ServerError));
    assert!(w[1].1 > w[0].1, "exponential: {w:?}");

    server.reset();
    for _ in 0..4 {
        server.push_fault(http_fault(502, "bad_gateway", "down", None));
    }
    let run = ask(&client, "hello").await;
    assert_eq!(run.result.as_ref().unwrap_err().kind(), "service_error");
    assert_eq!(waits(&run).len(), 3);
    assert_eq!(chat_bodies(&server).len(), 4);
}

#[tokio::test]
async fn file_still_parsing_is_retried() {
    let (server, client) = start().await;
    server.set_parse_delay(Duration::from_millis(300));
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("f.txt");
    std::fs::write(&p, "新上传的文件").unwrap();
    let f = client
        .upload(&p, "f.txt", &|_, _| {}, &CancellationToken::new())
        .await
        .unwrap();
    let run = ask_with(
        &client,
        &request(&[f.id], &[], "q"),
        &CancellationToken::new(),
    )
    .await;
    run.result.as_ref().unwrap();
    let w = waits(&run);
    assert!(!w.is_empty());
    assert!(w.iter().all(|(r, _)| *r == WaitReason::FileParsing));

    // Bounded by parse_wait.
    server.set_parse_delay(Duration::from_secs(60));
    let f = client
        .upload(&p, "g.txt", &|_, _| {}, &CancellationToken::new())
        .await
        .unwrap();
    let quick = with(&server, |c| c.parse_wait = Duration::from_millis(150));
    let run = ask_with(
        &quick,
        &request(&[f.id], &[], "q"),
        &CancellationToken::new(),
    )
    .await;
    assert_eq!(run.result.as_ref().unwrap_err().kind(), "file_parsing");
}

#[tokio::test]
async fn cut_stream_keeps_text_and_is_not_replayed() {
    let (server, client) = start().await;
    // The slow marker lets the first chunk leave the mock before it drops the connection.
    let question = "告诉我合同的要点 [[mock:slow=50]]";
    let full = ask(&client, question).await;
    full.result.unwrap();
    server.reset();
    server.push_fault(Fault::CutAfter { chunks: 2 });
    let run = ask(&client, question).await;
    assert_eq!(run.result.as_ref().unwrap_err().kind(), "stream_cut");
    assert!(!run.text.is_empty());
    assert!(full.text.starts_with(&run.text) && full.text.len() > run.text.len());
    assert_eq!(
        chat_bodies(&server).len(),
        1,
        "never replayed after a token"
    );
}

#[tokio::test]
async fn error_inside_the_stream_after_text() {
    let (server, client) = start().await;
    server.push_fault(Fault::StreamError {
        after_chunks: 2,
        code: "data_inspection_failed".into(),
        message: "Output data may contain inappropriate content.".into(),
    });
    let run = ask(&client, "hello").await;
    let e = run.result.unwrap_err();
    assert_eq!(e.kind(), "content_refused");
    assert!(e.request_id().is_some());
    assert!(!run.text.is_empty());
    assert_eq!(chat_bodies(&server).len(), 1);
}

#[tokio::test]
async fn idle_timeout_after_first_token() {
    let (server, _) = start().await;
    let client = with(&server, |c| c.idle_timeout = Duration::from_millis(200));
    server.push_fault(Fault::SlowChunks { delay_ms: 5_000 });
    let t0 = Instant::now();
    let run = ask(&client, "hello").await;
    assert_eq!(run.result.as_ref().unwrap_err().kind(), "timeout");
    assert!(!run.text.is_empty());
    assert!(t0.elapsed() < Duration::from_secs(3));
    assert_eq!(chat_bodies(&server).len(), 1);
}

#[tokio::test]
async fn first_token_wait_is_separate_from_idle() {
    let (server, _) = start().await;
    // A slow first token within the generous first-token wait is fine even with a short idle.
    let client = with(&server, |c| c.idle_timeout = Duration::from_millis(100));
    server.push_fault(Fault::FirstTokenDelay { delay_ms: 400 });
    ask(&client, "hello").await.result.unwrap();
    // Past the first-token wait: a timeout, nothing delivered.
    let client = with(&server, |c| {
        c.first_token_timeout = Duration::from_millis(200)
    });
    server.push_fault(Fault::FirstTokenDelay { delay_ms: 5_000 });
    let run = ask(&client, "hello").await;
    assert_eq!(run.result.as_ref().unwrap_err().kind(), "timeout");
    assert!(run.text.is_empty());
}

#[tokio::test]
async fn cancel_mid_stream_is_quick() {
    let (server, client) = start().await;
    server.push_fault(Fault::SlowChunks { delay_ms: 10_000 });
    let cancel = CancellationToken::new();
    let req = request(&[], &[], "hello");
    let mut text = String::new();
    let stopper = cancel.clone();
    let mut on_event = |e: ChatEvent| {
        if let ChatEvent::Delta(d) = e {
            text.push_str(&d);
            stopper.cancel(); // the person presses Stop once text shows
        }
    };
    let t0 = Instant::now();
    let e = client.chat(&req, &cancel, &mut on_event).await.unwrap_err();
    assert_eq!(e.kind(), "cancelled");
    assert!(t0.elapsed() < Duration::from_secs(2));
    assert!(!text.is_empty());

    // Cancelled while waiting to retry.
    server.push_fault(http_fault(429, "limit_requests", "slow down", Some(30)));
    let cancel = CancellationToken::new();
    let stopper = cancel.clone();
    let mut on_event = |e: ChatEvent| {
        if matches!(e, ChatEvent::Waiting { .. }) {
            stopper.cancel();
        }
    };
    let t0 = Instant::now();
    let e = client.chat(&req, &cancel, &mut on_event).await.unwrap_err();
    assert_eq!(e.kind(), "cancelled");
    assert!(t0.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn split_utf8_gives_exact_text() {
    let (server, client) = start().await;
    let question = "请总结：甲方😀乙方的义务——以及违约责任";
    let plain = ask(&client, question).await;
    plain.result.unwrap();
    assert!(!plain.text.is_ascii(), "{}", plain.text);
    server.push_fault(Fault::SplitUtf8);
    let split = ask(&client, question).await;
    let out = split.result.unwrap();
    assert_eq!(split.text, plain.text);
    assert_eq!(out.finish_reason.as_deref(), Some("stop"));
    assert!(out.usage.is_some());
}
