//! Routes, shared state, and what every handler needs: the request id, recording, the key check
//! and the error body.
//!
//! Handlers live one module per endpoint group (`upload`, `files`, `chat`, `admin`). Below them,
//! `faults` turns injected faults into answers, `stream` writes a chat answer out and `limits`
//! counts requests and tokens; those never call a handler module, so imports only point down
//! (and up to this shared module).

// Helpers return the finished error response as Err; its size does not matter here.
#![allow(clippy::result_large_err)]

mod admin;
mod chat;
mod faults;
mod files;
mod limits;
mod stream;
mod upload;

use crate::{key_fingerprint, sha256_hex, Fault, MockConfig, RecordedRequest, Target};
use admin::{admin_config, admin_faults, admin_requests, admin_reset};
use axum::extract::{DefaultBodyLimit, OriginalUri, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chat::chat;
use files::{delete_file, get_file, list_files, FileRec};
use limits::Limiter;
use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use upload::upload;

pub(crate) struct St {
    files: Vec<FileRec>,
    pub(crate) faults: VecDeque<Fault>,
    pub(crate) requests: Vec<RecordedRequest>,
    pub(crate) parse_delay: Duration,
    pub(crate) report_parsing: bool,
    pub(crate) chunk_delay: Duration,
    /// Times each last-user-message text was seen with a status marker.
    status_seen: HashMap<String, u32>,
    pub(crate) limits: Limiter,
}

impl St {
    pub(crate) fn reset(&mut self) {
        self.files.clear();
        self.faults.clear();
        self.requests.clear();
        self.status_seen.clear();
        self.limits.clear();
    }
    /// The first queued fault for this endpoint; faults without a target only ever hit a chat
    /// (`upload_cut` and `slow_upload` only an upload).
    fn take_fault(&mut self, t: Target) -> Option<Fault> {
        let pos = self.faults.iter().position(|f| match f {
            Fault::HttpError { on, .. } | Fault::EmptyNotFound { on } => {
                *on == Target::Any || *on == t
            }
            Fault::UploadCut { .. } | Fault::SlowUpload { .. } => t == Target::Upload,
            _ => t == Target::Chat,
        })?;
        self.faults.remove(pos)
    }
}

pub(crate) struct Shared {
    state: Mutex<St>,
    req_counter: AtomicU64,
    id_counter: AtomicU64,
    max_file_bytes: u64,
    max_image_bytes: u64,
}

impl Shared {
    pub(crate) fn new(c: &MockConfig) -> Shared {
        Shared {
            state: Mutex::new(St {
                files: Vec::new(),
                faults: VecDeque::new(),
                requests: Vec::new(),
                parse_delay: c.parse_delay,
                report_parsing: c.report_parsing,
                chunk_delay: c.chunk_delay,
                status_seen: HashMap::new(),
                limits: Limiter::new(c.rate_window, c.rate_limits.clone()),
            }),
            req_counter: AtomicU64::new(0),
            id_counter: AtomicU64::new(0),
            max_file_bytes: c.max_file_bytes,
            max_image_bytes: c.max_image_bytes,
        }
    }
    pub(crate) fn lock(&self) -> MutexGuard<'_, St> {
        // A panicking handler must not wedge every later test.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
    fn new_file_id(&self) -> String {
        let n = self.id_counter.fetch_add(1, Ordering::Relaxed);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        let seed = format!("{n}-{nanos}-{}-{:p}", std::process::id(), self);
        format!("file-fe-{}", &sha256_hex(seed.as_bytes())[..24])
    }
}

type Shr = Arc<Shared>;

/// `mock-req-N`, set by the middleware so handlers can put it in error bodies.
#[derive(Clone)]
struct ReqId(String);

pub(crate) fn router(state: Shr) -> Router {
    let api = Router::new()
        .route("/files", post(upload).get(list_files))
        .route("/files/{id}", get(get_file).delete(delete_file))
        .route("/chat/completions", post(chat));
    let admin = Router::new()
        .route("/faults", post(admin_faults))
        .route("/requests", get(admin_requests))
        .route("/reset", post(admin_reset))
        .route("/config", post(admin_config));
    Router::new()
        .nest("/compatible-mode/v1", api)
        .nest("/_mock", admin)
        .route("/api/v1", axum::routing::any(wrong_address))
        .route("/api/v1/{*rest}", axum::routing::any(wrong_address))
        .layer(DefaultBodyLimit::disable())
        .layer(middleware::from_fn_with_state(state.clone(), request_id))
        .with_state(state)
}

async fn request_id(State(s): State<Shr>, mut req: Request, next: Next) -> Response {
    let n = s.req_counter.fetch_add(1, Ordering::Relaxed) + 1;
    let rid = format!("mock-req-{n}");
    req.extensions_mut().insert(ReqId(rid.clone()));
    let mut resp = next.run(req).await;
    resp.headers_mut()
        .insert("x-request-id", HeaderValue::from_str(&rid).unwrap());
    resp
}

fn error(rid: &str, status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(error_body(rid, status, code, message))).into_response()
}

