//! From what the service said to an error kind: the contract's error table (one piece of
//! data, read by `classify` and walked by its test). Transport failures are `transport`'s.

use super::retry_after::retry_after_secs;
use crate::error::{Error, ServiceInfo};
use reqwest::header::HeaderMap;

/// What one row of the error table looks at. Codes and message parts compare without case
/// (message parts are written in lower case).
#[derive(Debug, Clone, Copy)]
enum When {
    /// This status with an empty body.
    EmptyBody(u16),
    /// Any 3xx: redirects are not followed (see `map_http_error`).
    Redirection,
    Status(u16),
    /// The service's code (`error.code`, else `error.type`).
    Code(&'static str),
    /// The message contains every one of these.
    Message(&'static [&'static str]),
}

impl When {
    fn matches(self, info: &ServiceInfo, empty_body: bool, message: &str) -> bool {
        match self {
            When::EmptyBody(status) => empty_body && info.status == status,
            When::Redirection => (300..400).contains(&info.status),
            When::Status(status) => info.status == status,
            When::Code(code) => info
                .code
                .as_deref()
                .is_some_and(|c| c.eq_ignore_ascii_case(code)),
            When::Message(parts) => parts.iter().all(|p| message.contains(p)),
        }
    }
}

/// An error kind, made from what the service said.
type Kind = fn(Box<ServiceInfo>) -> Error;

/// The contract's error table, then the file messages, then the status alone: the first row
/// that matches names the error; none does, `Error::Service`. Order is precedence.
#[rustfmt::skip] // one row a line
const ERROR_TABLE: &[(When, Kind)] = &[
    // The native API's path instead of compatible mode.
    (When::EmptyBody(404), Error::WrongAddress),
    // The address sends us elsewhere (another path or host, a login page): the base URL is
    // not the API's, and asking again would be sent the same way.
    (When::Redirection, Error::WrongAddress),
    (When::Status(413), Error::FileTooLarge),
    (When::Code("invalid_api_key"), Error::KeyRefused),
    (When::Code("limit_requests"), Error::RateLimited),
    (When::Code("limit_burst_rate"), Error::RateLimited),
    // Tokens per minute: throttling, not billing.
    (When::Code("insufficient_quota"), Error::RateLimited),
    (When::Code("throttling"), Error::RateLimited),
    (When::Code("arrearage"), Error::Arrears),
    (When::Code("allocationquota.freetieronly"), Error::FreeTierOnly),
    (When::Code("data_inspection_failed"), Error::ContentRefused),
    (When::Code("datainspectionfailed"), Error::ContentRefused),
    (When::Code("model_not_found"), Error::ModelNotFound),
    (When::Code("badrequest.toolarge"), Error::FileTooLarge),
    (When::Message(&["file parsing in progress"]), Error::FileParsing),
    (When::Message(&["upload file capacity exceed"]), Error::UploadQuota),
    (When::Message(&["upload file number exceed"]), Error::UploadQuota),
    (When::Message(&["exceeds size limit"]), Error::FileTooLarge),
    (When::Message(&["exceeds page limit"]), Error::FileTooManyPages),
    (When::Message(&["invalid file"]), Error::FileInvalid),
    (When::Message(&["cannot be found", "file"]), Error::FileNotFound),
    (When::Message(&["format is not supported"]), Error::FileFormatUnsupported),
    (When::Message(&["content blank"]), Error::FileBlank),
    (When::Message(&["too many files"]), Error::TooManyFiles),
    (When::Message(&["exceed model limit"]), Error::ContextTooLong),
    (When::Message(&["token length exceed"]), Error::ContextTooLong),
    (When::Status(401), Error::KeyRefused),
    (When::Status(429), Error::RateLimited),
];

/// The error `ERROR_TABLE` names for what the service said.
pub(crate) fn classify(info: ServiceInfo, empty_body: bool) -> Error {
    let message = info.message.as_deref().unwrap_or("").to_ascii_lowercase();
    let make = ERROR_TABLE
        .iter()
        .find(|(when, _)| when.matches(&info, empty_body, &message))
        .map_or(Error::Service as Kind, |(_, make)| *make);
    make(Box::new(info))
}

pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-request-id")
        .or_else(|| headers.get("x-dashscope-request-id"))
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// Passes a success through; turns any other status into the typed error.
pub(crate) async fn check(resp: reqwest::Response) -> Result<reqwest::Response, Error> {
    if resp.status().is_success() {
        Ok(resp)
    } else {
        Err(refusal(resp).await)
    }
}

