//! MCP Desk, the page: a Leptos app compiled to WebAssembly that connects to MCP servers
//! from the browser and puts every sampling request in front of a person.
//!
//! Layers, top to bottom: [`ui`] renders [`state`] and sends intents to [`controller`], the
//! one way in; the controller drives one [`connection`] per server tab (the sans-IO protocol
//! core, `mcp-desk-protocol`, over [`browser`]), turns its [`events`] into state, and asks
//! LLMs through [`llm_call`]. [`store`] is the one place saved values are read and written.
//! The app's own logic (rules, the audit trail, provider settings, …) is `mcp-desk-logic`,
//! tested on the host.

pub mod browser;
pub mod connection;
pub mod controller;
pub mod events;
pub mod llm_call;
pub mod state;
pub mod store;
pub mod ui;

use leptos::prelude::*;
use mcp_desk_logic::startup::StartupSettings;

use crate::controller::Controller;
use crate::state::AppState;

/// Mounts the page, applies the URL's settings, and connects if the URL asks to.
pub fn start() {
    console_error_panic_hook::set_once();
    // A sign-in window back from the authorization server hands its query over and closes.
    if Controller::hands_back_sign_in() {
        return;
    }
    // Back from a sign-in: the page's query as it was before it left is put back first.
    let mut returning = Controller::returning_sign_in();
    let (fragment, query) = browser::page::url_settings_text();
    let mut settings = StartupSettings::parse(&fragment, &query);
    // The tab signing in connects once it has its token.
    if returning.is_some() {
        settings.connect = false;
    }
    leptos::mount::mount_to_body(move || {
        let state = AppState::new();
        store::load(&state);
        let controller = Controller::new(state);
        controller.choose_provider_from_url(&settings);
        controller.open_from_url(&settings);
        controller.listen_for_sign_ins();
        if let Some((pending, redirect)) = returning.take() {
            controller.resume_sign_in(pending, redirect);
        }
        state.present.set(settings.present);
        store::persist(state);
        provide_context(state);
        provide_context(controller);
        view! { <ui::App/> }
    });
    browser::page::mark_ready();
}
