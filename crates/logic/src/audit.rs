//! The audit trail: every sampling request, edit, model call, answer, rejection and
//! cancellation — and every server question (elicitation) with the person's action and which
//! fields they answered, never the values typed — with when and which server, searchable,
//! exportable as JSON and clearable. API keys never enter it: entries are built from requests
//! and completions only, and the
//! export is checked against the keys. The page keeps it in `localStorage`; here it is read
//! from and written to text.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The trail keeps this many entries, the oldest dropped first.
pub const MAX_ENTRIES: usize = 1000;
/// Strings longer than this (drafts, images) are cut in the trail.
const MAX_STRING: usize = 4000;

/// What happened to a request (saved as its lower-case name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditKind {
    Request,
    Edit,
    ModelCall,
    Answer,
    Rejection,
    Cancelled,
    Error,
}

impl AuditKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditKind::Request => "request",
            AuditKind::Edit => "edit",
            AuditKind::ModelCall => "model_call",
            AuditKind::Answer => "answer",
            AuditKind::Rejection => "rejection",
            AuditKind::Cancelled => "cancelled",
            AuditKind::Error => "error",
        }
    }
}

/// One thing that happened to a sampling request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: u64,
    /// ISO 8601, UTC.
    pub at: String,
    /// The server's URL without the credentials it may carry.
    pub server: String,
    pub kind: AuditKind,
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

/// Appends an entry at `now_ms` (milliseconds since the Unix epoch), cut to size, the server's
/// URL without the credentials it may carry, and keeps the trail bounded.
pub fn push(
    trail: &mut Vec<AuditEntry>,
    now_ms: f64,
    server: &str,
    kind: AuditKind,
    detail: Value,
) {
    let seq = trail.last().map_or(0, |e| e.seq + 1);
    trail.push(AuditEntry {
        seq,
        at: crate::time::iso8601(now_ms),
        server: mcp_desk_protocol::redact::url(server),
        kind,
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

/// The trail saved as `saved` (none, or unreadable: empty); a server URL saved with its
/// credentials by an older version is hidden now.
pub fn load(saved: Option<&str>) -> Vec<AuditEntry> {
    let mut trail: Vec<AuditEntry> = saved
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or_default();
    for entry in &mut trail {
        entry.server = mcp_desk_protocol::redact::url(&entry.server);
    }
    trail
}

/// The text to save.
pub fn to_saved(trail: &[AuditEntry]) -> String {
    serde_json::to_string(trail).unwrap_or_default()
}
