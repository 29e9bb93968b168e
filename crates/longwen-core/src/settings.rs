//! User settings, stored in the database (never the key).

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
