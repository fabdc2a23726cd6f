//! The rule book: which rule applies, budgets that fall back to asking, the pause, throttling.
#![cfg(target_arch = "wasm32")]

use mcp_desk::rules::{Budget, Decision, MAX_PENDING_PER_SERVER, Mode, Rule, RuleBook};
use mcp_desk::server_key;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const S: &str = "http://a/mcp";

fn book(mode: Mode, budget: Budget) -> RuleBook {
    let mut book = RuleBook::default();
    book.set(Rule {
        server: S.into(),
        tool: None,
        mode,
        budget,
    });
    book
}

#[wasm_bindgen_test]
fn without_a_rule_the_person_is_asked() {
    let mut b = RuleBook::default();
    assert_eq!(b.decide(S, None, 100, 0, 0.0), Decision::Ask { why: None });
}

#[wasm_bindgen_test]
fn a_server_is_named_by_its_url_unless_the_url_carries_a_token() {
    // A plain URL names itself, as rules saved before keys existed do.
    assert_eq!(server_key::keyed(S, "salt"), S);
    assert_eq!(server_key::of(S), S);
    let one = "https://mcp.example.com/mcp?api_key=srv-tok-4711";
    let key = server_key::keyed(one, "salt");
    assert!(!key.contains("srv-tok-4711"), "{key}");
    assert_eq!(
        server_key::shown(&key),
        "https://mcp.example.com/mcp?api_key=…"
    );
    assert_eq!(
        server_key::keyed(one, "salt"),
        key,
        "the same server, the same key"
    );
    assert_ne!(
        server_key::keyed("https://mcp.example.com/mcp?api_key=other", "salt"),
        key
    );
    assert_ne!(server_key::keyed(one, "another device"), key);
    assert_eq!(server_key::migrate(&key), key);
    assert!(!server_key::migrate(one).contains("srv-tok-4711"));
}

#[wasm_bindgen_test]
fn a_rule_for_a_server_whose_url_carries_a_token_applies_to_that_server_only_and_keeps_the_token_out()
 {
    let server = server_key::of("https://mcp.example.com/mcp?api_key=srv-tok-4711");
    let mut b = RuleBook::default();
    b.set(Rule {
        server: server.clone(),
        tool: None,
        mode: Mode::AutoApproveCompletion,
        budget: Budget::default(),
    });
    assert_eq!(
        b.decide(&server, None, 10, 0, 0.0),
        Decision::AutoCompletion
    );
    // Another account (or another server behind one endpoint) is not covered by it.
    let other = server_key::of("https://mcp.example.com/mcp?api_key=other");
    assert_eq!(
        b.decide(&other, None, 10, 0, 0.0),
        Decision::Ask { why: None }
    );
    let saved = serde_json::to_string(&b).unwrap();
    assert!(!saved.contains("srv-tok-4711"), "{saved}");
    // A refusal is logged: it names the server without its token.
    let Decision::Throttle { why } = b.decide(&server, None, 10, MAX_PENDING_PER_SERVER, 0.0)
    else {
        panic!("a full queue throttles");
    };
    assert!(
        why.starts_with("https://mcp.example.com/mcp?api_key=… already has"),
        "{why}"
    );
}

#[wasm_bindgen_test]
fn a_tool_rule_wins_over_the_server_rule() {
    let mut b = book(Mode::AutoApproveCompletion, Budget::default());
    b.set(Rule {
        server: S.into(),
        tool: Some("delete_all".into()),
        mode: Mode::AlwaysAsk,
        budget: Budget::default(),
    });
    assert_eq!(
        b.decide(S, Some("delete_all"), 10, 0, 0.0),
        Decision::Ask { why: None }
    );
    assert_eq!(
        b.decide(S, Some("summarise"), 10, 0, 0.0),
        Decision::AutoCompletion
    );
    assert_eq!(
        b.decide("http://other/mcp", None, 10, 0, 0.0),
        Decision::Ask { why: None }
    );
}

#[wasm_bindgen_test]
fn a_requests_per_minute_budget_approves_until_spent_then_asks_then_refills() {
    let mut b = book(
        Mode::AutoApproveRequest,
        Budget {
            requests_per_minute: Some(2),
            ..Budget::default()
        },
    );
    assert_eq!(b.decide(S, None, 10, 0, 0.0), Decision::AutoRequest);
    assert_eq!(b.decide(S, None, 10, 0, 1_000.0), Decision::AutoRequest);
    assert!(
        matches!(b.decide(S, None, 10, 0, 2_000.0), Decision::Ask { why: Some(w) } if w.contains("per minute"))
    );
    assert_eq!(b.decide(S, None, 10, 0, 61_500.0), Decision::AutoRequest);
}

#[wasm_bindgen_test]
fn token_budgets_and_the_per_request_cap_fall_back_to_asking() {
    let mut b = book(
        Mode::AutoApproveCompletion,
        Budget {
            tokens_per_hour: Some(500),
            max_tokens_per_request: Some(300),
            ..Budget::default()
        },
    );
    assert!(
        matches!(b.decide(S, None, 400, 0, 0.0), Decision::Ask { why: Some(w) } if w.contains("per request"))
    );
    assert_eq!(b.decide(S, None, 300, 0, 0.0), Decision::AutoCompletion);
    assert!(
        matches!(b.decide(S, None, 250, 0, 10.0), Decision::Ask { why: Some(w) } if w.contains("per hour"))
    );
    assert_eq!(
        b.decide(S, None, 250, 0, 3_700_000.0),
        Decision::AutoCompletion
    );
}

#[wasm_bindgen_test]
fn the_pause_asks_for_everything_and_a_flood_is_throttled() {
    let mut b = book(Mode::AutoApproveCompletion, Budget::default());
    b.paused = true;
    assert!(
        matches!(b.decide(S, None, 10, 0, 0.0), Decision::Ask { why: Some(w) } if w.contains("paused"))
    );
    assert!(matches!(
        b.decide(S, None, 10, MAX_PENDING_PER_SERVER, 0.0),
        Decision::Throttle { .. }
    ));
    assert!(matches!(
        RuleBook::default().decide(S, None, 10, MAX_PENDING_PER_SERVER, 0.0),
        Decision::Throttle { .. }
    ));
}
