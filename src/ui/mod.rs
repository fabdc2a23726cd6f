//! The page's components: one file per panel or dialog. They render [`crate::state::AppState`]
//! and send intents to [`crate::controller::Controller`]; they never touch the network.

mod audit_log;
mod connect;
mod log;
mod provider_settings;
mod rules;
mod sampling_dialog;
pub mod sampling_message;
mod sampling_queue;
mod servers;
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
            <p class="tagline">"Connect to an MCP server, call its tools, and review every sampling request before an LLM sees it."</p>
        </header>
        <main class="layout">
            <div class="column">
                <servers::ServerTabs/>
                <connect::ConnectPanel/>
                <tools::ToolsPanel/>
                <provider_settings::ProviderSettingsPanel/>
                <rules::RulesPanel/>
            </div>
            <div class="column">
                <sampling_queue::SamplingQueue/>
                <sampling_dialog::SamplingDialogSlot/>
                <log::LogPanel/>
                <audit_log::AuditPanel/>
            </div>
        </main>
    }
}
