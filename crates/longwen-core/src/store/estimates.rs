//! `token_calibration` and `messages.estimated_tokens`: what the cost line estimated, and per
//! file type how far its estimates were off.

use super::now_ms;
use crate::error::Result;
use crate::types::MessageId;
use rusqlite::{params, Connection};
use std::collections::HashMap;

/// Real over estimated tokens, per file type.
pub fn calibration(conn: &Connection) -> Result<HashMap<String, f64>> {
    let mut stmt = conn.prepare("SELECT file_type, ratio FROM token_calibration")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Folds one answer's ratio into the type's: the plain mean of the first answers, then a
/// moving average that follows the last few (at most `1 / weight_floor` of them).
pub fn learn(conn: &Connection, file_type: &str, ratio: f64, weight_floor: f64) -> Result<()> {
    let (old, samples): (f64, i64) = conn
        .query_row(
            "SELECT ratio, samples FROM token_calibration WHERE file_type = ?1",
            [file_type],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap_or((1.0, 0));
    let weight = (1.0 / (samples as f64 + 1.0)).max(weight_floor);
    let new = old + (ratio - old) * weight;
    conn.execute(
        "INSERT INTO token_calibration (file_type, ratio, samples, updated_at)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (file_type) DO UPDATE SET ratio = ?2, samples = ?3, updated_at = ?4",
        params![file_type, new, samples + 1, now_ms()],
    )?;
    Ok(())
}

pub fn set_estimate(conn: &Connection, answer: MessageId, tokens: u64) -> Result<()> {
    conn.execute(
        "UPDATE messages SET estimated_tokens = ?2 WHERE id = ?1",
        params![answer, tokens as i64],
    )?;
    Ok(())
}
