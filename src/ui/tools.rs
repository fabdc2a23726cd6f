//! The tool list, the arguments box, the call button and the last result.

use leptos::prelude::*;

use crate::controller::Controller;
use crate::state::{AppState, Outcome, ToolView};

#[component]
pub fn ToolsPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let controller = expect_context::<Controller>();
    let select = controller.clone();
    let cancel = controller.clone();
    let tool_row = move |tool: ToolView| {
        let name = tool.name.clone();
        let selected_name = name.clone();
        let select = select.clone();
        let label = tool.title.clone().unwrap_or_else(|| tool.name.clone());
        view! {
            <li
                data-testid="tool-item"
                data-name=tool.name.clone()
                class:selected=move || state.panel().selected_tool.get().as_deref() == Some(selected_name.as_str())
                on:click=move |_| select.select_tool(&name)
            >
                <button type="button" class="tool-name">{label}</button>
                <span class="tool-description">{tool.description.unwrap_or_default()}</span>
            </li>
        }
    };
    // The last progress stays after the call ends (a full bar says it got there), until the
    // next call starts.
    let progress = move || {
        state.panel().progress.get().map(|p| {
            view! {
                <div class="progress">
                    <progress
                        data-testid="tool-progress"
                        value=p.value.to_string()
                        max=p.total.map(|m| m.to_string())
                    ></progress>
                    <span>{p.message.unwrap_or_default()}</span>
                </div>
            }
        })
    };
    let running = move || {
        state.panel().running_call.get().map(|running| {
            view! {
                <div class="running" data-testid="tool-running">
                    <span>{format!("Calling {}…", running.tool)}</span>
                    <button
                        type="button"
                        data-testid="cancel-call"
                        on:click={
                            let cancel = cancel.clone();
                            move |_| cancel.cancel_call()
                        }
                    >
                        "Cancel"
                    </button>
                </div>
            }
        })
    };
    view! {
        <section class="panel" aria-labelledby="tools-heading">
            <h2 id="tools-heading">"Tools"</h2>
            <ul class="tool-list" data-testid="tool-list">
                <For each=move || state.panel().tools.get() key=|tool| tool.name.clone() children=tool_row/>
            </ul>
            <Show when=move || state.panel().tools.with(Vec::is_empty)>
                <p class="hint">"Connect to a server to see its tools."</p>
            </Show>
            <label for="tool-args">
                {move || match state.panel().selected_tool.get() {
                    Some(tool) => format!("Arguments for {tool} (JSON)"),
                    None => "Arguments (JSON)".into(),
                }}
            </label>
            <textarea
                id="tool-args"
                data-testid="tool-args-json"
                rows="6"
                spellcheck="false"
                prop:value=move || state.panel().tool_args.get()
                on:input=move |ev| state.panel_untracked().tool_args.set(event_target_value(&ev))
            ></textarea>
            <button
                type="button"
                data-testid="call-tool"
                disabled=move || state.panel().running_call.get().is_some() || state.panel().selected_tool.get().is_none()
                on:click=move |_| controller.call_tool()
            >
                "Call tool"
            </button>
            {running}
            {progress}
            <h3>"Result"</h3>
            <pre
                data-testid="tool-result"
                class="tool-result"
                class:error=move || state.panel().tool_outcome.get().is_some_and(|o| o.outcome == Outcome::Error)
                data-outcome=move || state.panel().tool_outcome.get().map(|o| o.outcome.id())
                role="status"
            >
                {move || state.panel().tool_outcome.get().map(|o| o.text).unwrap_or_default()}
            </pre>
        </section>
    }
}
