//! The person's provider settings: the default provider for new sampling requests and, per
//! provider, its base URL, API key and models. Settings live in `localStorage`; API keys live
//! in `sessionStorage` unless the person ticks "remember on this device". Keys never reach a
//! URL, the log, or an MCP server.

use std::collections::BTreeMap;

use mcp_desk_llm::model_choice::{self, ModelChoice, ModelScores};
use mcp_desk_llm::{ProviderConfig, ProviderKind};
use serde::{Deserialize, Serialize};

use crate::browser::storage;

const SETTINGS_KEY: &str = "mcp-desk.providers";

fn key_slot(kind: ProviderKind) -> String {
    format!("mcp-desk.key.{}", kind.id())
}

/// One provider's settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProviderEntry {
    /// Empty: the preset's base URL.
    pub base_url: String,
    /// Never serialized with the settings; stored on its own.
    #[serde(skip)]
    pub api_key: String,
    /// The person's models, in order of preference.
    pub models: Vec<String>,
    /// Keep the key in `localStorage` rather than for this tab only.
    pub remember_key: bool,
    /// The person's own ratings of models (else the defaults for well-known families).
    pub scores: BTreeMap<String, ModelScoreEntry>,
}

/// A model's ratings as saved: cost, speed, intelligence, each 0..1 (higher = better).
pub type ModelScoreEntry = [f64; 3];

/// A provider and model to use whenever one server asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerOverride {
    pub kind: ProviderKind,
    /// Empty: choose as usual for that provider.
    pub model: String,
}

/// Every provider's settings and the default for new requests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderSettings {
    pub kind: ProviderKind,
    pub entries: BTreeMap<String, ProviderEntry>,
    /// Per MCP server (named by [`crate::server_key::of`]): the provider (and model) that
    /// answers its requests.
    #[serde(default)]
    pub servers: BTreeMap<String, ServerOverride>,
}

impl Default for ProviderSettings {
    fn default() -> Self {
        ProviderSettings {
            kind: ProviderKind::Mock,
            entries: BTreeMap::new(),
            servers: BTreeMap::new(),
        }
    }
}

impl ProviderSettings {
    pub fn entry(&self, kind: ProviderKind) -> ProviderEntry {
        self.entries.get(kind.id()).cloned().unwrap_or_default()
    }

    pub fn set_entry(&mut self, kind: ProviderKind, entry: ProviderEntry) {
        self.entries.insert(kind.id().to_owned(), entry);
    }

    /// What the llm crate needs to call `kind`.
    pub fn config(&self, kind: ProviderKind) -> ProviderConfig {
        let entry = self.entry(kind);
        ProviderConfig {
            kind,
            base_url: entry.base_url,
            api_key: entry.api_key,
            models: entry.models,
        }
    }

    /// The model `kind` should use for a request with these `modelPreferences`, and why.
    pub fn choose_model(
        &self,
        kind: ProviderKind,
        preferences: Option<&serde_json::Value>,
    ) -> ModelChoice {
        match kind {
            ProviderKind::Mock => {
                let hints: Vec<&str> = preferences
                    .and_then(|p| p.get("hints"))
                    .and_then(serde_json::Value::as_array)
                    .map(|h| h.iter().filter_map(|x| x.get("name")?.as_str()).collect())
                    .unwrap_or_default();
                let hinted = if hints.is_empty() {
                    "none".to_owned()
                } else {
                    hints.join(", ")
                };
                ModelChoice {
                    model: kind.default_model().to_owned(),
                    reason: format!(
                        "the Mock provider has a single model (the server hinted: {hinted})"
                    ),
                }
            }
            ProviderKind::Manual => ModelChoice {
                model: self
                    .entry(kind)
                    .models
                    .first()
                    .cloned()
                    .unwrap_or_else(|| kind.default_model().to_owned()),
                reason: "you write the answer; it goes back naming the model entered here".into(),
            },
            _ => {
                let entry = self.entry(kind);
                model_choice::choose(preferences, &entry.models, kind.default_model(), |m| {
                    match entry.scores.get(m) {
                        Some([cost, speed, intelligence]) => ModelScores {
                            cost: *cost,
                            speed: *speed,
                            intelligence: *intelligence,
                        },
                        None => model_choice::default_scores(m),
                    }
                })
            }
        }
    }

