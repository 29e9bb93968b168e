//! From what the service or the transport said to an error kind.

use crate::error::{Error, Result, ServiceInfo, Waited};

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

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

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
}
