//! The person's provider settings: the default provider for new sampling requests and, per
//! provider, its base URL, API key and models, plus a provider (and model) per server. The
//! settings are saved as one text; each API key is saved on its own, in the tab's storage
//! unless the person ticks "remember on this device" — [`ProviderSettings::to_saved`] says
//! where. Keys never reach a URL, the log, or an MCP server.

use std::collections::BTreeMap;

use mcp_desk_llm::model_choice::{self, ModelChoice, ModelScores};
use mcp_desk_llm::{ProviderConfig, ProviderKind};
use serde::{Deserialize, Serialize};

use crate::server_key::ServerKey;

/// One provider's settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProviderEntry {
    /// Empty: the preset's base URL.
    pub base_url: String,
    /// Never serialized with the settings; saved on its own.
    #[serde(skip)]
    pub api_key: String,
    /// The person's models, in order of preference.
    pub models: Vec<String>,
    /// Keep the key on this device rather than for this tab only.
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
    /// Per MCP server: the provider (and model) that answers its requests.
    #[serde(default)]
    pub servers: BTreeMap<ServerKey, ServerOverride>,
}

/// Where one provider's API key is to be kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyPlace {
    /// No key: remove it from both storages.
    Nowhere,
    /// For this tab only (`sessionStorage`).
    Tab(String),
    /// On this device (`localStorage`), as the person opted in.
    Device(String),
}

/// What to write when the settings change.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedProviders {
    /// The settings without keys.
    pub settings: String,
    /// Per provider: its key's storage slot and where the key goes.
    pub keys: Vec<(String, KeyPlace)>,
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

/// The storage slot of a provider's API key.
pub fn key_slot(kind: ProviderKind) -> String {
    format!("mcp-desk.key.{}", kind.id())
}

impl ProviderSettings {
    /// The settings saved as `saved`, with each key from `saved_key(slot)`; a server named by
    /// its whole URL, token and all, by an older version is named by its key now.
    pub fn load(
        saved: Option<&str>,
        saved_key: impl Fn(&str) -> Option<String>,
        salt: &str,
    ) -> ProviderSettings {
        let mut settings = saved
            .and_then(|text| serde_json::from_str::<ProviderSettings>(text).ok())
            .unwrap_or_default();
        settings.servers = std::mem::take(&mut settings.servers)
            .into_iter()
            .map(|(key, choice)| (ServerKey::migrate(key.as_str(), salt), choice))
            .collect();
        for kind in ProviderKind::ALL {
            if let Some(key) = saved_key(&key_slot(kind)) {
                let mut entry = settings.entry(kind);
                entry.api_key = key;
                settings.set_entry(kind, entry);
            }
        }
        settings
    }

    /// What to save: the settings without keys, and where each key goes.
    pub fn to_saved(&self) -> SavedProviders {
        let keys = ProviderKind::ALL
            .into_iter()
            .map(|kind| {
                let entry = self.entry(kind);
                let place = match (entry.api_key.is_empty(), entry.remember_key) {
                    (true, _) => KeyPlace::Nowhere,
                    (false, true) => KeyPlace::Device(entry.api_key),
                    (false, false) => KeyPlace::Tab(entry.api_key),
                };
                (key_slot(kind), place)
            })
            .collect();
        SavedProviders {
            settings: serde_json::to_string(self).unwrap_or_default(),
            keys,
        }
    }

    /// Every API key the person entered (for checks that nothing carries one).
    pub fn secrets(&self) -> Vec<String> {
        self.entries
            .values()
            .map(|e| e.api_key.clone())
            .filter(|k| !k.is_empty())
            .collect()
    }

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

    /// The provider and model for a request from `server`, with the reason: the person's
    /// setting for that server, else the default provider's choice.
    pub fn choose_for(
        &self,
        server: &ServerKey,
        preferences: Option<&serde_json::Value>,
    ) -> (ProviderKind, ModelChoice) {
        let shown = server.shown();
        match self.servers.get(server) {
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

/// The models as typed in the settings panel (comma-separated), empty entries dropped.
pub fn parse_models(text: &str) -> Vec<String> {
    text.split(',')
        .map(|m| m.trim().to_owned())
        .filter(|m| !m.is_empty())
        .collect()
}
