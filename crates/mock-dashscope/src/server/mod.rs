//! Routes, state and handlers.

// Helpers return the finished error response as Err; its size does not matter here.
#![allow(clippy::result_large_err)]

use crate::answer::{self, DocInfo, Markers};
use crate::{key_fingerprint, sha256_hex, Fault, MockConfig, RecordedRequest, Target};
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, OriginalUri, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::mpsc;

const MODELS: [&str; 3] = ["qwen-long", "qwen-long-latest", "qwen-long-2025-01-25"];
const HEAD_BYTES: usize = 64 * 1024;
const MAX_IDS: usize = 100;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Text,
    Image,
    Pdf { has_font: bool },
    Other,
}

fn kind_of(filename: &str) -> Kind {
    let ext = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "txt" | "md" | "csv" | "json" => Kind::Text,
        "bmp" | "png" | "jpg" | "jpeg" | "gif" => Kind::Image,
        "pdf" => Kind::Pdf { has_font: false },
        _ => Kind::Other,
    }
}

struct FileRec {
    id: String,
    account: String,
    filename: String,
    bytes: u64,
    sha256: String,
    purpose: String,
    created_at: u64,
    ready_at: Instant,
    kind: Kind,
    head: Vec<u8>,
}

impl FileRec {
    fn processed(&self) -> bool {
        Instant::now() >= self.ready_at
    }
    fn object(&self) -> Value {
        json!({
            "id": self.id,
            "object": "file",
            "bytes": self.bytes,
            "created_at": self.created_at,
            "filename": self.filename,
            "purpose": self.purpose,
            "status": if self.processed() { "processed" } else { "uploaded" },
            "status_details": null,
        })
    }
}

pub(crate) struct St {
    files: Vec<FileRec>,
    pub(crate) faults: VecDeque<Fault>,
    pub(crate) requests: Vec<RecordedRequest>,
    pub(crate) parse_delay: Duration,
    pub(crate) chunk_delay: Duration,
    /// Times each last-user-message text was seen with a status marker.
    status_seen: HashMap<String, u32>,
}

