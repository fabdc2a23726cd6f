//! The dialog for the question in front of the queue (elicitation): who asks and why, then a
//! form generated from the requested schema — each field's error beside it — or, in URL mode,
//! the full URL with its host set apart and any warning, opened only when the person says so.
//! Accept, decline, cancel; Esc and closing are a cancel. Everything the server sent is shown
//! as text.

use leptos::prelude::*;
use mcp_desk_logic::url_consent;
use mcp_desk_protocol::elicitation::Mode;

use super::dialog_keys as keys;
use super::form_field::{self, FieldIds};
use crate::controller::Controller;
use crate::state::{AppState, QueuedElicitation};

/// How the question's fields are named for tests (`../shared/ui-contract.md`).
const QUESTION: FieldIds = FieldIds {
    field: "elicitation-field",
    error: "elicitation-field-error",
    prefix: "elicit",
};

/// Shows the dialog when the front of the queue is a question.
#[component]
pub fn ElicitationDialogSlot() -> impl IntoView {
    let state = expect_context::<AppState>();
    let front = Memo::new(move |_| state.front_request());
    move || {
        front
            .get()
            .and_then(|key| state.elicitation(key))
            .map(|item| view! { <ElicitationDialog item/> })
    }
}

#[component]
fn ElicitationDialog(item: QueuedElicitation) -> impl IntoView {
    let controller = expect_context::<Controller>();
    let key = item.key;
    let dialog_ref = NodeRef::<leptos::html::Section>::new();
    let heading_ref = keys::focus_on_arrival();
    // In URL mode a key never gives consent: only a click on a button that says what it does.
    let url_mode = item.form.is_none();
    let on_keydown = {
        let (accept, cancel) = (controller.clone(), controller.clone());
        keys::on_keydown(
            move || {
                if !url_mode {
                    accept.accept_elicitation(key)
                }
            },
            move || cancel.cancel_elicitation(key),
            dialog_ref,
        )
    };
    let (accept, decline, cancel) = (controller.clone(), controller.clone(), controller.clone());
    let mode = item.elicitation.mode.name();
    let body = match (&item.elicitation.mode, &item.form) {
        (Mode::Url { url, .. }, _) => url_view(url.clone(), controller.clone(), key).into_any(),
        (_, Some(Ok(form))) => {
            let entries = item.entries.get_value();
            let errors = item.field_errors;
            form.fields
                .iter()
                .cloned()
                .zip(entries)
                .map(|(field, entry)| form_field::field_view(field, entry, errors, QUESTION, None))
                .collect_view()
                .into_any()
        }
        (_, Some(Err(why))) => view! {
            <p class="error" data-testid="elicitation-form-error">
                {format!("The server's form cannot be shown: {why}. Decline or cancel it.")}
            </p>
        }
        .into_any(),
        (_, None) => ().into_any(),
    };
    let error = item.error;
    let accept_label = match item.form {
        None => "Accept without opening",
        Some(_) => "Accept and send",
    };
    let keep = item.clone();
    on_cleanup(move || drop(keep));
    view! {
        <section
            class="panel dialog"
            data-testid="elicitation-dialog"
            data-mode=mode
            role="dialog"
            aria-labelledby="elicitation-heading"
            aria-describedby="elicitation-keys"
            node_ref=dialog_ref
            on:keydown=on_keydown
        >
            <h2 id="elicitation-heading" tabindex="-1" node_ref=heading_ref>"A server asks you"</h2>
            <p id="elicitation-keys" class="hint">{if url_mode { "Keys: Esc (outside a text field) cancels, Tab stays in this dialog; only a button opens or accepts." } else { "Keys: Ctrl+Enter (⌘+Enter) accepts, Esc (outside a text field) cancels, Tab stays in this dialog." }}</p>
            <p class="origin">
                "From "
                <strong data-testid="elicitation-server" title=item.server_shown.clone()>{item.server.clone()}</strong>
                {(item.server != item.server_shown).then(|| view! { <span class="via">{format!(" ({})", item.server_shown)}</span> })}
                {item.tool.clone().map(|tool| view! { " during the call of " <code>{tool}</code> })}
            </p>
            <p class="message" data-testid="elicitation-message">{item.elicitation.message.clone()}</p>
            <div class="form">{body}</div>
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert" data-testid="elicitation-error">{move || error.get().unwrap_or_default()}</p>
            </Show>
            <div class="actions">
                <button type="button" class="primary" data-testid="elicitation-accept" on:click=move |_| accept.accept_elicitation(key)>{accept_label}</button>
                <button type="button" data-testid="elicitation-decline" on:click=move |_| decline.decline_elicitation(key)>"Decline"</button>
                <button type="button" class="danger" data-testid="elicitation-cancel" title="Dismiss without choosing (Esc)" on:click=move |_| cancel.cancel_elicitation(key)>"Cancel"</button>
            </div>
        </section>
    }
}

/// URL mode: the full URL as text (never a link), its host set apart, warnings, and the one
/// button that opens it.
fn url_view(url: String, controller: Controller, key: crate::state::RequestKey) -> impl IntoView {
    let look = url_consent::look(&url);
    view! {
        <p>"It asks you to open this page in your browser. Nothing opens until you say so."</p>
        <p class="url" data-testid="elicitation-url">{url}</p>
        <p>"It goes to " <strong class="host" data-testid="elicitation-host">{look.host}</strong></p>
        {look.warnings.into_iter().map(|w| view! { <p class="warning" data-testid="elicitation-url-warning">{w}</p> }).collect_view()}
        <button type="button" class="primary" data-testid="elicitation-open" on:click=move |_| controller.open_elicitation_url(key)>"Open in a new tab and accept"</button>
    }
}