    /// The provider and model for a request from `server_url`, with the reason: the
    /// person's setting for that server, else the default provider's choice.
    pub fn choose_for(
        &self,
        server_url: &str,
        preferences: Option<&serde_json::Value>,
    ) -> (ProviderKind, ModelChoice) {
        let key = crate::server_key::of(server_url);
        let shown = crate::server_key::shown(&key);
        match self.servers.get(&key) {
            Some(o) if !o.model.trim().is_empty() => (
                o.kind,
                ModelChoice {
                    model: o.model.trim().to_owned(),
                    reason: format!("your setting for {shown}"),
                },
            ),
            Some(o) => {
                let mut choice = self.choose_model(o.kind, preferences);
                choice.reason = format!(
                    "your setting for {shown} picks {}; {}",
                    o.kind.label(),
                    choice.reason
                );
                (o.kind, choice)
            }
            None => (self.kind, self.choose_model(self.kind, preferences)),
        }
    }
}

/// Reads model ratings typed one per line as `model = cost speed intelligence` (0..1 each).
pub fn parse_scores(text: &str) -> Result<BTreeMap<String, ModelScoreEntry>, String> {
    let mut scores = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let bad = || {
            format!(
                "Line {}: write `model = cost speed intelligence`, each from 0 to 1 (for example `gpt-4o-mini = 0.9 0.9 0.5`).",
                n + 1
            )
        };
        let (model, numbers) = line.split_once('=').ok_or_else(bad)?;
        let values: Vec<f64> = numbers
            .split_whitespace()
            .map(|v| v.parse::<f64>().ok().filter(|x| (0.0..=1.0).contains(x)))
            .collect::<Option<_>>()
            .ok_or_else(bad)?;
        let [cost, speed, intelligence] = values[..] else {
            return Err(bad());
        };
        if model.trim().is_empty() {
            return Err(bad());
        }
        scores.insert(model.trim().to_owned(), [cost, speed, intelligence]);
    }
    Ok(scores)
}

/// The ratings as the settings panel shows them.
pub fn format_scores(scores: &BTreeMap<String, ModelScoreEntry>) -> String {
    scores
        .iter()
        .map(|(m, [c, s, i])| format!("{m} = {c} {s} {i}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The settings saved on this device, keys included from wherever they were kept.
pub fn load() -> ProviderSettings {
    let mut settings = storage::local_get(SETTINGS_KEY)
        .and_then(|text| serde_json::from_str::<ProviderSettings>(&text).ok())
        .unwrap_or_default();
    // A server saved by its whole URL, token and all, by an older version: named by its key now.
    let saved = std::mem::take(&mut settings.servers);
    let renamed = saved
        .keys()
        .any(|url| crate::server_key::migrate(url) != *url);
    settings.servers = saved
        .into_iter()
        .map(|(url, choice)| (crate::server_key::migrate(&url), choice))
        .collect();
    for kind in ProviderKind::ALL {
        let slot = key_slot(kind);
        if let Some(key) = storage::session_get(&slot).or_else(|| storage::local_get(&slot)) {
            let mut entry = settings.entry(kind);
            entry.api_key = key;
            settings.set_entry(kind, entry);
        }
    }
    if renamed {
        save(&settings);
    }
    settings
}

/// Saves the settings; each key goes to `sessionStorage`, or `localStorage` if remembered.
pub fn save(settings: &ProviderSettings) {
    if let Ok(text) = serde_json::to_string(settings) {
        storage::local_set(SETTINGS_KEY, &text);
    }
    for kind in ProviderKind::ALL {
        let slot = key_slot(kind);
        let entry = settings.entry(kind);
        storage::session_remove(&slot);
        storage::local_remove(&slot);
        if entry.api_key.is_empty() {
            continue;
        }
        if entry.remember_key {
            storage::local_set(&slot, &entry.api_key);
        } else {
            storage::session_set(&slot, &entry.api_key);
        }
    }
}
