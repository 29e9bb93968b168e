//! DashScope compatible mode: files and streaming chat.
//! The contract is `shared/dashscope-api.md`; this module follows it, not the mock.

pub mod chat;
pub mod files;
pub mod messages;
pub mod stream;

use crate::error::{Error, Problem, Result, ServiceInfo, Waited};
use crate::secrets::ApiKey;
use serde::{Deserialize, Serialize};
use std::time::Duration;

pub const BEIJING_URL: &str = "https://dashscope.aliyuncs.com/compatible-mode/v1";
pub const SINGAPORE_URL: &str = "https://dashscope-intl.aliyuncs.com/compatible-mode/v1";
pub const US_URL: &str = "https://dashscope-us.aliyuncs.com/compatible-mode/v1";
pub const DEFAULT_MODEL: &str = "qwen-long";
pub const DEFAULT_INSTRUCTION: &str = "You are a helpful assistant.";

/// Knobs of the client. Limits the contract calls uncertain are settings, not constants.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// e.g. `https://dashscope.aliyuncs.com/compatible-mode/v1` (no trailing slash needed).
    pub base_url: String,
    /// How long to wait for the first token: huge documents take minutes to read.
    pub first_token_timeout: Duration,
    /// After the first token, how long a silence may last.
    pub idle_timeout: Duration,
    pub connect_timeout: Duration,
    /// Retries of 429/5xx before the first token (never after).
    pub max_retries: u32,
    /// Upper bound for waiting on parsing (`processed` status, "File parsing in progress").
    pub parse_wait: Duration,
    /// Upload queue: at most this many uploads start per second.
    pub uploads_per_second: u32,
    /// `limit` of one `GET /files` page (1–2000).
    pub list_page_size: u32,
    /// First delay of the exponential backoff for 429/5xx without `Retry-After`.
    pub retry_base_delay: Duration,
    /// First delay when polling a file's status or retrying "File parsing in progress";
    /// doubles up to 5 s (or this value, if larger).
    pub poll_interval: Duration,
    /// Whole-request bound for the small JSON calls (get, list, delete); not uploads or chat.
    pub request_timeout: Duration,
    /// An upload that makes no progress this long fails with `Timeout`: no body bytes taken
    /// (a server that stopped reading), or no answer after the last byte of the body.
    /// Generous, because a busy gateway may be slow to answer a 150 MB upload.
    pub upload_stall_timeout: Duration,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            base_url: BEIJING_URL.to_string(),
            first_token_timeout: Duration::from_secs(600),
            idle_timeout: Duration::from_secs(120),
            connect_timeout: Duration::from_secs(20),
            max_retries: 4,
            parse_wait: Duration::from_secs(600),
            uploads_per_second: 3,
            list_page_size: 2000,
            retry_base_delay: Duration::from_secs(1),
            poll_interval: Duration::from_millis(500),
            request_timeout: Duration::from_secs(60),
            upload_stall_timeout: Duration::from_secs(120),
        }
    }
}

/// A file object as the service returns it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RemoteFile {
    pub id: String,
    #[serde(default)]
    pub bytes: u64,
    #[serde(default)]
    pub created_at: i64,
    #[serde(default)]
    pub filename: String,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub status_details: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ChatMessage {
    pub role: Role,
    /// Always a plain string, never an array of parts (the contract requires it).
    pub content: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ChatRequest {
    pub model: String,
    pub messages: Vec<ChatMessage>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub total_tokens: u64,
}

/// Why the client is waiting before the first token.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum WaitReason {
    RateLimited,
    ServerError,
    FileParsing,
}