impl St {
    pub(crate) fn reset(&mut self) {
        self.files.clear();
        self.faults.clear();
        self.requests.clear();
        self.status_seen.clear();
    }
    fn take_fault(&mut self, t: Target) -> Option<Fault> {
        let pos = self.faults.iter().position(|f| match f {
            Fault::HttpError { on, .. } | Fault::EmptyNotFound { on } => {
                *on == Target::Any || *on == t
            }
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
                chunk_delay: c.chunk_delay,
                status_seen: HashMap::new(),
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
    let typ = match status.as_u16() {
        429 => code,
        s if s >= 500 => "server_error",
        _ => "invalid_request_error",
    };
    let body = json!({
        "error": {"message": message, "type": typ, "param": null, "code": code},
        "request_id": rid,
    });
    (status, Json(body)).into_response()
}

fn bad_param(rid: &str, message: &str) -> Response {
    error(
        rid,
        StatusCode::BAD_REQUEST,
        "invalid_parameter_error",
        message,
    )
}

fn fault_response(rid: &str, f: &Fault) -> Option<Response> {
    match f {
        Fault::HttpError {
            status,
            code,
            message,
            retry_after,
            ..
        } => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut r = error(rid, status, code, message);
            if let Some(s) = retry_after {
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(*s));
            }
            Some(r)
        }
        Fault::EmptyNotFound { .. } => Some(StatusCode::NOT_FOUND.into_response()),
        _ => None,
    }
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

/// The account the key belongs to, or the error the service gives for it.
fn auth(rid: &str, headers: &HeaderMap) -> Result<String, Response> {
    let key = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or("");
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
    Ok(key_fingerprint(key))
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

// ---------- files ----------

/// The part's file name: `filename*=` (RFC 5987, percent-encoded) wins over `filename=`.
fn part_filename(headers: &HeaderMap) -> Option<String> {
    let cd = headers.get(header::CONTENT_DISPOSITION)?.as_bytes();
    let cd = String::from_utf8_lossy(cd);
    let mut plain = None;
    for param in split_params(&cd) {
        let Some((name, value)) = param.split_once('=') else {
            continue;
        };
        let name = name.trim().to_ascii_lowercase();
        let value = value.trim();
        if name == "filename*" {
            let encoded = value.splitn(3, '\'').nth(2).unwrap_or(value);
            let decoded = percent_encoding::percent_decode_str(encoded.trim_matches('"'))
                .decode_utf8_lossy()
                .into_owned();
            return Some(decoded);
        }
        if name == "filename" {
            plain = Some(unquote(value));
        }
    }
    plain
}

/// Splits `a; b="x;y"; c` on semicolons outside quotes.
fn split_params(s: &str) -> Vec<String> {
    let (mut out, mut cur, mut quoted, mut escaped) = (Vec::new(), String::new(), false, false);
    for c in s.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ';' if !quoted => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur);
    out
}

fn unquote(v: &str) -> String {
    let Some(inner) = v.strip_prefix('"').and_then(|v| v.strip_suffix('"')) else {
        return v.to_string();
    };
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    // HTML5 form encoding, as browsers and httpx write it.
    out.replace("%22", "\"")
        .replace("%0D", "\r")
        .replace("%0A", "\n")
}

async fn drain(req: Request) {
    let mut stream = req.into_body().into_data_stream();
    while let Some(Ok(_)) = futures_util::StreamExt::next(&mut stream).await {}
}

async fn upload(
    State(s): State<Shr>,
    Extension(ReqId(rid)): Extension<ReqId>,
    req: Request,
) -> Response {
    let (method, headers) = (req.method().clone(), req.headers().clone());
    let uri = req
        .extensions()
        .get::<OriginalUri>()
        .map_or_else(|| req.uri().clone(), |u| u.0.clone());
    let content_length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let chunked = content_length.is_none() || headers.contains_key(header::TRANSFER_ENCODING);

    // Early answers read the body to its end first, so the client sees the answer rather than a
    // reset, and a pooled connection stays usable for the next request.
    let fault = s.lock().take_fault(Target::Upload);
    if let Some(r) = fault.as_ref().and_then(|f| fault_response(&rid, f)) {
        drain(req).await;
        record(&s, &method, &uri, &headers, Value::Null);
        return r;
    }
    let account = match auth(&rid, &headers) {
        Ok(a) => a,
        Err(r) => {
            drain(req).await;
            record(&s, &method, &uri, &headers, Value::Null);
            return r;
        }
    };
    if chunked {
        drain(req).await;
        let summary = json!({"filename": null, "bytes": null, "sha256": null, "purpose": null,
            "content_length": content_length, "chunked": true});
        record(&s, &method, &uri, &headers, summary);
        return error(
            &rid,
            StatusCode::LENGTH_REQUIRED,
            "MissingContentLength",
            "Chunked request bodies are refused: send the upload with a Content-Length.",
        );
    }

    let mut mp = match Multipart::from_request(req, &()).await {
        Ok(m) => m,
        Err(e) => {
            record(&s, &method, &uri, &headers, Value::Null);
            return bad_param(&rid, &format!("Expected a multipart/form-data body: {e}"));
        }
    };

    let mut purpose: Option<String> = None;
    let mut file: Option<(String, u64, String, Kind, Vec<u8>)> = None;
    let mut too_large = false;
    let mut parse_error = None;
    loop {
        let mut field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                parse_error = Some(e.to_string());
                break;
            }
        };
        match field.name() {
            Some("purpose") => match field.text().await {
                Ok(t) => purpose = Some(t),
                Err(e) => parse_error = Some(e.to_string()),
            },
            Some("file") => {
                let filename = part_filename(field.headers()).unwrap_or_default();
                let mut kind = kind_of(&filename);
                let limit = if kind == Kind::Image {
                    s.max_image_bytes
                } else {
                    s.max_file_bytes
                };
                let mut hasher = Sha256::new();
                let (mut bytes, mut head, mut tail) = (0u64, Vec::new(), Vec::<u8>::new());
                loop {
                    let chunk = match field.chunk().await {
                        Ok(Some(c)) => c,
                        Ok(None) => break,
                        Err(e) => {
                            parse_error = Some(e.to_string());
                            break;
                        }
                    };
                    bytes += chunk.len() as u64;
                    if bytes > limit {
                        // Keep draining (so the client reads our answer) but stop storing.
                        too_large = true;
                        continue;
                    }
                    hasher.update(&chunk);
                    if kind == Kind::Text && head.len() < HEAD_BYTES {
                        let take = (HEAD_BYTES - head.len()).min(chunk.len());
                        head.extend_from_slice(&chunk[..take]);
                    }
                    if let Kind::Pdf { has_font: false } = kind {
                        // Look for `/Font` across chunk boundaries with a 4-byte overlap.
                        tail.extend_from_slice(&chunk);
                        if tail.windows(5).any(|w| w == b"/Font") {
                            kind = Kind::Pdf { has_font: true };
                        }
                        let keep = tail.len().saturating_sub(4);
                        tail.drain(..keep);
                    }
                }
                file = Some((filename, bytes, hex::encode(hasher.finalize()), kind, head));
            }
            _ => while let Ok(Some(_)) = field.chunk().await {},
        }
    }

