//! The review desk's rules in Chromium against the demo server: an auto-approve rule with a
//! budget answers until the budget is spent, then the person is asked again.

use std::time::Duration;

use mcp_desk_e2e::{open_page, start_demo};

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_auto_approve_rule_answers_within_its_budget_then_asks() {
    let demo = start_demo().await;
    let page = open_page(&demo.url(), "mock").await;
    let b = &page.browser;
    b.wait_for_testid("tool-item", WAIT).await.unwrap();
    b.set_value("rule-mode", "auto-completion").await.unwrap();
    b.set_value("rule-requests-per-minute", "2").await.unwrap();
    b.click("rule-save").await.unwrap();
    b.wait_for_text("rule-message", "Saved the rule", WAIT)
        .await
        .unwrap();

    for n in 1..=3 {
        let draft = format!("Post number {n} is short. It has two sentences.");
        let args = serde_json::json!({"title": format!("Post {n}"), "draft": draft});
        page.call_tool("create_blog_post", &args).await;
        if n <= 2 {
            // Answered by the rule with the Mock: no dialog, the result arrives.
            b.wait_for_text(
                "tool-result",
                &format!("Mock summary: Post number {n} is short."),
                WAIT,
            )
            .await
            .unwrap();
        }
    }
    // The third request finds the budget spent: the person is asked, and told why.
    b.wait_for_testid("sampling-dialog", WAIT).await.unwrap();
    b.wait_for_text("sampling-rule-note", "per minute", WAIT)
        .await
        .unwrap();
    b.click("sampling-generate").await.unwrap();
    b.wait_for_text("sampling-response", "Post number 3", WAIT)
        .await
        .unwrap();
    b.click("sampling-approve").await.unwrap();
    b.wait_for_text("tool-result", "Mock summary: Post number 3 is short.", WAIT)
        .await
        .unwrap();
    b.click("audit-toggle").await.unwrap();
    b.wait_for_testid("audit-item", WAIT).await.unwrap();
    let trail = b.all_text_of("audit-list").await.unwrap();
    assert!(
        trail.contains("\"automatic\":true"),
        "automatic answers are in the trail"
    );
    page.close().await;
}
