//! The mock's contract over HTTP with reqwest: uploads, the files API, keys, the admin API and
//! the binary.

mod common;

use common::*;
use mock_dashscope::{MockConfig, MockServer};
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::time::Duration;

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
    assert_eq!(msg, format!("Invalid file [id:{a}]."));
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
    // As the service does: `processed` at once, though the chat still has to wait.
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "processed");
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
            "Invalid file [id:file-fe-nope].".to_string(),
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
async fn admin_config_sets_parse_delay_and_report_parsing() {
    let m = server().await;
    let r = client()
        .post(format!("{}/_mock/config", m.root_url()))
        .json(&json!({"parse_delay_ms": 3_600_000, "report_parsing": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        (&v["parse_delay_ms"], &v["report_parsing"]),
        (&json!(3_600_000), &json!(true))
    );
    let r = upload_as(&m, KEY, "a.txt", b"a".to_vec()).await;
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "uploaded");
}

#[tokio::test]
async fn binary_prints_its_url_first() {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mock-dashscope"))
        .args(["--port", "0", "--chunk-delay-ms", "1", "--report-parsing"])
        .args(["--parse-delay-ms", "3600000"])
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
    let base = format!("http://127.0.0.1:{port}/compatible-mode/v1");
    let part = Part::bytes(b"a".to_vec()).file_name("a.txt");
    let form = Form::new()
        .text("purpose", "file-extract")
        .part("file", part);
    let r = client()
        .post(format!("{base}/files"))
        .bearer_auth(KEY)
        .multipart(form)
        .send()
        .await;
    child.kill().unwrap();
    child.wait().unwrap();
    // --report-parsing and --parse-delay-ms took effect.
    assert_eq!(
        r.unwrap().json::<Value>().await.unwrap()["status"],
        "uploaded"
    );
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
