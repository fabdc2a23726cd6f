//! Checkpoint 1: the request as the server sent it — every message, the fields the spec lets a
//! client change (each marked when edited, with what the server sent), and what it only shows
//! (included context, tools, metadata, model hints and priorities).
// rmcp marks its sampling types deprecated (SEP-2577); MCP Desk is a sampling client.
#![allow(deprecated)]

use leptos::prelude::*;
use mcp_desk_logic::content;
use mcp_desk_logic::edits::{self, RequestEdits};

use super::message::SamplingMessageView;
use crate::state::QueuedSampling;

/// How an edited field takes text.
#[derive(Clone, Copy)]
pub enum Input {
    /// A text area this many rows high.
    Lines(u32),
    /// A one-line field for a number, with this `inputmode`.
    Number(&'static str),
}

/// One editable field of the request, marked when it differs from what the server sent.
#[component]
fn EditedField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    sent: String,
    input: Input,
    #[prop(optional)] placeholder: &'static str,
) -> impl IntoView {
    let shown = if sent.is_empty() {
        "(nothing)".to_owned()
    } else {
        sent.clone()
    };
    let edited = move || {
        (value.get().trim() != sent.trim()).then(|| {
            view! { <span class="edited">{format!("edited — the server sent: {shown}")}</span> }
        })
    };
    let field = match input {
        Input::Lines(rows) => view! {
            <textarea
                id=id
                data-testid=id
                rows=rows.to_string()
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            ></textarea>
        }
        .into_any(),
        Input::Number(mode) => view! {
            <input
                id=id
                data-testid=id
                inputmode=mode
                placeholder=placeholder
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        }
        .into_any(),
    };
    view! {
        <label for=id>{label}</label>
        <div>
            {field}
            {edited}
        </div>
    }
}

#[component]
pub fn RequestView(item: QueuedSampling) -> impl IntoView {
    let params = item.params;
    let review = item.review;
    let sent = RequestEdits::of(&params);
    let at = StoredValue::new(
        edits::text_blocks(&params)
            .into_iter()
            .map(|(at, _)| at)
            .collect::<Vec<_>>(),
    );
    let messages = params
        .messages
        .iter()
        .cloned()
        .enumerate()
        .map(
            |(index, message)| view! { <SamplingMessageView message index texts=review.texts at/> },
        )
        .collect_view();
    let include_context = params
        .include_context
        .as_ref()
        .and_then(|c| serde_json::to_value(c).ok())
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "not set".into());
    let metadata = params
        .metadata
        .as_ref()
        .map(|m| serde_json::to_string_pretty(m).unwrap_or_default())
        .unwrap_or_else(|| "none".into());
    let tools = params
        .tools
        .as_ref()
        .map(|tools| {
            tools
                .iter()
                .map(|t| match &t.description {
                    Some(d) => format!("{} — {d}", t.name),
                    None => t.name.to_string(),
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_else(|| "none".into());
    let tool_choice = params
        .tool_choice
        .as_ref()
        .and_then(|c| serde_json::to_value(c).ok())
        .map(|v| v.to_string())
        .unwrap_or_default();
    view! {
        <h3>"Messages"</h3>
        <ol class="messages">{messages}</ol>
        <div class="grid">
            <EditedField id="sampling-system-prompt" label="System prompt" value=review.system_prompt sent=sent.system_prompt input=Input::Lines(2)/>
            <EditedField id="sampling-max-tokens" label="Max tokens" value=review.max_tokens sent=sent.max_tokens input=Input::Number("numeric")/>
            <EditedField id="sampling-temperature" label="Temperature" value=review.temperature sent=sent.temperature input=Input::Number("decimal") placeholder="provider default"/>
            <EditedField id="sampling-stop-sequences" label="Stop sequences (one per line)" value=review.stop_sequences sent=sent.stop_sequences input=Input::Lines(1)/>
            <span class="label">"Included context"</span>
            <span data-testid="sampling-include-context">{include_context}</span>
            <span class="label">"Tools offered"</span>
            <pre data-testid="sampling-tools">{tools}" "{tool_choice}</pre>
            <span class="label">"Metadata"</span>
            <pre data-testid="sampling-metadata">{metadata}</pre>
            <span class="label">"Model hints"</span>
            <span data-testid="sampling-model-hints">{content::hints_text(&params)}</span>
            <span class="label">"Priorities"</span>
            <span data-testid="sampling-model-priorities">{content::priorities_text(&params)}</span>
        </div>
    }
}
