//! Listing against a hand-made server that misbehaves (its own process: see client_net.rs on
//! why proxy-sensitive tests keep to themselves).

use longwen_core::client::{Client, ClientConfig};
use longwen_core::secrets::ApiKey;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

fn client(base: &str) -> Client {
    let cfg = ClientConfig {
        base_url: base.into(),
        ..Default::default()
    };
    Client::new(cfg, ApiKey::new("sk-test-list-000001")).unwrap()
}

/// A server that ignores `after` and always says `has_more`: listing must still end.
#[tokio::test]
async fn listing_ends_when_a_server_repeats_its_page() {
    let server = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = server.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = server.accept().await {
            tokio::spawn(async move {
                let body = r#"{"object":"list","has_more":true,"data":[{"id":"file-fe-1","object":"file","bytes":1,"created_at":1,"filename":"a.txt","purpose":"file-extract","status":"processed"}]}"#;
                let mut buf = [0u8; 4096];
                // One request per read is enough for these small GETs on a kept-alive connection.
                while matches!(s.read(&mut buf).await, Ok(n) if n > 0) {
                    let head = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                        body.len()
                    );
                    if s.write_all(head.as_bytes()).await.is_err()
                        || s.write_all(body.as_bytes()).await.is_err()
                    {
                        break;
                    }
                }
            });
        }
    });
    let files = client(&format!("http://{addr}/v1"))
        .list_files()
        .await
        .unwrap();
    assert_eq!(files.len(), 1);
}
