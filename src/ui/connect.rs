//! The connect form (with a pre-registered OAuth client in its advanced part), the
//! connection's status line, signing in, and what went wrong reaching the server.

use leptos::prelude::*;
use mcp_desk_protocol::Revision;

use super::cors_doctor::CorsDoctor;
use super::sign_in::SignInPanel;
use super::stdio_helper::StdioHelper;
use crate::controller::Controller;
use crate::state::{AppState, ConnectionStatus};

#[component]
pub fn ConnectPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let controller = expect_context::<Controller>();
    let on_submit = {
        let controller = controller.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            controller.connect();
        }
    };
    let status_class = move || match state.panel().status.get() {
        ConnectionStatus::Connected => "status ok",
        ConnectionStatus::Failed(_) => "status bad",
        _ => "status",
    };
    view! {
        <section class="panel" aria-labelledby="connect-heading">
            <h2 id="connect-heading">"Server"</h2>
            <form class="connect" on:submit=on_submit>
                <label for="server-url">"MCP server URL (Streamable HTTP or HTTP+SSE)"</label>
                <div class="row">
                    <input
                        id="server-url"
                        data-testid="server-url"
                        type="url"
                        placeholder="http://127.0.0.1:8787/mcp"
                        autocomplete="url"
                        prop:value=move || state.panel().url.get()
                        on:input=move |ev| state.panel_untracked().url.set(event_target_value(&ev))
                    />
                    <button type="submit" data-testid="connect">"Connect"</button>
                    <button
                        type="button"
                        data-testid="disconnect"
                        disabled=move || !state.panel().status.get().is_live()
                        on:click=move |_| controller.disconnect()
                    >
                        "Disconnect"
                    </button>
                </div>
                <details class="advanced">
                    <summary>"Advanced"</summary>
                    <label for="protocol-revision-select">"Protocol revision"</label>
                    <select
                        id="protocol-revision-select"
                        data-testid="protocol-revision-select"
                        on:change=move |ev| state.panel_untracked().forced_revision.set(Revision::parse(&event_target_value(&ev)))
                    >
                        <option value="auto" prop:selected=move || state.panel().forced_revision.get().is_none()>"Negotiate, newest first"</option>
                        {Revision::ALL
                            .into_iter()
                            .map(|r| view! { <option value=r.as_str() prop:selected=move || state.panel().forced_revision.get() == Some(r)>{format!("Force {}", r.as_str())}</option> })
                            .collect_view()}
                    </select>
                    <p class="hint">"For this server; takes effect on its next Connect. 2026-07-28 is stateless; 2024-11-05 may use the legacy HTTP+SSE transport."</p>
                    <label for="auth-client-id">"OAuth client id (if you registered one for this server)"</label>
                    <input
                        id="auth-client-id"
                        data-testid="auth-client-id"
                        autocomplete="off"
                        prop:value=move || state.panel().client_id.get()
                        on:input=move |ev| {
                            let panel = state.panel_untracked();
                            panel.client_id.set(event_target_value(&ev));
                            panel.client_issuer.set(None);
                        }
                    />
                    <label for="auth-client-secret">"Its secret (only for a confidential client)"</label>
                    <input
                        id="auth-client-secret"
                        data-testid="auth-client-secret"
                        type="password"
                        autocomplete="off"
                        prop:value=move || state.panel().client_secret.get()
                        on:input=move |ev| state.panel_untracked().client_secret.set(event_target_value(&ev))
                    />
                </details>
            </form>
            <StdioHelper/>
            <dl class="facts">
                <dt>"Status"</dt>
                <dd
                    data-testid="connection-status"
                    data-state=move || state.panel().status.get().state()
                    class=status_class
                    role="status"
                >
                    {move || state.panel().status.get().text()}
                </dd>
                <dt>"Protocol revision"</dt>
                <dd data-testid="protocol-version">{move || state.panel().protocol_version.get().unwrap_or_else(|| "—".into())}</dd>
                <dt>"Transport"</dt>
                <dd data-testid="protocol-transport">{move || state.panel().transport.get().unwrap_or_else(|| "—".into())}</dd>
                <dt>"Server"</dt>
                <dd data-testid="server-name">{move || state.panel().server_name.get().unwrap_or_else(|| "—".into())}</dd>
            </dl>
            {move || state.panel().notice.get().map(|text| view! {
                <p class="notice" data-testid="connection-notice" role="status">{text}</p>
            })}
            <SignInPanel/>
            <CorsDoctor/>
        </section>
    }
}
