//! Cuts at an exact byte of an answer, uploads whose connection breaks mid-body, and uploads
//! the server takes slowly.

mod common;

use common::*;
use mock_dashscope::{Fault, MockConfig, MockServer};
use reqwest::multipart::{Form, Part};
use serde_json::json;

/// The whole body of an answer to `question` from a fresh server (so its request id and
/// therefore its length are the same as those of the first chat of another fresh server).
async fn whole_body(question: &str, stream: bool) -> Vec<u8> {
    let m = server().await;
    let (raw, broke) = raw_body(chat(&m, &chat_body(&[], question, stream)).await).await;
    assert!(!broke);
    raw
}

/// The bytes with the digits of every `"created":` turned to zeros.
fn timeless(raw: &[u8]) -> Vec<u8> {
    const KEY: &[u8] = b"\"created\":";
    let mut out = raw.to_vec();
    let mut i = 0;
    while i + KEY.len() <= out.len() {
        if &out[i..i + KEY.len()] == KEY {
            i += KEY.len();
            while i < out.len() && out[i].is_ascii_digit() {
                out[i] = b'0';
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    out
}

#[tokio::test]
async fn a_cut_at_a_byte_sends_exactly_that_many_bytes_then_breaks() {
    // Chinese text, so that many cuts fall inside a character.
    let question = "合同的总金额是多少？";
    let whole = whole_body(question, true).await;
    let text = String::from_utf8(whole.clone()).unwrap();
    let inside_char = (1..whole.len())
        .find(|&i| !text.is_char_boundary(i))
        .unwrap();
    let inside_data = text.find("data: ").unwrap() + 3;
    let last = whole.len() - 1;
    for n in [0, 1, inside_data, inside_char, 200, last] {
        let m = server().await;
        m.push_fault(Fault::CutAtByte { byte: n });
        let (raw, broke) = raw_body(chat(&m, &chat_body(&[], question, true)).await).await;
        assert!(broke, "cut at {n}");
        assert_eq!(raw.len(), n, "cut at {n}");
        // The same bytes as the whole answer, but for the time of day in `created`.
        assert_eq!(timeless(&raw), timeless(&whole[..n]), "cut at {n}");
    }
    // At or past the end: the whole body, then the break.
    for n in [whole.len(), whole.len() + 100] {
        let m = server().await;
        m.push_fault(Fault::CutAtByte { byte: n });
        let (raw, broke) = raw_body(chat(&m, &chat_body(&[], question, true)).await).await;
        assert!(broke);
        assert_eq!(raw.len(), whole.len());
        assert_eq!(events(&raw).last().unwrap(), "[DONE]");
    }
}

#[tokio::test]
async fn a_cut_at_a_byte_without_a_stream_and_over_http() {
    let whole = whole_body("q", false).await;
    let m = server().await;
    let fault = json!({"kind": "cut_at_byte", "byte": 17});
    let r = client()
        .post(format!("{}/_mock/faults", m.root_url()))
        .json(&fault)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (raw, broke) = raw_body(chat(&m, &chat_body(&[], "q", false)).await).await;
    assert!(broke);
    assert_eq!(raw, whole[..17]);
}

fn form(name: &str, data: Vec<u8>) -> Form {
    let part = Part::bytes(data).file_name(name.to_string());
    Form::new()
        .text("purpose", "file-extract")
        .part("file", part)
}

#[tokio::test]
async fn an_upload_cut_breaks_the_connection_and_registers_nothing() {
    let m = MockServer::start(MockConfig::default()).await.unwrap();
    m.push_fault(Fault::UploadCut {
        after_bytes: 64 * 1024,
    });
    let data = vec![b'a'; 4 << 20];
    let sent = client()
        .post(format!("{}/files", m.base_url()))
        .bearer_auth(KEY)
        .multipart(form("big.txt", data.clone()))
        .send()
        .await;
    let e = sent.expect_err("no answer to a cut upload");
    assert!(!e.is_status(), "{e:?}");
    let reqs = m.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].body["cut"], true);
    assert_eq!(reqs[0].body["filename"], "big.txt");
    assert!(reqs[0].body["sha256"].is_null());

    // Nothing was kept, and the next upload (the fault is used up) goes through.
    let list = list_files(&m, KEY).await;
    assert_eq!(list["data"].as_array().unwrap().len(), 0);
    let id = upload(&m, "big.txt", &data).await;
    assert!(id.starts_with("file-fe-"));
}

/// A client that gives up mid-body: the upload is recorded without a hash (it did not arrive
/// whole), and nothing is kept.
#[tokio::test]
async fn an_upload_the_client_abandons_is_recorded_without_a_hash() {
    let m = server().await;
    // A MiB first, more than the client buffers, so that the request is surely under way.
    let mut chunks: Vec<std::io::Result<bytes::Bytes>> = Vec::new();
    for _ in 0..16 {
        chunks.push(Ok(bytes::Bytes::from(vec![b'a'; 64 << 10])));
    }
    chunks.push(Err(std::io::Error::other("gave up")));
    let chunks = futures_util::stream::iter(chunks);
    let part =
        Part::stream_with_length(reqwest::Body::wrap_stream(chunks), 4 << 20).file_name("left.txt");
    let form = Form::new()
        .text("purpose", "file-extract")
        .part("file", part);
    let sent = client()
        .post(format!("{}/files", m.base_url()))
        .bearer_auth(KEY)
        .multipart(form)
        .send()
        .await;
    assert!(sent.is_err(), "{sent:?}");
    // The server records the upload once it sees the connection close.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while m.requests().is_empty() {
        assert!(std::time::Instant::now() < deadline, "never recorded");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let reqs = m.requests();
    assert_eq!(reqs[0].body["filename"], "left.txt");
    assert!(reqs[0].body["sha256"].is_null(), "{}", reqs[0].body);
    let list = list_files(&m, KEY).await;
    assert_eq!(list["data"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn an_upload_cut_is_only_for_uploads() {
    let m = server().await;
    m.push_fault(Fault::UploadCut { after_bytes: 1 });
    // A chat does not take it.
    let r = chat(&m, &chat_body(&[], "q", false)).await;
    assert_eq!(r.status(), 200);
    // The upload does (a body of a few bytes is cut at its first byte).
    let r = client()
        .post(format!("{}/files", m.base_url()))
        .bearer_auth(KEY)
        .multipart(form("a.txt", b"hello".to_vec()))
        .send()
        .await;
    assert!(r.is_err());
}

#[tokio::test]
async fn a_slow_upload_takes_its_time_and_is_kept_whole() {
    let m = server().await;
    m.push_fault(Fault::SlowUpload {
        bytes_per_sec: 1 << 20,
    });
    let data = vec![b'b'; 512 << 10];
    let started = std::time::Instant::now();
    let id = upload(&m, "slow.txt", &data).await;
    // Half a MiB at a MiB a second.
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(400),
        "{:?}",
        started.elapsed()
    );
    assert!(id.starts_with("file-fe-"));
    let reqs = m.requests();
    assert_eq!(reqs[0].body["bytes"], data.len());
    assert_eq!(reqs[0].body["sha256"], hex_sha(&data));
}

fn hex_sha(data: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(data))
}