    let summary = json!({
        "filename": file.as_ref().map(|f| &f.0),
        "bytes": file.as_ref().map(|f| f.1),
        "sha256": file.as_ref().filter(|_| !too_large).map(|f| &f.2),
        "purpose": purpose,
        "content_length": content_length,
        "chunked": false,
    });
    record(&s, &method, &uri, &headers, summary);

    if let Some(e) = parse_error {
        return bad_param(&rid, &format!("Malformed multipart body: {e}"));
    }
    let Some((filename, bytes, sha256, kind, head)) = file else {
        return bad_param(&rid, "Missing the 'file' part.");
    };
    if filename.is_empty() {
        return bad_param(&rid, "The 'file' part has no filename.");
    }
    if too_large {
        let limit = if kind == Kind::Image {
            "20 MB"
        } else {
            "150 MB"
        };
        return error(
            &rid,
            StatusCode::BAD_REQUEST,
            "BadRequest.TooLarge",
            &format!("Payload Too Large: the file exceeds the {limit} limit."),
        );
    }
    match purpose.as_deref() {
        Some("file-extract") => {}
        Some(p) => {
            return bad_param(
                &rid,
                &format!("Invalid purpose '{p}': only 'file-extract' is supported."),
            )
        }
        None => return bad_param(&rid, "Missing the 'purpose' part."),
    }

    let id = s.new_file_id();
    let created_at = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    let mut st = s.lock();
    let rec = FileRec {
        id,
        account,
        filename,
        bytes,
        sha256,
        purpose: "file-extract".into(),
        created_at,
        ready_at: Instant::now() + st.parse_delay,
        kind,
        head,
    };
    let obj = rec.object();
    st.files.push(rec);
    Json(obj).into_response()
}

#[derive(serde::Deserialize)]
struct ListQuery {
    limit: Option<String>,
    after: Option<String>,
    purpose: Option<String>,
}

async fn list_files(
    State(s): State<Shr>,
    Extension(ReqId(rid)): Extension<ReqId>,
    method: Method,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    q: axum::extract::Query<ListQuery>,
) -> Response {
    let account = match files_request(&s, &rid, &method, &uri, &headers) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let limit = match q.limit.as_deref().map(str::parse::<usize>) {
        None => 2000,
        Some(Ok(n)) if (1..=2000).contains(&n) => n,
        _ => return bad_param(&rid, "limit must be an integer between 1 and 2000."),
    };
    let st = s.lock();
    let mine: Vec<&FileRec> = st
        .files
        .iter()
        .filter(|f| f.account == account)
        .filter(|f| q.purpose.as_deref().is_none_or(|p| f.purpose == p))
        .collect();
    let start = match &q.after {
        None => 0,
        Some(after) => mine
            .iter()
            .position(|f| &f.id == after)
            .map_or(mine.len(), |i| i + 1),
    };
    let page: Vec<Value> = mine[start..]
        .iter()
        .take(limit)
        .map(|f| f.object())
        .collect();
    let has_more = mine.len() - start > page.len();
    Json(json!({"object": "list", "has_more": has_more, "data": page})).into_response()
}

/// The start of every `/files` call but the upload: record it, answer a queued fault, then
/// the key. `Ok` is the account the key maps to.
fn files_request(
    s: &Shared,
    rid: &str,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
) -> Result<String, Response> {
    record(s, method, uri, headers, Value::Null);
    if let Some(fault) = s.lock().take_fault(Target::Files) {
        if let Some(r) = fault_response(rid, &fault) {
            return Err(r);
        }
    }
    auth(rid, headers)
}

