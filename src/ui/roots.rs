//! The roots panel: the `file://` directories the person shares with every server, added by
//! URI and name, removed one by one.
// rmcp marks its roots types deprecated (SEP-2577); MCP Desk still shares roots.
#![allow(deprecated)]

use leptos::prelude::*;

use crate::controller::Controller;
use crate::state::AppState;

#[component]
pub fn RootsPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let controller = expect_context::<Controller>();
    let uri = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let on_submit = {
        let controller = controller.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if controller.add_root(&uri.get_untracked(), &name.get_untracked()) {
                uri.set(String::new());
                name.set(String::new());
            }
        }
    };
    let rows = move || {
        state
            .roots
            .get()
            .into_iter()
            .map(|root| {
                let controller = controller.clone();
                let remove = root.uri.clone();
                let uri = root.uri.clone();
                view! {
                    <li data-testid="root-item" data-uri=uri>
                        <span>{root.name.unwrap_or_default()}" "<code>{root.uri}</code></span>
                        <button type="button" data-testid="root-remove" on:click=move |_| controller.remove_root(&remove)>"Remove"</button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <section class="panel" aria-labelledby="roots-heading">
            <h2 id="roots-heading">"Roots"</h2>
            <p class="hint">"Directories you share with every server that asks (roots/list); a server in a session hears when they change."</p>
            <ul class="tool-list" data-testid="roots-list">{rows}</ul>
            <form class="connect" on:submit=on_submit>
                <label for="root-uri">"Directory (file:// URI)"</label>
                <input id="root-uri" data-testid="root-uri" placeholder="file:///home/me/project" prop:value=move || uri.get() on:input=move |ev| uri.set(event_target_value(&ev)) />
                <label for="root-name">"Name (optional)"</label>
                <input id="root-name" data-testid="root-name" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                <button type="submit" data-testid="root-add">"Share"</button>
            </form>
            {move || state.root_error.get().map(|e| view! { <p class="status bad" role="alert" data-testid="roots-error">{e}</p> })}
        </section>
    }
}
