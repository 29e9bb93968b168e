//! The settings row: one JSON object, so fields added later fall back to their defaults.

use crate::error::{Error, Result};
use crate::settings::Settings;
use rusqlite::{params, Connection, OptionalExtension};

const SETTINGS_KEY: &str = "settings";
/// The per-installation salt of key fingerprints (random, made once; not a secret).
const SALT_KEY: &str = "install_salt";

/// The custom hosts each account (key fingerprint) was confirmed for.
const CONFIRMED_KEY: &str = "confirmed_endpoints";

/// Whether the person confirmed sending this account's key to `host`.
pub fn is_confirmed(conn: &Connection, account: &str, host: &str) -> Result<bool> {
    Ok(confirmed(conn)?
        .iter()
        .any(|(a, h)| a == account && h == host))
}

pub fn confirm(conn: &Connection, account: &str, host: &str) -> Result<()> {
    let mut all = confirmed(conn)?;
    if !all.iter().any(|(a, h)| a == account && h == host) {
        all.push((account.to_string(), host.to_string()));
    }
    let json = serde_json::to_string(&all).map_err(Error::internal)?;
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![CONFIRMED_KEY, json],
    )?;
    Ok(())
}

fn confirmed(conn: &Connection) -> Result<Vec<(String, String)>> {
    let raw: Option<String> = conn
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            [CONFIRMED_KEY],
            |r| r.get(0),
        )
        .optional()?;
    Ok(raw
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default())
}

/// This installation's salt, made on first use (the CLI and the app share it).
pub fn install_salt(conn: &Connection) -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(Error::internal)?;
    // INSERT OR IGNORE: if another process made one first, theirs stays and is read back.
    conn.execute(
        "INSERT OR IGNORE INTO settings (key, value) VALUES (?1, ?2)",
        params![SALT_KEY, hex::encode(bytes)],
    )?;
    Ok(conn.query_row(
        "SELECT value FROM settings WHERE key = ?1",
        [SALT_KEY],
        |r| r.get(0),
    )?)
}

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
    let json = serde_json::to_string(settings).map_err(Error::internal)?;
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![SETTINGS_KEY, json],
    )?;
    Ok(())
}
