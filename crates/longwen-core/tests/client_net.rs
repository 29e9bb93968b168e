//! Transport failures map to their kinds: proxy, TLS, timeout, network.
//! One test on purpose: it sets HTTPS_PROXY for the whole process, and reqwest reads the
//! environment once, so nothing else may build a client first.

use longwen_core::client::{Client, ClientConfig};
use longwen_core::secrets::ApiKey;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

fn client(base: &str) -> Client {
    let cfg = ClientConfig {
        base_url: base.into(),
        connect_timeout: Duration::from_secs(5),
        request_timeout: Duration::from_millis(500),
        ..Default::default()
    };
    Client::new(cfg, ApiKey::new("sk-test-net-000001")).unwrap()
}

/// A port nothing listens on (bound, then released).
async fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    l.local_addr().unwrap().port()
}

#[tokio::test]
async fn transport_errors_have_kinds() {
    // A proxy that refuses connections, for a remote https address.
    let port = closed_port().await;
    std::env::set_var("HTTPS_PROXY", format!("http://127.0.0.1:{port}"));
    std::env::remove_var("NO_PROXY");
    std::env::remove_var("no_proxy");
    let e = client(longwen_core::client::BEIJING_URL)
        .list_files()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "proxy", "{e}");

    // Loopback never goes through the proxy: a refused connection is a network error.
    let port = closed_port().await;
    let e = client(&format!("https://127.0.0.1:{port}/v1"))
        .list_files()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "network", "{e}");

    // Something that is not TLS where TLS was expected.
    let plain = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = plain.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = plain.accept().await {
            // Keep the socket open until the client hangs up: closing early could make the
            // client see a reset before it reads the bytes that are not TLS.
            tokio::spawn(async move {
                let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
                let mut buf = [0u8; 1024];
                while matches!(s.read(&mut buf).await, Ok(n) if n > 0) {}
            });
        }
    });
    let e = client(&format!("https://{addr}/v1"))
        .list_files()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "tls", "{e}");

    // Accepts and never answers.
    let silent = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = silent.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = silent.accept().await {
            held.push(s);
        }
    });
    let e = client(&format!("http://{addr}/v1"))
        .list_files()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "timeout", "{e}");
}
