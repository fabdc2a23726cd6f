//! MCP Desk, the page: a Leptos app compiled to WebAssembly that connects to MCP servers
//! from the browser and puts every sampling request in front of a person.
//!
//! Layers, top to bottom: [`ui`] renders [`state`] and sends intents to [`controller`];
//! [`connection`] drives the sans-IO protocol core (`mcp-desk-protocol`) over [`browser`];
//! [`events`] turns the core's events into state.

pub mod audit;
pub mod auto_answer;
pub mod browser;
pub mod connection;
pub mod content;
pub mod controller;
pub mod events;
pub mod llm_call;
pub mod providers;
pub mod rules;
pub mod server_key;
pub mod startup;
pub mod state;
pub mod transport_memory;
pub mod ui;

use leptos::prelude::*;
use mcp_desk_llm::ProviderKind;
use mcp_desk_protocol::{LogLevel, LogSource, Revision};

use crate::controller::Controller;
use crate::startup::StartupSettings;
use crate::state::{AppState, ServerId};

/// Mounts the page, applies the URL's settings, and connects if the URL asks to.
pub fn start() {
    console_error_panic_hook::set_once();
    let (fragment, query) = browser::page::url_settings_text();
    let settings = StartupSettings::parse(&fragment, &query);
    leptos::mount::mount_to_body(move || {
        let state = AppState::new();
        let controller = Controller::new(state);
        apply_startup(&state, &settings);
        browser::page::on_hide(move || audit::flush(state.audit));
        provide_context(state);
        provide_context(controller.clone());
        let tabs = open_server_tabs(&controller, &settings.servers);
        if settings.connect && !settings.servers.is_empty() {
            // After the first render, so the page shows the connections starting.
            request_animation_frame(move || {
                for tab in tabs {
                    controller.connect_server(tab);
                }
            });
        }
        view! { <ui::App/> }
    });
    browser::page::mark_ready();
}

/// One tab per server the URL names (the first in the tab the page starts with, each with
/// the revision the URL forced, if any), the first in front.
fn open_server_tabs(controller: &Controller, servers: &[String]) -> Vec<ServerId> {
    let state = controller.state();
    let first = state.panel_untracked();
    let revision = first.forced_revision.get_untracked();
    let mut tabs = Vec::new();
    for (i, url) in servers.iter().enumerate() {
        if i == 0 {
            first.url.set(url.clone());
            tabs.push(first.id);
        } else {
            let id = controller.add_server(url.clone());
            if let Some(panel) = state.panel_of(id) {
                panel.forced_revision.set(revision);
            }
            tabs.push(id);
        }
    }
    state.active.set(first.id);
    tabs
}

fn apply_startup(state: &AppState, settings: &StartupSettings) {
    state.audit.set(audit::load());
    state.rules.set(rules::load());
    let mut provider = providers::load();
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
    if let Some(revision) = &settings.revision {
        match Revision::parse(revision) {
            Some(forced) => state.panel_untracked().forced_revision.set(Some(forced)),
            None => state.push_log(
                LogLevel::Warning,
                LogSource::Client,
                format!(
                    "The URL asks for protocol revision \"{revision}\", which MCP Desk does not know ({}); negotiating instead.",
                    Revision::ALL.map(Revision::as_str).join(", ")
                ),
            ),
        }
    }
}
