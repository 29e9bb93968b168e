//! User settings, stored in the database (never the key).

use crate::error::{Error, Result};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum Region {
    #[default]
    Beijing,
    Singapore,
    Us,
    /// `custom_base_url` is used.
    Custom,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct Settings {
    pub region: Region,
    pub custom_base_url: Option<String>,
    /// qwen-long by default.
    pub model: String,
    /// "system", "zh" or "en".
    pub language: String,
    /// "system", "light" or "dark".
    pub theme: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            region: Region::Beijing,
            custom_base_url: None,
            model: crate::client::DEFAULT_MODEL.to_string(),
            language: "system".into(),
            theme: "system".into(),
        }
    }
}

/// Models that are throttled to 3 requests a minute: the UI warns when one is chosen.
pub fn is_rate_limited_snapshot(model: &str) -> bool {
    model == "qwen-long-2025-01-25"
}

/// CNY for the Beijing list price: input 0.0005 / 1K tokens, output 0.002 / 1K tokens.
pub fn cost_cny(usage: &crate::client::Usage) -> f64 {
    usage.prompt_tokens as f64 * 0.0005 / 1000.0 + usage.completion_tokens as f64 * 0.002 / 1000.0
}

impl Settings {
    /// The base URL this region stands for (`custom_base_url` for `Custom`).
    pub fn region_url(&self) -> Option<String> {
        use crate::client::{BEIJING_URL, SINGAPORE_URL, US_URL};
        match self.region {
            Region::Beijing => Some(BEIJING_URL.into()),
            Region::Singapore => Some(SINGAPORE_URL.into()),
            Region::Us => Some(US_URL.into()),
            Region::Custom => self
                .custom_base_url
                .as_deref()
                .map(str::trim)
                .filter(|u| !u.is_empty())
                .map(|u| u.trim_end_matches('/').to_string()),
        }
    }

    /// Rejects what would only fail later: a custom region without a usable URL, an empty model.
    pub fn validate(&self) -> Result<()> {
        if self.model.trim().is_empty() {
            return Err(Error::InvalidArgument("the model name is empty".into()));
        }
        if self.region == Region::Custom {
            let url = self
                .region_url()
                .ok_or_else(|| Error::InvalidArgument("the custom address is empty".into()))?;
            let parsed = url::Url::parse(&url).map_err(|e| {
                Error::InvalidArgument(format!("the address {url} is not valid ({e})"))
            })?;
            if !matches!(parsed.scheme(), "https" | "http") {
                return Err(Error::InvalidArgument(format!(
                    "the address {url} is not http(s)"
                )));
            }
        }
        Ok(())
    }
}

/// The row holding the settings as one JSON object: fields added later fall back to defaults.
const SETTINGS_KEY: &str = "settings";

pub fn load(conn: &Connection) -> Result<Settings> {
    let raw: Option<String> = conn
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            [SETTINGS_KEY],
            |r| r.get(0),
        )
        .optional()?;
    Ok(raw
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default())
}

pub fn save(conn: &Connection, settings: &Settings) -> Result<()> {
    let json = serde_json::to_string(settings).map_err(|e| Error::Internal(e.to_string()))?;
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![SETTINGS_KEY, json],
    )?;
    Ok(())
}
