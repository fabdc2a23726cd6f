//! The audit trail panel: search, export as JSON (never with a key in it), clear.

use leptos::prelude::*;
use mcp_desk_logic::audit::{AuditEntry, Search};

use crate::controller::Controller;
use crate::state::AppState;

/// Rows shown at once (the trail itself keeps more).
const SHOWN: usize = 200;

#[component]
pub fn AuditPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let controller = expect_context::<Controller>();
    let search = RwSignal::new(String::new());
    let confirm_clear = RwSignal::new(false);
    let message = RwSignal::new(None::<String>);
    // Keyed by sequence number: an update copies numbers, a row is built once.
    let open = RwSignal::new(false);
    let shown = move || {
        if !open.get() {
            return Vec::new();
        }
        let needle = Search::new(&search.get());
        state.audit.with(|trail| {
            trail
                .iter()
                .rev()
                .filter(|e| needle.hits(e))
                .take(SHOWN)
                .map(|e| e.seq)
                .collect::<Vec<u64>>()
        })
    };
    let export = {
        let controller = controller.clone();
        move |_| match controller.export_audit() {
            Ok(()) => message.set(Some(
                "Exported the whole trail as mcp-desk-audit.json.".into(),
            )),
            Err(e) => message.set(Some(e)),
        }
    };
    let clear = move |_| {
        if confirm_clear.get_untracked() {
            controller.clear_audit();
            confirm_clear.set(false);
            message.set(Some("The trail is cleared.".into()));
        } else {
            confirm_clear.set(true);
        }
    };
    let row = move |seq: u64| {
        state
            .audit
            .with_untracked(|trail| {
                trail
                    .binary_search_by_key(&seq, |e| e.seq)
                    .ok()
                    .map(|i| trail[i].clone())
            })
            .map(view_entry)
    };
    view! {
        <section class="panel" aria-labelledby="audit-heading">
            <h2 id="audit-heading">"Audit trail " <span class="badge">{move || state.audit.with(Vec::len)}</span></h2>
            <p class="hint">"Every request, edit, model call, answer and rejection, kept in this browser. API keys are never in it."</p>
            <div class="row">
                <input
                    type="search"
                    data-testid="audit-search"
                    aria-label="Search the audit trail"
                    placeholder="Search"
                    prop:value=move || search.get()
                    on:input=move |ev| search.set(event_target_value(&ev))
                />
                <button type="button" data-testid="audit-export" on:click=export>"Export JSON"</button>
                <button type="button" data-testid="audit-clear" class="danger" on:click=clear>
                    {move || if confirm_clear.get() { "Really clear?" } else { "Clear" }}
                </button>
            </div>
            {move || message.get().map(|m| view! { <p class="hint" role="status" data-testid="audit-message">{m}</p> })}
            // The list is drawn only while open: a server answered by rule records entries many
            // times a second, and redrawing a long list each time would slow every answer.
            <details on:toggle=move |ev| open.set(event_target::<web_sys::HtmlDetailsElement>(&ev).open())>
                <summary data-testid="audit-toggle">"Show the entries"</summary>
                <ol class="audit" data-testid="audit-list">
                    <For each=shown key=|seq| *seq children=row/>
                </ol>
            </details>
        </section>
    }
}

fn view_entry(entry: AuditEntry) -> impl IntoView {
    let detail = entry.detail.to_string();
    view! {
        <li data-testid="audit-item" data-kind=entry.kind.as_str() data-id=entry.seq.to_string()>
            <time>{entry.at.clone()}</time>
            <span class="kind">{entry.kind.as_str()}</span>
            <span class="server">{entry.server.clone()}</span>
            <code class="detail">{detail}</code>
        </li>
    }
}
