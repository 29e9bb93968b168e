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

/// A proxy on loopback: reads a CONNECT request's head and answers `reply`. With `then_not_tls`,
/// it waits for the client's first bytes through the tunnel and answers them with bytes that
/// are not TLS, as a service behind the proxy could. Returns its port.
async fn fake_proxy(reply: &'static [u8], then_not_tls: bool) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match s.read(&mut buf).await {
                        Ok(n) if n > 0 => head.extend_from_slice(&buf[..n]),
                        _ => return,
                    }
                }
                let _ = s.write_all(reply).await;
                if then_not_tls && matches!(s.read(&mut buf).await, Ok(n) if n > 0) {
                    let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
                }
                // Open until the client hangs up (see the plain server below).
                while matches!(s.read(&mut buf).await, Ok(n) if n > 0) {}
            });
        }
    });
    port
}

async fn kind_through(proxy: String) -> &'static str {
    std::env::set_var("HTTPS_PROXY", proxy);
    client(longwen_core::client::BEIJING_URL)
        .list_files()
        .await
        .unwrap_err()
        .kind()
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
    let not_tls = addr;

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

    // Hangs up in the middle of the TLS handshake: it reads the greeting, closes its side
    // and holds the socket (a reset instead would be a plain network error).
    let hangs_up = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = hangs_up.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = hangs_up.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf).await;
                let _ = s.shutdown().await;
                while matches!(s.read(&mut buf).await, Ok(n) if n > 0) {}
            });
        }
    });
    let e = client(&format!("https://{addr}/v1"))
        .list_files()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "tls", "{e}");

    // Proxies that answer. A tunnel refused, or refused for want of credentials, is the
    // proxy's doing.
    let refusing = fake_proxy(b"HTTP/1.1 403 Forbidden\r\n\r\n", false).await;
    let kind = kind_through(format!("http://127.0.0.1:{refusing}")).await;
    assert_eq!(kind, "proxy");
    let wants_auth = b"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n";
    let wants_auth = fake_proxy(wants_auth, false).await;
    let kind = kind_through(format!("http://127.0.0.1:{wants_auth}")).await;
    assert_eq!(kind, "proxy");
    // TLS that fails with the service behind an open tunnel is TLS (a network that inspects
    // TLS with its own root certificate)...
    let open = fake_proxy(b"HTTP/1.1 200 Connection established\r\n\r\n", true).await;
    let kind = kind_through(format!("http://127.0.0.1:{open}")).await;
    assert_eq!(kind, "tls");
    // ...but TLS that fails with an https proxy itself is the proxy's.
    let kind = kind_through(format!("https://{not_tls}")).await;
    assert_eq!(kind, "proxy");
}
