//! Retries before the first token against hand-made servers: 429s for a time budget (not a
//! count), `Retry-After` in its every shape.

mod client_support;

use axum::response::Response;
use axum::routing::post;
use axum::Router;
use client_support::{
    ask, config, error_body, error_response, serve, sse_answer, sse_response, waits, KEY,
};
use longwen_core::client::{ChatEvent, Client, ClientConfig, WaitReason};
use longwen_core::secrets::ApiKey;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Answers the n-th chat request (from 0) with `answer(n)`; counts them.
async fn chat_server(
    answer: impl Fn(usize) -> Response + Clone + Send + Sync + 'static,
) -> (String, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let app = Router::new().route(
        "/compatible-mode/v1/chat/completions",
        post(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let response = answer(n);
            async move { response }
        }),
    );
    (serve(app).await, hits)
}

fn client(base: String, f: impl FnOnce(&mut ClientConfig)) -> Client {
    let mut cfg = config(base);
    f(&mut cfg);
    Client::new(cfg, ApiKey::new(KEY)).unwrap()
}

fn throttled(retry_after: Option<&str>) -> Response {
    let headers: Vec<(&str, &str)> = retry_after
        .map(|v| ("retry-after", v))
        .into_iter()
        .collect();
    error_response(
        429,
        &headers,
        error_body("limit_requests", "Requests rate limit exceeded"),
    )
}

const MS: fn(u64) -> Duration = Duration::from_millis;

/// A service that stays throttled: retried past `max_retries`, with doubling waits, until
/// the next wait would pass the budget.
#[tokio::test]
async fn rate_limits_are_retried_within_a_budget_not_a_count() {
    let (base, hits) = chat_server(|_| throttled(None)).await;
    let client = client(base, |c| {
        c.max_retries = 1;
        c.retry_base_delay = MS(10);
        c.rate_limit_budget = MS(300);
    });
    let run = ask(&client, "hello").await;
    assert_eq!(run.result.as_ref().unwrap_err().kind(), "rate_limited");
    // 10 + 20 + 40 + 80 = 150 ms; 160 more would pass 300.
    let want: Vec<_> = [10, 20, 40, 80]
        .into_iter()
        .map(|ms| (WaitReason::RateLimited, MS(ms)))
        .collect();
    assert_eq!(waits(&run), want);
    let attempts: Vec<u32> = run
        .events
        .iter()
        .filter_map(|e| match e {
            ChatEvent::Waiting { attempt, .. } => Some(*attempt),
            _ => None,
        })
        .collect();
    assert_eq!(attempts, vec![1, 2, 3, 4]);
    assert_eq!(hits.load(Ordering::SeqCst), 5);
}

/// `Retry-After` as a date (past: at once, so the base delay), then values that mean
/// nothing (the backoff instead), then the answer.
#[tokio::test]
async fn retry_after_dates_and_nonsense_then_the_answer() {
    let told = ["Wed, 21 Oct 2015 07:28:00 GMT", "1e20", "-1", "NaN"];
    let (base, hits) = chat_server(move |n| match told.get(n) {
        Some(value) => throttled(Some(value)),
        None => sse_response(sse_answer("甲方乙方")),
    })
    .await;
    let client = client(base, |c| c.max_retries = 0);
    let run = ask(&client, "hello").await;
    run.result.as_ref().unwrap();
    assert_eq!(run.text, "甲方乙方");
    let want: Vec<_> = [20, 40, 80, 160]
        .into_iter()
        .map(|ms| (WaitReason::RateLimited, MS(ms)))
        .collect();
    assert_eq!(waits(&run), want);
    assert_eq!(hits.load(Ordering::SeqCst), 5);
}

/// A huge `Retry-After` is cut to a minute, which a small budget does not allow: the error
/// comes at once, carrying the clamped value.
#[tokio::test]
async fn huge_retry_after_is_clamped() {
    let (base, hits) = chat_server(|_| throttled(Some("18446744073709551615"))).await;
    let client = client(base, |c| c.rate_limit_budget = Duration::from_secs(30));
    let run = ask(&client, "hello").await;
    let e = run.result.as_ref().unwrap_err();
    assert_eq!(e.kind(), "rate_limited");
    assert_eq!(e.service_info().unwrap().retry_after_secs, Some(60));
    assert_eq!(e.retry_after(), Some(Duration::from_secs(60)));
    assert!(waits(&run).is_empty());
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}
