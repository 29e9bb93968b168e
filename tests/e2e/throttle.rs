//! A TCP relay between the app and the mock that can slow what the app sends (so an upload
//! takes seconds and can be interrupted at a chosen point) and hold back what the service
//! answers (so the service has taken an upload the app has not heard about yet).

use anyhow::Result;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Default)]
struct Knobs {
    /// Bytes per second from the app to the service; 0: as fast as they come.
    rate: AtomicU64,
    /// While set, nothing goes from the service to the app.
    hold: AtomicBool,
}

pub struct Throttle {
    addr: SocketAddr,
    knobs: Arc<Knobs>,
    task: tokio::task::JoinHandle<()>,
}

impl Throttle {
    pub async fn start(upstream: SocketAddr) -> Result<Throttle> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let knobs = Arc::new(Knobs::default());
        let k = knobs.clone();
        let task = tokio::spawn(async move {
            while let Ok((app, _)) = listener.accept().await {
                let k = k.clone();
                tokio::spawn(async move {
                    if let Ok(service) = TcpStream::connect(upstream).await {
                        relay(app, service, k).await;
                    }
                });
            }
        });
        Ok(Throttle { addr, knobs, task })
    }

    /// The compatible-mode base URL through the relay.
    pub fn base_url(&self) -> String {
        format!("http://{}/compatible-mode/v1", self.addr)
    }

    pub fn set_rate(&self, bytes_per_sec: u64) {
        self.knobs.rate.store(bytes_per_sec, Ordering::SeqCst);
    }

    pub fn hold(&self, on: bool) {
        self.knobs.hold.store(on, Ordering::SeqCst);
    }
}

impl Drop for Throttle {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn relay(app: TcpStream, service: TcpStream, k: Arc<Knobs>) {
    let _ = app.set_nodelay(true);
    let _ = service.set_nodelay(true);
    let (mut app_r, mut app_w) = app.into_split();
    let (mut svc_r, mut svc_w) = service.into_split();
    let up_knobs = k.clone();
    let up = async move {
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let rate = up_knobs.rate.load(Ordering::SeqCst);
            // Small reads when slowed, so the pace is even.
            let want = if rate > 0 { 4096 } else { buf.len() };
            let n = match app_r.read(&mut buf[..want]).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            if svc_w.write_all(&buf[..n]).await.is_err() {
                break;
            }
            if rate > 0 {
                tokio::time::sleep(Duration::from_secs_f64(n as f64 / rate as f64)).await;
            }
        }
        let _ = svc_w.shutdown().await;
    };
    let down = async move {
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let n = match svc_r.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            while k.hold.load(Ordering::SeqCst) {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            if app_w.write_all(&buf[..n]).await.is_err() {
                break;
            }
        }
        let _ = app_w.shutdown().await;
    };
    // Either side closing ends the pair: a killed app leaves nothing half-open behind.
    tokio::select! {
        _ = up => {}
        _ = down => {}
    }
}
