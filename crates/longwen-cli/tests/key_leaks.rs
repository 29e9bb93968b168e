//! Key leaks: after a whole session with faults (a cut upload, throttling, an error that
//! echoes the key, a cut answer, a crash, a migration, text uploaded as a file), no copy of
//! the key is in any file of the data folder (`tmp/` and `backups/` included) or in anything
//! the CLI printed. And through an `HTTPS_PROXY` that records what it is sent, only `CONNECT`
//! requests go out: no key, no `Authorization`, no document bytes.

mod cli_support;

use cli_support::*;
use longwen_core::secrets::ApiKey;
use longwen_core::types::AskRequest;
use longwen_core::{CancellationToken, Engine, EngineConfig};
use mock_dashscope::{Fault, MockConfig, MockServer, Target};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A CLI run to its end, in a blocking task.
async fn cli_run(data: &Path, url: &str, args: &[&str], stdin: &'static [u8]) -> Ended {
    let mut c = cli(data, url, KEY);
    c.args(args);
    tokio::task::spawn_blocking(move || run(c, stdin))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_with_faults_leaves_no_copy_of_the_key() {
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let url = mock.base_url();
    let data = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let notes = files.path().join("notes.md");
    std::fs::write(&notes, "# 会议纪要\n付款分三期。".repeat(2_000)).unwrap();
    let notes = notes.to_str().unwrap();
    let mut outputs = Vec::new();

    // A cut upload (sent again), throttling waited out, then answers with faults.
    mock.push_fault(Fault::UploadCut {
        after_bytes: 16 << 10,
    });
    outputs.push(cli_run(data.path(), &url, &["files", "upload", notes], b"").await);
    for _ in 0..2 {
        let mut f = Fault::http_error(Target::Chat, 429, "limit_requests", "Slow down.");
        if let Fault::HttpError { retry_after, .. } = &mut f {
            *retry_after = Some(0);
        }
        mock.push_fault(f);
    }
    outputs.push(cli_run(data.path(), &url, &["ask", "-f", notes, "付款方式？"], b"").await);
    let echo = format!("Something about {KEY} went wrong.");
    mock.push_fault(Fault::http_error(
        Target::Chat,
        400,
        "invalid_parameter_error",
        &echo,
    ));
    outputs.push(cli_run(data.path(), &url, &["ask", "--text", "-", "Q1"], b"text").await);
    mock.push_fault(Fault::StreamError {
        after_chunks: 3,
        code: "data_inspection_failed".into(),
        message: format!("refused for {KEY}"),
    });
    outputs.push(cli_run(data.path(), &url, &["ask", "--text", "-", "Q2"], b"text").await);
    mock.push_fault(Fault::CutAfter { chunks: 5 });
    outputs.push(cli_run(data.path(), &url, &["ask", "--text", "-", "Q3"], b"text").await);
    assert_eq!(
        outputs[2].status.code(),
        Some(7),
        "{}",
        outputs[2].stderr_text()
    );

    // A crash mid-answer (the WAL keeps what it wrote).
    mock.push_fault(Fault::SlowChunks { delay_ms: 20 });
    let mut c = cli(data.path(), &url, KEY);
    c.args(["ask", "--text", "-", "Q4"]);
    let killed = tokio::task::spawn_blocking(move || {
        Watched::spawn(c, b"text").kill_when(Duration::from_secs(30), |w| w.stdout_len() > 40)
    })
    .await
    .unwrap();
    outputs.push(killed);
    // Scanned now too: the dead process's write-ahead log is checkpointed at the next start.
    let mut scanned = all_bytes(data.path());
    assert!(
        scanned
            .iter()
            .any(|(p, b)| p.ends_with("longwen.db-wal") && !b.is_empty()),
        "a WAL after the crash"
    );

    // The engine itself: text uploaded as a file (through tmp/), a regenerated answer.
    let mut config = EngineConfig::with_data_dir(data.path());
    config.base_url_override = Some(url.clone());
    config.api_key = Some(ApiKey::new(KEY));
    let engine = Engine::open(config).unwrap();
    let cancel = CancellationToken::new();
    let doc = engine
        .add_text_as_file(&"长文".repeat(20_000), Some("长文.txt"), &|_| {}, &cancel)
        .await
        .unwrap();
    let request = AskRequest {
        question: "总结".into(),
        document_ids: vec![doc.id],
        ..Default::default()
    };
    let answer = engine.ask(request, &cancel, &mut |_| {}).await.unwrap();
    engine
        .regenerate(answer.message.id, &cancel, &mut |_| {})
        .await
        .unwrap();
    drop(engine);

    // A migration (its backup in backups/, its copy through tmp/).
    db(data.path())
        .execute_batch(
            "ALTER TABLE messages DROP COLUMN error_data;
             ALTER TABLE messages RENAME COLUMN error_detail TO error_message;
             PRAGMA user_version = 3;",
        )
        .unwrap();
    for args in [
        &["chats", "list"][..],
        &["key", "status"],
        &["files", "list", "--json"],
    ] {
        outputs.push(cli_run(data.path(), &url, args, b"").await);
    }
    assert!(data.path().join("backups").read_dir().unwrap().count() > 0);
    assert!(data.path().join("tmp").exists());

    scanned.extend(all_bytes(data.path()));
    let names: Vec<_> = scanned.iter().map(|f| f.0.clone()).collect();
    assert!(
        names
            .iter()
            .any(|p| p.starts_with(data.path().join("backups"))),
        "{names:?}"
    );
    for (path, bytes) in &scanned {
        assert!(
            !contains(bytes, KEY.as_bytes()),
            "the key is in {}",
            path.display()
        );
    }
    for o in &outputs {
        assert!(
            !contains(&o.stdout, KEY.as_bytes()),
            "stdout: {}",
            o.stdout_text()
        );
        assert!(
            !contains(&o.stderr, KEY.as_bytes()),
            "stderr: {}",
            o.stderr_text()
        );
    }
    // The refusal that echoed the key was reported (as its kind, and the request id).
    assert!(outputs[2].stderr_text().contains("error [service_error]"));
    println!(
        "keys leaked: 0 in {} files and {} runs' output",
        scanned.len(),
        outputs.len()
    );
}

/// A proxy that records every byte it is sent and answers each `CONNECT` with 502.
fn recording_proxy() -> (String, Arc<Mutex<Vec<Vec<u8>>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let seen: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
    let record = seen.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { return };
            let record = record.clone();
            std::thread::spawn(move || {
                conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                let mut got = Vec::new();
                let mut buf = [0u8; 4096];
                // The request head, then the answer, then whatever else comes until the close.
                while !contains(&got, b"\r\n\r\n") {
                    match conn.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => got.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = conn.write_all(
                    b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                );
                conn.set_read_timeout(Some(Duration::from_millis(500)))
                    .unwrap();
                while let Ok(n) = conn.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    got.extend_from_slice(&buf[..n]);
                }
                record.lock().unwrap().push(got);
            });
        }
    });
    (format!("http://{addr}"), seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_a_proxy_only_connect_goes_out() {
    let (proxy, seen) = recording_proxy();
    let data = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let marker = "DOCUMENT-BYTES-5f2a9c";
    let doc = files.path().join("合同.md");
    std::fs::write(&doc, format!("# {marker}\n")).unwrap();
    let doc = doc.to_str().unwrap().to_string();
    let runs: Vec<(Vec<&str>, &'static [u8])> = vec![
        (vec!["files", "upload", &doc], b""),
        (vec!["ask", "-f", &doc, "Q"], b""),
        (vec!["ask", "--text", "-", "Q"], b"DOCUMENT-BYTES-5f2a9c"),
        (vec!["files", "list"], b""),
    ];
    let real = "https://dashscope.aliyuncs.com/compatible-mode/v1";
    let mut outputs = Vec::new();
    for (args, stdin) in runs {
        let mut c = cli(data.path(), real, KEY);
        c.env("HTTPS_PROXY", &proxy)
            .env_remove("NO_PROXY")
            .env_remove("no_proxy")
            .args(&args);
        let ended = tokio::task::spawn_blocking(move || run(c, stdin))
            .await
            .unwrap();
        let err = ended.stderr_text();
        assert_eq!(ended.status.code(), Some(5), "{args:?}: {err}");
        assert!(err.contains("error [proxy]"), "{args:?}: {err}");
        outputs.push(ended);
    }
    let seen = seen.lock().unwrap().clone();
    assert!(
        seen.len() >= 4,
        "one tunnel asked for per run: {}",
        seen.len()
    );
    for got in &seen {
        let text = String::from_utf8_lossy(got);
        assert!(
            text.starts_with("CONNECT dashscope.aliyuncs.com:443 HTTP/1.1\r\n"),
            "{text:?}"
        );
        assert!(
            text.ends_with("\r\n\r\n") && text.matches("\r\n\r\n").count() == 1,
            "{text:?}"
        );
        assert!(!contains(got, KEY.as_bytes()), "the key went to the proxy");
        assert!(
            !text.to_ascii_lowercase().contains("authorization"),
            "{text:?}"
        );
        assert!(
            !contains(got, marker.as_bytes()),
            "document bytes went to the proxy"
        );
    }
    for o in &outputs {
        assert!(!contains(&o.stdout, KEY.as_bytes()) && !contains(&o.stderr, KEY.as_bytes()));
    }
    println!(
        "the proxy saw {} requests, all CONNECT: {:?}",
        seen.len(),
        String::from_utf8_lossy(&seen[0])
    );
}
