//! `POST /chat/completions`: checks the request in the service's order, then plans the answer.

use super::faults::{apply_fault, apply_markers, fault_response, status_marker};
use super::files::Kind;
use super::stream::{plain_response, stream_response, Plan};
use super::{auth, bad_param, bearer_key, error, record, ReqId, Shared, Shr};
use crate::answer::{self, DocInfo};
use crate::{markers, tokens};
use crate::{Fault, Target};
use axum::body::Bytes;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use axum::Extension;
use serde_json::Value;
use std::time::{Duration, Instant};

const MODELS: [&str; 3] = ["qwen-long", "qwen-long-latest", "qwen-long-2025-01-25"];
const MAX_IDS: usize = 100;

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

pub(super) async fn chat(
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
    if bearer_key(&headers).starts_with("sk-noaccess") {
        // A valid key whose workspace has not been granted the model: files work, chats do not.
        return error(
            &rid,
            StatusCode::FORBIDDEN,
            "Workspace.AccessDenied",
            "Access denied: the workspace of this API key has no access to the model.",
        );
    }
    let Ok(req) = parsed else {
        return bad_param(&rid, "The request body is not valid JSON.");
    };
    // A RAM (sub-)user's key: uploads work, but a chat gets `Invalid file` for every id, its
    // own uploads included, as on the real service.
    let ram_user = bearer_key(&headers).contains(".ram-");
    match build_plan(&s, &rid, &account, ram_user, &req, fault) {
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

/// The checks in the service's order, then the answer with its markers and fault applied.
/// `Ok` also says whether the client asked for a stream.
fn build_plan(
    s: &Shared,
    rid: &str,
    account: &str,
    ram_user: bool,
    req: &Value,
    fault: Option<Fault>,
) -> Result<(Plan, bool), Response> {
    let model = req.get("model").and_then(Value::as_str).unwrap_or("");
    if !MODELS.contains(&model) {
        // A 400, not the 404 the older error table lists.
        return Err(error(
            rid,
            StatusCode::BAD_REQUEST,
            "model_not_found",
            &format!("The model `{model}` does not exist or you do not have access to it."),
        ));
    }
    let Some(messages) = req
        .get("messages")
        .and_then(Value::as_array)
        .filter(|m| !m.is_empty())
    else {
        return Err(bad_param(rid, "'messages' must be a non-empty array."));
    };
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
    let mut file_tokens = 0u64;
    {
        let st = s.lock();
        for id in &ids {
            // Gone, never there, or another account's: the service says the same for all three.
            // (`cannot be found` is only for a file deleted while a chat runs: a fault.)
            let Some(f) = st
                .files
                .iter()
                .find(|f| &f.id == id && f.account == account && !ram_user)
            else {
                return Err(bad_param(rid, &format!("Invalid file [id:{id}].")));
            };
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
            file_tokens += f.tokens;
            docs.push(DocInfo {
                filename: f.filename.clone(),
                bytes: f.bytes,
                sha256: f.sha256.clone(),
                begins: (f.kind == Kind::Text)
                    .then(|| answer::begins(&String::from_utf8_lossy(&f.head), 40)),
            });
        }
    }

    let (markers, question) = markers::parse_markers(msgs[last_user].1);
    status_marker(s, rid, &markers, msgs[last_user].1)?;

    // Last: only a request that would be answered counts toward the limits.
    // A file reference reads as its file's text, not as the reference.
    let contents: Vec<&str> = msgs
        .iter()
        .map(|(_, c)| if c.starts_with("fileid://") { "" } else { *c })
        .collect();
    let prompt_tokens = tokens::prompt(&contents, file_tokens);
    let admitted = s
        .lock()
        .limits
        .admit(account, model, prompt_tokens, Instant::now());
    if let Err(refusal) = admitted {
        // No Retry-After: the service rarely sends one.
        return Err(error(
            rid,
            StatusCode::TOO_MANY_REQUESTS,
            refusal.code(),
            refusal.message(),
        ));
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
    let stream = req.get("stream").and_then(Value::as_bool).unwrap_or(false);
    let include_usage = req
        .pointer("/stream_options/include_usage")
        .and_then(Value::as_bool)
        .unwrap_or(false);

    let chunk_delay = s.lock().chunk_delay;
    let mut plan = Plan {
        pieces: answer::chunk(&text),
        model: model.to_string(),
        prompt_tokens,
        include_usage,
        cut: None,
        slow: chunk_delay,
        first_delay: Duration::ZERO,
        error: None,
        bad_json: None,
        stall: None,
        huge_line: None,
        cut_at_byte: None,
        split: false,
        rate: None,
        stamp: None,
        rid: rid.to_string(),
    };
    apply_markers(&mut plan, &markers);
    apply_fault(&mut plan, fault);
    Ok((plan, stream))
}
