//! The audit trail: what it keeps, how it is searched, and that its export never holds a key.
#![cfg(target_arch = "wasm32")]

use mcp_desk::audit::{self, AuditEntry, Search};
use serde_json::json;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn trail() -> Vec<AuditEntry> {
    let mut trail = Vec::new();
    audit::push(
        &mut trail,
        audit::now(),
        "http://a/mcp",
        "request",
        json!({"params": {"systemPrompt": "Summarise"}}),
    );
    audit::push(
        &mut trail,
        audit::now(),
        "http://a/mcp",
        "answer",
        json!({"result": {"model": "gpt-4o-mini"}}),
    );
    trail
}

#[wasm_bindgen_test]
fn entries_are_numbered_timestamped_and_searchable() {
    let trail = trail();
    assert_eq!((trail[0].seq, trail[1].seq), (0, 1));
    assert!(trail[0].at.ends_with('Z'), "{}", trail[0].at);
    let hits = |needle: &str, at: usize| Search::new(needle).hits(&trail[at]);
    assert!(hits("GPT-4O", 1));
    assert!(hits("request", 0) && hits("http://a", 0));
    assert!(!hits("gpt-4o", 0));
    assert!(hits("", 0));
}

#[wasm_bindgen_test]
fn long_texts_are_cut_and_the_trail_is_bounded() {
    let mut trail = Vec::new();
    for _ in 0..1005 {
        audit::push(
            &mut trail,
            "t".into(),
            "s",
            "request",
            json!({"text": "x".repeat(10_000)}),
        );
    }
    assert_eq!(trail.len(), 1000);
    assert_eq!(trail[0].seq, 5);
    let text = trail[0].detail["text"].as_str().unwrap();
    assert!(text.len() < 5000 && text.contains("10000 characters in all"));
}

#[wasm_bindgen_test]
fn a_token_in_a_server_url_stays_out_of_the_trail_and_its_export() {
    let mut trail = Vec::new();
    let server = "https://me:pa55word@mcp.example.com/sse?api_key=sk-live-123&team=blue#frag";
    audit::push(&mut trail, audit::now(), server, "request", json!({}));
    assert_eq!(
        trail[0].server,
        "https://…@mcp.example.com/sse?api_key=…&team=…#…"
    );
    let exported = audit::export(&trail, &[]).unwrap();
    for secret in ["pa55word", "sk-live-123", "blue", "frag"] {
        assert!(!exported.contains(secret), "{secret} in {exported}");
    }
    assert!(Search::new("mcp.example.com/sse").hits(&trail[0]));
}

#[wasm_bindgen_test]
fn a_plain_server_url_is_kept_as_it_is() {
    for server in [
        "http://127.0.0.1:8787/mcp",
        "https://example.com",
        "http://h/p?",
    ] {
        let mut trail = Vec::new();
        audit::push(&mut trail, audit::now(), server, "request", json!({}));
        assert_eq!(trail[0].server, server);
    }
    let mut trail = Vec::new();
    audit::push(
        &mut trail,
        audit::now(),
        "https://tok3n@example.com/users/@me?next=a@b",
        "request",
        json!({}),
    );
    assert_eq!(trail[0].server, "https://…@example.com/users/@me?next=…");
}

#[wasm_bindgen_test]
fn the_export_holds_the_trail_and_refuses_to_carry_a_key() {
    let trail = trail();
    let exported = audit::export(&trail, &["sk-never-seen-1".into()]).unwrap();
    let value: serde_json::Value = serde_json::from_str(&exported).unwrap();
    assert_eq!(value["entries"].as_array().unwrap().len(), 2);
    let mut leaky = trail.clone();
    audit::push(
        &mut leaky,
        audit::now(),
        "http://a/mcp",
        "error",
        json!({"message": "bad key sk-secret-123"}),
    );
    assert!(
        audit::export(&leaky, &["sk-secret-123".into()])
            .unwrap_err()
            .contains("API keys")
    );
}

#[wasm_bindgen_test]
fn the_trail_survives_a_reload() {
    let trail = trail();
    audit::save(&trail);
    assert_eq!(audit::load(), trail);
    audit::save(&[]);
    assert!(audit::load().is_empty());
}

#[wasm_bindgen_test]
fn entries_recorded_in_a_burst_are_saved_together_and_at_once_when_the_page_is_left() {
    use leptos::prelude::*;
    audit::save(&[]);
    let state = mcp_desk::state::AppState::new();
    mcp_desk::browser::page::on_hide(move || audit::flush(state.audit));
    state.record("http://a/mcp", "request", json!({"request": 1}));
    state.record("http://a/mcp", "answer", json!({"request": 1}));
    assert!(
        audit::load().is_empty(),
        "a burst of entries is saved once, a moment later"
    );
    let hidden = web_sys::Event::new("pagehide").unwrap();
    web_sys::window().unwrap().dispatch_event(&hidden).unwrap();
    let saved = audit::load();
    assert_eq!(saved, state.audit.get_untracked());
    assert_eq!(saved.len(), 2);
    audit::save(&[]);
}
