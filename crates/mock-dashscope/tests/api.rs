//! The mock's contract, exercised over HTTP with reqwest.

use futures_util::StreamExt;
use mock_dashscope::{Fault, MockConfig, MockServer, Target};
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::time::Duration;

const KEY: &str = "sk-test-owner";

async fn server() -> MockServer {
    MockServer::start(MockConfig::default()).await.unwrap()
}

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

async fn upload_as(m: &MockServer, key: &str, name: &str, data: Vec<u8>) -> reqwest::Response {
    let part = Part::bytes(data).file_name(name.to_string());
    let form = Form::new()
        .text("purpose", "file-extract")
        .part("file", part);
    client()
        .post(format!("{}/files", m.base_url()))
        .bearer_auth(key)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn upload(m: &MockServer, name: &str, data: &[u8]) -> String {
    let r = upload_as(m, KEY, name, data.to_vec()).await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    v["id"].as_str().unwrap().to_string()
}

fn chat_body(ids: &[&str], question: &str, stream: bool) -> Value {
    let mut messages = vec![json!({"role": "system", "content": "You are a helpful assistant."})];
    if !ids.is_empty() {
        let refs: Vec<String> = ids.iter().map(|i| format!("fileid://{i}")).collect();
        messages.push(json!({"role": "system", "content": refs.join(",")}));
    }
    messages.push(json!({"role": "user", "content": question}));
    json!({"model": "qwen-long", "messages": messages, "stream": stream,
           "stream_options": {"include_usage": true}})
}

async fn chat_as(m: &MockServer, key: &str, body: &Value) -> reqwest::Response {
    client()
        .post(format!("{}/chat/completions", m.base_url()))
        .bearer_auth(key)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn chat(m: &MockServer, body: &Value) -> reqwest::Response {
    chat_as(m, KEY, body).await
}

async fn error_of(r: reqwest::Response) -> (u16, String, String) {
    let status = r.status().as_u16();
    assert!(r.headers().contains_key("x-request-id"));
    let v: Value = r.json().await.unwrap();
    assert!(v["request_id"].as_str().unwrap().starts_with("mock-req-"));
    assert!(v["error"]["param"].is_null());
    (
        status,
        v["error"]["code"].as_str().unwrap().to_string(),
        v["error"]["message"].as_str().unwrap().to_string(),
    )
}

/// The raw body until it ends or breaks, and whether it broke.
async fn raw_body(r: reqwest::Response) -> (Vec<u8>, bool) {
    let mut out = Vec::new();
    let mut s = r.bytes_stream();
    while let Some(item) = s.next().await {
        match item {
            Ok(b) => out.extend_from_slice(&b),
            Err(_) => return (out, true),
        }
    }
    (out, false)
}

/// SSE `data:` payloads (CRLF or LF, comments skipped).
fn events(raw: &[u8]) -> Vec<String> {
    let text = String::from_utf8(raw.to_vec())
        .unwrap()
        .replace("\r\n", "\n");
    text.split("\n\n")
        .flat_map(|ev| ev.lines())
        .filter_map(|l| l.strip_prefix("data:"))
        .map(|d| d.trim_start().to_string())
        .collect()
}

fn content_of(events: &[String]) -> (String, usize, Option<Value>) {
    let (mut text, mut n, mut usage) = (String::new(), 0, None);
    for e in events.iter().filter(|e| e.as_str() != "[DONE]") {
        let v: Value = serde_json::from_str(e).unwrap();
        if let Some(c) = v["choices"][0]["delta"]["content"].as_str() {
            text.push_str(c);
            n += 1;
        }
        if v["usage"].is_object() {
            usage = Some(v["usage"].clone());
        }
    }
    (text, n, usage)
}

fn sha12(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))[..12].to_string()
}

