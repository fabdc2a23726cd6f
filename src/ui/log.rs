//! The protocol and server log.

use leptos::prelude::*;

use crate::state::{AppState, LogRow};
use mcp_desk_protocol::LogSource;

#[component]
pub fn LogPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let row = |row: LogRow| {
        let source = match row.source {
            LogSource::Client => "client",
            LogSource::Server => "server",
        };
        view! {
            <li data-testid="log-item" data-id=row.seq.to_string() data-level=row.level.as_str() data-source=source>
                <span class="level">{row.level.as_str()}</span>
                <span class="source">{source}</span>
                <span class="text">{row.text}</span>
            </li>
        }
    };
    view! {
        <section class="panel" aria-labelledby="log-heading">
            <h2 id="log-heading">"Log"</h2>
            <ol class="log" data-testid="log-list" aria-live="polite">
                <For each=move || state.log.get() key=|row| row.seq children=row/>
            </ol>
        </section>
    }
}
