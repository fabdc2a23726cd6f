//! The audit trail: what it keeps, how it is searched, what is saved, and that its export
//! never holds a key.

use mcp_desk_logic::audit::{self, AuditEntry, AuditKind, Search};
use serde_json::json;

/// 2026-12-02T09:30:00.250Z.
const NOW: f64 = 1_796_203_800_250.0;

fn trail() -> Vec<AuditEntry> {
    let mut trail = Vec::new();
    audit::push(
        &mut trail,
        NOW,
        "http://a/mcp",
        AuditKind::Request,
        json!({"params": {"systemPrompt": "Summarise"}}),
    );
    audit::push(
        &mut trail,
        NOW + 1000.0,
        "http://a/mcp",
        AuditKind::Answer,
        json!({"result": {"model": "gpt-4o-mini"}}),
    );
    trail
}

#[test]
fn entries_are_numbered_timestamped_and_searchable() {
    let trail = trail();
    assert_eq!((trail[0].seq, trail[1].seq), (0, 1));
    assert_eq!(trail[0].at, "2026-12-02T09:30:00.250Z");
    assert_eq!(trail[1].at, "2026-12-02T09:30:01.250Z");
    let hits = |needle: &str, at: usize| Search::new(needle).hits(&trail[at]);
    assert!(hits("GPT-4O", 1));
    assert!(hits("request", 0) && hits("http://a", 0) && hits("09:30:00", 0));
    assert!(!hits("gpt-4o", 0));
    assert!(hits("", 0));
}

#[test]
fn long_texts_are_cut_and_the_trail_is_bounded() {
    let mut trail = Vec::new();
    for _ in 0..1005 {
        audit::push(
            &mut trail,
            NOW,
            "s",
            AuditKind::Request,
            json!({"text": "x".repeat(10_000)}),
        );
    }
    assert_eq!(trail.len(), 1000);
    assert_eq!(trail[0].seq, 5);
    let text = trail[0].detail["text"].as_str().unwrap();
    assert_eq!(
        text.chars().count(),
        4000 + "… [10000 characters in all]".chars().count()
    );
    assert!(text.ends_with("… [10000 characters in all]"));
}

#[test]
fn a_token_in_a_server_url_stays_out_of_the_trail_and_its_export() {
    let mut trail = Vec::new();
    let server = "https://me:pa55word@mcp.example.com/sse?api_key=sk-live-123&team=blue#frag";
    audit::push(&mut trail, NOW, server, AuditKind::Request, json!({}));
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

#[test]
fn a_plain_server_url_is_kept_as_it_is() {
    for server in [
        "http://127.0.0.1:8787/mcp",
        "https://example.com",
        "http://h/p?",
    ] {
        let mut trail = Vec::new();
        audit::push(&mut trail, NOW, server, AuditKind::Request, json!({}));
        assert_eq!(trail[0].server, server);
    }
    let mut trail = Vec::new();
    audit::push(
        &mut trail,
        NOW,
        "https://tok3n@example.com/users/@me?next=a@b",
        AuditKind::Request,
        json!({}),
    );
    assert_eq!(trail[0].server, "https://…@example.com/users/@me?next=…");
}

#[test]
fn the_export_holds_the_trail_and_refuses_to_carry_a_key() {
    let trail = trail();
    let exported = audit::export(&trail, &["sk-never-seen-1".into()]).unwrap();
    let value: serde_json::Value = serde_json::from_str(&exported).unwrap();
    assert_eq!(value["entries"].as_array().unwrap().len(), 2);
    assert_eq!(value["entries"][1]["kind"], "answer");
    let mut leaky = trail.clone();
    audit::push(
        &mut leaky,
        NOW,
        "http://a/mcp",
        AuditKind::Error,
        json!({"message": "bad key sk-secret-123"}),
    );
    assert_eq!(
        audit::export(&leaky, &["sk-secret-123".into()]),
        Err("The trail contains one of your API keys (a server or model echoed it); not exported. Clear the trail or remove the key first.".into())
    );
}

#[test]
fn the_trail_reads_back_what_was_saved_and_hides_tokens_saved_by_older_versions() {
    let trail = trail();
    assert_eq!(audit::load(Some(&audit::to_saved(&trail))), trail);
    assert!(audit::load(None).is_empty());
    assert!(audit::load(Some("{broken")).is_empty());
    let old = r#"[{"seq":0,"at":"2026-11-01T00:00:00.000Z","server":"http://h/mcp?token=srv-tok-4711","kind":"request","detail":{}}]"#;
    let loaded = audit::load(Some(old));
    assert_eq!(loaded[0].server, "http://h/mcp?token=…");
    assert_eq!(loaded[0].kind, AuditKind::Request);
}
