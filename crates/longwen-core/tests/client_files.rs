//! The files API against the mock: upload (progress, UTF-8 names, known length), the upload
//! queue, parse waiting, pagination, delete, and the upload error rows.

use longwen_core::client::{Client, ClientConfig};
use longwen_core::secrets::ApiKey;
use longwen_core::CancellationToken;
use mock_dashscope::{Fault, MockConfig, MockServer, Target};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const KEY: &str = "sk-test-files-0001";

fn config(base: String) -> ClientConfig {
    ClientConfig {
        base_url: base,
        connect_timeout: Duration::from_secs(5),
        parse_wait: Duration::from_secs(10),
        poll_interval: Duration::from_millis(20),
        retry_base_delay: Duration::from_millis(20),
        request_timeout: Duration::from_secs(10),
        ..Default::default()
    }
}

async fn mock(cfg: MockConfig) -> (MockServer, Client) {
    let server = MockServer::start(cfg).await.unwrap();
    let client = Client::new(config(server.base_url()), ApiKey::new(KEY)).unwrap();
    (server, client)
}

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn none(_: u64, _: u64) {}

#[tokio::test]
async fn upload_streams_with_progress_known_length_and_utf8_name() {
    let (server, client) = mock(MockConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let content: Vec<u8> = (0..700_000u32)
        .map(|i| b"abcdefgh\n"[(i % 9) as usize])
        .collect();
    let path = write(&dir, "on-disk.txt", &content);
    let name = "合同 第3版 😀 \"final\".txt";
    let seen = Mutex::new(Vec::new());
    let progress = |sent: u64, total: u64| seen.lock().unwrap().push((sent, total));
    let file = client
        .upload(&path, name, &progress, &CancellationToken::new())
        .await
        .unwrap();
    assert!(file.id.starts_with("file-fe-"), "{file:?}");
    assert_eq!(file.filename, name);
    assert_eq!(file.bytes, content.len() as u64);

    let total = content.len() as u64;
    let seen = seen.into_inner().unwrap();
    assert_eq!(seen.first(), Some(&(0, total)));
    assert_eq!(seen.last(), Some(&(total, total)));
    // Intermediate reports are coalesced (latest value wins), so their number depends on timing.
    assert!(seen.len() >= 2, "{seen:?}");
    assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0), "monotonic");

    let reqs = server.requests();
    let up = reqs.iter().find(|r| r.method == "POST").unwrap();
    assert_eq!(up.body["filename"], name);
    assert_eq!(up.body["purpose"], "file-extract");
    assert_eq!(up.body["bytes"], total);
    assert_eq!(up.body["chunked"], false);
    assert!(up.body["content_length"].as_u64().unwrap() > total);
    assert!(up.header("transfer-encoding").is_none());
    assert_eq!(up.body["sha256"], hex::encode(Sha256::digest(&content)));
    assert!(up
        .header("authorization")
        .unwrap()
        .starts_with("Bearer fp-"));
}

#[tokio::test]
async fn uploads_are_queued_at_three_per_second() {
    let (_server, client) = mock(MockConfig::default()).await;
    assert_eq!(client.config().uploads_per_second, 3);
    let dir = tempfile::tempdir().unwrap();
    let starts = Arc::new(Mutex::new(Vec::new()));
    let mut tasks = Vec::new();
    for i in 0..7 {
        let path = write(&dir, &format!("f{i}.txt"), b"hello queue");
        let (client, starts) = (client.clone(), starts.clone());
        tasks.push(tokio::spawn(async move {
            let progress = move |sent: u64, _: u64| {
                if sent == 0 {
                    starts.lock().unwrap().push(Instant::now());
                }
            };
            client
                .upload(&path, "q.txt", &progress, &CancellationToken::new())
                .await
                .unwrap()
        }));
    }
    let t0 = Instant::now();
    for t in tasks {
        t.await.unwrap();
    }
    let mut starts = starts.lock().unwrap().clone();
    starts.sort();
    assert_eq!(starts.len(), 7);
    for w in starts.windows(4) {
        // Four consecutive starts span at least a second: never more than 3 in one second.
        let span = w[3] - w[0];
        assert!(span >= Duration::from_millis(950), "{span:?}");
    }
    // ...and the queue does not dawdle: 7 uploads at 3/s need about 2 s.
    assert!(t0.elapsed() < Duration::from_secs(5), "{:?}", t0.elapsed());
}

