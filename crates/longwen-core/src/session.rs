//! Who the engine talks to, and as whom: the key (configured, environment, then keyring), the
//! base URL in force, and one client per (base URL, key) so its upload rate limit is shared.

use crate::client::{Client, ClientConfig, BEIJING_URL};
use crate::error::{Error, Problem, Result};
use crate::secrets::{ApiKey, KeyStatus};
use crate::settings::{Region, Settings};
use crate::store::documents::AccountRef;
use crate::store::Store;
use std::sync::{Arc, Mutex};

/// A client plus the identity remote ids are stored under.
#[derive(Clone)]
pub(crate) struct Session {
    pub(crate) client: Client,
    /// The base URL, without a trailing slash.
    pub(crate) endpoint: String,
    /// `ApiKey::fingerprint()`, never the key.
    pub(crate) account: String,
}

impl Session {
    pub(crate) fn account_ref(&self) -> AccountRef {
        (self.endpoint.clone(), self.account.clone())
    }
}

pub(crate) struct Sessions {
    /// Where the settings (region, custom address) are read from, at every use.
    store: Arc<Store>,
    /// Keys the fingerprints that name accounts (`ApiKey::fingerprint`).
    salt: String,
    /// A key used before the environment and the keyring (tests, embedding). Never stored.
    configured_key: Option<ApiKey>,
    /// `--base-url` / `LONGWEN_BASE_URL`: wins over the settings.
    base_url_override: Option<String>,
    client_config: ClientConfig,
    cache: Mutex<Option<(String, String, Client)>>,
    /// Wakes what waits for an API Key (documents added before there was one).
    key_saved: tokio::sync::Notify,
}

impl Sessions {
    pub(crate) fn new(
        store: Arc<Store>,
        configured_key: Option<ApiKey>,
        base_url_override: Option<String>,
        client_config: ClientConfig,
    ) -> Result<Sessions> {
        let salt = store.with(|c| crate::store::settings::install_salt(c))?;
        Ok(Sessions {
            store,
            salt,
            configured_key,
            base_url_override,
            client_config,
            cache: Mutex::new(None),
            key_saved: tokio::sync::Notify::new(),
        })
    }

    fn key(&self) -> Result<Option<ApiKey>> {
        if let Some(k) = &self.configured_key {
            return Ok(Some(k.clone()));
        }
        Ok(crate::secrets::load()?.map(|(k, _)| k))
    }

    fn settings(&self) -> Result<Settings> {
        self.store.with(|c| crate::store::settings::load(c))
    }

    /// The base URL in force: the override, then the settings' region, then Beijing.
    pub(crate) fn base_url(&self) -> Result<String> {
        if let Some(u) = &self.base_url_override {
            return Ok(u.trim_end_matches('/').to_string());
        }
        Ok(self
            .settings()?
            .region_url()
            .unwrap_or_else(|| BEIJING_URL.to_string()))
    }

    /// A custom address (a region of the settings, not a `--base-url` given for this run)
    /// that this key has not been confirmed for: its host. The key and the documents go to a
    /// custom host only once the person has confirmed it, for this key.
    pub(crate) fn unconfirmed_host(&self) -> Result<Option<String>> {
        let settings = self.settings()?;
        if self.base_url_override.is_some() || settings.region != Region::Custom {
            return Ok(None);
        }
        let (Some(key), Some(url)) = (self.key()?, settings.region_url()) else {
            return Ok(None);
        };
        let host = url::Url::parse(&url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or(url);
        let account = key.fingerprint(&self.salt);
        let confirmed = self
            .store
            .with(|c| crate::store::settings::is_confirmed(c, &account, &host))?;
        Ok((!confirmed).then_some(host))
    }

    /// Records that the person confirmed sending the current key to `host`.
    pub(crate) fn confirm_host(&self, host: &str) -> Result<()> {
        let key = self.key()?.ok_or(Error::KeyMissing)?;
        let account = key.fingerprint(&self.salt);
        self.store
            .with(|c| crate::store::settings::confirm(c, &account, host))
    }

    /// Built on demand so a newly saved key or region is used at once.
    pub(crate) fn current(&self) -> Result<Session> {
        let key = self.key()?.ok_or(Error::KeyMissing)?;
        if let Some(host) = self.unconfirmed_host()? {
            return Err(Error::EndpointNotConfirmed { host });
        }
        let endpoint = self.base_url()?;
        let account = key.fingerprint(&self.salt);
        let mut cache = self
            .cache
            .lock()
            .map_err(|_| Error::internal("client lock poisoned"))?;
        if let Some((url, fp, client)) = cache.as_ref() {
            if *url == endpoint && *fp == account {
                return Ok(Session {
                    client: client.clone(),
                    endpoint,
                    account,
                });
            }
        }
        let config = ClientConfig {
            base_url: endpoint.clone(),
            ..self.client_config.clone()
        };
        // Uploads recorded before fingerprints were salted belong to this account too.
        let legacy = key.legacy_fingerprint();
        self.store
            .with(|c| crate::store::documents::rename_account(c, &legacy, &account))?;
        let client = Client::new(config, key)?;
        *cache = Some((endpoint.clone(), account.clone(), client.clone()));
        Ok(Session {
            client,
            endpoint,
            account,
        })
    }

    /// (endpoint, account) when a key is available, for showing remote ids; never fails.
    pub(crate) fn account_hint(&self) -> Option<AccountRef> {
        let key = self.key().ok().flatten()?;
        Some((self.base_url().ok()?, key.fingerprint(&self.salt)))
    }

    pub(crate) fn key_status(&self) -> Result<KeyStatus> {
        if let Some(k) = &self.configured_key {
            return Ok(KeyStatus {
                present: true,
                source: None,
                masked: Some(k.masked()),
            });
        }
        crate::secrets::status()
    }

    /// Stores the key in the OS keyring (never anywhere else).
    pub(crate) fn set_key(&self, key: &str) -> Result<KeyStatus> {
        let key = ApiKey::new(key);
        if key.expose().is_empty() {
            return Err(Error::invalid(Problem::EmptyKey));
        }
        crate::secrets::store(&key)?;
        self.forget_client();
        self.key_saved.notify_waiters();
        self.key_status()
    }

    /// Resolves once a key is saved (in this process).
    pub(crate) async fn key_saved(&self) {
        let saved = self.key_saved.notified();
        tokio::pin!(saved);
        // A key saved between the caller's look and this wait is not missed.
        saved.as_mut().enable();
        if self.key().ok().flatten().is_some() {
            return;
        }
        saved.await
    }

    pub(crate) fn delete_key(&self) -> Result<KeyStatus> {
        crate::secrets::delete()?;
        self.forget_client();
        self.key_status()
    }

    fn forget_client(&self) {
        if let Ok(mut c) = self.cache.lock() {
            *c = None;
        }
    }
}
