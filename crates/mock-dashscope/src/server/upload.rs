//! `POST /files`: the multipart upload, streamed and hashed as it arrives.

use super::faults::fault_response;
use super::files::{kind_of, FileRec, Kind};
use super::{auth, bad_param, error, now_secs, record, ReqId, Shared, Shr};
use crate::{Fault, Target};
use axum::extract::multipart::Field;
use axum::extract::{FromRequest, Multipart, OriginalUri, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::time::Instant;

const HEAD_BYTES: usize = 64 * 1024;

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

/// How a queued fault shapes the reading of the file part.
#[derive(Default, Clone, Copy)]
struct Reading {
    /// `upload_cut`: break the connection after this many bytes.
    cut: Option<u64>,
    /// `slow_upload`: take this many bytes a second.
    rate: Option<u64>,
}

/// The answers given before the body is read, in the service's order: a queued fault, the key,
/// a chunked body. `Ok` is the account and how to read the file part; `Err` is the answer and
/// what to record.
fn before_body(
    s: &Shared,
    rid: &str,
    headers: &HeaderMap,
    content_length: Option<u64>,
) -> Result<(String, Reading), (Response, Value)> {
    let fault = s.lock().take_fault(Target::Upload);
    if let Some(r) = fault.as_ref().and_then(|f| fault_response(rid, f)) {
        return Err((r, Value::Null));
    }
    let reading = match fault {
        Some(Fault::UploadCut { after_bytes }) => Reading {
            cut: Some(after_bytes),
            rate: None,
        },
        Some(Fault::SlowUpload { bytes_per_sec }) => Reading {
            cut: None,
            rate: Some(bytes_per_sec.max(1)),
        },
        _ => Reading::default(),
    };
    let account = auth(rid, headers).map_err(|r| (r, Value::Null))?;
    let chunked = content_length.is_none() || headers.contains_key(header::TRANSFER_ENCODING);
    if chunked {
        let summary = json!({"filename": null, "bytes": null, "sha256": null, "purpose": null,
            "content_length": content_length, "chunked": true});
        let r = error(
            rid,
            StatusCode::LENGTH_REQUIRED,
            "MissingContentLength",
            "Chunked request bodies are refused: send the upload with a Content-Length.",
        );
        return Err((r, summary));
    }
    Ok((account, reading))
}

/// What the mock keeps of the `file` part.
struct Part {
    filename: String,
    bytes: u64,
    sha256: String,
    kind: Kind,
    head: Vec<u8>,
    tokens: u64,
}

/// Files up to this size are parsed for their token count; past it a quarter of the bytes is
/// counted (the mock's stand-in for text it does not read).
const PARSE_BYTES: u64 = 8 * 1024 * 1024;

/// Streams the `file` part: hashes it, keeps the first bytes of a text file, looks for `/Font` in
/// a PDF. Also says whether it went over the size limit and how reading it failed, if it did.
/// With a cut, past that many bytes the upload is recorded and its connection broken (`Err`);
/// with a rate, each chunk is followed by the pause that keeps to it.
async fn read_file_part(
    field: &mut Field<'_>,
    s: &Shared,
    reading: Reading,
) -> Result<(Part, bool, Option<String>), String> {
    let filename = part_filename(field.headers()).unwrap_or_default();
    let mut kind = kind_of(&filename);
    let limit = if kind == Kind::Image {
        s.max_image_bytes
    } else {
        s.max_file_bytes
    };
    let mut hasher = Sha256::new();
    let (mut bytes, mut head, mut tail) = (0u64, Vec::new(), Vec::<u8>::new());
    let mut body = Vec::new();
    let (mut too_large, mut parse_error) = (false, None);
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
        if reading.cut.is_some_and(|c| bytes >= c) {
            return Err(filename);
        }
        if let Some(rate) = reading.rate {
            let pause = std::time::Duration::from_secs_f64(chunk.len() as f64 / rate as f64);
            tokio::time::sleep(pause).await;
        }
        if bytes > limit {
            // Keep draining (so the client reads our answer) but stop storing.
            too_large = true;
            continue;
        }
        hasher.update(&chunk);
        if bytes <= PARSE_BYTES {
            body.extend_from_slice(&chunk);
        }
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
    let sha256 = hex::encode(hasher.finalize());
    let tokens = file_tokens(&filename, body, bytes).await;
    let part = Part {
        filename,
        bytes,
        sha256,
        kind,
        head,
        tokens,
    };
    Ok((part, too_large, parse_error))
}

/// What a question referencing this file reads: the tokens of its parsed text, or a quarter of
/// its bytes where the mock does not parse it.
async fn file_tokens(filename: &str, body: Vec<u8>, bytes: u64) -> u64 {
    if bytes > PARSE_BYTES {
        return bytes.div_ceil(4);
    }
    let name = filename.to_string();
    tokio::task::spawn_blocking(move || {
        crate::tokens::parsed_text(&name, &body).map(|t| crate::tokens::count(&t))
    })
    .await
    .ok()
    .flatten()
    .unwrap_or(bytes.div_ceil(4))
}

/// Ends the connection's task: hyper never answers, and the socket is dropped with the rest of
/// the body unread, so the kernel resets it (as a gateway that gives up does). First a moment
/// for the client's next bytes to arrive unread: a socket closed with nothing unread would end
/// with a plain close instead. An unwind without the panic hook, so nothing is printed; tokio
/// ends only this connection's task.
async fn break_connection() -> ! {
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    std::panic::resume_unwind(Box::new("mock: upload cut"))
}

/// An upload not recorded yet. A client that closes its connection mid-body can make the server
/// drop the handler where it waits for the body: it is recorded then, as not arrived whole.
struct Unrecorded {
    s: Shr,
    at: Option<(Method, Uri, HeaderMap)>,
}

impl Unrecorded {
    fn record(&mut self, summary: Value) {
        if let Some((method, uri, headers)) = self.at.take() {
            record(&self.s, &method, &uri, &headers, summary);
        }
    }
}

impl Drop for Unrecorded {
    fn drop(&mut self) {
        self.record(json!({"filename": null, "bytes": null, "sha256": null, "abandoned": true}));
    }
}

pub(super) async fn upload(
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

    // Early answers read the body to its end first, so the client sees the answer rather than a
    // reset, and a pooled connection stays usable for the next request.
    let (account, reading) = match before_body(&s, &rid, &headers, content_length) {
        Ok(a) => a,
        Err((r, summary)) => {
            drain(req).await;
            record(&s, &method, &uri, &headers, summary);
            return r;
        }
    };

    let mut log = Unrecorded {
        s: s.clone(),
        at: Some((method, uri, headers)),
    };
    let mut mp = match Multipart::from_request(req, &()).await {
        Ok(m) => m,
        Err(e) => {
            log.record(Value::Null);
            return bad_param(&rid, &format!("Expected a multipart/form-data body: {e}"));
        }
    };

    let mut purpose: Option<String> = None;
    let mut file: Option<Part> = None;
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
                let (part, over, err) = match read_file_part(&mut field, &s, reading).await {
                    Ok(read) => read,
                    Err(filename) => {
                        let summary = json!({"filename": filename, "bytes": null,
                            "sha256": null, "purpose": purpose, "content_length": content_length,
                            "chunked": false, "cut": true});
                        log.record(summary);
                        break_connection().await;
                    }
                };
                too_large |= over;
                parse_error = err.or(parse_error);
                file = Some(part);
            }
            _ => while let Ok(Some(_)) = field.chunk().await {},
        }
    }

    let summary = json!({
        "filename": file.as_ref().map(|f| &f.filename),
        "bytes": file.as_ref().map(|f| f.bytes),
        // Only a whole part has a hash: a body that broke off (the client gave up) has none.
        "sha256": file.as_ref().filter(|_| !too_large && parse_error.is_none()).map(|f| &f.sha256),
        "purpose": purpose,
        "content_length": content_length,
        "chunked": false,
    });
    log.record(summary);

    if let Some(e) = parse_error {
        return bad_param(&rid, &format!("Malformed multipart body: {e}"));
    }
    let Some(Part {
        filename,
        bytes,
        sha256,
        kind,
        head,
        tokens,
    }) = file
    else {
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
    let created_at = now_secs();
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
        tokens,
    };
    let obj = rec.object(st.report_parsing);
    st.files.push(rec);
    Json(obj).into_response()
}
