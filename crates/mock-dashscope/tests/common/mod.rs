//! Helpers shared by the test files: a server, uploads, chats, and reading errors and streams.
// Each test file uses a different part of this module.
#![allow(dead_code)]

use futures_util::StreamExt;
use mock_dashscope::{MockConfig, MockServer};
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub const KEY: &str = "sk-test-owner";

pub async fn server() -> MockServer {
    MockServer::start(MockConfig::default()).await.unwrap()
}

pub fn client() -> reqwest::Client {
    reqwest::Client::new()
}

pub async fn upload_as(m: &MockServer, key: &str, name: &str, data: Vec<u8>) -> reqwest::Response {
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

pub async fn upload(m: &MockServer, name: &str, data: &[u8]) -> String {
    let r = upload_as(m, KEY, name, data.to_vec()).await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    v["id"].as_str().unwrap().to_string()
}

/// `GET /files` with `key`: the list object.
pub async fn list_files(m: &MockServer, key: &str) -> Value {
    client()
        .get(format!("{}/files", m.base_url()))
        .bearer_auth(key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

pub fn chat_body(ids: &[&str], question: &str, stream: bool) -> Value {
    let mut messages = vec![json!({"role": "system", "content": "You are a helpful assistant."})];
    if !ids.is_empty() {
        let refs: Vec<String> = ids.iter().map(|i| format!("fileid://{i}")).collect();
        messages.push(json!({"role": "system", "content": refs.join(",")}));
    }
    messages.push(json!({"role": "user", "content": question}));
    json!({"model": "qwen-long", "messages": messages, "stream": stream,
           "stream_options": {"include_usage": true}})
}

pub async fn chat_as(m: &MockServer, key: &str, body: &Value) -> reqwest::Response {
    client()
        .post(format!("{}/chat/completions", m.base_url()))
        .bearer_auth(key)
        .json(body)
        .send()
        .await
        .unwrap()
}

pub async fn chat(m: &MockServer, body: &Value) -> reqwest::Response {
    chat_as(m, KEY, body).await
}

pub async fn error_of(r: reqwest::Response) -> (u16, String, String) {
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
pub async fn raw_body(r: reqwest::Response) -> (Vec<u8>, bool) {
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
pub fn events(raw: &[u8]) -> Vec<String> {
    let text = String::from_utf8(raw.to_vec())
        .unwrap()
        .replace("\r\n", "\n");
    text.split("\n\n")
        .flat_map(|ev| ev.lines())
        .filter_map(|l| l.strip_prefix("data:"))
        .map(|d| d.trim_start().to_string())
        .collect()
}

pub fn content_of(events: &[String]) -> (String, usize, Option<Value>) {
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

pub fn sha12(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))[..12].to_string()
}
