//! The default provider and model for new sampling requests, kept in `localStorage`
//! (no key is involved yet: the Mock and Manual providers need none).

use leptos::prelude::*;
use mcp_desk_llm::ProviderKind;

use crate::browser::storage;
use crate::state::{AppState, ProviderSettings};

const STORAGE_KEY: &str = "mcp-desk.provider";

/// The provider settings saved on this device, if any.
pub fn load_saved() -> Option<ProviderSettings> {
    let text = storage::local_get(STORAGE_KEY)?;
    let (kind, model) = text.split_once('\n').unwrap_or((&text, ""));
    Some(ProviderSettings {
        kind: ProviderKind::from_id(kind)?,
        model: model.to_owned(),
    })
}

#[component]
pub fn ProviderSettingsPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let initial = state.provider.get_untracked();
    let kind = RwSignal::new(initial.kind);
    let model = RwSignal::new(initial.model);
    let saved = RwSignal::new(false);
    let save = move |_| {
        let settings = ProviderSettings {
            kind: kind.get_untracked(),
            model: model.get_untracked().trim().to_owned(),
        };
        storage::local_set(
            STORAGE_KEY,
            &format!("{}\n{}", settings.kind.id(), settings.model),
        );
        state.provider.set(settings);
        saved.set(true);
    };
    view! {
        <section class="panel" data-testid="provider-settings" aria-labelledby="provider-heading">
            <h2 id="provider-heading">"Provider"</h2>
            <p class="hint">"Used for new sampling requests; each request can still switch."</p>
            <label for="provider-kind">"Provider"</label>
            <select
                id="provider-kind"
                data-testid="provider-kind"
                on:change=move |ev| {
                    if let Some(k) = ProviderKind::from_id(&event_target_value(&ev)) {
                        kind.set(k);
                        saved.set(false);
                    }
                }
            >
                {ProviderKind::ALL
                    .into_iter()
                    .map(|k| view! { <option value=k.id() selected=move || kind.get() == k>{k.label()}</option> })
                    .collect_view()}
            </select>
            <label for="provider-model">"Model (empty: the provider's default)"</label>
            <input
                id="provider-model"
                data-testid="provider-model"
                prop:value=move || model.get()
                placeholder=move || kind.get().default_model()
                on:input=move |ev| {
                    model.set(event_target_value(&ev));
                    saved.set(false);
                }
            />
            <button type="button" data-testid="provider-save" on:click=save>"Save"</button>
            <Show when=move || saved.get()>
                <span class="hint" role="status">"Saved on this device."</span>
            </Show>
        </section>
    }
}
