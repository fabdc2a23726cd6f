//! The page's components: one file per panel or dialog (the sampling dialog is a folder of
//! parts). They render [`crate::state::AppState`] and send intents to
//! [`crate::controller::Controller`]; the only state they write is what a person types into a
//! form. They never touch the network, storage, the audit trail or the log.

mod argument;
mod audit_log;
mod connect;
mod cors_doctor;
mod dialog_keys;
mod elicitation_dialog;
mod form_field;
mod log;
mod prompts;
mod provider_settings;
mod resources;
mod roots;
mod rules;
mod sampling_dialog;
mod sampling_queue;
mod servers;
mod shown;
mod stdio_helper;
mod timeline;
mod tools;

use leptos::prelude::*;

use crate::browser::page;
use crate::state::AppState;

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let state = expect_context::<AppState>();
    Effect::new(move |_| page::set_title(state.queue.with(Vec::len)));
    view! {
        <header class="top">
            <h1>"MCP Desk"</h1>
            <p class="tagline">"Connect to an MCP server, call its tools, review every sampling request before an LLM sees it, and answer the questions servers ask you."</p>
        </header>
        <main class="layout">
            <div class="column">
                <servers::ServerTabs/>
                <connect::ConnectPanel/>
                <tools::ToolsPanel/>
                <resources::ResourcesPanel/>
                <prompts::PromptsPanel/>
                <provider_settings::ProviderSettingsPanel/>
                <rules::RulesPanel/>
                <roots::RootsPanel/>
            </div>
            <div class="column">
                <sampling_queue::SamplingQueue/>
                <sampling_dialog::SamplingDialogSlot/>
                <elicitation_dialog::ElicitationDialogSlot/>
                <timeline::TimelinePanel/>
                <log::LogPanel/>
                <audit_log::AuditPanel/>
            </div>
        </main>
    }
}
