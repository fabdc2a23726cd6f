//! Provider settings in a real browser: where keys are kept, what is saved, and which
//! provider and model answer a request.
#![cfg(target_arch = "wasm32")]

use mcp_desk::providers::{self, ProviderSettings, ServerOverride, parse_scores};
use mcp_desk_llm::ProviderKind;
use serde_json::json;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn storage() -> (web_sys::Storage, web_sys::Storage) {
    let window = web_sys::window().unwrap();
    (
        window.session_storage().unwrap().unwrap(),
        window.local_storage().unwrap().unwrap(),
    )
}

fn with_key(remember: bool) -> ProviderSettings {
    let mut settings = ProviderSettings::default();
    let mut entry = settings.entry(ProviderKind::OpenAi);
    entry.api_key = "sk-secret-1".into();
    entry.remember_key = remember;
    entry.models = vec!["gpt-4o-mini".into()];
    settings.kind = ProviderKind::OpenAi;
    settings.set_entry(ProviderKind::OpenAi, entry);
    settings
}

#[wasm_bindgen_test]
fn a_key_stays_in_the_tab_unless_remembered_and_never_in_the_saved_settings() {
    let (session, local) = storage();
    providers::save(&with_key(false));
    assert_eq!(
        session.get_item("mcp-desk.key.openai").unwrap().as_deref(),
        Some("sk-secret-1")
    );
    assert_eq!(local.get_item("mcp-desk.key.openai").unwrap(), None);
    let saved = local.get_item("mcp-desk.providers").unwrap().unwrap();
    assert!(!saved.contains("sk-secret-1"), "{saved}");
    let loaded = providers::load();
    assert_eq!(loaded.entry(ProviderKind::OpenAi).api_key, "sk-secret-1");
    assert_eq!(loaded.kind, ProviderKind::OpenAi);

    providers::save(&with_key(true));
    assert_eq!(session.get_item("mcp-desk.key.openai").unwrap(), None);
    assert_eq!(
        local.get_item("mcp-desk.key.openai").unwrap().as_deref(),
        Some("sk-secret-1")
    );

    let mut cleared = with_key(false);
    let mut entry = cleared.entry(ProviderKind::OpenAi);
    entry.api_key.clear();
    cleared.set_entry(ProviderKind::OpenAi, entry);
    providers::save(&cleared);
    assert_eq!(session.get_item("mcp-desk.key.openai").unwrap(), None);
    assert_eq!(local.get_item("mcp-desk.key.openai").unwrap(), None);
}

#[wasm_bindgen_test]
fn a_server_setting_wins_and_scores_steer_the_priorities() {
    let mut settings = with_key(false);
    let prefs = json!({"intelligencePriority": 1.0});
    let mut entry = settings.entry(ProviderKind::OpenAi);
    entry.models = vec!["gpt-4o-mini".into(), "house-model".into()];
    entry.scores = parse_scores("house-model = 0.1 0.1 1\n").unwrap();
    settings.set_entry(ProviderKind::OpenAi, entry);
    let (kind, choice) = settings.choose_for("http://a/mcp", Some(&prefs));
    assert_eq!(
        (kind, choice.model.as_str()),
        (ProviderKind::OpenAi, "house-model")
    );
    assert!(choice.reason.contains("priorities"), "{}", choice.reason);

    settings.servers.insert(
        "http://b/mcp".into(),
        ServerOverride {
            kind: ProviderKind::Anthropic,
            model: "claude-x".into(),
        },
    );
    let (kind, choice) = settings.choose_for("http://b/mcp", Some(&prefs));
    assert_eq!(
        (kind, choice.model.as_str()),
        (ProviderKind::Anthropic, "claude-x")
    );
    assert!(choice.reason.contains("http://b/mcp"));

    // A server whose URL carries a token has its own setting, saved without the token.
    let with_token = "http://b/mcp?token=srv-tok-4711";
    settings.servers.insert(
        mcp_desk::server_key::of(with_token),
        ServerOverride {
            kind: ProviderKind::Gemini,
            model: "gemini-x".into(),
        },
    );
    let (kind, choice) = settings.choose_for(with_token, Some(&prefs));
    assert_eq!(
        (kind, choice.model.as_str()),
        (ProviderKind::Gemini, "gemini-x")
    );
    assert!(
        choice.reason.contains("http://b/mcp?token=…"),
        "{}",
        choice.reason
    );
    assert!(!choice.reason.contains("srv-tok-4711"), "{}", choice.reason);
    let saved = serde_json::to_string(&settings).unwrap();
    assert!(!saved.contains("srv-tok-4711"), "{saved}");
    assert_eq!(
        settings
            .choose_for("http://b/mcp?token=another", Some(&prefs))
            .0,
        ProviderKind::OpenAi
    );
}

#[wasm_bindgen_test]
fn bad_score_lines_are_refused_with_an_example() {
    assert!(
        parse_scores("gpt = 0.5 0.5")
            .unwrap_err()
            .contains("for example")
    );
    assert!(parse_scores("gpt = 0.5 0.5 2").is_err());
    assert!(parse_scores("= 0.5 0.5 0.5").is_err());
    assert_eq!(
        parse_scores("\n a = 0 0.5 1 \n").unwrap()["a"],
        [0.0, 0.5, 1.0]
    );
}
