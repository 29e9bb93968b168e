//! The error table walked row by row, and the answers the contract lists.

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

/// An answer made from a row of the table: (status, code, message, empty body).
struct Sample {
    status: u16,
    code: String,
    message: String,
    empty: bool,
}

impl Sample {
    fn of(when: &When) -> Sample {
        let mut s = Sample {
            status: 400,
            code: "something_new".into(),
            message: "unheard of".into(),
            empty: false,
        };
        s.add(when);
        s
    }

    /// Codes and messages compare without case: sent the way the contract writes them.
    fn add(&mut self, when: &When) {
        match *when {
            When::EmptyBody(status) => (self.status, self.empty) = (status, true),
            When::Redirection => self.status = 307,
            When::Status(status) => self.status = status,
            When::Code(code) | When::CodeHas(code) => self.code = code.to_ascii_uppercase(),
            When::Message(parts) => self.message = parts.join(" ").to_ascii_uppercase(),
            When::Mentions(word) => {
                self.message = format!("{} {}", self.message, word.to_ascii_uppercase())
            }
            When::All(whens) => whens.iter().for_each(|w| self.add(w)),
        }
    }

    fn answer(&self) -> Error {
        if self.empty {
            map_http_error(self.status, &HeaderMap::new(), b" \n")
        } else {
            err(self.status, &self.code, &self.message)
        }
    }
}

/// Every row of `ERROR_TABLE`, fed an answer made from the row itself, names its own kind
/// and is the first row to match (no earlier row shadows it).
#[test]
fn every_table_row_is_reached() {
    for (i, (when, make)) in ERROR_TABLE.iter().enumerate() {
        let sample = Sample::of(when);
        let e = sample.answer();
        let want = make(Box::default()).kind();
        assert_eq!(e.kind(), want, "row {i}: {when:?}");
        let info = e.service_info().unwrap();
        let message = info.message.as_deref().unwrap_or("").to_ascii_lowercase();
        let first = ERROR_TABLE
            .iter()
            .position(|(w, _)| w.matches(info, sample.empty, &message));
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

/// What the real service adds to the contract's table.
#[test]
fn model_and_workspace_shapes() {
    let cases = [
        // The real service's answer for a model it does not know (or the key may not use).
        (
            400,
            "invalid_parameter_error",
            "The model `qwen-longer` does not exist or you do not have access to it.",
            "model_not_found",
        ),
        (404, "", "Model not found: qwen-x", "model_not_found"),
        (400, "model_not_found", "whatever", "model_not_found"),
        (
            403,
            "Workspace.AccessDenied",
            "Access denied.",
            "access_denied",
        ),
        (403, "workspace.accessdenied", "", "access_denied"),
        (
            403,
            "AccessDenied",
            "The workspace has no access to the model.",
            "access_denied",
        ),
        (403, "AccessDenied.Workspace", "denied", "access_denied"),
        // Denied for some other reason, or not on a 403: not the workspace's access.
        (403, "AccessDenied", "Access denied.", "service_error"),
        (400, "AccessDenied", "workspace", "service_error"),
        // "does not exist" about something other than a model.
        (
            400,
            "invalid_parameter_error",
            "The file does not exist.",
            "service_error",
        ),
    ];
    for (status, code, message, kind) in cases {
        let e = err(status, code, message);
        assert_eq!(e.kind(), kind, "{status} {code} {message}");
        assert_eq!(e.service_info().unwrap().status, status);
    }
}