/// What happens during one chat call, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum ChatEvent {
    /// The service accepted the request and the answer stream begins (once per call, after
    /// any retries). Its request id, so it is kept even if the stream is cut later.
    Responded {
        request_id: Option<String>,
    },
    /// A retry is scheduled (only ever before the first token).
    Waiting {
        reason: WaitReason,
        attempt: u32,
        retry_in: Duration,
    },
    /// Text to append to the answer.
    Delta(String),
    Usage(Usage),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChatOutcome {
    pub finish_reason: Option<String>,
    pub usage: Option<Usage>,
    pub request_id: Option<String>,
}

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
    /// Fails with `InsecureUrl` for `http://` to anything but loopback.
    pub fn new(config: ClientConfig, key: ApiKey) -> Result<Client> {
        if key.is_empty() {
            return Err(Error::KeyMissing);
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
        let mut builder = reqwest::Client::builder()
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
        let proxied = !loopback && env_proxy_applies(url.host_str().unwrap_or(""));
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

    /// `map_reqwest`, plus: failing to connect while a proxy is in use is the proxy's fault.
    pub(crate) fn net_error(&self, e: reqwest::Error) -> Error {
        let connect = e.is_connect();
        match map_reqwest(e) {
            Error::Network { detail } if connect && self.inner.proxied => Error::Proxy { detail },
            other => other,
        }
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

    /// Sends a small JSON request and decodes the answer, mapping every failure.
    pub(crate) async fn json<T: serde::de::DeserializeOwned>(
        &self,
        req: reqwest::RequestBuilder,
    ) -> Result<T> {
        self.json_unscrubbed(req).await.map_err(|e| self.scrub(e))
    }

    async fn json_unscrubbed<T: serde::de::DeserializeOwned>(
        &self,
        req: reqwest::RequestBuilder,
    ) -> Result<T> {
        let resp = req
            .timeout(self.inner.config.request_timeout)
            .send()
            .await
            .map_err(|e| self.net_error(e))?;
        let resp = check(resp).await?;
        let rid = request_id(resp.headers());
        let body = resp.bytes().await.map_err(|e| self.net_error(e))?;
        serde_json::from_slice(&body).map_err(|e| {
            Error::Service(Box::new(ServiceInfo {
                status: 200,
                code: None,
                message: Some(e.to_string()),
                request_id: rid,
                retry_after_secs: None,
            }))
        })
    }
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
        None => false,
    }
}

pub(crate) fn request_id(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get("x-request-id")
        .or_else(|| headers.get("x-dashscope-request-id"))
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// `Retry-After` in whole seconds (rounded up).
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<u64> {
    headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| s.ceil() as u64)
}

/// Passes a success through; turns any other status into the typed error.
pub(crate) async fn check(resp: reqwest::Response) -> Result<reqwest::Response> {
    let status = resp.status();
    if status.is_success() {
        return Ok(resp);
    }
    let headers = resp.headers().clone();
    let body = resp.bytes().await.unwrap_or_default();
    Err(map_http_error(status.as_u16(), &headers, &body))
}

/// The error body of compatible mode (`{"error":{...},"request_id"}`) or, just in case, of
/// the native API (`{"code","message","request_id"}`).
pub(crate) fn service_info(status: u16, request_id: Option<String>, body: &[u8]) -> ServiceInfo {
    let mut info = ServiceInfo {
        status,
        request_id,
        ..Default::default()
    };
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
        let text = String::from_utf8_lossy(body).trim().to_string();
        if !text.is_empty() {
            info.message = Some(text.chars().take(500).collect());
        }
        return info;
    };
    let s = |v: Option<&serde_json::Value>| {
        v.and_then(|v| match v {
            serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
    };
    let err = v.get("error").filter(|e| e.is_object()).unwrap_or(&v);
    info.code = s(err.get("code")).or_else(|| s(err.get("type")));
    info.message = s(err.get("message"));
    if info.request_id.is_none() {
        info.request_id = s(v.get("request_id")).or_else(|| s(err.get("request_id")));
    }
    info
}

/// The contract's error table, then the file messages, then the status alone.
pub(crate) fn classify(info: ServiceInfo, empty_body: bool) -> Error {
    let code = info.code.clone().unwrap_or_default();
    let lc = code.to_ascii_lowercase();
    let msg = info
        .message
        .clone()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let b = Box::new(info);
    let status = b.status;
    if status == 404 && empty_body {
        return Error::WrongAddress(b);
    }
    if status == 413 {
        return Error::FileTooLarge(b);
    }
    match lc.as_str() {
        "invalid_api_key" => return Error::KeyRefused(b),
        "limit_requests" | "limit_burst_rate" | "insufficient_quota" | "throttling" => {
            return Error::RateLimited(b)
        }
        "arrearage" => return Error::Arrears(b),
        "allocationquota.freetieronly" => return Error::FreeTierOnly(b),
        "data_inspection_failed" | "datainspectionfailed" => return Error::ContentRefused(b),
        "model_not_found" => return Error::ModelNotFound(b),
        "badrequest.toolarge" => return Error::FileTooLarge(b),
        _ => {}
    }
    if msg.contains("file parsing in progress") {
        Error::FileParsing(b)
    } else if msg.contains("upload file capacity exceed")
        || msg.contains("upload file number exceed")
    {
        Error::UploadQuota(b)
    } else if msg.contains("exceeds size limit") {
        Error::FileTooLarge(b)
    } else if msg.contains("exceeds page limit") {
        Error::FileTooManyPages(b)
    } else if msg.contains("invalid file") {
        Error::FileInvalid(b)
    } else if msg.contains("cannot be found") && msg.contains("file") {
        Error::FileNotFound(b)
    } else if msg.contains("format is not supported") {
        Error::FileFormatUnsupported(b)
    } else if msg.contains("content blank") {
        Error::FileBlank(b)
    } else if msg.contains("too many files") {
        Error::TooManyFiles(b)
    } else if msg.contains("exceed model limit") || msg.contains("token length exceed") {
        Error::ContextTooLong(b)
    } else if status == 401 {
        Error::KeyRefused(b)
    } else if status == 429 {
        Error::RateLimited(b)
    } else {
        Error::Service(b)
    }
}

pub(crate) fn map_http_error(
    status: u16,
    headers: &reqwest::header::HeaderMap,
    body: &[u8],
) -> Error {
    if status == 407 {
        // From a proxy, not the service: its credentials are missing or wrong.
        return Error::Proxy {
            detail: "HTTP 407".into(),
        };
    }
    let mut info = service_info(status, request_id(headers), body);
    info.retry_after_secs = retry_after(headers);
    let empty = body.iter().all(u8::is_ascii_whitespace);
    classify(info, empty)
}

/// Transport failures: proxy, TLS, timeout, or plain network.
pub(crate) fn map_reqwest(e: reqwest::Error) -> Error {
    // The reqwest error's own Display hides the cause; the chain says what really failed.
    let mut chain = e.to_string();
    let mut src = std::error::Error::source(&e);
    while let Some(s) = src {
        chain.push_str(": ");
        chain.push_str(&s.to_string());
        src = s.source();
    }
    let lc = chain.to_ascii_lowercase();
    if e.is_timeout() {
        Error::Timeout {
            waited: Waited::Request,
            secs: 0,
            detail: chain,
        }
    } else if lc.contains("proxy") || lc.contains("tunnel") {
        Error::Proxy { detail: chain }
    } else if is_tls(&e)
        || lc.contains("certificate")
        || lc.contains("tls")
        || lc.contains("handshake")
        || lc.contains("rustls")
    {
        Error::Tls { detail: chain }
    } else {
        Error::Network { detail: chain }
    }
}

/// A rustls failure anywhere in the chain. io::Errors nest (Other around InvalidData around
/// rustls::Error) and hide their inner error from `source`, so look inside with `get_ref`.
fn is_tls(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if err.is::<rustls::Error>() {
            return true;
        }
        cur = match err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => err.source(),
        };
    }
    false
}

