//! The resources panel of the tab in front: the server's resources (read one with a click,
//! subscribe to its updates), its templates (fill in the variables, with the server's
//! suggestions, then read), and what the last read held.

use leptos::prelude::*;
use mcp_desk_logic::uri_template;
use mcp_desk_protocol::session::Target;

use super::shown::shown_view;
use crate::controller::Controller;
use crate::state::AppState;

#[component]
pub fn ResourcesPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let controller = expect_context::<Controller>();
    let browse = move || state.panel().browse;
    let resources = {
        let controller = controller.clone();
        move || {
            let panel = state.panel();
            let browse = panel.browse;
            browse
                .resources
                .get()
                .into_iter()
                .map(|r| {
                    let (read, subscribe) = (controller.clone(), controller.clone());
                    let (uri, toggled) = (r.uri.clone(), r.uri.clone());
                    let updates = r.uri.clone();
                    let watched = StoredValue::new(r.uri.clone());
                    let is_on = move || browse.subscribed.with(|s| watched.with_value(|w| s.contains(w)));
                    let label = r.title.clone().unwrap_or_else(|| r.name.clone());
                    view! {
                        <li data-testid="resource-item" data-uri=r.uri.clone()>
                            <button type="button" class="link" on:click=move |_| read.read_resource(panel.id, uri.clone())>{label}</button>
                            " "<code>{r.uri.clone()}</code>" "<span class="hint">{r.mime_type.clone().unwrap_or_default()}</span>
                            <button type="button" data-testid="resource-subscribe" aria-pressed=move || is_on().to_string()
                                on:click=move |_| subscribe.toggle_subscription(panel.id, toggled.clone())>
                                {move || if is_on() { "Unsubscribe" } else { "Subscribe" }}
                            </button>
                            {move || browse.updates.with(|u| u.get(&updates).copied()).map(|n| view! { <span data-testid="resource-updates">{format!("{n} update(s)")}</span> })}
                        </li>
                    }
                })
                .collect_view()
        }
    };
    let templates = move || {
        let browse = browse();
        browse
            .templates
            .get()
            .into_iter()
            .map(|t| {
                let pick = t.uri_template.clone();
                view! {
                    <li data-testid="resource-template-item" data-uri-template=t.uri_template.clone()>
                        <button type="button" class="link" on:click=move |_| {
                            browse.template.set(Some(pick.clone()));
                            browse.template_values.set(Default::default());
                            browse.suggestions.set(None);
                        }>{t.title.clone().unwrap_or_else(|| t.name.clone())}</button>
                        " "<code>{t.uri_template.clone()}</code>
                    </li>
                }
            })
            .collect_view()
    };
    let template_form = {
        let controller = controller.clone();
        move || {
            let panel = state.panel();
            let browse = panel.browse;
            let template = browse.template.get()?;
            let controller = controller.clone();
            let read = controller.clone();
            let vars = uri_template::variables(&template)
                .into_iter()
                .map(|var| {
                    let target = Target::Template(template.clone());
                    super::argument::field(
                        controller.clone(),
                        panel.id,
                        target,
                        var.clone(),
                        var,
                        false,
                        "resource-template-var",
                    )
                })
                .collect_view();
            Some(view! {
                <div class="template-form">
                    <p>"Fill in " <code>{template.clone()}</code></p>
                    {vars}
                    <button type="button" data-testid="resource-read" on:click=move |_| read.read_template(panel.id)>"Read"</button>
                </div>
            })
        }
    };
    let contents = move || {
        let browse = browse();
        let items = browse.read.get()?;
        let uri = browse.reading.get().unwrap_or_default();
        let count = items.len().to_string();
        Some(view! {
            <div data-testid="resource-content" data-uri=uri.clone() data-items=count>
                <h3>{uri.clone()}</h3>
                {items.into_iter().map(|item| view! {
                    <div data-testid="resource-content-item" data-uri=item.uri.clone()>
                        <p class="hint">{item.uri.clone()}" "{item.mime_type.unwrap_or_default()}</p>
                        {shown_view(item.shown)}
                    </div>
                }).collect_view()}
            </div>
        })
    };
    view! {
        <section class="panel" aria-labelledby="resources-heading">
            <h2 id="resources-heading">"Resources"</h2>
            <Show when=move || browse().resources.with(Vec::is_empty) && browse().templates.with(Vec::is_empty)>
                <p class="hint">"This server lists no resources."</p>
            </Show>
            <ul class="tool-list" data-testid="resource-list">{resources}</ul>
            <ul class="tool-list" data-testid="resource-template-list">{templates}</ul>
            {template_form}
            {move || browse().error.get().map(|e| view! { <p class="status bad" role="alert" data-testid="browse-error">{e}</p> })}
            {contents}
        </section>
    }
}
