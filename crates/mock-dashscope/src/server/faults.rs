//! Injected faults: queued ones that answer instead of the handler, and question markers that
//! shape the chat answer.

use super::error;
use super::stream::Plan;
use crate::answer::Markers;
use crate::Fault;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::time::Duration;

pub(super) fn fault_response(rid: &str, f: &Fault) -> Option<Response> {
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

fn moderation_message() -> String {
    "Output data may contain inappropriate content.".into()
}

pub(super) fn status_message(code: &str) -> String {
    match code {
        "limit_requests" => "Requests rate limit exceeded, please try again later.".into(),
        "limit_burst_rate" => "Request rate increased too quickly, please slow down.".into(),
        "insufficient_quota" => "You exceeded your current quota, please try again later.".into(),
        "data_inspection_failed" => "Input data may contain inappropriate content.".into(),
        _ => format!("Mock error {code}."),
    }
}

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