/// The typed error of an answer that is not a success (reads its body).
pub(crate) async fn refusal(resp: reqwest::Response) -> Error {
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.bytes().await.unwrap_or_default();
    map_http_error(status.as_u16(), &headers, &body)
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

pub(crate) fn map_http_error(status: u16, headers: &HeaderMap, body: &[u8]) -> Error {
    if status == 407 {
        // From a proxy, not the service: its credentials are missing or wrong.
        return Error::Proxy {
            detail: "HTTP 407".into(),
        };
    }
    let mut info = service_info(status, request_id(headers), body);
    info.retry_after_secs = retry_after_secs(headers);
    if (300..400).contains(&status) && info.message.is_none() {
        // Where a redirect points is all it says (a login page, another host): kept for the
        // details, never followed.
        info.message = headers
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
    }
    let empty = body.iter().all(u8::is_ascii_whitespace);
    classify(info, empty)
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
        let mut h = HeaderMap::new();
        if status == 429 {
            h.insert("retry-after", "7".parse().unwrap());
        }
        map_http_error(status, &h, body.to_string().as_bytes())
    }

    /// Every row of `ERROR_TABLE`, fed an answer made from the row itself, names its own kind
    /// and is the first row to match (no earlier row shadows it).
    #[test]
    fn every_table_row_is_reached() {
        for (i, (when, make)) in ERROR_TABLE.iter().enumerate() {
            let e = match *when {
                When::EmptyBody(status) => map_http_error(status, &HeaderMap::new(), b" \n"),
                When::Redirection => err(307, "something_new", "unheard of"),
                When::Status(status) => err(status, "something_new", "unheard of"),
                // Codes compare without case: send them the way the contract writes them.
                When::Code(code) => err(400, &code.to_ascii_uppercase(), "unheard of"),
                When::Message(parts) => err(
                    400,
                    "invalid_parameter_error",
                    &parts.join(" ").to_ascii_uppercase(),
                ),
            };
            let want = make(Box::default()).kind();
            assert_eq!(e.kind(), want, "row {i}: {when:?}");
            let info = e.service_info().unwrap();
            let message = info.message.as_deref().unwrap_or("").to_ascii_lowercase();
            let first = ERROR_TABLE
                .iter()
                .position(|(w, _)| w.matches(info, matches!(when, When::EmptyBody(_)), &message));
            assert_eq!(first, Some(i), "row {i} is shadowed: {when:?}");
        }
        assert_eq!(
            err(400, "something_new", "unheard of").kind(),
            "service_error"
        );
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
        let mut h = HeaderMap::new();
        h.insert("x-request-id", "req-header".parse().unwrap());
        let e = map_http_error(404, &h, b"");
        assert_eq!(e.kind(), "wrong_address");
        assert_eq!(e.request_id(), Some("req-header"));
        assert_eq!(map_http_error(407, &h, b"").kind(), "proxy");
        let e = map_http_error(502, &h, b"<html>Bad gateway</html>");
        assert_eq!(e.kind(), "service_error");
        assert_eq!(e.service_info().unwrap().status, 502);
    }

    /// A 3xx is not followed: whatever its body, it names the address as wrong and keeps
    /// where it pointed.
    #[test]
    fn redirects_are_wrong_address() {
        for status in [301, 302, 303, 307, 308] {
            let mut h = HeaderMap::new();
            h.insert(
                "location",
                "https://login.example.com/portal".parse().unwrap(),
            );
            let e = map_http_error(status, &h, b"");
            assert_eq!(e.kind(), "wrong_address", "{status}");
            let info = e.service_info().unwrap();
            assert_eq!(info.status, status);
            assert_eq!(
                info.message.as_deref(),
                Some("https://login.example.com/portal")
            );
        }
        let e = err(302, "invalid_api_key", "moved");
        assert_eq!(e.kind(), "wrong_address");
        assert_eq!(e.service_info().unwrap().message.as_deref(), Some("moved"));
    }

    /// `Retry-After` as seconds or an HTTP date, clamped to a minute; nonsense is absent.
    #[test]
    fn retry_after_shapes() {
        let limited = |value: &str| {
            let mut h = HeaderMap::new();
            h.insert("retry-after", value.parse().unwrap());
            let body = r#"{"error":{"code":"limit_requests","message":"slow down"}}"#;
            let e = map_http_error(429, &h, body.as_bytes());
            assert_eq!(e.kind(), "rate_limited");
            e.retry_after().map(|d| d.as_secs())
        };
        let soon = std::time::SystemTime::now() + Duration::from_secs(20);
        assert!(matches!(
            limited(&httpdate::fmt_http_date(soon)),
            Some(19..=20)
        ));
        assert_eq!(limited("Wed, 21 Oct 2015 07:28:00 GMT"), Some(0));
        assert_eq!(limited("2.5"), Some(3));
        assert_eq!(limited("3600"), Some(60));
        assert_eq!(limited("18446744073709551615"), Some(60));
        for nonsense in ["1e20", "-1", "NaN", "soon"] {
            assert_eq!(limited(nonsense), None, "{nonsense}");
        }
    }
}
