//! `/_mock/…`: queue faults, read recorded requests, reset, change delays and limits.

use super::Shr;
use crate::Fault;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use std::collections::HashMap;
use std::time::Duration;

#[derive(serde::Deserialize)]
#[serde(untagged)]
pub(super) enum OneOrMany {
    One(Fault),
    Many(Vec<Fault>),
}

pub(super) async fn admin_faults(State(s): State<Shr>, Json(f): Json<OneOrMany>) -> Response {
    let faults = match f {
        OneOrMany::One(f) => vec![f],
        OneOrMany::Many(v) => v,
    };
    let mut st = s.lock();
    st.faults.extend(faults);
    Json(json!({"queued": st.faults.len()})).into_response()
}

pub(super) async fn admin_requests(State(s): State<Shr>) -> Response {
    Json(s.lock().requests.clone()).into_response()
}

pub(super) async fn admin_reset(State(s): State<Shr>) -> Response {
    s.lock().reset();
    Json(json!({"reset": true})).into_response()
}

#[derive(serde::Deserialize)]
pub(super) struct ConfigBody {
    parse_delay_ms: Option<u64>,
    chunk_delay_ms: Option<u64>,
    report_parsing: Option<bool>,
    rate_window_ms: Option<u64>,
    /// model → [requests, tokens]; replaces the whole table.
    rate_limits: Option<HashMap<String, (u64, u64)>>,
}

pub(super) async fn admin_config(State(s): State<Shr>, Json(c): Json<ConfigBody>) -> Response {
    let mut st = s.lock();
    if let Some(ms) = c.parse_delay_ms {
        st.parse_delay = Duration::from_millis(ms);
    }
    if let Some(ms) = c.chunk_delay_ms {
        st.chunk_delay = Duration::from_millis(ms);
    }
    if let Some(on) = c.report_parsing {
        st.report_parsing = on;
    }
    if let Some(ms) = c.rate_window_ms {
        st.limits.window = Duration::from_millis(ms);
    }
    if let Some(table) = c.rate_limits {
        st.limits.table = table;
    }
    Json(json!({"parse_delay_ms": st.parse_delay.as_millis() as u64,
                "chunk_delay_ms": st.chunk_delay.as_millis() as u64,
                "report_parsing": st.report_parsing,
                "rate_window_ms": st.limits.window.as_millis() as u64,
                "rate_limits": st.limits.table}))
    .into_response()
}
