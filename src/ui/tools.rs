//! The tool list, the arguments as a form (when the schema gives one) in step with the JSON
//! box, the call button and the last result: its text, its
//! images, audio and embedded resources, and its structured content checked against the tool's
//! output schema.

use leptos::prelude::*;

use super::form_field::{self, FieldIds};
use super::shown::shown_view;
use crate::controller::Controller;
use crate::state::{AppState, Outcome, ToolView};

/// How the tool form's fields are named for tests (`../shared/ui-contract.md`).
const TOOL_FIELDS: FieldIds = FieldIds {
    field: "tool-form-field",
    error: "tool-form-error",
    prefix: "tool-arg",
};

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
            // A task's state, as the server words it (2025-11-25 tasks).
            let task = running.task.map(|(status, message)| {
                view! {
                    <span class="task" data-testid="tool-task" data-state=status.as_str()>
                        {message.unwrap_or_else(|| status.as_str().replace('_', " "))}
                    </span>
                }
            });
            view! {
                <div class="running" data-testid="tool-running">
                    <span>{format!("Calling {}…", running.tool)}</span>
                    {task}
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
    let form = {
        let controller = controller.clone();
        move || {
            let tool_form = state.panel().tool_form.get()?;
            let fields = tool_form
                .form
                .fields
                .iter()
                .cloned()
                .zip(tool_form.entries.iter().copied())
                .enumerate()
                .map(|(i, (field, entry))| {
                    let controller = controller.clone();
                    let edited = Callback::new(move |()| controller.tool_field_edited(i));
                    form_field::field_view(
                        field,
                        entry,
                        tool_form.errors,
                        TOOL_FIELDS,
                        Some(edited),
                    )
                })
                .collect_view();
            let json_only = (!tool_form.json_only.is_empty()).then(|| {
                view! { <p class="hint">{format!("Edit these in the JSON below: {}.", tool_form.json_only.join(", "))}</p> }
            });
            Some(view! { <div class="tool-form" data-testid="tool-form">{fields}{json_only}</div> })
        }
    };
    let json_edited = controller.clone();
    view! {
        <section class="panel" aria-labelledby="tools-heading">
            <h2 id="tools-heading">"Tools"</h2>
            <ul class="tool-list" data-testid="tool-list">
                <For each=move || state.panel().tools.get() key=|tool| tool.name.clone() children=tool_row/>
            </ul>
            <Show when=move || state.panel().tools.with(Vec::is_empty)>
                <p class="hint">"Connect to a server to see its tools."</p>
            </Show>
            {form}
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
                on:input=move |ev| {
                    state.panel_untracked().tool_args.set(event_target_value(&ev));
                    json_edited.tool_json_edited();
                }
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
            {move || state.panel().tool_outcome.get().map(|o| {
                let items = o.media.len().to_string();
                view! {
                <div data-testid="tool-result-media" data-items=items>
                    {o.media.into_iter().map(shown_view).collect_view()}
                </div>
                {o.structured.map(|(json, problem)| {
                    let valid = problem.is_none().to_string();
                    view! {
                    <div data-testid="tool-structured" data-valid=valid>
                        <h4>"Structured content"</h4>
                        <pre class="content">{json}</pre>
                        {problem.map(|p| view! { <p class="status bad" data-testid="tool-structured-error">{format!("It does not fit the tool's output schema: {p}.")}</p> })}
                    </div>
                }})}
            }})}
        </section>
    }
}
