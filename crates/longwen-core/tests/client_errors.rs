//! Error answers the real service gives beyond the contract's table, against a hand-made
//! server: a model it does not know, a workspace without access.

mod client_support;

use axum::response::Response;
use axum::Router;
use client_support::{ask, config, error_body, error_response, serve, KEY};
use longwen_core::client::Client;
use longwen_core::secrets::ApiKey;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Every request gets `answer`; returns the client and the request count.
async fn refusing(
    answer: impl Fn() -> Response + Clone + Send + Sync + 'static,
) -> (Client, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let app = Router::new().fallback(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        let response = answer();
        async move { response }
    });
    let client = Client::new(config(serve(app).await), ApiKey::new(KEY)).unwrap();
    (client, hits)
}

#[tokio::test]
async fn a_model_the_service_does_not_know() {
    let message = "The model `qwen-longer` does not exist or you do not have access to it.";
    let (client, hits) = refusing(move || {
        error_response(
            400,
            &[("x-request-id", "req-model")],
            error_body("invalid_parameter_error", message),
        )
    })
    .await;
    let e = ask(&client, "hello").await.result.unwrap_err();
    assert_eq!(e.kind(), "model_not_found");
    let info = e.service_info().unwrap();
    assert_eq!(info.status, 400);
    assert_eq!(info.message.as_deref(), Some(message));
    assert_eq!(e.request_id(), Some("req-model"));
    assert_eq!(hits.load(Ordering::SeqCst), 1, "not retried");
}

#[tokio::test]
async fn a_workspace_without_access() {
    for (code, message) in [
        ("Workspace.AccessDenied", "Access denied."),
        ("WORKSPACE.ACCESSDENIED", "Access denied."),
        ("AccessDenied", "The workspace may not use this model."),
    ] {
        let (client, hits) =
            refusing(move || error_response(403, &[], error_body(code, message))).await;
        let e = ask(&client, "hello").await.result.unwrap_err();
        assert_eq!(e.kind(), "access_denied", "{code}");
        assert_eq!(e.service_info().unwrap().status, 403);
        assert_eq!(hits.load(Ordering::SeqCst), 1, "not retried");
        // The small calls name it the same way.
        assert_eq!(
            client.check_access().await.unwrap_err().kind(),
            "access_denied"
        );
    }
}
