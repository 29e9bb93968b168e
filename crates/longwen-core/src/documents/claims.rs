//! Cross-process upload claims: the CLI and the app share one database and may add the same
//! content at once. Whoever claims the content uploads it; the others wait for its id.

use crate::error::{Error, Result};
use crate::store::{claims, now_ms, Store};
use rusqlite::Connection;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// How often a process waiting on another's upload looks again.
const POLL: Duration = Duration::from_millis(250);
/// The uploader refreshes its claim this often...
const HEARTBEAT: Duration = Duration::from_secs(2);
/// ...so a claim silent this long belongs to a dead process.
const STALE_MS: i64 = 15_000;

/// Unique per process and call: names a claim's owner (and temporary folders).
pub(crate) fn unique_owner() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// A held upload claim; released on drop (also on error or cancellation).
pub(crate) struct Claim<'a> {
    store: &'a Store,
    key: String,
    owner: String,
}

/// Either what another process already stored, or the claim to do the work ourselves.
pub(crate) enum Claimed<'a, T> {
    Found(T),
    /// Ours to do; `after_crash` when taken over from a process that died holding it.
    Mine(Claim<'a>, bool),
}

/// Waits until `find` sees a result, or this process holds the claim for `key`.
pub(crate) async fn claim_or_find<'a, T>(
    store: &'a Store,
    key: &str,
    find: impl Fn(&Connection) -> Result<Option<T>>,
    cancel: &CancellationToken,
) -> Result<Claimed<'a, T>> {
    let owner = unique_owner();
    loop {
        if let Some(found) = store.with(|c| find(c))? {
            return Ok(Claimed::Found(found));
        }
        let claimed = store.with(|c| {
            let claims::Claim::Ours { after_crash } =
                claims::try_claim(c, key, &owner, now_ms(), STALE_MS)?
            else {
                return Ok(None);
            };
            // The other process may have stored its result between our look and our claim.
            let found = find(c)?;
            if found.is_some() {
                claims::release(c, key, &owner)?;
            }
            Ok(Some((found, after_crash)))
        })?;
        match claimed {
            Some((Some(found), _)) => return Ok(Claimed::Found(found)),
            Some((None, after_crash)) => {
                let claim = Claim {
                    store,
                    key: key.to_string(),
                    owner,
                };
                return Ok(Claimed::Mine(claim, after_crash));
            }
            None => {}
        }
        cancel
            .run_until_cancelled(tokio::time::sleep(POLL))
            .await
            .ok_or(Error::Cancelled)?;
    }
}

impl Claim<'_> {
    /// Releases the claim within the caller's transaction, so that a crash cannot land between
    /// storing the result and letting the claim go (dropping the claim afterwards is a no-op).
    pub(crate) fn release_in(&self, c: &Connection) -> Result<()> {
        claims::release(c, &self.key, &self.owner)
    }

    /// Runs `fut`, refreshing the claim so other processes keep waiting.
    pub(crate) async fn hold_while<T>(&self, fut: impl std::future::Future<Output = T>) -> T {
        tokio::pin!(fut);
        let mut tick = tokio::time::interval(HEARTBEAT);
        loop {
            tokio::select! {
                r = &mut fut => return r,
                _ = tick.tick() => {
                    let _ = self.store.with(|c| claims::heartbeat(c, &self.key, &self.owner, now_ms()));
                }
            }
        }
    }
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        let _ = self
            .store
            .with(|c| claims::release(c, &self.key, &self.owner));
    }
}
