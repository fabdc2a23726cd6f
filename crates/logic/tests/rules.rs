//! The rule book: which rule applies, budgets that fall back to asking, the pause, throttling,
//! and what is saved.

use mcp_desk_logic::rules::{Budget, Decision, MAX_PENDING_PER_SERVER, Mode, Rule, RuleBook};
use mcp_desk_logic::server_key::ServerKey;

const SALT: &str = "device-salt";

fn key(url: &str) -> ServerKey {
    ServerKey::of(url, SALT)
}

fn s() -> ServerKey {
    key("http://a/mcp")
}

fn book(mode: Mode, budget: Budget) -> RuleBook {
    let mut book = RuleBook::default();
    book.set(Rule {
        server: s(),
        tool: None,
        mode,
        budget,
    });
    book
}

#[test]
fn without_a_rule_the_person_is_asked() {
    let mut b = RuleBook::default();
    assert_eq!(
        b.decide(&s(), None, 100, 0, 0.0),
        Decision::Ask { why: None }
    );
}

#[test]
fn a_rule_for_a_server_whose_url_carries_a_token_applies_to_that_server_only_and_keeps_the_token_out()
 {
    let server = key("https://mcp.example.com/mcp?api_key=srv-tok-4711");
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
    let other = key("https://mcp.example.com/mcp?api_key=other");
    assert_eq!(
        b.decide(&other, None, 10, 0, 0.0),
        Decision::Ask { why: None }
    );
    let saved = b.to_saved();
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

#[test]
fn a_book_saved_with_whole_urls_is_read_back_with_keys_and_budgets_start_afresh() {
    let saved = r#"{"rules":[{"server":"https://h/mcp?token=srv-tok-4711","tool":null,"mode":"AutoApproveCompletion","budget":{"requests_per_minute":1,"tokens_per_hour":null,"max_tokens_per_request":null}}],"paused":false}"#;
    let mut book = RuleBook::load(Some(saved), SALT);
    let server = key("https://h/mcp?token=srv-tok-4711");
    assert_eq!(book.rules[0].server, server);
    assert!(!book.to_saved().contains("srv-tok-4711"));
    assert_eq!(
        book.decide(&server, None, 1, 0, 0.0),
        Decision::AutoCompletion
    );
    let again = RuleBook::load(Some(&book.to_saved()), SALT);
    assert_eq!(again.rules, book.rules);
    assert_eq!(RuleBook::load(Some("not json"), SALT), RuleBook::default());
    assert_eq!(RuleBook::load(None, SALT), RuleBook::default());
}

#[test]
fn a_tool_rule_wins_over_the_server_rule() {
    let mut b = book(Mode::AutoApproveCompletion, Budget::default());
    b.set(Rule {
        server: s(),
        tool: Some("delete_all".into()),
        mode: Mode::AlwaysAsk,
        budget: Budget::default(),
    });
    assert_eq!(
        b.decide(&s(), Some("delete_all"), 10, 0, 0.0),
        Decision::Ask { why: None }
    );
    assert_eq!(
        b.decide(&s(), Some("summarise"), 10, 0, 0.0),
        Decision::AutoCompletion
    );
    assert_eq!(
        b.decide(&key("http://other/mcp"), None, 10, 0, 0.0),
        Decision::Ask { why: None }
    );
    b.remove(&s(), Some("delete_all"));
    assert_eq!(
        b.decide(&s(), Some("delete_all"), 10, 0, 0.0),
        Decision::AutoCompletion
    );
}

#[test]
fn a_requests_per_minute_budget_approves_until_spent_then_asks_then_refills() {
    let mut b = book(
        Mode::AutoApproveRequest,
        Budget {
            requests_per_minute: Some(2),
            ..Budget::default()
        },
    );
    assert_eq!(b.decide(&s(), None, 10, 0, 0.0), Decision::AutoRequest);
    assert_eq!(b.decide(&s(), None, 10, 0, 1_000.0), Decision::AutoRequest);
    assert_eq!(
        b.decide(&s(), None, 10, 0, 2_000.0),
        Decision::Ask {
            why: Some("The rule's budget of 2 requests per minute is spent.".into())
        }
    );
    assert_eq!(b.decide(&s(), None, 10, 0, 61_500.0), Decision::AutoRequest);
}

#[test]
fn token_budgets_and_the_per_request_cap_fall_back_to_asking() {
    let mut b = book(
        Mode::AutoApproveCompletion,
        Budget {
            tokens_per_hour: Some(500),
            max_tokens_per_request: Some(300),
            ..Budget::default()
        },
    );
    assert_eq!(
        b.decide(&s(), None, 400, 0, 0.0),
        Decision::Ask {
            why: Some("It allows 400 tokens, above the rule's 300 per request.".into())
        }
    );
    assert_eq!(b.decide(&s(), None, 300, 0, 0.0), Decision::AutoCompletion);
    assert_eq!(
        b.decide(&s(), None, 250, 0, 10.0),
        Decision::Ask {
            why: Some(
                "The rule's budget of 500 tokens per hour would be exceeded (300 used).".into()
            )
        }
    );
    assert_eq!(
        b.decide(&s(), None, 250, 0, 3_700_000.0),
        Decision::AutoCompletion
    );
}

#[test]
fn the_pause_asks_for_everything_and_a_flood_is_throttled() {
    let mut b = book(Mode::AutoApproveCompletion, Budget::default());
    b.paused = true;
    assert_eq!(
        b.decide(&s(), None, 10, 0, 0.0),
        Decision::Ask {
            why: Some("Automatic approval is paused.".into())
        }
    );
    assert!(matches!(
        b.decide(&s(), None, 10, MAX_PENDING_PER_SERVER, 0.0),
        Decision::Throttle { .. }
    ));
    assert!(matches!(
        RuleBook::default().decide(&s(), None, 10, MAX_PENDING_PER_SERVER - 1, 0.0),
        Decision::Ask { why: None }
    ));
}

#[test]
fn rules_and_budgets_read_as_the_panel_lists_them() {
    let rule = Rule {
        server: key("http://a/mcp?token=t"),
        tool: Some("create_blog_post".into()),
        mode: Mode::AutoApproveRequest,
        budget: Budget {
            requests_per_minute: Some(2),
            tokens_per_hour: None,
            max_tokens_per_request: Some(300),
        },
    };
    assert_eq!(
        rule.describe(),
        "http://a/mcp?token=… · create_blog_post — Auto-approve the request (review the completion) (2/min, ≤ 300 tokens each)"
    );
    assert_eq!(mcp_desk_logic::rules::parse_limit(" 12 "), Ok(Some(12)));
    assert_eq!(mcp_desk_logic::rules::parse_limit(""), Ok(None));
    assert!(mcp_desk_logic::rules::parse_limit("ten").is_err());
}
