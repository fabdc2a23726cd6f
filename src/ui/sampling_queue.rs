//! The queue of requests waiting for the person — sampling requests and elicitations, oldest
//! first, each labelled with its kind, server and tool call — and the notices of requests that
//! left it without an answer (cancelled by the server, session ended).

use leptos::prelude::*;
use mcp_desk_logic::content;

use crate::controller::Controller;
use crate::state::{AppState, Queued, RequestKey};

#[component]
pub fn SamplingQueue() -> impl IntoView {
    let state = expect_context::<AppState>();
    let controller = expect_context::<Controller>();
    let front = Memo::new(move |_| state.front_request());
    let pick = controller.clone();
    let item_row = move |item: Queued| {
        let key = item.key();
        let kind = item.kind();
        let pick = pick.clone();
        let (server, server_shown, tool, label, excerpt) = match item {
            Queued::Sampling(s) => {
                let excerpt = content::excerpt(&s.params, 80);
                (s.server, s.server_shown, s.tool, "Sampling", excerpt)
            }
            Queued::Elicitation(e) => {
                let label = match e.form {
                    None => "Question (a URL)",
                    Some(_) => "Question",
                };
                let excerpt: String = e.elicitation.message.chars().take(80).collect();
                (e.server, e.server_shown, e.tool, label, excerpt)
            }
        };
        view! {
            <li
                data-testid="sampling-queue-item"
                data-id=key.dom_id()
                data-kind=kind
                data-server=server_shown.clone()
                class:front=move || front.get() == Some(key)
                on:click=move |_| pick.bring_to_front(key)
            >
                <button type="button" title=server_shown.clone()>
                    <span class="kind">{label}" · "</span>
                    <strong>{server}</strong>
                    <span class="via">{tool.map(|t| format!(" · {t}")).unwrap_or_default()}</span>
                    <span class="excerpt">{excerpt}</span>
                </button>
            </li>
        }
    };
    view! {
        <section class="panel" aria-labelledby="queue-heading">
            <h2 id="queue-heading">
                "Waiting for you "
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
                    let at = front.get_untracked().and_then(|f| q.iter().position(|i| i.key() == f)).unwrap_or(0);
                    let to = (at as isize + step).clamp(0, q.len() as isize - 1);
                    q.get(to as usize).map(Queued::key)
                });
                if let Some(key) = next {
                    controller.bring_to_front(key);
                    focus_queue_item(key);
                }
            }>
                <For each=move || state.queue.get() key=Queued::key children=item_row/>
            </ol>
            <Show when=move || state.queue.with(Vec::is_empty)>
                <p class="hint">"Nothing waiting. When a server asks for a completion or asks you a question, it appears here."</p>
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
