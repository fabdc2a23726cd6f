//! Provider settings: where keys are kept, what is saved, and which provider and model answer
//! a request.

use mcp_desk_llm::ProviderKind;
use mcp_desk_logic::providers::{
    KeyPlace, ProviderSettings, ServerOverride, key_slot, parse_models, parse_scores,
};
use mcp_desk_logic::server_key::ServerKey;
use serde_json::json;

const SALT: &str = "device-salt";

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

fn place_of(settings: &ProviderSettings, kind: ProviderKind) -> KeyPlace {
    let saved = settings.to_saved();
    saved
        .keys
        .into_iter()
        .find(|(slot, _)| *slot == key_slot(kind))
        .map(|(_, place)| place)
        .expect("every provider has a slot")
}

#[test]
fn a_key_stays_in_the_tab_unless_remembered_and_never_in_the_saved_settings() {
    let tab = with_key(false);
    assert_eq!(
        place_of(&tab, ProviderKind::OpenAi),
        KeyPlace::Tab("sk-secret-1".into())
    );
    assert_eq!(place_of(&tab, ProviderKind::Anthropic), KeyPlace::Nowhere);
    let saved = tab.to_saved();
    assert!(
        !saved.settings.contains("sk-secret-1"),
        "{}",
        saved.settings
    );
    assert_eq!(saved.keys.len(), ProviderKind::ALL.len());
    assert_eq!(
        place_of(&with_key(true), ProviderKind::OpenAi),
        KeyPlace::Device("sk-secret-1".into())
    );

    // Read back: the settings from their text, the key from its slot.
    let loaded = ProviderSettings::load(
        Some(&saved.settings),
        |slot| (slot == "mcp-desk.key.openai").then(|| "sk-secret-1".to_owned()),
        SALT,
    );
    assert_eq!(loaded, tab);
    assert_eq!(loaded.secrets(), ["sk-secret-1"]);
    assert_eq!(
        ProviderSettings::load(Some("{"), |_| None, SALT),
        ProviderSettings::default()
    );
}

#[test]
fn a_server_setting_wins_and_scores_steer_the_priorities() {
    let mut settings = with_key(false);
    let prefs = json!({"intelligencePriority": 1.0});
    let mut entry = settings.entry(ProviderKind::OpenAi);
    entry.models = vec!["gpt-4o-mini".into(), "house-model".into()];
    entry.scores = parse_scores("house-model = 0.1 0.1 1\n").unwrap();
    settings.set_entry(ProviderKind::OpenAi, entry);
    let a = ServerKey::of("http://a/mcp", SALT);
    let (kind, choice) = settings.choose_for(&a, Some(&prefs));
    assert_eq!(
        (kind, choice.model.as_str()),
        (ProviderKind::OpenAi, "house-model")
    );
    assert!(choice.reason.contains("priorities"), "{}", choice.reason);

    let b = ServerKey::of("http://b/mcp", SALT);
    settings.servers.insert(
        b.clone(),
        ServerOverride {
            kind: ProviderKind::Anthropic,
            model: "claude-x".into(),
        },
    );
    let (kind, choice) = settings.choose_for(&b, Some(&prefs));
    assert_eq!(
        (kind, choice.model.as_str(), choice.reason.as_str()),
        (
            ProviderKind::Anthropic,
            "claude-x",
            "your setting for http://b/mcp"
        )
    );

    // A server whose URL carries a token has its own setting, saved without the token.
    let with_token = ServerKey::of("http://b/mcp?token=srv-tok-4711", SALT);
    settings.servers.insert(
        with_token.clone(),
        ServerOverride {
            kind: ProviderKind::Gemini,
            model: "gemini-x".into(),
        },
    );
    let (kind, choice) = settings.choose_for(&with_token, Some(&prefs));
    assert_eq!(
        (kind, choice.model.as_str(), choice.reason.as_str()),
        (
            ProviderKind::Gemini,
            "gemini-x",
            "your setting for http://b/mcp?token=…"
        )
    );
    let saved = settings.to_saved().settings;
    assert!(!saved.contains("srv-tok-4711"), "{saved}");
    let another = ServerKey::of("http://b/mcp?token=another", SALT);
    assert_eq!(
        settings.choose_for(&another, Some(&prefs)).0,
        ProviderKind::OpenAi
    );
}

#[test]
fn settings_saved_with_whole_urls_are_read_back_with_keys() {
    let saved = r#"{"kind":"mock","entries":{},"servers":{"http://b/mcp?token=srv-tok-4711":{"kind":"gemini","model":""}}}"#;
    let loaded = ProviderSettings::load(Some(saved), |_| None, SALT);
    let key = ServerKey::of("http://b/mcp?token=srv-tok-4711", SALT);
    assert_eq!(loaded.servers[&key].kind, ProviderKind::Gemini);
    assert!(!loaded.to_saved().settings.contains("srv-tok-4711"));
}

#[test]
fn bad_score_lines_are_refused_with_an_example() {
    assert_eq!(
        parse_scores("gpt = 0.5 0.5"),
        Err("Line 1: write `model = cost speed intelligence`, each from 0 to 1 (for example `gpt-4o-mini = 0.9 0.9 0.5`).".into())
    );
    assert!(parse_scores("gpt = 0.5 0.5 2").is_err());
    assert!(parse_scores("= 0.5 0.5 0.5").is_err());
    assert_eq!(
        parse_scores("\n a = 0 0.5 1 \n").unwrap()["a"],
        [0.0, 0.5, 1.0]
    );
    assert_eq!(parse_models(" a, ,b ,"), ["a", "b"]);
}
