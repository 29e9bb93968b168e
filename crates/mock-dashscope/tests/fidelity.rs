//! Where the real service is harsher than a convenient mock would be, the mock is just as harsh
//! (docs/mock.md, "How the mock matches the real service").

mod common;

use common::*;
use mock_dashscope::{Fault, MockConfig, MockServer, Target};
use reqwest::Method;
use serde_json::Value;
use std::time::Duration;

async fn file_call(m: &MockServer, method: Method, key: &str, id: &str) -> reqwest::Response {
    client()
        .request(method, format!("{}/files/{id}", m.base_url()))
        .bearer_auth(key)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn unknown_deleted_and_foreign_ids_are_invalid_files_in_a_chat() {
    let m = server().await;
    let mine = upload(&m, "mine.txt", b"mine").await;
    let gone = upload(&m, "gone.txt", b"gone").await;
    let r = file_call(&m, Method::DELETE, KEY, &gone).await;
    assert_eq!(r.status(), 200);
    let never = "file-fe-000000000000000000000000";

    // A chat: the same answer whether the id is gone, never existed, or is another account's.
    for (key, id) in [
        (KEY, gone.as_str()),
        (KEY, never),
        ("sk-ram-user", mine.as_str()),
    ] {
        let (s, code, msg) = error_of(chat_as(&m, key, &chat_body(&[id], "q", true)).await).await;
        assert_eq!(
            (s, code.as_str(), msg),
            (
                400,
                "invalid_parameter_error",
                format!("Invalid file [id:{id}].")
            )
        );
    }

    // GET and DELETE: 404 `cannot be found` for all three (a foreign file looks gone too).
    for (key, id) in [
        (KEY, gone.as_str()),
        (KEY, never),
        ("sk-ram-user", mine.as_str()),
    ] {
        for method in [Method::GET, Method::DELETE] {
            let (s, code, msg) = error_of(file_call(&m, method.clone(), key, id).await).await;
            assert_eq!(
                (s, code.as_str(), msg),
                (
                    404,
                    "invalid_parameter_error",
                    format!("File [id:{id}] cannot be found.")
                ),
                "{method} {id}"
            );
        }
    }
    // The foreign DELETE did not delete it.
    assert_eq!(file_call(&m, Method::GET, KEY, &mine).await.status(), 200);

    // `cannot be found` on a chat (a file deleted while the chat runs) only comes from a fault.
    let message = format!("File [id:{mine}] cannot be found.");
    m.push_fault(Fault::http_error(
        Target::Chat,
        400,
        "invalid_parameter_error",
        &message,
    ));
    let (s, _, msg) = error_of(chat(&m, &chat_body(&[&mine], "q", true)).await).await;
    assert_eq!((s, msg), (400, message));
    assert_eq!(
        chat(&m, &chat_body(&[&mine], "q", true)).await.status(),
        200
    );
}

#[tokio::test]
async fn uploads_say_processed_at_once_but_chats_wait_for_parsing() {
    let m = server().await;
    m.set_parse_delay(Duration::from_millis(400));
    let r = upload_as(&m, KEY, "a.txt", b"alpha".to_vec()).await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["status"], "processed");
    let id = v["id"].as_str().unwrap().to_string();
    let got: Value = file_call(&m, Method::GET, KEY, &id)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got["status"], "processed");
    let (s, code, msg) = error_of(chat(&m, &chat_body(&[&id], "q", true)).await).await;
    assert_eq!(
        (s, code.as_str(), msg.as_str()),
        (
            400,
            "invalid_parameter_error",
            "File parsing in progress, please try again later."
        )
    );
    tokio::time::sleep(Duration::from_millis(450)).await;
    assert_eq!(chat(&m, &chat_body(&[&id], "q", true)).await.status(), 200);
}

#[tokio::test]
async fn report_parsing_shows_uploaded_until_parsed() {
    let m = MockServer::start(MockConfig {
        parse_delay: Duration::from_millis(400),
        report_parsing: true,
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let id = upload(&m, "a.txt", b"alpha").await;
    let status = |v: Value| v["status"].as_str().unwrap().to_string();
    let got = file_call(&m, Method::GET, KEY, &id)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status(got), "uploaded");
    let list = list_files(&m, KEY).await;
    assert_eq!(list["data"][0]["status"], "uploaded");
    tokio::time::sleep(Duration::from_millis(450)).await;
    let got = file_call(&m, Method::GET, KEY, &id)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status(got), "processed");

    // The setter switches it off again (for objects answered from now on).
    m.set_parse_delay(Duration::from_secs(3600));
    m.set_report_parsing(false);
    let r = upload_as(&m, KEY, "b.txt", b"beta".to_vec()).await;
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "processed");
    m.set_report_parsing(true);
    let r = upload_as(&m, KEY, "c.txt", b"gamma".to_vec()).await;
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "uploaded");
}

#[tokio::test]
async fn unknown_model_is_a_400_model_not_found() {
    let m = server().await;
    let mut body = chat_body(&[], "q", true);
    body["model"] = "qwen-long-2099".into();
    let r = chat(&m, &body).await;
    let (s, code, msg) = error_of(r).await;
    assert_eq!(
        (s, code.as_str(), msg.as_str()),
        (
            400,
            "model_not_found",
            "The model `qwen-long-2099` does not exist or you do not have access to it."
        )
    );
}

#[tokio::test]
async fn a_workspace_without_access_is_refused_chats_but_not_files() {
    let m = server().await;
    let key = "sk-noaccess-ws";
    let r = upload_as(&m, key, "a.txt", b"alpha".to_vec()).await;
    assert_eq!(r.status(), 200);
    let id = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(file_call(&m, Method::GET, key, &id).await.status(), 200);
    let (s, code, msg) = error_of(chat_as(&m, key, &chat_body(&[&id], "q", true)).await).await;
    assert_eq!(
        (s, code.as_str(), msg.as_str()),
        (
            403,
            "Workspace.AccessDenied",
            "Access denied: the workspace of this API key has no access to the model."
        )
    );
    assert_eq!(file_call(&m, Method::DELETE, key, &id).await.status(), 200);
}

/// All of an account's keys see the same files (`sk-ACCOUNT.NAME`); another account's do not.
#[tokio::test]
async fn keys_of_one_account_share_files() {
    let m = common::server().await;
    let id = common::upload_as(&m, "sk-acme.laptop", "a.txt", b"shared".to_vec())
        .await
        .json::<serde_json::Value>()
        .await
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        list_files(&m, "sk-acme.desktop").await["data"][0]["id"],
        id.as_str()
    );
    assert!(list_files(&m, "sk-other").await["data"]
        .as_array()
        .unwrap()
        .is_empty());
}
