//! The queue of sampling requests waiting for review, oldest first, and the notices of
//! requests that left it without an answer (cancelled by the server, session ended).

use leptos::prelude::*;
use mcp_desk_logic::content;

use crate::controller::Controller;
use crate::state::{AppState, QueuedSampling, RequestKey};

#[component]
pub fn SamplingQueue() -> impl IntoView {
    let state = expect_context::<AppState>();
    let controller = expect_context::<Controller>();
    let front = Memo::new(move |_| state.front_request());
    let pick = controller.clone();
    let item_row = move |item: QueuedSampling| {
        let key = item.key;
        let pick = pick.clone();
        let excerpt = content::excerpt(&item.params, 80);
        view! {
            <li
                data-testid="sampling-queue-item"
                data-id=key.dom_id()
                data-server=item.server_shown.clone()
                class:front=move || front.get() == Some(key)
                on:click=move |_| pick.bring_to_front(key)
            >
                <button type="button" title=item.server_shown.clone()>
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
                    let at = front.get_untracked().and_then(|f| q.iter().position(|i| i.key == f)).unwrap_or(0);
                    let to = (at as isize + step).clamp(0, q.len() as isize - 1);
                    q.get(to as usize).map(|i| i.key)
                });
                if let Some(key) = next {
                    controller.bring_to_front(key);
                    focus_queue_item(key);
                }
            }>
                <For each=move || state.queue.get() key=|item| item.key children=item_row/>
            </ol>
            <Show when=move || state.queue.with(Vec::is_empty)>
                <p class="hint">"No request waiting. When a server asks for a completion, it appears here."</p>
            </Show>
            <ul class="notices" data-testid="sampling-notices">
                {move || state.notices.get().into_iter().rev().take(5).map(|n| view! { <li data-testid="sampling-notice" data-kind=n.kind.id()>{n.text}</li> }).collect_view()}
            </ul>
        </section>
    }
}

/// Moves keyboard focus to a queue entry's button.
fn focus_queue_item(key: RequestKey) {
    crate::browser::page::focus(&format!(
        "[data-testid=\"sampling-queue-item\"][data-id=\"{}\"] button",
        key.dom_id()
    ));
}