#[tokio::test]
async fn upload_records_utf8_name_length_and_hash() {
    let m = server().await;
    let name = "采购合同 2026 华东 📄.md";
    let data = "# 会议纪要\n\nThe penalty is CNY 3,780.00 for six days.\n".repeat(50);
    let r = upload_as(&m, KEY, name, data.clone().into_bytes()).await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .starts_with("mock-req-"));
    let v: Value = r.json().await.unwrap();
    assert!(v["id"].as_str().unwrap().starts_with("file-fe-"));
    assert_eq!(v["object"], "file");
    assert_eq!(v["filename"], name);
    assert_eq!(v["bytes"], data.len());
    assert_eq!(v["purpose"], "file-extract");
    assert_eq!(v["status"], "processed");
    assert!(v["status_details"].is_null());

    let rec = m.requests().pop().unwrap();
    assert_eq!(rec.path, "/compatible-mode/v1/files");
    assert_eq!(rec.body["filename"], name);
    assert_eq!(rec.body["chunked"], false);
    assert!(rec.body["content_length"].as_u64().unwrap() > data.len() as u64);
    assert_eq!(
        rec.body["sha256"],
        hex::encode(Sha256::digest(data.as_bytes()))
    );
    let auth = rec.header("authorization").unwrap();
    assert!(auth.starts_with("Bearer fp-") && !auth.contains(KEY));

    // The answer quotes the start of a text file.
    let r = chat(
        &m,
        &chat_body(&[v["id"].as_str().unwrap()], "Penalty?", false),
    )
    .await;
    let answer: Value = r.json().await.unwrap();
    let text = answer["choices"][0]["message"]["content"].as_str().unwrap();
    assert!(text.contains(&format!(
        "- {name}, {} bytes, sha256 {}, begins \"# 会议纪要  The penalty",
        data.len(),
        sha12(data.as_bytes())
    )));
}

#[tokio::test]
async fn chunked_upload_is_refused_with_411() {
    let m = server().await;
    let body =
        reqwest::Body::wrap_stream(futures_util::stream::iter(vec![Ok::<_, std::io::Error>(
            bytes::Bytes::from_static(b"hello"),
        )]));
    let form = Form::new()
        .text("purpose", "file-extract")
        .part("file", Part::stream(body).file_name("a.txt"));
    let r = client()
        .post(format!("{}/files", m.base_url()))
        .bearer_auth(KEY)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let (status, code, _) = error_of(r).await;
    assert_eq!((status, code.as_str()), (411, "MissingContentLength"));
    assert_eq!(m.requests().pop().unwrap().body["chunked"], true);
}

