//! How settings saved on this device (rules, per-server providers) name a server: by its URL,
//! unless the URL carries credentials. Then by the URL with them hidden plus a salted hash of
//! the whole URL, so the token is never saved, yet two servers that differ only in a token or
//! a query value keep their own settings. The salt is random per device; the page's browser
//! layer keeps it and passes it in.

use mcp_desk_protocol::redact;
use serde::{Deserialize, Serialize};

/// The name saved settings use for one server (its URL, or its URL without credentials plus
/// a salted hash); saved as a plain string.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ServerKey(String);

impl ServerKey {
    /// The key of the server at `url` on a device with this `salt`.
    pub fn of(url: &str, salt: &str) -> ServerKey {
        let url = url.trim();
        let shown = redact::url(url);
        if shown == url {
            return ServerKey(shown);
        }
        ServerKey(format!(
            "{shown} #{:016x}",
            fnv1a(&[salt.as_bytes(), b"\0", url.as_bytes()])
        ))
    }

    /// A name saved before keys existed (the whole URL) becomes a key; a key stays one.
    pub fn migrate(saved: &str, salt: &str) -> ServerKey {
        if saved.contains(" #") {
            ServerKey(saved.to_owned())
        } else {
            ServerKey::of(saved, salt)
        }
    }

    /// What a person reads of a key: the URL with its credentials hidden.
    pub fn shown(&self) -> &str {
        self.0.split_once(" #").map_or(&self.0, |(url, _)| url)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new device salt from 128 random bits.
pub fn new_salt(random: [u64; 2]) -> String {
    format!("{:016x}{:016x}", random[0], random[1])
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

#[cfg(test)]
mod tests {
    use super::*;

    const S: &str = "http://a/mcp";

    #[test]
    fn a_server_is_named_by_its_url_unless_the_url_carries_a_token() {
        assert_eq!(ServerKey::of(S, "salt").as_str(), S);
        let one = "https://mcp.example.com/mcp?api_key=srv-tok-4711";
        let key = ServerKey::of(one, "salt");
        assert!(!key.as_str().contains("srv-tok-4711"), "{key:?}");
        assert_eq!(key.shown(), "https://mcp.example.com/mcp?api_key=…");
        assert_eq!(
            ServerKey::of(one, "salt"),
            key,
            "the same server, the same key"
        );
        assert_ne!(
            ServerKey::of("https://mcp.example.com/mcp?api_key=other", "salt"),
            key
        );
        assert_ne!(ServerKey::of(one, "another device"), key);
    }

    #[test]
    fn saved_names_from_before_keys_become_keys_and_keys_stay_keys() {
        let one = "https://mcp.example.com/mcp?api_key=srv-tok-4711";
        let key = ServerKey::of(one, "salt");
        assert_eq!(ServerKey::migrate(key.as_str(), "salt"), key);
        assert_eq!(ServerKey::migrate(one, "salt"), key);
        assert_eq!(ServerKey::migrate(S, "salt").as_str(), S);
    }

    #[test]
    fn a_key_is_saved_as_a_plain_string() {
        let key = ServerKey::of(S, "salt");
        assert_eq!(serde_json::to_string(&key).unwrap(), "\"http://a/mcp\"");
        assert_eq!(new_salt([1, u64::MAX]), "0000000000000001ffffffffffffffff");
    }
}
