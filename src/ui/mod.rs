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
mod sign_in;
mod stdio_helper;
mod timeline;
mod tools;

use leptos::prelude::*;

use crate::browser::page;
use crate::controller::Controller;
use crate::state::AppState;

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let state = expect_context::<AppState>();
    let controller = expect_context::<Controller>();
    let present = state.present;
    Effect::new(move |_| page::set_title(state.queue.with(Vec::len)));
    view! {
        <header class="top">
            <h1>"MCP Desk"</h1>
            <p class="tagline">"Connect to an MCP server, call its tools, review every sampling request before an LLM sees it, and answer the questions servers ask you."</p>
            <button
                type="button"
                class="present-toggle"
                data-testid="present-toggle"
                aria-pressed=move || present.get().to_string()
                on:click=move |_| controller.toggle_presenter()
            >
                "Presenter mode"
            </button>
        </header>
        // Presenter mode keeps the loop on one screen: the back office goes, the timeline sits
        // beside the dialog.
        <main class="layout" class:present=move || present.get()>
            <div class="column">
                <servers::ServerTabs/>
                <connect::ConnectPanel/>
                <tools::ToolsPanel/>
                <Show when=move || !present.get()>
                    <resources::ResourcesPanel/>
                    <prompts::PromptsPanel/>
                    <provider_settings::ProviderSettingsPanel/>
                    <rules::RulesPanel/>
                    <roots::RootsPanel/>
                </Show>
            </div>
            <div class="column">
                <sampling_queue::SamplingQueue/>
                <sampling_dialog::SamplingDialogSlot/>
                <elicitation_dialog::ElicitationDialogSlot/>
                <Show when=move || !present.get()>
                    <log::LogPanel/>
                    <audit_log::AuditPanel/>
                </Show>
            </div>
            <div class="column timeline-column">
                <timeline::TimelinePanel/>
            </div>
        </main>
    }
}