async fn get_file(
    State(s): State<Shr>,
    Extension(ReqId(rid)): Extension<ReqId>,
    Path(id): Path<String>,
    method: Method,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Response {
    let account = match files_request(&s, &rid, &method, &uri, &headers) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let st = s.lock();
    match st.files.iter().find(|f| f.id == id && f.account == account) {
        Some(f) => Json(f.object()).into_response(),
        None => not_found_file(&rid, &id),
    }
}

fn not_found_file(rid: &str, id: &str) -> Response {
    error(
        rid,
        StatusCode::NOT_FOUND,
        "invalid_parameter_error",
        &format!("File [id:{id}] cannot be found."),
    )
}

async fn delete_file(
    State(s): State<Shr>,
    Extension(ReqId(rid)): Extension<ReqId>,
    Path(id): Path<String>,
    method: Method,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Response {
    let account = match files_request(&s, &rid, &method, &uri, &headers) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let mut st = s.lock();
    match st
        .files
        .iter()
        .position(|f| f.id == id && f.account == account)
    {
        Some(i) => {
            st.files.remove(i);
            Json(json!({"object": "file", "deleted": true, "id": id})).into_response()
        }
        None => not_found_file(&rid, &id),
    }
}

// ---------- chat ----------

/// Everything a chat answer is made of, decided before the first byte is sent.
struct Plan {
    pieces: Vec<String>,
    model: String,
    prompt_tokens: u64,
    include_usage: bool,
    cut: Option<usize>,
    slow: Duration,
    first_delay: Duration,
    error: Option<(usize, String, String)>,
    split: bool,
    rid: String,
}

fn moderation_message() -> String {
    "Output data may contain inappropriate content.".into()
}

fn status_message(code: &str) -> String {
    match code {
        "limit_requests" => "Requests rate limit exceeded, please try again later.".into(),
        "limit_burst_rate" => "Request rate increased too quickly, please slow down.".into(),
        "insufficient_quota" => "You exceeded your current quota, please try again later.".into(),
        "data_inspection_failed" => "Input data may contain inappropriate content.".into(),
        _ => format!("Mock error {code}."),
    }
}

/// Parses `fileid://A,fileid://B`; None if anything else is in the message.
fn parse_fileids(content: &str) -> Option<Vec<String>> {
    content
        .split(',')
        .map(|p| {
            let id = p.strip_prefix("fileid://")?;
            (!id.is_empty() && !id.chars().any(|c| c.is_whitespace() || c == '/'))
                .then(|| id.to_string())
        })
        .collect()
}

async fn chat(
    State(s): State<Shr>,
    Extension(ReqId(rid)): Extension<ReqId>,
    method: Method,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let parsed: Result<Value, _> = serde_json::from_slice(&body);
    let recorded = match &parsed {
        Ok(v) => v.clone(),
        Err(_) => Value::String(String::from_utf8_lossy(&body).into_owned()),
    };
    record(&s, &method, &uri, &headers, recorded);

    let fault = s.lock().take_fault(Target::Chat);
    if let Some(r) = fault.as_ref().and_then(|f| fault_response(&rid, f)) {
        return r;
    }
    let account = match auth(&rid, &headers) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let Ok(req) = parsed else {
        return bad_param(&rid, "The request body is not valid JSON.");
    };
    match build_plan(&s, &rid, &account, &req, fault) {
        Ok((plan, stream)) => {
            if stream {
                stream_response(plan)
            } else {
                plain_response(plan).await
            }
        }
        Err(r) => r,
    }
}

fn build_plan(
    s: &Shared,
    rid: &str,
    account: &str,
    req: &Value,
    fault: Option<Fault>,
) -> Result<(Plan, bool), Response> {
    let model = req.get("model").and_then(Value::as_str).unwrap_or("");
    if !MODELS.contains(&model) {
        return Err(error(
            rid,
            StatusCode::NOT_FOUND,
            "model_not_found",
            &format!("The model `{model}` does not exist or you do not have access to it."),
        ));
    }
    let Some(messages) = req.get("messages").and_then(Value::as_array) else {
        return Err(bad_param(rid, "'messages' must be a non-empty array."));
    };
    if messages.is_empty() {
        return Err(bad_param(rid, "'messages' must be a non-empty array."));
    }
    let mut msgs: Vec<(&str, &str)> = Vec::new();
    for (i, m) in messages.iter().enumerate() {
        let role = m.get("role").and_then(Value::as_str).unwrap_or("");
        let Some(content) = m.get("content").and_then(Value::as_str) else {
            return Err(bad_param(
                rid,
                &format!("messages[{i}].content must be a string (content arrays are not supported by qwen-long)."),
            ));
        };
        if !matches!(role, "system" | "user" | "assistant") {
            return Err(bad_param(
                rid,
                &format!("messages[{i}].role '{role}' is not supported."),
            ));
        }
        msgs.push((role, content));
    }
    let Some(last_user) = msgs.iter().rposition(|(r, _)| *r == "user") else {
        return Err(bad_param(rid, "There is no user message."));
    };

    let mut ids: Vec<String> = Vec::new();
    let mut texts: Vec<&str> = Vec::new();
    let mut instruction = None;
    for (i, (role, content)) in msgs.iter().enumerate() {
        if *role != "system" {
            continue;
        }
        if content.contains("fileid://") {
            match parse_fileids(content) {
                Some(v) => ids.extend(v),
                None => {
                    return Err(bad_param(
                        rid,
                        "A fileid:// system message must hold only file ids (fileid://ID or fileid://ID1,fileid://ID2), nothing else.",
                    ))
                }
            }
        } else if i == 0 {
            instruction = Some(*content);
        } else {
            texts.push(content);
        }
    }
    if ids.len() > MAX_IDS {
        return Err(bad_param(rid, "Too many files provided."));
    }

    let mut docs = Vec::new();
    let mut file_bytes = 0u64;
    {
        let st = s.lock();
        for id in &ids {
            let Some(f) = st.files.iter().find(|f| &f.id == id) else {
                return Err(bad_param(rid, &format!("File [id:{id}] cannot be found.")));
            };
            if f.account != account {
                return Err(bad_param(rid, &format!("Invalid file [id:{id}].")));
            }
            if !f.processed() {
                return Err(bad_param(
                    rid,
                    "File parsing in progress, please try again later.",
                ));
            }
            if f.bytes == 0 {
                return Err(bad_param(rid, &format!("File [id:{id}] content blank.")));
            }
            if matches!(f.kind, Kind::Image | Kind::Pdf { has_font: false }) {
                return Err(bad_param(
                    rid,
                    &format!("File [id:{id}] format is not supported."),
                ));
            }
            file_bytes += f.bytes;
            docs.push(DocInfo {
                filename: f.filename.clone(),
                bytes: f.bytes,
                sha256: f.sha256.clone(),
                begins: (f.kind == Kind::Text)
                    .then(|| answer::begins(&String::from_utf8_lossy(&f.head), 40)),
            });
        }
    }

    let (markers, question) = answer::parse_markers(msgs[last_user].1);
    if let Some((status, code, retry)) = &markers.status {
        // Fires only the first time this exact message is seen, so a client retry succeeds.
        let mut st = s.lock();
        let seen = st
            .status_seen
            .entry(msgs[last_user].1.to_string())
            .or_insert(0);
        *seen += 1;
        if *seen == 1 {
            let f = Fault::HttpError {
                on: Target::Chat,
                status: *status,
                code: code.clone(),
                message: status_message(code),
                retry_after: *retry,
            };
            return Err(fault_response(rid, &f).unwrap());
        }
    }

    let earlier_turns = msgs[..last_user]
        .iter()
        .filter(|(r, _)| *r != "system")
        .count();
    let mut text = answer::compose(&answer::AnswerInput {
        question: &question,
        instruction,
        docs: &docs,
        texts: &texts,
        earlier_turns,
        model,
    });
    if let Some(n) = markers.long {
        text.push_str(&answer::long_markdown(n));
    }
    let message_chars: usize = msgs.iter().map(|(_, c)| c.chars().count()).sum();
    let stream = req.get("stream").and_then(Value::as_bool).unwrap_or(false);
    let include_usage = req
        .pointer("/stream_options/include_usage")
        .and_then(Value::as_bool)
        .unwrap_or(false);

    let chunk_delay = s.lock().chunk_delay;
    let mut plan = Plan {
        pieces: answer::chunk(&text),
        model: model.to_string(),
        prompt_tokens: file_bytes.div_ceil(4) + message_chars as u64,
        include_usage,
        cut: None,
        slow: chunk_delay,
        first_delay: Duration::ZERO,
        error: None,
        split: false,
        rid: rid.to_string(),
    };
    apply_markers(&mut plan, &markers);
    match fault {
        Some(Fault::CutAfter { chunks }) => plan.cut = Some(chunks),
        Some(Fault::SlowChunks { delay_ms }) => plan.slow = Duration::from_millis(delay_ms),
        Some(Fault::FirstTokenDelay { delay_ms }) => {
            plan.first_delay = Duration::from_millis(delay_ms)
        }
        Some(Fault::StreamError {
            after_chunks,
            code,
            message,
        }) => plan.error = Some((after_chunks, code, message)),
        Some(Fault::SplitUtf8) => plan.split = true,
        _ => {}
    }
    Ok((plan, stream))
}

fn apply_markers(plan: &mut Plan, m: &Markers) {
    if let Some(n) = m.cut {
        plan.cut = Some(n);
    }
    if let Some(ms) = m.slow_ms {
        plan.slow = Duration::from_millis(ms);
    }
    if let Some(ms) = m.delay_ms {
        plan.first_delay = Duration::from_millis(ms);
    }
    if let Some((code, n)) = &m.error {
        let message = if code == "data_inspection_failed" {
            moderation_message()
        } else {
            status_message(code)
        };
        plan.error = Some((*n, code.clone(), message));
    }
    plan.split |= m.split;
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
}

fn usage(plan: &Plan) -> Value {
    let completion = plan.pieces.len() as u64;
    json!({"prompt_tokens": plan.prompt_tokens, "completion_tokens": completion,
           "total_tokens": plan.prompt_tokens + completion})
}

type Tx = mpsc::Sender<Result<Bytes, std::io::Error>>;

fn body_from(rx: mpsc::Receiver<Result<Bytes, std::io::Error>>) -> Body {
    let mut rx = rx;
    Body::from_stream(futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx)))
}

