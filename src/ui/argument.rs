//! One argument a person types — of a prompt, or a variable of a resource template — with the
//! server's suggestions for it (`completion/complete`) as buttons under it.

use leptos::prelude::*;
use mcp_desk_protocol::session::Target;

use crate::controller::Controller;
use crate::state::{AppState, ServerId};

/// The field for `name` of `target`, labelled `label`, marked when `required`; `testid`
/// names its input (`prompt-arg`, `resource-template-var`), with `data-name` = `name`.
pub fn field(
    controller: Controller,
    server: ServerId,
    target: Target,
    name: String,
    label: String,
    required: bool,
    testid: &'static str,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let browse = move || state.panel_of(server).map(|p| p.browse);
    let values = {
        let target = target.clone();
        move || browse().map(|b| b.values_of(&target))
    };
    let (for_value, for_input) = (name.clone(), name.clone());
    let value = move || {
        values()
            .and_then(|v| v.with(|v| v.get(&for_value).cloned()))
            .unwrap_or_default()
    };
    let typed = {
        let (controller, target) = (controller.clone(), target.clone());
        move |text: String| {
            controller.type_argument(server, target.clone(), for_input.clone(), text)
        }
    };
    let picked = {
        let (controller, target, name) = (controller.clone(), target.clone(), name.clone());
        move |value: String| controller.pick_argument(server, target.clone(), name.clone(), value)
    };
    let (for_options, target_options) = (name.clone(), target.clone());
    let options = move || {
        let typed = picked.clone();
        browse()?.suggestions.get().and_then(|(t, argument, values)| {
            (t == target_options && argument == for_options && !values.is_empty()).then(|| {
                values
                    .into_iter()
                    .map(|v| {
                        let typed = typed.clone();
                        let pick = v.clone();
                        view! { <button type="button" class="link" data-testid="completion-option" on:click=move |_| typed(pick.clone())>{v}</button> }
                    })
                    .collect_view()
            })
        })
    };
    let id = format!("{testid}-{name}");
    view! {
        <div class="field">
            <label for=id.clone()>{label}{required.then_some(" *")}</label>
            <input id=id data-testid=testid data-name=name autocomplete="off" prop:value=value
                on:input=move |ev| typed(event_target_value(&ev))/>
            <div class="suggestions">{options}</div>
        </div>
    }
}
