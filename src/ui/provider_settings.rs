//! Provider settings: the default provider for new sampling requests and, for the provider
//! being edited, its base URL, API key (this tab only unless remembered) and models.

use leptos::prelude::*;
use mcp_desk_llm::ProviderKind;
use mcp_desk_logic::providers::{self, ProviderEntry};

use crate::controller::Controller;
use crate::state::AppState;

#[component]
pub fn ProviderSettingsPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let controller = expect_context::<Controller>();
    let initial = state.provider.get_untracked();
    let kind = RwSignal::new(initial.kind);
    let entry = initial.entry(initial.kind);
    let base_url = RwSignal::new(entry.base_url);
    let api_key = RwSignal::new(entry.api_key);
    let remember = RwSignal::new(entry.remember_key);
    let models = RwSignal::new(entry.models.join(", "));
    let scores = RwSignal::new(providers::format_scores(&entry.scores));
    let for_server = RwSignal::new(false);
    let saved = RwSignal::new(None::<String>);

    let show = move |k: ProviderKind| {
        let entry = state.provider.with_untracked(|p| p.entry(k));
        kind.set(k);
        base_url.set(entry.base_url);
        api_key.set(entry.api_key);
        remember.set(entry.remember_key);
        models.set(entry.models.join(", "));
        scores.set(providers::format_scores(&entry.scores));
        saved.set(None);
    };
    let save = move |_| {
        let k = kind.get_untracked();
        let parsed_scores = match providers::parse_scores(&scores.get_untracked()) {
            Ok(s) => s,
            Err(e) => return saved.set(Some(format!("Not saved: {e}"))),
        };
        let entry = ProviderEntry {
            scores: parsed_scores,
            base_url: base_url.get_untracked().trim().to_owned(),
            api_key: api_key.get_untracked().trim().to_owned(),
            models: providers::parse_models(&models.get_untracked()),
            remember_key: remember.get_untracked(),
        };
        let where_key = match (entry.api_key.is_empty(), entry.remember_key) {
            (true, _) => "",
            (false, true) => " The key is remembered on this device.",
            (false, false) => " The key is kept for this tab only.",
        };
        let server = state
            .panel_untracked()
            .url
            .get_untracked()
            .trim()
            .to_owned();
        let only_this_server = for_server.get_untracked() && !server.is_empty();
        let scope = if only_this_server {
            format!("requests from {}", mcp_desk_protocol::redact::url(&server))
        } else {
            "new requests".to_owned()
        };
        controller.save_provider(
            k,
            entry,
            only_this_server.then(|| state.server_key(&server)),
        );
        saved.set(Some(format!(
            "Saved: {} answers {scope}.{where_key}",
            k.label()
        )));
    };
    let network = move || kind.get().wire_format() != mcp_desk_llm::WireFormat::Local;
    view! {
        <section class="panel" data-testid="provider-settings" aria-labelledby="provider-heading">
            <h2 id="provider-heading">"Provider"</h2>
            <p class="hint">"Answers new sampling requests; each request can still switch."</p>
            <label for="provider-kind">"Provider"</label>
            <select
                id="provider-kind"
                data-testid="provider-kind"
                on:change=move |ev| {
                    if let Some(k) = ProviderKind::from_id(&event_target_value(&ev)) {
                        show(k);
                    }
                }
            >
                {ProviderKind::ALL
                    .into_iter()
                    .map(|k| view! { <option value=k.id() prop:selected=move || kind.get() == k>{k.label()}</option> })
                    .collect_view()}
            </select>
            <Show when=network>
                <label for="provider-base-url">"Base URL"</label>
                <input
                    id="provider-base-url"
                    data-testid="provider-base-url"
                    type="url"
                    prop:value=move || base_url.get()
                    placeholder=move || kind.get().default_base_url()
                    on:input=move |ev| base_url.set(event_target_value(&ev))
                />
                <label for="provider-api-key">
                    {move || if kind.get().needs_key() { "API key" } else { "API key (if the server wants one)" }}
                </label>
                <input
                    id="provider-api-key"
                    data-testid="provider-api-key"
                    type="password"
                    autocomplete="off"
                    spellcheck="false"
                    prop:value=move || api_key.get()
                    on:input=move |ev| api_key.set(event_target_value(&ev))
                />
                <label class="inline">
                    <input
                        type="checkbox"
                        data-testid="provider-remember-key"
                        prop:checked=move || remember.get()
                        on:change=move |ev| remember.set(event_target_checked(&ev))
                    />
                    " Remember the key on this device (otherwise it is forgotten when the tab closes)"
                </label>
            </Show>
            <label for="provider-model">"Models, in order of preference (comma-separated; empty: the provider's default)"</label>
            <input
                id="provider-model"
                data-testid="provider-model"
                prop:value=move || models.get()
                placeholder=move || kind.get().default_model()
                on:input=move |ev| models.set(event_target_value(&ev))
            />
            <Show when=network>
                <label for="provider-model-scores">"Model ratings for the server's priorities (one per line: model = cost speed intelligence, 0–1; empty: sensible defaults)"</label>
                <textarea
                    id="provider-model-scores"
                    data-testid="provider-model-scores"
                    rows="2"
                    spellcheck="false"
                    prop:value=move || scores.get()
                    on:input=move |ev| scores.set(event_target_value(&ev))
                ></textarea>
            </Show>
            <label class="inline">
                <input
                    type="checkbox"
                    data-testid="provider-for-server"
                    prop:checked=move || for_server.get()
                    on:change=move |ev| for_server.set(event_target_checked(&ev))
                />
                {move || {
                    let server = state.panel().url.get();
                    if server.trim().is_empty() {
                        " Only for the server in the connect form".to_owned()
                    } else {
                        format!(
                            " Only for {} (its requests use this provider and first model)",
                            mcp_desk_protocol::redact::url(&server)
                        )
                    }
                }}
            </label>
            <button type="button" data-testid="provider-save" on:click=save>"Save"</button>
            {move || saved.get().map(|text| view! { <p class="hint" role="status" data-testid="provider-saved">{text}</p> })}
        </section>
    }
}
