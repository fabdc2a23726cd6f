//! How settings saved on this device (rules, per-server providers) name a server: by its URL,
//! unless the URL carries credentials. Then by the URL with them hidden plus a salted hash of
//! the whole URL, so the token is never saved, yet two servers that differ only in a token or
//! a query value keep their own settings. The salt is random per device.

use mcp_desk_protocol::redact;

use crate::browser::storage;

const SALT_KEY: &str = "mcp-desk.salt";

/// The name saved settings use for the server at `url`.
pub fn of(url: &str) -> String {
    let url = url.trim();
    let shown = redact::url(url);
    if shown == url {
        return shown;
    }
    named(shown, url, &salt())
}

/// [`of`] with the salt given.
pub fn keyed(url: &str, salt: &str) -> String {
    let shown = redact::url(url);
    if shown == url {
        return shown;
    }
    named(shown, url, salt)
}

/// The key of a URL that carries credentials, `shown` being the URL with them hidden.
fn named(shown: String, url: &str, salt: &str) -> String {
    format!(
        "{shown} #{:016x}",
        fnv1a(&[salt.as_bytes(), b"\0", url.as_bytes()])
    )
}

/// What a person reads of a key: the URL with its credentials hidden.
pub fn shown(key: &str) -> &str {
    key.split_once(" #").map_or(key, |(url, _)| url)
}

/// A saved name from before keys existed (the whole URL) becomes a key; a key stays one.
pub fn migrate(saved: &str) -> String {
    if saved.contains(" #") {
        saved.to_owned()
    } else {
        of(saved)
    }
}

/// FNV-1a, 64 bits: small, and the same in every build (saved keys must keep matching).
fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in parts.iter().flat_map(|p| p.iter()) {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

fn salt() -> String {
    if let Some(salt) = storage::local_get(SALT_KEY) {
        return salt;
    }
    let salt = format!(
        "{:016x}{:016x}",
        (js_sys::Math::random() * u64::MAX as f64) as u64,
        (js_sys::Math::random() * u64::MAX as f64) as u64
    );
    storage::local_set(SALT_KEY, &salt);
    salt
}
