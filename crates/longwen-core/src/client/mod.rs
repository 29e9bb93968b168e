//! DashScope compatible mode: files and streaming chat.
//! The contract is `shared/dashscope-api.md`; this module follows it, not the mock.
//!
//! Layers, each using only those above it: `config`, `types` and `retry_after`; `errors` and
//! `transport` (the error table, the naming of transport failures); `body` (answers read
//! within bounds); `retry`, `stream` and `messages`; this file (the `Client` and its request
//! helpers); then `chat` and `files`, which never use each other.

mod body;
mod config;
mod errors;
mod retry;
mod retry_after;
mod transport;
mod types;

pub mod chat;
pub mod files;
pub mod messages;
pub mod stream;

pub use config::{
    ClientConfig, BEIJING_URL, DEFAULT_INSTRUCTION, DEFAULT_MODEL, SINGAPORE_URL, US_URL,
};
pub use types::{
    ChatEvent, ChatMessage, ChatOutcome, ChatRequest, RemoteFile, Role, Usage, WaitReason,
};

use crate::error::{Error, Problem, Result};
use crate::secrets::ApiKey;
use body::{check, read_json};
use std::future::Future;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use transport::map_reqwest;

/// The DashScope client. Cheap to clone.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: std::sync::Arc<ClientInner>,
}

type UploadLimiter = governor::DefaultDirectRateLimiter;

pub(crate) struct ClientInner {
    pub(crate) config: ClientConfig,
    pub(crate) key: ApiKey,
    pub(crate) http: reqwest::Client,
    /// Shared by every upload of this client (and its clones).
    pub(crate) upload_limiter: UploadLimiter,
    /// `base_url` without a trailing slash.
    pub(crate) base: String,
    /// Whether requests go through a proxy from the environment (for naming connect errors).
    pub(crate) proxied: bool,
}

impl Client {
    /// Fails with `InsecureUrl` for `http://` to anything but a literal loopback address.
    pub fn new(config: ClientConfig, key: ApiKey) -> Result<Client> {
        if key.is_empty() {
            return Err(Error::KeyMissing);
        }
        if !key.is_well_formed() {
            return Err(Error::invalid(Problem::BadKey));
        }
        let base = config.base_url.trim().trim_end_matches('/').to_string();
        let url = url::Url::parse(&base).map_err(|e| Error::InvalidArgument {
            problem: Problem::BadAddress,
            value: base.clone(),
            detail: e.to_string(),
        })?;
        let loopback = is_loopback(&url);
        match url.scheme() {
            "https" => {}
            "http" if loopback => {}
            "http" => return Err(Error::InsecureUrl { url: base }),
            other => return Err(Error::invalid_value(Problem::AddressNotHttp, other)),
        }
        // Proxies come from HTTPS_PROXY/NO_PROXY (reqwest's default) and certificates from
        // the OS store (rustls-tls-native-roots), so corporate networks work.
        // Redirects are never followed: a second request, made without our say, could carry
        // the key to another host. A 3xx is an answer like any other (see `errors`).
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(config.connect_timeout)
            .user_agent(concat!("longwen/", env!("CARGO_PKG_VERSION")));
        if loopback {
            // A local service is never reached through a proxy.
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(Error::internal)?;
        let per_second = config.uploads_per_second.max(1);
        // Burst of one: uploads start evenly spaced, so no 1-second window sees more than
        // `per_second` starts (a larger burst would allow nearly twice that).
        let quota = governor::Quota::with_period(Duration::from_secs(1) / per_second)
            .expect("non-zero period")
            .allow_burst(std::num::NonZeroU32::MIN);
        let proxied = !loopback && proxy_applies(&url);
        Ok(Client {
            inner: std::sync::Arc::new(ClientInner {
                proxied,
                upload_limiter: governor::RateLimiter::direct(quota),
                config,
                key,
                http,
                base,
            }),
        })
    }

    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// A transport failure of this client's requests (see `errors::map_reqwest`).
    pub(crate) fn net_error(&self, e: reqwest::Error) -> Error {
        map_reqwest(e, self.inner.proxied)
    }

    /// What the service sent travels on in errors (`detail()`, logs, storage): should it
    /// ever echo the key in use, or a parse error quote it, the key becomes its masked form.
    /// Applied to every error leaving the client's public methods.
    pub(crate) fn scrub(&self, mut e: Error) -> Error {
        if let Some(info) = e.service_info_mut() {
            let key = &self.inner.key;
            info.scrub(key.expose(), &key.masked());
        }
        e
    }

    /// `base` + `/path`.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}/{}", self.inner.base, path.trim_start_matches('/'))
    }

