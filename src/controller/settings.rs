//! What the person keeps on this device: rules, provider settings, and the audit trail
//! (cleared or exported). Saving is the store's: these only change the state.

use leptos::prelude::*;
use mcp_desk_llm::ProviderKind;
use mcp_desk_logic::audit;
use mcp_desk_logic::providers::{ProviderEntry, ServerOverride};
use mcp_desk_logic::rules::Rule;
use mcp_desk_logic::server_key::ServerKey;
use mcp_desk_logic::startup::StartupSettings;
use mcp_desk_protocol::{LogLevel, LogSource};

use super::Controller;
use crate::browser::download;

impl Controller {
    /// Applies the start-up URL's provider, base URL and model (never a key).
    pub fn choose_provider_from_url(&self, settings: &StartupSettings) {
        let state = self.state;
        let mut provider = state.provider.get_untracked();
        if let Some(id) = &settings.provider {
            match ProviderKind::from_id(id) {
                Some(kind) => provider.kind = kind,
                None => state.push_log(
                    LogLevel::Warning,
                    LogSource::Client,
                    format!(
                        "The URL names the provider \"{id}\", which MCP Desk does not know; using {}.",
                        provider.kind.id()
                    ),
                ),
            }
        }
        let mut entry = provider.entry(provider.kind);
        if let Some(base) = &settings.base {
            entry.base_url = base.clone();
        }
        if let Some(model) = &settings.model {
            entry.models.retain(|m| m != model);
            entry.models.insert(0, model.clone());
        }
        provider.set_entry(provider.kind, entry);
        state.provider.set(provider);
    }

    /// Adds or replaces the rule for its server and tool.
    pub fn save_rule(&self, rule: Rule) {
        self.state.rules.update(|book| book.set(rule));
    }

    pub fn delete_rule(&self, server: &ServerKey, tool: Option<&str>) {
        self.state.rules.update(|book| book.remove(server, tool));
    }

    /// Pauses (or resumes) every automatic approval.
    pub fn pause_rules(&self, paused: bool) {
        self.state.rules.update(|book| book.paused = paused);
    }

    /// Saves a provider's settings, and makes it the default for new requests — or, with
    /// `for_server`, the provider (and first model) for that server's requests.
    pub fn save_provider(
        &self,
        kind: ProviderKind,
        entry: ProviderEntry,
        for_server: Option<ServerKey>,
    ) {
        self.state.provider.update(|p| {
            match for_server {
                Some(server) => {
                    let model = entry.models.first().cloned().unwrap_or_default();
                    p.servers.insert(server, ServerOverride { kind, model });
                }
                None => p.kind = kind,
            }
            p.set_entry(kind, entry);
        });
    }

    /// Empties the audit trail.
    pub fn clear_audit(&self) {
        self.state.audit.set(Vec::new());
    }

    /// Offers the whole trail as a JSON download, unless an API key would be in it.
    pub fn export_audit(&self) -> Result<(), String> {
        let secrets = self.state.provider.with_untracked(|p| p.secrets());
        let text = self
            .state
            .audit
            .with_untracked(|trail| audit::export(trail, &secrets))?;
        download::save_text("mcp-desk-audit.json", "application/json", &text)
    }
}
