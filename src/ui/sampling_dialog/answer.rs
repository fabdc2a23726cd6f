//! Checkpoint 2: who answers (provider and model, with why that model), the model call
//! (Generate, Regenerate, Stop), and the completion as it streams in — editable, with the tool
//! calls the model made and why it stopped. What is typed here is what the server receives.

use leptos::prelude::*;
use mcp_desk_llm::{ProviderKind, StopReason};

use crate::controller::Controller;
use crate::state::QueuedSampling;

#[component]
pub fn AnswerView(item: QueuedSampling) -> impl IntoView {
    let controller = expect_context::<Controller>();
    let key = item.key;
    let review = item.review;
    let on_provider = {
        let controller = controller.clone();
        move |ev| {
            if let Some(kind) = ProviderKind::from_id(&event_target_value(&ev)) {
                controller.choose_provider(key, kind);
            }
        }
    };
    let generate = {
        let controller = controller.clone();
        move |_| controller.generate(key)
    };
    let stop = move |_| controller.stop(key);
    let tool_calls = move || {
        review
            .tool_calls
            .get()
            .into_iter()
            .map(|call| {
                let input = serde_json::Value::Object(call.input).to_string();
                let name = call.name.clone();
                view! {
                    <li data-testid="sampling-tool-call" data-name=name>
                        <code>{call.name}</code>" "<code>{input}</code>
                    </li>
                }
            })
            .collect_view()
    };
    // Nothing to say until an answer is there and has ended.
    let stop_reason = move || match review.stop_reason.get() {
        _ if review.generating.get() => "none yet".to_owned(),
        StopReason::EndTurn if !review.has_answer() => "none yet".to_owned(),
        reason => reason.as_str().to_owned(),
    };
    view! {
        <div class="grid">
            <label for="sampling-provider">"Provider"</label>
            <select id="sampling-provider" data-testid="sampling-provider" on:change=on_provider>
                {ProviderKind::ALL
                    .into_iter()
                    .map(|k| view! { <option value=k.id() prop:selected=move || review.provider.get() == k>{k.label()}</option> })
                    .collect_view()}
            </select>
            <label for="sampling-model">"Model"</label>
            <div>
                <input
                    id="sampling-model"
                    data-testid="sampling-model"
                    prop:value=move || review.model.get()
                    on:input=move |ev| review.model.set(event_target_value(&ev))
                />
                <span class="reason" data-testid="sampling-model-reason">{move || review.model_reason.get()}</span>
            </div>
        </div>
        <div class="actions">
            <button
                type="button"
                data-testid="sampling-generate"
                disabled=move || review.provider.get() == ProviderKind::Manual || review.generating.get()
                on:click=generate
            >
                {move || if review.answer.with(String::is_empty) { "Generate" } else { "Regenerate" }}
            </button>
            <Show when=move || review.generating.get()>
                <button type="button" data-testid="sampling-stop" on:click=stop.clone()>"Stop"</button>
                <span class="hint" role="status">"The answer is arriving…"</span>
            </Show>
        </div>
        <label for="sampling-response">"Completion (editable; this is what the server receives)"</label>
        <textarea
            id="sampling-response"
            data-testid="sampling-response"
            rows="6"
            placeholder=move || match review.provider.get() {
                ProviderKind::Manual => "Write the answer here.",
                _ => "Press Generate, then review and edit the answer here.",
            }
            prop:value=move || review.answer.get()
            prop:readonly=move || review.generating.get()
            aria-busy=move || review.generating.get().to_string()
            on:input=move |ev| review.answer.set(event_target_value(&ev))
        ></textarea>
        <Show when=move || !review.tool_calls.with(Vec::is_empty)>
            <h3>"Tool calls the model made"</h3>
            <ul data-testid="sampling-tool-calls">{tool_calls}</ul>
        </Show>
        <p class="stop-reason">"Stop reason: " <span data-testid="sampling-stop-reason">{stop_reason}</span></p>
    }
}
