//! The audit trail: every sampling request, edit, model call, answer, rejection and
//! cancellation, with when and which server, kept in this browser (`localStorage`),
//! searchable, exportable as JSON and clearable. API keys never enter it: entries are built
//! from requests and completions only, and the export is checked against the saved keys.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::browser::storage;

const STORAGE_KEY: &str = "mcp-desk.audit";
/// The trail keeps this many entries, the oldest dropped first.
const MAX_ENTRIES: usize = 1000;
/// Strings longer than this (drafts, images) are cut in the trail.
const MAX_STRING: usize = 4000;

/// One thing that happened to a sampling request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: u64,
    /// ISO 8601, from the browser's clock.
    pub at: String,
    pub server: String,
    /// `request`, `edit`, `model_call`, `answer`, `rejection`, `cancelled`, `error`.
    pub kind: String,
    pub detail: Value,
}

/// A search of the trail, case-insensitive: the needle is lowercased once, not per entry.
pub struct Search(String);

impl Search {
    pub fn new(needle: &str) -> Self {
        Self(needle.trim().to_lowercase())
    }

    /// Whether the entry mentions the needle anywhere (an empty needle finds everything).
    pub fn hits(&self, entry: &AuditEntry) -> bool {
        let needle = self.0.as_str();
        needle.is_empty()
            || [
                entry.kind.as_str(),
                entry.server.as_str(),
                entry.at.as_str(),
            ]
            .iter()
            .any(|f| f.to_lowercase().contains(needle))
            || entry.detail.to_string().to_lowercase().contains(needle)
    }
}

/// Cuts long strings so a trail of big requests still fits the browser's storage.
pub fn trimmed(value: Value) -> Value {
    match value {
        Value::String(s) if s.chars().count() > MAX_STRING => {
            let cut: String = s.chars().take(MAX_STRING).collect();
            Value::String(format!("{cut}… [{} characters in all]", s.chars().count()))
        }
        Value::Array(items) => Value::Array(items.into_iter().map(trimmed).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, trimmed(v))).collect())
        }
        other => other,
    }
}

/// Appends an entry (cut to size, the server's URL without the credentials it may carry) and
/// keeps the trail bounded.
pub fn push(trail: &mut Vec<AuditEntry>, at: String, server: &str, kind: &str, detail: Value) {
    let seq = trail.last().map_or(0, |e| e.seq + 1);
    trail.push(AuditEntry {
        seq,
        at,
        server: mcp_desk_protocol::redact::url(server),
        kind: kind.to_owned(),
        detail: trimmed(detail),
    });
    if trail.len() > MAX_ENTRIES {
        trail.drain(..trail.len() - MAX_ENTRIES);
    }
}

/// The export: the whole trail as JSON, refused if any of `secrets` would be in it.
pub fn export(trail: &[AuditEntry], secrets: &[String]) -> Result<String, String> {
    let text = serde_json::to_string_pretty(&serde_json::json!({
        "exported_by": "MCP Desk",
        "entries": trail,
    }))
    .map_err(|e| e.to_string())?;
    if secrets
        .iter()
        .any(|s| s.len() >= 8 && text.contains(s.as_str()))
    {
        return Err("The trail contains one of your API keys (a server or model echoed it); not exported. Clear the trail or remove the key first.".into());
    }
    Ok(text)
}

/// The browser's clock, as ISO 8601.
pub fn now() -> String {
    js_sys::Date::new_0().to_iso_string().into()
}

/// The saved trail; a server URL saved with its credentials by an older version is hidden now.
pub fn load() -> Vec<AuditEntry> {
    let mut trail: Vec<AuditEntry> = storage::local_get(STORAGE_KEY)
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default();
    let mut hid = false;
    for entry in &mut trail {
        let shown = mcp_desk_protocol::redact::url(&entry.server);
        hid |= shown != entry.server;
        entry.server = shown;
    }
    if hid {
        save(&trail);
    }
    trail
}

thread_local! {
    static SAVE_PENDING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// How long new entries wait to be saved together. Saving writes the whole trail, so one save
/// per entry would make every answer to a busy server slower as the trail grows; a second's
/// entries cost one save instead, and [`flush`] saves at once when the page is hidden or left.
const SAVE_AFTER: std::time::Duration = std::time::Duration::from_secs(1);

/// Saves the trail within [`SAVE_AFTER`] (once for every entry recorded meanwhile).
pub fn save_soon(trail: leptos::prelude::RwSignal<Vec<AuditEntry>>) {
    if SAVE_PENDING.with(|p| p.replace(true)) {
        return;
    }
    leptos::prelude::set_timeout(move || flush(trail), SAVE_AFTER);
}

/// Saves now if entries are waiting to be saved.
pub fn flush(trail: leptos::prelude::RwSignal<Vec<AuditEntry>>) {
    use leptos::prelude::WithUntracked;
    if SAVE_PENDING.with(|p| p.replace(false)) {
        trail.with_untracked(|t| save(t));
    }
}

pub fn save(trail: &[AuditEntry]) {
    if let Ok(text) = serde_json::to_string(trail) {
        storage::local_set(STORAGE_KEY, &text);
    }
}
