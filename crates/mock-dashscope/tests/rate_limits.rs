//! Requests and tokens per minute, per account and model, over a rolling window.

mod common;

use common::*;
use mock_dashscope::{default_rate_limits, MockConfig, MockServer};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::{Duration, Instant};

fn model_body(model: &str, ids: &[&str], question: &str) -> Value {
    let mut body = chat_body(ids, question, false);
    body["model"] = json!(model);
    body
}

/// Status, and for a 429 its code and message (asserting there is no Retry-After).
async fn outcome(r: reqwest::Response) -> (u16, String, String) {
    if r.status() == 200 {
        return (200, String::new(), String::new());
    }
    assert!(r.headers().get("retry-after").is_none());
    error_of(r).await
}

fn chats_recorded(m: &MockServer) -> usize {
    m.requests()
        .iter()
        .filter(|r| r.path.ends_with("/chat/completions"))
        .count()
}

const REQUESTS: &str = "Requests rate limit exceeded, please try again later.";
const TOKENS: &str = "You exceeded your current quota, please check your plan and billing details.";

#[tokio::test]
async fn the_snapshot_allows_three_requests_a_minute() {
    assert_eq!(
        default_rate_limits(),
        HashMap::from([
            ("qwen-long".to_string(), (1_200, 3_000_000)),
            ("qwen-long-latest".to_string(), (1_200, 60_000)),
            ("qwen-long-2025-01-25".to_string(), (3, 3_000_000)),
        ])
    );
    let m = server().await;
    let snapshot = model_body("qwen-long-2025-01-25", &[], "q");
    for _ in 0..3 {
        assert_eq!(chat(&m, &snapshot).await.status(), 200);
    }
    for _ in 0..2 {
        let got = outcome(chat(&m, &snapshot).await).await;
        assert_eq!(got, (429, "limit_requests".into(), REQUESTS.into()));
    }
    // Counted per account and per model.
    assert_eq!(chat_as(&m, "sk-other", &snapshot).await.status(), 200);
    assert_eq!(
        chat(&m, &model_body("qwen-long", &[], "q")).await.status(),
        200
    );
    // Refused requests are recorded too.
    assert_eq!(chats_recorded(&m), 7);
    // A reset forgets the window.
    m.reset();
    assert_eq!(chat(&m, &snapshot).await.status(), 200);
}

#[tokio::test]
async fn refusals_do_not_count_and_the_throttle_outlasts_a_retry() {
    let m = MockServer::start(MockConfig {
        rate_window: Duration::from_secs(1),
        rate_limits: HashMap::from([("qwen-long".to_string(), (2, 1_000_000))]),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let body = model_body("qwen-long", &[], "q");
    for _ in 0..2 {
        assert_eq!(chat(&m, &body).await.status(), 200);
    }
    // Both admitted requests leave the window by admitted + 1 s.
    let admitted = Instant::now();
    // Refused now, after a client's usual retry delay, and again later in the window.
    for wait in [0, 300, 300] {
        tokio::time::sleep(Duration::from_millis(wait)).await;
        let got = outcome(chat(&m, &body).await).await;
        assert_eq!(got, (429, "limit_requests".into(), REQUESTS.into()));
    }
    // Once the first two leave the window there is room for two again: the refusal at
    // admitted + 0.6 s or later would still be in the window had it counted.
    tokio::time::sleep(Duration::from_millis(1100).saturating_sub(admitted.elapsed())).await;
    for _ in 0..2 {
        assert_eq!(chat(&m, &body).await.status(), 200);
    }
    assert_eq!(outcome(chat(&m, &body).await).await.0, 429);
}

#[tokio::test]
async fn tokens_per_minute_throttle_with_the_services_wording() {
    let m = server().await;
    m.set_rate_window(Duration::from_secs(1));
    m.set_rate_limits(HashMap::from([("qwen-long".to_string(), (100, 1_000))]));
    // prompt_tokens: every message's tokens and template, as the service counts them.
    let words = "a quarterly sales figure ".repeat(80);
    let small = model_body("qwen-long", &[], &words);
    let r: Value = chat(&m, &small).await.json().await.unwrap();
    let tokens = r["usage"]["prompt_tokens"].as_u64().unwrap();
    assert_eq!(
        tokens,
        mock_dashscope::tokens::prompt(&["You are a helpful assistant.", &words], 0)
    );
    assert!((300..450).contains(&tokens), "{tokens}");
    assert_eq!(chat(&m, &small).await.status(), 200);
    let got = outcome(chat(&m, &small).await).await;
    assert_eq!(got, (429, "insufficient_quota".into(), TOKENS.into()));
    // A model the table does not list is not limited.
    let latest = model_body("qwen-long-latest", &[], &words);
    assert_eq!(chat(&m, &latest).await.status(), 200);

    // One request over the limit on its own is refused every time, even with an empty window.
    let id = upload(
        &m,
        "big.txt",
        "a quarterly sales figure ".repeat(300).as_bytes(),
    )
    .await;
    let big = model_body("qwen-long", &[&id], "q");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    for _ in 0..2 {
        let got = outcome(chat(&m, &big).await).await;
        assert_eq!(got, (429, "insufficient_quota".into(), TOKENS.into()));
    }
    assert_eq!(chat(&m, &small).await.status(), 200);
}

#[tokio::test]
async fn qwen_long_latest_has_a_small_token_limit() {
    let m = server().await;
    // About 62,000 tokens: over qwen-long-latest's 60,000, under qwen-long's 3,000,000.
    let id = upload(&m, "long.txt", "sales figure ".repeat(31_000).as_bytes()).await;
    let got = outcome(chat(&m, &model_body("qwen-long-latest", &[&id], "q")).await).await;
    assert_eq!(got, (429, "insufficient_quota".into(), TOKENS.into()));
    let r = chat(&m, &model_body("qwen-long", &[&id], "q")).await;
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn admin_config_sets_the_window_and_the_table() {
    let m = server().await;
    let r = client()
        .post(format!("{}/_mock/config", m.root_url()))
        .json(&json!({"rate_window_ms": 1000, "rate_limits": {"qwen-long": [1, 100_000]}}))
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["rate_window_ms"], 1000);
    assert_eq!(v["rate_limits"], json!({"qwen-long": [1, 100_000]}));
    let body = model_body("qwen-long", &[], "q");
    assert_eq!(chat(&m, &body).await.status(), 200);
    assert_eq!(outcome(chat(&m, &body).await).await.0, 429);
}
