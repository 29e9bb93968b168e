//! The error shapes the real service uses, as faults a client's tests can ask for.

mod common;

use common::*;
use mock_dashscope::{Fault, Target};
use serde_json::{json, Value};
use std::time::{Duration, SystemTime};

#[tokio::test]
async fn retry_after_as_an_http_date_or_verbatim() {
    let m = server().await;
    let mut f = Fault::http_error(Target::Chat, 429, "limit_requests", "slow down");
    if let Fault::HttpError {
        retry_after,
        retry_after_date,
        ..
    } = &mut f
    {
        // The date wins over seconds.
        *retry_after = Some(5);
        *retry_after_date = Some(120);
    }
    m.push_fault(f);
    let r = chat(&m, &chat_body(&[], "q", true)).await;
    assert_eq!(r.status(), 429);
    let value = r.headers()["retry-after"].to_str().unwrap().to_string();
    assert!(value.ends_with(" GMT") && value.len() == 29, "{value}");
    let at = httpdate::parse_http_date(&value).unwrap();
    let ahead = at.duration_since(SystemTime::now()).unwrap();
    assert!(
        ahead > Duration::from_secs(115) && ahead <= Duration::from_secs(120),
        "{ahead:?}"
    );

    // Raw values go out as they are (and win over the others); the admin API takes the same JSON.
    for raw in ["1e20", "-1", "18446744073709551615"] {
        let r = client()
            .post(format!("{}/_mock/faults", m.root_url()))
            .json(&json!({"kind": "http_error", "on": "any", "status": 503,
                          "code": "ServiceUnavailable", "message": "later",
                          "retry_after": 1, "retry_after_date": 60, "retry_after_raw": raw}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let r = chat(&m, &chat_body(&[], "q", false)).await;
        assert_eq!(r.headers()["retry-after"], raw);
        let (s, code, _) = error_of(r).await;
        assert_eq!((s, code.as_str()), (503, "ServiceUnavailable"));
    }
    // Without any, no header.
    m.push_fault(Fault::http_error(Target::Chat, 429, "limit_requests", "x"));
    let r = chat(&m, &chat_body(&[], "q", false)).await;
    assert!(r.headers().get("retry-after").is_none());
}

#[tokio::test]
async fn a_flat_error_frame_ends_the_stream() {
    let m = server().await;
    m.push_fault(Fault::StreamErrorFlat {
        after_chunks: 2,
        code: "DataInspectionFailed".into(),
        message: "Output data may contain inappropriate content.".into(),
    });
    let r = chat(&m, &chat_body(&[], "q", true)).await;
    assert_eq!(r.status(), 200);
    let (raw, broke) = raw_body(r).await;
    assert!(!broke);
    let evs = events(&raw);
    assert_eq!(evs.len(), 3, "two chunks, the error, no [DONE]");
    let err: Value = serde_json::from_str(&evs[2]).unwrap();
    assert_eq!(err["code"], "DataInspectionFailed");
    assert_eq!(
        err["message"],
        "Output data may contain inappropriate content."
    );
    assert!(err["request_id"].as_str().unwrap().starts_with("mock-req-"));
    assert!(err.get("error").is_none());
    assert_eq!(content_of(&evs[..2]).1, 2);

    // The marker; without a stream the same flat object comes as a 400 body.
    let body = chat_body(&[], "q [[mock:flaterror=data_inspection_failed@0]]", true);
    let (raw, _) = raw_body(chat(&m, &body).await).await;
    let evs = events(&raw);
    assert_eq!(evs.len(), 1);
    let err: Value = serde_json::from_str(&evs[0]).unwrap();
    assert_eq!(err["code"], "data_inspection_failed");
    let mut body = body;
    body["stream"] = json!(false);
    let r = chat(&m, &body).await;
    assert_eq!(r.status(), 400);
    let err: Value = r.json().await.unwrap();
    assert_eq!(err["code"], "data_inspection_failed");
    assert!(err.get("error").is_none());
}

#[tokio::test]
async fn a_huge_line_is_exactly_that_long_and_the_stream_goes_on() {
    let m = server().await;
    for (fault, n) in [(true, 70_000), (false, 1_048_577)] {
        let question = if fault {
            m.push_fault(Fault::HugeLine { bytes: n });
            "q".to_string()
        } else {
            format!("q [[mock:hugeline={n}]]")
        };
        let r = chat(&m, &chat_body(&[], &question, true)).await;
        let (raw, broke) = raw_body(r).await;
        assert!(!broke);
        let text = String::from_utf8(raw.clone()).unwrap();
        let lines: Vec<&str> = text.lines().filter(|l| l.starts_with("data: ")).collect();
        assert_eq!(lines[1].len(), n, "the second data line");
        assert!(lines
            .iter()
            .enumerate()
            .all(|(i, l)| i == 1 || l.len() < 1000));
        let huge: Value = serde_json::from_str(&lines[1]["data: ".len()..]).unwrap();
        let padding = huge["choices"][0]["delta"]["content"].as_str().unwrap();
        assert!(padding.len() > n - 300);
        let evs = events(&raw);
        assert_eq!(evs.last().unwrap(), "[DONE]");
        let (answer, chunks, usage) = content_of(&evs);
        // The padding is one more chunk of the answer, counted in the usage.
        let answer = answer.replacen(padding, "", 1);
        assert!(answer.starts_with("Mock answer to: q\n"));
        assert_eq!(usage.unwrap()["completion_tokens"], chunks);
    }
}

#[tokio::test]
async fn broken_json_then_the_end() {
    let m = server().await;
    m.push_fault(Fault::BadJson { after_chunks: 3 });
    let (raw, broke) = raw_body(chat(&m, &chat_body(&[], "q", true)).await).await;
    assert!(!broke, "the body ends cleanly after the broken event");
    let evs = events(&raw);
    assert_eq!(evs.len(), 4);
    assert_eq!(evs[3], r#"{"choices": ["#);
    assert!(serde_json::from_str::<Value>(&evs[3]).is_err());
    assert_eq!(content_of(&evs[..3]).1, 3);

    let body = chat_body(&[], "q [[mock:badjson=0]]", false);
    let r = chat(&m, &body).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), r#"{"choices": ["#);
}

#[tokio::test]
async fn a_stall_is_silence_then_the_rest() {
    use futures_util::StreamExt;
    let m = server().await;
    for fault in [true, false] {
        let question = if fault {
            m.push_fault(Fault::Stall {
                after_chunks: 2,
                ms: 400,
            });
            "q".to_string()
        } else {
            "q [[mock:stall=2@400]]".to_string()
        };
        let r = chat(&m, &chat_body(&[], &question, true)).await;
        let mut body = r.bytes_stream();
        let (mut raw, mut gap_at) = (Vec::new(), None);
        let mut last = std::time::Instant::now();
        while let Some(b) = body.next().await {
            let gap = last.elapsed();
            last = std::time::Instant::now();
            if gap >= Duration::from_millis(350) {
                assert!(gap_at.is_none(), "one silence only");
                gap_at = Some(events(&raw).len());
            }
            raw.extend_from_slice(&b.unwrap());
        }
        assert_eq!(gap_at, Some(2), "silent after two chunks");
        assert_eq!(events(&raw).last().unwrap(), "[DONE]");
    }

    // Without a stream: half the JSON, the silence, the rest.
    let started = std::time::Instant::now();
    let r = chat(&m, &chat_body(&[], "q [[mock:stall=0@300]]", false)).await;
    let v: Value = r.json().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(v["choices"][0]["message"]["content"]
        .as_str()
        .unwrap()
        .starts_with("Mock answer to: q\n"));
}
