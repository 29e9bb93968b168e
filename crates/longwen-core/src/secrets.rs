//! The API key: `DASHSCOPE_API_KEY` first, then the OS keyring. Only fingerprints and masked
//! forms ever leave this module; the key is never logged, serialised or written to disk.

use crate::error::{Error, Problem, Result};
use serde::Serialize;
use sha2::{Digest, Sha256};

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
    /// Whether it can be sent: keys are visible ASCII (no inner space or line break).
    pub fn is_well_formed(&self) -> bool {
        self.0.bytes().all(|b| b.is_ascii_graphic())
    }
    /// Only for building the Authorization header.
    pub fn expose(&self) -> &str {
        &self.0
    }
    /// `sk-…abcd`: first 3 chars, an ellipsis, the last 4. Short keys are fully masked so
    /// the visible parts never add up to most of the key.
    pub fn masked(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        if chars.len() < 12 {
            return "****".to_string();
        }
        let head: String = chars[..3].iter().collect();
        let tail: String = chars[chars.len() - 4..].iter().collect();
        format!("{head}…{tail}")
    }
    /// A stable account id derived from the key, keyed with this installation's salt
    /// (SHA-256 of salt and key, truncated): never the key, and not comparable across
    /// installations or against a list of known keys' hashes.
    pub fn fingerprint(&self, salt: &str) -> String {
        let mut hasher = Sha256::new();
        hasher.update(salt.as_bytes());
        hasher.update(b":");
        hasher.update(self.0.as_bytes());
        hex::encode(hasher.finalize())[..16].to_string()
    }
    /// The unsalted fingerprint versions before the salt stored: only to find their rows.
    pub(crate) fn legacy_fingerprint(&self) -> String {
        hex::encode(Sha256::digest(self.0.as_bytes()))[..16].to_string()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
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

/// What the faces may know about the key. The default is "no key".
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct KeyStatus {
    pub present: bool,
    pub source: Option<KeySource>,
    pub masked: Option<String>,
}

/// A non-empty value of the environment variable, trimmed.
fn from_env_value(v: Option<String>) -> Option<ApiKey> {
    v.map(ApiKey::new).filter(|k| !k.is_empty())
}

fn entry() -> Result<keyring::Entry> {
    keyring::Entry::new(KEYRING_SERVICE, KEYRING_USER).map_err(keyring_error)
}

fn keyring_error(e: keyring::Error) -> Error {
    // The Display of platform failures carries the cause, e.g. "Unable to autolaunch a
    // dbus-daemon without a $DISPLAY for X11" when there is no session bus.
    Error::KeyringUnavailable {
        backend: keyring_backend(),
        detail: e.to_string(),
    }
}

/// Which store the keyring crate uses by default on this build: "secret-service",
/// "macos-keychain", "windows-credential-manager", … or "mock" when no native backend
/// feature is enabled (keyring 3 then silently keeps keys in memory only).
pub fn keyring_backend() -> String {
    use keyring::credential::CredentialPersistence;
    let builder = keyring::default::default_credential_builder();
    let any = builder.as_any();
    if any.is::<keyring::mock::MockCredentialBuilder>() {
        return "mock".into();
    }
    #[cfg(target_os = "linux")]
    if any.is::<keyring::secret_service::SsCredentialBuilder>() {
        return "secret-service".into();
    }
    #[cfg(target_os = "macos")]
    if any.is::<keyring::macos::MacCredentialBuilder>() {
        return "macos-keychain".into();
    }
    #[cfg(target_os = "windows")]
    if any.is::<keyring::windows::WinCredentialBuilder>() {
        return "windows-credential-manager".into();
    }
    match builder.persistence() {
        CredentialPersistence::EntryOnly | CredentialPersistence::ProcessOnly => "mock".into(),
        _ => "native".into(),
    }
}

/// Environment first, then the keyring. `Ok(None)` when neither has one.
pub fn load() -> Result<Option<(ApiKey, KeySource)>> {
    if let Some(k) = from_env_value(std::env::var(ENV_VAR).ok()) {
        return Ok(Some((k, KeySource::Environment)));
    }
    match entry()?.get_password() {
        Ok(p) => Ok(Some(ApiKey::new(p))
            .filter(|k| !k.is_empty())
            .map(|k| (k, KeySource::Keyring))),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(keyring_error(e)),
    }
}

pub fn store(key: &ApiKey) -> Result<()> {
    if key.is_empty() {
        return Err(Error::invalid(Problem::EmptyKey));
    }
    if !key.is_well_formed() {
        return Err(Error::invalid(Problem::BadKey));
    }
    entry()?.set_password(key.expose()).map_err(keyring_error)
}

/// Deleting a key that is not there is fine.
pub fn delete() -> Result<()> {
    match entry()?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(keyring_error(e)),
    }
}

pub fn status() -> Result<KeyStatus> {
    Ok(match load()? {
        Some((k, source)) => KeyStatus {
            present: true,
            source: Some(source),
            masked: Some(k.masked()),
        },
        None => KeyStatus {
            present: false,
            source: None,
            masked: None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_with_inner_spaces_or_breaks_are_not_well_formed() {
        assert!(ApiKey::new(" sk-abc123\n").is_well_formed());
        for bad in ["sk-abc\n123", "sk-abc 123", "sk-abc\u{200b}123", "sk-密钥"] {
            assert!(!ApiKey::new(bad).is_well_formed(), "{bad:?}");
            let e = store(&ApiKey::new(bad)).unwrap_err();
            assert!(
                matches!(
                    e,
                    Error::InvalidArgument {
                        problem: Problem::BadKey,
                        ..
                    }
                ),
                "{e:?}"
            );
        }
    }

    #[test]
    fn masks_and_fingerprints() {
        let k = ApiKey::new("  sk-0123456789abcdef  ");
        assert_eq!(k.expose(), "sk-0123456789abcdef");
        assert_eq!(k.masked(), "sk-…cdef");
        assert!(!format!("{k:?}").contains("0123456789"));
        // sha256("salt:sk-0123456789abcdef"), first 16 hex digits.
        let full = hex::encode(Sha256::digest(b"salt:sk-0123456789abcdef"));
        assert_eq!(k.fingerprint("salt"), full[..16]);
        assert_ne!(k.fingerprint("salt"), k.fingerprint("other salt"));
        assert_eq!(
            k.legacy_fingerprint(),
            hex::encode(Sha256::digest(b"sk-0123456789abcdef"))[..16]
        );
        let short = ApiKey::new("sk-abc");
        assert!(!short.masked().contains("abc"));
    }

    #[test]
    fn env_value_must_be_non_empty() {
        assert!(from_env_value(None).is_none());
        assert!(from_env_value(Some("   ".into())).is_none());
        assert_eq!(
            from_env_value(Some("sk-x".into())).unwrap().expose(),
            "sk-x"
        );
    }

    /// keyring 3 falls back to an in-memory mock when no backend feature is on: keys would
    /// "save" and vanish on restart. This fails the build's tests if that ever happens.
    #[test]
    fn default_keyring_store_is_not_the_mock() {
        let backend = keyring_backend();
        assert_ne!(backend, "mock", "keyring has no native backend enabled");
    }
}