    /// A request with the key attached.
    pub(crate) fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.inner
            .http
            .request(method, self.url(path))
            .bearer_auth(self.inner.key.expose())
    }

    /// Sends a small JSON request and decodes the answer (at most `max` bytes), mapping
    /// every failure.
    pub(crate) async fn json<T: serde::de::DeserializeOwned>(
        &self,
        req: reqwest::RequestBuilder,
        max: usize,
    ) -> Result<T> {
        self.json_unscrubbed(req, max)
            .await
            .map_err(|e| self.scrub(e))
    }

    async fn json_unscrubbed<T: serde::de::DeserializeOwned>(
        &self,
        req: reqwest::RequestBuilder,
        max: usize,
    ) -> Result<T> {
        let cfg = &self.inner.config;
        let resp = req
            .timeout(cfg.request_timeout)
            .send()
            .await
            .map_err(|e| self.net_error(e))?;
        let resp = check(resp, cfg.max_error_body_bytes).await?;
        read_json(resp, max, |e| self.net_error(e)).await
    }
}

/// A literal loopback address: `127.0.0.0/8` or `::1`. Names (`localhost`, `*.localhost`)
/// are not: they go through DNS (or a hosts file) and can point anywhere.
fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(_)) | None => false,
    }
}

/// Whether reqwest will send requests for `url` through a proxy from the environment
/// (HTTPS_PROXY, ALL_PROXY, NO_PROXY...): asked of hyper-util's matcher, the one reqwest
/// itself builds its system proxy from, so the rules are the same.
fn proxy_applies(url: &url::Url) -> bool {
    let Ok(uri) = url.as_str().parse::<http::Uri>() else {
        return false;
    };
    hyper_util::client::proxy::matcher::Matcher::from_system()
        .intercept(&uri)
        .is_some()
}

/// `fut`, or `Error::Cancelled` if `cancel` fires first (or already has).
pub(crate) async fn cancellable<F: Future>(
    cancel: &CancellationToken,
    fut: F,
) -> Result<F::Output> {
    cancel
        .run_until_cancelled(fut)
        .await
        .ok_or(Error::Cancelled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_to_loopback() {
        let key = || ApiKey::new("sk-test-0000000000");
        let cfg = |u: &str| ClientConfig {
            base_url: u.into(),
            ..Default::default()
        };
        for ok in [
            "http://127.0.0.1:8080/compatible-mode/v1",
            "http://127.1.2.3:8080/v1",
            "http://[::1]:9/v1",
            "https://localhost:9/v1",
            BEIJING_URL,
        ] {
            assert!(Client::new(cfg(ok), key()).is_ok(), "{ok}");
        }
        // Names go through DNS, so they are not loopback, `localhost` included.
        for bad in [
            "http://dashscope.aliyuncs.com/compatible-mode/v1",
            "http://10.0.0.1/v1",
            "http://localhost:1/v1/",
            "http://LOCALHOST./v1",
            "http://api.localhost:1/v1",
            "http://[::ffff:10.0.0.1]/v1",
            "http://0.0.0.0:1/v1",
        ] {
            let e = Client::new(cfg(bad), key()).err().unwrap();
            assert_eq!(e.kind(), "insecure_url", "{bad}");
        }
        let c = Client::new(cfg("http://127.0.0.1:1/v1/"), key()).unwrap();
        assert_eq!(c.url("/files"), "http://127.0.0.1:1/v1/files");
    }
}
