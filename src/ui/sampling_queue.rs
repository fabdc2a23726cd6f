//! The queue of sampling requests waiting for review, oldest first, and the notices of
//! requests that left it without an answer (cancelled by the server, session ended).

use leptos::prelude::*;

use crate::content::sampling_block_text;
use crate::state::{AppState, QueuedSampling};

#[component]
pub fn SamplingQueue() -> impl IntoView {
    let state = expect_context::<AppState>();
    let front = Memo::new(move |_| state.front_input());
    let item_row = move |item: QueuedSampling| {
        let input = item.input;
        let excerpt: String = item
            .params
            .messages
            .last()
            .and_then(|m| m.content.first().map(sampling_block_text))
            .unwrap_or_default()
            .chars()
            .take(80)
            .collect();
        view! {
            <li
                data-testid="sampling-queue-item"
                data-id=input.0.to_string()
                class:front=move || front.get() == Some(input)
                on:click=move |_| state.focused.set(Some(input))
            >
                <button type="button">
                    <strong>{item.server}</strong>
                    <span class="via">{item.tool.map(|t| format!(" · {t}")).unwrap_or_default()}</span>
                    <span class="excerpt">{excerpt}</span>
                </button>
            </li>
        }
    };
    view! {
        <section class="panel" aria-labelledby="queue-heading">
            <h2 id="queue-heading">
                "Sampling requests "
                <span class="badge" data-testid="sampling-count">{move || state.queue.with(Vec::len)}</span>
            </h2>
            <ol class="queue" data-testid="sampling-queue" on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                let step: isize = match ev.key().as_str() {
                    "ArrowDown" => 1,
                    "ArrowUp" => -1,
                    _ => return,
                };
                ev.prevent_default();
                let next = state.queue.with_untracked(|q| {
                    if q.is_empty() {
                        return None;
                    }
                    let at = front.get_untracked().and_then(|f| q.iter().position(|i| i.input == f)).unwrap_or(0);
                    let to = (at as isize + step).clamp(0, q.len() as isize - 1);
                    q.get(to as usize).map(|i| i.input)
                });
                if let Some(input) = next {
                    state.focused.set(Some(input));
                    focus_queue_item(input);
                }
            }>
                <For each=move || state.queue.get() key=|item| item.input children=item_row/>
            </ol>
            <Show when=move || state.queue.with(Vec::is_empty)>
                <p class="hint">"No request waiting. When a server asks for a completion, it appears here."</p>
            </Show>
            <ul class="notices" data-testid="sampling-notices">
                {move || state.notices.get().into_iter().rev().take(5).map(|n| view! { <li data-testid="sampling-notice">{n}</li> }).collect_view()}
            </ul>
        </section>
    }
}

/// Moves keyboard focus to a queue entry's button.
fn focus_queue_item(input: mcp_desk_protocol::InputId) {
    use wasm_bindgen::JsCast;
    let selector = format!(
        "[data-testid=\"sampling-queue-item\"][data-id=\"{}\"] button",
        input.0
    );
    if let Some(button) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(&selector).ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = button.focus();
    }
}
