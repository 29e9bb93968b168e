//! The API key: `DASHSCOPE_API_KEY` first, then the OS keyring. Only fingerprints and masked
//! forms ever leave this module; the key is never logged, serialised or written to disk.

use crate::error::Result;
use serde::Serialize;

pub const ENV_VAR: &str = "DASHSCOPE_API_KEY";
pub const KEYRING_SERVICE: &str = "longwen";
pub const KEYRING_USER: &str = "dashscope-api-key";

/// The key. `Debug` prints a masked form; memory is zeroed on drop.
#[derive(Clone)]
pub struct ApiKey(zeroize::Zeroizing<String>);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> ApiKey {
        ApiKey(zeroize::Zeroizing::new(key.into().trim().to_string()))
    }
    /// Only for building the Authorization header.
    pub fn expose(&self) -> &str {
        &self.0
    }
    /// `sk-…abcd`
    pub fn masked(&self) -> String {
        todo!()
    }
    /// A stable account id derived from the key (SHA-256, truncated). Never the key.
    pub fn fingerprint(&self) -> String {
        todo!()
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ApiKey({})", self.masked())
    }
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum KeySource {
    Environment,
    Keyring,
}

/// What the faces may know about the key.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct KeyStatus {
    pub present: bool,
    pub source: Option<KeySource>,
    pub masked: Option<String>,
}

/// Environment first, then the keyring. `Ok(None)` when neither has one.
pub fn load() -> Result<Option<(ApiKey, KeySource)>> {
    todo!()
}
pub fn store(key: &ApiKey) -> Result<()> {
    let _ = key;
    todo!()
}
pub fn delete() -> Result<()> {
    todo!()
}
pub fn status() -> Result<KeyStatus> {
    todo!()
}
