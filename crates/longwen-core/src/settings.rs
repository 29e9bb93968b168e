//! User settings, stored in the database (never the key), and the rules that read them: the
//! base URL of a region, the language in force, the price of an answer.

use crate::error::{Error, Problem, Result};
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

/// The language a face words things in. The engine itself has none: it stores and returns
/// data, and each face picks its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    #[serde(rename = "en")]
    En,
    #[serde(rename = "zh")]
    Zh,
}

impl Lang {
    /// Parses "zh", "zh-CN", "zh_CN.UTF-8", "en", "en-US"...; anything else is `None`.
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s.starts_with("zh") {
            Some(Lang::Zh)
        } else if s.starts_with("en") || s == "c" || s == "posix" {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The language of the environment (LC_ALL, LC_MESSAGES, LANG), English by default.
    pub fn from_env() -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|v| std::env::var(v).ok())
            .filter(|v| !v.is_empty())
            .find_map(|v| Lang::parse(&v))
            .unwrap_or_default()
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }
}

/// What the service lets one account send a model per minute (Beijing). A question over a
/// model's tokens a minute is refused every time; faces warn when a tight model is chosen.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct ModelLimits {
    pub model: &'static str,
    pub requests_per_minute: u64,
    pub tokens_per_minute: u64,
}

pub const MODELS: &[ModelLimits] = &[
    ModelLimits {
        model: "qwen-long",
        requests_per_minute: 1_200,
        tokens_per_minute: 3_000_000,
    },
    ModelLimits {
        model: "qwen-long-latest",
        requests_per_minute: 1_200,
        tokens_per_minute: 60_000,
    },
    // The dated snapshot: 3 requests a minute.
    ModelLimits {
        model: "qwen-long-2025-01-25",
        requests_per_minute: 3,
        tokens_per_minute: 3_000_000,
    },
];

/// The limits of a known model.
pub fn model_limits(model: &str) -> Option<ModelLimits> {
    MODELS.iter().copied().find(|m| m.model == model)
}

/// Beijing list price, CNY per 1,000 tokens read (input) and written (output).
pub const INPUT_CNY_PER_1K: f64 = 0.0005;
pub const OUTPUT_CNY_PER_1K: f64 = 0.002;

/// CNY for the Beijing list price.
pub fn cost_cny(usage: &crate::client::Usage) -> f64 {
    usage.prompt_tokens as f64 * INPUT_CNY_PER_1K / 1000.0
        + usage.completion_tokens as f64 * OUTPUT_CNY_PER_1K / 1000.0
}

impl Region {
    /// Qwen-Long is offered only in the Beijing region (a custom address may offer anything).
    pub fn offers_qwen_long(self) -> bool {
        matches!(self, Region::Beijing | Region::Custom)
    }

    /// The official region this base URL belongs to, if any.
    pub fn of_url(url: &str) -> Option<Region> {
        use crate::client::{BEIJING_URL, SINGAPORE_URL, US_URL};
        let url = url.trim_end_matches('/');
        [
            (BEIJING_URL, Region::Beijing),
            (SINGAPORE_URL, Region::Singapore),
            (US_URL, Region::Us),
        ]
        .into_iter()
        .find(|(u, _)| *u == url)
        .map(|(_, r)| r)
    }
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

    /// The language chosen, or the system's for "system" (and anything unknown).
    pub fn lang(&self) -> Lang {
        match self.language.as_str() {
            "system" | "" => Lang::from_env(),
            other => Lang::parse(other).unwrap_or_else(Lang::from_env),
        }
    }

    /// Rejects what would only fail later: a custom region without a usable URL, an empty model.
    pub fn validate(&self) -> Result<()> {
        if self.model.trim().is_empty() {
            return Err(Error::invalid(Problem::EmptyModel));
        }
        if self.region == Region::Custom {
            let url = self
                .region_url()
                .ok_or_else(|| Error::invalid(Problem::EmptyAddress))?;
            let parsed = url::Url::parse(&url).map_err(|e| Error::InvalidArgument {
                problem: Problem::BadAddress,
                value: url.clone(),
                detail: e.to_string(),
            })?;
            if !matches!(parsed.scheme(), "https" | "http") {
                return Err(Error::invalid_value(Problem::AddressNotHttp, url));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lang_parses_locales() {
        assert_eq!(Lang::parse("zh_CN.UTF-8"), Some(Lang::Zh));
        assert_eq!(Lang::parse("en_US"), Some(Lang::En));
        assert_eq!(Lang::parse("fr_FR"), None);
        let zh = Settings {
            language: "zh".into(),
            ..Settings::default()
        };
        assert_eq!(zh.lang(), Lang::Zh);
    }
}
