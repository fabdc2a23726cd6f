//! The prompts panel of the tab in front: the server's prompts; pick one, fill in its
//! arguments (with the server's suggestions as you type), get it, and read its messages, each
//! content shown as it is (text, image, audio, an embedded resource).

use leptos::prelude::*;
use mcp_desk_protocol::session::Target;

use super::shown::shown_view;
use crate::controller::Controller;
use crate::state::AppState;

#[component]
pub fn PromptsPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let controller = expect_context::<Controller>();
    let browse = move || state.panel().browse;
    let list = move || {
        let browse = browse();
        browse
            .prompts
            .get()
            .into_iter()
            .map(|p| {
                let pick = p.name.clone();
                let picked = p.name.clone();
                view! {
                    <li data-testid="prompt-item" data-name=p.name.clone() class:front=move || browse.prompt.with(|n| n.as_deref() == Some(picked.as_str()))>
                        <button type="button" class="link" on:click=move |_| {
                            browse.prompt.set(Some(pick.clone()));
                            browse.prompt_args.set(Default::default());
                            browse.prompt_result.set(None);
                            browse.suggestions.set(None);
                        }>{p.title.clone().unwrap_or_else(|| p.name.clone())}</button>
                        " "<span class="hint">{p.description.clone().unwrap_or_default()}</span>
                    </li>
                }
            })
            .collect_view()
    };
    let form = {
        let controller = controller.clone();
        move || {
            let panel = state.panel();
            let browse = panel.browse;
            let name = browse.prompt.get()?;
            let prompt = browse
                .prompts
                .with(|all| all.iter().find(|p| p.name == name).cloned())?;
            let get = controller.clone();
            let fields = prompt
                .arguments
                .into_iter()
                .map(|a| {
                    super::argument::field(
                        controller.clone(),
                        panel.id,
                        Target::Prompt(name.clone()),
                        a.name.clone(),
                        a.title.clone().unwrap_or_else(|| a.name.clone()),
                        a.required,
                        "prompt-arg",
                    )
                })
                .collect_view();
            Some(view! {
                <div class="prompt-form">
                    {fields}
                    <button type="button" data-testid="prompt-get" on:click=move |_| get.get_prompt(panel.id)>"Get prompt"</button>
                </div>
            })
        }
    };
    let result = move || {
        let got = browse().prompt_result.get()?;
        let count = got.messages.len().to_string();
        Some(view! {
            <div data-testid="prompt-result" data-name=got.name.clone() data-messages=count>
                {got.description.map(|d| view! { <p class="hint">{d}</p> })}
                {got.messages.into_iter().map(|(role, shown)| view! {
                    <div class="message" data-testid="prompt-message" data-role=role.clone()>
                        <strong>{role.clone()}</strong>
                        {shown_view(shown)}
                    </div>
                }).collect_view()}
            </div>
        })
    };
    view! {
        <section class="panel" aria-labelledby="prompts-heading">
            <h2 id="prompts-heading">"Prompts"</h2>
            <Show when=move || browse().prompts.with(Vec::is_empty)>
                <p class="hint">"This server lists no prompts."</p>
            </Show>
            <ul class="tool-list" data-testid="prompt-list">{list}</ul>
            {form}
            {move || browse().prompt_error.get().map(|e| view! { <p class="status bad" role="alert" data-testid="prompt-error">{e}</p> })}
            {result}
        </section>
    }
}
