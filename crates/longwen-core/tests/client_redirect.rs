//! Redirects are never followed: a 3xx is a wrong address, and the key never goes where it
//! points.

mod client_support;

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Router;
use client_support::{ask, config, serve, KEY};
use longwen_core::client::Client;
use longwen_core::secrets::ApiKey;
use longwen_core::CancellationToken;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Counts what reaches it.
fn counting(hits: Arc<AtomicUsize>) -> Router {
    Router::new().fallback(move |_: Request| {
        let hits = hits.clone();
        async move {
            hits.fetch_add(1, Ordering::SeqCst);
            (StatusCode::OK, "{}")
        }
    })
}

/// Sends every request to `to` (same path), with `status`.
fn redirecting(status: StatusCode, to: String, hits: Arc<AtomicUsize>) -> Router {
    Router::new().fallback(move |req: Request| {
        let (to, hits) = (to.clone(), hits.clone());
        async move {
            hits.fetch_add(1, Ordering::SeqCst);
            let path = req.uri().path().trim_start_matches("/compatible-mode/v1");
            let location = format!("{to}{path}");
            // Read the body first: an answer before it could cut an upload short, which the
            // client would rightly try again.
            let _ = axum::body::to_bytes(req.into_body(), usize::MAX).await;
            (status, [(header::LOCATION, location)]).into_response()
        }
    })
}

#[tokio::test]
async fn redirects_are_wrong_address_and_not_followed() {
    let elsewhere_hits = Arc::new(AtomicUsize::new(0));
    let elsewhere = serve(counting(elsewhere_hits.clone())).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.txt");
    std::fs::write(&path, "甲方").unwrap();
    for status in [
        StatusCode::MOVED_PERMANENTLY,
        StatusCode::FOUND,
        StatusCode::TEMPORARY_REDIRECT,
        StatusCode::PERMANENT_REDIRECT,
    ] {
        let hits = Arc::new(AtomicUsize::new(0));
        let base = serve(redirecting(status, elsewhere.clone(), hits.clone())).await;
        let client = Client::new(config(base), ApiKey::new(KEY)).unwrap();
        let cancel = CancellationToken::new();
        let errors = [
            ask(&client, "hello").await.result.unwrap_err(),
            client
                .upload(&path, "a.txt", &|_, _| {}, &cancel)
                .await
                .unwrap_err(),
            client.list_files().await.unwrap_err(),
            client.get_file("file-fe-1").await.unwrap_err(),
            client.delete_file("file-fe-1").await.unwrap_err(),
            client.check_access().await.unwrap_err(),
        ];
        for (i, e) in errors.iter().enumerate() {
            assert_eq!(e.kind(), "wrong_address", "{status} call {i}: {e}");
            let info = e.service_info().unwrap();
            assert_eq!(info.status, status.as_u16());
            // Where it pointed is kept for the details.
            assert!(
                info.message.as_deref().unwrap().starts_with(&elsewhere),
                "{info:?}"
            );
        }
        // One request per call (a wrong address is not retried), none followed.
        assert_eq!(hits.load(Ordering::SeqCst), errors.len(), "{status}");
    }
    assert_eq!(elsewhere_hits.load(Ordering::SeqCst), 0);
}
