//! The server tabs: one per server, each with its connection status and how many of its
//! sampling requests wait; "Add server" opens another. The connect form and the tool panel
//! show the tab in front; every tab's sampling requests share the one queue.

use leptos::prelude::*;

use crate::controller::Controller;
use crate::state::{AppState, ConnectionStatus, ServerPanel};

#[component]
pub fn ServerTabs() -> impl IntoView {
    let state = expect_context::<AppState>();
    let controller = expect_context::<Controller>();
    let tabs = controller.clone();
    let tab = move |panel: ServerPanel| {
        let id = panel.id;
        let show = tabs.clone();
        let close = tabs.clone();
        let waiting = move || {
            state
                .queue
                .with(|q| q.iter().filter(|item| item.key().server == id).count())
        };
        let in_front = move || state.active.get() == id;
        let status = move || panel.status.get();
        view! {
            <li class="server-tab" class:in-front=in_front data-testid="server-tab" data-name=move || shown(&panel.url.get()) role="presentation">
                <button
                    type="button"
                    role="tab"
                    aria-selected=move || in_front().to_string()
                    title=move || format!("{} — {}", shown(&panel.url.get()), status().text())
                    on:click=move |_| show.show_server(id)
                >
                    <span class=move || format!("dot {}", dot_class(&status())) aria-hidden="true"></span>
                    <span class="tab-name">{move || panel.label()}</span>
                    <span class="badge" data-testid="server-tab-waiting" hidden=move || waiting() == 0>
                        {waiting}
                    </span>
                </button>
                <button
                    type="button"
                    class="close"
                    data-testid="server-close"
                    aria-label=move || format!("Disconnect and close {}", panel.label())
                    title="Disconnect and close"
                    on:click=move |_| close.close_server(id)
                >
                    "×"
                </button>
            </li>
        }
    };
    // Arrows move between tabs, as in any tab list.
    let step = {
        let controller = controller.clone();
        move |ev: leptos::ev::KeyboardEvent| {
            let by: isize = match ev.key().as_str() {
                "ArrowRight" => 1,
                "ArrowLeft" => -1,
                _ => return,
            };
            ev.prevent_default();
            let next = state.servers.with_untracked(|servers| {
                let at = servers
                    .iter()
                    .position(|p| p.id == state.active.get_untracked())
                    .unwrap_or(0) as isize;
                let to = (at + by).rem_euclid(servers.len() as isize) as usize;
                (servers[to].id, to)
            });
            controller.show_server(next.0);
            crate::browser::page::focus(&format!(
                "[data-testid=\"server-tab\"]:nth-child({}) button[role=\"tab\"]",
                next.1 + 1
            ));
        }
    };
    let add = move |_| {
        controller.add_server(String::new());
        // The new tab's form is where the person types next.
        request_animation_frame(|| crate::browser::page::focus("#server-url"));
    };
    view! {
        <nav class="server-tabs" aria-label="Servers">
            <ul role="tablist" data-testid="server-tabs" on:keydown=step>
                <For each=move || state.servers.get() key=|panel| panel.id children=tab/>
            </ul>
            <button type="button" data-testid="add-server" on:click=add>"+ Add server"</button>
        </nav>
    }
}

/// A server URL as a tab shows it: without the credentials it may carry.
fn shown(url: &str) -> String {
    mcp_desk_protocol::redact::url(url.trim())
}

fn dot_class(status: &ConnectionStatus) -> &'static str {
    match status {
        ConnectionStatus::Connected => "ok",
        ConnectionStatus::Connecting | ConnectionStatus::WaitingForBridge(_) => "busy",
        ConnectionStatus::Failed(_) => "bad",
        ConnectionStatus::Idle | ConnectionStatus::Disconnected(_) => "off",
    }
}
