//! The stored file record and the `/files` calls other than the upload: list, get, delete.

use super::faults::fault_response;
use super::{auth, bad_param, error, record, ReqId, Shared, Shr};
use crate::Target;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde_json::{json, Value};
use std::time::Instant;

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Kind {
    Text,
    Image,
    Pdf { has_font: bool },
    Other,
}

pub(super) fn kind_of(filename: &str) -> Kind {
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

pub(super) struct FileRec {
    pub(super) id: String,
    pub(super) account: String,
    pub(super) filename: String,
    pub(super) bytes: u64,
    pub(super) sha256: String,
    pub(super) purpose: String,
    pub(super) created_at: u64,
    pub(super) ready_at: Instant,
    pub(super) kind: Kind,
    pub(super) head: Vec<u8>,
    /// What a question referencing the file reads (`tokens::parsed_text`).
    pub(super) tokens: u64,
}

impl FileRec {
    pub(super) fn processed(&self) -> bool {
        Instant::now() >= self.ready_at
    }
    /// The file object. The service says `processed` at once, parsed or not; `report_parsing`
    /// says `uploaded` until parsed instead.
    pub(super) fn object(&self, report_parsing: bool) -> Value {
        let status = if report_parsing && !self.processed() {
            "uploaded"
        } else {
            "processed"
        };
        json!({
            "id": self.id,
            "object": "file",
            "bytes": self.bytes,
            "created_at": self.created_at,
            "filename": self.filename,
            "purpose": self.purpose,
            "status": status,
            "status_details": null,
        })
    }
}

#[derive(serde::Deserialize)]
pub(super) struct ListQuery {
    limit: Option<String>,
    after: Option<String>,
    purpose: Option<String>,
}

pub(super) async fn list_files(
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
        .map(|f| f.object(st.report_parsing))
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

pub(super) async fn get_file(
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
        Some(f) => Json(f.object(st.report_parsing)).into_response(),
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

pub(super) async fn delete_file(
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