/// Breaks the connection mid-body. hyper drops unflushed bytes on a body error, so first wait
/// until it has taken everything queued and had a moment to write it out.
async fn abort(tx: &Tx) {
    while tx.capacity() < tx.max_capacity() && !tx.is_closed() {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    let err = std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "mock: cut");
    let _ = tx.send(Err(err)).await;
}

async fn plain_response(plan: Plan) -> Response {
    tokio::time::sleep(plan.first_delay).await;
    if let Some((_, code, message)) = &plan.error {
        return error(&plan.rid, StatusCode::BAD_REQUEST, code, message);
    }
    let body = json!({
        "id": format!("chatcmpl-{}", plan.rid),
        "object": "chat.completion",
        "created": now_secs(),
        "model": plan.model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": plan.pieces.concat()},
                     "finish_reason": "stop", "logprobs": null}],
        "usage": usage(&plan),
    });
    let bytes = serde_json::to_vec(&body).unwrap();
    if plan.cut.is_some() {
        // Half a JSON body, then the connection drops.
        let (tx, rx) = mpsc::channel(2);
        let half = Bytes::copy_from_slice(&bytes[..bytes.len() / 2]);
        tokio::spawn(async move {
            let _ = tx.send(Ok(half)).await;
            abort(&tx).await;
        });
        return ([(header::CONTENT_TYPE, "application/json")], body_from(rx)).into_response();
    }
    ([(header::CONTENT_TYPE, "application/json")], bytes).into_response()
}