#[tokio::test]
async fn wait_until_processed_polls_until_ready() {
    let (server, client) = mock(MockConfig::default()).await;
    // The real service says `processed` at once; a gateway that reports parsing still works.
    server.set_report_parsing(true);
    server.set_parse_delay(Duration::from_millis(300));
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "a.txt", b"some text to parse");
    let cancel = CancellationToken::new();
    let file = client.upload(&path, "a.txt", &none, &cancel).await.unwrap();
    assert_ne!(file.status, "processed");
    let done = client
        .wait_until_processed(&file.id, &cancel)
        .await
        .unwrap();
    assert_eq!(done.status, "processed");
    let polls = server
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.ends_with(&file.id))
        .count();
    assert!(polls >= 2, "polled {polls} times");
}

#[tokio::test]
async fn wait_until_processed_is_bounded() {
    let server = MockServer::start(MockConfig::default()).await.unwrap();
    server.set_report_parsing(true);
    server.set_parse_delay(Duration::from_secs(30));
    let cfg = ClientConfig {
        parse_wait: Duration::from_millis(200),
        ..config(server.base_url())
    };
    let client = Client::new(cfg, ApiKey::new(KEY)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "a.txt", b"slow");
    let cancel = CancellationToken::new();
    let file = client.upload(&path, "a.txt", &none, &cancel).await.unwrap();
    let t0 = Instant::now();
    let e = client
        .wait_until_processed(&file.id, &cancel)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "timeout");
    assert!(t0.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn list_follows_pages_and_delete_removes() {
    let server = MockServer::start(MockConfig::default()).await.unwrap();
    let cfg = ClientConfig {
        list_page_size: 2,
        ..config(server.base_url())
    };
    let client = Client::new(cfg, ApiKey::new(KEY)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cancel = CancellationToken::new();
    let mut ids = Vec::new();
    for i in 0..5 {
        let path = write(&dir, &format!("{i}.txt"), format!("doc {i}").as_bytes());
        ids.push(
            client
                .upload(&path, &format!("文档{i}.txt"), &none, &cancel)
                .await
                .unwrap()
                .id,
        );
    }
    let listed: Vec<String> = client
        .list_files()
        .await
        .unwrap()
        .into_iter()
        .map(|f| f.id)
        .collect();
    assert_eq!(listed, ids);
    let pages: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path.ends_with("/files"))
        .collect();
    assert_eq!(pages.len(), 3);
    assert!(pages[1]
        .query
        .as_deref()
        .unwrap()
        .contains(&format!("after={}", ids[1])));
    assert!(pages[0]
        .query
        .as_deref()
        .unwrap()
        .contains("purpose=file-extract"));

    client.delete_file(&ids[0]).await.unwrap();
    assert_eq!(
        client.get_file(&ids[0]).await.unwrap_err().kind(),
        "file_not_found"
    );
    assert_eq!(
        client.delete_file(&ids[0]).await.unwrap_err().kind(),
        "file_not_found"
    );
    assert_eq!(client.list_files().await.unwrap().len(), 4);
    assert_eq!(
        client.get_file(&ids[1]).await.unwrap().filename,
        "文档1.txt"
    );
}

#[tokio::test]
async fn upload_error_rows() {
    let (server, client) = mock(MockConfig {
        max_file_bytes: 1000,
        ..Default::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let cancel = CancellationToken::new();
    let big = write(&dir, "big.txt", &[b'x'; 5000]);
    let e = client
        .upload(&big, "big.txt", &none, &cancel)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "file_too_large");
    assert!(e.request_id().unwrap().starts_with("mock-req-"));

    let small = write(&dir, "s.txt", b"small");
    for (message, kind) in [
        ("Upload file capacity exceed limit.", "upload_quota"),
        ("Upload file number exceed limit.", "upload_quota"),
    ] {
        // The mock answers faults without reading the body; when that breaks the pipe the
        // client tries again (up to twice), and a real service would refuse again: so would we.
        for _ in 0..3 {
            server.push_fault(Fault::HttpError {
                on: Target::Upload,
                status: 400,
                code: "invalid_parameter_error".into(),
                message: message.into(),
                retry_after: None,
                retry_after_date: None,
                retry_after_raw: None,
            });
        }
        // A fresh client: no pooled connection the mock has just closed.
        let fresh = Client::new(config(server.base_url()), ApiKey::new(KEY)).unwrap();
        let e = fresh
            .upload(&small, "s.txt", &none, &cancel)
            .await
            .unwrap_err();
        assert_eq!(e.kind(), kind, "{message}: {e}");
        server.reset(); // drops the refusals left unused
    }
    server.push_fault(Fault::EmptyNotFound { on: Target::Files });
    assert_eq!(
        client.list_files().await.unwrap_err().kind(),
        "wrong_address"
    );

    let missing = dir.path().join("nope.txt");
    let e = client
        .upload(&missing, "nope.txt", &none, &cancel)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "input_missing");
}

#[tokio::test]
async fn key_problems_on_files() {
    let server = MockServer::start(MockConfig::default()).await.unwrap();
    for (key, kind) in [
        ("sk-refused-123456", "key_refused"),
        ("sk-arrears-123456", "arrears"),
        ("sk-freetier-123456", "free_tier_only"),
    ] {
        let client = Client::new(config(server.base_url()), ApiKey::new(key)).unwrap();
        let e = client.list_files().await.unwrap_err();
        assert_eq!(e.kind(), kind);
        assert!(e.request_id().is_some());
    }
    // The native API path instead of compatible mode: a 404 with no body.
    let wrong = server.base_url().replace("/compatible-mode/v1", "/api/v1");
    let client = Client::new(config(wrong), ApiKey::new(KEY)).unwrap();
    assert_eq!(
        client.list_files().await.unwrap_err().kind(),
        "wrong_address"
    );
}

#[tokio::test]
async fn cancelled_upload_returns_cancelled() {
    let (server, client) = mock(MockConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "c.txt", b"cancel me");
    let cancel = CancellationToken::new();
    cancel.cancel();
    let e = client
        .upload(&path, "c.txt", &none, &cancel)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "cancelled");
    assert!(server.requests().is_empty());

    // Stopped once the queue let it start: the transfer is dropped, nothing is stored.
    let cancel = CancellationToken::new();
    let stopper = cancel.clone();
    let progress = move |_: u64, _: u64| stopper.cancel();
    let e = client
        .upload(&path, "c.txt", &progress, &cancel)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "cancelled");
    assert!(client.list_files().await.unwrap().is_empty());
}

