//! Injected faults: queued ones that answer instead of the handler, and question markers that
//! shape the chat answer.

use super::limits::{REQUESTS_MESSAGE, TOKENS_MESSAGE};
use super::stream::{Plan, PlannedError};
use super::{error, Shared};
use crate::markers::Markers;
use crate::{Fault, Target};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::time::{Duration, SystemTime};

/// The answer a queued HTTP fault gives instead of the handler's; `None` for the faults that
/// shape a chat answer (see `apply_fault`).
pub(super) fn fault_response(rid: &str, f: &Fault) -> Option<Response> {
    match f {
        Fault::HttpError {
            status,
            code,
            message,
            retry_after,
            retry_after_date,
            retry_after_raw,
            ..
        } => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut r = error(rid, status, code, message);
            let value = match (retry_after_raw, retry_after_date, retry_after) {
                (Some(raw), _, _) => HeaderValue::from_str(raw).ok(),
                (None, Some(secs), _) => {
                    let at = SystemTime::now() + Duration::from_secs(*secs);
                    HeaderValue::from_str(&httpdate::fmt_http_date(at)).ok()
                }
                (None, None, Some(secs)) => Some(HeaderValue::from(*secs)),
                (None, None, None) => None,
            };
            if let Some(v) = value {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            Some(r)
        }
        Fault::EmptyNotFound { .. } => Some(StatusCode::NOT_FOUND.into_response()),
        _ => None,
    }
}

fn moderation_message() -> String {
    "Output data may contain inappropriate content.".into()
}

fn status_message(code: &str) -> String {
    match code {
        "limit_requests" => REQUESTS_MESSAGE.into(),
        "limit_burst_rate" => "Request rate increased too quickly, please slow down.".into(),
        "insufficient_quota" => TOKENS_MESSAGE.into(),
        "data_inspection_failed" => "Input data may contain inappropriate content.".into(),
        _ => format!("Mock error {code}."),
    }
}

/// Markers in the question shape the answer the same way queued faults do.
pub(super) fn apply_markers(plan: &mut Plan, m: &Markers) {
    if let Some(n) = m.cut {
        plan.cut = Some(n);
    }
    if let Some(ms) = m.slow_ms {
        plan.slow = Duration::from_millis(ms);
    }
    if let Some(ms) = m.delay_ms {
        plan.first_delay = Duration::from_millis(ms);
    }
    let planned = |(code, after): &(String, usize), flat: bool| {
        let message = if code == "data_inspection_failed" {
            moderation_message()
        } else {
            status_message(code)
        };
        let (after, code) = (*after, code.clone());
        PlannedError {
            after,
            code,
            message,
            flat,
        }
    };
    if let Some(e) = &m.error {
        plan.error = Some(planned(e, false));
    }
    if let Some(e) = &m.flat_error {
        plan.error = Some(planned(e, true));
    }
    if let Some(n) = m.bad_json {
        plan.bad_json = Some(n);
    }
    if let Some((n, ms)) = m.stall {
        plan.stall = Some((n, Duration::from_millis(ms)));
    }
    if let Some(bytes) = m.huge_line {
        plan.huge_line = Some(bytes);
    }
    plan.split |= m.split;
    plan.rate = m.rate.or(plan.rate);
    plan.stamp = m.stamp.or(plan.stamp);
}

/// A status marker answers with its error only the first time this exact message is seen, so a
/// client retry succeeds.
pub(super) fn status_marker(
    s: &Shared,
    rid: &str,
    markers: &Markers,
    message: &str,
) -> Result<(), Response> {
    if let Some((status, code, retry)) = &markers.status {
        let mut st = s.lock();
        let seen = st.status_seen.entry(message.to_string()).or_insert(0);
        *seen += 1;
        if *seen == 1 {
            let f = Fault::HttpError {
                on: Target::Chat,
                status: *status,
                code: code.clone(),
                message: status_message(code),
                retry_after: *retry,
                retry_after_date: None,
                retry_after_raw: None,
            };
            return Err(fault_response(rid, &f).unwrap());
        }
    }
    Ok(())
}

/// A queued stream fault shapes the plan; applied after the markers, so it wins over them.
pub(super) fn apply_fault(plan: &mut Plan, fault: Option<Fault>) {
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
        }) => {
            plan.error = Some(PlannedError {
                after: after_chunks,
                code,
                message,
                flat: false,
            })
        }
        Some(Fault::StreamErrorFlat {
            after_chunks,
            code,
            message,
        }) => {
            plan.error = Some(PlannedError {
                after: after_chunks,
                code,
                message,
                flat: true,
            })
        }
        Some(Fault::HugeLine { bytes }) => plan.huge_line = Some(bytes),
        Some(Fault::BadJson { after_chunks }) => plan.bad_json = Some(after_chunks),
        Some(Fault::Stall { after_chunks, ms }) => {
            plan.stall = Some((after_chunks, Duration::from_millis(ms)))
        }
        Some(Fault::SplitUtf8) => plan.split = true,
        Some(Fault::CutAtByte { byte }) => plan.cut_at_byte = Some(byte),
        _ => {}
    }
}