/// The service's error object; also sent as an SSE event when a stream fails (as a 400 would).
fn error_body(rid: &str, status: StatusCode, code: &str, message: &str) -> Value {
    let typ = match status.as_u16() {
        429 => code,
        s if s >= 500 => "server_error",
        _ => "invalid_request_error",
    };
    json!({
        "error": {"message": message, "type": typ, "param": null, "code": code},
        "request_id": rid,
    })
}

fn bad_param(rid: &str, message: &str) -> Response {
    error(
        rid,
        StatusCode::BAD_REQUEST,
        "invalid_parameter_error",
        message,
    )
}

fn record(s: &Shared, method: &Method, uri: &Uri, headers: &HeaderMap, body: Value) {
    let headers = headers
        .iter()
        .map(|(n, v)| {
            let v = String::from_utf8_lossy(v.as_bytes()).into_owned();
            if n == header::AUTHORIZATION {
                let key = v.strip_prefix("Bearer ").unwrap_or(&v);
                (n.to_string(), format!("Bearer {}", key_fingerprint(key)))
            } else {
                (n.to_string(), v)
            }
        })
        .collect();
    s.lock().requests.push(RecordedRequest {
        method: method.to_string(),
        path: uri.path().to_string(),
        query: uri.query().map(str::to_string),
        headers,
        body,
    });
}

/// The key after `Bearer `, or "".
fn bearer_key(headers: &HeaderMap) -> &str {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or("")
}

/// The account the key belongs to, or the error the service gives for it.
fn auth(rid: &str, headers: &HeaderMap) -> Result<String, Response> {
    let key = bearer_key(headers);
    if !key.starts_with("sk-") || key.starts_with("sk-refused") {
        return Err(error(
            rid,
            StatusCode::UNAUTHORIZED,
            "invalid_api_key",
            "Incorrect API key provided. ",
        ));
    }
    if key.starts_with("sk-arrears") {
        return Err(error(
            rid,
            StatusCode::BAD_REQUEST,
            "Arrearage",
            "Access denied, please make sure your account is in good standing.",
        ));
    }
    if key.starts_with("sk-freetier") {
        return Err(error(
            rid,
            StatusCode::FORBIDDEN,
            "AllocationQuota.FreeTierOnly",
            "The free tier of the model has been exhausted. If you wish to continue access the model on a paid basis, please disable the \"use free tier only\" mode in the management console.",
        ));
    }
    Ok(account_of(key))
}

/// The Alibaba Cloud account a key belongs to. All of an account's keys see the same files:
/// here a key `sk-ACCOUNT.NAME` belongs to `sk-ACCOUNT` (any other key is its own account).
pub(crate) fn account_of(key: &str) -> String {
    let account = key.rsplit_once('.').map_or(key, |(account, _)| account);
    key_fingerprint(account)
}

async fn wrong_address(
    State(s): State<Shr>,
    method: Method,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Response {
    record(&s, &method, &uri, &headers, Value::Null);
    StatusCode::NOT_FOUND.into_response()
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
}
