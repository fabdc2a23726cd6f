//! The connect form's helper for a local stdio server: the person types the command they would
//! run; the page shows the bridge command to run instead and the URL it will serve, and
//! connects once that URL answers.

use leptos::prelude::*;
use mcp_desk_logic::stdio_bridge;

use crate::browser::page;
use crate::controller::Controller;
use crate::state::AppState;

#[component]
pub fn StdioHelper() -> impl IntoView {
    let state = expect_context::<AppState>();
    let controller = expect_context::<Controller>();
    let origin = page::origin().unwrap_or_default();
    let port = move || stdio_bridge::parse_port(&state.panel().stdio_port.get());
    let command = move || {
        let typed = state.panel().stdio_command.get();
        port().and_then(|port| stdio_bridge::command(&typed, port, &origin))
    };
    let copy = {
        let controller = controller.clone();
        let command = command.clone();
        move |_| {
            if let Some(text) = command() {
                controller.copy_text(text);
            }
        }
    };
    // Its own form: Enter in its fields starts the wait, never the connect form's Connect.
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        controller.connect_through_bridge();
    };
    view! {
        <form class="connect" on:submit=on_submit>
        <details class="advanced" data-testid="stdio-helper">
            <summary>"Local stdio server"</summary>
            <p class="hint">"A page cannot start programs; a bridge can serve your stdio server over HTTP for it."</p>
            <label for="stdio-command">"The command that starts your server"</label>
            <input
                id="stdio-command"
                data-testid="stdio-command"
                placeholder="python server.py"
                prop:value=move || state.panel().stdio_command.get()
                on:input=move |ev| state.panel_untracked().stdio_command.set(event_target_value(&ev))
            />
            <label for="stdio-port">"Port for the bridge"</label>
            <input
                id="stdio-port"
                data-testid="stdio-port"
                inputmode="numeric"
                prop:value=move || state.panel().stdio_port.get()
                on:input=move |ev| state.panel_untracked().stdio_port.set(event_target_value(&ev))
            />
            {move || match command() {
                None => view! { <p class="hint">"Type the command (and a port from 1 to 65535) to see the bridge command."</p> }.into_any(),
                Some(text) => view! {
                    <div class="fix">
                        <div class="fix-head">
                            <h4>"Run this in a terminal (Node.js needed)"</h4>
                            <button type="button" on:click=copy.clone()>"Copy"</button>
                        </div>
                        <pre data-testid="stdio-bridge-command">{text}</pre>
                        <p class="hint">"It serves "<code data-testid="stdio-bridge-url">{port().map(stdio_bridge::url)}</code></p>
                    </div>
                }.into_any(),
            }}
            <button type="submit" data-testid="stdio-connect">"Connect when it answers"</button>
        </details>
        </form>
    }
}
