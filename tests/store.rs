//! The store, in a real browser: what an older version saved (tokens in server URLs) is read
//! back without them and saved again; API keys go to the tab's storage unless remembered; the
//! audit trail is saved a moment after a burst of entries, and at once when the page is left.
#![cfg(target_arch = "wasm32")]

mod page;

use leptos::prelude::*;
use mcp_desk::state::AppState;
use mcp_desk::store;
use mcp_desk_llm::ProviderKind;
use mcp_desk_logic::audit::AuditKind;
use page::settle;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn storage() -> (web_sys::Storage, web_sys::Storage) {
    let window = web_sys::window().unwrap();
    (
        window.session_storage().unwrap().unwrap(),
        window.local_storage().unwrap().unwrap(),
    )
}

/// Empties both storages, with Leptos running (a page mounted) for the store's effects.
fn clear() {
    let _ = page::mount();
    let (session, local) = storage();
    session.clear().unwrap();
    local.clear().unwrap();
}

#[wasm_bindgen_test]
async fn what_an_older_version_saved_with_tokens_is_read_back_without_them_and_saved_again() {
    clear();
    let (_, local) = storage();
    local
        .set_item(
            "mcp-desk.rules",
            r#"{"rules":[{"server":"http://h/mcp?token=srv-tok-4711","tool":null,"mode":"AutoApproveCompletion","budget":{"requests_per_minute":null,"tokens_per_hour":null,"max_tokens_per_request":null}}],"paused":false}"#,
        )
        .unwrap();
    local
        .set_item(
            "mcp-desk.providers",
            r#"{"kind":"mock","entries":{},"servers":{"http://h/mcp?token=srv-tok-4711":{"kind":"gemini","model":""}}}"#,
        )
        .unwrap();
    local
        .set_item(
            "mcp-desk.audit",
            r#"[{"seq":0,"at":"2026-11-01T00:00:00.000Z","server":"http://h/mcp?token=srv-tok-4711","kind":"request","detail":{}}]"#,
        )
        .unwrap();
    let owner = Owner::new();
    owner.set();
    let state = AppState::new();
    store::load(&state);
    store::persist(state);
    settle().await;
    let key = state.server_key("http://h/mcp?token=srv-tok-4711");
    assert_eq!(
        state.rules.with_untracked(|b| b.rules[0].server.clone()),
        key
    );
    assert!(
        state
            .provider
            .with_untracked(|p| p.servers.contains_key(&key))
    );
    assert_eq!(
        state.audit.with_untracked(|t| t[0].server.clone()),
        "http://h/mcp?token=…"
    );
    // Saved again without the token (the trail a second later).
    for slot in ["mcp-desk.rules", "mcp-desk.providers"] {
        let saved = local.get_item(slot).unwrap().unwrap();
        assert!(!saved.contains("srv-tok-4711"), "{slot}: {saved}");
    }
    let hidden = web_sys::Event::new("pagehide").unwrap();
    web_sys::window().unwrap().dispatch_event(&hidden).unwrap();
    let trail = local.get_item("mcp-desk.audit").unwrap().unwrap();
    assert!(!trail.contains("srv-tok-4711"), "{trail}");
    // A device keeps its salt: the same server has the same key tomorrow.
    let salt = local.get_item("mcp-desk.salt").unwrap().unwrap();
    assert_eq!(salt.len(), 32);
    let again = AppState::new();
    store::load(&again);
    assert_eq!(again.server_key("http://h/mcp?token=srv-tok-4711"), key);
    clear();
}

#[wasm_bindgen_test]
async fn a_key_stays_in_the_tab_unless_remembered_and_never_in_the_saved_settings() {
    clear();
    let (session, local) = storage();
    let owner = Owner::new();
    owner.set();
    let state = AppState::new();
    store::load(&state);
    store::persist(state);
    let set_key = |remember: bool, key: &str| {
        state.provider.update(|p| {
            let mut entry = p.entry(ProviderKind::OpenAi);
            entry.api_key = key.into();
            entry.remember_key = remember;
            p.set_entry(ProviderKind::OpenAi, entry);
        })
    };
    set_key(false, "sk-secret-1");
    settle().await;
    assert_eq!(
        session.get_item("mcp-desk.key.openai").unwrap().as_deref(),
        Some("sk-secret-1")
    );
    assert_eq!(local.get_item("mcp-desk.key.openai").unwrap(), None);
    let saved = local.get_item("mcp-desk.providers").unwrap().unwrap();
    assert!(!saved.contains("sk-secret-1"), "{saved}");
    let reloaded = AppState::new();
    store::load(&reloaded);
    assert_eq!(
        reloaded
            .provider
            .with_untracked(|p| p.entry(ProviderKind::OpenAi).api_key),
        "sk-secret-1"
    );

    set_key(true, "sk-secret-1");
    settle().await;
    assert_eq!(session.get_item("mcp-desk.key.openai").unwrap(), None);
    assert_eq!(
        local.get_item("mcp-desk.key.openai").unwrap().as_deref(),
        Some("sk-secret-1")
    );
    set_key(false, "");
    settle().await;
    assert_eq!(session.get_item("mcp-desk.key.openai").unwrap(), None);
    assert_eq!(local.get_item("mcp-desk.key.openai").unwrap(), None);
    // Nothing of this page is left to save later, into the next test's storage.
    let hidden = web_sys::Event::new("pagehide").unwrap();
    web_sys::window().unwrap().dispatch_event(&hidden).unwrap();
    clear();
}

#[wasm_bindgen_test]
async fn entries_recorded_in_a_burst_are_saved_together_and_at_once_when_the_page_is_left() {
    clear();
    let (_, local) = storage();
    let owner = Owner::new();
    owner.set();
    let state = AppState::new();
    store::load(&state);
    store::persist(state);
    settle().await;
    let saved = || local.get_item("mcp-desk.audit").unwrap();
    let before = saved();
    state.record(
        "http://a/mcp",
        AuditKind::Request,
        serde_json::json!({"request": 1}),
    );
    state.record(
        "http://a/mcp",
        AuditKind::Answer,
        serde_json::json!({"request": 1}),
    );
    settle().await;
    assert_eq!(
        saved(),
        before,
        "a burst of entries is saved once, a moment later"
    );
    let hidden = web_sys::Event::new("pagehide").unwrap();
    web_sys::window().unwrap().dispatch_event(&hidden).unwrap();
    let trail = mcp_desk_logic::audit::load(saved().as_deref());
    assert_eq!(trail, state.audit.get_untracked());
    assert_eq!(trail.len(), 2);
    clear();
}