fn stream_response(plan: Plan) -> Response {
    let (tx, rx) = mpsc::channel(16);
    tokio::spawn(write_stream(plan, tx));
    (
        [
            (header::CONTENT_TYPE, "text/event-stream;charset=UTF-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body_from(rx),
    )
        .into_response()
}

/// Writes one SSE event; in split mode as tiny pieces with CRLF and keep-alive comments.
async fn send_event(tx: &Tx, data: &str, split: bool, n: usize) -> Result<(), ()> {
    if !split {
        let ev = format!("data: {data}\n\n");
        return tx.send(Ok(Bytes::from(ev))).await.map_err(|_| ());
    }
    // Alternate `data:` with and without the optional space.
    let sep = if n.is_multiple_of(2) {
        "data:"
    } else {
        "data: "
    };
    let ev = format!(": keep-alive\r\n\r\n{sep}{data}\r\n\r\n").into_bytes();
    const SIZES: [usize; 6] = [1, 2, 3, 1, 5, 2];
    let mut i = 0;
    let mut k = n;
    while i < ev.len() {
        let end = (i + SIZES[k % SIZES.len()]).min(ev.len());
        tx.send(Ok(Bytes::copy_from_slice(&ev[i..end])))
            .await
            .map_err(|_| ())?;
        // Let hyper flush each piece as its own write.
        tokio::task::yield_now().await;
        i = end;
        k += 1;
    }
    Ok(())
}

async fn write_stream(plan: Plan, tx: Tx) {
    let _ = write_stream_inner(&plan, &tx).await;
}

async fn write_stream_inner(plan: &Plan, tx: &Tx) -> Result<(), ()> {
    let id = format!("chatcmpl-{}", plan.rid);
    let created = now_secs();
    if !plan.first_delay.is_zero() {
        tokio::time::sleep(plan.first_delay).await;
    }
    let last = plan.pieces.len().saturating_sub(1);
    for (i, piece) in plan.pieces.iter().enumerate() {
        if plan.cut == Some(i) {
            abort(tx).await;
            return Err(());
        }
        if let Some((n, code, message)) = &plan.error {
            if *n == i {
                return send_stream_error(plan, tx, code, message, i).await;
            }
        }
        if i > 0 && !plan.slow.is_zero() {
            tokio::time::sleep(plan.slow).await;
        }
        let mut delta = json!({"content": piece});
        if i == 0 {
            delta["role"] = json!("assistant");
        }
        let finish = if i == last {
            json!("stop")
        } else {
            Value::Null
        };
        let chunk = json!({"id": id, "object": "chat.completion.chunk", "created": created,
            "model": plan.model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish,
            "logprobs": null}]});
        send_event(tx, &chunk.to_string(), plan.split, i).await?;
    }
    if plan.cut.is_some() {
        abort(tx).await;
        return Err(());
    }
    if let Some((_, code, message)) = &plan.error {
        return send_stream_error(plan, tx, code, message, plan.pieces.len()).await;
    }
    if plan.include_usage {
        let chunk = json!({"id": id, "object": "chat.completion.chunk", "created": created,
            "model": plan.model, "choices": [], "usage": usage(plan)});
        send_event(tx, &chunk.to_string(), plan.split, plan.pieces.len()).await?;
    }
    send_event(tx, "[DONE]", plan.split, plan.pieces.len() + 1).await
}

