//! Chat over HTTP with reqwest: the request rules, the stream, and the faults that shape it.

mod common;

use common::*;
use mock_dashscope::{Fault, Target};
use serde_json::{json, Value};

#[tokio::test]
async fn chat_body_rules() {
    let m = server().await;
    let id = upload(&m, "a.txt", b"alpha").await;
    let mut body = chat_body(&[&id], "q", false);
    body["model"] = json!("qwen-plus");
    let (s, code, _) = error_of(chat(&m, &body).await).await;
    assert_eq!((s, code.as_str()), (400, "model_not_found"));

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
    // Not a real DOCX: the mock cannot read it and counts a quarter of its bytes.
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
        retry_after_date: None,
        retry_after_raw: None,
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
async fn usage_counts_the_parsed_text_with_qwens_tokenizer() {
    assert!(
        mock_dashscope::tokens::qwen_tokenizer_loaded(),
        "run scripts/fetch-qwen-vocab.sh"
    );
    let m = server().await;
    let dir = std::env::var("LONGWEN_FIXTURES").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fixtures").into()
    });
    let docx = std::fs::read(format!("{dir}/采购合同-2026-华东.docx")).unwrap();
    let id = upload(&m, "采购合同-2026-华东.docx", &docx).await;
    let r: Value = chat(&m, &chat_body(&[&id], "合同总金额是多少？", false))
        .await
        .json()
        .await
        .unwrap();
    // The contract's text is about 2,650 Qwen tokens (2,666 by the SDK's tokenizer over the
    // app's fuller extraction with its tables), far from the 7,145 of a quarter of its bytes.
    let file = 2_666;
    let messages = mock_dashscope::tokens::prompt(
        &["You are a helpful assistant.", "", "合同总金额是多少？"],
        0,
    );
    let prompt = r["usage"]["prompt_tokens"].as_u64().unwrap();
    assert!(prompt.abs_diff(file + messages) <= file / 50, "{prompt}");
}