#[tokio::test]
async fn too_large_uploads_are_refused() {
    let m = MockServer::start(MockConfig {
        max_file_bytes: 1000,
        max_image_bytes: 100,
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let (s, code, _) = error_of(upload_as(&m, KEY, "big.txt", vec![b'a'; 1001]).await).await;
    assert_eq!((s, code.as_str()), (400, "BadRequest.TooLarge"));
    let (s, code, _) = error_of(upload_as(&m, KEY, "pic.PNG", vec![0; 101]).await).await;
    assert_eq!((s, code.as_str()), (400, "BadRequest.TooLarge"));
    assert_eq!(
        upload_as(&m, KEY, "ok.txt", vec![b'a'; 1000])
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn keys_map_to_service_errors() {
    let m = server().await;
    let body = chat_body(&[], "hi", false);
    let r = client()
        .post(format!("{}/chat/completions", m.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(r).await.1, "invalid_api_key");
    for (key, status, code) in [
        ("not-a-key", 401, "invalid_api_key"),
        ("sk-refused-1", 401, "invalid_api_key"),
        ("sk-arrears", 400, "Arrearage"),
        ("sk-freetier", 403, "AllocationQuota.FreeTierOnly"),
    ] {
        let (s, c, _) = error_of(chat_as(&m, key, &body).await).await;
        assert_eq!((s, c.as_str()), (status, code), "{key}");
    }
}

#[tokio::test]
async fn files_list_pages_and_accounts_are_separate() {
    let m = server().await;
    let a = upload(&m, "a.txt", b"a").await;
    let b = upload(&m, "b.txt", b"b").await;
    let c = upload(&m, "c.txt", b"c").await;
    let other = upload_as(&m, "sk-ram-user", "x.txt", b"x".to_vec()).await;
    assert_eq!(other.status(), 200);

    let get = |q: &str| {
        let url = format!("{}/files{q}", m.base_url());
        async move {
            let r = client().get(url).bearer_auth(KEY).send().await.unwrap();
            r.json::<Value>().await.unwrap()
        }
    };
    let page = get("?limit=2&purpose=file-extract").await;
    assert_eq!(page["object"], "list");
    assert_eq!(page["has_more"], true);
    let ids: Vec<&str> = page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [a.as_str(), b.as_str()]);
    let page = get(&format!("?limit=2&after={b}")).await;
    assert_eq!(page["has_more"], false);
    assert_eq!(page["data"][0]["id"], c.as_str());
    assert_eq!(page["data"].as_array().unwrap().len(), 1);
    let r = client()
        .get(format!("{}/files?limit=0", m.base_url()))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    // The RAM-user case: another account cannot see or use the file.
    let foreign = |method: reqwest::Method| {
        client()
            .request(method, format!("{}/files/{a}", m.base_url()))
            .bearer_auth("sk-ram-user")
            .send()
    };
    assert_eq!(foreign(reqwest::Method::GET).await.unwrap().status(), 404);
    assert_eq!(
        foreign(reqwest::Method::DELETE).await.unwrap().status(),
        404
    );
    let (s, code, msg) =
        error_of(chat_as(&m, "sk-ram-user", &chat_body(&[&a], "q", false)).await).await;
    assert_eq!((s, code.as_str()), (400, "invalid_parameter_error"));
    assert_eq!(msg, format!("Invalid file [id:{a}]."));

    // Delete, then the id is gone everywhere.
    let r = client()
        .delete(format!("{}/files/{a}", m.base_url()))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({"object": "file", "deleted": true, "id": a})
    );
    let r = client()
        .get(format!("{}/files/{a}", m.base_url()))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let (_, _, msg) = error_of(chat(&m, &chat_body(&[&a], "q", false)).await).await;
    assert_eq!(msg, format!("File [id:{a}] cannot be found."));
}

#[tokio::test]
async fn parsing_and_file_content_errors() {
    let m = server().await;
    m.set_parse_delay(Duration::from_secs(3600));
    let slow = upload(&m, "slow.docx", b"PK..").await;
    let r = client()
        .get(format!("{}/files/{slow}", m.base_url()))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "uploaded");
    let (_, _, msg) = error_of(chat(&m, &chat_body(&[&slow], "q", true)).await).await;
    assert_eq!(msg, "File parsing in progress, please try again later.");

    m.set_parse_delay(Duration::ZERO);
    let empty = upload(&m, "empty.txt", b"").await;
    let png = upload(&m, "scan.png", b"\x89PNG....").await;
    let scanned = upload(&m, "scan.pdf", b"%PDF-1.3\n/XObject /Image\n%%EOF").await;
    let text_pdf = upload(&m, "text.pdf", b"%PDF-1.6\n<< /Type /Font >>\n%%EOF").await;
    for (id, msg) in [
        (&empty, format!("File [id:{empty}] content blank.")),
        (&png, format!("File [id:{png}] format is not supported.")),
        (
            &scanned,
            format!("File [id:{scanned}] format is not supported."),
        ),
        (
            &"file-fe-nope".to_string(),
            "File [id:file-fe-nope] cannot be found.".to_string(),
        ),
    ] {
        let (s, code, got) = error_of(chat(&m, &chat_body(&[id], "q", false)).await).await;
        assert_eq!(
            (s, code.as_str(), got),
            (400, "invalid_parameter_error", msg)
        );
    }
    assert_eq!(
        chat(&m, &chat_body(&[&text_pdf], "q", false))
            .await
            .status(),
        200
    );
    let many: Vec<String> = (0..101).map(|_| text_pdf.clone()).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let (_, _, msg) = error_of(chat(&m, &chat_body(&many, "q", false)).await).await;
    assert_eq!(msg, "Too many files provided.");
}

#[tokio::test]
async fn chat_body_rules() {
    let m = server().await;
    let id = upload(&m, "a.txt", b"alpha").await;
    let mut body = chat_body(&[&id], "q", false);
    body["model"] = json!("qwen-plus");
    let (s, code, _) = error_of(chat(&m, &body).await).await;
    assert_eq!((s, code.as_str()), (404, "model_not_found"));

    let mut body = chat_body(&[&id], "q", false);
    body["messages"][2]["content"] = json!([{"type": "text", "text": "q"}]);
    assert_eq!(error_of(chat(&m, &body).await).await.0, 400);

    for bad in [
        format!("Here is the file: fileid://{id}"),
        format!("fileid://{id}, fileid://{id}"),
        format!("fileid://{id}\n"),
    ] {
        let mut body = chat_body(&[], "q", false);
        body["messages"]
            .as_array_mut()
            .unwrap()
            .insert(1, json!({"role": "system", "content": bad}));
        let (s, code, _) = error_of(chat(&m, &body).await).await;
        assert_eq!(
            (s, code.as_str()),
            (400, "invalid_parameter_error"),
            "{bad:?}"
        );
    }
}

#[tokio::test]
async fn stream_proves_input_and_ends_properly() {
    let m = server().await;
    let docx = vec![7u8; 28579];
    let id = upload(&m, "采购合同-2026-华东.docx", &docx).await;
    let mut body = chat_body(&[&id], "合同总金额是多少？", true);
    let msgs = body["messages"].as_array_mut().unwrap();
    msgs.insert(
        2,
        json!({"role": "system", "content": "Plain text document 文本"}),
    );
    msgs.insert(3, json!({"role": "user", "content": "earlier"}));
    msgs.insert(4, json!({"role": "assistant", "content": "earlier answer"}));
    let r = chat(&m, &body).await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let (raw, broke) = raw_body(r).await;
    assert!(!broke);
    let evs = events(&raw);
    assert_eq!(evs.last().unwrap(), "[DONE]");
    let usage_chunk: Value = serde_json::from_str(&evs[evs.len() - 2]).unwrap();
    assert_eq!(usage_chunk["choices"], json!([]));
    let last_content: Value = serde_json::from_str(&evs[evs.len() - 3]).unwrap();
    assert_eq!(last_content["choices"][0]["finish_reason"], "stop");
    assert!(!last_content["choices"][0]["delta"]["content"]
        .as_str()
        .unwrap()
        .is_empty());

    let (text, n, usage) = content_of(&evs);
    let usage = usage.unwrap();
    assert!(n > 20, "streamed in many small chunks");
    assert_eq!(usage["completion_tokens"], n);
    assert!(usage["prompt_tokens"].as_u64().unwrap() >= 28579 / 4);
    assert_eq!(
        usage["total_tokens"].as_u64().unwrap(),
        usage["prompt_tokens"].as_u64().unwrap() + n as u64
    );
    assert!(text.starts_with("Mock answer to: 合同总金额是多少？\n"));
    assert!(text.contains(&format!(
        "Documents (1):\n- 采购合同-2026-华东.docx, 28579 bytes, sha256 {}\n",
        sha12(&docx)
    )));
    assert!(text.contains("Texts (1):\n- 22 chars, 26 bytes, sha256 "));
    assert!(text.contains("begins \"Plain text document 文本\""));
    assert!(text.contains("Earlier turns: 2\nModel: qwen-long"));

    // The same question without streaming gives the same text.
    body["stream"] = json!(false);
    let v: Value = chat(&m, &body).await.json().await.unwrap();
    assert_eq!(v["object"], "chat.completion");
    assert_eq!(v["choices"][0]["message"]["content"], text);
    assert_eq!(v["usage"]["completion_tokens"], n);
}

#[tokio::test]
async fn cut_and_stream_error_faults() {
    let m = server().await;
    m.push_fault(Fault::CutAfter { chunks: 5 });
    let r = chat(&m, &chat_body(&[], "q", true)).await;
    let (raw, broke) = raw_body(r).await;
    assert!(broke, "the connection must break, not end cleanly");
    let evs = events(&raw);
    assert_eq!(evs.len(), 5);
    assert!(!evs.iter().any(|e| e == "[DONE]" || e.contains("\"stop\"")));

    // Marker form, and the error arrives inside the 200 stream.
    let r = chat(
        &m,
        &chat_body(
            &[],
            "bad words [[mock:error=data_inspection_failed@3]]",
            true,
        ),
    )
    .await;
    assert_eq!(r.status(), 200);
    let (raw, broke) = raw_body(r).await;
    assert!(!broke);
    let evs = events(&raw);
    assert_eq!(evs.len(), 4);
    let err: Value = serde_json::from_str(&evs[3]).unwrap();
    assert_eq!(err["error"]["code"], "data_inspection_failed");
    let (text, _, _) = content_of(&evs[..3]);
    assert!(text.starts_with("Mock"));

    let r = chat(&m, &chat_body(&[], "again [[mock:cut=2]]", true)).await;
    let (raw, broke) = raw_body(r).await;
    assert!(broke);
    assert_eq!(events(&raw).len(), 2);
}

#[tokio::test]
async fn split_stream_parses_the_same() {
    let m = server().await;
    let id = upload(&m, "中文文件名.docx", b"PK data").await;
    let plain = chat(&m, &chat_body(&[&id], "问题：总额？", true)).await;
    let (plain_raw, _) = raw_body(plain).await;
    m.push_fault(Fault::SplitUtf8);
    let split = chat(&m, &chat_body(&[&id], "问题：总额？", true)).await;
    let (raw, broke) = raw_body(split).await;
    assert!(!broke);
    let text = String::from_utf8(raw.clone()).unwrap();
    assert!(text.contains("\r\n\r\n") && text.contains(": keep-alive\r\n"));
    assert!(text.contains("data:{"));
    let a = content_of(&events(&plain_raw));
    let b = content_of(&events(&raw));
    assert_eq!((a.0, a.1), (b.0, b.1));
    assert_eq!(events(&raw).last().unwrap(), "[DONE]");

    // The marker form works too, with other markers removed from the question.
    let r = chat(
        &m,
        &chat_body(&[], "问题 [[mock:split]] [[mock:long=300]]", true),
    )
    .await;
    let (raw, _) = raw_body(r).await;
    let (text, n, _) = content_of(&events(&raw));
    assert!(text.starts_with("Mock answer to: 问题\n"));
    assert!(text.contains("| Party | Duty | Days |") && text.contains("```rust"));
    assert!(n >= 300);
}

#[tokio::test]
async fn status_marker_fires_once_per_question() {
    let m = server().await;
    let body = chat_body(&[], "busy? [[mock:status=429:limit_requests:2]]", true);
    let r = chat(&m, &body).await;
    assert_eq!(r.headers()["retry-after"], "2");
    let (s, code, _) = error_of(r).await;
    assert_eq!((s, code.as_str()), (429, "limit_requests"));
    assert_eq!(chat(&m, &body).await.status(), 200);
    let other = chat_body(&[], "boom [[mock:status=500:InternalError]]", false);
    assert_eq!(chat(&m, &other).await.status(), 500);
    m.reset();
    assert_eq!(chat(&m, &body).await.status(), 429);
}

#[tokio::test]
async fn queued_faults_and_wrong_address() {
    let m = server().await;
    m.push_fault(Fault::HttpError {
        on: Target::Upload,
        status: 500,
        code: "InternalError".into(),
        message: "boom".into(),
        retry_after: None,
    });
    // A chat is not an upload: the fault waits for the upload.
    assert_eq!(chat(&m, &chat_body(&[], "q", false)).await.status(), 200);
    assert_eq!(
        upload_as(&m, KEY, "a.txt", b"a".to_vec()).await.status(),
        500
    );
    assert_eq!(
        upload_as(&m, KEY, "a.txt", b"a".to_vec()).await.status(),
        200
    );

    // The admin API queues the same JSON.
    let r = client()
        .post(format!("{}/_mock/faults", m.root_url()))
        .json(&json!([{"kind": "empty_not_found", "on": "chat"},
                      {"kind": "http_error", "on": "any", "status": 429, "code": "limit_requests",
                       "message": "slow down", "retry_after": 1}]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = chat(&m, &chat_body(&[], "q", false)).await;
    assert_eq!(r.status(), 404);
    assert!(r.bytes().await.unwrap().is_empty());
    let r = client()
        .get(format!("{}/files", m.base_url()))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["retry-after"], "1");
    assert_eq!(error_of(r).await.1, "limit_requests");

    let r = client()
        .post(format!(
            "{}/api/v1/services/aigc/text-generation/generation",
            m.root_url()
        ))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.headers().contains_key("x-request-id"));
    assert!(r.bytes().await.unwrap().is_empty());

    let recorded: Value = client()
        .get(format!("{}/_mock/requests", m.root_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(!recorded.to_string().contains(KEY));
    assert_eq!(recorded.as_array().unwrap().len(), m.requests().len());
}

#[tokio::test]
async fn admin_config_sets_parse_delay() {
    let m = server().await;
    let r = client()
        .post(format!("{}/_mock/config", m.root_url()))
        .json(&json!({"parse_delay_ms": 3_600_000}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = upload_as(&m, KEY, "a.txt", b"a".to_vec()).await;
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "uploaded");
}

#[test]
fn binary_prints_its_url_first() {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mock-dashscope"))
        .args(["--port", "0", "--chunk-delay-ms", "1"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim_end()
        .strip_prefix("listening on http://127.0.0.1:")
        .unwrap();
    let port = url.strip_suffix("/compatible-mode/v1").unwrap();
    let connected = std::net::TcpStream::connect(("127.0.0.1", port.parse::<u16>().unwrap()));
    child.kill().unwrap();
    child.wait().unwrap();
    connected.unwrap();
}

#[tokio::test]
async fn raw_utf8_and_rfc5987_filenames_are_kept_exactly() {
    let m = server().await;
    let send = |disposition: &str| {
        let body = format!(
            "--XyZ\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nfile-extract\r\n\
             --XyZ\r\nContent-Disposition: form-data; name=\"file\"; {disposition}\r\n\
             Content-Type: application/octet-stream\r\n\r\nhello\r\n--XyZ--\r\n"
        );
        client()
            .post(format!("{}/files", m.base_url()))
            .bearer_auth(KEY)
            .header("content-type", "multipart/form-data; boundary=XyZ")
            .body(body)
            .send()
    };
    for (disposition, expected) in [
        (
            "filename=\"报价 单 \\\"终版\\\" 🚀.txt\"",
            "报价 单 \"终版\" 🚀.txt",
        ),
        (
            "filename=\"fallback.txt\"; filename*=UTF-8''%E6%8A%A5%E4%BB%B7%20%E5%8D%95.txt",
            "报价 单.txt",
        ),
    ] {
        let r = send(disposition).await.unwrap();
        assert_eq!(r.status(), 200);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["filename"], expected);
        assert_eq!(v["bytes"], 5);
    }
}
