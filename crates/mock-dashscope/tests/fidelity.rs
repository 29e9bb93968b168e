//! Where the real service is harsher than a convenient mock would be, the mock is just as harsh
//! (docs/mock.md, "How the mock matches the real service").

mod common;

use common::*;
use mock_dashscope::{Fault, Target};
use reqwest::Method;

async fn file_call(
    m: &mock_dashscope::MockServer,
    method: Method,
    key: &str,
    id: &str,
) -> reqwest::Response {
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
    m.push_fault(Fault::HttpError {
        on: Target::Chat,
        status: 400,
        code: "invalid_parameter_error".into(),
        message: message.clone(),
        retry_after: None,
    });
    let (s, _, msg) = error_of(chat(&m, &chat_body(&[&mine], "q", true)).await).await;
    assert_eq!((s, msg), (400, message));
    assert_eq!(
        chat(&m, &chat_body(&[&mine], "q", true)).await.status(),
        200
    );
}
