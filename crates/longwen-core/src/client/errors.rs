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
    /// The code contains this.
    CodeHas(&'static str),
    /// The message contains every one of these.
    Message(&'static [&'static str]),
    /// The code or the message contains this.
    Mentions(&'static str),
    /// Every one of these.
    All(&'static [When]),
}

impl When {
    fn matches(self, info: &ServiceInfo, empty_body: bool, message: &str) -> bool {
        let code_has = |part: &str| {
            info.code
                .as_deref()
                .is_some_and(|c| c.to_ascii_lowercase().contains(part))
        };
        match self {
            When::EmptyBody(status) => empty_body && info.status == status,
            When::Redirection => (300..400).contains(&info.status),
            When::Status(status) => info.status == status,
            When::Code(code) => info
                .code
                .as_deref()
                .is_some_and(|c| c.eq_ignore_ascii_case(code)),
            When::CodeHas(part) => code_has(part),
            When::Message(parts) => parts.iter().all(|p| message.contains(p)),
            When::Mentions(word) => code_has(word) || message.contains(word),
            When::All(whens) => whens.iter().all(|w| w.matches(info, empty_body, message)),
        }
    }
}

/// An error kind, made from what the service said.
type Kind = fn(Box<ServiceInfo>) -> Error;

/// The contract's error table and what the real service adds, then the file messages, then
/// the status alone: the first row that matches names the error; none does, `Error::Service`.
/// Order is precedence.
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
    // The key's workspace may not use the model.
    (When::Code("workspace.accessdenied"), Error::AccessDenied),
    (When::All(&[When::Status(403), When::CodeHas("accessdenied"), When::Mentions("workspace")]), Error::AccessDenied),
    // The real service: 400 "The model `X` does not exist or you do not have access to it."
    (When::Message(&["model not found"]), Error::ModelNotFound),
    (When::Message(&["model", "does not exist"]), Error::ModelNotFound),
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
mod tests;
