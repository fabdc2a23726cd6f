//! The sampling review dialog for the request in front of the queue, in parts that each fit
//! on a screen: [`request`] (checkpoint 1: what the server asked, editable where the spec lets
//! a client change it), [`message`] (one message of it), [`answer`] (who answers, the model
//! call, the completion: checkpoint 2); keyboard and focus are [`super::dialog_keys`]'s. The
//! request's state —
//! edits, choice of model, the answer so far — lives with the request, not with the dialog.

mod answer;
mod message;
mod request;

use leptos::prelude::*;

use super::dialog_keys as keys;
use crate::controller::Controller;
use crate::state::{AppState, QueuedSampling};

/// Shows the dialog for the front request; a new request behind it does not redraw it.
#[component]
pub fn SamplingDialogSlot() -> impl IntoView {
    let state = expect_context::<AppState>();
    let front = Memo::new(move |_| state.front_request());
    move || {
        front
            .get()
            .and_then(|key| state.request(key))
            .map(|item| view! { <SamplingDialog item/> })
    }
}

#[component]
fn SamplingDialog(item: QueuedSampling) -> impl IntoView {
    let controller = expect_context::<Controller>();
    let key = item.key;
    let review = item.review;
    let dialog_ref = NodeRef::<leptos::html::Section>::new();
    let heading_ref = keys::focus_on_arrival();
    let on_keydown = {
        let (approve, reject) = (controller.clone(), controller.clone());
        keys::on_keydown(
            move || approve.approve(key),
            move || reject.reject(key),
            dialog_ref,
        )
    };
    let approve = {
        let controller = controller.clone();
        move |_| controller.approve(key)
    };
    let reject = {
        let controller = controller.clone();
        move |_| controller.reject(key)
    };
    let origin = view! {
        <p class="origin">
            "From "
            <strong data-testid="sampling-server" title=item.server_shown.clone()>{item.server.clone()}</strong>
            {(item.server != item.server_shown).then(|| view! { <span class="via">{format!(" ({})", item.server_shown)}</span> })}
            {match item.tool.clone() {
                Some(tool) => view! { <span data-testid="sampling-tool">" during the call of "<code>{tool}</code></span> }.into_any(),
                None => view! { <span data-testid="sampling-tool">" (not tied to a tool call)"</span> }.into_any(),
            }}
        </p>
    };
    let rule_note = item.rule_note;
    // The JSON view: the request as received, and the result as it would go now (edits
    // included), redrawn as the answer, the model or an edit changes.
    let json = {
        let raw = serde_json::from_str::<serde_json::Value>(&item.raw)
            .and_then(|v| serde_json::to_string_pretty(&v))
            .unwrap_or_else(|_| item.raw.clone());
        let result = move || {
            review.answer.track();
            review.model.track();
            review.tool_calls.track();
            review.stop_reason.track();
            review.generating.track();
            controller.answer_json(key)
        };
        view! {
            <details class="json" data-testid="sampling-json">
                <summary>"JSON"</summary>
                <h3>"The request, as received"</h3>
                <pre data-testid="sampling-json-request">{raw}</pre>
                <h3>"The result, as it will be sent"</h3>
                <pre data-testid="sampling-json-result">{result}</pre>
            </details>
        }
    };
    // The request's values live while the dialog shows it, even if it leaves the queue first.
    let keep = item.clone();
    on_cleanup(move || drop(keep));
    view! {
        <section
            class="panel dialog"
            data-testid="sampling-dialog"
            role="dialog"
            aria-labelledby="sampling-heading"
            aria-describedby="sampling-keys"
            node_ref=dialog_ref
            on:keydown=on_keydown
        >
            <h2 id="sampling-heading" tabindex="-1" node_ref=heading_ref>"Review sampling request"</h2>
            <p id="sampling-keys" class="hint">"Keys: Ctrl+Enter (⌘+Enter) approves, Esc (outside a text field) rejects, Tab stays in this dialog; ↑ ↓ in the queue pick another request."</p>
            {origin}
            {move || rule_note.get().map(|note| view! { <p class="hint" data-testid="sampling-rule-note">{note}</p> })}
            <request::RequestView item=item.clone()/>
            <answer::AnswerView item/>
            {json}
            <Show when=move || review.error.get().is_some()>
                <p class="error" role="alert" data-testid="sampling-error">{move || review.error.get().unwrap_or_default()}</p>
            </Show>
            <div class="actions">
                <button type="button" class="primary" data-testid="sampling-approve" on:click=approve>"Approve and send"</button>
                <button type="button" class="danger" data-testid="sampling-reject" on:click=reject>"Reject"</button>
            </div>
        </section>
    }
}