/// Whether HTTPS_PROXY/ALL_PROXY is set and NO_PROXY does not exempt `host` (the same
/// rules reqwest applies: `*`, exact names, and domain suffixes).
fn env_proxy_applies(host: &str) -> bool {
    let var = |names: &[&str]| {
        names
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
    };
    if var(&["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]).is_none() {
        return false;
    }
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    let exempt = var(&["NO_PROXY", "no_proxy"]).is_some_and(|list| {
        list.split(',').map(str::trim).any(|entry| {
            let entry = entry.trim_start_matches('.').to_ascii_lowercase();
            entry == "*"
                || (!entry.is_empty() && (host == entry || host.ends_with(&format!(".{entry}"))))
        })
    });
    !exempt
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(status: u16, code: &str, message: &str) -> Error {
        let body = serde_json::json!({
            "error": {"message": message, "type": "invalid_request_error", "param": null, "code": code},
            "request_id": "req-body"
        });
        let mut h = reqwest::header::HeaderMap::new();
        if status == 429 {
            h.insert("retry-after", "7".parse().unwrap());
        }
        map_http_error(status, &h, body.to_string().as_bytes())
    }

    #[test]
    fn error_table() {
        let cases = [
            (
                401,
                "invalid_api_key",
                "Incorrect API key provided.",
                "key_refused",
            ),
            (
                429,
                "limit_requests",
                "Requests rate limit exceeded",
                "rate_limited",
            ),
            (429, "limit_burst_rate", "burst", "rate_limited"),
            (429, "insufficient_quota", "tpm", "rate_limited"),
            (
                400,
                "Arrearage",
                "Access denied, please make sure your account is in good standing.",
                "arrears",
            ),
            (
                403,
                "AllocationQuota.FreeTierOnly",
                "free tier only",
                "free_tier_only",
            ),
            (
                400,
                "data_inspection_failed",
                "Input data may contain inappropriate content.",
                "content_refused",
            ),
            (
                404,
                "model_not_found",
                "The model `qwen-x` does not exist",
                "model_not_found",
            ),
            (
                400,
                "BadRequest.TooLarge",
                "Payload Too Large",
                "file_too_large",
            ),
            (
                400,
                "invalid_parameter_error",
                "File parsing in progress, please try again later.",
                "file_parsing",
            ),
            (
                400,
                "invalid_parameter_error",
                "Invalid file [id:file-fe-1].",
                "file_invalid",
            ),
            (
                400,
                "invalid_parameter_error",
                "File [id:file-fe-1] cannot be found.",
                "file_not_found",
            ),
            (
                400,
                "invalid_parameter_error",
                "File [id:file-fe-1] format is not supported.",
                "file_format_unsupported",
            ),
            (
                400,
                "invalid_parameter_error",
                "File [id:file-fe-1] exceeds size limit.",
                "file_too_large",
            ),
            (
                400,
                "invalid_parameter_error",
                "File [id:file-fe-1] exceeds page limits (15000 pages).",
                "file_too_many_pages",
            ),
            (
                400,
                "invalid_parameter_error",
                "File [id:file-fe-1] content blank.",
                "file_blank",
            ),
            (
                400,
                "invalid_parameter_error",
                "Too many files provided.",
                "too_many_files",
            ),
            (
                400,
                "invalid_parameter_error",
                "Total message token length exceed model limit (10000000 tokens).",
                "context_too_long",
            ),
            (
                400,
                "invalid_parameter_error",
                "Upload file capacity exceed limit.",
                "upload_quota",
            ),
            (
                400,
                "invalid_parameter_error",
                "Upload file number exceed limit.",
                "upload_quota",
            ),
            (500, "internal_error", "oops", "service_error"),
        ];
        for (status, code, message, kind) in cases {
            let e = err(status, code, message);
            assert_eq!(e.kind(), kind, "{status} {code} {message}");
            assert_eq!(e.request_id(), Some("req-body"));
        }
        let e = err(429, "limit_requests", "x");
        assert_eq!(e.kind(), "rate_limited");
        assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
    }

    #[test]
    fn empty_404_is_wrong_address_and_header_id_wins() {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert("x-request-id", "req-header".parse().unwrap());
        let e = map_http_error(404, &h, b"");
        assert_eq!(e.kind(), "wrong_address");
        assert_eq!(e.request_id(), Some("req-header"));
        assert_eq!(map_http_error(407, &h, b"").kind(), "proxy");
        let e = map_http_error(502, &h, b"<html>Bad gateway</html>");
        assert_eq!(e.kind(), "service_error");
        assert_eq!(e.service_info().unwrap().status, 502);
    }

    #[test]
    fn plain_http_only_to_loopback() {
        let key = || ApiKey::new("sk-test-0000000000");
        let cfg = |u: &str| ClientConfig {
            base_url: u.into(),
            ..Default::default()
        };
        for ok in [
            "http://127.0.0.1:8080/compatible-mode/v1",
            "http://localhost:1/v1/",
            "http://[::1]:9/v1",
            BEIJING_URL,
        ] {
            assert!(Client::new(cfg(ok), key()).is_ok(), "{ok}");
        }
        for bad in [
            "http://dashscope.aliyuncs.com/compatible-mode/v1",
            "http://10.0.0.1/v1",
        ] {
            let e = Client::new(cfg(bad), key()).err().unwrap();
            assert_eq!(e.kind(), "insecure_url", "{bad}");
        }
        let c = Client::new(cfg("http://localhost:1/v1/"), key()).unwrap();
        assert_eq!(c.url("/files"), "http://localhost:1/v1/files");
    }
}
