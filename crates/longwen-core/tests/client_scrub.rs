//! The key never leaves the client in an error, whatever the service echoes.

mod client_support;

use client_support::{ask, config, KEY};
use longwen_core::client::Client;
use longwen_core::secrets::ApiKey;
use longwen_core::{CancellationToken, Error};
use mock_dashscope::{Fault, MockConfig, MockServer, Target};

async fn start() -> (MockServer, Client) {
    let server = MockServer::start(MockConfig::default()).await.unwrap();
    let client = Client::new(config(server.base_url()), ApiKey::new(KEY)).unwrap();
    (server, client)
}

/// The key never travels on in an error, even if the service echoes it.
fn assert_scrubbed(e: &Error) {
    let masked = ApiKey::new(KEY).masked();
    let info = e.service_info().expect("a service error");
    let message = info.message.as_deref().unwrap_or_default();
    assert!(!message.contains(KEY), "{message}");
    assert!(message.contains(&masked), "{message}");
    assert!(!e.detail().contains(KEY), "{}", e.detail());
    assert!(!format!("{e:?}").contains(KEY));
    // What faces and the database receive: the kind and its fields.
    let data = serde_json::to_string(e).unwrap();
    assert!(!data.contains(KEY), "{data}");
}

#[tokio::test]
async fn a_key_echoed_by_the_service_is_masked_in_errors() {
    let (server, client) = start().await;
    server.push_fault(Fault::HttpError {
        on: Target::Chat,
        status: 401,
        code: "invalid_api_key".into(),
        message: format!("Incorrect API key provided: {KEY}. Check it."),
        retry_after: None,
        retry_after_date: None,
        retry_after_raw: None,
    });
    let e = ask(&client, "hello").await.result.unwrap_err();
    assert_eq!(e.kind(), "key_refused");
    assert_scrubbed(&e);

    // Inside the stream, after some text.
    server.push_fault(Fault::StreamError {
        after_chunks: 1,
        code: "data_inspection_failed".into(),
        message: format!("refused for {KEY}"),
    });
    let run = ask(&client, "hello").await;
    assert!(!run.text.is_empty());
    let e = run.result.unwrap_err();
    assert_eq!(e.kind(), "content_refused");
    assert_scrubbed(&e);

    // On an upload.
    server.push_fault(Fault::HttpError {
        on: Target::Upload,
        status: 400,
        code: "invalid_parameter_error".into(),
        message: format!("bad upload with key {KEY}"),
        retry_after: None,
        retry_after_date: None,
        retry_after_raw: None,
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.txt");
    std::fs::write(&path, "hello").unwrap();
    let e = client
        .upload(&path, "a.txt", &|_, _| {}, &CancellationToken::new())
        .await
        .unwrap_err();
    assert_scrubbed(&e);

    // On the small JSON calls (retrieve, list, delete).
    server.push_fault(Fault::HttpError {
        on: Target::Files,
        status: 500,
        code: "internal_error".into(),
        message: format!("oops {KEY}"),
        retry_after: None,
        retry_after_date: None,
        retry_after_raw: None,
    });
    let e = client.list_files().await.unwrap_err();
    assert_scrubbed(&e);
}
