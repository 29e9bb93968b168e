//! Streaming chat against the mock: message building on the wire, every error row, and the
//! faults (retries before the first token only, cuts, in-stream errors, timeouts, cancel,
//! split UTF-8).

use longwen_core::client::messages::{build, Context};
use longwen_core::client::{
    ChatEvent, ChatOutcome, ChatRequest, Client, ClientConfig, WaitReason, DEFAULT_MODEL,
};
use longwen_core::secrets::ApiKey;
use longwen_core::{CancellationToken, Error};
use mock_dashscope::{Fault, MockConfig, MockServer, Target};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const KEY: &str = "sk-test-chat-0001";

fn config(base: String) -> ClientConfig {
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

struct Run {
    result: Result<ChatOutcome, Error>,
    text: String,
    events: Vec<ChatEvent>,
}

fn request(ids: &[String], texts: &[String], question: &str) -> ChatRequest {
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

async fn ask_with(client: &Client, req: &ChatRequest, cancel: &CancellationToken) -> Run {
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

async fn ask(client: &Client, question: &str) -> Run {
    ask_with(
        client,
        &request(&[], &[], question),
        &CancellationToken::new(),
    )
    .await
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

fn waits(run: &Run) -> Vec<(WaitReason, Duration)> {
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
    // An id that never existed: the real service says "Invalid file", as for a file that is
    // not yours ("cannot be found" only when a file goes during a chat).
    let e = ask_with(
        &client,
        &request(&["file-fe-missing".into()], &[], "q"),
        &CancellationToken::new(),
    )
    .await
    .result
    .unwrap_err();
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

/// The key never travels on in an error, even if the service echoes it.
fn assert_scrubbed(e: &Error) {
    let masked = ApiKey::new(KEY).masked();
    let info = e.service_info().expect("a service error");
    let message = info.message.as_deref().unwrap_or_default();
    assert!(!message.contains(KEY), "{message}");
    assert!(message.contains(&masked), "{message}");
    assert!(!e.detail().contains(KEY), "{}", e.detail());
    assert!(!format!("{e:?}").contains(KEY));
    // What faces and the database receive: the kind and its fields.
    let data = serde_json::to_string(e).unwrap();
    assert!(!data.contains(KEY), "{data}");
}

#[tokio::test]
async fn a_key_echoed_by_the_service_is_masked_in_errors() {
    let (server, client) = start().await;
    server.push_fault(Fault::HttpError {
        on: Target::Chat,
        status: 401,
        code: "invalid_api_key".into(),
        message: format!("Incorrect API key provided: {KEY}. Check it."),
        retry_after: None,
        retry_after_date: None,
        retry_after_raw: None,
    });
    let e = ask(&client, "hello").await.result.unwrap_err();
    assert_eq!(e.kind(), "key_refused");
    assert_scrubbed(&e);

    // Inside the stream, after some text.
    server.push_fault(Fault::StreamError {
        after_chunks: 1,
        code: "data_inspection_failed".into(),
        message: format!("refused for {KEY}"),
    });
    let run = ask(&client, "hello").await;
    assert!(!run.text.is_empty());
    let e = run.result.unwrap_err();
    assert_eq!(e.kind(), "content_refused");
    assert_scrubbed(&e);

    // On an upload.
    server.push_fault(Fault::HttpError {
        on: Target::Upload,
        status: 400,
        code: "invalid_parameter_error".into(),
        message: format!("bad upload with key {KEY}"),
        retry_after: None,
        retry_after_date: None,
        retry_after_raw: None,
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.txt");
    std::fs::write(&path, "hello").unwrap();
    let e = client
        .upload(&path, "a.txt", &|_, _| {}, &CancellationToken::new())
        .await
        .unwrap_err();
    assert_scrubbed(&e);

    // On the small JSON calls (retrieve, list, delete).
    server.push_fault(Fault::HttpError {
        on: Target::Files,
        status: 500,
        code: "internal_error".into(),
        message: format!("oops {KEY}"),
        retry_after: None,
        retry_after_date: None,
        retry_after_raw: None,
    });
    let e = client.list_files().await.unwrap_err();
    assert_scrubbed(&e);
}