async fn send_stream_error(
    plan: &Plan,
    tx: &Tx,
    code: &str,
    message: &str,
    n: usize,
) -> Result<(), ()> {
    let ev = json!({"error": {"message": message, "type": "invalid_request_error", "param": null,
        "code": code}, "request_id": plan.rid});
    send_event(tx, &ev.to_string(), plan.split, n).await
}

// ---------- admin ----------

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(Fault),
    Many(Vec<Fault>),
}

async fn admin_faults(State(s): State<Shr>, Json(f): Json<OneOrMany>) -> Response {
    let faults = match f {
        OneOrMany::One(f) => vec![f],
        OneOrMany::Many(v) => v,
    };
    let mut st = s.lock();
    st.faults.extend(faults);
    Json(json!({"queued": st.faults.len()})).into_response()
}

async fn admin_requests(State(s): State<Shr>) -> Response {
    Json(s.lock().requests.clone()).into_response()
}

async fn admin_reset(State(s): State<Shr>) -> Response {
    s.lock().reset();
    Json(json!({"reset": true})).into_response()
}

#[derive(serde::Deserialize)]
struct ConfigBody {
    parse_delay_ms: Option<u64>,
    chunk_delay_ms: Option<u64>,
}

async fn admin_config(State(s): State<Shr>, Json(c): Json<ConfigBody>) -> Response {
    let mut st = s.lock();
    if let Some(ms) = c.parse_delay_ms {
        st.parse_delay = Duration::from_millis(ms);
    }
    if let Some(ms) = c.chunk_delay_ms {
        st.chunk_delay = Duration::from_millis(ms);
    }
    Json(json!({"parse_delay_ms": st.parse_delay.as_millis() as u64,
                "chunk_delay_ms": st.chunk_delay.as_millis() as u64}))
    .into_response()
}
