//! The seed's sampling loop, end to end: the built page in headless Chromium, against the
//! demo server (rmcp; at 2026-07-28 by negotiation, at 2025-11-25 when forced) and against the
//! official `server-everything`, answering with the Mock and Manual providers, approving and
//! rejecting.

use std::time::Duration;

use mcp_desk_e2e::{Page, open_page, open_page_at, start_demo};
use mcp_desk_testkit::peers::{EverythingMode, ServerEverything};

const WAIT: Duration = Duration::from_secs(20);
const DRAFT: &str = "MCP servers can ask the client's model for help. This post shows how a person stays in the loop. It ends with a checklist.";

/// Connects, picks `create_blog_post`, fills its arguments and calls it; returns when the dialog shows.
async fn call_blog_post(page: &Page) {
    let args = serde_json::json!({"title": "Sampling in practice", "draft": DRAFT});
    page.call_tool("create_blog_post", &args).await;
    page.browser
        .wait_for_testid("sampling-dialog", WAIT)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mock_answer_reaches_the_demo_server_and_its_tool_result() {
    let demo = start_demo().await;
    let page = open_page(&demo.url(), "mock").await;
    let b = &page.browser;
    b.wait_for_text("server-name", "mcp-desk-demo", WAIT)
        .await
        .unwrap();
    // Negotiated newest first: the sampling request arrives inside an input_required result.
    b.wait_for_text("protocol-version", "2026-07-28", WAIT)
        .await
        .unwrap();
    assert!(
        b.text_of("protocol-transport")
            .await
            .unwrap()
            .contains("stateless")
    );
    call_blog_post(&page).await;

    // Checkpoint 1 shows what the server sent.
    assert!(
        b.text_of("sampling-server")
            .await
            .unwrap()
            .contains("mcp-desk-demo")
    );
    let message = b.value_of("sampling-message-text").await.unwrap();
    assert!(message.contains(DRAFT), "the draft is shown: {message}");
    assert_eq!(
        b.value_of("sampling-system-prompt").await.unwrap(),
        "You write concise, factual abstracts for blog posts."
    );
    assert_eq!(b.value_of("sampling-max-tokens").await.unwrap(), "200");
    assert!(
        b.text_of("sampling-model-hints")
            .await
            .unwrap()
            .contains("claude-3-5-sonnet")
    );
    assert_eq!(b.text_of("sampling-count").await.unwrap(), "1");

    b.click("sampling-generate").await.unwrap();
    b.wait_for_text("sampling-response", "Mock summary:", WAIT)
        .await
        .unwrap();
    let summary = b.value_of("sampling-response").await.unwrap();
    assert_eq!(
        summary,
        "Mock summary: MCP servers can ask the client's model for help."
    );
    page.screenshot("sampling-dialog").await;
    b.click("sampling-approve").await.unwrap();

    b.wait_for_text("tool-result", &summary, WAIT)
        .await
        .unwrap();
    let result = b.text_of("tool-result").await.unwrap();
    assert!(
        result.contains("mcp-desk-mock-1"),
        "the answering model is named: {result}"
    );
    assert!(!result.starts_with("error"), "{result}");
    assert_eq!(b.text_of("sampling-count").await.unwrap(), "0");
    page.screenshot("tool-result").await;
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manual_answer_reaches_the_server_exactly_as_written_at_2025_11_25() {
    let demo = start_demo().await;
    let page = open_page_at(&demo.url(), "manual", Some("2025-11-25")).await;
    let b = &page.browser;
    b.wait_for_text("connection-status", "connected", WAIT)
        .await
        .unwrap();
    // Forced by the URL: a session, and sampling as a request on the call's stream.
    assert_eq!(b.text_of("protocol-version").await.unwrap(), "2025-11-25");
    assert!(
        b.text_of("protocol-transport")
            .await
            .unwrap()
            .contains("session")
    );
    call_blog_post(&page).await;
    assert_eq!(b.value_of("sampling-provider").await.unwrap(), "manual");
    // Approving an empty answer is refused with a reason, and nothing is sent.
    b.click("sampling-approve").await.unwrap();
    b.wait_for_text("sampling-error", "empty", WAIT)
        .await
        .unwrap();
    let written = "A hand-written abstract, checked by a person.";
    b.set_value("sampling-response", written).await.unwrap();
    b.set_value("sampling-model", "workshop-human")
        .await
        .unwrap();
    b.click("sampling-approve").await.unwrap();
    b.wait_for_text("tool-result", written, WAIT).await.unwrap();
    assert!(
        b.text_of("tool-result")
            .await
            .unwrap()
            .contains("workshop-human")
    );
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edited_mock_answer_reaches_the_server_as_edited() {
    let demo = start_demo().await;
    let page = open_page(&demo.url(), "mock").await;
    let b = &page.browser;
    b.wait_for_text("connection-status", "connected", WAIT)
        .await
        .unwrap();
    call_blog_post(&page).await;
    b.click("sampling-generate").await.unwrap();
    b.wait_for_text("sampling-response", "Mock summary:", WAIT)
        .await
        .unwrap();
    b.set_value("sampling-response", "Edited after generation.")
        .await
        .unwrap();
    b.click("sampling-approve").await.unwrap();
    b.wait_for_text("tool-result", "Edited after generation.", WAIT)
        .await
        .unwrap();
    assert!(
        !b.text_of("tool-result")
            .await
            .unwrap()
            .contains("Mock summary")
    );
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejecting_at_2025_11_25_gives_the_tool_an_error() {
    let demo = start_demo().await;
    let page = open_page_at(&demo.url(), "mock", Some("2025-11-25")).await;
    let b = &page.browser;
    b.wait_for_text("connection-status", "connected", WAIT)
        .await
        .unwrap();
    call_blog_post(&page).await;
    b.click("sampling-reject").await.unwrap();
    b.wait_for_text("tool-result", "error", WAIT).await.unwrap();
    let result = b.text_of("tool-result").await.unwrap();
    assert!(
        result.contains("User rejected sampling request"),
        "{result}"
    );
    assert_eq!(b.text_of("sampling-count").await.unwrap(), "0");
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_everything_sampling_round_trip() {
    let everything = ServerEverything::start(EverythingMode::StreamableHttp)
        .await
        .unwrap();
    let page = open_page(&everything.url(), "mock").await;
    let b = &page.browser;
    b.wait_for_text("connection-status", "connected", WAIT)
        .await
        .unwrap();
    b.wait_for_text("protocol-version", "2025-11-25", WAIT)
        .await
        .unwrap();
    let args = serde_json::json!({"prompt": "Name three colours of the sea.", "maxTokens": 60});
    page.call_tool("trigger-sampling-request", &args).await;
    b.wait_for_testid("sampling-dialog", WAIT).await.unwrap();
    let message = b.value_of("sampling-message-text").await.unwrap();
    assert!(
        message.contains("Name three colours of the sea."),
        "{message}"
    );
    assert_eq!(b.value_of("sampling-max-tokens").await.unwrap(), "60");
    page.generate_and_approve("Mock summary:", "Name three colours of the sea.")
        .await;
    let result = b.text_of("tool-result").await.unwrap();
    assert!(result.contains("mcp-desk-mock-1"), "{result}");
    assert!(!result.starts_with("error"), "{result}");
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejecting_at_2026_07_28_declines_the_call_without_sending_it_again() {
    let demo = start_demo().await;
    let page = open_page(&demo.url(), "mock").await;
    let b = &page.browser;
    b.wait_for_text("protocol-version", "2026-07-28", WAIT)
        .await
        .unwrap();
    call_blog_post(&page).await;
    b.click("sampling-reject").await.unwrap();
    b.wait_for_text("tool-result", "declined", WAIT)
        .await
        .unwrap();
    let result = b.text_of("tool-result").await.unwrap();
    assert!(result.contains("not sent again"), "{result}");
    assert_eq!(b.text_of("sampling-count").await.unwrap(), "0");
    page.close().await;
}