#[test]
fn refuses_plain_http_to_remote_hosts() {
    let e = Client::new(
        ClientConfig {
            base_url: "http://dashscope.aliyuncs.com/compatible-mode/v1".into(),
            ..Default::default()
        },
        ApiKey::new(KEY),
    )
    .err()
    .unwrap();
    assert_eq!(e.kind(), "insecure_url");
}

/// A server that accepts connections and then neither reads nor answers. Returns its base
/// URL; the connections stay open until the test ends.
async fn silent_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((sock, _)) = listener.accept().await {
            held.push(sock);
        }
    });
    format!("http://{addr}/compatible-mode/v1")
}

/// Uploads to the silent server with a short stall bound; returns the error, the time it
/// took and the last progress report. Fails (instead of hanging) if the upload never ends.
async fn stalled_upload(path: &std::path::Path) -> (longwen_core::Error, Duration, (u64, u64)) {
    let cfg = ClientConfig {
        upload_stall_timeout: Duration::from_millis(400),
        ..config(silent_server().await)
    };
    let client = Client::new(cfg, ApiKey::new(KEY)).unwrap();
    let last = Mutex::new((0, 0));
    let progress = |sent: u64, total: u64| *last.lock().unwrap() = (sent, total);
    let t0 = Instant::now();
    let r = tokio::time::timeout(
        Duration::from_secs(15),
        client.upload(path, "a.txt", &progress, &CancellationToken::new()),
    )
    .await
    .expect("the upload hung: no stall protection");
    let e = r.unwrap_err();
    let last = *last.lock().unwrap();
    (e, t0.elapsed(), last)
}

#[tokio::test]
async fn upload_to_a_server_that_never_answers_times_out() {
    let dir = tempfile::tempdir().unwrap();
    // Small enough to fit in the socket buffers: the whole body leaves, no answer comes.
    let path = write(&dir, "a.txt", &[b'x'; 4096]);
    let (e, took, last) = stalled_upload(&path).await;
    assert_eq!(e.kind(), "timeout", "{e:?}");
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert_eq!(last, (4096, 4096));
}

#[tokio::test]
async fn upload_to_a_server_that_stops_reading_times_out() {
    let dir = tempfile::tempdir().unwrap();
    // Sparse and far larger than any socket buffer: the body stalls midway.
    let path = dir.path().join("big.txt");
    let total = 256 * 1024 * 1024;
    std::fs::File::create(&path)
        .unwrap()
        .set_len(total)
        .unwrap();
    let (e, took, last) = stalled_upload(&path).await;
    assert_eq!(e.kind(), "timeout", "{e:?}");
    assert!(took < Duration::from_secs(8), "{took:?}");
    assert_eq!(last.1, total);
    assert!(last.0 < total, "stalled midway, not at the end: {last:?}");
}
