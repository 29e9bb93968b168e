//! The error shapes the real service uses, as faults a client's tests can ask for.

mod common;

use common::*;
use mock_dashscope::{Fault, Target};
use serde_json::json;
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
